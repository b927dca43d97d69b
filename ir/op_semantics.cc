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

namespace {

// The scalar opcode a lanewise float op applies per lane.
Opcode ScalarFloatOp(Opcode op) {
  switch (op) {
    case Opcode::kVfadd:
      return Opcode::kFadd;
    case Opcode::kVfsub:
      return Opcode::kFsub;
    case Opcode::kVfmul:
      return Opcode::kFmul;
    case Opcode::kVfdiv:
      return Opcode::kFdiv;
    case Opcode::kVfmin:
      return Opcode::kFmin;
    case Opcode::kVfmax:
      return Opcode::kFmax;
    case Opcode::kVfabs:
      return Opcode::kFabs;
    case Opcode::kVfneg:
      return Opcode::kFneg;
    case Opcode::kVfsqrt:
      return Opcode::kSqrt;
    case Opcode::kVfceil:
      return Opcode::kCeil;
    case Opcode::kVffloor:
      return Opcode::kFloor;
    case Opcode::kVftrunc:
      return Opcode::kTrunc;
    case Opcode::kVfnearest:
      return Opcode::kNearest;
    default:
      EGRET_CHECK(false && "ScalarFloatOp: not a lanewise float operation");
      return op;
  }
}

int64_t SatSigned(int64_t x, uint32_t bits) {
  const int64_t lo = -(int64_t{1} << (bits - 1)), hi = (int64_t{1} << (bits - 1)) - 1;
  return x < lo ? lo : x > hi ? hi : x;
}
int64_t SatUnsigned(int64_t x, uint32_t bits) {
  const int64_t hi = static_cast<int64_t>(LowMask(bits));
  return x < 0 ? 0 : x > hi ? hi : x;
}

}  // namespace

