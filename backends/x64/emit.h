// emit.h: allocated x64 VCode -> bytes in a MachBuffer.
//
// The walk is the shared emission loop (backends/common/emit_loop.h: block labels, islands,
// source locations, the allocator's edits at their program points); this is x64's InstEmitter:
// it expands each MInst into encoded x64 instructions with the allocated physical registers
// (reading operands through their named slots, minst.h), turns each edit into a move, spill or
// reload, and emits the prologue (frame pointer, callee-saved registers, frame allocation,
// stack-limit check) and, at each return, the epilogue.
//
// Invariants: every trapping instruction gets a trap record at its own offset; branches between
// blocks go through EmitCondBranch/EmitUncondBranch so the MachBuffer can simplify them; internal
// branches of an expansion are plain bytes with label uses (never simplified).
#ifndef EGRET_BACKENDS_X64_EMIT_H_
#define EGRET_BACKENDS_X64_EMIT_H_

#include <cstdint>
#include <vector>

#include "backends/common/target_isa.h"
#include "backends/x64/minst.h"
#include "machbuffer/machbuffer.h"
#include "regalloc/output.h"

namespace egret::x64 {

// Spill slots: without vectors every slot is 8 bytes at [rsp + spill_base + 8*slot] (an xmm slot
// holds one f32/f64, moved with movsd). When the function holds vectors (FrameFacts::
// wide_float_slots), float-class slots are 16 bytes, 16-byte aligned, placed first, and integer
// slots follow at 8 bytes each: slot s is at [rsp + slot_offset[s]].
struct FrameInfo {
  uint32_t num_callee_saved = 0;
  uint32_t frame_bytes = 0;  // below the callee-saved pushes: outgoing area + spill slots
  uint32_t spill_base = 0;   // the first spill slot's offset from rsp
  bool wide_float_slots = false;
  std::vector<uint32_t> slot_offset;  // per slot when wide_float_slots (offset from rsp)
  Gpr callee_saved[5] = {};

  uint32_t SlotOffset(uint32_t slot) const {
    return wide_float_slots ? slot_offset[slot] : spill_base + 8 * slot;
  }
};

FrameInfo ComputeFrame(const VCode& v, const regalloc::Output& ra);

void EmitFunction(const VCode& v, const regalloc::Output& ra, const backend::ModuleContext& module,
                  X64MachBuffer* buf, const backend::EmitOptions& options = {});

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_EMIT_H_
