// emit_loop.h: the shared emission loop: allocated VCode -> a MachBuffer, for any target.
//
// Walking the blocks is the same for every target: bind each block's label, emit the prologue at
// the entry, and before every instruction give the MachBuffer the chance to emit an island while
// every pending fixup can still reach it; around every instruction, open its source location and
// insert the allocator's edits (moves, spills, reloads) at their program points. The target
// supplies what differs (InstEmitter): the prologue, one instruction, one edit.
//
// Invariants:
//   - an island is considered only between instructions, never inside one, and only when the
//     target's largest instruction (`max_inst_bytes`) could push a pending fixup out of range;
//   - edits are emitted in the allocator's order, each at its point (before or after its
//     instruction), and all of them are emitted;
//   - the bytes of instruction i (with its edits) carry srclocs[i] unless it is kNoSrcLoc.
#ifndef EGRET_BACKENDS_COMMON_EMIT_LOOP_H_
#define EGRET_BACKENDS_COMMON_EMIT_LOOP_H_

#include <cstdint>
#include <span>
#include <vector>

#include "backends/common/vcode.h"
#include "machbuffer/machbuffer.h"
#include "regalloc/function.h"
#include "regalloc/output.h"
#include "support/error.h"

namespace egret::backend {

class InstEmitter {
 public:
  virtual ~InstEmitter() = default;
  // The frame setup, emitted at the start of the entry block.
  virtual void Prologue() = 0;
  // Instruction i with its allocated registers.
  virtual void EmitInst(uint32_t i) = 0;
  // One allocator edit (register/register move, spill, reload, or rematerialization: the
  // defining instruction of a rematerializable vreg into a register, leaving the flags alone).
  virtual void EmitEdit(const regalloc::Edit& edit) = 0;
};

// The defining instruction of each rematerializable vreg (regalloc::VRegData::remat), which the
// target re-emits with another destination for a `Remat(v) -> reg` edit. Built on the first
// query, in one pass over the operands, so functions without remat edits pay nothing.
class RematDefs {
 public:
  uint32_t Of(const regalloc::Function& f, uint32_t v) {
    if (def_.empty()) {
      def_.assign(f.num_vregs(), UINT32_MAX);
      for (uint32_t i = 0; i < f.num_insts(); ++i)
        for (const regalloc::Operand& op : f.InstOperands(i))
          if (op.is_def() && f.vregs[op.vreg.index].remat) def_[op.vreg.index] = i;
    }
    EGRET_CHECK(v < def_.size() && def_[v] != UINT32_MAX);
    return def_[v];
  }

 private:
  std::vector<uint32_t> def_;
};

// Creates one label per block in `block_labels` (which the target's branches use), then emits
// every block through `e`, in `order` (a permutation of the blocks with the entry first, e.g.
// EmitOrder::order; empty: layout order). Branches name their targets, so any order is correct.
template <class Traits>
void EmitBlocks(const regalloc::Function& f, std::span<const uint32_t> srclocs,
                const regalloc::Output& ra, uint32_t max_inst_bytes, MachBuffer<Traits>& buf,
                std::vector<MachLabel>& block_labels, InstEmitter& e,
                std::span<const uint32_t> order = {}) {
  const uint32_t nb = f.num_blocks();
  EGRET_CHECK(order.empty() || (order.size() == nb && order[0] == 0));
  block_labels.resize(nb);
  for (MachLabel& l : block_labels) l = buf.NewLabel();
  // The allocator's edits are sorted by program point; each block's start in them, found in one
  // walk in layout order.
  thread_local std::vector<uint32_t> edit_begin;
  edit_begin.resize(nb + 1);
  {
    size_t k = 0;
    for (uint32_t b = 0; b < nb; ++b) {
      const regalloc::ProgPoint p = regalloc::ProgPoint::Before(f.blocks[b].inst_begin);
      while (k < ra.edits.size() && ra.edits[k].point < p) ++k;
      edit_begin[b] = static_cast<uint32_t>(k);
    }
    edit_begin[nb] = static_cast<uint32_t>(ra.edits.size());
  }
  size_t emitted_edits = 0;
  for (uint32_t k = 0; k < nb; ++k) {
    const uint32_t b = order.empty() ? k : order[k];
    buf.BindLabel(block_labels[b]);
    const regalloc::BlockData& bd = f.blocks[b];
    if (b == 0) e.Prologue();
    size_t next_edit = edit_begin[b];
    for (uint32_t i = bd.inst_begin; i < bd.inst_end; ++i) {
      if (buf.IslandNeeded(max_inst_bytes)) buf.EmitIsland(max_inst_bytes);
      const uint32_t srcloc = srclocs[i];
      if (srcloc != kNoSrcLoc) buf.StartSrcLoc(srcloc);
      while (next_edit < ra.edits.size() &&
             ra.edits[next_edit].point == regalloc::ProgPoint::Before(i))
        e.EmitEdit(ra.edits[next_edit++]);
      e.EmitInst(i);
      while (next_edit < ra.edits.size() &&
             ra.edits[next_edit].point == regalloc::ProgPoint::After(i))
        e.EmitEdit(ra.edits[next_edit++]);
      if (srcloc != kNoSrcLoc) buf.EndSrcLoc();
    }
    EGRET_CHECK(next_edit == edit_begin[b + 1]);
    emitted_edits += next_edit - edit_begin[b];
  }
  EGRET_CHECK(emitted_edits == ra.edits.size());
}

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_EMIT_LOOP_H_
