// literals_test.cc: integer and float literals, exact rounding, NaN payloads, range errors.
#include "frontend/text/literals.h"

#include <gtest/gtest.h>

namespace egret::text {
namespace {

constexpr std::optional<uint32_t> kNo32 = std::nullopt;
constexpr std::optional<uint64_t> kNo64 = std::nullopt;

TEST(Literals, Integers) {
  EXPECT_EQ(ParseInt32("0"), 0u);
  EXPECT_EQ(ParseInt32("-1"), 0xffffffffu);
  EXPECT_EQ(ParseInt32("+7"), 7u);
  EXPECT_EQ(ParseInt32("4294967295"), 0xffffffffu);
  EXPECT_EQ(ParseInt32("-2147483648"), 0x80000000u);
  EXPECT_EQ(ParseInt32("0xffff_ffff"), 0xffffffffu);
  EXPECT_EQ(ParseInt32("-0x8000_0000"), 0x80000000u);
  EXPECT_EQ(ParseInt32("1_000_000"), 1000000u);
  EXPECT_EQ(ParseInt64("-9223372036854775808"), 0x8000000000000000ull);
  EXPECT_EQ(ParseInt64("18446744073709551615"), 0xffffffffffffffffull);
  EXPECT_EQ(ParseIntN("-128", 8), 0x80u);
  EXPECT_EQ(ParseIntN("255", 8), 0xffu);
}

TEST(Literals, IntegerErrors) {
  bool range = false;
  EXPECT_EQ(ParseInt32("4294967296", &range), kNo32);
  EXPECT_TRUE(range);
  EXPECT_EQ(ParseInt32("-2147483649", &range), kNo32);
  EXPECT_TRUE(range);
  EXPECT_EQ(ParseInt64("18446744073709551616", &range), kNo64);
  EXPECT_TRUE(range);
  EXPECT_EQ(ParseInt64("-0x8000000000000001", &range), kNo64);
  EXPECT_TRUE(range);
  EXPECT_EQ(ParseIntN("256", 8, &range), kNo32);
  EXPECT_TRUE(range);
  for (const char* bad : {"1__0", "_1", "1_", "0x", "0x_1", "1a", "--1", "+-1", "", "0x1.0"}) {
    EXPECT_EQ(ParseInt32(bad, &range), kNo32) << bad;
    EXPECT_FALSE(range) << bad;
  }
  EXPECT_EQ(ParseNat("-1"), kNo64);
  EXPECT_EQ(ParseNat("+1"), kNo64);
  EXPECT_EQ(ParseNat("0x10"), 16u);
}

TEST(Literals, DecimalFloatsRoundToNearestEven) {
  EXPECT_EQ(ParseFloat32("1"), 0x3f800000u);
  EXPECT_EQ(ParseFloat32("-0"), 0x80000000u);
  EXPECT_EQ(ParseFloat32("0.1"), 0x3dcccccdu);
  EXPECT_EQ(ParseFloat32("1.e1"), 0x41200000u);
  EXPECT_EQ(ParseFloat32("1E-1"), 0x3dcccccdu);
  EXPECT_EQ(ParseFloat32("1_000.000_1"), ParseFloat32("1000.0001"));
  EXPECT_EQ(ParseFloat64("0.1"), 0x3fb999999999999aull);
  // Halfway between 1 and the next f32 (1 + 2^-24) rounds to even (1); just above rounds up.
  EXPECT_EQ(ParseFloat32("1.000000059604644775390625"), 0x3f800000u);
  EXPECT_EQ(ParseFloat32("1.000000059604644775390626"), 0x3f800001u);
  // f32 from decimal directly, not through f64 (double rounding would give 0x3f800000).
  EXPECT_EQ(ParseFloat32("1.0000000596046447753906250000000001"), 0x3f800001u);
  // Largest finite and the smallest subnormal.
  EXPECT_EQ(ParseFloat32("3.4028234663852886e38"), 0x7f7fffffu);
  EXPECT_EQ(ParseFloat32("1.401298464324817e-45"), 0x00000001u);
  EXPECT_EQ(ParseFloat64("4.9406564584124654e-324"), 0x1ull);
  EXPECT_EQ(ParseFloat64("1e-400"), 0x0ull);
}

TEST(Literals, HexFloats) {
  EXPECT_EQ(ParseFloat32("0x1p0"), 0x3f800000u);
  EXPECT_EQ(ParseFloat32("0x1.8p1"), 0x40400000u);
  EXPECT_EQ(ParseFloat32("-0x1.fffffep127"), 0xff7fffffu);
  EXPECT_EQ(ParseFloat32("0x1p-149"), 0x00000001u);
  EXPECT_EQ(ParseFloat32("0x1.000001p0"), 0x3f800000u);  // tie: to even
  EXPECT_EQ(ParseFloat32("0x1.000003p0"), 0x3f800002u);  // tie: to even (up)
  EXPECT_EQ(ParseFloat32("0x1.0000010001p0"), 0x3f800001u);
  EXPECT_EQ(ParseFloat32("0x1.fffffefffffffp127"), 0x7f7fffffu);
  EXPECT_EQ(ParseFloat64("0x1.fffffffffffff8p0"), 0x4000000000000000ull);  // tie: to even
  EXPECT_EQ(ParseFloat64("0x.8p1"), kNo64);  // needs a digit before the point
  EXPECT_EQ(ParseFloat64("0x1P+2"), 0x4010000000000000ull);
  EXPECT_EQ(ParseFloat64("0xA"), 0x4024000000000000ull);
  EXPECT_EQ(ParseFloat64("0x1_0.8p-1_0"), ParseFloat64("0x10.8p-10"));
}

TEST(Literals, InfinityAndNan) {
  EXPECT_EQ(ParseFloat32("inf"), 0x7f800000u);
  EXPECT_EQ(ParseFloat32("-inf"), 0xff800000u);
  EXPECT_EQ(ParseFloat32("nan"), 0x7fc00000u);
  EXPECT_EQ(ParseFloat32("-nan"), 0xffc00000u);
  EXPECT_EQ(ParseFloat32("nan:0x1"), 0x7f800001u);
  EXPECT_EQ(ParseFloat32("-nan:0x7f_ffff"), 0xffffffffu);
  EXPECT_EQ(ParseFloat64("nan:0x8000000000000"), 0x7ff8000000000000ull);
  EXPECT_EQ(ParseFloat64("+nan:0xf_ffff_ffff_ffff"), 0x7fffffffffffffffull);
  bool range = false;
  EXPECT_EQ(ParseFloat32("nan:0x80_0000", &range), kNo32);
  EXPECT_TRUE(range);
  EXPECT_EQ(ParseFloat32("nan:0x0", &range), kNo32);
  EXPECT_TRUE(range);
  EXPECT_EQ(ParseFloat32("nan:1", &range), kNo32);
  EXPECT_FALSE(range);
}

TEST(Literals, FloatOutOfRangeAndMalformed) {
  bool range = false;
  EXPECT_EQ(ParseFloat32("1e39", &range), kNo32);
  EXPECT_TRUE(range);
  EXPECT_EQ(ParseFloat32("0x1p128", &range), kNo32);
  EXPECT_TRUE(range);
  EXPECT_EQ(ParseFloat32("0x1.ffffffp127", &range), kNo32);  // rounds up to infinity
  EXPECT_TRUE(range);
  EXPECT_EQ(ParseFloat64("1e309", &range), kNo64);
  EXPECT_TRUE(range);
  for (const char* bad : {"1e", "1.e", "1.5e+", ".5", "1..2", "1_.5", "1._5", "0x1p", "infinity",
                          "nan:0x", "1e1_", "0x1p_1", "1f"}) {
    EXPECT_EQ(ParseFloat64(bad, &range), kNo64) << bad;
    EXPECT_FALSE(range) << bad;
  }
}

}  // namespace
}  // namespace egret::text
