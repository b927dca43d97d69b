// loop_analysis.cc: natural loop discovery and nesting (see loop_analysis.h).
#include "ir/loop_analysis.h"

namespace egret::ir {

void LoopAnalysis::Compute(const Function& f, const ControlFlowGraph& cfg,
                           const DominatorTree& domtree) {
  loops_.Clear();
  // Sized for every block up front, so the writes below never grow it (the table and work_
  // keep their capacity from one function to the next).
  block_loop_.Clear();
  block_loop_.Resize(f.dfg.NumBlocks());
  auto rpo = domtree.Rpo();
  // Headers: the targets of back edges (a reachable predecessor they dominate). Those into a
  // block other than the entry are among the dominator tree's retreating edges (none in an
  // acyclic function, which ends here); the entry dominates every reachable block, so any
  // reachable predecessor of it closes a loop. Marked, then listed innermost first (decreasing
  // RPO number).
  std::vector<uint8_t>& is_header = is_header_;
  is_header.assign(f.dfg.NumBlocks(), 0);
  bool any = false;
  for (const auto& [p, h] : domtree.RetreatingEdges()) {
    if (domtree.Dominates(h, p)) is_header[h.index] = any = true;
  }
  const Block entry = f.EntryBlock();
  if (entry.valid()) {
    for (Block p : cfg.Preds(entry)) {
      if (domtree.IsReachable(p)) is_header[entry.index] = any = true;
    }
  }
  if (!any) return;
  for (size_t k = rpo.size(); k-- > 0;) {
    if (is_header[rpo[k].index]) loops_.Push({rpo[k], Loop(), 1});
  }
  std::vector<Block>& work = work_;
  for (Loop l : loops_.Keys()) {
    const Block h = loops_[l].header;
    if (!block_loop_[h].valid()) block_loop_[h] = l;
    work.clear();
    for (Block p : cfg.Preds(h))
      if (domtree.IsReachable(p) && domtree.Dominates(h, p)) work.push_back(p);
    while (!work.empty()) {
      Block b = work.back();
      work.pop_back();
      if (b == h) continue;
      Loop cur = block_loop_[b];
      if (!cur.valid()) {
        block_loop_[b] = l;
        for (Block p : cfg.Preds(b))
          if (domtree.IsReachable(p)) work.push_back(p);
        continue;
      }
      while (loops_[cur].parent.valid()) cur = loops_[cur].parent;
      if (cur == l) continue;
      loops_[cur].parent = l;
      for (Block p : cfg.Preds(loops_[cur].header))
        if (domtree.IsReachable(p)) work.push_back(p);
    }
  }
  // A parent's header comes earlier in RPO than its children's, so the parent was created later
  // and has the larger index: walking from the last loop down sees parents first.
  for (uint32_t k = static_cast<uint32_t>(loops_.size()); k-- > 0;) {
    Loop l(k);
    Loop p = loops_[l].parent;
    loops_[l].depth = p.valid() ? loops_[p].depth + 1 : 1;
  }
}

void LoopAnalysis::AddForwardingBlocks(const Function& f, std::span<const ForwardingBlock> added) {
  block_loop_.Resize(f.dfg.NumBlocks());
  for (const ForwardingBlock& fb : added) {
    Loop l = block_loop_[fb.target];
    if (l.valid() && loops_[l].header == fb.target) l = loops_[l].parent;
    block_loop_[fb.block] = l;
  }
}

bool LoopAnalysis::CanRemoveForwardingBlocks(const DominatorTree& domtree,
                                             std::span<const BypassedEdge> bypassed) const {
  for (const BypassedEdge& e : bypassed) {
    if (!domtree.IsReachable(e.forwarder)) continue;
    if (IsLoopHeader(e.forwarder)) return false;
    // pred reaches the forwarder, so it is reachable too.
    if (domtree.Dominates(e.target, e.pred) && !domtree.Dominates(e.target, e.forwarder))
      return false;
  }
  return true;
}

void LoopAnalysis::RemoveForwardingBlocks(std::span<const BypassedEdge> bypassed) {
  for (const BypassedEdge& e : bypassed) block_loop_[e.forwarder] = Loop();
}

bool LoopAnalysis::IsChildOf(Loop inner, Loop outer) const {
  for (Loop l = inner; l.valid(); l = loops_[l].parent)
    if (l == outer) return true;
  return false;
}

}  // namespace egret::ir
