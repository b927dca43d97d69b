// iv_reduce.cc: strength reduction of loop-invariant offsets of induction variables.
//
// A basic induction variable of a loop is an i32 or i64 parameter p of the loop's header whose
// argument on every back edge is one value `next`, defined as `iadd p, s`, `iadd s, p`,
// `isub p, s` (s defined outside the loop) or `iadd_imm p, c`. An offset of p is an `iadd x, inv`,
// `iadd inv, x`, `isub x, inv` or `isub inv, x` in the loop (nested loops included), with x p or
// next and inv defined outside the loop. Each offset is itself an induction variable with the
// same step (negated for `inv - x`), exactly, in arithmetic modulo 2^32 or 2^64: if q = inv + p
// on entry (q0 = inv + p0) and both step by s, then q = inv + p on every iteration whatever
// wraps, and inv + next = q + s. So when every use of p and of next, other than next's own
// definition and the back edges' arguments, is an offset in the loop, the pass
//  - gives each distinct offset (inv, form) a new header parameter q: its argument from the
//    preheader is the offset of p's initial value (computed before the preheader's jump, folded
//    when that value is a known constant), its argument on every back edge is q_next = q + s
//    (`isub`, `iadd_imm` as the step is), placed right after next's definition;
//  - replaces each offset of p by q and each offset of next by q_next;
//  - removes p and next.
// Per iteration the loop then runs one add per distinct offset where it ran one per offset plus
// p's own, and the invariants are no longer live in it. Sieve's inner loop (the store address
// `base + j` and the compared `i*i + j + i` with j stepping by i) goes from three adds to two.
// Loops with more than kMaxOffsets distinct offsets are left alone (each offset costs a
// register across the loop), as are induction variables with any other use, in the loop
// (a compare, a shift, a call, another block's argument) or after it: p would stay live and
// the rewrite would only add registers.
// Requirements: the loop has a preheader (the sole outside predecessor of the header, ending in
// `jump`; licm makes them). Loops are processed innermost first; the values an inner loop's
// rewrite places in its preheader are offsets an enclosing loop may reduce in turn.
// Cost: per loop, a look at the header's parameters and back edges; a loop whose variable its
// header's or a latch's brif tests (the counted loop) stops there. Otherwise a walk over the
// loop's blocks, nested loops' included, that stops once every variable has a use other than
// an offset; and when one is still in the running, one walk over the function for use counts
// (once per function, or the counts the cache holds, which the passes since cfg_simplify kept
// exact; kept exact through every edit and left to the cache), which finds the uses after the
// loop.
// On lz20 (no loop rewritten) the pass costs 7.1 M instructions of 1,866 M (callgrind).
// Analyses: the pass adds and removes header parameters and branch arguments and places
// instructions, but no block or edge changes, so the CFG, dominator tree and loops stay valid.
#include <algorithm>
#include <optional>
#include <vector>

#include "opt/ir_edit.h"
#include "opt/pass_manager.h"

namespace egret::opt {
namespace {

using ir::Block;
using ir::BlockCall;
using ir::Inst;
using ir::InstData;
using ir::Loop;
using ir::Opcode;
using ir::Type;
using ir::Value;

// At most this many distinct offsets of one induction variable are given their own parameter.
constexpr size_t kMaxOffsets = 3;

// The form of an offset: inv + x, x - inv, inv - x.
enum class Form : uint8_t { kAdd, kSubInv, kInvSub };

struct Offset {
  Inst inst;
  Value inv;
  Form form;
  bool of_next;  // x is next (else p)
};

struct Candidate {
  uint32_t index = 0;  // parameter position in the header
  Value p, next;
  Inst next_def;
  Opcode step_op = Opcode::kIadd;  // kIadd, kIsub or kIaddImm: next = step_op(p, step)
  Value step;                      // kIadd, kIsub
  int64_t step_imm = 0;
  uint32_t loop_uses = 0;  // operand slots in the loop naming p or next
  bool bad = false;
  std::vector<Offset> offsets;
};

// The pass's tables, kept per thread for their capacity.
struct Scratch {
  std::vector<uint32_t> start, fill, uses, tags;
  std::vector<Block> blocks;
  std::vector<Loop> order;
  std::vector<Inst> latches;  // of the loop being examined
  std::vector<Value> tested;  // values its header's and latches' brifs test
  std::vector<Candidate> cands;
};

class IvReducer {
 public:
  IvReducer(ir::Function& f, AnalysisCache& analyses, Scratch& scratch)
      : f_(f),
        dfg_(f.dfg),
        cfg_(analyses.Cfg()),
        domtree_(analyses.DomTree()),
        loops_(analyses.Loops()),
        s_(scratch),
        cands_(scratch.cands),
        analyses_(analyses),
        uses_(&scratch.uses),
        tags_(scratch.tags) {}

