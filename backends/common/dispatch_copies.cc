// dispatch_copies.cc: which blocks get a copy of a dispatch block (dispatch_copies.h).
#include "backends/common/dispatch_copies.h"

namespace egret::backend {

void DispatchCopies::Compute(const regalloc::Function& f, const regalloc::Output& ra,
                             std::span<const uint32_t> edit_begin, std::span<const uint32_t> order,
                             std::span<const uint32_t> next, InfoFn info, const void* ctx) {
  copy_of.clear();
  copies = copied_cost = 0;
  const uint32_t nb = f.num_blocks();
  // Dispatch blocks: a jump table has several successors, so only those blocks are asked (most
  // functions have none and pay this one pass over the blocks).
  candidates_.clear();
  for (uint32_t b = 1; b < nb; ++b) {
    const regalloc::BlockData& bd = f.blocks[b];
    if (bd.succ_end - bd.succ_begin < 2) continue;
    const CopyInfo term = info(ctx, bd.inst_end - 1);
    if (term.kind != CopyKind::kIndirect) continue;
    uint32_t cost = edit_begin[b + 1] - edit_begin[b] + term.cost;
    for (uint32_t i = bd.inst_begin; i + 1 < bd.inst_end && cost <= kMaxDispatchCost; ++i) {
      const CopyInfo ci = info(ctx, i);
      cost = ci.kind == CopyKind::kPlain ? cost + ci.cost : kNone;
    }
    if (cost <= kMaxDispatchCost) candidates_.push_back({b, cost});
  }
  if (candidates_.empty()) return;
  cost_.assign(nb, kNone);
  for (const Candidate& c : candidates_) cost_[c.block] = c.cost;

  auto only_succ = [&](uint32_t b) { return f.succs[f.blocks[b].succ_begin].block.index; };
  // Whether block b ends in a plain jump (its only successor).
  auto jumps = [&](uint32_t b) {
    const regalloc::BlockData& bd = f.blocks[b];
    return bd.succ_end - bd.succ_begin == 1 && info(ctx, bd.inst_end - 1).kind == CopyKind::kJump;
  };
  // A block that is one jump and no allocator edit: the MachBuffer threads jumps through it.
  auto empty_jump = [&](uint32_t b) {
    const regalloc::BlockData& bd = f.blocks[b];
    return bd.inst_end - bd.inst_begin == 1 && edit_begin[b + 1] == edit_begin[b] && jumps(b);
  };
  uint64_t budget = kBaseBudget + (uint64_t{f.num_insts()} + ra.edits.size()) / 2;
  copy_of.assign(nb, kNone);
  for (uint32_t k = 0; k < nb; ++k) {
    const uint32_t p = order.empty() ? k : order[k];
    if (!jumps(p)) continue;
    const uint32_t first = only_succ(p);
    if (next[p] == first) continue;  // falls through: the jump is free
    uint32_t d = first;
    for (int steps = 0; cost_[d] == kNone && steps < kMaxChain && empty_jump(d); ++steps)
      d = only_succ(d);
    // Through empty blocks to the block emitted next: the MachBuffer threads the jump and drops
    // it as a fall-through, so it costs nothing either.
    if (cost_[d] == kNone || next[p] == d || cost_[d] > budget) continue;
    budget -= cost_[d];
    copy_of[p] = d;
    ++copies;
    copied_cost += cost_[d];
  }
  if (copies == 0) copy_of.clear();
}

}  // namespace egret::backend
