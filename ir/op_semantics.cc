// op_semantics.cc: see op_semantics.h.
#include "ir/op_semantics.h"

#include <bit>
#include <cmath>

#include "support/error.h"

namespace egret::ir {
namespace {

constexpr uint64_t LowMask(uint32_t bits) {
  return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
}
constexpr int64_t SignExtend(uint64_t v, uint32_t bits) {
  const uint32_t shift = 64 - bits;
  return static_cast<int64_t>(v << shift) >> shift;
}

OpResult Value(uint64_t bits) { return OpResult{bits, std::nullopt}; }
OpResult Trap(TrapCode code) { return OpResult{0, code}; }

float F32(uint64_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits)); }
double F64(uint64_t bits) { return std::bit_cast<double>(bits); }
uint64_t Bits(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

constexpr uint64_t kF32Quiet = 0x00400000, kF32Canonical = 0x7fc00000;
constexpr uint64_t kF64Quiet = uint64_t{1} << 51, kF64Canonical = 0x7ff8000000000000;

uint64_t SignBit(Type t) { return t == Type::kF32 ? uint64_t{1} << 31 : uint64_t{1} << 63; }

// The NaN a float operation produces: the first NaN operand made quiet, else canonical.
uint64_t NaNResult(Type t, uint64_t a, uint64_t b, bool binary) {
  if (IsNaN(t, a)) return a | (t == Type::kF32 ? kF32Quiet : kF64Quiet);
  if (binary && IsNaN(t, b)) return b | (t == Type::kF32 ? kF32Quiet : kF64Quiet);
  return t == Type::kF32 ? kF32Canonical : kF64Canonical;
}

// Applies a float operation in the type's own precision, with the NaN rule.
template <class Op>
uint64_t FloatBinary(Type t, uint64_t a, uint64_t b, Op op) {
  const uint64_t r = t == Type::kF32 ? Bits(static_cast<float>(op(F32(a), F32(b))))
                                     : Bits(static_cast<double>(op(F64(a), F64(b))));
  return IsNaN(t, r) ? NaNResult(t, a, b, true) : r;
}
template <class Op>
uint64_t FloatUnary(Type t, uint64_t a, Op op) {
  const uint64_t r = t == Type::kF32 ? Bits(static_cast<float>(op(F32(a)))) : Bits(op(F64(a)));
  return IsNaN(t, r) ? NaNResult(t, a, 0, false) : r;
}

// fmin/fmax with Wasm's rules: NaN wins, and -0 < +0.
uint64_t FloatMinMax(Type t, uint64_t a, uint64_t b, bool is_max) {
  if (IsNaN(t, a) || IsNaN(t, b)) return NaNResult(t, a, b, true);
  const double x = t == Type::kF32 ? F32(a) : F64(a);
  const double y = t == Type::kF32 ? F32(b) : F64(b);
  if (x == y) {  // equal, including +0 == -0: pick by sign
    const bool a_neg = (a & SignBit(t)) != 0;
    if (is_max) return a_neg ? b : a;
    return a_neg ? a : b;
  }
  return (is_max ? x > y : x < y) ? a : b;
}

uint64_t Rotl(uint32_t n, uint64_t x, uint32_t s) {
  return s == 0 ? x : ((x << s) | (x >> (n - s))) & LowMask(n);
}

// The high half of the 2n-bit product of two n-bit values.
uint64_t MulHigh(uint32_t n, uint64_t a, uint64_t b, bool is_signed) {
  using i128 = __int128;
  using u128 = unsigned __int128;
  if (is_signed) {
    const i128 p = i128{SignExtend(a, n)} * i128{SignExtend(b, n)};
    return static_cast<uint64_t>(p >> n) & LowMask(n);
  }
  const u128 p = u128{a} * u128{b};
  return static_cast<uint64_t>(p >> n) & LowMask(n);
}

}  // namespace