V128 EvalVector(Opcode op, Type shape, uint8_t cond, int64_t imm, const V128& constant,
                std::span<const V128> args) {
  const Type lane_t = LaneType(shape);
  const uint32_t lb = TypeBits(lane_t);  // lane bits of the shape
  const uint32_t n = LaneCount(shape);
  const V128 a = args.size() > 0 ? args[0] : V128{};
  const V128 b = args.size() > 1 ? args[1] : V128{};
  V128 r;
  auto sx = [](uint64_t x, uint32_t bits) { return SignExtend(x, bits); };
  // Applies f(lane of a, lane of b) -> lane to every lane of the shape.
  auto lanewise = [&](auto f) {
    for (uint32_t k = 0; k < n; ++k)
      r.SetLane(lb, k, static_cast<uint64_t>(f(a.Lane(lb, k), b.Lane(lb, k))));
    return r;
  };
  switch (op) {
    case Opcode::kVconst:
      return constant;
    case Opcode::kVbitcast:
      return a;
    case Opcode::kVsplat:
      for (uint32_t k = 0; k < n; ++k) r.SetLane(lb, k, a.lo);
      return r;
    case Opcode::kVscalarToVector:
      r.SetLane(lb, 0, a.lo);
      return r;
    case Opcode::kVextractlane:
      r.lo = a.Lane(lb, static_cast<uint32_t>(imm));
      return r;
    case Opcode::kVextractlaneS:
      r.lo = static_cast<uint64_t>(sx(a.Lane(lb, static_cast<uint32_t>(imm)), lb)) & LowMask(32);
      return r;
    case Opcode::kVextractlaneU:
      r.lo = a.Lane(lb, static_cast<uint32_t>(imm));
      return r;
    case Opcode::kVinsertlane:
      r = a;
      r.SetLane(lb, static_cast<uint32_t>(imm), b.lo);
      return r;
    case Opcode::kVshuffle:
      for (uint32_t k = 0; k < 16; ++k) {
        const uint32_t s = constant.Byte(k);
        r.SetLane(8, k, s < 16 ? a.Byte(s) : s < 32 ? b.Byte(s - 16) : 0);
      }
      return r;
    case Opcode::kVswizzle:
      for (uint32_t k = 0; k < 16; ++k) {
        const uint32_t s = b.Byte(k);
        r.SetLane(8, k, s < 16 ? a.Byte(s) : 0);
      }
      return r;
    case Opcode::kVand:
      return V128{a.lo & b.lo, a.hi & b.hi};
    case Opcode::kVor:
      return V128{a.lo | b.lo, a.hi | b.hi};
    case Opcode::kVxor:
      return V128{a.lo ^ b.lo, a.hi ^ b.hi};
    case Opcode::kVandnot:
      return V128{a.lo & ~b.lo, a.hi & ~b.hi};
    case Opcode::kVnot:
      return V128{~a.lo, ~a.hi};
    case Opcode::kVbitselect: {
      // args: mask c, then the values taken where c's bits are set (a) and clear (b).
      const V128 c = args[0], x = args[1], y = args[2];
      return V128{(x.lo & c.lo) | (y.lo & ~c.lo), (x.hi & c.hi) | (y.hi & ~c.hi)};
    }
    case Opcode::kVanyTrue:
      r.lo = (a.lo | a.hi) != 0;
      return r;
    case Opcode::kValltrue: {
      bool all = true;
      for (uint32_t k = 0; k < n; ++k) all &= a.Lane(lb, k) != 0;
      r.lo = all;
      return r;
    }
    case Opcode::kVbitmask:
      for (uint32_t k = 0; k < n; ++k) r.lo |= (a.Lane(lb, k) >> (lb - 1) & 1) << k;
      return r;
    case Opcode::kViadd:
      return lanewise([](uint64_t x, uint64_t y) { return x + y; });
    case Opcode::kVisub:
      return lanewise([](uint64_t x, uint64_t y) { return x - y; });
    case Opcode::kVimul:
      return lanewise([](uint64_t x, uint64_t y) { return x * y; });
    case Opcode::kVineg:
      return lanewise([](uint64_t x, uint64_t) { return 0 - x; });
    case Opcode::kViabs:
      return lanewise([&](uint64_t x, uint64_t) { return sx(x, lb) < 0 ? 0 - x : x; });
    case Opcode::kVsaddSat:
      return lanewise([&](uint64_t x, uint64_t y) { return SatSigned(sx(x, lb) + sx(y, lb), lb); });
    case Opcode::kVssubSat:
      return lanewise([&](uint64_t x, uint64_t y) { return SatSigned(sx(x, lb) - sx(y, lb), lb); });
    case Opcode::kVuaddSat:
      return lanewise(
          [&](uint64_t x, uint64_t y) { return SatUnsigned(static_cast<int64_t>(x + y), lb); });
    case Opcode::kVusubSat:
      return lanewise([&](uint64_t x, uint64_t y) {
        return SatUnsigned(static_cast<int64_t>(x) - static_cast<int64_t>(y), lb);
      });
    case Opcode::kVsmin:
      return lanewise([&](uint64_t x, uint64_t y) { return sx(x, lb) < sx(y, lb) ? x : y; });
    case Opcode::kVsmax:
      return lanewise([&](uint64_t x, uint64_t y) { return sx(x, lb) > sx(y, lb) ? x : y; });
    case Opcode::kVumin:
      return lanewise([](uint64_t x, uint64_t y) { return x < y ? x : y; });
    case Opcode::kVumax:
      return lanewise([](uint64_t x, uint64_t y) { return x > y ? x : y; });
    case Opcode::kVavgrU:
      return lanewise([](uint64_t x, uint64_t y) { return (x + y + 1) >> 1; });
    case Opcode::kVishl:
    case Opcode::kVushr:
    case Opcode::kVsshr: {
      const uint32_t s = static_cast<uint32_t>(b.lo % lb);
      for (uint32_t k = 0; k < n; ++k) {
        const uint64_t x = a.Lane(lb, k);
        const uint64_t v = op == Opcode::kVishl   ? x << s
                           : op == Opcode::kVushr ? x >> s
                                                  : static_cast<uint64_t>(sx(x, lb) >> s);
        r.SetLane(lb, k, v);
      }
      return r;
    }
    case Opcode::kVpopcnt:
      return lanewise([](uint64_t x, uint64_t) { return std::popcount(x); });
    case Opcode::kVq15mulrSatS:
      return lanewise([&](uint64_t x, uint64_t y) {
        return SatSigned((sx(x, 16) * sx(y, 16) + 0x4000) >> 15, 16);
      });
    case Opcode::kVicmp:
      return lanewise([&](uint64_t x, uint64_t y) {
        return EvalIntCompare(static_cast<IntCC>(cond), lane_t, x, y) ? ~uint64_t{0} : 0;
      });
    case Opcode::kVfadd:
    case Opcode::kVfsub:
    case Opcode::kVfmul:
    case Opcode::kVfdiv:
    case Opcode::kVfmin:
    case Opcode::kVfmax: {
      const Opcode sop = ScalarFloatOp(op);
      return lanewise([&](uint64_t x, uint64_t y) { return EvalFloatBinary(sop, lane_t, x, y); });
    }
    case Opcode::kVfpmin:  // b < a ? b : a
      return lanewise([&](uint64_t x, uint64_t y) {
        return EvalFloatCompare(FloatCC::kLt, lane_t, y, x) ? y : x;
      });
    case Opcode::kVfpmax:  // a < b ? b : a
      return lanewise([&](uint64_t x, uint64_t y) {
        return EvalFloatCompare(FloatCC::kLt, lane_t, x, y) ? y : x;
      });
    case Opcode::kVfabs:
    case Opcode::kVfneg:
    case Opcode::kVfsqrt:
    case Opcode::kVfceil:
    case Opcode::kVffloor:
    case Opcode::kVftrunc:
    case Opcode::kVfnearest: {
      const Opcode sop = ScalarFloatOp(op);
      return lanewise([&](uint64_t x, uint64_t) { return EvalFloatUnary(sop, lane_t, x); });
    }
    case Opcode::kVfcmp:
      return lanewise([&](uint64_t x, uint64_t y) {
        return EvalFloatCompare(static_cast<FloatCC>(cond), lane_t, x, y) ? ~uint64_t{0} : 0;
      });
    case Opcode::kVnarrowS:
    case Opcode::kVnarrowU: {
      // Lanes of a then of b, each a signed value of twice the width, saturated.
      const uint32_t wb = lb * 2;
      for (uint32_t k = 0; k < n; ++k) {
        const V128& src = k < n / 2 ? a : b;
        const int64_t x = sx(src.Lane(wb, k % (n / 2)), wb);
        r.SetLane(
            lb, k,
            static_cast<uint64_t>(op == Opcode::kVnarrowS ? SatSigned(x, lb) : SatUnsigned(x, lb)));
      }
      return r;
    }
    case Opcode::kVextendLowS:
    case Opcode::kVextendLowU:
    case Opcode::kVextendHighS:
    case Opcode::kVextendHighU:
    case Opcode::kVextmulLowS:
    case Opcode::kVextmulLowU:
    case Opcode::kVextmulHighS:
    case Opcode::kVextmulHighU: {
      const uint32_t nb = lb / 2;  // operand lane bits
      const bool high = op == Opcode::kVextendHighS || op == Opcode::kVextendHighU ||
                        op == Opcode::kVextmulHighS || op == Opcode::kVextmulHighU;
      const bool sign = op == Opcode::kVextendLowS || op == Opcode::kVextendHighS ||
                        op == Opcode::kVextmulLowS || op == Opcode::kVextmulHighS;
      const bool mul = op == Opcode::kVextmulLowS || op == Opcode::kVextmulLowU ||
                       op == Opcode::kVextmulHighS || op == Opcode::kVextmulHighU;
      auto ext = [&](const V128& v, uint32_t k) {
        const uint64_t x = v.Lane(nb, k);
        return sign ? static_cast<uint64_t>(sx(x, nb)) : x;
      };
      for (uint32_t k = 0; k < n; ++k) {
        const uint32_t src = high ? k + n : k;
        r.SetLane(lb, k, mul ? ext(a, src) * ext(b, src) : ext(a, src));
      }
      return r;
    }
    case Opcode::kVextaddPairwiseS:
    case Opcode::kVextaddPairwiseU: {
      const uint32_t nb = lb / 2;
      const bool sign = op == Opcode::kVextaddPairwiseS;
      auto ext = [&](uint32_t k) {
        const uint64_t x = a.Lane(nb, k);
        return sign ? static_cast<uint64_t>(sx(x, nb)) : x;
      };
      for (uint32_t k = 0; k < n; ++k) r.SetLane(lb, k, ext(2 * k) + ext(2 * k + 1));
      return r;
    }
    case Opcode::kVdotS:
      for (uint32_t k = 0; k < n; ++k) {
        const int64_t p = sx(a.Lane(16, 2 * k), 16) * sx(b.Lane(16, 2 * k), 16) +
                          sx(a.Lane(16, 2 * k + 1), 16) * sx(b.Lane(16, 2 * k + 1), 16);
        r.SetLane(32, k, static_cast<uint64_t>(p));
      }
      return r;
    case Opcode::kVfcvtFromSint:
    case Opcode::kVfcvtFromUint:
    case Opcode::kVfcvtLowFromSint:
    case Opcode::kVfcvtLowFromUint: {
      const bool sign = op == Opcode::kVfcvtFromSint || op == Opcode::kVfcvtLowFromSint;
      const Opcode sop = sign ? Opcode::kFcvtFromSint : Opcode::kFcvtFromUint;
      for (uint32_t k = 0; k < n; ++k)
        r.SetLane(lb, k, EvalConversion(sop, Type::kI32, lane_t, a.Lane(32, k)).bits);
      return r;
    }
    case Opcode::kVtruncSatS:
    case Opcode::kVtruncSatU:
    case Opcode::kVtruncSatZeroS:
    case Opcode::kVtruncSatZeroU: {
      const bool sign = op == Opcode::kVtruncSatS || op == Opcode::kVtruncSatZeroS;
      const bool zero = op == Opcode::kVtruncSatZeroS || op == Opcode::kVtruncSatZeroU;
      const Type from = zero ? Type::kF64 : Type::kF32;
      const uint32_t m = zero ? 2 : 4;
      const Opcode sop = sign ? Opcode::kFcvtToSintSat : Opcode::kFcvtToUintSat;
      for (uint32_t k = 0; k < m; ++k)
        r.SetLane(32, k, EvalConversion(sop, from, Type::kI32, a.Lane(TypeBits(from), k)).bits);
      return r;
    }
    case Opcode::kVdemoteZero:
      for (uint32_t k = 0; k < 2; ++k)
        r.SetLane(32, k,
                  EvalConversion(Opcode::kFdemote, Type::kF64, Type::kF32, a.Lane(64, k)).bits);
      return r;
    case Opcode::kVpromoteLow:
      for (uint32_t k = 0; k < 2; ++k)
        r.SetLane(64, k,
                  EvalConversion(Opcode::kFpromote, Type::kF32, Type::kF64, a.Lane(32, k)).bits);
      return r;
    default:
      EGRET_CHECK(false && "EvalVector: not a vector operation");
      return r;
  }
}

}  // namespace egret::ir
