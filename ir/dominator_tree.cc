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
  retreating_.clear();
  Block entry = f.EntryBlock();
  if (!entry.valid()) {
    pre_.assign(n, 0);
    post_.assign(n, 0);
    child_start_.assign(n + 1, 0);
    children_.clear();
    return;
  }

  ComputeReversePostOrder(f, cfg, rpo_, stack_, visited_);
  for (uint32_t k = 0; k < rpo_.size(); ++k) rpo_number_[rpo_[k].index] = k + 1;

  // One Cooper-Harvey-Kennedy sweep in RPO. A predecessor later in RPO (the source of a
  // retreating edge) has no idom yet and is skipped, so the sweep computes exactly the dominator
  // tree of the forward edges. That is the tree of the whole graph when every retreating edge
  // p -> b is a back edge (b dominates p in that tree): a path using such an edge reached b
  // before p, so the edge adds no way around any dominator. Checked below; a graph that fails
  // the check (irreducible control flow) is recomputed by iterating the sweep to its fixpoint.
  // Both give the unique dominator tree, so the result does not depend on which ran.
  // The sweep collects the retreating edges it skips, so an acyclic graph (none) needs no
  // check and a reducible one checks only those.
  idom_[entry.index] = entry;
  Sweep(cfg, &retreating_);
  idom_[entry.index] = Block();
  Number(n, entry);
  if (RetreatingEdgesAreBackEdges()) return;

  std::fill(idom_.begin(), idom_.end(), Block());
  idom_[entry.index] = entry;
  while (Sweep(cfg, nullptr)) {
  }
  idom_[entry.index] = Block();
  Number(n, entry);
}

void DominatorTree::AddForwardingBlocks(const Function& f, std::span<const ForwardingBlock> added) {
  const size_t n = f.dfg.NumBlocks();
  const size_t old_n = rpo_number_.size();
  if (added.empty()) return;
  rpo_number_.resize(n, 0);
  idom_.resize(n, Block());
  // Which forwarder goes before each target, through the targets' RPO numbers (still the old
  // ones): insert_before[k] is the forwarder of rpo_[k - 1], if any. Then one pass rebuilds
  // the order with them inserted.
  std::vector<uint32_t>& insert_before = scratch_;
  insert_before.assign(rpo_.size() + 1, UINT32_MAX);
  for (const ForwardingBlock& fb : added) {
    EGRET_CHECK(fb.block.index >= old_n && fb.target.index < old_n);
    const uint32_t k = rpo_number_[fb.target.index];
    EGRET_CHECK(k > 1);  // reachable, and not the entry (which has no idom to hand on)
    insert_before[k] = fb.block.index;
    idom_[fb.block.index] = idom_[fb.target.index];
    idom_[fb.target.index] = fb.block;
  }
  std::vector<Block>& old_rpo = children_;  // rebuilt by Number below
  old_rpo.swap(rpo_);
  rpo_.clear();
  for (uint32_t k = 0; k < old_rpo.size(); ++k) {
    if (insert_before[k + 1] != UINT32_MAX) rpo_.push_back(Block(insert_before[k + 1]));
    rpo_.push_back(old_rpo[k]);
  }
  for (uint32_t k = 0; k < rpo_.size(); ++k) rpo_number_[rpo_[k].index] = k + 1;
  Number(n, f.EntryBlock());
}

void DominatorTree::RemoveForwardingBlocks(const Function& f,
                                           std::span<const BypassedEdge> bypassed) {
  // The forwarders the entry reached leave the tree (a forwarder is listed once per pred; the
  // first listing takes it out, so an unnumbered one is unreachable or done).
  bool any = false;
  for (const BypassedEdge& e : bypassed) {
    const Block fw = e.forwarder;
    if (fw.index >= rpo_number_.size() || !rpo_number_[fw.index]) continue;
    EGRET_DCHECK(e.target != fw && rpo_number_[e.target.index] != 0);
    if (idom_[e.target.index] == fw) idom_[e.target.index] = idom_[fw.index];
    idom_[fw.index] = Block();
    rpo_number_[fw.index] = 0;
    any = true;
  }
  if (!any) return;
  size_t kept = 0;
  for (const Block b : rpo_)
    if (rpo_number_[b.index]) rpo_[kept++] = b;
  rpo_.resize(kept);
  for (uint32_t k = 0; k < rpo_.size(); ++k) rpo_number_[rpo_[k].index] = k + 1;
  // The retreating edges: those of the other blocks keep their order in the RPO; the bypassed
  // edges replace the ones into and out of the forwarders.
  std::erase_if(retreating_, [&](const std::pair<Block, Block>& edge) {
    return !rpo_number_[edge.first.index] || !rpo_number_[edge.second.index];
  });
  const Block entry = f.EntryBlock();
  for (const BypassedEdge& e : bypassed) {
    const uint32_t p = rpo_number_[e.pred.index];
    if (p != 0 && e.target != entry && p >= rpo_number_[e.target.index])
      retreating_.push_back({e.pred, e.target});
  }
  Number(f.dfg.NumBlocks(), entry);
}

