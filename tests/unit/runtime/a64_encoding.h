// a64_encoding.h: the few A64 instructions the runtime tests hand-assemble, as 32-bit words.
//
// The runtime's machine-level tests (traps, backtraces, code memory, the VMContext contract)
// run hand-written code so that they do not depend on a code generator. On x86-64 they write
// bytes; on aarch64 they write these words. Each function encodes one instruction form and
// checks its operands (register numbers, offset range and alignment); a64_encoding_test.cc
// compares every form with the output of GNU as (aarch64-linux-gnu-as), on every host.
//
// Registers are numbers 0-30; 31 means sp where an instruction takes sp (add/ldr/str bases) and
// xzr/wzr elsewhere. Branch offsets are in bytes, relative to the branch instruction itself.
#ifndef EGRET_TESTS_UNIT_RUNTIME_A64_ENCODING_H_
#define EGRET_TESTS_UNIT_RUNTIME_A64_ENCODING_H_

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "support/error.h"

namespace egret::runtime::testing::a64 {

inline constexpr uint32_t kFp = 29;  // x29, the frame pointer
inline constexpr uint32_t kLr = 30;  // x30, the link register
inline constexpr uint32_t kSp = 31;  // sp as a base or add operand

enum class Cond : uint32_t { kLo = 3, kGt = 12, kLe = 13 };

namespace internal {
inline uint32_t Reg(uint32_t r) {
  EGRET_CHECK(r <= 31);
  return r;
}
// A scaled unsigned 12-bit offset (ldr/str immediate forms).
inline uint32_t Scaled12(uint32_t byte_offset, uint32_t size) {
  EGRET_CHECK(byte_offset % size == 0 && byte_offset / size < 4096);
  return byte_offset / size;
}
// A signed word offset of `bits` bits (branches, literal loads).
inline uint32_t Rel(int64_t byte_offset, int bits) {
  EGRET_CHECK(byte_offset % 4 == 0);
  const int64_t words = byte_offset / 4;
  EGRET_CHECK(words >= -(int64_t{1} << (bits - 1)) && words < (int64_t{1} << (bits - 1)));
  return uint32_t(words) & ((uint32_t{1} << bits) - 1);
}
}  // namespace internal

inline uint32_t Ret() { return 0xD65F03C0; }
inline uint32_t Udf(uint32_t imm16) {  // permanently undefined: SIGILL
  EGRET_CHECK(imm16 < 0x10000);
  return imm16;
}
inline uint32_t Brk(uint32_t imm16) {  // breakpoint: SIGTRAP
  EGRET_CHECK(imm16 < 0x10000);
  return 0xD4200000 | imm16 << 5;
}
// The frame record: stp x29, x30, [sp, #-16]!; mov x29, sp ... ldp x29, x30, [sp], #16.
inline uint32_t PushFrameRecord() { return 0xA9BF7BFD; }
inline uint32_t MovFpSp() { return 0x910003FD; }
inline uint32_t PopFrameRecord() { return 0xA8C17BFD; }

// add xd, xn|sp, #imm12 (mov xd, sp is add xd, sp, #0).
inline uint32_t AddImm64(uint32_t rd, uint32_t rn, uint32_t imm12) {
  EGRET_CHECK(imm12 < 4096);
  return 0x91000000 | imm12 << 10 | internal::Reg(rn) << 5 | internal::Reg(rd);
}
// adds xd, xn, #imm12 (sets the flags).
inline uint32_t AddsImm64(uint32_t rd, uint32_t rn, uint32_t imm12) {
  EGRET_CHECK(imm12 < 4096);
  return 0xB1000000 | imm12 << 10 | internal::Reg(rn) << 5 | internal::Reg(rd);
}
inline uint32_t AddReg32(uint32_t rd, uint32_t rn, uint32_t rm) {
  return 0x0B000000 | internal::Reg(rm) << 16 | internal::Reg(rn) << 5 | internal::Reg(rd);
}
// cmp xn, xm (subs xzr, xn, xm).
inline uint32_t CmpReg64(uint32_t rn, uint32_t rm) {
  return 0xEB00001F | internal::Reg(rm) << 16 | internal::Reg(rn) << 5;
}
inline uint32_t MovzW(uint32_t rd, uint32_t imm16) {
  EGRET_CHECK(imm16 < 0x10000);
  return 0x52800000 | imm16 << 5 | internal::Reg(rd);
}
inline uint32_t SdivW(uint32_t rd, uint32_t rn, uint32_t rm) {
  return 0x1AC00C00 | internal::Reg(rm) << 16 | internal::Reg(rn) << 5 | internal::Reg(rd);
}

// ldr/str wt|xt, [xn|sp, #byte_offset] (unsigned, scaled by the access size).
inline uint32_t LdrW(uint32_t rt, uint32_t rn, uint32_t byte_offset) {
  return 0xB9400000 | internal::Scaled12(byte_offset, 4) << 10 | internal::Reg(rn) << 5 |
         internal::Reg(rt);
}
inline uint32_t LdrX(uint32_t rt, uint32_t rn, uint32_t byte_offset) {
  return 0xF9400000 | internal::Scaled12(byte_offset, 8) << 10 | internal::Reg(rn) << 5 |
         internal::Reg(rt);
}
inline uint32_t StrW(uint32_t rt, uint32_t rn, uint32_t byte_offset) {
  return 0xB9000000 | internal::Scaled12(byte_offset, 4) << 10 | internal::Reg(rn) << 5 |
         internal::Reg(rt);
}
inline uint32_t StrX(uint32_t rt, uint32_t rn, uint32_t byte_offset) {
  return 0xF9000000 | internal::Scaled12(byte_offset, 8) << 10 | internal::Reg(rn) << 5 |
         internal::Reg(rt);
}
// ldr wt, [xn, xm] (register offset, no shift).
inline uint32_t LdrWReg(uint32_t rt, uint32_t rn, uint32_t rm) {
  return 0xB8606800 | internal::Reg(rm) << 16 | internal::Reg(rn) << 5 | internal::Reg(rt);
}
// ldr xt, <pc + byte_offset> (a literal load, ±1 MiB).
inline uint32_t LdrXLiteral(uint32_t rt, int64_t byte_offset) {
  return 0x58000000 | internal::Rel(byte_offset, 19) << 5 | internal::Reg(rt);
}

inline uint32_t Bl(int64_t byte_offset) { return 0x94000000 | internal::Rel(byte_offset, 26); }
inline uint32_t BCond(Cond c, int64_t byte_offset) {
  return 0x54000000 | internal::Rel(byte_offset, 19) << 5 | uint32_t(c);
}
inline uint32_t CbzW(uint32_t rt, int64_t byte_offset) {
  return 0x34000000 | internal::Rel(byte_offset, 19) << 5 | internal::Reg(rt);
}
inline uint32_t Br(uint32_t rn) { return 0xD61F0000 | internal::Reg(rn) << 5; }
inline uint32_t Blr(uint32_t rn) { return 0xD63F0000 | internal::Reg(rn) << 5; }

// Instruction words to little-endian bytes, the artifact's text order.
inline std::vector<uint8_t> Bytes(std::initializer_list<uint32_t> words) {
  std::vector<uint8_t> out;
  out.reserve(words.size() * 4);
  for (uint32_t w : words)
    for (int i = 0; i < 4; ++i) out.push_back(uint8_t(w >> (8 * i)));
  return out;
}

}  // namespace egret::runtime::testing::a64

#endif  // EGRET_TESTS_UNIT_RUNTIME_A64_ENCODING_H_
