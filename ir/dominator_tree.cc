// dominator_tree.cc: reverse post-order, Cooper-Harvey-Kennedy, and tree numbering.
#include "ir/dominator_tree.h"

#include <algorithm>

#include "ir/rpo.h"

namespace egret::ir {

void DominatorTree::Compute(const Function& f, const ControlFlowGraph& cfg) {
  const size_t n = f.dfg.NumBlocks();
  rpo_.clear();
  rpo_number_.assign(n, 0);
  idom_.assign(n, Block());
  pre_.assign(n, 0);
  post_.assign(n, 0);
  child_start_.assign(n + 1, 0);
  children_.clear();
  Block entry = f.EntryBlock();
  if (!entry.valid()) return;

  std::vector<std::pair<Block, uint32_t>>& stack = stack_;
  ComputeReversePostOrder(f, cfg, rpo_, stack, visited_);
  for (uint32_t k = 0; k < rpo_.size(); ++k) rpo_number_[rpo_[k].index] = k + 1;

  // Cooper-Harvey-Kennedy: iterate idom = intersect(processed preds) to a fixpoint.
  idom_[entry.index] = entry;
  auto intersect = [&](Block a, Block b) {
    while (a != b) {
      while (rpo_number_[a.index] > rpo_number_[b.index]) a = idom_[a.index];
      while (rpo_number_[b.index] > rpo_number_[a.index]) b = idom_[b.index];
    }
    return a;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t k = 1; k < rpo_.size(); ++k) {
      Block b = rpo_[k];
      Block new_idom;
      for (Block p : cfg.Preds(b)) {
        if (!rpo_number_[p.index] || !idom_[p.index].valid()) continue;
        new_idom = new_idom.valid() ? intersect(p, new_idom) : p;
      }
      if (new_idom != idom_[b.index]) {
        idom_[b.index] = new_idom;
        changed = true;
      }
    }
  }
  idom_[entry.index] = Block();

  // Children lists (in RPO order) and DFS numbering for O(1) Dominates.
  // Counts into child_start_, turned into offsets, then filled through cursors in scratch_.
  for (Block b : rpo_)
    if (idom_[b.index].valid()) ++child_start_[idom_[b.index].index];
  uint32_t acc = 0;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t c = child_start_[k];
    child_start_[k] = acc;
    acc += c;
  }
  child_start_[n] = acc;
  children_.assign(acc, Block());
  std::vector<uint32_t>& fill = scratch_;
  fill.assign(child_start_.begin(), child_start_.end() - 1);
  for (Block b : rpo_)
    if (idom_[b.index].valid()) children_[fill[idom_[b.index].index]++] = b;
  uint32_t clock = 0;
  stack.clear();
  stack.push_back({entry, 0});
  pre_[entry.index] = ++clock;
  while (!stack.empty()) {
    auto& [b, next] = stack.back();
    auto kids = Children(b);
    if (next < kids.size()) {
      Block c = kids[next++];
      pre_[c.index] = ++clock;
      stack.push_back({c, 0});
    } else {
      post_[b.index] = ++clock;
      stack.pop_back();
    }
  }
}

bool DominatorTree::Dominates(Block a, Block b) const {
  if (!IsReachable(a) || !IsReachable(b)) return false;
  return pre_[a.index] <= pre_[b.index] && post_[b.index] <= post_[a.index];
}

std::span<const Block> DominatorTree::Children(Block b) const {
  if (b.index + 1 >= child_start_.size()) return {};
  return {children_.data() + child_start_[b.index],
          child_start_[b.index + 1] - child_start_[b.index]};
}

}  // namespace egret::ir
