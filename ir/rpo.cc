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
  // The block being searched (`b`) and its successor range [next, end) live in locals; a
  // frame is saved only when the search descends (the block and its next successor) and
  // restored when the child finishes, so a successor already seen costs a compare and two
  // loads. Each block is pushed at most once (when first seen), and the one being searched is
  // not on the stack, so the stack never holds more than n - 1 frames: it is sized once and
  // used through a pointer.
  rpo.resize(n);
  Block* const out = rpo.data();
  size_t pos = n;
  if (stack.size() < n) stack.resize(n);
  std::pair<Block, uint32_t>* const frames = stack.data();
  size_t depth = 0;
  visited.assign(n, 0);
  uint8_t* const seen = visited.data();
  const auto end_of = [&](Block x) { return x.index < num_listed ? succ_start[x.index + 1] : 0; };
  Block b = entry;
  uint32_t next = entry.index < num_listed ? succ_start[entry.index] : 0;
  uint32_t end = end_of(entry);
  seen[entry.index] = 1;
  for (;;) {
    if (next < end) {
      const Block s = succs[next++];
      if (seen[s.index]) continue;
      seen[s.index] = 1;
      frames[depth].first = b;
      frames[depth].second = next;
      ++depth;
      b = s;
      next = s.index < num_listed ? succ_start[s.index] : 0;
      end = end_of(s);
      continue;
    }
    out[--pos] = b;
    if (depth == 0) break;
    --depth;
    b = frames[depth].first;
    next = frames[depth].second;
    end = end_of(b);
  }
  rpo.erase(rpo.begin(), rpo.begin() + static_cast<std::ptrdiff_t>(pos));
}

}  // namespace egret::ir
