// simplify_test.cc: constant evaluation, the division magic numbers (checked against real
// division where errors would show: around every multiple of the divisor near the top of the
// range, and at the extremes), and the simplify pass on hand-written IR.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "ir/parser.h"
#include "ir/printer.h"
#include "opt/const_fold.h"
#include "opt/pass_manager.h"

namespace egret::opt {
namespace {

using ir::Opcode;
using ir::Type;

uint32_t UnsignedMagicDiv(uint32_t x, const UnsignedMagic& m) {
  const uint64_t x64 = x;
  if (!m.add_variant) return static_cast<uint32_t>((x64 * m.multiplier) >> m.shift);
  const uint64_t hi = (x64 * m.multiplier) >> 32;
  return static_cast<uint32_t>((x64 + hi) >> (m.shift - 32));
}

int32_t SignedMagicDiv(int32_t x, const SignedMagic& m) {
  const int64_t x64 = x;
  const int64_t q0 = (x64 * static_cast<int64_t>(m.multiplier)) >> m.shift;
  return static_cast<int32_t>(q0 + (x < 0 ? 1 : 0));
}

// Dividends where a wrong multiplier shows first: multiples of d and their neighbours at the
// top and bottom of the range, plus random ones.
std::vector<uint32_t> Probes(uint32_t d, std::mt19937& rng) {
  std::vector<uint32_t> xs = {
      0, 1, 2, d - 1, d, d + 1, UINT32_MAX, UINT32_MAX - 1, 0x80000000u, 0x7fffffffu};
  const uint64_t top = UINT32_MAX / d;
  for (uint64_t q = top > 64 ? top - 64 : 0; q <= top; ++q) {
    for (int64_t delta : {-1, 0, 1}) {
      const int64_t x = static_cast<int64_t>(q * d) + delta;
      if (x >= 0 && x <= UINT32_MAX) xs.push_back(static_cast<uint32_t>(x));
    }
  }
  for (int k = 0; k < 64; ++k) xs.push_back(static_cast<uint32_t>(rng()));
  return xs;
}

std::vector<uint32_t> Divisors() {
  std::vector<uint32_t> ds;
  for (uint32_t d = 3; d < 3000; ++d) ds.push_back(d);
  std::mt19937 rng(7);
  for (int k = 0; k < 2000; ++k) ds.push_back(3 + rng() % (UINT32_MAX - 3));
  for (uint32_t d : {641u, 6700417u, 0x7fffffffu, 0x80000001u, UINT32_MAX, UINT32_MAX - 1})
    ds.push_back(d);
  return ds;
}

TEST(DivisionMagic, Unsigned32MatchesDivision) {
  std::mt19937 rng(1);
  for (uint32_t d : Divisors()) {
    if ((d & (d - 1)) == 0) continue;
    const UnsignedMagic m = UnsignedDivMagic32(d);
    for (uint32_t x : Probes(d, rng)) {
      ASSERT_EQ(UnsignedMagicDiv(x, m), x / d) << x << " / " << d;
    }
  }
}

TEST(DivisionMagic, Signed32MatchesDivision) {
  std::mt19937 rng(2);
  int found = 0;
  for (uint32_t d : Divisors()) {
    if (d > 0x7fffffffu || (d & (d - 1)) == 0) continue;
    const std::optional<SignedMagic> m = SignedDivMagic32(d);
    if (!m) continue;
    ++found;
    for (uint32_t u : Probes(d, rng)) {
      for (int32_t x : {static_cast<int32_t>(u), static_cast<int32_t>(0 - u)}) {
        const int32_t want = x == INT32_MIN ? static_cast<int32_t>(INT32_MIN / int64_t{d})
                                            : x / static_cast<int32_t>(d);
        ASSERT_EQ(SignedMagicDiv(x, *m), want) << x << " / " << d;
      }
    }
  }
  EXPECT_GT(found, 4000);  // a multiplier exists for (nearly) every divisor
}

TEST(ConstFold, DivisionsThatTrapAreNotFolded) {
  EXPECT_FALSE(EvalIntBinary(Opcode::kSdiv, Type::kI32, 7, 0));
  EXPECT_FALSE(EvalIntBinary(Opcode::kUrem, Type::kI64, 7, 0));
  EXPECT_FALSE(EvalIntBinary(Opcode::kSdiv, Type::kI32, 0x80000000u, 0xffffffffu));
  EXPECT_EQ(EvalIntBinary(Opcode::kSrem, Type::kI32, 0x80000000u, 0xffffffffu), 0u);
  EXPECT_EQ(EvalIntBinary(Opcode::kSdiv, Type::kI32, static_cast<uint32_t>(-7), 2),
            static_cast<uint32_t>(-3));
  EXPECT_EQ(EvalIntBinary(Opcode::kSrem, Type::kI32, static_cast<uint32_t>(-7), 2),
            static_cast<uint32_t>(-1));
}

TEST(ConstFold, ShiftsAndRotatesTakeTheAmountModuloTheWidth) {
  EXPECT_EQ(EvalIntBinary(Opcode::kIshl, Type::kI32, 1, 33), 2u);
  EXPECT_EQ(EvalIntBinary(Opcode::kRotl, Type::kI32, 0x80000001u, 32), 0x80000001u);
  EXPECT_EQ(EvalIntBinary(Opcode::kRotr, Type::kI64, 1, 1), 0x8000000000000000u);
  EXPECT_EQ(EvalIntBinary(Opcode::kSshr, Type::kI32, 0x80000000u, 31), 0xffffffffu);
  EXPECT_EQ(EvalIntUnary(Opcode::kClz, Type::kI32, 0), 32u);
  EXPECT_EQ(EvalIntUnary(Opcode::kCtz, Type::kI64, 0), 64u);
}

TEST(ConstFold, FloatsFoldOnlyWithoutNaNResults) {
  const uint64_t one = 0x3ff0000000000000, inf = 0x7ff0000000000000;
  EXPECT_EQ(EvalFloatBinary(Opcode::kFadd, Type::kF64, one, one), 0x4000000000000000u);
  EXPECT_FALSE(EvalFloatBinary(Opcode::kFsub, Type::kF64, inf, inf));   // NaN
  EXPECT_FALSE(EvalFloatUnary(Opcode::kSqrt, Type::kF32, 0xbf800000));  // sqrt(-1)
  // fmin(-0, +0) is -0 whatever the order.
  EXPECT_EQ(EvalFloatBinary(Opcode::kFmin, Type::kF32, 0x00000000, 0x80000000), 0x80000000u);
  EXPECT_EQ(EvalFloatBinary(Opcode::kFmax, Type::kF32, 0x80000000, 0x00000000), 0u);
  // Sign operations are exact on NaNs.
  EXPECT_EQ(EvalFloatUnary(Opcode::kFneg, Type::kF32, 0x7f800001), 0xff800001u);
  // Trapping conversions of out-of-range values are left to trap.
  EXPECT_FALSE(EvalConversion(Opcode::kFcvtToSint, Type::kF64, Type::kI32, 0x41e0000000000000));
  EXPECT_EQ(EvalConversion(Opcode::kFcvtToUint, Type::kF64, Type::kI32, 0xbfe0000000000000), 0u);
  EXPECT_EQ(EvalConversion(Opcode::kFcvtToSintSat, Type::kF64, Type::kI32, 0x41e0000000000000),
            0x7fffffffu);
}

std::string Simplify(std::string_view text) {
  Expected<ir::Module> m = ir::ParseModule(text);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().ToString());
  PassManagerOptions o;
  o.verify = true;
  const std::string_view names[] = {"simplify", "dce"};
  Expected<PassManager> pm = PassManager::FromNames(names, o);
  Status s = pm->Run(m->functions[0]);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().ToString());
  return ir::PrintFunction(m->functions[0]);
}

