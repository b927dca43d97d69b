// licm.cc: loop-invariant code motion with preheaders.
//
// Every natural loop (ir/loop_analysis.h) whose header is not the entry block gets a preheader:
// the single block outside the loop that jumps to the header. An existing predecessor serves
// when it is the header's only outside predecessor and ends in `jump header`; otherwise a new
// block with the header's parameter types is inserted and every outside edge is redirected to
// it (it forwards its parameters to the header). Loops are then processed innermost first, and
// in each loop the blocks whose innermost loop it is are walked in reverse post-order; an
// instruction is hoisted to the end of the preheader (before its jump) when every operand is
// defined outside the loop (constants defined inside are copied to the preheader) and:
//  - it is movable (ir::InstIsMovable: pure, or a `readonly` load that cannot trap), or
//  - it reads memory that no instruction of the loop may write (alias_analysis.h: a notrap
//    load whose class and location no store or call in the loop touches) and either reads the
//    vmctx (valid on every path) or lies in the header's side-effect-free prefix (a heap or
//    table load marked notrap relies on the bounds check that dominates it), or
//  - it may trap but writes nothing (a division, a trapping conversion, trapz/trapnz, or a
//    load as above that may trap), lies in the header, and only instructions without side
//    effects precede it there. The header runs whenever the preheader does, and with the same
//    operands on every iteration, so the trap would have fired in the first iteration before
//    any side effect: hoisting it never moves a trap past a side effect or out of a
//    conditional path.
// Constants themselves are not hoisted (the backend rematerializes them at each use).
// Invariants: hoisting keeps the relative order of hoisted instructions (so traps keep their
// order); an inner loop's preheader belongs to the enclosing loop, so invariants move out one
// level per loop, innermost first, and can leave a whole nest.
// Analyses: creating preheaders updates the cached CFG, dominator tree and loops in place
// (AnalysisCache::AddForwardingBlocks: the result is what recomputing them would give, so the
// hoister's walk sees each preheader in its loops' block lists as a fresh computation places
// it); hoisting moves instructions only, so those stay valid (kCfgShapeAnalyses). Use counts the
// cache holds are kept exact (the preheaders' jumps, and the constants' copies, which take
// the uses of the hoisted instructions that name them).
#include <algorithm>
#include <vector>

#include "opt/alias_analysis.h"
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
using ir::Value;

bool IsConst(Opcode op) {
  return op == Opcode::kIconst || op == Opcode::kF32const || op == Opcode::kF64const;
}

// The preheaders MakePreheaders created, as forwarding blocks (ir/cfg.h) for the analysis cache,
// kept per thread for their capacity.
struct PreheaderScratch {
  std::vector<ir::ForwardingBlock> made;
  std::vector<Block> sources;   // every made preheader's sources, one after the other
  std::vector<uint32_t> count;  // how many of `sources` belong to each made preheader
  std::vector<Block> outside;
  std::vector<Value> params;  // the preheader being made
};

// Creates preheaders where missing and updates the cache's CFG, dominator tree and loops to
// include them (AnalysisCache::AddForwardingBlocks: each preheader's sources are the header's
// predecessors outside its loop, which are exactly those the header does not dominate).
void MakePreheaders(ir::Function& f, AnalysisCache& analyses) {
  const ir::ControlFlowGraph& cfg = analyses.Cfg();
  const ir::LoopAnalysis& loops = analyses.Loops();
  ir::DataFlowGraph& dfg = f.dfg;
  thread_local PreheaderScratch scratch;
  scratch.made.clear();
  scratch.sources.clear();
  scratch.count.clear();
  std::vector<Block>& outside = scratch.outside;
  for (uint32_t k = 0; k < loops.NumLoops(); ++k) {
    const Loop l(k);
    const Block h = loops.Header(l);
    if (h == f.EntryBlock()) continue;
    outside.clear();
    for (Block p : cfg.Preds(h)) {
      if (!loops.Contains(l, p)) outside.push_back(p);
    }
    if (outside.empty()) continue;
    if (outside.size() == 1) {
      const Inst t = f.layout.LastInst(outside[0]);
      if (dfg[t].opcode == Opcode::kJump) continue;  // already a preheader
    }
    const Block ph = dfg.MakeBlock();
    // The header's parameter types are read by index: appending the preheader's parameters may
    // move the value-list pool the header's list lives in.
    std::vector<Value>& params = scratch.params;
    params.clear();
    const uint32_t num_params = static_cast<uint32_t>(dfg.BlockParams(h).size());
    for (uint32_t k = 0; k < num_params; ++k) {
      params.push_back(dfg.AppendBlockParam(ph, dfg.ValueType(dfg.BlockParams(h)[k])));
    }
    f.layout.InsertBlockAfter(ph, f.layout.PrevBlock(h).valid() ? f.layout.PrevBlock(h) : h);
    InstData j;
    j.opcode = Opcode::kJump;
    j.dest[0] = BlockCall{h, dfg.MakeList(params)};
    const Inst ji = dfg.MakeInst(j);
    f.layout.AppendInst(ji, ph);
    for (Block p : outside) {
      dfg.ForEachDestMut(f.layout.LastInst(p), [&, header = h](BlockCall& bc) {
        if (bc.block == header) bc.block = ph;
      });
    }
    scratch.made.push_back({ph, h, {}});
    scratch.sources.insert(scratch.sources.end(), outside.begin(), outside.end());
    scratch.count.push_back(static_cast<uint32_t>(outside.size()));
  }
  // The sources' spans, now that `sources` no longer grows.
  size_t at = 0;
  for (size_t k = 0; k < scratch.made.size(); ++k) {
    scratch.made[k].sources = std::span<const Block>(scratch.sources.data() + at, scratch.count[k]);
    at += scratch.count[k];
  }
  analyses.AddForwardingBlocks(scratch.made);
}

