// dominator_tree.h: dominators of the reachable blocks, with O(1) dominance queries.
//
// Computed with the iterative algorithm of Cooper, Harvey and Kennedy ("A Simple, Fast
// Dominance Algorithm", 2001) over a reverse post-order from the entry block; the walk is
// iterative, so deep CFGs do not overflow the stack. A reducible CFG (every retreating edge
// goes to a block dominating its source) takes one sweep, checked instead of confirmed by a
// second sweep; an irreducible one iterates to the fixpoint. Dominates(a, b) compares b's
// preorder number in the tree with the range of a's subtree. Unreachable blocks have no
// immediate dominator, are dominated by nothing, and dominate nothing.
#ifndef EGRET_IR_DOMINATOR_TREE_H_
#define EGRET_IR_DOMINATOR_TREE_H_

#include <span>
#include <utility>
#include <vector>

#include "ir/cfg.h"
#include "ir/function.h"

namespace egret::ir {

class DominatorTree {
 public:
  DominatorTree() = default;
  DominatorTree(const Function& f, const ControlFlowGraph& cfg) { Compute(f, cfg); }
  void Compute(const Function& f, const ControlFlowGraph& cfg);
  // After forwarding blocks were inserted (ir/cfg.h, ForwardingBlock) whose sources are exactly
  // the predecessors their (reachable, non-entry) target does not dominate: updates the tree to
  // exactly what Compute would give on the new graph. Every path into the target now passes
  // through its forwarder, so the forwarder takes the target's immediate dominator and becomes
  // the target's; the depth-first search from the entry reaches the forwarder where it reached
  // the target first (through a source: a block the target dominates cannot come before it)
  // and goes straight on to the target, so the reverse post-order gains the forwarder just
  // before its target and is otherwise unchanged. Linear (the tree is renumbered), with no
  // search and no sweep.
  void AddForwardingBlocks(const Function& f, std::span<const ForwardingBlock> added);
  // The inverse, after a pass bypassed forwarding blocks and removed them (cfg_simplify): each
  // forwarder named in `bypassed` lost every edge into it (all of them are listed) and was
  // removed from the layout, each listed pred and target stays, and nothing else changed in
  // the block graph but the removal of blocks the entry did not reach. Updates the tree to
  // exactly what Compute would give on the new graph (but for the order of
  // RetreatingEdges()). A path into any other block corresponds to one before with the
  // forwarder between its predecessor and its target, so dominance among the other blocks is
  // unchanged; the only block a forwarder can be the immediate dominator of is its target
  // (everything it dominates is reached through it), which takes the forwarder's; the
  // depth-first search goes from the pred straight to the target where it went to the
  // forwarder and then the target, so the reverse post-order loses the forwarders and is
  // otherwise unchanged. Linear (the tree is renumbered), with no search and no sweep.
  void RemoveForwardingBlocks(const Function& f, std::span<const BypassedEdge> bypassed);

  bool IsReachable(Block b) const { return b.index < rpo_number_.size() && rpo_number_[b.index]; }
  // The immediate dominator; invalid for the entry block and unreachable blocks.
  Block Idom(Block b) const { return b.index < idom_.size() ? idom_[b.index] : Block(); }
  // Whether every path from the entry to b passes through a (a block dominates itself).
  bool Dominates(Block a, Block b) const {
    if (!IsReachable(a) || !IsReachable(b)) return false;
    // Both reachable, so both indices are below rpo_number_.size() == pre_.size() ==
    // post_.size() (Compute sizes all three by the function's blocks).
    return pre_[a.index] <= pre_[b.index] && pre_[b.index] <= post_[a.index];
  }
  bool StrictlyDominates(Block a, Block b) const { return a != b && Dominates(a, b); }
  // Reachable blocks in reverse post-order (the entry first).
  std::span<const Block> Rpo() const { return rpo_; }
  // 1-based position in Rpo(); 0 for unreachable blocks.
  uint32_t RpoNumber(Block b) const {
    return b.index < rpo_number_.size() ? rpo_number_[b.index] : 0;
  }
  // The blocks b immediately dominates, in RPO order (inline: the dominator-tree walks of the
  // verifier, gvn and load_elim ask once per block).
  std::span<const Block> Children(Block b) const {
    if (b.index + 1 >= child_start_.size()) return {};
    return {children_.data() + child_start_[b.index],
            child_start_[b.index + 1] - child_start_[b.index]};
  }
  // Children's tables as plain arrays, for a walk that stores between its reads (a byte store
  // may alias them, so Children would reload the vectors after each one): the children of b,
  // when b.index + 1 < ChildStarts().size(), are ChildList()[ChildStarts()[b.index] ..
  // ChildStarts()[b.index + 1]), and b has none otherwise.
  std::span<const uint32_t> ChildStarts() const { return child_start_; }
  const Block* ChildList() const { return children_.data(); }
  // Edges p -> b between reachable blocks, b not the entry, that retreat in the reverse
  // post-order (RpoNumber(p) >= RpoNumber(b)), as the first sweep of Compute met them. Every
  // back edge (b dominates p) into a block other than the entry is among them, so a walk for
  // loop headers looks at these (and the entry's predecessors) instead of every edge. After
  // AddForwardingBlocks an edge from a forwarder's source may still name the target: it is no
  // back edge either way (the target does not dominate its sources), and the back edges are
  // all still listed (no forwarder is in one).
  std::span<const std::pair<Block, Block>> RetreatingEdges() const { return retreating_; }
  // Whether both describe the same tree with the same numbering (checks of the analysis cache).
  bool SameTree(const DominatorTree& o) const {
    return rpo_ == o.rpo_ && idom_ == o.idom_ && children_ == o.children_ &&
           child_start_ == o.child_start_ && pre_ == o.pre_ && post_ == o.post_;
  }

 private:
  // One Cooper-Harvey-Kennedy pass over rpo_[1..]; whether any idom changed. With `retreating`,
  // also collects the edges p -> b from reachable blocks it skipped (p has no idom yet), which
  // in the first sweep are exactly the retreating edges (RpoNumber(p) >= RpoNumber(b)).
  bool Sweep(const ControlFlowGraph& cfg, std::vector<std::pair<Block, Block>>* retreating);
  // Whether every retreating edge p -> b the first sweep collected has b dominating p in the
  // current tree (Number must have run).
  bool RetreatingEdgesAreBackEdges() const;
  // Children lists and preorder numbers of the tree idom_ describes; rpo_ starts with the
  // entry and lists every block of the tree after its immediate dominator.
  void Number(size_t n, Block entry);

  std::vector<Block> rpo_;
  std::vector<uint32_t> rpo_number_;
  std::vector<Block> idom_;
  std::vector<uint32_t> child_start_;
  std::vector<Block> children_;
  // Per reachable block, its position in the dominator tree's preorder (from 1) and the last
  // position in its subtree: a dominates b exactly when pre_[b] is in [pre_[a], post_[a]].
  std::vector<uint32_t> pre_, post_;
  std::vector<std::pair<Block, Block>> retreating_;  // (p, b) edges, see RetreatingEdges
  // Compute's scratch, kept for its capacity (a tree recomputed per function allocates nothing
  // in steady state): the RPO's stack and visited marks, and AddForwardingBlocks' insertions.
  std::vector<std::pair<Block, uint32_t>> stack_;
  std::vector<uint8_t> visited_;
  std::vector<uint32_t> scratch_;
};

}  // namespace egret::ir

#endif  // EGRET_IR_DOMINATOR_TREE_H_
