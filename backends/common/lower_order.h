// lower_order.h: the target-independent facts lowering needs before it emits anything.
//
// The block layout. Lowering walks the reachable IR blocks in `order` and lays out VCode blocks
// in that order; both targets share it. The order is
//  - a topological order of the forward (non-back) edges, so every block comes after its
//    dominators (every value's definition is lowered before its uses, except across back edges
//    where block parameters carry values) and after at least one predecessor (the allocators
//    start a block from an already-allocated predecessor's state);
//  - loop-contiguous: each natural loop's blocks are consecutive, header first, nested loops
//    inside, the loop's exits after it (the allocators see a loop as one span);
//  - hot first: cold blocks (ending in `trap`, or all of whose successors are cold) follow all
//    hot ones, `num_hot` marks the boundary;
//  - chained for fall-through: within those constraints each block is followed, where possible,
//    by its most frequent successor (a loop-internal edge over an exit, a deeper loop over a
//    shallower one: loop depth is the static frequency estimate), so the MachBuffer's
//    jump-to-next rule removes that jump.
// Computed in time linear in blocks + edges (docs/backend.md, "Block layout").
//
// The register allocator needs a CFG without critical edges; this plan says, for every branch of
// a block with several successors, whether the edge gets its own empty VCode block (when the
// target has several predecessors), and gives every VCode block its final index up front so that
// forward branches can name their targets.
//
// Use counts tell lowering when a value has a single use and may be sunk into it (a compare into
// a branch, an address computation into an addressing mode); with a single use, `last_user` names
// the instruction that holds it, so a definition can ask its user's matcher whether it is sunk.
// Counts include branch arguments and count only uses in reachable blocks.
//
// Invariants: `order` holds each reachable IR block once, the entry first; `vblock_of[b]` is the
// VCode index of IR block b (kNoBlock if unreachable); edge blocks of block b follow b directly.
#ifndef EGRET_BACKENDS_COMMON_LOWER_ORDER_H_
#define EGRET_BACKENDS_COMMON_LOWER_ORDER_H_

#include <cstdint>
#include <span>
#include <vector>

#include "ir/function.h"

namespace egret::ir {
class LoopAnalysis;
class LoopSource;
}  // namespace egret::ir

namespace egret::backend {

inline constexpr uint32_t kNoBlock = UINT32_MAX;

struct LowerOrder {
  std::vector<ir::Block> order;     // reachable blocks in layout order (above)
  uint32_t num_hot = 0;             // order[0, num_hot) hot, the rest cold
  std::vector<uint8_t> cold;        // by IR block index: 1 if cold (see above)
  std::vector<uint32_t> vblock_of;  // by IR block index
  std::vector<uint32_t> num_preds;  // by IR block index, counting duplicate edges
  std::vector<uint32_t> use_count;  // by IR value index
  std::vector<ir::Inst> last_user;  // by IR value index: the last instruction using it (the only
                                    // one when use_count is 1)
  // By IR value index: what it resolves to (DataFlowGraph::ResolveAliases), recorded for every
  // operand of a reachable instruction; every other value maps to itself. Results and
  // parameters are never aliases and lowering asks only about the operands, results and
  // parameters of reachable code, so LowerCtx::Resolve is one load instead of a walk of the
  // alias chain behind a bounds-checked lookup (the matchers resolve every value they look at).
  std::vector<ir::Value> resolved;
  // By IR value index: how many of its uses are the address operand of a load or store in the
  // block of its defining instruction (so an address used only that way can be folded into the
  // addressing mode of every user; always <= use_count).
  std::vector<uint32_t> addr_use_count;
  uint32_t num_vblocks = 0;
  // Whether some block, reachable or not, ends in a tail call (return_call,
  // return_call_indirect): without one, backend::ArgAreaSlots is the function's own stack
  // arguments (StackArgSlots), and lowering skips its walk over the blocks.
  bool has_tail_call = false;
  // The reachable instructions, block by block in `order`, each block's in layout order:
  // order[k]'s are insts[insts_begin[k], insts_begin[k + 1]) (InstsAt), so that the walks after
  // this one read a flat array instead of following the layout's links.
  std::vector<ir::Inst> insts;
  std::vector<uint32_t> insts_begin;  // order.size() + 1 entries
  // The loads and stores among them (format kLoad or kStore), in the same order, and the
  // uextends (x64 asks which i32 values reach one, for its heap addresses).
  std::vector<ir::Inst> mem_insts;
  std::vector<ir::Inst> uextends;
  // The destinations of every block's terminator in ForEachDest order (DestsOf), by IR block
  // index: dests[dest_begin[b], dest_end[b]), so that the walks over edges after this one
  // (edge-block planning, PlanBranch, the edge blocks, the targets' analyses) read a flat array
  // instead of dispatching on each terminator's format again. Empty for a block with no
  // terminator.
  std::vector<const ir::BlockCall*> dests;
  std::vector<uint32_t> dest_begin, dest_end;
  // The edge-block plan of every reachable block with two or more successors, as PlanEdgeBlocks
  // gives it for the block's terminator (computed once here: lowering asks it again at the
  // terminator): by IR block index, where the block's slots start in `edge_slots` (one per
  // destination, in ForEachDest order), how many there are, and the number of edge blocks.
  // Entries of other blocks hold stale values and are never read.
  struct EdgePlan {
    uint32_t begin = 0, num_dests = 0, num_edges = 0;
  };
  std::vector<EdgePlan> edge_plan;
  std::vector<uint32_t> edge_slots;