TEST(Simplify, KeepsDivisionsThatTrap) {
  const std::string out = Simplify(R"(
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 0
    v2 = sdiv v0, v1
    v3 = iconst.i32 -2147483648
    v4 = iconst.i32 -1
    v5 = sdiv v3, v4
    v6 = udiv v0, v1
    v7 = sdiv v0, v4
    return v0
}
)");
  EXPECT_NE(out.find("v2 = sdiv v0, v1"), std::string::npos) << out;
  EXPECT_NE(out.find("v5 = sdiv v3, v4"), std::string::npos) << out;
  EXPECT_NE(out.find("v6 = udiv v0, v1"), std::string::npos) << out;
  EXPECT_NE(out.find("v7 = sdiv v0, v4"), std::string::npos) << out;
}

TEST(Simplify, FoldsChainsToOneConstant) {
  const std::string out = Simplify(R"(
function %f() -> i32 {
block0:
    v0 = iconst.i32 6
    v1 = iconst.i32 7
    v2 = imul v0, v1
    v3 = iadd_imm v2, -2
    v4 = ishl_imm v3, 33
    v5 = clz v4
    return v5
}
)");
  EXPECT_NE(out.find("iconst.i32 25"), std::string::npos) << out;  // clz(80) = 25
  EXPECT_EQ(out.find("imul"), std::string::npos) << out;
}

TEST(Simplify, ReassociatesConstantsAndReducesStrength) {
  const std::string out = Simplify(R"(
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd_imm v0, 3
    v2 = iconst.i32 4
    v3 = iadd v2, v1
    v4 = imul_imm v3, 8
    v5 = udiv v4, v2
    return v5
}
)");
  EXPECT_NE(out.find("iadd_imm v0, 7"), std::string::npos) << out;
  EXPECT_NE(out.find("ishl_imm"), std::string::npos) << out;
  EXPECT_NE(out.find("ushr_imm"), std::string::npos) << out;
  EXPECT_EQ(out.find("imul"), std::string::npos) << out;
  EXPECT_EQ(out.find("udiv"), std::string::npos) << out;
}

}  // namespace
}  // namespace egret::opt
