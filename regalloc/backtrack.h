// backtrack.h: the backtracking allocator ("backtrack"): live ranges grouped into bundles,
// allocated from a priority queue with eviction of lighter bundles and splitting.
//
// Program points. Instruction i owns four points: 4i (early: early uses read, early defs
// written), 4i+1 (late uses read), 4i+2 (clobbers and the safepoint), 4i+3 (late defs written).
// A live range is a half-open interval [from, to) of points of one vreg: within one block when
// liveness makes it, then joined with the ranges it touches in the blocks laid out next to it for
// the allocation loop (see backtrack_impl.h, arena_begin_). A gap (where moves go) is a point 4i,
// between instruction i-1 and instruction i.
//
// Invariants:
//   - The ranges of one bundle never overlap; a bundle holds ranges of one register class.
//   - Per physical register, the assigned bundles' ranges never overlap each other, nor a
//     reservation (fixed operand, clobber) of another vreg (docs/regalloc.md, "backtrack").
//   - A value has one spill slot, written right after its definition ("spill at def") whenever
//     any point of its live range is not covered by a register, so the slot is valid wherever
//     the value is live: leaving a register is free, entering one is a reload.
//   - Bundles are split only at gaps, so every operand of one instruction that belongs to a
//     bundle stays in the same piece (a reuse input and its def keep one register).
//   - Every operand that needs a register lies in a bundle that has one: a bundle that cannot get
//     a register is split, and in the end spilled with a minimal bundle around each such operand.
//
// Complexity: near-linear. Ranges are built by one backward pass per block, and the bundles
// hold each value's ranges joined across consecutive blocks; each physical register keeps
// bitmaps of the points its assigned ranges cover and of their starts, and a hash table keyed
// by (register, start) says what each range is (interval_set.h); bundles leave the queue by size
// class and then position, so consecutive queries touch nearby memory; a bundle is split at most
// kMaxSplits times before its operands get minimal bundles; evictions are budgeted; loop cuts are
// linear in the bundle's ranges times the loop depth. Conflict queries and the per-register
// structures work on spans (touching ranges joined), and a run's containers are reused from
// function to function on a thread (BacktrackScratch).
#ifndef EGRET_REGALLOC_BACKTRACK_H_
#define EGRET_REGALLOC_BACKTRACK_H_

#include <string>

#include "regalloc/function.h"
#include "regalloc/liveness.h"
#include "regalloc/output.h"

namespace egret::regalloc {

// Fills `out` for validated `f` (see Allocator::Run).
Status RunBacktrack(const Function& f, const MachineEnv& env, const Liveness& live, Output* out);

// Tests only. The allocation loop works on each vreg's ranges with touching neighbours joined (a
// value live through consecutive blocks has one range there); with false it gets one range per
// block instead. Every decision depends only on the points covered, so the output must be the
// same either way (RegallocProperty.JoinedRangesAllocateAsPerBlockRanges).
void SetBacktrackJoinRangesForTesting(bool join);

// Tests only. Without references, with the dense liveness rows, the joined ranges are made
// directly from the rows (BuildRangesJoined); with false they come from one range per (block,
// live vreg), joined afterwards, as with references or the sparse liveness method. Both give
// the same ranges (RegallocProperty.RangesFromRowsAsFromTheWalk).
void SetBacktrackRangesFromRowsForTesting(bool rows);

// Tests only: backtrack's live ranges of `f` (validated; `live` computed for it) as text, one
// line per vreg: its joined ranges, the arena's initial list, the points covered, the ranges in
// per-block form, the operand count and the defining instruction.
std::string BacktrackRangesForTesting(const Function& f, const MachineEnv& env,
                                      const Liveness& live);

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_BACKTRACK_H_
