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
// every block through `e`.
template <class Traits>
void EmitBlocks(const regalloc::Function& f, std::span<const uint32_t> srclocs,
                const regalloc::Output& ra, uint32_t max_inst_bytes, MachBuffer<Traits>& buf,
                std::vector<MachLabel>& block_labels, InstEmitter& e) {
  block_labels.resize(f.num_blocks());
  for (MachLabel& l : block_labels) l = buf.NewLabel();
  size_t next_edit = 0;
  for (uint32_t b = 0; b < f.num_blocks(); ++b) {
    buf.BindLabel(block_labels[b]);
    const regalloc::BlockData& bd = f.blocks[b];
    if (b == 0) e.Prologue();
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
  }
  EGRET_CHECK(next_edit == ra.edits.size());
}

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_EMIT_LOOP_H_
