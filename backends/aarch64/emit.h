// emit.h: allocated AArch64 VCode -> words in a MachBuffer.
//
// The walk is the shared emission loop (backends/common/emit_loop.h: block labels, islands,
// source locations, the allocator's edits at their program points); this is aarch64's
// InstEmitter: it expands each MInst into encoded instructions with the allocated registers
// (read through the named operand slots, minst.h), turns each edit into a move, spill or reload,
// and emits the prologue (frame record, callee-saved pairs, frame allocation, stack-limit check)
// and, at each return, the epilogue.
//
// Invariants: every trapping instruction (udf, and heap accesses that may fault) has a trap
// record at its own offset; branches between blocks go through EmitCondBranch/EmitUncondBranch
// so the MachBuffer can simplify them and give them islands and veneers (b.cond/cbz/cbnz:
// Branch19, tbz/tbnz: Branch14, b: Branch26); an expansion's internal branches are plain words
// with a fixed displacement or a label use; x16/x17/v30 hold nothing across an MInst.
#ifndef EGRET_BACKENDS_AARCH64_EMIT_H_
#define EGRET_BACKENDS_AARCH64_EMIT_H_

#include <vector>

#include "backends/aarch64/minst.h"
#include "backends/common/target_isa.h"
#include "machbuffer/machbuffer.h"
#include "regalloc/output.h"

namespace egret::aarch64 {

// Spill slots: without vectors every slot is 8 bytes at [sp + spill_base + 8*slot]. When the
// function holds vectors (FrameFacts::wide_float_slots), float-class slots are 16 bytes, 16-byte
// aligned, placed first, spilled and reloaded with str q / ldr q, and integer slots follow at 8
// bytes each: slot s is at [sp + slot_offset[s]].
struct FrameInfo {
  std::vector<Gpr> gpr_pairs;  // saved with stp in pairs (even length; xzr pads)
  std::vector<Fpr> fpr_pairs;  // even length
  uint32_t frame_bytes = 0;    // below the saved pairs: outgoing area + spill slots (16-aligned)
  uint32_t spill_base = 0;     // the first spill slot's offset from sp
  bool wide_float_slots = false;
  std::vector<uint32_t> slot_offset;  // per slot when wide_float_slots (offset from sp)
  uint32_t SlotOffset(uint32_t slot) const {
    return wide_float_slots ? slot_offset[slot] : spill_base + 8 * slot;
  }
};

FrameInfo ComputeFrame(const VCode& v, const regalloc::Output& ra);

void EmitFunction(const VCode& v, const regalloc::Output& ra, const backend::ModuleContext& module,
                  A64MachBuffer* buf, const backend::EmitOptions& options = {});

// Loads the 64-bit (or 32-bit) constant into `d` with movz/movn/movk or orr #bitmask.
void EmitMovImm(A64MachBuffer& buf, Gpr d, uint64_t value, bool is64);

// An 8-byte slot at [base + off] <-> register `reg` (ints: x; floats: d, or s when !f64); far
// offsets go through x16.
void EmitSlotAccess(A64MachBuffer& buf, bool load, bool fp, bool f64, uint8_t reg, Gpr base,
                    int64_t off);
// A 16-byte slot at [base + off] <-> vector register `reg` (ldr/str q); far offsets through x16.
void EmitQAccess(A64MachBuffer& buf, bool load, uint8_t reg, Gpr base, int64_t off);
// mov vd.16b, vn.16b: a full-width vector register move.
Inst VMov(Fpr d, Fpr n);

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_EMIT_H_
