// emit_order.h: the order in which the emitter places the allocated VCode blocks: the layout of
// lower_order.h with each loop rotated where that saves branches.
//
// Lowering and the allocators need the layout of lower_order.h (every block after its dominators
// and after one predecessor, each loop one span with its header first). The machine code does
// not: every branch names its target, and the MachBuffer removes a jump to the next block,
// inverts `jcc L1; jmp L2; L1:` and threads jumps to blocks that are only a jump. So the blocks
// may be emitted in another order, chosen for the branches it saves.
//
// Loop rotation. A loop's span is a cyclic sequence of units: blocks of the loop with the edge
// blocks that follow them, and nested loops as a whole (already rotated themselves, innermost
// first). Rotating it (emitting units k..m-1, then 0..k-1) changes four adjacencies: the block
// before the span, the one after it, the pair cut at k and the pair joined around (the last unit
// now falls through into the header). Each adjacency is worth what it saves on the edges from
// its first block to its second, by a static estimate of edge frequencies; the rotation with
// the largest positive saving is taken, else the loop stays. With the estimate below:
//  - a while-shaped loop (test at the top, `jmp` back at the bottom) becomes bottom-tested: the
//    body falls through into the test, whose conditional branch is the back edge, and the loop
//    is entered by a jump to the test (once per entry instead of a `jmp` per iteration);
//  - a latch reached from the header by a hot `continue` edge moves above the header (clang's
//    latch-before-header layout): the latch falls through into the header, so a `continue`
//    iteration takes one branch instead of two;
//  - a bottom-tested loop (do-while) stays as it is.
//
// The estimate: the entry runs once, a loop header 16 times per entry, a block's frequency goes
// to its successors in equal shares except that an edge leaving the block's innermost loop
// weighs 1/16 of one staying in it. An edge's cost is what its branch costs: nothing when it
// falls through, 2 for a taken branch, 1/4 for a conditional branch that falls through (it is
// usually fused with its compare); the rotation moving the fewest units wins a tie. Blocks that
// are a single jump without allocator edits (empty edge blocks) cost nothing: the MachBuffer
// aliases their label to their target, so they are looked through. Known limit: an exit edge
// block with moves stays after its source, so a latch followed by one does not fall into the
// header.
//
// Invariants: `order` is a permutation of the VCode blocks with the entry block first; each
// loop's span stays contiguous (only units within one span move) and cold blocks stay at the
// end; `next[b]` is the block emitted right after b (kNoNext after the last). The emitters rely
// on no adjacency: every branch names its target. Linear time in blocks + edges.
#ifndef EGRET_BACKENDS_COMMON_EMIT_ORDER_H_
#define EGRET_BACKENDS_COMMON_EMIT_ORDER_H_

#include <cstdint>
#include <span>
#include <vector>

#include "regalloc/function.h"
#include "regalloc/output.h"

namespace egret::backend {

struct EmitOrder {
  static constexpr uint32_t kNoNext = UINT32_MAX;
  std::vector<uint32_t> order;  // VCode blocks in emission order
  std::vector<uint32_t> next;   // by VCode block: the block emitted after it
  // Whether Compute fills loop_top (the emitters set it when they align loops).
  bool want_loop_tops = false;
  // By VCode block: 1 for the first block emitted of each innermost loop (its top after
  // rotation, empty jump blocks skipped), which the emitters align (EmitOptions::loop_align).
  // Empty when the function has no loop or want_loop_tops is false.
  std::vector<uint8_t> loop_top;

  // `f` with its loop tables (loop_header/loop_parent/loop_depth; without them nothing is
  // rotated) and the allocation (which edge blocks stay empty).
  void Compute(const regalloc::Function& f, const regalloc::Output& ra);
  // The same with the empty blocks given: `trivial[b]` is 1 if block b is a single jump that
  // the MachBuffer threads (tests).
  void Compute(const regalloc::Function& f, std::span<const uint8_t> trivial);
};

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_EMIT_ORDER_H_