// The hoister's storage, one per thread and kept between functions for its capacity (nothing
// in it carries meaning from one function to the next).
struct HoistScratch {
  std::vector<uint32_t> inner_start, all_start, inner_fill, all_fill, depth_start;
  std::vector<Block> inner_blocks, all_blocks;
  std::vector<Loop> order;
  std::vector<Value> const_copy, copied, operands;
  // By block: the stamp (loop index + 1) of the last loop HoistFrom marked the block in, which
  // is the current loop's exactly for the blocks of the current loop (see InLoop).
  std::vector<uint32_t> in_loop;
  ClobberSet written;
};

class Hoister {
 public:
  Hoister(ir::Function& f, AnalysisCache& analyses, HoistScratch& scratch)
      : f_(f),
        dfg_(f.dfg),
        loops_(analyses.Loops()),
        domtree_(analyses.DomTree()),
        cfg_(analyses.Cfg()),
        uses_(analyses.UseCounts()),
        s_(scratch) {}

  void Run() {
    // Per loop, in reverse post-order (flat, loop by loop, by counting sorts): the blocks whose
    // innermost loop it is, inner_blocks[inner_start[l], inner_start[l + 1]), and every block
    // of it, nested loops' included (a block belongs to its innermost loop and that loop's
    // ancestors), all_blocks[all_start[l], all_start[l + 1]).
    const size_t num_loops = loops_.NumLoops();
    std::vector<uint32_t>& inner_start = s_.inner_start;
    std::vector<uint32_t>& all_start = s_.all_start;
    inner_start.assign(num_loops + 1, 0);
    all_start.assign(num_loops + 1, 0);
    for (Block b : domtree_.Rpo()) {
      const Loop l = loops_.InnermostLoop(b);
      if (!l.valid()) continue;
      ++inner_start[l.index];
      for (Loop m = l; m.valid(); m = loops_.Parent(m)) ++all_start[m.index];
    }
    const uint32_t num_inner = ToOffsets(inner_start);
    const uint32_t num_all = ToOffsets(all_start);
    s_.inner_blocks.resize(num_inner);
    s_.all_blocks.resize(num_all);
    s_.inner_fill.assign(inner_start.begin(), inner_start.end() - 1);
    s_.all_fill.assign(all_start.begin(), all_start.end() - 1);
    for (Block b : domtree_.Rpo()) {
      const Loop l = loops_.InnermostLoop(b);
      if (!l.valid()) continue;
      s_.inner_blocks[s_.inner_fill[l.index]++] = b;
      for (Loop m = l; m.valid(); m = loops_.Parent(m)) s_.all_blocks[s_.all_fill[m.index]++] = b;
    }
    // Innermost first: by decreasing depth, loops of one depth in index order (a counting sort,
    // stable like the sort it replaces).
    uint32_t max_depth = 0;
    for (uint32_t k = 0; k < num_loops; ++k) max_depth = std::max(max_depth, loops_.Depth(Loop(k)));
    std::vector<uint32_t>& depth_start = s_.depth_start;
    depth_start.assign(max_depth + 2, 0);
    for (uint32_t k = 0; k < num_loops; ++k) ++depth_start[max_depth - loops_.Depth(Loop(k))];
    ToOffsets(depth_start);
    s_.order.resize(num_loops);
    for (uint32_t k = 0; k < num_loops; ++k)
      s_.order[depth_start[max_depth - loops_.Depth(Loop(k))]++] = Loop(k);
    // By value index: the copy in the current loop's preheader of a constant defined in the
    // loop (invalid: none yet); reset after each loop through the list of keys it set, so every
    // entry is invalid between loops and between functions, and the table only grows.
    if (s_.const_copy.size() < dfg_.NumValues()) s_.const_copy.resize(dfg_.NumValues(), Value());
    EGRET_DCHECK(std::all_of(s_.const_copy.begin(), s_.const_copy.end(),
                             [](Value v) { return !v.valid(); }));
    s_.in_loop.assign(dfg_.NumBlocks(), 0);
    for (Loop l : s_.order) HoistFrom(l);
    uses_.Finish(dfg_);
  }

