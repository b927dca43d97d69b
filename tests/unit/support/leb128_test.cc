// LEB128 decoding edge cases from the spec's binary-leb128.wast, plus round trips.
#include "support/leb128.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace egret {
namespace {

std::vector<uint8_t> B(std::initializer_list<int> bytes) {
  std::vector<uint8_t> v;
  for (int b : bytes) v.push_back(static_cast<uint8_t>(b));
  return v;
}

TEST(Leb128, U32Basic) {
  auto bytes = B({0xe5, 0x8e, 0x26});
  ByteReader r(bytes);
  auto v = r.ReadU32();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 624485u);
  EXPECT_TRUE(r.at_end());
}

TEST(Leb128, U32NonMinimalEncodingsAreAccepted) {
  auto bytes = B({0x80, 0x80, 0x80, 0x80, 0x00});  // 0 in five bytes
  ByteReader r(bytes);
  auto v = r.ReadU32();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 0u);
}

TEST(Leb128, U32Max) {
  auto bytes = B({0xff, 0xff, 0xff, 0xff, 0x0f});
  ByteReader r(bytes);
  EXPECT_EQ(*r.ReadU32(), 0xffffffffu);
}

TEST(Leb128, U32UnusedBitsSetIsTooLarge) {
  auto bytes = B({0xff, 0xff, 0xff, 0xff, 0x1f});
  ByteReader r(bytes);
  auto v = r.ReadU32();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "integer too large");
  EXPECT_EQ(v.error().offset, 0u);
}

TEST(Leb128, U32SixBytesIsTooLong) {
  auto bytes = B({0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  ByteReader r(bytes);
  auto v = r.ReadU32();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "integer representation too long");
}

TEST(Leb128, TruncatedIsUnexpectedEnd) {
  auto bytes = B({0x80, 0x80});
  ByteReader r(bytes, 100);
  auto v = r.ReadU32();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "unexpected end");
  EXPECT_EQ(v.error().offset, 102u);  // absolute offset where input ran out
}

TEST(Leb128, S32NegativeOne) {
  auto bytes = B({0x7f});
  ByteReader r(bytes);
  EXPECT_EQ(*r.ReadS32(), -1);
}

TEST(Leb128, S32MinAndMax) {
  auto min = B({0x80, 0x80, 0x80, 0x80, 0x78});
  ByteReader r1(min);
  EXPECT_EQ(*r1.ReadS32(), std::numeric_limits<int32_t>::min());
  auto max = B({0xff, 0xff, 0xff, 0xff, 0x07});
  ByteReader r2(max);
  EXPECT_EQ(*r2.ReadS32(), std::numeric_limits<int32_t>::max());
}

TEST(Leb128, S32UnusedBitsMustBeSignExtension) {
  // From binary-leb128.wast: 0x80 0x80 0x80 0x80 0x70 is malformed (bits disagree with sign).
  for (int last : {0x70, 0x0f, 0x1f, 0x4f}) {
    auto bytes = B({0x80, 0x80, 0x80, 0x80, last});
    ByteReader r(bytes);
    auto v = r.ReadS32();
    ASSERT_FALSE(v.ok()) << std::hex << last;
    EXPECT_EQ(v.error().message, "integer too large");
  }
}

TEST(Leb128, S32NonMinimalNegative) {
  auto bytes = B({0xff, 0xff, 0xff, 0xff, 0x7f});  // -1 in five bytes
  ByteReader r(bytes);
  EXPECT_EQ(*r.ReadS32(), -1);
}

TEST(Leb128, S33BlockTypeRange) {
  // s33 holds a type index up to 2^32-1 and negative block types.
  auto big = B({0xff, 0xff, 0xff, 0xff, 0x0f});
  ByteReader r(big);
  EXPECT_EQ(*r.ReadS33(), int64_t{0xffffffff});
  auto neg = B({0x40});
  ByteReader r2(neg);
  EXPECT_EQ(*r2.ReadS33(), -64);
  auto bad = B({0xff, 0xff, 0xff, 0xff, 0x2f});  // bit 5 disagrees with sign bit 4
  ByteReader r3(bad);
  EXPECT_FALSE(r3.ReadS33().ok());
}

TEST(Leb128, U64AndS64Limits) {
  auto umax = B({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  ByteReader r(umax);
  EXPECT_EQ(*r.ReadU64(), ~uint64_t{0});
  auto utoo = B({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02});
  ByteReader r2(utoo);
  EXPECT_EQ(r2.ReadU64().error().message, "integer too large");
  auto smin = B({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f});
  ByteReader r3(smin);
  EXPECT_EQ(*r3.ReadS64(), std::numeric_limits<int64_t>::min());
  auto sbad = B({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  ByteReader r4(sbad);
  EXPECT_EQ(r4.ReadS64().error().message, "integer too large");
  auto slong = B({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  ByteReader r5(slong);
  EXPECT_EQ(r5.ReadS64().error().message, "integer representation too long");
}

TEST(Leb128, FixedWidthAndBytes) {
  auto bytes = B({0x01, 0x02, 0x03, 0x04, 0xaa});
  ByteReader r(bytes);
  EXPECT_EQ(*r.ReadFixedU32(), 0x04030201u);
  EXPECT_FALSE(r.ReadFixedU32().ok());
  EXPECT_EQ(*r.ReadU8(), 0xaa);
  EXPECT_FALSE(r.ReadU8().ok());
  EXPECT_FALSE(r.ReadBytes(1).ok());
}

TEST(Leb128, RoundTripRandom) {
  std::mt19937_64 rng(1234);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t raw = rng() >> (rng() % 64);
    std::vector<uint8_t> out;
    WriteU64(out, raw);
    WriteS64(out, static_cast<int64_t>(raw));
    WriteS64(out, -static_cast<int64_t>(raw));
    WriteU32(out, static_cast<uint32_t>(raw));
    WriteS32(out, static_cast<int32_t>(raw));
    ByteReader r(out);
    EXPECT_EQ(*r.ReadU64(), raw);
    EXPECT_EQ(*r.ReadS64(), static_cast<int64_t>(raw));
    EXPECT_EQ(*r.ReadS64(), -static_cast<int64_t>(raw));
    EXPECT_EQ(*r.ReadU32(), static_cast<uint32_t>(raw));
    EXPECT_EQ(*r.ReadS32(), static_cast<int32_t>(raw));
    EXPECT_TRUE(r.at_end());
  }
}

TEST(Leb128, WritersAreMinimal) {
  std::vector<uint8_t> out;
  WriteS64(out, -64);
  EXPECT_EQ(out, B({0x40}));
  out.clear();
  WriteS64(out, 64);
  EXPECT_EQ(out, B({0xc0, 0x00}));
  out.clear();
  WriteU32(out, 127);
  EXPECT_EQ(out, B({0x7f}));
}

}  // namespace
}  // namespace egret
