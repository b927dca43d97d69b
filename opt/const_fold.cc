// const_fold.cc: see const_fold.h.
#include "opt/const_fold.h"

#include <bit>
#include <cmath>

#include "ir/op_semantics.h"
#include "opt/ir_edit.h"

namespace egret::opt {

using ir::FloatCC;
using ir::IntCC;
using ir::Opcode;
using ir::Type;

// The Eval* functions add the folding policy to ir/op_semantics.h's values: no value where the
// operation traps (the trap must stay) or where a float result is a NaN other than from a
// sign-bit operation (the passes do not promise NaN bits).

std::optional<uint64_t> EvalIntBinary(Opcode op, Type t, uint64_t a, uint64_t b) {
  switch (op) {
    case Opcode::kIadd:
    case Opcode::kIsub:
    case Opcode::kImul:
    case Opcode::kUmulhi:
    case Opcode::kSmulhi:
    case Opcode::kUdiv:
    case Opcode::kUrem:
    case Opcode::kSdiv:
    case Opcode::kSrem:
    case Opcode::kBand:
    case Opcode::kBor:
    case Opcode::kBxor:
    case Opcode::kIshl:
    case Opcode::kUshr:
    case Opcode::kSshr:
    case Opcode::kRotl:
    case Opcode::kRotr:
    case Opcode::kIaddImm:
    case Opcode::kImulImm:
    case Opcode::kBandImm:
    case Opcode::kBorImm:
    case Opcode::kBxorImm:
    case Opcode::kIshlImm:
    case Opcode::kUshrImm:
    case Opcode::kSshrImm:
    case Opcode::kRotlImm:
    case Opcode::kRotrImm: {
      const ir::OpResult r = ir::EvalIntBinary(op, t, a, b);
      if (!r.ok()) return std::nullopt;
      return r.bits;
    }
    default:
      return std::nullopt;
  }
}

std::optional<uint64_t> EvalIntUnary(Opcode op, Type t, uint64_t a) {
  switch (op) {
    case Opcode::kClz:
    case Opcode::kCtz:
    case Opcode::kPopcnt:
    case Opcode::kIneg:
    case Opcode::kBnot:
      return ir::EvalIntUnary(op, t, a);
    default:
      return std::nullopt;
  }
}

bool EvalIntCompare(IntCC cc, Type t, uint64_t a, uint64_t b) {
  return ir::EvalIntCompare(cc, t, a, b);
}

uint64_t EvalWidthChange(Opcode op, Type from, Type to, uint64_t a) {
  return ir::EvalWidthChange(op, from, to, a);
}

IntCC InvertIntCC(IntCC cc) {
  switch (cc) {
    case IntCC::kEq:
      return IntCC::kNe;
    case IntCC::kNe:
      return IntCC::kEq;
    case IntCC::kSlt:
      return IntCC::kSge;
    case IntCC::kSle:
      return IntCC::kSgt;
    case IntCC::kSgt:
      return IntCC::kSle;
    case IntCC::kSge:
      return IntCC::kSlt;
    case IntCC::kUlt:
      return IntCC::kUge;
    case IntCC::kUle:
      return IntCC::kUgt;
    case IntCC::kUgt:
      return IntCC::kUle;
    case IntCC::kUge:
      return IntCC::kUlt;
  }
  return cc;
}

IntCC SwapIntCC(IntCC cc) {
  switch (cc) {
    case IntCC::kSlt:
      return IntCC::kSgt;
    case IntCC::kSle:
      return IntCC::kSge;
    case IntCC::kSgt:
      return IntCC::kSlt;
    case IntCC::kSge:
      return IntCC::kSle;
    case IntCC::kUlt:
      return IntCC::kUgt;
    case IntCC::kUle:
      return IntCC::kUge;
    case IntCC::kUgt:
      return IntCC::kUlt;
    case IntCC::kUge:
      return IntCC::kUle;
    default:
      return cc;  // eq, ne
  }
}

std::optional<FloatCC> InvertFloatCC(FloatCC cc) {
  switch (cc) {
    case FloatCC::kEq:
      return FloatCC::kNe;
    case FloatCC::kNe:
      return FloatCC::kEq;
    case FloatCC::kOrd:
      return FloatCC::kUno;
    case FloatCC::kUno:
      return FloatCC::kOrd;
    default:
      return std::nullopt;
  }
}

std::optional<uint64_t> EvalFloatBinary(Opcode op, Type t, uint64_t a, uint64_t b) {
  switch (op) {
    case Opcode::kFcopysign:  // a sign-bit operation: exact on NaNs too
      return ir::EvalFloatBinary(op, t, a, b);
    case Opcode::kFadd:
    case Opcode::kFsub:
    case Opcode::kFmul:
    case Opcode::kFdiv:
    case Opcode::kFmin:
    case Opcode::kFmax: {
      const uint64_t r = ir::EvalFloatBinary(op, t, a, b);
      if (ir::IsNaN(t, r)) return std::nullopt;
      return r;
    }
    default:
      return std::nullopt;
  }
}

std::optional<uint64_t> EvalFloatUnary(Opcode op, Type t, uint64_t a) {
  switch (op) {
    case Opcode::kFneg:  // sign-bit operations: exact on NaNs too
    case Opcode::kFabs:
      return ir::EvalFloatUnary(op, t, a);
    case Opcode::kSqrt:
    case Opcode::kCeil:
    case Opcode::kFloor:
    case Opcode::kTrunc:
    case Opcode::kNearest: {
      const uint64_t r = ir::EvalFloatUnary(op, t, a);
      if (ir::IsNaN(t, r)) return std::nullopt;
      return r;
    }
    default:
      return std::nullopt;
  }
}

bool EvalFloatCompare(FloatCC cc, Type t, uint64_t a, uint64_t b) {
  return ir::EvalFloatCompare(cc, t, a, b);
}

std::optional<uint64_t> EvalConversion(Opcode op, Type from, Type to, uint64_t a) {
  switch (op) {
    case Opcode::kFcvtFromUint:
      // Folded only below 2^63, where the conversion is one correctly rounded signed one on
      // every target; larger values keep the target's own sequence.
      if ((a & LowMask(ir::TypeBits(from))) >> 63) return std::nullopt;
      break;
    case Opcode::kBitcast:
    case Opcode::kFpromote:
    case Opcode::kFdemote:
    case Opcode::kFcvtToSint:
    case Opcode::kFcvtToUint:
    case Opcode::kFcvtToSintSat:
    case Opcode::kFcvtToUintSat:
    case Opcode::kFcvtFromSint:
      break;
    default:
      return std::nullopt;
  }
  const ir::OpResult r = ir::EvalConversion(op, from, to, a);
  if (!r.ok()) return std::nullopt;
  if (op != Opcode::kBitcast && ir::IsFloat(to) && ir::IsNaN(to, r.bits)) return std::nullopt;
  return r.bits;
}

std::optional<ir::V128> EvalVectorOp(ir::Opcode op, ir::Type shape, uint8_t cond, int64_t imm,
                                     const ir::V128& constant, std::span<const ir::V128> args) {
  const ir::V128 r = ir::EvalVector(op, shape, cond, imm, constant, args);
  bool computes_floats = false;
  switch (op) {
    case Opcode::kVfadd:
    case Opcode::kVfsub:
    case Opcode::kVfmul:
    case Opcode::kVfdiv:
    case Opcode::kVfmin:
    case Opcode::kVfmax:
    case Opcode::kVfsqrt:
    case Opcode::kVfceil:
    case Opcode::kVffloor:
    case Opcode::kVftrunc:
    case Opcode::kVfnearest:
    case Opcode::kVdemoteZero:
    case Opcode::kVpromoteLow:
      computes_floats = true;
      break;
    default:
      break;
  }
  if (computes_floats) {
    // The result shape: the op's own for the lanewise ops, f32x4 / f64x2 for demote / promote.
    const ir::Type rt = op == Opcode::kVdemoteZero   ? ir::Type::kF32x4
                        : op == Opcode::kVpromoteLow ? ir::Type::kF64x2
                                                     : shape;
    const ir::Type lane = ir::LaneType(rt);
    for (uint32_t k = 0; k < ir::LaneCount(rt); ++k)
      if (ir::IsNaN(lane, r.Lane(ir::TypeBits(lane), k))) return std::nullopt;
  }
  return r;
}

UnsignedMagic UnsignedDivMagic32(uint32_t d) {
  const uint32_t l = 32 - static_cast<uint32_t>(std::countl_zero(d));  // ceil(log2 d), d not 2^k
  using u128 = unsigned __int128;
  for (uint32_t p = 32; p <= 32 + l; ++p) {
    const u128 two_p = u128{1} << p;
    const u128 m = (two_p - 1) / d + 1;  // ceil(2^p / d)
    const u128 e = m * d - two_p;
    // x * m / 2^p = x / d + x * e / (d * 2^p), and x * e / 2^p < 1 when e <= 2^(p-32): the
    // error stays below 1/d, so the floor is floor(x / d).
    if (e <= (u128{1} << (p - 32)) && m < (u128{1} << 32)) {
      return {static_cast<uint64_t>(m), p, false};
    }
  }
  const uint32_t p = 32 + l;
  const u128 m = ((u128{1} << p) - 1) / d + 1;  // in [2^32, 2^33)
  return {static_cast<uint64_t>(m - (u128{1} << 32)), p, true};
}

std::optional<SignedMagic> SignedDivMagic32(uint32_t d) {
  using u128 = unsigned __int128;
  for (uint32_t p = 32; p <= 62; ++p) {
    const u128 two_p = u128{1} << p;
    const u128 m = (two_p - 1) / d + 1;
    const u128 e = m * d - two_p;
    // |x| <= 2^31: the error x * e / (d * 2^p) stays strictly inside (-1/d, 1/d) when
    // e * 2^31 < 2^p, which makes floor(x * m / 2^p) = floor(x / d) for x >= 0 and
    // floor(x / d) rounded down once more for exact negative quotients; adding 1 for x < 0
    // then gives the quotient truncated toward zero (see const_fold.h).
    if (e > 0 && (e << 31) < two_p && m < (u128{1} << 32)) {
      return SignedMagic{static_cast<uint64_t>(m), p};
    }
  }
  return std::nullopt;
}

namespace {
using u128 = unsigned __int128;
// 2^p - 1 for p in 0..128 (2^128 itself does not fit).
u128 Pow2Minus1(uint32_t p) { return p >= 128 ? ~u128{0} : (u128{1} << p) - 1; }
}  // namespace

UnsignedMagic UnsignedDivMagic64(uint64_t d) {
  const uint32_t l = 64 - static_cast<uint32_t>(std::countl_zero(d));  // ceil(log2 d), d not 2^k
  for (uint32_t p = 64; p <= 64 + l; ++p) {
    const u128 m = Pow2Minus1(p) / d + 1;  // ceil(2^p / d)
    // e = m * d - 2^p, computed modulo 2^128 (the true e is below d).
    const u128 e = m * d - Pow2Minus1(p) - 1;
    // As for 32 bits: x * e / 2^p < 1 for every 64-bit x when e <= 2^(p-64).
    if (e <= (u128{1} << (p - 64)) && (m >> 64) == 0) {
      return {static_cast<uint64_t>(m), p, false};
    }
  }
  const uint32_t p = 64 + l;
  const u128 m = Pow2Minus1(p) / d + 1;  // in [2^64, 2^65)
  return {static_cast<uint64_t>(m - (u128{1} << 64)), p, true};
}

std::optional<SignedMagic> SignedDivMagic64(uint64_t d) {
  for (uint32_t p = 64; p <= 126; ++p) {
    const u128 two_p = u128{1} << p;
    const u128 m = (two_p - 1) / d + 1;
    const u128 e = m * d - two_p;
    // |x| <= 2^63: the error x * e / (d * 2^p) stays inside (-1/d, 1/d) when e * 2^63 < 2^p
    // (the 32-bit argument with 2^63 for 2^31).
    if (e > 0 && (e << 63) < two_p && (m >> 64) == 0) {
      return SignedMagic{static_cast<uint64_t>(m), p};
    }
  }
  return std::nullopt;
}

DivisibilityTest UnsignedDivisibility(uint64_t d, uint32_t bits) {
  const uint64_t mask = LowMask(bits);
  const uint32_t shift = static_cast<uint32_t>(std::countr_zero(d));
  const uint64_t d0 = d >> shift;
  // Newton's iteration for the inverse modulo 2^64: d0 * d0 = 1 (mod 8) for odd d0, so d0 is
  // its own inverse to 3 bits, and each step doubles the bits that are right (3, 6, ..., 96).
  uint64_t inverse = d0;
  for (int k = 0; k < 5; ++k) inverse *= 2 - d0 * inverse;
  return {inverse & mask, shift, mask / d, 0};
}

DivisibilityTest SignedDivisibility(uint64_t d, uint32_t bits) {
  DivisibilityTest t = UnsignedDivisibility(d, bits);
  const uint64_t a = ((uint64_t{1} << (bits - t.shift - 1)) - 1) / (d >> t.shift);
  t.limit = 2 * a;
  t.addend = a << t.shift;
  return t;
}

}  // namespace egret::opt