  bool Run() {
    std::vector<Loop>& order = s_.order;
    order.clear();
    for (uint32_t k = 0; k < loops_.NumLoops(); ++k) order.push_back(Loop(k));
    std::stable_sort(order.begin(), order.end(),
                     [&](Loop a, Loop b) { return loops_.Depth(a) > loops_.Depth(b); });
    bool changed = false;
    for (Loop l : order) changed |= ReduceLoop(l);
    if (changed) ResolveOperandAliases(f_);
    // The counts are exact: the cache's stay so (sized for the values made here), and counts of
    // its own become the cache's.
    if (counted_) {
      uses_->resize(dfg_.NumValues(), 0);
      if (uses_ == &s_.uses) analyses_.PublishUseCounts(s_.uses);
    }
    return changed;
  }

 private:
  Value Resolve(Value v) const { return dfg_.ResolveAliases(v); }

  Block DefBlock(Value v) const {
    v = Resolve(v);
    const ir::ValueData& vd = dfg_.ValueInfo(v);
    if (vd.kind == ir::ValueKind::kParam) return Block(vd.def);
    return f_.layout.InstBlock(Inst(vd.def));
  }
  bool Invariant(Loop l, Value v) const { return !loops_.Contains(l, DefBlock(v)); }

  // Every block of each loop, nested loops' included, in reverse post-order (a counting sort,
  // as licm), on first need: blocks_[start_[l], start_[l + 1]).
  void EnsureLoopBlocks() {
    if (have_blocks_) return;
    have_blocks_ = true;
    const size_t num_loops = loops_.NumLoops();
    std::vector<uint32_t>& start = s_.start;
    start.assign(num_loops + 1, 0);
    for (Block b : domtree_.Rpo()) {
      for (Loop m = loops_.InnermostLoop(b); m.valid(); m = loops_.Parent(m)) ++start[m.index];
    }
    uint32_t acc = 0;
    for (size_t k = 0; k <= num_loops; ++k) {
      const uint32_t c = start[k];
      start[k] = acc;
      acc += c;
    }
    s_.blocks.resize(acc);
    s_.fill.assign(start.begin(), start.end() - 1);
    for (Block b : domtree_.Rpo()) {
      for (Loop m = loops_.InnermostLoop(b); m.valid(); m = loops_.Parent(m))
        s_.blocks[s_.fill[m.index]++] = b;
    }
  }

  Block Preheader(Loop l) const {
    const Block h = loops_.Header(l);
    Block ph;
    for (Block p : cfg_.Preds(h)) {
      if (loops_.Contains(l, p)) continue;
      if (ph.valid()) return Block();
      ph = p;
    }
    if (!ph.valid() || dfg_[f_.layout.LastInst(ph)].opcode != Opcode::kJump) return Block();
    return ph;
  }

