// rpo.cc: see rpo.h.
#include "ir/rpo.h"

#include <cstddef>

namespace egret::ir {

void ComputeReversePostOrder(const Function& f, const ControlFlowGraph& cfg,
                             std::vector<Block>& rpo,
                             std::vector<std::pair<Block, uint32_t>>& stack,
                             std::vector<uint8_t>& visited) {
  rpo.clear();
  const Block entry = f.EntryBlock();
  if (!entry.valid()) return;
  const size_t n = f.dfg.NumBlocks();
  // Post-order by an explicit DFS stack. Each frame holds its block and the position of its
  // next successor in the CFG's edge array (the block's end is its successor's start), read
  // through raw pointers. A graph computed for fewer blocks than the function has (none of the
  // missing ones is in the layout) gives those blocks no successors.
  const std::span<const uint32_t> starts = cfg.SuccStarts();
  const uint32_t* const succ_start = starts.data();
  const size_t num_listed = starts.empty() ? 0 : starts.size() - 1;
  const Block* const succs = cfg.SuccEdges().data();
  // The post-order fills rpo from the back, so no reversal is needed: each block finishes once.
  // Each block is pushed at most once (when first seen), so the stack never holds more than n
  // frames: it is sized once and used through a pointer.
  rpo.resize(n);
  Block* const out = rpo.data();
  size_t pos = n;
  if (stack.size() < n) stack.resize(n);
  std::pair<Block, uint32_t>* const frames = stack.data();
  size_t depth = 0;
  visited.assign(n, 0);
  uint8_t* const seen = visited.data();
  auto push = [&](Block b) {
    seen[b.index] = 1;
    frames[depth++] = {b, b.index < num_listed ? succ_start[b.index] : 0};
  };
  push(entry);
  while (depth != 0) {
    auto& [b, next] = frames[depth - 1];
    const uint32_t end = b.index < num_listed ? succ_start[b.index + 1] : 0;
    if (next < end) {
      const Block s = succs[next++];
      if (!seen[s.index]) push(s);
    } else {
      out[--pos] = b;
      --depth;
    }
  }
  rpo.erase(rpo.begin(), rpo.begin() + static_cast<std::ptrdiff_t>(pos));
}

}  // namespace egret::ir