OpResult EvalIntBinary(Opcode op, Type t, uint64_t a, uint64_t b) {
  const uint32_t n = TypeBits(t);
  const uint64_t m = LowMask(n);
  a &= m;
  b &= m;
  const int64_t sa = SignExtend(a, n), sb = SignExtend(b, n);
  const uint32_t s = static_cast<uint32_t>(b & (n - 1));
  const int64_t int_min = SignExtend(uint64_t{1} << (n - 1), n);
  switch (op) {
    case Opcode::kIadd:
    case Opcode::kIaddImm:
      return Value((a + b) & m);
    case Opcode::kIsub:
      return Value((a - b) & m);
    case Opcode::kImul:
    case Opcode::kImulImm:
      return Value((a * b) & m);
    case Opcode::kUmulhi:
      return Value(MulHigh(n, a, b, false));
    case Opcode::kSmulhi:
      return Value(MulHigh(n, a, b, true));
    case Opcode::kUdiv:
      if (b == 0) return Trap(TrapCode::kIntegerDivisionByZero);
      return Value(a / b);
    case Opcode::kUrem:
      if (b == 0) return Trap(TrapCode::kIntegerDivisionByZero);
      return Value(a % b);
    case Opcode::kSdiv:
      if (b == 0) return Trap(TrapCode::kIntegerDivisionByZero);
      if (sa == int_min && sb == -1) return Trap(TrapCode::kIntegerOverflow);
      return Value(static_cast<uint64_t>(sa / sb) & m);
    case Opcode::kSrem:
      if (b == 0) return Trap(TrapCode::kIntegerDivisionByZero);
      if (sb == -1) return Value(0);  // INT_MIN % -1 is 0, not an overflow
      return Value(static_cast<uint64_t>(sa % sb) & m);
    case Opcode::kBand:
    case Opcode::kBandImm:
      return Value(a & b);
    case Opcode::kBor:
    case Opcode::kBorImm:
      return Value(a | b);
    case Opcode::kBxor:
    case Opcode::kBxorImm:
      return Value(a ^ b);
    case Opcode::kIshl:
    case Opcode::kIshlImm:
      return Value((a << s) & m);
    case Opcode::kUshr:
    case Opcode::kUshrImm:
      return Value(a >> s);
    case Opcode::kSshr:
    case Opcode::kSshrImm:
      return Value(static_cast<uint64_t>(sa >> s) & m);
    case Opcode::kRotl:
    case Opcode::kRotlImm:
      return Value(Rotl(n, a, s));
    case Opcode::kRotr:
    case Opcode::kRotrImm:
      return Value(Rotl(n, a, (n - s) & (n - 1)));
    default:
      EGRET_CHECK(false && "EvalIntBinary: not an integer binary operation");
      return Value(0);
  }
}

uint64_t EvalIntUnary(Opcode op, Type t, uint64_t a) {
  const uint32_t n = TypeBits(t);
  const uint64_t m = LowMask(n);
  a &= m;
  switch (op) {
    case Opcode::kClz:
      return static_cast<uint64_t>(std::countl_zero(a) - static_cast<int>(64 - n));
    case Opcode::kCtz:
      return a == 0 ? n : static_cast<uint64_t>(std::countr_zero(a));
    case Opcode::kPopcnt:
      return static_cast<uint64_t>(std::popcount(a));
    case Opcode::kIneg:
      return (0 - a) & m;
    case Opcode::kBnot:
      return ~a & m;
    default:
      EGRET_CHECK(false && "EvalIntUnary: not an integer unary operation");
      return 0;
  }
}

bool EvalIntCompare(IntCC cc, Type t, uint64_t a, uint64_t b) {
  const uint32_t n = TypeBits(t);
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
  const uint32_t nf = TypeBits(from), nt = TypeBits(to);
  switch (op) {
    case Opcode::kUextend:
      return a & LowMask(nf);
    case Opcode::kSextend:
      return static_cast<uint64_t>(SignExtend(a & LowMask(nf), nf)) & LowMask(nt);
    default:  // ireduce
      return a & LowMask(nt);
  }
}

bool IsNaN(Type t, uint64_t bits) {
  return t == Type::kF32 ? std::isnan(F32(bits)) : std::isnan(F64(bits));
}

uint64_t EvalFloatBinary(Opcode op, Type t, uint64_t a, uint64_t b) {
  if (t == Type::kF32) {
    a &= 0xffffffff;
    b &= 0xffffffff;
  }
  switch (op) {
    case Opcode::kFadd:
      return FloatBinary(t, a, b, [](auto x, auto y) { return x + y; });
    case Opcode::kFsub:
      return FloatBinary(t, a, b, [](auto x, auto y) { return x - y; });
    case Opcode::kFmul:
      return FloatBinary(t, a, b, [](auto x, auto y) { return x * y; });
    case Opcode::kFdiv:
      return FloatBinary(t, a, b, [](auto x, auto y) { return x / y; });
    case Opcode::kFmin:
      return FloatMinMax(t, a, b, false);
    case Opcode::kFmax:
      return FloatMinMax(t, a, b, true);
    case Opcode::kFcopysign:
      return (a & ~SignBit(t)) | (b & SignBit(t));
    default:
      EGRET_CHECK(false && "EvalFloatBinary: not a float binary operation");
      return 0;
  }
}