  // --- Use counts over the placed instructions, by resolved value; on first need, the cache's
  // when it holds them (kUseCountAnalysis), else counted, and kept exact through every edit
  // below.
  void EnsureUseCounts() {
    if (counted_) return;
    counted_ = true;
    if (std::vector<uint32_t>* held = analyses_.UseCounts()) {
      EGRET_DCHECK(held->size() == dfg_.NumValues());
      uses_ = held;
      return;
    }
    std::vector<uint32_t>& uses = *uses_;
    uses.assign(dfg_.NumValues(), 0);
    for (Block b : f_.layout.Blocks()) {
      for (Inst i : f_.layout.Insts(b))
        ForEachOperandInline(dfg_, i, [&](Value v) { ++uses[Resolve(v).index]; });
    }
  }
  uint32_t& Uses(Value v) {
    v = Resolve(v);
    if (v.index >= uses_->size()) uses_->resize(dfg_.NumValues(), 0);
    return (*uses_)[v.index];
  }
  void CountOperands(Inst i, int delta) {
    ForEachOperandInline(dfg_, i, [&](Value v) { Uses(v) += delta; });
  }

  // The value every edge into ph passes for ph's parameter `v`, when v is one and they agree
  // (that value then dominates ph); else v. Used to see a constant initial value through the
  // forwarding preheader licm makes.
  Value ThroughPreheader(Block ph, Value v) const {
    const ir::ValueData& vd = dfg_.ValueInfo(v);
    if (vd.kind != ir::ValueKind::kParam || Block(vd.def) != ph) return v;
    Value agreed;
    bool ok = true;
    for (Block p : cfg_.Preds(ph)) {
      const Inst t = f_.layout.LastInst(p);
      dfg_.ForEachDest(t, [&](const BlockCall& bc) {
        if (bc.block != ph) return;
        const Value a = Resolve(dfg_.pool().Get(bc.args)[vd.num]);
        if (!agreed.valid()) agreed = a;
        if (a != agreed) ok = false;
      });
    }
    return ok && agreed.valid() ? agreed : v;
  }

  // Adds the values terminator t's brif tests, directly or through one compare, to tested.
  void AddTested(Inst t) {
    if (dfg_[t].opcode != Opcode::kBrif) return;
    const Value cond = Resolve(dfg_[t].args[0]);
    s_.tested.push_back(cond);
    const Inst def = DefiningInst(f_, cond);
    if (!def.valid()) return;
    const InstData& d = dfg_[def];
    if (d.opcode == Opcode::kIcmpImm) {
      s_.tested.push_back(Resolve(d.args[0]));
    } else if (d.opcode == Opcode::kIcmp) {
      s_.tested.push_back(Resolve(d.args[0]));
      s_.tested.push_back(Resolve(d.args[1]));
    }
  }
  bool Tested(Value v) const {
    return std::find(s_.tested.begin(), s_.tested.end(), v) != s_.tested.end();
  }

  // Finds the basic induction variables of l's header (see the file comment).
  void FindCandidates(Loop l, Block header) {
    cands_.clear();
    // The latches' terminators, and what the header's and the latches' brifs test: a variable
    // tested there (the common counted loop) stays, so it is dropped before any walk.
    s_.latches.clear();
    s_.tested.clear();
    for (Block b : cfg_.Preds(header)) {
      if (loops_.Contains(l, b)) s_.latches.push_back(f_.layout.LastInst(b));
    }
    AddTested(f_.layout.LastInst(header));
    for (Inst t : s_.latches) AddTested(t);
    const std::span<const Value> params = dfg_.BlockParams(header);
    for (uint32_t k = 0; k < params.size(); ++k) {
      const Value p = params[k];
      const Type t = dfg_.ValueType(p);
      if (t != Type::kI32 && t != Type::kI64) continue;
      Value next;
      bool ok = true;
      for (Inst t : s_.latches) {
        dfg_.ForEachDest(t, [&](const BlockCall& bc) {
          if (bc.block != header) return;
          const Value a = Resolve(dfg_.pool().Get(bc.args)[k]);
          if (!next.valid()) next = a;
          if (a != next) ok = false;
        });
      }
      if (!ok || !next.valid() || Tested(p) || Tested(next)) continue;
      const Inst def = DefiningInst(f_, next);
      if (!def.valid()) continue;
      const InstData& d = dfg_[def];
      Candidate c;
      c.index = k;
      c.p = p;
      c.next = next;
      c.next_def = def;
      c.step_op = d.opcode;
      if (d.opcode == Opcode::kIaddImm && Resolve(d.args[0]) == p) {
        c.step_imm = d.imm;
      } else if (d.opcode == Opcode::kIadd || d.opcode == Opcode::kIsub) {
        const Value a = Resolve(d.args[0]), b = Resolve(d.args[1]);
        if (a == p && b != p && Invariant(l, b)) {
          c.step = b;
        } else if (d.opcode == Opcode::kIadd && b == p && a != p && Invariant(l, a)) {
          c.step = a;
        } else {
          continue;
        }
      } else {
        continue;
      }
      cands_.push_back(std::move(c));
    }
  }

