// cfg.h: the control-flow graph of a function: successors and predecessors of every block.
//
// Computed from the terminators in the layout, stored in compressed form (one array of edges,
// one offset per block), so a query is two loads and the whole graph is three vectors. Each
// neighbour appears once per block even when several branch edges connect the pair (brif to the
// same block twice, a br_table naming a block in several entries). Blocks not in the layout have
// no edges. Recompute after changing terminators.
//
// Only each block's last instruction is read: in well-formed IR (ir/verifier.h) it is the
// block's one terminator and no branch stands before it. Compute reuses the object's storage,
// so one graph kept per worker and recomputed per function allocates nothing in steady state.
#ifndef EGRET_IR_CFG_H_
#define EGRET_IR_CFG_H_

#include <span>
#include <vector>

#include "ir/function.h"

namespace egret::ir {

// A block a pass inserted in front of an existing one (licm's preheaders): `block` is new (its
// index is past every block the graph was computed for), its only instruction is `jump
// target(...)`, and every edge of the blocks in `sources` that went to `target` now goes to
// `block` instead.
struct ForwardingBlock {
  Block block;
  Block target;
  std::span<const Block> sources;
};

// An edge a pass bypassed (cfg_simplify's forwarding): `pred` ended with edges to `forwarder`,
// a block whose only instruction is `jump target(...)`, and now has them to `target` instead,
// which it had no edge to before.
struct BypassedEdge {
  Block pred, forwarder, target;
};

class ControlFlowGraph {
 public:
  ControlFlowGraph() = default;
  explicit ControlFlowGraph(const Function& f) { Compute(f); }
  void Compute(const Function& f);
  // After the order of b's destinations changed but not the set of blocks they name (simplify
  // swaps a brif's arms): rewrites b's successor list in the new order, exactly as Compute
  // would. Linear in the destinations times the successors: for terminators with few (brif).
  void ReorderSuccessors(const Function& f, Block b);
  // After the pass inserted `added` (in increasing block order, see ForwardingBlock): updates
  // the graph to exactly what Compute would give now, without reading any terminator. Each
  // source's successor list names the forwarder where it named the target (same position), the
  // forwarders' lists are their targets, and the predecessor lists are rebuilt from those.
  // Linear in the edges, with none of Compute's per-block layout lookups.
  void AddForwardingBlocks(const Function& f, std::span<const ForwardingBlock> added);
  // In-place edits for a pass that changes edges and keeps the graph current itself
  // (cfg_simplify's forwarding) instead of computing it again from the terminators.
  // ReplaceSuccessor: every edge of p to `from` now goes to `to`, which p had no edge to, so p's
  // list names `to` where it named `from` (the position Compute gives it: the first
  // destination naming it). The predecessor lists are stale until RebuildPredecessors.
  void ReplaceSuccessor(Block p, Block from, Block to);
  // After the blocks `removed` (in increasing index order) were removed from the layout: drops
  // their successor lists (Compute gives a block not in the layout none), moving the lists
  // after them down. Predecessor lists are stale until RebuildPredecessors.
  void DropSuccessors(std::span<const Block> removed);
  // The predecessor lists again from the successor lists (the counting sort Compute ends with):
  // after the edits above, the graph is exactly what Compute would give, with none of its
  // per-block layout and terminator lookups.
  void RebuildPredecessors() { ComputePreds(); }
  // Exchanges the two graphs (storage included: neither allocates).
  void Swap(ControlFlowGraph& o) {
    succ_start_.swap(o.succ_start_);
    pred_start_.swap(o.pred_start_);
    succs_.swap(o.succs_);
    preds_.swap(o.preds_);
    scratch_.swap(o.scratch_);
  }

  std::span<const Block> Succs(Block b) const { return Span(succ_start_, succs_, b); }
  // The compressed successor lists themselves, for walks over every block's (the reverse
  // post-order): block b's are SuccEdges()[SuccStarts()[b] .. SuccStarts()[b + 1]), for b below
  // NumBlocks().
  std::span<const uint32_t> SuccStarts() const { return succ_start_; }
  std::span<const Block> SuccEdges() const { return succs_; }
  std::span<const Block> Preds(Block b) const { return Span(pred_start_, preds_, b); }
  // The compressed predecessor lists, as SuccStarts()/SuccEdges() (the dominator tree's sweep).
  std::span<const uint32_t> PredStarts() const { return pred_start_; }
  std::span<const Block> PredEdges() const { return preds_; }
  size_t NumBlocks() const { return succ_start_.empty() ? 0 : succ_start_.size() - 1; }
  // Whether both describe the same edges in the same order (a cached graph against a fresh one,
  // in checks of the analysis cache).
  bool SameEdges(const ControlFlowGraph& o) const {
    return succ_start_ == o.succ_start_ && succs_ == o.succs_ && pred_start_ == o.pred_start_ &&
           preds_ == o.preds_;
  }

 private:
  static std::span<const Block> Span(const std::vector<uint32_t>& start,
                                     const std::vector<Block>& edges, Block b) {
    if (b.index + 1 >= start.size()) return {};
    return {edges.data() + start[b.index], start[b.index + 1] - start[b.index]};
  }

  // The predecessor lists, by a counting sort over the successor lists.
  void ComputePreds();

  std::vector<uint32_t> succ_start_, pred_start_;  // NumBlocks()+1 offsets
  std::vector<Block> succs_, preds_;
  // Compute's scratch, kept for its capacity: the dedup marks, then the predecessor fill cursors.
  std::vector<uint32_t> scratch_;
};

}  // namespace egret::ir

#endif  // EGRET_IR_CFG_H_