uint64_t EvalFloatUnary(Opcode op, Type t, uint64_t a) {
  if (t == Type::kF32) a &= 0xffffffff;
  switch (op) {
    case Opcode::kFneg:
      return a ^ SignBit(t);
    case Opcode::kFabs:
      return a & ~SignBit(t);
    case Opcode::kSqrt:
      return FloatUnary(t, a, [](auto x) { return std::sqrt(x); });
    case Opcode::kCeil:
      return FloatUnary(t, a, [](auto x) { return std::ceil(x); });
    case Opcode::kFloor:
      return FloatUnary(t, a, [](auto x) { return std::floor(x); });
    case Opcode::kTrunc:
      return FloatUnary(t, a, [](auto x) { return std::trunc(x); });
    case Opcode::kNearest:
      return FloatUnary(t, a, [](auto x) { return std::nearbyint(x); });
    default:
      EGRET_CHECK(false && "EvalFloatUnary: not a float unary operation");
      return 0;
  }
}

bool EvalFloatCompare(FloatCC cc, Type t, uint64_t a, uint64_t b) {
  const double x = t == Type::kF32 ? F32(a) : F64(a);
  const double y = t == Type::kF32 ? F32(b) : F64(b);
  switch (cc) {
    case FloatCC::kEq:
      return x == y;
    case FloatCC::kNe:
      return !(x == y);
    case FloatCC::kLt:
      return x < y;
    case FloatCC::kLe:
      return x <= y;
    case FloatCC::kGt:
      return x > y;
    case FloatCC::kGe:
      return x >= y;
    case FloatCC::kOrd:
      return !std::isnan(x) && !std::isnan(y);
    case FloatCC::kUno:
      return std::isnan(x) || std::isnan(y);
  }
  return false;
}

OpResult EvalConversion(Opcode op, Type from, Type to, uint64_t a) {
  switch (op) {
    case Opcode::kBitcast:
      return Value(a & LowMask(TypeBits(to)));
    case Opcode::kFpromote:
      if (IsNaN(Type::kF32, a)) {
        return Value(((a & 0x80000000) << 32) | 0x7ff0000000000000 | ((a & 0x7fffff) << 29) |
                     kF64Quiet);
      }
      return Value(Bits(static_cast<double>(F32(a))));
    case Opcode::kFdemote:
      if (IsNaN(Type::kF64, a)) {
        return Value(((a >> 32) & 0x80000000) | 0x7f800000 | ((a >> 29) & 0x7fffff) | kF32Quiet);
      }
      return Value(Bits(static_cast<float>(F64(a))));
    case Opcode::kFcvtToSint:
    case Opcode::kFcvtToUint:
    case Opcode::kFcvtToSintSat:
    case Opcode::kFcvtToUintSat: {
      const double x = from == Type::kF32 ? static_cast<double>(F32(a)) : F64(a);
      const bool is_signed = op == Opcode::kFcvtToSint || op == Opcode::kFcvtToSintSat;
      const bool sat = op == Opcode::kFcvtToSintSat || op == Opcode::kFcvtToUintSat;
      const uint32_t tb = TypeBits(to);
      // Exclusive upper and inclusive lower bounds as exact doubles.
      const double hi = is_signed ? std::ldexp(1.0, static_cast<int>(tb) - 1)
                                  : std::ldexp(1.0, static_cast<int>(tb));
      const double lo = is_signed ? -hi : 0.0;
      if (std::isnan(x)) return sat ? Value(0) : Trap(TrapCode::kBadConversionToInteger);
      const double tr = std::trunc(x);
      if (tr < lo || tr >= hi) {
        if (!sat) return Trap(TrapCode::kIntegerOverflow);
        if (tr < lo) return Value(is_signed ? (uint64_t{1} << (tb - 1)) : 0);
        return Value(is_signed ? (uint64_t{1} << (tb - 1)) - 1 : LowMask(tb));
      }
      return Value((is_signed ? static_cast<uint64_t>(static_cast<int64_t>(tr))
                              : static_cast<uint64_t>(tr)) &
                   LowMask(tb));
    }
    case Opcode::kFcvtFromSint:
    case Opcode::kFcvtFromUint: {
      const uint32_t fb = TypeBits(from);
      const uint64_t u = a & LowMask(fb);
      const int64_t s = SignExtend(u, fb);
      const bool is_signed = op == Opcode::kFcvtFromSint;
      if (to == Type::kF32) {
        return Value(Bits(is_signed ? static_cast<float>(s) : static_cast<float>(u)));
      }
      return Value(Bits(is_signed ? static_cast<double>(s) : static_cast<double>(u)));
    }
    default:
      EGRET_CHECK(false && "EvalConversion: not a conversion");
      return Value(0);
  }
}

}  // namespace egret::ir