  // Tags of p and next while their loop is examined: candidate number * 2 + 1 (+1 for next).
  uint32_t& Tag(Value v) {
    if (v.index >= tags_.size()) tags_.resize(dfg_.NumValues(), 0);
    return tags_[v.index];
  }

  // Marks c as kept (a use other than an offset): no rewrite.
  void Keep(Candidate& c) {
    if (!c.bad) --alive_;
    c.bad = true;
  }

  // Classifies one instruction's uses of candidate values.
  void ClassifyUses(Loop l, Block header, Inst i) {
    const InstData& d = dfg_[i];
    if (ir::IsBranch(d.opcode)) {
      // Branch arguments: only next, passed back to its own parameter, is allowed. Any fixed
      // operand (a condition, an index) naming a candidate is a use that keeps it.
      for (Value v : dfg_.FixedArgs(i)) {
        if (const uint32_t t = Tag(Resolve(v))) {
          cands_[(t - 1) / 2].loop_uses++;
          Keep(cands_[(t - 1) / 2]);
        }
      }
      dfg_.ForEachDest(i, [&](const BlockCall& bc) {
        const std::span<const Value> args = dfg_.pool().Get(bc.args);
        for (uint32_t j = 0; j < args.size(); ++j) {
          const uint32_t t = Tag(Resolve(args[j]));
          if (t == 0) continue;
          Candidate& c = cands_[(t - 1) / 2];
          c.loop_uses++;
          const bool is_next = (t - 1) % 2 == 1;
          if (!(is_next && bc.block == header && j == c.index)) Keep(c);
        }
      });
      return;
    }
    // Every other instruction: count its uses first.
    uint32_t first_tag = 0;
    bool several = false;
    ForEachOperandInline(dfg_, i, [&](Value v) {
      const uint32_t t = Tag(Resolve(v));
      if (t == 0) return;
      cands_[(t - 1) / 2].loop_uses++;
      if (first_tag != 0) several = true;
      first_tag = t;
    });
    if (first_tag == 0) return;
    Candidate& c = cands_[(first_tag - 1) / 2];
    if (several) {  // two candidate operands (p + p, p - next, p1 + p2): keeps them
      ForEachOperandInline(dfg_, i, [&](Value v) {
        if (const uint32_t t = Tag(Resolve(v))) Keep(cands_[(t - 1) / 2]);
      });
      return;
    }
    if (i == c.next_def) return;  // next = p + s itself
    const bool of_next = (first_tag - 1) % 2 == 1;
    if (d.opcode == Opcode::kIadd || d.opcode == Opcode::kIsub) {
      const Value a = Resolve(d.args[0]), b = Resolve(d.args[1]);
      const bool x_first = Tag(a) != 0;
      const Value inv = x_first ? b : a;
      if (Invariant(l, inv)) {
        const Form form = d.opcode == Opcode::kIadd ? Form::kAdd
                          : x_first                 ? Form::kSubInv
                                                    : Form::kInvSub;
        c.offsets.push_back(Offset{i, inv, form, of_next});
        return;
      }
    }
    Keep(c);
  }

