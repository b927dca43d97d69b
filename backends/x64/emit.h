// emit.h: allocated x64 VCode -> bytes in a MachBuffer.
//
// Emission walks the VCode in layout order, binds a MachBuffer label at each block, inserts the
// allocator's edits (moves, spills, reloads) at their program points, and expands each MInst into
// encoded x64 instructions with the allocated physical registers. It also emits the prologue
// (frame pointer, callee-saved registers, frame allocation, stack-limit check) and, at each
// return, the epilogue.
//
// Invariants: every trapping instruction gets a trap record at its own offset; branches between
// blocks go through EmitCondBranch/EmitUncondBranch so the MachBuffer can simplify them; internal
// branches of an expansion are plain bytes with label uses (never simplified).
#ifndef EGRET_BACKENDS_X64_EMIT_H_
#define EGRET_BACKENDS_X64_EMIT_H_

#include "backends/common/target_isa.h"
#include "backends/x64/minst.h"
#include "machbuffer/machbuffer.h"
#include "regalloc/output.h"

namespace egret::x64 {

struct FrameInfo {
  uint32_t num_callee_saved = 0;
  uint32_t frame_bytes = 0;  // below the callee-saved pushes: outgoing area + spill slots
  uint32_t spill_base = 0;   // [rsp + spill_base + 8*slot]
  Gpr callee_saved[5] = {};
};

FrameInfo ComputeFrame(const VCode& v, const regalloc::Output& ra);

void EmitFunction(const VCode& v, const regalloc::Output& ra, const backend::ModuleContext& module,
                  X64MachBuffer* buf);

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_EMIT_H_
