// liveness.h: which vregs are live into and out of each block.
//
// Two methods with one answer (the live-in sets are the same sets, each in vreg order):
//   - sparse: SSA lets us skip the usual iterative data-flow: for each vreg, walk backwards from
//     every block that uses it, through predecessors, until reaching the defining block ("path
//     exploration", Brandner et al. 2011). The cost is proportional to the total size of the
//     live-in sets, so it stays near-linear on large functions.
//   - dense: one bit vector of live-ins per block. One sweep backwards over the layout along the
//     edges to later blocks, then, when the function's loop tables are exact (checked during
//     that sweep: a reducible graph laid out with each loop's header first), each block adds
//     the set of its innermost loop's header ("loop forest" method, Brandner et al. 2011);
//     otherwise the sweeps go on to the fixpoint with a dirty flag per block. Its cost is
//     blocks x vregs / 64 words per sweep, so it is used only when that product is within a
//     constant factor of the function's size (most functions: their live-in sets are dense),
//     and only for a bounded number of block visits (past it, the sparse method starts over).
//     Bits come out in vreg order, block after block, so the live-in sets need no
//     transposition; a caller that needs only the live-out sets (Sets::kLiveOutOnly) reads them
//     from the rows, and no lists are written.
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
  // What Compute() makes besides DefBlock and NumLiveIn. kLists: the live-in and live-out sets as
  // lists (LiveIn, LiveOut). kLiveOutOnly: only what ForEachLiveOut reads, so no lists when the
  // dense method runs (its bit rows are the answer: the backtracking allocator reads nothing
  // else, and writing the lists cost it more than the fixpoint); the sparse method makes the
  // lists either way.
  enum class Sets : uint8_t { kLists, kLiveOutOnly };
  // Errors when a use is reachable from the entry without passing its definition. kAuto picks
  // the method by the function's shape; the others are for tests (kDense still falls back to
  // the sparse method past its visit budget). A Liveness may be computed again for another
  // function; its buffers keep their capacity (RetainedBytes).
  Status Compute(const Function& f, Method method = Method::kAuto, Sets sets = Sets::kLists);

  // The lists: only after Compute(f, ..., Sets::kLists), or when has_lists().
  bool has_lists() const { return lists_; }
  std::span<const VReg> LiveIn(Block b) const {
    EGRET_DCHECK(lists_);
    return LiveInList(b);
  }
  std::span<const VReg> LiveOut(Block b) const {
    EGRET_DCHECK(lists_);
    return {sets_.data() + liveout_begin_[b.index],
            liveout_end_[b.index] - liveout_begin_[b.index]};
  }
  // Calls f(v) for each v live out of b, in no particular order (vreg order from the rows, list
  // order from the lists). Works after either kind of Compute().
  template <class F>
  void ForEachLiveOut(Block b, F&& f) const {
    if (!rows_live_out_) {
      for (VReg v : LiveOut(b)) f(v);
      return;
    }
    ForEachInRow(liveout_row_[b.index], f);
  }
  // Calls f(v) for each v live into b, in no particular order, likewise after either kind of
  // Compute(): without lists, the dense method's live-in rows (row b is b's live-in set) are
  // kept beside the live-out rows.
  template <class F>
  void ForEachLiveIn(Block b, F&& f) const {
    if (!rows_live_out_) {
      for (VReg v : LiveIn(b)) f(v);
      return;
    }
    ForEachInRow(b.index, f);
  }
  // The dense method's live-out rows, after Compute(f, ..., Sets::kLiveOutOnly) when that method
  // ran (has_live_out_rows): row_words() words per row, bit v of LiveOutRow(b) set iff v is live
  // out of b. The backtracking allocator reads them a word at a time (the values live through a
  // block, the runs of blocks a value lives through).
  bool has_live_out_rows() const { return rows_live_out_; }
  uint32_t row_words() const { return row_words_; }
  const uint64_t* LiveOutRow(Block b) const {
    EGRET_DCHECK(rows_live_out_);
    return rows_.data() + static_cast<size_t>(liveout_row_[b.index]) * row_words_;
  }
  // The block that defines v (for a block parameter, its block).
  Block DefBlock(VReg v) const { return Block(def_block_[v.index]); }
  // The number of blocks v is live into (the blocks whose LiveIn holds v). Without lists
  // (Sets::kLiveOutOnly, the dense method), counted from the rows on the first call (column
  // sums): the backtracking allocator asks for none, so it does not pay for them. Not safe to
  // call from two threads at once on one Liveness.
  uint32_t NumLiveIn(VReg v) const {
    if (!counted_) CountLiveIns();
    return livein_count_[v.index];
  }
  // The blocks (in layout order) holding an operand with a commutative partner
  // (Operand::commutes_with), noted by Compute's walk over the operands for
  // ChooseCommutedReuse, which then visits only those blocks.
  std::span<const uint32_t> CommutativeBlocks() const { return commute_blocks_; }
  // Whether the last Compute() made the dense method's rows by the loop forest (the loop tables
  // were exact) rather than by the fixpoint; for tests.
  bool by_loop_forest() const { return by_loop_forest_; }

  // Bytes of capacity held by the buffers (a caller that keeps one Liveness for function after
  // function drops it past a limit, so one huge function does not pin its memory).
  size_t RetainedBytes() const;

 private:
  // Calls f(v) for each bit v of the dense method's row `row_index`, in vreg order.
  template <class F>
  void ForEachInRow(uint32_t row_index, F& f) const {
    const uint32_t nw = row_words_;  // locals: f's stores could alias the members
    const uint64_t* const row = rows_.data() + static_cast<size_t>(row_index) * nw;
    for (uint32_t w = 0; w < nw; ++w)
      for (uint64_t word = row[w]; word != 0; word &= word - 1)
        f(VReg(64 * w + static_cast<uint32_t>(__builtin_ctzll(word))));
  }
  // Block b's live-in list, once the live-in lists are made (Compute makes the live-out lists
  // from them before it sets lists_).
  std::span<const VReg> LiveInList(Block b) const {
    return {sets_.data() + livein_begin_[b.index],
            livein_begin_[b.index + 1] - livein_begin_[b.index]};
  }
  template <class Scratch>
  Status Compute(const Function& f, Method method, Sets sets, Scratch* scratch);
  // The dense method's rows_ (row b: the live-in set of block b), by the loop forest when the
  // loop tables are exact, else by the fixpoint; false past the fixpoint's budget.
  // `kills_found`: Compute's operand walk made the kill sets (every vreg has one definition).
  template <class Scratch>
  bool DenseRows(const Function& f, bool kills_found, Scratch* scratch);
  // From the rows: the live-in lists into sets_ (livein_begin_, livein_count_ too).
  template <class Scratch>
  void DenseLiveInLists(const Function& f, Scratch* scratch);
  // From the rows, without lists: a live-out row per block (liveout_row_).
  template <class Scratch>
  void DenseLiveOutRows(const Function& f, Scratch* scratch);
  template <class Scratch>
  Status SparseLiveIn(const Function& f, size_t num_sites, Scratch* scratch);
  void ReserveSets(const Function& f);
  // The live-out lists, after the live-in lists (`dense`: rows_ holds the live-in rows).
  template <class Scratch>
  Status LiveOut(const Function& f, bool dense, Scratch* scratch);

  std::vector<uint32_t> def_block_;
  // Per vreg; with the dense rows and no lists, filled by the first NumLiveIn (counted_).
  mutable std::vector<uint32_t> livein_count_;
  mutable bool counted_ = true;
  void CountLiveIns() const;  // livein_count_ from the live-in rows
  uint32_t num_blocks_ = 0, num_vregs_ = 0;
  // The lists in sets_: live-ins per block at [livein_begin_[b], livein_begin_[b + 1]);
  // live-outs at [liveout_begin_[b], liveout_end_[b]), either a union stored after the live-ins
  // or, for a block with one successor and no branch arguments, that successor's live-in set
  // itself.
  std::vector<uint32_t> livein_begin_, liveout_begin_, liveout_end_;
  std::vector<VReg> sets_;
  bool lists_ = false;
  // The dense method's bit rows, row_words_ words each: rows 0..nb-1 the live-in sets, then the
  // live-out unions (kLiveOutOnly). A buffer: grown, never shrunk or cleared (a row is written
  // before it is read). liveout_row_[b]: the row of b's live-out set, valid when
  // rows_live_out_ (a jump without arguments: its successor's live-in row).
  std::vector<uint64_t> rows_;
  uint32_t row_words_ = 0;
  bool rows_live_out_ = false;
  std::vector<uint32_t> liveout_row_;
  bool by_loop_forest_ = false;
  std::vector<uint32_t> commute_blocks_;
};

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_LIVENESS_H_
