// lower_ctx.cc: the shared lowering walk and queries (see lower_ctx.h).
#include "backends/common/lower_ctx.h"

#include <algorithm>
#include <utility>

#include "ir/cfg.h"
#include "ir/dominator_tree.h"
#include "ir/loop_analysis.h"
#include "support/spare_storage.h"

namespace egret::backend {

namespace {

// Per thread: the storage of the last LowerCtx's order, value -> vreg map and branch plan,
// handed to the next one so that a worker lowering many functions reuses their capacity
// (LowerFunction takes it, ~LowerCtx gives it back).
struct CtxStorage {
  LowerOrder lo;
  std::vector<regalloc::VReg> vreg_of;
  std::vector<std::pair<bool, const CallTarget*>> callee_of;
  std::vector<CallLayout> sig_layouts;
  std::vector<uint8_t> sig_layout_known;
  BranchTargets branch;
  // The edge-block scratch and PlanBranch's duplicate check: taken emptied (TakeSpare), so a
  // new context starts with plan_seen_ empty, as its stamps (plan_stamp_) start at 0 again.
  std::vector<const ir::BlockCall*> edge_first;
  std::vector<regalloc::VReg> edge_args;
  std::vector<uint32_t> plan_seen;
};
thread_local CtxStorage ctx_storage;

}  // namespace

WalkPlanTable::WalkPlanTable(std::initializer_list<ir::Opcode> may_sink) {
  for (ir::Opcode op : may_sink) plan[static_cast<size_t>(op)] |= LowerRules::kWalkMaySink;
  for (ir::Opcode op : {ir::Opcode::kIconst, ir::Opcode::kF32const, ir::Opcode::kF64const})
    plan[static_cast<size_t>(op)] |= LowerRules::kWalkSkip;
}

LowerCtx::LowerCtx(const ir::Function& f, regalloc::Function& ra, std::string error_prefix)
    : f_(&f), dfg_(&f.dfg), ra_(ra), error_prefix_(std::move(error_prefix)) {}

LowerCtx::LowerCtx(regalloc::Function& ra, std::string error_prefix)
    : ra_(ra), error_prefix_(std::move(error_prefix)), owns_storage_(true), keeps_storage_(true) {}

void LowerCtx::Reset(const ir::Function& f) {
  EGRET_DCHECK(keeps_storage_);
  f_ = &f;
  dfg_ = &f.dfg;
  rules_ = nullptr;
  plan_dests_ = {};
  plan_slots_ = {};
  plan_term_ = ir::Inst();  // an instruction index of the last function is not this one's
  plan_edges_ = 0;
  plan_seen_.clear();  // its stamps belong to plan_stamp_'s count, which starts again
  plan_stamp_ = 0;
  srcloc_ = UINT32_MAX;
  has_vector_vregs_ = false;
}

LowerCtx::~LowerCtx() {
  if (!owns_storage_ || keeps_storage_) return;
  ctx_storage.lo = std::move(lo_);
  ctx_storage.vreg_of = std::move(vreg_of_);
  ctx_storage.callee_of = std::move(callee_of_);
  ctx_storage.sig_layouts = std::move(sig_layouts_);
  ctx_storage.sig_layout_known = std::move(sig_layout_known_);
  ctx_storage.branch = std::move(branch_);
  GiveSpare(edge_first_, ctx_storage.edge_first);
  GiveSpare(edge_args_, ctx_storage.edge_args);
  GiveSpare(plan_seen_, ctx_storage.plan_seen);
}

bool LowerCtx::OnlyAddressUsesInBlock(ir::Value v) const {
  const uint32_t r = Resolve(v).index;
  return DefInstId(v).valid() && lo_.use_count[r] != 0 && lo_.addr_use_count[r] == lo_.use_count[r];
}

bool LowerCtx::OnlyPureBetween(ir::Inst def, ir::Inst user) const {
  for (ir::Inst k = f_->layout.NextInst(def); k != user; k = f_->layout.NextInst(k)) {
    if (!k.valid() || !ir::Info((*dfg_)[k].opcode).Has(ir::kPure)) return false;
  }
  return true;
}

const CallTarget* LowerCtx::LookUpCallee(ir::FuncRef f, const ModuleContext& module) const {
  auto it = module.callees.find(dfg_->ext_func(f).name);
  return it == module.callees.end() ? nullptr : &it->second;
}

regalloc::VReg LowerCtx::NewVReg(ir::Type t) {
  if (IsVectorType(t)) has_vector_vregs_ = true;
  // A reference (r64) gets a reference vreg: the allocator keeps it in a stack slot across
  // every safepoint and lists the slot in the safepoint's stack map.
  return ra_.AddVReg(IsFloatClass(t) ? regalloc::RegClass::kFloat : regalloc::RegClass::kInt,
                     ir::IsRef(t));
}

regalloc::VReg LowerCtx::DefVReg(ir::Value v) {
  v = Resolve(v);
  regalloc::VReg& r = vreg_of_[v.index];
  if (!r.valid()) r = NewVReg(dfg_->ValueType(v));
  return r;
}

regalloc::VReg LowerCtx::Use(ir::Value v) {
  v = Resolve(v);
  const ir::ValueData& vd = dfg_->ValueInfo(v);  // (IsConst and DefInst, with one lookup)
  if (vd.kind == ir::ValueKind::kResult) {
    const ir::InstData& d = (*dfg_)[ir::Inst(vd.def)];
    if (d.opcode == ir::Opcode::kIconst || d.opcode == ir::Opcode::kF32const ||
        d.opcode == ir::Opcode::kF64const)
      return rules_->Rematerialize(v, d);
  }
  regalloc::VReg r = vreg_of_[v.index];
  EGRET_CHECK(r.valid());
  return r;
}

void LowerCtx::AliasVReg(ir::Value v, regalloc::VReg r) {
  v = Resolve(v);
  EGRET_CHECK(!vreg_of_[v.index].valid() && r.valid());
  vreg_of_[v.index] = r;
}

const BranchTargets& LowerCtx::PlanBranch(ir::Inst term, ir::Block b) {
  // A terminator ends its block: its destinations are the order's list of the block's.
  EGRET_DCHECK(term == f_->layout.LastInst(b));
  plan_dests_ = lo_.DestsOf(b);
  const std::span<const ir::BlockCall* const> dests = plan_dests_;
  // Edge blocks exist only for terminators with several destinations (LowerFunction emits them
  // under the same condition); a br_table with only a default is a plain jump.
  // (The order planned them already: a multi-destination terminator ends its block. The plan
  // is read in place: lo_ does not change while the function is lowered.)
  const bool multi = dests.size() > 1;
  plan_slots_ = multi ? lo_.EdgeSlotsOf(b) : std::span<const uint32_t>();
  plan_edges_ = multi ? lo_.EdgeBlocksOf(b) : 0;
  EGRET_DCHECK(!multi || plan_slots_.size() == dests.size());
  const std::span<const uint32_t> slots = plan_slots_;
  auto edge_slot = [&](size_t k) { return multi ? slots[k] : UINT32_MAX; };
  plan_term_ = term;
  const uint32_t self = lo_.vblock_of[b.index];
  BranchTargets& out = branch_;
  out.target.resize(dests.size());
  out.distinct.clear();
  size_t num_distinct = 0;
  for (size_t k = 0; k < dests.size(); ++k)
    out.target[k] =
        edge_slot(k) != UINT32_MAX ? self + 1 + edge_slot(k) : lo_.vblock_of[dests[k]->block.index];
  // Up to 16 destinations the scan of the distinct targets so far is cheapest; beyond, stamps
  // by VCode block (plan_seen_) keep the check O(1) per destination: a br_table of N entries
  // into D blocks would otherwise cost O(N x D).
  const bool wide = dests.size() > 16;
  if (wide) {
    uint32_t max_target = 0;
    for (uint32_t t : out.target) max_target = std::max(max_target, t);
    if (plan_seen_.size() <= max_target) plan_seen_.resize(max_target + 1, 0);
    if (++plan_stamp_ == 0) {  // wrapped: no entry may hold the new stamp
      std::fill(plan_seen_.begin(), plan_seen_.end(), 0);
      plan_stamp_ = 1;
    }
  }
  for (size_t k = 0; k < dests.size(); ++k) {
    if (wide) {
      uint32_t& stamp = plan_seen_[out.target[k]];
      if (stamp == plan_stamp_) continue;
      stamp = plan_stamp_;
    } else {
      bool seen = false;
      for (uint32_t t : out.distinct) seen |= t == out.target[k];
      if (seen) continue;
    }
    out.distinct.push_back(out.target[k]);
    // distinct_args keeps its inner vectors (and their capacity) from earlier branches.
    if (out.distinct_args.size() <= num_distinct) out.distinct_args.emplace_back();
    std::vector<regalloc::VReg>& args = out.distinct_args[num_distinct++];
    args.clear();
    if (edge_slot(k) == UINT32_MAX)
      for (ir::Value a : dfg_->pool().Get(dests[k]->args)) args.push_back(Use(a));
  }
  // (Entries past num_distinct stay, with their capacity, for later branches.)
  return out;
}

Status LowerCtx::Unsupported(const std::string& what) const {
  return Error(error_prefix_ + ": not supported: " + what + " (function " + f_->name + ")");
}

// The first vector op or vector-typed value of the function, as a "not supported" error.
static Status RejectVectors(const LowerCtx& ctx) {
  const ir::Function& f = ctx.func();
  const ir::DataFlowGraph& dfg = ctx.dfg();
  for (ir::Type t : f.signature.params)
    if (ir::IsVector(t))
      return ctx.Unsupported("cannot lower vector parameter type " + std::string(ir::TypeName(t)));
  for (ir::Type t : f.signature.results)
    if (ir::IsVector(t))
      return ctx.Unsupported("cannot lower vector result type " + std::string(ir::TypeName(t)));
  for (ir::Block b : f.layout.Blocks()) {
    for (ir::Inst i : f.layout.Insts(b)) {
      bool vector = ir::IsVectorOp(dfg[i].opcode);
      dfg.ForEachOperand(i, [&](ir::Value v) { vector |= ir::IsVector(dfg.ValueType(v)); });
      for (ir::Value r : dfg.InstResults(i)) vector |= ir::IsVector(dfg.ValueType(r));
      if (vector)
        return ctx.Unsupported("cannot lower vector op " +
                               std::string(ir::OpcodeName(dfg[i].opcode)) + " on this target");
    }
  }
  return Status::Ok();
}

Status LowerFunction(LowerCtx& ctx, LowerRules& rules) {
  const ir::Function& f = *ctx.f_;
  const ir::DataFlowGraph& dfg = *ctx.dfg_;
  // The loops steer the block layout (LowerOrder) and, below, the allocator's spill weights and
  // split points: the caller's (ProvidedLoops, the compiler's analysis cache), else computed
  // here (per thread and recomputed per function: the analyses keep their storage's capacity).
  struct Analyses {
    ir::ControlFlowGraph cfg;
    ir::DominatorTree domtree;
    ir::LoopAnalysis loops;
  };
  thread_local Analyses analyses;
  ir::LoopSource* const provided = ProvidedLoops(f);
  if (provided == nullptr) {
    analyses.cfg.Compute(f);
    analyses.domtree.Compute(f, analyses.cfg);
    analyses.loops.Compute(f, analyses.cfg, analyses.domtree);
  }
  const ir::LoopAnalysis& loops = provided != nullptr ? provided->Loops() : analyses.loops;
  if (!ctx.owns_storage_) {
    ctx.lo_ = std::move(ctx_storage.lo);
    ctx.vreg_of_ = std::move(ctx_storage.vreg_of);
    ctx.callee_of_ = std::move(ctx_storage.callee_of);
    ctx.sig_layouts_ = std::move(ctx_storage.sig_layouts);
    ctx.sig_layout_known_ = std::move(ctx_storage.sig_layout_known);
    ctx.branch_ = std::move(ctx_storage.branch);
    TakeSpare(ctx.edge_first_, ctx_storage.edge_first);
    TakeSpare(ctx.edge_args_, ctx_storage.edge_args);
    TakeSpare(ctx.plan_seen_, ctx_storage.plan_seen);
    ctx.owns_storage_ = true;
  }
  ctx.lo_.Recompute(f, loops);
  ctx.vreg_of_.assign(dfg.NumValues(), regalloc::VReg());
  ctx.callee_of_.assign(dfg.NumExtFuncs(), {false, nullptr});
  if (ctx.sig_layouts_.size() < dfg.NumSignatures()) ctx.sig_layouts_.resize(dfg.NumSignatures());
  ctx.sig_layout_known_.assign(dfg.NumSignatures(), 0);
  ctx.rules_ = &rules;
  const LowerOrder& lo = ctx.lo_;
  if (lo.order.empty()) return ctx.Unsupported("empty function");
  if (lo.num_preds[f.EntryBlock().index] != 0) return ctx.Unsupported("branch to the entry block");
  if (!rules.LowersVectors()) EGRET_TRY(RejectVectors(ctx));

  // The loops of every VCode block: an IR block is in its natural loops; an edge block is in
  // the innermost loop containing both ends of its edge (it runs once per traversal of the
  // edge). Headers and parents as VCode indices.
  std::vector<uint32_t>& depth = ctx.ra_.loop_depth;
  std::vector<uint32_t>& header = ctx.ra_.loop_header;
  std::vector<uint32_t>& parent = ctx.ra_.loop_parent;
  depth.clear();
  header.clear();
  parent.clear();
  depth.reserve(lo.num_vblocks);
  header.reserve(lo.num_vblocks);
  parent.reserve(lo.num_vblocks);
  // Per loop, what its blocks record (a loop's facts are the same for each of its blocks, so
  // they are looked up once per loop, not once per block): its depth, its header's VCode index
  // and its parent's header's (for the header's own entry). Index nloops: no loop.
  constexpr uint32_t kNoLoop = regalloc::Function::kNoLoop;
  struct LoopFacts {
    uint32_t depth, header, parent_header;
  };
  thread_local std::vector<LoopFacts> loop_facts;  // per thread: storage reused
  const uint32_t nloops = static_cast<uint32_t>(loops.NumLoops());
  loop_facts.resize(nloops + 1);
  for (uint32_t k = 0; k < nloops; ++k) {
    const ir::Loop l(k), p = loops.Parent(l);
    loop_facts[k] = {loops.Depth(l), lo.vblock_of[loops.Header(l).index],
                     p.valid() ? lo.vblock_of[loops.Header(p).index] : kNoLoop};
  }
  loop_facts[nloops] = {0, kNoLoop, kNoLoop};
  auto add_block_loop = [&](ir::Loop l, bool is_header) {
    const LoopFacts& lf = loop_facts[l.valid() ? l.index : nloops];
    depth.push_back(lf.depth);
    header.push_back(lf.header);
    parent.push_back(is_header ? lf.parent_header : kNoLoop);
  };

  // The rules' walk plan, or one that asks IsSunk and LowerInst of everything.
  static const struct AskAll {
    uint8_t plan[ir::kNumOpcodes];
    AskAll() { std::fill(std::begin(plan), std::end(plan), LowerRules::kWalkMaySink); }
  } ask_all;
  const uint8_t* const plan = rules.WalkPlan() != nullptr ? rules.WalkPlan() : ask_all.plan;

  std::span<const ir::BlockCall* const>& dests = ctx.plan_dests_;
  std::span<const uint32_t>& slots = ctx.plan_slots_;
  std::vector<const ir::BlockCall*>& first = ctx.edge_first_;
  std::vector<regalloc::VReg>& args = ctx.edge_args_;
  for (size_t k = 0; k < lo.order.size(); ++k) {
    const ir::Block b = lo.order[k];
    ctx.ra_.StartBlock();
    {
      const ir::Loop l = loops.InnermostLoop(b);
      add_block_loop(l, l.valid() && loop_facts[l.index].header == lo.vblock_of[b.index]);
    }
    if (b == f.EntryBlock()) {
      EGRET_TRY(rules.LowerEntry(b));
    } else {
      for (ir::Value p : dfg.BlockParams(b)) ctx.ra_.AddBlockParam(ctx.DefVReg(p));
    }
    for (ir::Inst i : lo.InstsAt(k)) {
      const ir::Opcode op = dfg[i].opcode;
      const uint8_t what = plan[static_cast<size_t>(op)];
      if (what & LowerRules::kWalkSkip) {
        EGRET_DCHECK(!rules.IsSunk(i) && !ir::IsTerminator(op));
        continue;
      }
      ctx.srcloc_ = f.SrcLoc(i);
      if (what & LowerRules::kWalkMaySink) {
        if (rules.IsSunk(i)) continue;
      } else {
        EGRET_DCHECK(!rules.IsSunk(i));
      }
      if (ir::IsTerminator(op)) {
        EGRET_TRY(rules.LowerTerminator(i, b));
      } else {
        EGRET_TRY(rules.LowerInst(i));
      }
    }
    // Edge blocks for this block's multi-successor terminator, in the order PlanEdgeBlocks
    // numbered them (the first destination naming each one supplies its arguments).
    // (When the rules planned the terminator's branch, dests and slots still hold that plan.)
    const ir::Inst term = f.layout.LastInst(b);
    uint32_t n = 0;
    if (term.valid() && term == ctx.plan_term_) {
      n = ctx.plan_edges_;
    } else {
      dests = lo.DestsOf(b);
      if (dests.size() > 1) {
        slots = lo.EdgeSlotsOf(b);
        n = lo.EdgeBlocksOf(b);
      }
    }
    if (n != 0) {
      first.assign(n, nullptr);
      for (size_t k = 0; k < dests.size(); ++k)
        if (slots[k] != UINT32_MAX && first[slots[k]] == nullptr) first[slots[k]] = dests[k];
      for (uint32_t e = 0; e < n; ++e) {
        ctx.ra_.StartBlock();
        ir::Loop l = loops.InnermostLoop(b);
        while (l.valid() && !loops.Contains(l, first[e]->block)) l = loops.Parent(l);
        add_block_loop(l, false);
        args.clear();
        for (ir::Value a : dfg.pool().Get(first[e]->args)) args.push_back(ctx.Use(a));
        rules.EmitJump(lo.vblock_of[first[e]->block.index], args);
      }
    }
  }
  EGRET_CHECK(depth.size() == ctx.ra_.num_blocks() && header.size() == depth.size());
  ctx.ra_.Finish();
  return Status::Ok();
}

}  // namespace egret::backend
