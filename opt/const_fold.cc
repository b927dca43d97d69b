// const_fold.cc: see const_fold.h.
#include "opt/const_fold.h"

#include <bit>
#include <cmath>

#include "opt/ir_edit.h"

namespace egret::opt {

using ir::FloatCC;
using ir::IntCC;
using ir::Opcode;
using ir::Type;

std::optional<uint64_t> EvalIntBinary(Opcode op, Type t, uint64_t a, uint64_t b) {
  const uint32_t n = ir::TypeBits(t);
  const uint64_t m = LowMask(n);
  a &= m;
  b &= m;
  const int64_t sa = SignExtend(a, n), sb = SignExtend(b, n);
  const uint32_t s = static_cast<uint32_t>(b & (n - 1));
  const int64_t int_min = SignExtend(uint64_t{1} << (n - 1), n);
  switch (op) {
    case Opcode::kIadd:
    case Opcode::kIaddImm:
      return (a + b) & m;
    case Opcode::kIsub:
      return (a - b) & m;
    case Opcode::kImul:
    case Opcode::kImulImm:
      return (a * b) & m;
    case Opcode::kUdiv:
      if (b == 0) return std::nullopt;
      return a / b;
    case Opcode::kUrem:
      if (b == 0) return std::nullopt;
      return a % b;
    case Opcode::kSdiv:
      if (b == 0 || (sa == int_min && sb == -1)) return std::nullopt;
      return static_cast<uint64_t>(sa / sb) & m;
    case Opcode::kSrem:
      if (b == 0) return std::nullopt;
      if (sb == -1) return 0;
      return static_cast<uint64_t>(sa % sb) & m;
    case Opcode::kBand:
    case Opcode::kBandImm:
      return a & b;
    case Opcode::kBor:
    case Opcode::kBorImm:
      return a | b;
    case Opcode::kBxor:
    case Opcode::kBxorImm:
      return a ^ b;
    case Opcode::kIshl:
    case Opcode::kIshlImm:
      return (a << s) & m;
    case Opcode::kUshr:
    case Opcode::kUshrImm:
      return a >> s;
    case Opcode::kSshr:
    case Opcode::kSshrImm:
      return static_cast<uint64_t>(sa >> s) & m;
    case Opcode::kRotl:
    case Opcode::kRotlImm:
      return s == 0 ? a : ((a << s) | (a >> (n - s))) & m;
    case Opcode::kRotr:
    case Opcode::kRotrImm:
      return s == 0 ? a : ((a >> s) | (a << (n - s))) & m;
    default:
      return std::nullopt;
  }
}

std::optional<uint64_t> EvalIntUnary(Opcode op, Type t, uint64_t a) {
  const uint32_t n = ir::TypeBits(t);
  const uint64_t m = LowMask(n);
  a &= m;
  switch (op) {
    case Opcode::kClz:
      return static_cast<uint64_t>(std::countl_zero(a) - (64 - n));
    case Opcode::kCtz:
      return a == 0 ? n : static_cast<uint64_t>(std::countr_zero(a));
    case Opcode::kPopcnt:
      return static_cast<uint64_t>(std::popcount(a));
    case Opcode::kIneg:
      return (0 - a) & m;
    case Opcode::kBnot:
      return ~a & m;
    default:
      return std::nullopt;
  }
}

bool EvalIntCompare(IntCC cc, Type t, uint64_t a, uint64_t b) {
  const uint32_t n = ir::TypeBits(t);
  a &= LowMask(n);
  b &= LowMask(n);
  const int64_t sa = SignExtend(a, n), sb = SignExtend(b, n);
  switch (cc) {
    case IntCC::kEq:
      return a == b;
    case IntCC::kNe:
      return a != b;
    case IntCC::kSlt:
      return sa < sb;
    case IntCC::kSle:
      return sa <= sb;
    case IntCC::kSgt:
      return sa > sb;
    case IntCC::kSge:
      return sa >= sb;
    case IntCC::kUlt:
      return a < b;
    case IntCC::kUle:
      return a <= b;
    case IntCC::kUgt:
      return a > b;
    case IntCC::kUge:
      return a >= b;
  }
  return false;
}

uint64_t EvalWidthChange(Opcode op, Type from, Type to, uint64_t a) {
  const uint32_t nf = ir::TypeBits(from), nt = ir::TypeBits(to);
  switch (op) {
    case Opcode::kUextend:
      return a & LowMask(nf);
    case Opcode::kSextend:
      return static_cast<uint64_t>(SignExtend(a, nf)) & LowMask(nt);
    default:  // ireduce
      return a & LowMask(nt);
  }
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

namespace {

// Float values as doubles or floats, by type, with their bit patterns.
template <class F>
F FromBits(uint64_t bits) {
  if constexpr (sizeof(F) == 4) {
    return std::bit_cast<float>(static_cast<uint32_t>(bits));
  } else {
    return std::bit_cast<double>(bits);
  }
}
template <class F>
uint64_t ToBits(F v) {
  if constexpr (sizeof(F) == 4) {
    return std::bit_cast<uint32_t>(v);
  } else {
    return std::bit_cast<uint64_t>(v);
  }
}
template <class F>
std::optional<uint64_t> NonNan(F v) {
  if (std::isnan(v)) return std::nullopt;
  return ToBits(v);
}

template <class F>
std::optional<uint64_t> FloatBinary(Opcode op, uint64_t ab, uint64_t bb) {
  const F a = FromBits<F>(ab), b = FromBits<F>(bb);
  const uint64_t sign = sizeof(F) == 4 ? uint64_t{1} << 31 : uint64_t{1} << 63;
  switch (op) {
    case Opcode::kFadd:
      return NonNan<F>(a + b);
    case Opcode::kFsub:
      return NonNan<F>(a - b);
    case Opcode::kFmul:
      return NonNan<F>(a * b);
    case Opcode::kFdiv:
      return NonNan<F>(a / b);
    case Opcode::kFmin:
    case Opcode::kFmax: {
      if (std::isnan(a) || std::isnan(b)) return std::nullopt;
      const bool min = op == Opcode::kFmin;
      if (a == b) {  // equal, or +0 and -0: decide by the sign bit
        const bool a_neg = (ab & sign) != 0;
        return (a_neg == min) ? ab : bb;
      }
      return (a < b) == min ? ab : bb;
    }
    case Opcode::kFcopysign:
      return (ab & ~sign) | (bb & sign);
    default:
      return std::nullopt;
  }
}

template <class F>
std::optional<uint64_t> FloatUnary(Opcode op, uint64_t ab) {
  const F a = FromBits<F>(ab);
  const uint64_t sign = sizeof(F) == 4 ? uint64_t{1} << 31 : uint64_t{1} << 63;
  switch (op) {
    case Opcode::kFneg:
      return ab ^ sign;
    case Opcode::kFabs:
      return ab & ~sign;
    case Opcode::kSqrt:
      return NonNan<F>(std::sqrt(a));
    case Opcode::kCeil:
      return NonNan<F>(std::ceil(a));
    case Opcode::kFloor:
      return NonNan<F>(std::floor(a));
    case Opcode::kTrunc:
      return NonNan<F>(std::trunc(a));
    case Opcode::kNearest:
      return NonNan<F>(std::nearbyint(a));
    default:
      return std::nullopt;
  }
}

template <class F>
bool FloatCompare(FloatCC cc, uint64_t ab, uint64_t bb) {
  const F a = FromBits<F>(ab), b = FromBits<F>(bb);
  const bool uno = std::isnan(a) || std::isnan(b);
  switch (cc) {
    case FloatCC::kEq:
      return a == b;
    case FloatCC::kNe:
      return a != b;
    case FloatCC::kLt:
      return a < b;
    case FloatCC::kLe:
      return a <= b;
    case FloatCC::kGt:
      return a > b;
    case FloatCC::kGe:
      return a >= b;
    case FloatCC::kOrd:
      return !uno;
    case FloatCC::kUno:
      return uno;
  }
  return false;
}

// Float (as double, exact for f32 too) to integer: truncation toward zero, with the trapping
// forms failing (nullopt) on NaN and out-of-range values and the saturating ones clamping.
std::optional<uint64_t> FloatToInt(double x, Type to, bool is_signed, bool saturating) {
  const uint32_t n = ir::TypeBits(to);
  if (std::isnan(x)) return saturating ? std::optional<uint64_t>(0) : std::nullopt;
  const double t = std::trunc(x);
  if (is_signed) {
    const double lo = -std::ldexp(1.0, static_cast<int>(n) - 1);
    const double hi = std::ldexp(1.0, static_cast<int>(n) - 1);
    if (t < lo)
      return saturating ? std::optional<uint64_t>((uint64_t{1} << (n - 1))) : std::nullopt;
    if (t >= hi) return saturating ? std::optional<uint64_t>(LowMask(n - 1)) : std::nullopt;
    return static_cast<uint64_t>(static_cast<int64_t>(t)) & LowMask(n);
  }
  const double hi = std::ldexp(1.0, static_cast<int>(n));
  if (t < 0 && t != 0) return saturating ? std::optional<uint64_t>(0) : std::nullopt;
  if (t >= hi) return saturating ? std::optional<uint64_t>(LowMask(n)) : std::nullopt;
  return static_cast<uint64_t>(t);
}

}  // namespace

std::optional<uint64_t> EvalFloatBinary(Opcode op, Type t, uint64_t a, uint64_t b) {
  return t == Type::kF32 ? FloatBinary<float>(op, a & 0xffffffff, b & 0xffffffff)
                         : FloatBinary<double>(op, a, b);
}

std::optional<uint64_t> EvalFloatUnary(Opcode op, Type t, uint64_t a) {
  return t == Type::kF32 ? FloatUnary<float>(op, a & 0xffffffff) : FloatUnary<double>(op, a);
}

bool EvalFloatCompare(FloatCC cc, Type t, uint64_t a, uint64_t b) {
  return t == Type::kF32 ? FloatCompare<float>(cc, a, b) : FloatCompare<double>(cc, a, b);
}

std::optional<uint64_t> EvalConversion(Opcode op, Type from, Type to, uint64_t a) {
  const double x = from == Type::kF32   ? FromBits<float>(a)
                   : from == Type::kF64 ? FromBits<double>(a)
                                        : 0.0;
  switch (op) {
    case Opcode::kBitcast:
      return a & LowMask(ir::TypeBits(to));
    case Opcode::kFpromote:
      return NonNan<double>(static_cast<double>(FromBits<float>(a)));
    case Opcode::kFdemote:
      return NonNan<float>(static_cast<float>(FromBits<double>(a)));
    case Opcode::kFcvtToSint:
      return FloatToInt(x, to, true, false);
    case Opcode::kFcvtToUint:
      return FloatToInt(x, to, false, false);
    case Opcode::kFcvtToSintSat:
      return FloatToInt(x, to, true, true);
    case Opcode::kFcvtToUintSat:
      return FloatToInt(x, to, false, true);
    case Opcode::kFcvtFromSint:
    case Opcode::kFcvtFromUint: {
      // One correctly rounded conversion from a 64-bit integer: exact for any signed value and
      // for unsigned values below 2^63 (others are left alone).
      int64_t v;
      if (op == Opcode::kFcvtFromSint) {
        v = SignExtend(a, ir::TypeBits(from));
      } else {
        const uint64_t u = a & LowMask(ir::TypeBits(from));
        if (u >> 63) return std::nullopt;
        v = static_cast<int64_t>(u);
      }
      if (to == Type::kF32) return ToBits<float>(static_cast<float>(v));
      return ToBits<double>(static_cast<double>(v));
    }
    default:
      return std::nullopt;
  }
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

}  // namespace egret::opt
