// op_semantics_test.cc: the shared operation semantics (ir/op_semantics.h) that the interpreter
// executes and constant folding calls.
#include "ir/op_semantics.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <random>

namespace egret::ir {
namespace {

uint64_t F32Bits(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t F64Bits(double d) { return std::bit_cast<uint64_t>(d); }

TEST(OpSemantics, DivisionTrapsAndTheSremOfMinusOne) {
  const uint64_t i64_min = uint64_t{1} << 63;
  EXPECT_EQ(EvalIntBinary(Opcode::kUdiv, Type::kI32, 7, 0).trap, TrapCode::kIntegerDivisionByZero);
  EXPECT_EQ(EvalIntBinary(Opcode::kSrem, Type::kI64, 7, 0).trap, TrapCode::kIntegerDivisionByZero);
  EXPECT_EQ(EvalIntBinary(Opcode::kSdiv, Type::kI64, i64_min, ~uint64_t{0}).trap,
            TrapCode::kIntegerOverflow);
  const OpResult rem = EvalIntBinary(Opcode::kSrem, Type::kI64, i64_min, ~uint64_t{0});
  ASSERT_TRUE(rem.ok());
  EXPECT_EQ(rem.bits, 0u);
  // i32: operands are masked, results come back masked.
  EXPECT_EQ(EvalIntBinary(Opcode::kSdiv, Type::kI32, 0xfffffff9, 2).bits, 0xfffffffdu);  // -7/2
  EXPECT_EQ(EvalIntBinary(Opcode::kIshl, Type::kI32, 1, 33).bits, 2u);  // amount mod 32
}

// The reference: the high half of the exact product, computed in 128 bits.
uint64_t RefMulHigh(Type t, uint64_t a, uint64_t b, bool is_signed) {
  if (t == Type::kI32) {
    if (is_signed) {
      const int64_t p = int64_t{static_cast<int32_t>(a)} * int64_t{static_cast<int32_t>(b)};
      return static_cast<uint64_t>(p >> 32) & 0xffffffff;
    }
    return ((a & 0xffffffff) * (b & 0xffffffff)) >> 32;
  }
  if (is_signed) {
    const __int128 p = __int128{static_cast<int64_t>(a)} * static_cast<int64_t>(b);
    return static_cast<uint64_t>(p >> 64);
  }
  return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
}

TEST(OpSemantics, MultiplyHigh) {
  const uint64_t max = ~uint64_t{0}, min = uint64_t{1} << 63;
  EXPECT_EQ(EvalIntBinary(Opcode::kUmulhi, Type::kI64, max, max).bits, max - 1);
  EXPECT_EQ(EvalIntBinary(Opcode::kSmulhi, Type::kI64, max, max).bits, 0u);  // -1 * -1
  EXPECT_EQ(EvalIntBinary(Opcode::kSmulhi, Type::kI64, min, min).bits, uint64_t{1} << 62);
  EXPECT_EQ(EvalIntBinary(Opcode::kSmulhi, Type::kI64, min, 2).bits, max);  // -2^64 >> 64
  EXPECT_EQ(EvalIntBinary(Opcode::kUmulhi, Type::kI32, 0xffffffff, 0xffffffff).bits, 0xfffffffeu);
  EXPECT_EQ(EvalIntBinary(Opcode::kSmulhi, Type::kI32, 0x80000000, 0x80000000).bits, 0x40000000u);
  std::mt19937_64 rng(17);
  for (int k = 0; k < 20000; ++k) {
    const uint64_t a = rng(), b = rng() >> (rng() % 64);
    for (Type t : {Type::kI32, Type::kI64}) {
      for (bool s : {false, true}) {
        const OpResult r = EvalIntBinary(s ? Opcode::kSmulhi : Opcode::kUmulhi, t, a, b);
        ASSERT_TRUE(r.ok());
        ASSERT_EQ(r.bits, RefMulHigh(t, a, b, s)) << a << " " << b;
      }
    }
  }
}

TEST(OpSemantics, NaNsKeepTheFirstNaNOperandQuieted) {
  const uint64_t snan32 = 0x7f800001, qnan32 = 0x7fc00001;
  EXPECT_EQ(EvalFloatBinary(Opcode::kFadd, Type::kF32, snan32, F32Bits(1.0f)), qnan32);
  EXPECT_EQ(EvalFloatBinary(Opcode::kFmul, Type::kF32, F32Bits(2.0f), 0xffc00123), 0xffc00123u);
  // inf - inf: no NaN operand, so the canonical NaN.
  const uint64_t inf = F64Bits(std::numeric_limits<double>::infinity());
  EXPECT_EQ(EvalFloatBinary(Opcode::kFsub, Type::kF64, inf, inf), 0x7ff8000000000000u);
  EXPECT_EQ(EvalFloatBinary(Opcode::kFmin, Type::kF64, F64Bits(0.0), F64Bits(-0.0)), F64Bits(-0.0));
  EXPECT_EQ(EvalFloatUnary(Opcode::kFneg, Type::kF32, snan32), 0xff800001u);  // no quieting
  // fpromote keeps the payload, quieted.
  const OpResult p = EvalConversion(Opcode::kFpromote, Type::kF32, Type::kF64, 0x7f800001);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.bits, 0x7ff8000020000000u);
}

TEST(OpSemantics, Conversions) {
  EXPECT_EQ(EvalConversion(Opcode::kFcvtToSint, Type::kF64, Type::kI32, F64Bits(2147483648.0)).trap,
            TrapCode::kIntegerOverflow);
  EXPECT_EQ(EvalConversion(Opcode::kFcvtToUint, Type::kF32, Type::kI64, 0x7fc00000).trap,
            TrapCode::kBadConversionToInteger);
  EXPECT_EQ(EvalConversion(Opcode::kFcvtToSintSat, Type::kF64, Type::kI32, F64Bits(-1e300)).bits,
            0x80000000u);
  EXPECT_EQ(EvalConversion(Opcode::kFcvtToUintSat, Type::kF64, Type::kI32, F64Bits(1e300)).bits,
            0xffffffffu);
  EXPECT_EQ(EvalConversion(Opcode::kFcvtToSint, Type::kF64, Type::kI32, F64Bits(-2.9)).bits,
            0xfffffffeu);
  EXPECT_EQ(EvalConversion(Opcode::kFcvtFromUint, Type::kI64, Type::kF64, ~uint64_t{0}).bits,
            F64Bits(18446744073709551616.0));
  EXPECT_EQ(EvalWidthChange(Opcode::kSextend, Type::kI32, Type::kI64, 0x80000000),
            0xffffffff80000000u);
}

}  // namespace
}  // namespace egret::ir
