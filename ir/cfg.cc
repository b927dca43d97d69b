// cfg.cc: builds the compressed successor and predecessor lists.
#include "ir/cfg.h"

#include <algorithm>

namespace egret::ir {

namespace {

// The predecessor lists by a counting sort over the successor lists, pred_start holding each
// block's number of predecessors (n + 1 entries, the last 0): turn the counts into running sums
// (each entry the end of its block's list), then fill every list from its end, source by
// source in decreasing block order, moving each entry down to its list's start (so each list
// is in increasing block order, and no cursor copy is needed).
// (Through raw pointers: a store to a Block may alias a uint32_t, so the vectors' bounds
// would be reloaded after every store.)
void FillPreds(size_t n, const std::vector<uint32_t>& succ_start_v,
               const std::vector<Block>& succs_v, std::vector<uint32_t>& pred_start_v,
               std::vector<Block>& preds_v) {
  uint32_t* const pred_start = pred_start_v.data();
  uint32_t acc = 0;
  for (size_t k = 0; k < n; ++k) {
    acc += pred_start[k];
    pred_start[k] = acc;
  }
  pred_start[n] = acc;
  preds_v.resize(acc);  // every entry is written below
  const uint32_t* const succ_start = succ_start_v.data();
  const Block* const succs = succs_v.data();
  Block* const preds = preds_v.data();
  for (uint32_t bi = static_cast<uint32_t>(n); bi-- > 0;) {
    const uint32_t begin = succ_start[bi];
    for (uint32_t e = succ_start[bi + 1]; e-- > begin;)
      preds[--pred_start[succs[e].index]] = Block(bi);
  }
}

}  // namespace

void ControlFlowGraph::Compute(const Function& f) {
  const size_t n = f.dfg.NumBlocks();
  succ_start_.assign(n + 1, 0);
  succs_.clear();
  // Each block's number of predecessors is counted as its edges are listed (FillPreds).
  pred_start_.assign(n + 1, 0);
  uint32_t* const counts = pred_start_.data();
  // Successors, block by block in index order; scratch_[s] == bi dedups block bi's targets.
  std::vector<uint32_t>& seen = scratch_;
  seen.assign(n, UINT32_MAX);
  for (uint32_t bi = 0; bi < n; ++bi) {
    succ_start_[bi] = static_cast<uint32_t>(succs_.size());
    Block b(bi);
    if (!f.layout.IsBlockInserted(b)) continue;
    const Inst term = f.layout.LastInst(b);
    if (!term.valid()) continue;
    f.dfg.ForEachDest(term, [&](const BlockCall& bc) {
      if (!f.dfg.IsValidBlock(bc.block) || seen[bc.block.index] == bi) return;
      seen[bc.block.index] = bi;
      succs_.push_back(bc.block);
      ++counts[bc.block.index];
    });
  }
  succ_start_[n] = static_cast<uint32_t>(succs_.size());
  FillPreds(n, succ_start_, succs_, pred_start_, preds_);
}

void ControlFlowGraph::ComputePreds() {
  const size_t n = NumBlocks();
  pred_start_.assign(n + 1, 0);
  const Block* const succs = succs_.data();
  const uint32_t num_edges = static_cast<uint32_t>(succs_.size());
  uint32_t* const pred_start = pred_start_.data();
  for (uint32_t e = 0; e < num_edges; ++e) ++pred_start[succs[e].index];
  FillPreds(n, succ_start_, succs_, pred_start_, preds_);
}

void ControlFlowGraph::AddForwardingBlocks(const Function& f,
                                           std::span<const ForwardingBlock> added) {
  const size_t old_n = NumBlocks();
  const size_t n = f.dfg.NumBlocks();
  // Each source names the target once (Compute dedups), and never the forwarder (it is new):
  // the forwarder takes the target's place.
  for (const ForwardingBlock& fb : added) {
    for (Block s : fb.sources) {
      EGRET_CHECK(s.index < old_n);
      Block* const first = succs_.data() + succ_start_[s.index];
      Block* const end = succs_.data() + succ_start_[s.index + 1];
      Block* const it = std::find(first, end, fb.target);
      EGRET_CHECK(it != end);
      *it = fb.block;
    }
  }
  // The new blocks come after every old one in block order, so their lists go at the end: a
  // forwarder's is its target, any other new block (not in the layout) has none.
  succ_start_.resize(n + 1);
  size_t next = 0;
  for (size_t bi = old_n; bi < n; ++bi) {
    succ_start_[bi] = static_cast<uint32_t>(succs_.size());
    if (next < added.size() && added[next].block.index == bi) {
      succs_.push_back(added[next].target);
      ++next;
    } else {
      EGRET_CHECK(!f.layout.IsBlockInserted(Block(static_cast<uint32_t>(bi))));
    }
  }
  EGRET_CHECK(next == added.size());  // every forwarder is new, in increasing order
  succ_start_[n] = static_cast<uint32_t>(succs_.size());
  ComputePreds();
}

void ControlFlowGraph::ReplaceSuccessor(Block p, Block from, Block to) {
  EGRET_CHECK(p.index + 1 < succ_start_.size());
  Block* const first = succs_.data() + succ_start_[p.index];
  Block* const end = succs_.data() + succ_start_[p.index + 1];
  EGRET_DCHECK(std::find(first, end, to) == end);  // listed once, as Compute lists it
  Block* const it = std::find(first, end, from);
  EGRET_CHECK(it != end);
  *it = to;
}

void ControlFlowGraph::DropSuccessors(std::span<const Block> removed) {
  if (removed.empty()) return;
  const uint32_t n = static_cast<uint32_t>(NumBlocks());
  uint32_t* const start = succ_start_.data();
  Block* const succs = succs_.data();
  // Block b's list moves down by the number of edges of the removed blocks below b (`shift`):
  // the kept lists between two removed blocks move as one run, and each start goes down by the
  // shift of its block (a removed block's start then equals the next one's: an empty list).
  uint32_t shift = 0;
  for (size_t k = 0; k < removed.size(); ++k) {
    const uint32_t r = removed[k].index;
    EGRET_CHECK(r < n && (k == 0 || removed[k - 1].index < r));
    const uint32_t next = k + 1 < removed.size() ? removed[k + 1].index : n;
    const uint32_t gone = start[r + 1] - start[r];
    // The run of kept lists r+1 .. next-1, still at its old place (the moves go downwards,
    // run by run in increasing order, so no run is overwritten before it moves).
    const uint32_t run_begin = start[r + 1], run_end = start[next];
    start[r] -= shift;
    shift += gone;
    std::copy(succs + run_begin, succs + run_end, succs + run_begin - shift);
    for (uint32_t b = r + 1; b < next; ++b) start[b] -= shift;
  }
  start[n] -= shift;
  succs_.resize(succs_.size() - shift);
}

void ControlFlowGraph::ReorderSuccessors(const Function& f, Block b) {
  if (b.index + 1 >= succ_start_.size()) return;
  Block* const first = succs_.data() + succ_start_[b.index];
  Block* const end = succs_.data() + succ_start_[b.index + 1];
  Block* w = first;
  const Inst term = f.layout.LastInst(b);
  if (term.valid()) {
    f.dfg.ForEachDest(term, [&](const BlockCall& bc) {
      if (!f.dfg.IsValidBlock(bc.block)) return;
      for (const Block* p = first; p != w; ++p)
        if (*p == bc.block) return;  // listed once, at its first destination (as Compute)
      EGRET_CHECK(w != end);         // the set of successors did not grow
      *w++ = bc.block;
    });
  }
  EGRET_CHECK(w == end);  // nor shrink
}

}  // namespace egret::ir
