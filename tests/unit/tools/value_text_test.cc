// Tests for tools/value_text.h: the TYPE:VALUE text of runtime values, v128 included.
#include "tools/value_text.h"

#include <gtest/gtest.h>

#include <cstring>

namespace egret::tools {
namespace {

using artifact::ValType;
using runtime::Val;

Val V128Bytes(std::initializer_list<uint8_t> bytes) {
  Val v = Val::Default(ValType::kV128);
  size_t i = 0;
  for (uint8_t b : bytes) v.raw.v128[i++] = b;
  return v;
}

TEST(ValueText, V128ShapeNames) {
  EXPECT_EQ(ParseV128Shape("i8x16"), V128Shape::kI8x16);
  EXPECT_EQ(ParseV128Shape("i16"), V128Shape::kI16x8);
  EXPECT_EQ(ParseV128Shape("f64x2"), V128Shape::kF64x2);
  EXPECT_EQ(ParseV128Shape("f32"), V128Shape::kF32x4);
  EXPECT_FALSE(ParseV128Shape("i32x2").has_value());
  EXPECT_FALSE(ParseV128Shape("v128").has_value());
  EXPECT_FALSE(ParseV128Shape("").has_value());
  for (V128Shape s : {V128Shape::kI8x16, V128Shape::kI16x8, V128Shape::kI32x4, V128Shape::kI64x2,
                      V128Shape::kF32x4, V128Shape::kF64x2})
    EXPECT_EQ(ParseV128Shape(V128ShapeName(s)), s);
}

TEST(ValueText, V128LanesAreLittleEndian) {
  uint8_t bytes[16] = {};
  SetV128Lane(bytes, V128Shape::kI16x8, 1, 0xbeef);
  EXPECT_EQ(bytes[2], 0xef);
  EXPECT_EQ(bytes[3], 0xbe);
  EXPECT_EQ(GetV128Lane(bytes, V128Shape::kI32x4, 0), 0xbeef0000u);
  EXPECT_EQ(GetV128Lane(bytes, V128Shape::kI8x16, 3), 0xbeu);
  SetV128Lane(bytes, V128Shape::kI64x2, 1, 0x0102030405060708ull);
  EXPECT_EQ(bytes[8], 0x08);
  EXPECT_EQ(bytes[15], 0x01);
  // SetV128Lane writes only its lane's bytes.
  SetV128Lane(bytes, V128Shape::kI8x16, 0, 0x1ff);
  EXPECT_EQ(bytes[0], 0xff);
  EXPECT_EQ(bytes[1], 0x00);
}

TEST(ValueText, FormatV128InEachShape) {
  const Val v = V128Bytes({0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0xbf});
  EXPECT_EQ(FormatVal(v), "v128:i32x4:-1 2 2143289344 -1082130432");
  EXPECT_EQ(FormatV128(v.raw.v128, V128Shape::kF32x4), "f32x4:-nan:0x7fffff 3e-45 nan -1");
  EXPECT_EQ(FormatV128(v.raw.v128, V128Shape::kI8x16),
            "i8x16:-1 -1 -1 -1 2 0 0 0 0 0 -64 127 0 0 -128 -65");
  EXPECT_EQ(FormatV128(v.raw.v128, V128Shape::kI16x8), "i16x8:-1 -1 2 0 0 32704 0 -16512");
  EXPECT_EQ(FormatV128(v.raw.v128, V128Shape::kI64x2), "i64x2:12884901887 -4647714813303062528");
  EXPECT_EQ(FormatV128(v.raw.v128, V128Shape::kF64x2).substr(0, 20), "f64x2:6.3659873724e-");
}

TEST(ValueText, ParseV128EachShape) {
  Expected<Val> a = ParseVal(ValType::kV128, "i32x4:1 -2 0xffffffff 4");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->type, ValType::kV128);
  EXPECT_EQ(FormatVal(*a), "v128:i32x4:1 -2 -1 4");

  Expected<Val> b = ParseVal(ValType::kV128, "i8x16:0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 255");
  ASSERT_TRUE(b.ok()) << b.error().message;
  for (int i = 0; i < 15; ++i) EXPECT_EQ(b->raw.v128[i], i);
  EXPECT_EQ(b->raw.v128[15], 255);

  Expected<Val> c = ParseVal(ValType::kV128, "f32x4:1.5 -0 inf nan:0x200000");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(FormatV128(c->raw.v128, V128Shape::kF32x4), "f32x4:1.5 -0 inf nan:0x200000");
  EXPECT_EQ(GetV128Lane(c->raw.v128, V128Shape::kF32x4, 1), 0x80000000u);

