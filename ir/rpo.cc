// rpo.cc: see rpo.h.
#include "ir/rpo.h"

#include <algorithm>

namespace egret::ir {

void ComputeReversePostOrder(const Function& f, const ControlFlowGraph& cfg,
                             std::vector<Block>& rpo,
                             std::vector<std::pair<Block, uint32_t>>& stack,
                             std::vector<uint8_t>& visited) {
  rpo.clear();
  const Block entry = f.EntryBlock();
  if (!entry.valid()) return;
  // Post-order by an explicit DFS stack, built in rpo and then reversed.
  stack.clear();
  visited.assign(f.dfg.NumBlocks(), 0);
  stack.push_back({entry, 0});
  visited[entry.index] = 1;
  while (!stack.empty()) {
    auto& [b, next] = stack.back();
    auto succs = cfg.Succs(b);
    if (next < succs.size()) {
      Block s = succs[next++];
      if (!visited[s.index]) {
        visited[s.index] = 1;
        stack.push_back({s, 0});
      }
    } else {
      rpo.push_back(b);
      stack.pop_back();
    }
  }
  std::reverse(rpo.begin(), rpo.end());
}

}  // namespace egret::ir
