// registers.h: the AArch64 register files as the backend names them.
//
// General registers x0-x30 plus the two meanings of encoding 31: the stack pointer (only in
// operand slots that accept it) and the zero register. Gpr keeps them apart (kSp = 31, kZr = 32)
// so the encoder can check that each slot gets a register it can hold; both encode as 31.
// Float/SIMD registers v0-v31 are used as their scalar views (s for f32, d for f64).
//
// Roles in egret's convention (docs/aarch64.md): x29 frame pointer, x30 link register, x16/x17
// (IP0/IP1) emission temporaries that the MachBuffer's far veneers may also clobber, x18 never
// touched (platform register), x15 and v31 the allocator's scratch, v30 an emission temporary.
#ifndef EGRET_BACKENDS_AARCH64_REGISTERS_H_
#define EGRET_BACKENDS_AARCH64_REGISTERS_H_

#include <cstdint>
#include <string>

namespace egret::aarch64 {

enum class Gpr : uint8_t {
  kX0,
  kX1,
  kX2,
  kX3,
  kX4,
  kX5,
  kX6,
  kX7,
  kX8,
  kX9,
  kX10,
  kX11,
  kX12,
  kX13,
  kX14,
  kX15,
  kX16,
  kX17,
  kX18,
  kX19,
  kX20,
  kX21,
  kX22,
  kX23,
  kX24,
  kX25,
  kX26,
  kX27,
  kX28,
  kX29,
  kX30,
  kSp = 31,  // encoding 31 in slots that take the stack pointer
  kZr = 32,  // encoding 31 in slots that take the zero register
};
enum class Fpr : uint8_t {
  kV0,
  kV1,
  kV2,
  kV3,
  kV4,
  kV5,
  kV6,
  kV7,
  kV8,
  kV9,
  kV10,
  kV11,
  kV12,
  kV13,
  kV14,
  kV15,
  kV16,
  kV17,
  kV18,
  kV19,
  kV20,
  kV21,
  kV22,
  kV23,
  kV24,
  kV25,
  kV26,
  kV27,
  kV28,
  kV29,
  kV30,
  kV31,
};

inline constexpr Gpr kFp = Gpr::kX29;
inline constexpr Gpr kLr = Gpr::kX30;
inline constexpr Gpr kTmp0 = Gpr::kX16;       // IP0: emission temporary
inline constexpr Gpr kTmp1 = Gpr::kX17;       // IP1: emission temporary
inline constexpr Gpr kScratch = Gpr::kX15;    // allocator scratch
inline constexpr Fpr kFpTmp = Fpr::kV30;      // emission temporary
inline constexpr Fpr kFpScratch = Fpr::kV31;  // allocator scratch

// The 5-bit field value.
inline constexpr uint32_t Enc(Gpr r) { return r == Gpr::kZr ? 31 : static_cast<uint32_t>(r); }
inline constexpr uint32_t Enc(Fpr r) { return static_cast<uint32_t>(r); }
inline constexpr Gpr GprFromEnc(uint32_t e) { return static_cast<Gpr>(e); }
inline constexpr Fpr FprFromEnc(uint32_t e) { return static_cast<Fpr>(e); }

// "x3"/"w3", "sp"/"wsp", "xzr"/"wzr".
std::string GprName(Gpr r, bool is64);
// "d3" (f64) or "s3" (f32).
std::string FprName(Fpr r, bool f64);

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_REGISTERS_H_
