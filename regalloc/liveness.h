// liveness.h: which vregs are live into and out of each block.
//
// Two methods with one answer (the live-in sets are the same sets, each in vreg order):
//   - sparse: SSA lets us skip the usual iterative data-flow: for each vreg, walk backwards from
//     every block that uses it, through predecessors, until reaching the defining block ("path
//     exploration", Brandner et al. 2011). The cost is proportional to the total size of the
//     live-in sets, so it stays near-linear on large functions.
//   - dense: one bit vector of live-ins per block, iterated to the fixpoint backwards over the
//     layout with a dirty flag per block. Its cost is blocks x vregs / 64 words per sweep, so it
//     is used only when that product is within a constant factor of the function's size (most
//     functions: their live-in sets are dense), and only for a bounded number of block visits
//     (past it, the sparse method starts over). Bits come out in vreg order, block after block,
//     so the live-in sets need no transposition.
//
// A block parameter is defined at its block's entry, so it is never live into its own block.
// A branch argument is a use at the end of its block, so it is live out of that block.
#ifndef EGRET_REGALLOC_LIVENESS_H_
#define EGRET_REGALLOC_LIVENESS_H_

#include <span>
#include <vector>

#include "regalloc/function.h"

namespace egret::regalloc {

class Liveness {
 public:
  enum class Method : uint8_t { kAuto, kSparse, kDense };
  // Errors when a use is reachable from the entry without passing its definition. kAuto picks
  // the method by the function's shape; the others are for tests (kDense still falls back to
  // the sparse method past its visit budget).
  Status Compute(const Function& f, Method method = Method::kAuto);

  std::span<const VReg> LiveIn(Block b) const {
    return {sets_.data() + livein_begin_[b.index],
            livein_begin_[b.index + 1] - livein_begin_[b.index]};
  }
  std::span<const VReg> LiveOut(Block b) const {
    return {sets_.data() + liveout_begin_[b.index],
            liveout_end_[b.index] - liveout_begin_[b.index]};
  }
  // The block that defines v (for a block parameter, its block).
  Block DefBlock(VReg v) const { return Block(def_block_[v.index]); }
  // The number of blocks v is live into (the blocks whose LiveIn holds v).
  uint32_t NumLiveIn(VReg v) const { return livein_count_[v.index]; }

 private:
  template <class Scratch>
  Status Compute(const Function& f, Method method, Scratch* scratch);
  // The live-in sets into sets_ (livein_begin_, livein_count_ too), or false past the budget.
  template <class Scratch>
  bool DenseLiveIn(const Function& f, Scratch* scratch);
  template <class Scratch>
  Status SparseLiveIn(const Function& f, size_t num_sites, Scratch* scratch);
  void ReserveSets(const Function& f);
  // The live-out sets, after the live-ins (`dense`: the dense method's rows are the live-ins).
  template <class Scratch>
  Status LiveOut(const Function& f, bool dense, Scratch* scratch);

  std::vector<uint32_t> def_block_;
  std::vector<uint32_t> livein_count_;  // per vreg
  // The sets in sets_: live-ins per block at [livein_begin_[b], livein_begin_[b + 1]); live-outs
  // at [liveout_begin_[b], liveout_end_[b]), either a union stored after the live-ins or, for a
  // block with one successor and no branch arguments, that successor's live-in set itself.
  std::vector<uint32_t> livein_begin_, liveout_begin_, liveout_end_;
  std::vector<VReg> sets_;
};

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_LIVENESS_H_
