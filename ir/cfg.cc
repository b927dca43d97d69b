// cfg.cc: builds the compressed successor and predecessor lists.
#include "ir/cfg.h"

namespace egret::ir {

void ControlFlowGraph::Compute(const Function& f) {
  const size_t n = f.dfg.NumBlocks();
  succ_start_.assign(n + 1, 0);
  pred_start_.assign(n + 1, 0);
  succs_.clear();
  preds_.clear();
  // Successors, block by block in index order; `seen` dedups a block's targets.
  std::vector<uint32_t> seen(n, UINT32_MAX);
  for (uint32_t bi = 0; bi < n; ++bi) {
    succ_start_[bi] = static_cast<uint32_t>(succs_.size());
    Block b(bi);
    if (!f.layout.IsBlockInserted(b)) continue;
    Inst term = f.layout.LastInst(b);
    if (!term.valid()) continue;
    // Any branch in the block counts (the verifier rejects branches before the end).
    for (Inst i = f.layout.FirstInst(b); i.valid(); i = f.layout.NextInst(i)) {
      f.dfg.ForEachDest(i, [&](const BlockCall& bc) {
        if (!f.dfg.IsValidBlock(bc.block) || seen[bc.block.index] == bi) return;
        seen[bc.block.index] = bi;
        succs_.push_back(bc.block);
      });
    }
  }
  succ_start_[n] = static_cast<uint32_t>(succs_.size());
  // Predecessors by counting sort over the successor lists.
  std::vector<uint32_t> count(n + 1, 0);
  for (Block s : succs_) ++count[s.index];
  uint32_t acc = 0;
  for (size_t k = 0; k < n; ++k) {
    pred_start_[k] = acc;
    acc += count[k];
  }
  pred_start_[n] = acc;
  preds_.assign(acc, Block());
  std::vector<uint32_t> fill(pred_start_.begin(), pred_start_.end() - 1);
  for (uint32_t bi = 0; bi < n; ++bi)
    for (uint32_t e = succ_start_[bi]; e < succ_start_[bi + 1]; ++e)
      preds_[fill[succs_[e].index]++] = Block(bi);
}

}  // namespace egret::ir