bool DominatorTree::Sweep(const ControlFlowGraph& cfg,
                          std::vector<std::pair<Block, Block>>* retreating) {
  // (Through raw pointers: the vectors' bounds would be reloaded after every store.)
  const uint32_t* const number = rpo_number_.data();
  Block* const idom = idom_.data();
  auto intersect = [&](Block a, Block b) {
    while (a != b) {
      while (number[a.index] > number[b.index]) a = idom[a.index];
      while (number[b.index] > number[a.index]) b = idom[b.index];
    }
    return a;
  };
  // The predecessor lists through raw pointers too (cfg.Preds would reload the graph's vectors
  // for every block); a block the graph was not computed for has none, as Preds gives it.
  const std::span<const uint32_t> starts = cfg.PredStarts();
  const uint32_t* const pred_start = starts.data();
  const size_t num_listed = starts.empty() ? 0 : starts.size() - 1;
  const Block* const preds = cfg.PredEdges().data();
  bool changed = false;
  const Block* const rpo = rpo_.data();
  for (size_t k = 1, n = rpo_.size(); k < n; ++k) {
    const Block b = rpo[k];
    Block new_idom;
    const bool listed = b.index < num_listed;
    const uint32_t begin = listed ? pred_start[b.index] : 0;
    const uint32_t end = listed ? pred_start[b.index + 1] : 0;
    for (uint32_t e = begin; e != end; ++e) {
      const Block p = preds[e];
      if (!number[p.index]) continue;  // unreachable
      if (!idom[p.index].valid()) {
        if (retreating != nullptr) retreating->push_back({p, b});
        continue;
      }
      new_idom = new_idom.valid() ? intersect(p, new_idom) : p;
    }
    if (new_idom != idom[b.index]) {
      idom[b.index] = new_idom;
      changed = true;
    }
  }
  return changed;
}

bool DominatorTree::RetreatingEdgesAreBackEdges() const {
  // In the first sweep a reachable predecessor has its idom set exactly when it comes earlier
  // in RPO (every reachable block but the entry has a predecessor earlier in RPO, its DFS
  // parent, so it gets one), so the collected edges are all the retreating edges between
  // reachable blocks except those into the entry, which the sweep never visits and which are
  // back edges anyway (the entry dominates every reachable block).
  for (const auto& [p, b] : retreating_)
    if (!Dominates(b, p)) return false;
  return true;
}

void DominatorTree::Number(size_t n, Block entry) {
  pre_.assign(n, 0);
  post_.assign(n, 0);
  child_start_.assign(n + 1, 0);
  // Children lists (in RPO order) by a counting sort, and the numbers Dominates compares: each
  // block's position in the tree's preorder (children in list order, as a depth-first walk
  // takes them) and the last position in its subtree. No walk is needed: a block dominates
  // only blocks after it in RPO, so a pass in reverse RPO sees each subtree complete before
  // its root (sizes add up into the parents), and a pass in RPO sees each block after its
  // parent, which places its children one after the other behind it.
  // (Raw pointers: a store to a Block may alias a uint32_t, so the vectors' bounds would be
  // reloaded after every store.)
  EGRET_DCHECK(!rpo_.empty() && rpo_[0] == entry);
  const Block* const rpo = rpo_.data();
  const size_t m = rpo_.size();
  const Block* const idom = idom_.data();
  uint32_t* const start = child_start_.data();
  uint32_t* const pre = pre_.data();
  uint32_t* const post = post_.data();  // subtree sizes until the last pass
  uint32_t num_children = 0;
  for (size_t k = 0; k < m; ++k) {
    const Block b = rpo[k];
    post[b.index] = 1;
    if (idom[b.index].valid()) {
      ++start[idom[b.index].index];
      ++num_children;
    }
  }
  // Running sums: start[p] is the end of p's list, and the fill below moves it to the start.
  uint32_t sum = 0;
  for (size_t p = 0; p < n; ++p) {
    sum += start[p];
    start[p] = sum;
  }
  start[n] = sum;
  children_.resize(num_children);  // every entry is written below
  Block* const children = children_.data();
  for (size_t k = m; k-- > 0;) {
    const Block b = rpo[k];
    const Block p = idom[b.index];
    if (!p.valid()) continue;
    children[--start[p.index]] = b;  // backwards, so each list ends up in RPO order
    post[p.index] += post[b.index];
  }
  pre[entry.index] = 1;
  for (size_t k = 0; k < m; ++k) {
    const Block b = rpo[k];
    uint32_t next = pre[b.index] + 1;
    for (uint32_t e = start[b.index], end = start[b.index + 1]; e < end; ++e) {
      const Block c = children[e];
      pre[c.index] = next;
      next += post[c.index];
    }
    post[b.index] = pre[b.index] + post[b.index] - 1;
  }
}

}  // namespace egret::ir