 private:
  Block DefBlock(Value v) const {
    v = dfg_.ResolveAliases(v);
    const ir::ValueData& vd = dfg_.ValueInfo(v);
    if (vd.kind == ir::ValueKind::kParam) return Block(vd.def);
    return f_.layout.InstBlock(Inst(vd.def));
  }

  // The sole predecessor outside the loop, ending in `jump`, if any. Never for a loop headed by
  // the entry block: every reachable predecessor of the entry is in the loop, so an outside one
  // is unreachable, and a value hoisted there would not dominate its uses (MakePreheaders makes
  // no preheader for such a loop either).
  Block Preheader(Loop l) const {
    const Block h = loops_.Header(l);
    if (h == f_.EntryBlock()) return Block();
    Block ph;
    for (Block p : cfg_.Preds(h)) {
      if (loops_.Contains(l, p)) continue;
      if (ph.valid()) return Block();  // several outside predecessors: none
      ph = p;
    }
    if (!ph.valid() || dfg_[f_.layout.LastInst(ph)].opcode != Opcode::kJump) return Block();
    return ph;
  }

  // Whether b is in the loop HoistFrom is walking (nested loops included): the same as
  // loops_.Contains(l, b), from one load instead of a walk up the loop tree. Every block in a loop
  // is reachable and so in all_blocks; no block is made while hoisting.
  bool InLoop(Block b) const {
    return b.index < s_.in_loop.size() && s_.in_loop[b.index] == stamp_;
  }

  void HoistFrom(Loop l) {
    const Block ph = Preheader(l);
    if (!ph.valid()) return;
    const Block header = loops_.Header(l);
    stamp_ = l.index + 1;
    for (uint32_t k = s_.all_start[l.index]; k < s_.all_start[l.index + 1]; ++k)
      s_.in_loop[s_.all_blocks[k].index] = stamp_;
    written_ready_ = false;  // the loop's writes are collected when a load first asks
    for (uint32_t k = s_.inner_start[l.index]; k < s_.inner_start[l.index + 1]; ++k) {
      const Block b = s_.inner_blocks[k];
      bool prefix_pure = b == header;  // only side-effect-free instructions so far (header)
      for (Inst i = f_.layout.FirstInst(b); i.valid();) {
        const Inst next = f_.layout.NextInst(i);
        if (CanHoist(l, i, prefix_pure)) {
          Hoist(i, ph);
        } else if (ir::InstHasSideEffects(dfg_[i])) {
          prefix_pure = false;
        }
        i = next;
      }
    }
    for (Value v : s_.copied) s_.const_copy[v.index] = Value();
    s_.copied.clear();
  }

  // Memory written anywhere in loop l (nested loops included), collected in reverse post-order
  // (ClobberSet keeps the first stores it sees precisely) on the first call for the loop.
  // Hoisting moves no writer (CanHoist refuses them), so collecting it late gives the set
  // collecting it before the walk would.
  const ClobberSet& Written(Loop l) {
    if (!written_ready_) {
      s_.written.Clear();
      for (uint32_t k = s_.all_start[l.index]; k < s_.all_start[l.index + 1]; ++k) {
        for (Inst i : f_.layout.Insts(s_.all_blocks[k])) s_.written.AddEffectsOf(f_, i);
      }
      written_ready_ = true;
    }
    return s_.written;
  }