  InstData Binary(Opcode op, Value a, Value b) const {
    InstData d;
    d.opcode = op;
    d.args[0] = a;
    d.args[1] = b;
    return d;
  }
  // `iadd_imm a, imm` with the immediate in canonical form: sign-extended from a's width (as
  // simplify writes it, and as the backends expect).
  InstData AddImm(Value a, uint64_t imm) const {
    InstData d;
    d.opcode = Opcode::kIaddImm;
    d.args[0] = a;
    d.imm = SignExtend(imm, ir::TypeBits(dfg_.ValueType(a)));
    return d;
  }
  Value Place(const InstData& d, Inst before) {
    const Inst i = InsertInstBefore(f_, d, before);
    CountOperands(i, +1);
    return dfg_.FirstResult(i);
  }

  // The offset's value for p's initial value x0, placed before the preheader's jump `before`
  // (or an existing value when x0 is a known 0 and the form needs no instruction).
  Value InitialValue(Form form, Value inv, Value x0, Inst before) {
    const std::optional<uint64_t> k = IntConstant(f_, x0);
    switch (form) {
      case Form::kAdd:
        if (k) return *k == 0 ? inv : Place(AddImm(inv, *k), before);
        return Place(Binary(Opcode::kIadd, inv, x0), before);
      case Form::kSubInv:
        return Place(Binary(Opcode::kIsub, x0, inv), before);
      case Form::kInvSub:
        if (k) return *k == 0 ? inv : Place(AddImm(inv, 0 - *k), before);
        return Place(Binary(Opcode::kIsub, inv, x0), before);
    }
    return inv;
  }

  // q's step, placed before `before`: q + s, or q - s for the negated form.
  Value Step(const Candidate& c, Form form, Value q, Inst before) {
    const bool negate = form == Form::kInvSub;
    switch (c.step_op) {
      case Opcode::kIaddImm:
        return Place(AddImm(q, negate ? 0 - static_cast<uint64_t>(c.step_imm)
                                      : static_cast<uint64_t>(c.step_imm)),
                     before);
      case Opcode::kIadd:
        return Place(Binary(negate ? Opcode::kIsub : Opcode::kIadd, q, c.step), before);
      default:  // kIsub
        return Place(Binary(negate ? Opcode::kIadd : Opcode::kIsub, q, c.step), before);
    }
  }

  void Rewrite(Loop l, Block header, Block ph, Candidate& c) {
    const Inst ph_jump = f_.layout.LastInst(ph);
    const Value x0_arg = Resolve(dfg_.pool().Get(dfg_[ph_jump].dest[0].args)[c.index]);
    const Value through = ThroughPreheader(ph, x0_arg);
    const Value x0 = IntConstant(f_, through) ? through : x0_arg;
    // The steps go right after next's definition, in group order (`last` is the latest placed;
    // an offset after it may have been removed already, so no later instruction is an anchor).
    Inst last = c.next_def;
    // Distinct (inv, form) in first-use order; offsets are few (kMaxOffsets checked by caller).
    std::vector<std::pair<Value, Form>> groups;
    for (const Offset& o : c.offsets) {
      if (std::find(groups.begin(), groups.end(), std::make_pair(o.inv, o.form)) == groups.end())
        groups.push_back({o.inv, o.form});
    }
    for (auto [inv, form] : groups) {
      const Value q = dfg_.AppendBlockParam(header, dfg_.ValueType(c.p));
      const Value init = InitialValue(form, inv, x0, ph_jump);
      dfg_.pool().Push(dfg_[ph_jump].dest[0].args, init);
      ++Uses(init);
      const Value q_next = Step(c, form, q, f_.layout.NextInst(last));
      last = DefiningInst(f_, q_next);
      for (Block b : cfg_.Preds(header)) {
        if (!loops_.Contains(l, b)) continue;
        dfg_.ForEachDestMut(f_.layout.LastInst(b), [&](BlockCall& bc) {
          if (bc.block != header) return;
          dfg_.pool().Push(bc.args, q_next);
          ++Uses(q_next);
        });
      }
      for (const Offset& o : c.offsets) {
        if (o.inv != inv || o.form != form) continue;
        const Value to = o.of_next ? q_next : q;
        const Value from = dfg_.FirstResult(o.inst);
        CountOperands(o.inst, -1);
        f_.layout.RemoveInst(o.inst);
        Uses(to) += Uses(from);
        Uses(from) = 0;
        ReplaceValue(f_, from, to);
      }
    }
  }

