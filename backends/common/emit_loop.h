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
//   - the bytes of instruction i (with its edits) carry srclocs[i] unless it is kNoSrcLoc;
//   - with tail duplication (dispatch_copies.h), a block P with `copy_of[P] = D` emits its
//     instructions and edits up to its jump, then D's instructions and edits (each with its
//     own source location and island check) in place of the jump; D is still emitted at its
//     own place for its other predecessors.
#ifndef EGRET_BACKENDS_COMMON_EMIT_LOOP_H_
#define EGRET_BACKENDS_COMMON_EMIT_LOOP_H_

#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "backends/common/dispatch_copies.h"
#include "backends/common/vcode.h"
#include "machbuffer/machbuffer.h"
#include "regalloc/function.h"
#include "regalloc/output.h"
#include "support/error.h"

namespace egret::backend {

class InstEmitter {
 public:
  virtual ~InstEmitter() = default;
  // Block b's instructions follow (called after its label is bound, before the prologue of the
  // entry block, and before the instructions of a dispatch copy of b): until the next call,
  // every instruction emitted is b's.
  virtual void BeginBlock(uint32_t /*b*/) {}
  // The frame setup, emitted at the start of the entry block.
  virtual void Prologue() = 0;
  // Instruction i with its allocated registers.
  virtual void EmitInst(uint32_t i) = 0;
  // One allocator edit (register/register move, spill, reload, or rematerialization: the
  // defining instruction of a rematerializable vreg into a register, leaving the flags alone).
  virtual void EmitEdit(const regalloc::Edit& edit) = 0;
  // Tail duplication (dispatch_copies.h): what instruction i is to it. The default copies
  // nothing; a target answers for the kinds whose emission depends on nothing but the
  // instruction and its allocation (a copy is emitted by EmitInst(i) again, elsewhere).
  virtual CopyInfo CopyInfoOf(uint32_t /*i*/) const { return {}; }
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

// Emits instructions [begin, end), each with its edits (ra.edits from `next_edit` on, which
// advances past them), its source location and the island check before it: the body of
// EmitBlocks' loop, and of a dispatch copy.
template <class Traits, class Emitter>
[[gnu::always_inline]] inline void EmitInsts(std::span<const uint32_t> srclocs,
                                             const regalloc::Output& ra, uint32_t max_inst_bytes,
                                             MachBuffer<Traits>& buf, Emitter& e, uint32_t begin,
                                             uint32_t end, size_t& next_edit) {
  // The edits in locals: the target's calls cannot change them (ra is const), but the compiler
  // would read ra.edits again after each one. next_point: the program point of edit k, or
  // UINT32_MAX when none is left (no instruction's point reaches it).
  const regalloc::Edit* const edits = ra.edits.data();
  const size_t num_edits = ra.edits.size();
  size_t k = next_edit;
  auto point_of = [&](size_t j) { return j < num_edits ? edits[j].point.bits() : UINT32_MAX; };
  uint32_t next_point = point_of(k);
  for (uint32_t i = begin; i < end; ++i) {
    if (buf.IslandNeeded(max_inst_bytes)) buf.EmitIsland(max_inst_bytes);
    const uint32_t srcloc = srclocs[i];
    if (srcloc != kNoSrcLoc) buf.StartSrcLoc(srcloc);
    const uint32_t before = regalloc::ProgPoint::Before(i).bits();
    if (next_point == before) {
      do e.EmitEdit(edits[k++]);
      while ((next_point = point_of(k)) == before);
    }
    e.EmitInst(i);
    const uint32_t after = regalloc::ProgPoint::After(i).bits();
    if (next_point == after) {
      do e.EmitEdit(edits[k++]);
      while ((next_point = point_of(k)) == after);
    }
    if (srcloc != kNoSrcLoc) buf.EndSrcLoc();
  }
  next_edit = k;
}

// Out of EmitBlocks' loop (rarely taken): the edits of jump `jump` from ra.edits[next_edit] on
// (the jump itself is left out), then a copy of block `d`, whose edits start at `d_edit`, with
// its source locations and island checks (all of d's edits, up to `d_edit_end`). Returns the
// index after the jump's edits.
template <class Traits, class Emitter>
[[gnu::noinline]] size_t EmitDispatchCopy(const regalloc::Function& f,
                                          std::span<const uint32_t> srclocs,
                                          const regalloc::Output& ra, uint32_t max_inst_bytes,
                                          MachBuffer<Traits>& buf, Emitter& e, uint32_t jump,
                                          size_t next_edit, uint32_t d, size_t d_edit,
                                          size_t d_edit_end) {
  auto edits_at = [&](size_t& k, regalloc::ProgPoint p) {
    while (k < ra.edits.size() && ra.edits[k].point == p) e.EmitEdit(ra.edits[k++]);
  };
  if (buf.IslandNeeded(max_inst_bytes)) buf.EmitIsland(max_inst_bytes);
  if (srclocs[jump] != kNoSrcLoc) buf.StartSrcLoc(srclocs[jump]);
  edits_at(next_edit, regalloc::ProgPoint::Before(jump));
  edits_at(next_edit, regalloc::ProgPoint::After(jump));
  if (srclocs[jump] != kNoSrcLoc) buf.EndSrcLoc();
  const regalloc::BlockData& bd = f.blocks[d];
  e.BeginBlock(d);
  EmitInsts(srclocs, ra, max_inst_bytes, buf, e, bd.inst_begin, bd.inst_end, d_edit);
  EGRET_CHECK(d_edit == d_edit_end);
  return next_edit;
}

// Creates one label per block in `block_labels` (which the target's branches use), then emits
// every block through `e`, in `order` (a permutation of the blocks with the entry first, e.g.
// EmitOrder::order; empty: layout order). Branches name their targets, so any order is correct.
// With `copies` (and `next`, the block emitted after each, EmitOrder::next), dispatch blocks
// are copied in place of the jumps to them (dispatch_copies.h; `copies` is filled).
//
// With `align_top` (by block, e.g. EmitOrder::loop_top) and `align` > 1, each block marked
// there starts on a multiple of `align` (MachBuffer::BindLabelAligned: nops before it).
//
// `Emitter` is the target's InstEmitter itself (a final class), so the calls into it are direct.
template <class Traits, class Emitter>
void EmitBlocks(const regalloc::Function& f, std::span<const uint32_t> srclocs,
                const regalloc::Output& ra, uint32_t max_inst_bytes, MachBuffer<Traits>& buf,
                std::vector<MachLabel>& block_labels, Emitter& e,
                std::span<const uint32_t> order = {}, std::span<const uint32_t> next = {},
                DispatchCopies* copies = nullptr, std::span<const uint8_t> align_top = {},
                uint32_t align = 0) {
  static_assert(std::is_base_of_v<InstEmitter, Emitter>);
  const uint32_t nb = f.num_blocks();
  EGRET_CHECK(order.empty() || (order.size() == nb && order[0] == 0));
  EGRET_CHECK(copies == nullptr || next.size() == nb);
  block_labels.resize(nb);
  const uint32_t first_label = buf.NewLabels(nb).index;
  for (uint32_t b = 0; b < nb; ++b) block_labels[b] = MachLabel(first_label + b);
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
  std::span<const uint32_t> copy_of;
  if (copies != nullptr) {
    copies->Compute(
        f, ra, edit_begin, order, next,
        [](const void* ctx, uint32_t i) {
          return static_cast<const InstEmitter*>(ctx)->CopyInfoOf(i);
        },
        &e);
    copy_of = copies->copy_of;
  }
  EGRET_CHECK(align_top.empty() || align_top.size() == nb);
  if (align <= 1) align_top = {};
  size_t emitted_edits = 0;
  for (uint32_t k = 0; k < nb; ++k) {
    const uint32_t b = order.empty() ? k : order[k];
    if (!align_top.empty() && align_top[b])
      buf.BindLabelAligned(block_labels[b], align);
    else
      buf.BindLabel(block_labels[b]);
    const regalloc::BlockData& bd = f.blocks[b];
    e.BeginBlock(b);
    if (b == 0) e.Prologue();
    // With a copy, the block's jump is left out (its edits stay) and the copy follows.
    const uint32_t copy = copy_of.empty() ? DispatchCopies::kNone : copy_of[b];
    const uint32_t end = copy == DispatchCopies::kNone ? bd.inst_end : bd.inst_end - 1;
    size_t next_edit = edit_begin[b];
    EmitInsts(srclocs, ra, max_inst_bytes, buf, e, bd.inst_begin, end, next_edit);
    if (copy != DispatchCopies::kNone)
      next_edit = EmitDispatchCopy(f, srclocs, ra, max_inst_bytes, buf, e, bd.inst_end - 1,
                                   next_edit, copy, edit_begin[copy], edit_begin[copy + 1]);
    EGRET_CHECK(next_edit == edit_begin[b + 1]);
    emitted_edits += next_edit - edit_begin[b];
  }
  EGRET_CHECK(emitted_edits == ra.edits.size());
}

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_EMIT_LOOP_H_
