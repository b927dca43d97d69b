// dispatch_copies.cc: which blocks get a copy of a dispatch block (dispatch_copies.h).
#include "backends/common/dispatch_copies.h"

namespace egret::backend {

void DispatchCopies::Assign(const regalloc::Function& f, const regalloc::Output& ra,
                            std::span<const uint32_t> edit_begin, std::span<const uint32_t> order,
                            std::span<const uint32_t> next) {
  const uint32_t nb = f.num_blocks();
  auto only_succ = [&](uint32_t b) { return f.succs[f.blocks[b].succ_begin].block.index; };
  // A block that is one jump and no allocator edit: the MachBuffer threads jumps through it.
  auto empty_jump = [&](uint32_t b) {
    const regalloc::BlockData& bd = f.blocks[b];
    return jump_[b] && bd.inst_end - bd.inst_begin == 1 && edit_begin[b + 1] == edit_begin[b];
  };
  uint64_t budget = kBaseBudget + (uint64_t{f.num_insts()} + ra.edits.size()) / 2;
  copy_of.assign(nb, kNone);
  for (uint32_t k = 0; k < nb; ++k) {
    const uint32_t p = order.empty() ? k : order[k];
    if (!jump_[p] || f.blocks[p].succ_end - f.blocks[p].succ_begin != 1) continue;
    const uint32_t first = only_succ(p);
    if (next[p] == first) continue;  // falls through: the jump is free
    uint32_t d = first;
    for (int steps = 0; cost_[d] == kNone && steps < kMaxChain && empty_jump(d); ++steps)
      d = only_succ(d);
    if (cost_[d] == kNone || cost_[d] > budget) continue;
    budget -= cost_[d];
    copy_of[p] = d;
    ++copies;
    copied_cost += cost_[d];
  }
  if (copies == 0) copy_of.clear();
}

}  // namespace egret::backend