  // Removes the dead induction variable c (p and next used only by each other now).
  void RemoveDead(Block header, const Candidate& c) {
    CountOperands(c.next_def, -1);
    f_.layout.RemoveInst(c.next_def);
    for (Block b : cfg_.Preds(header)) {
      dfg_.ForEachDest(f_.layout.LastInst(b), [&](const BlockCall& bc) {
        if (bc.block == header) --Uses(dfg_.pool().Get(bc.args)[c.index]);
      });
    }
    RemoveBlockParamAndArgs(f_, header, c.index, cfg_.Preds(header));
  }

  bool ReduceLoop(Loop l) {
    const Block header = loops_.Header(l);
    if (header == f_.EntryBlock()) return false;
    const Block ph = Preheader(l);
    if (!ph.valid()) return false;
    FindCandidates(l, header);
    if (cands_.empty()) return false;
    for (uint32_t n = 0; n < cands_.size(); ++n) {
      Tag(cands_[n].p) = 2 * n + 1;
      Tag(cands_[n].next) = 2 * n + 2;
    }
    EnsureLoopBlocks();
    // The walk stops as soon as every candidate is kept.
    alive_ = static_cast<uint32_t>(cands_.size());
    for (uint32_t k = s_.start[l.index]; k < s_.start[l.index + 1] && alive_ != 0; ++k) {
      for (Inst i = f_.layout.FirstInst(s_.blocks[k]); i.valid() && alive_ != 0;
           i = f_.layout.NextInst(i)) {
        ClassifyUses(l, header, i);
      }
    }
    bool any = false;
    for (Candidate& c : cands_) {
      Tag(c.p) = 0;
      Tag(c.next) = 0;
      size_t distinct = 0;
      for (size_t a = 0; a < c.offsets.size(); ++a) {
        bool seen = false;
        for (size_t b = 0; b < a; ++b) {
          seen |= c.offsets[b].inv == c.offsets[a].inv && c.offsets[b].form == c.offsets[a].form;
        }
        distinct += !seen;
      }
      if (distinct > kMaxOffsets) c.bad = true;
      any |= !c.bad;
    }
    // Most loops end here (their variables feed a compare): the function-wide use counts are
    // computed only for a loop with a variable still in the running, once per function.
    if (!any) return false;
    EnsureUseCounts();
    bool changed = false;
    std::vector<uint32_t> dead;  // candidate numbers, in increasing parameter position
    for (uint32_t n = 0; n < cands_.size(); ++n) {
      Candidate& c = cands_[n];
      // Uses after the loop keep p or next live.
      if (c.bad || c.loop_uses != Uses(c.p) + Uses(c.next)) continue;
      Rewrite(l, header, ph, c);
      dead.push_back(n);
      changed = true;
    }
    // Highest position first, so the others' positions stay put.
    for (auto it = dead.rbegin(); it != dead.rend(); ++it) RemoveDead(header, cands_[*it]);
    return changed;
  }

  ir::Function& f_;
  ir::DataFlowGraph& dfg_;
  const ir::ControlFlowGraph& cfg_;
  const ir::DominatorTree& domtree_;
  const ir::LoopAnalysis& loops_;
  Scratch& s_;
  std::vector<Candidate>& cands_;
  AnalysisCache& analyses_;
  std::vector<uint32_t>* uses_;  // the cache's counts, or scratch.uses
  std::vector<uint32_t>& tags_;  // all zero between loops (and so between functions)
  bool counted_ = false;
  bool have_blocks_ = false;
  uint32_t alive_ = 0;  // candidates not kept, during a loop's walk
};

}  // namespace

Status RunIvReduce(ir::Function& f, AnalysisCache& analyses) {
  if (!f.EntryBlock().valid()) return Status::Ok();
  if (analyses.Loops().NumLoops() == 0) return Status::Ok();
  thread_local Scratch scratch;
  IvReducer(f, analyses, scratch).Run();
  return Status::Ok();
}

}  // namespace egret::opt