  Expected<Val> d = ParseVal(ValType::kV128, "f64x2:-nan 0.1");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(GetV128Lane(d->raw.v128, V128Shape::kF64x2, 0), 0xfff8000000000000ull);
  EXPECT_EQ(FormatV128(d->raw.v128, V128Shape::kF64x2), "f64x2:-nan 0.1");

  Expected<Val> e = ParseVal(ValType::kV128, "v128:i16x8:-32768 65535 0 0 0 0 0  1");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(FormatV128(e->raw.v128, V128Shape::kI16x8), "i16x8:-32768 -1 0 0 0 0 0 1");

  Expected<Val> f = ParseVal(ValType::kV128, "i64x2:-1 0x8000000000000000");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(FormatV128(f->raw.v128, V128Shape::kI64x2), "i64x2:-1 -9223372036854775808");
}

TEST(ValueText, PrintedV128ReadsBack) {
  const Val v = V128Bytes(
      {0x01, 0x00, 0xc0, 0xff, 0x00, 0x00, 0x80, 0x7f, 0x12, 0x34, 0x56, 0x78, 9, 8, 7, 6});
  for (V128Shape s : {V128Shape::kI8x16, V128Shape::kI16x8, V128Shape::kI32x4, V128Shape::kI64x2,
                      V128Shape::kF32x4, V128Shape::kF64x2}) {
    Expected<Val> back = ParseVal(ValType::kV128, FormatV128(v.raw.v128, s));
    ASSERT_TRUE(back.ok()) << FormatV128(v.raw.v128, s) << ": " << back.error().message;
    EXPECT_EQ(std::memcmp(back->raw.v128, v.raw.v128, 16), 0) << FormatV128(v.raw.v128, s);
  }
}

TEST(ValueText, BadV128Arguments) {
  for (const char* bad : {
           "1 2 3 4",                                  // no shape
           "i32:1 2 3 4",                              // a lane type is not a shape
           "i32x4:1 2 3",                              // too few lanes
           "i32x4:1 2 3 4 5",                          // too many lanes
           "i8x16:256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",  // lane out of range
           "i16x8:1 2 3 4 5 6 7 x",                    // not a number
           "f32x4:1 2 3 nan:0",                        // a NaN needs a payload
           "f64x2:1,2",                                // lanes are separated by spaces
           "v128:",                                    // nothing
           "i32x4:",                                   // no lanes
       }) {
    Expected<Val> v = ParseVal(ValType::kV128, bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_NE(v.error().message.find("is not a valid v128"), std::string::npos)
        << v.error().message;
  }
}

TEST(ValueText, ScalarsUnchanged) {
  EXPECT_EQ(FormatVal(Val::I32(-7)), "i32:-7");
  Expected<Val> f = ParseVal(ValType::kF64, "f64:-inf");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(FormatVal(*f), "f64:-inf");
  EXPECT_FALSE(ParseVal(ValType::kI32, "4294967296").ok());
}

}  // namespace
}  // namespace egret::tools

namespace egret::tools {
namespace {

TEST(ValueText, ExpectedV128PatternsPrintLikeResults) {
  EXPECT_EQ(FormatV128Pattern(V128Shape::kI32x4, {"1", "4294967295", "3", "2147483648"}),
            "i32x4:1 -1 3 -2147483648");
  EXPECT_EQ(FormatV128Pattern(V128Shape::kF32x4,
                              {"nan:canonical", "1065353216", "2143289344", "nan:arithmetic"}),
            "f32x4:nan:canonical 1 nan nan:arithmetic");
  EXPECT_EQ(FormatV128Pattern(V128Shape::kI8x16, {"255", "0", "128", "1", "2", "3", "4", "5", "6",
                                                  "7", "8", "9", "10", "11", "12", "13"}),
            "i8x16:-1 0 -128 1 2 3 4 5 6 7 8 9 10 11 12 13");
  EXPECT_EQ(FormatV128Pattern(V128Shape::kF64x2, {"9221120237041090560", "0"}), "f64x2:nan 0");
  // Out of the lane's range: printed as written rather than truncated.
  EXPECT_EQ(FormatV128Pattern(V128Shape::kI16x8, {"65536", "1", "2", "3", "4", "5", "6", "7"}),
            "i16x8:65536 1 2 3 4 5 6 7");
}

}  // namespace
}  // namespace egret::tools
