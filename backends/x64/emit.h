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
