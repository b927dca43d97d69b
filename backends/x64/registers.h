// registers.h: x86-64 physical registers, operand sizes and condition codes.
//
// The encoder, the pretty-printer and (later) the register environment handed to the allocator
// all speak in these types. A register's enumerator value IS its hardware encoding (0..15):
// the low three bits go into ModRM/SIB/opcode, bit 3 into a REX bit. Byte-sized GPR operands
// always mean the low byte (al, cl, ..., spl, bpl, sil, dil, r8b..r15b); the legacy high-byte
// registers (ah, ch, dh, bh) are never used, so encodings 4..7 at byte size need a REX prefix.
#ifndef EGRET_BACKENDS_X64_REGISTERS_H_
#define EGRET_BACKENDS_X64_REGISTERS_H_

#include <cstdint>
#include <string_view>

namespace egret::x64 {

enum class Gpr : uint8_t {
  kRax = 0,
  kRcx,
  kRdx,
  kRbx,
  kRsp,
  kRbp,
  kRsi,
  kRdi,
  kR8,
  kR9,
  kR10,
  kR11,
  kR12,
  kR13,
  kR14,
  kR15,
};
inline constexpr int kNumGprs = 16;

enum class Xmm : uint8_t {
  kXmm0 = 0,
  kXmm1,
  kXmm2,
  kXmm3,
  kXmm4,
  kXmm5,
  kXmm6,
  kXmm7,
  kXmm8,
  kXmm9,
  kXmm10,
  kXmm11,
  kXmm12,
  kXmm13,
  kXmm14,
  kXmm15,
};
inline constexpr int kNumXmms = 16;

constexpr uint8_t Enc(Gpr r) { return static_cast<uint8_t>(r); }
constexpr uint8_t Enc(Xmm r) { return static_cast<uint8_t>(r); }
constexpr Gpr GprFromEnc(unsigned enc) { return static_cast<Gpr>(enc & 15); }
constexpr Xmm XmmFromEnc(unsigned enc) { return static_cast<Xmm>(enc & 15); }

// The width of an integer operation. k8/k16 are used for sub-word loads, stores and compares.
enum class OpSize : uint8_t { k8, k16, k32, k64 };
constexpr int Bits(OpSize s) { return 8 << static_cast<int>(s); }
constexpr int Bytes(OpSize s) { return 1 << static_cast<int>(s); }
// The AT&T mnemonic suffix: b, w, l, q.
char Suffix(OpSize s);

// The width of a scalar floating-point operation.
enum class FpSize : uint8_t { kF32, kF64 };

// `%eax`, `%r9d`, `%sil`, `%r15w`, ... (with the leading %).
std::string_view GprName(Gpr r, OpSize size);
// `%xmm0` .. `%xmm15`.
std::string_view XmmName(Xmm r);

// Condition codes with their hardware encodings (the low nibble of Jcc/SETcc/CMOVcc). Inverting a
// condition flips bit 0, which is why the values must not be reordered.
enum class CondCode : uint8_t {
  kO = 0,    // overflow
  kNo = 1,   // no overflow
  kB = 2,    // below (unsigned <), carry
  kAe = 3,   // above or equal (unsigned >=)
  kE = 4,    // equal, zero
  kNe = 5,   // not equal
  kBe = 6,   // below or equal (unsigned <=)
  kA = 7,    // above (unsigned >)
  kS = 8,    // sign
  kNs = 9,   // no sign
  kP = 10,   // parity (unordered after ucomiss)
  kNp = 11,  // no parity
  kL = 12,   // less (signed <)
  kGe = 13,  // greater or equal (signed >=)
  kLe = 14,  // less or equal (signed <=)
  kG = 15,   // greater (signed >)
};
inline constexpr int kNumCondCodes = 16;

constexpr CondCode Invert(CondCode cc) {
  return static_cast<CondCode>(static_cast<uint8_t>(cc) ^ 1);
}
// The condition that holds after swapping the compared operands (cmp a, b -> cmp b, a).
CondCode Swap(CondCode cc);
// The mnemonic part: "e", "ne", "b", ... as in `je`, `setne`, `cmovbl`.
std::string_view CondCodeName(CondCode cc);

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_REGISTERS_H_