  // Whether an edge into `target` from a multi-successor terminator needs its own block.
  bool NeedsEdgeBlock(ir::Block target) const { return num_preds[target.index] > 1; }
  // PlanEdgeBlocks' slots for the terminator of reachable block `b`, which has two or more
  // destinations (EdgeBlocksOf: their number of distinct edge blocks).
  std::span<const uint32_t> EdgeSlotsOf(ir::Block b) const {
    const EdgePlan& p = edge_plan[b.index];
    return {edge_slots.data() + p.begin, p.num_dests};
  }
  uint32_t EdgeBlocksOf(ir::Block b) const { return edge_plan[b.index].num_edges; }
  // The destinations of block `b`'s terminator.
  std::span<const ir::BlockCall* const> DestsOf(ir::Block b) const {
    return {dests.data() + dest_begin[b.index], dest_end[b.index] - dest_begin[b.index]};
  }
  // The instructions of order[k].
  std::span<const ir::Inst> InstsAt(size_t k) const {
    return {insts.data() + insts_begin[k], insts_begin[k + 1] - insts_begin[k]};
  }

  // `loops` must have been computed for `f` (ir::LoopAnalysis::Compute).
  static LowerOrder Compute(const ir::Function& f, const ir::LoopAnalysis& loops);
  // The same into this object, keeping its vectors' capacity (a worker lowering many functions
  // reuses one LowerOrder; the working storage is per thread).
  void Recompute(const ir::Function& f, const ir::LoopAnalysis& loops);
};

// The loops of the function a pipeline run on this thread is compiling, when its caller holds
// them (CompileOptions::loops): CompileFunctionPipeline sets them for the run's duration and
// LowerFunction takes them instead of computing the CFG, dominator tree and loops again.
// Scopes nest; each names its function, and ProvidedLoops(f) is null for any other.
class ScopedProvidedLoops {
 public:
  ScopedProvidedLoops(const ir::Function& f, ir::LoopSource* loops);
  ~ScopedProvidedLoops();
  ScopedProvidedLoops(const ScopedProvidedLoops&) = delete;
  ScopedProvidedLoops& operator=(const ScopedProvidedLoops&) = delete;

 private:
  const ir::Function* saved_f_;
  ir::LoopSource* saved_loops_;
};
ir::LoopSource* ProvidedLoops(const ir::Function& f);

// Number of distinct edge blocks a multi-successor terminator needs (one per destination whose
// target has several predecessors; br_table destinations with equal block and arguments share).
// `dests` are the terminator's destinations in order; `slot[k]` receives the edge-block ordinal
// (0-based, in first-appearance order) of dests[k], or UINT32_MAX if it needs none.
uint32_t PlanEdgeBlocks(const ir::Function& f, const LowerOrder& lo,
                        std::span<const ir::BlockCall* const> dests, std::vector<uint32_t>* slot);

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_LOWER_ORDER_H_