  bool CanHoist(Loop l, Inst i, bool prefix_pure) {
    const InstData& d = dfg_[i];
    const ir::OpcodeInfo& info = ir::Info(d.opcode);
    if (IsConst(d.opcode) || info.Has(ir::kTerminator) || info.Has(ir::kIsCall) ||
        info.Has(ir::kWritesMem) || !dfg_.VarArgs(i).empty()) {
      return false;
    }
    if (dfg_.InstResults(i).size() > 1) return false;
    bool invariant = true;
    ForEachOperandInline(dfg_, i, [&](Value v) {
      const Inst def = DefiningInst(f_, v);
      if (def.valid() && IsConst(dfg_[def].opcode)) return;
      if (InLoop(DefBlock(v))) invariant = false;
    });
    if (!invariant) return false;
    if (info.Has(ir::kReadsMem)) {
      if (info.format != ir::InstFormat::kLoad) return false;
      if (!d.flags.Has(ir::MemFlags::kReadonly) && Written(l).MayClobber(f_, i)) return false;
    }
    // A heap or table load marked `notrap` is safe only where the explicit bounds check that
    // dominates it has run (--heap=bounds-check): outside the vmctx its address is not valid on
    // every path, so it moves only under the same rule as a trapping instruction.
    if (info.format == ir::InstFormat::kLoad && !d.flags.Has(ir::MemFlags::kVmctx)) {
      return prefix_pure;
    }
    if (ir::InstCanTrap(d)) return prefix_pure;
    return true;
  }

  // Out of line: it runs for few instructions, and inlined it would push CanHoist, which runs
  // for every instruction of every loop, out of HoistFrom's walk.
  [[gnu::noinline]] void Hoist(Inst i, Block ph) {
    const Inst before = f_.layout.LastInst(ph);
    // Copy the loop's constants first: making instructions may move the instruction table, so
    // no reference into it may be held while they are made (MapOperands holds one).
    std::vector<Value>& operands = s_.operands;
    operands.clear();
    dfg_.ForEachOperand(i, [&](Value v) { operands.push_back(dfg_.ResolveAliases(v)); });
    for (Value v : operands) {
      const Inst def = DefiningInst(f_, v);
      if (!def.valid() || !IsConst(dfg_[def].opcode) || !InLoop(DefBlock(v))) continue;
      // (v may be a copy this pass made in an inner loop's preheader, which is in l.)
      if (v.index >= s_.const_copy.size()) s_.const_copy.resize(dfg_.NumValues(), Value());
      if (s_.const_copy[v.index].valid()) continue;
      InstData c = dfg_[def];
      c.results = {};
      s_.const_copy[v.index] = InsertValueBefore(f_, c, before);
      s_.copied.push_back(v);
    }
    const std::vector<Value>& const_copy = s_.const_copy;
    dfg_.MapOperands(i, [&](Value& v) {
      v = dfg_.ResolveAliases(v);
      if (v.index < const_copy.size() && const_copy[v.index].valid()) {
        uses_.Add(dfg_, v, -1);
        v = const_copy[v.index];
        uses_.Add(dfg_, v, +1);
      }
    });
    f_.layout.RemoveInst(i);
    f_.layout.InsertInstBefore(i, before);
  }

  // Prefix sums: counts become start offsets, with the total in the last entry (returned).
  static uint32_t ToOffsets(std::vector<uint32_t>& v) {
    uint32_t acc = 0;
    for (uint32_t& x : v) {
      const uint32_t c = x;
      x = acc;
      acc += c;
    }
    return acc;
  }

  ir::Function& f_;
  ir::DataFlowGraph& dfg_;
  const ir::LoopAnalysis& loops_;
  const ir::DominatorTree& domtree_;
  const ir::ControlFlowGraph& cfg_;
  KeptUseCounts uses_;  // the cache's, kept exact: a hoisted user takes a constant's copy
  HoistScratch& s_;
  bool written_ready_ = false;  // s_.written holds the current loop's writes
  uint32_t stamp_ = 0;          // the current loop's index + 1 (InLoop)
};

}  // namespace

Status RunLicm(ir::Function& f, AnalysisCache& analyses) {
  if (!f.EntryBlock().valid()) return Status::Ok();
  if (analyses.Loops().NumLoops() == 0) return Status::Ok();
  MakePreheaders(f, analyses);
  thread_local HoistScratch scratch;
  Hoister(f, analyses, scratch).Run();
  return Status::Ok();
}

}  // namespace egret::opt
