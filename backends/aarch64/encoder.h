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

// Whether `imm` fits add/sub's immediate (0..4095, or a multiple of 4096 below 2^24).
bool IsAddSubImm(int64_t imm);
// Whether `offset` fits the scaled unsigned offset of an access of 2^size_log2 bytes.
bool IsScaledOffset(int64_t offset, int size_log2);
// Whether `offset` fits the unscaled signed 9-bit offset (ldur/stur).
bool IsUnscaledOffset(int64_t offset);

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_ENCODER_H_
