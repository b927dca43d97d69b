// encoder.h: AArch64 instructions to their 32-bit words.
//
// Every instruction is one little-endian word. Encode checks the operands it is given (slot
// kinds, immediate ranges and alignment) with EGRET_CHECK: an unencodable instruction is a
// lowering bug, never silently truncated. Label forms encode `imm` as their displacement; a
// MachBuffer label use patches the field later (machbuffer/label_use_aarch64.h).
#ifndef EGRET_BACKENDS_AARCH64_ENCODER_H_
#define EGRET_BACKENDS_AARCH64_ENCODER_H_

#include <cstdint>

#include "backends/aarch64/inst.h"

namespace egret::aarch64 {

uint32_t Encode(const Inst& inst);

// (Inline: the emitter and encoder_fast.h ask them of most instructions.)
// Whether `imm` fits add/sub's immediate (0..4095, or a multiple of 4096 below 2^24).
inline bool IsAddSubImm(int64_t imm) {
  return (imm >= 0 && imm <= 4095) || ((imm & 0xfff) == 0 && imm > 0 && imm < (1 << 24));
}
// Whether `offset` fits the scaled unsigned offset of an access of 2^size_log2 bytes.
inline bool IsScaledOffset(int64_t offset, int size_log2) {
  return offset >= 0 && (offset & ((1 << size_log2) - 1)) == 0 && (offset >> size_log2) <= 4095;
}
// Whether `offset` fits the unscaled signed 9-bit offset (ldur/stur).
inline bool IsUnscaledOffset(int64_t offset) { return offset >= -256 && offset <= 255; }

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_ENCODER_H_
