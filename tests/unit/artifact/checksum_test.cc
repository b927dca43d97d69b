// Checksum64 is part of the format: its values are pinned, and it must notice small changes.
#include "artifact/checksum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <utility>
#include <vector>

namespace egret::artifact {
namespace {

// Checksum64 is XXH3-64 (format version 7 on): these are the XXH3_64bits_withSeed vectors that
// xxHash publishes with its command-line tool (cli/xsum_sanity_check.c, XSUM_XXH3_testdata),
// over its sanity buffer (XSUM_fillTestBuffer). They cover every length class of XXH3: 0, 1-3,
// 4-8, 9-16, 17-32, 33-64, 65-96, 129-240, one block, and several blocks with and without an
// overlapping last stripe. If one changes, every artifact ever written becomes unreadable.
constexpr uint64_t kPrime32 = 2654435761u;
constexpr uint64_t kPrime64 = 11400714785074694797ull;

std::vector<uint8_t> SanityBuffer(size_t len) {
  std::vector<uint8_t> buffer(len);
  uint64_t byte_gen = kPrime32;
  for (uint8_t& b : buffer) {
    b = uint8_t(byte_gen >> 56);
    byte_gen *= kPrime64;
  }
  return buffer;
}

struct Vector {
  size_t len;
  uint64_t seed;
  uint64_t want;
};
constexpr Vector kXxh3Vectors[] = {
    {0, 0, 0x2D06800538D394C2ull},    {0, kPrime64, 0xA8A6B918B2F0364Aull},
    {1, 0, 0xC44BDFF4074EECDBull},    {1, kPrime64, 0x032BE332DD766EF8ull},
    {6, 0, 0x27B56A84CD2D7325ull},    {6, kPrime64, 0x84589C116AB59AB9ull},
    {12, 0, 0xA713DAF0DFBB77E7ull},   {12, kPrime64, 0xE7303E1B2336DE0Eull},
    {24, 0, 0xA3FE70BF9D3510EBull},   {24, kPrime64, 0x850E80FC35BDD690ull},
    {48, 0, 0x397DA259ECBA1F11ull},   {48, kPrime64, 0xADC2CBAA44ACC616ull},
    {80, 0, 0xBCDEFBBB2C47C90Aull},   {80, kPrime64, 0xC6DD0CB699532E73ull},
    {195, 0, 0xCD94217EE362EC3Aull},  {195, kPrime64, 0xBA68003D370CB3D9ull},
    {403, 0, 0xCDEB804D65C6DEA4ull},  {403, kPrime64, 0x6259F6ECFD6443FDull},
    {512, 0, 0x617E49599013CB6Bull},  {512, kPrime64, 0x3CE457DE14C27708ull},
    {2048, 0, 0xDD59E2C3A5F038E0ull}, {2048, kPrime64, 0x66F81670669ABABCull},
    {2240, 0, 0x6E73A90539CF2948ull}, {2240, kPrime64, 0x757BA8487D1B5247ull},
    {2367, 0, 0xCB37AEB9E5D361EDull}, {2367, kPrime64, 0xD2DB3415B942B42Aull},
};

TEST(Checksum64, PublishedXxh3Vectors) {
  for (const Vector& v : kXxh3Vectors) {
    const std::vector<uint8_t> data = SanityBuffer(v.len);
    EXPECT_EQ(Checksum64(data, v.seed), v.want) << "length " << v.len << " seed " << v.seed;
    Checksum64Stream whole(v.seed);
    whole.Update(data);
    EXPECT_EQ(whole.Finish(), v.want) << "length " << v.len << " seed " << v.seed;
    Checksum64Stream bytewise(v.seed);
    for (size_t i = 0; i < v.len; ++i)
      bytewise.Update(std::span<const uint8_t>(data).subspan(i, 1));
    EXPECT_EQ(bytewise.Finish(), v.want) << "length " << v.len << " seed " << v.seed;
  }
}

// Every kernel gives XXH3's values, one-shot and streamed (on x86-64 with AVX2 both kernels run
// here; elsewhere only the baseline one).
TEST(Checksum64, EveryKernelGivesThePublishedValues) {
  using internal::ChecksumKernel;
  const ChecksumKernel active = internal::ActiveChecksumKernel();
  for (ChecksumKernel kernel : {ChecksumKernel::kBaseline, ChecksumKernel::kAvx2}) {
    if (!internal::SetChecksumKernelForTesting(kernel)) continue;
    EXPECT_EQ(internal::ActiveChecksumKernel(), kernel);
    for (const Vector& v : kXxh3Vectors) {
      const std::vector<uint8_t> data = SanityBuffer(v.len);
      EXPECT_EQ(Checksum64(data, v.seed), v.want) << "kernel " << int(kernel) << " len " << v.len;
      Checksum64Stream stream(v.seed);
      stream.Update(std::span<const uint8_t>(data).first(v.len / 3));
      stream.Update(std::span<const uint8_t>(data).subspan(v.len / 3));
      EXPECT_EQ(stream.Finish(), v.want) << "kernel " << int(kernel) << " len " << v.len;
    }
    // Long inputs, many blocks: both kernels agree with each other.
    const std::vector<uint8_t> big = SanityBuffer(100'003);
    static uint64_t first = 0;
    const uint64_t value = Checksum64(big, 7);
    if (first == 0) first = value;
    EXPECT_EQ(value, first);
  }
  ASSERT_TRUE(internal::SetChecksumKernelForTesting(active));
}

// The artifact writer seeds with the format version: different seeds, different values.
TEST(Checksum64, SeedMatters) {
  const std::vector<uint8_t> data = SanityBuffer(5000);
  std::set<uint64_t> seen;
  for (uint64_t seed = 0; seed < 10; ++seed)
    EXPECT_TRUE(seen.insert(Checksum64(data, seed)).second);
}

TEST(Checksum64, EverySingleBitFlipChangesTheValue) {
  std::mt19937 rng(7);
  for (size_t len : {1u, 7u, 8u, 9u, 31u, 32u, 33u, 63u, 64u, 65u, 200u}) {
    std::vector<uint8_t> data(len);
    for (auto& b : data) b = uint8_t(rng());
    const uint64_t base = Checksum64(data);
    for (size_t i = 0; i < len; ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        data[i] ^= uint8_t(1 << bit);
        EXPECT_NE(Checksum64(data), base) << "len " << len << " byte " << i << " bit " << bit;
        data[i] ^= uint8_t(1 << bit);
      }
    }
  }
}

TEST(Checksum64, LengthMatters) {
  // Trailing zeros must not collide with the shorter input.
  std::set<uint64_t> seen;
  std::vector<uint8_t> data;
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(seen.insert(Checksum64(data)).second) << "length " << i;
    data.push_back(0);
  }
}

// The streamed checksum (artifacts written to a file piece by piece) equals the one-call value
// for every way of cutting the input: pieces of 0 to 70 bytes, across stripe boundaries.
TEST(Checksum64Stream, AnySplitEqualsOneCall) {
  std::mt19937 rng(11);
  for (size_t len : {0u, 1u, 7u, 31u, 32u, 33u, 64u, 95u, 96u, 97u, 240u, 241u, 1000u, 4099u}) {
    std::vector<uint8_t> data(len);
    for (auto& b : data) b = uint8_t(rng());
    for (uint64_t seed : {0ull, 2ull}) {
      const uint64_t want = Checksum64(data, seed);
      for (int trial = 0; trial < 50; ++trial) {
        Checksum64Stream stream(seed);
        size_t at = 0;
        while (at < len) {
          const size_t piece = std::min<size_t>(len - at, rng() % 71);
          stream.Update(std::span<const uint8_t>(data).subspan(at, piece));
          at += piece;
        }
        ASSERT_EQ(stream.Finish(), want) << "length " << len << " seed " << seed;
      }
      Checksum64Stream whole(seed);
      whole.Update(data);
      EXPECT_EQ(whole.Finish(), want);
    }
  }
}

// A copied stream goes on independently of its original (the state holds no pointer into
// itself), across XXH3's 256-byte internal buffer and 1 KiB blocks.
TEST(Checksum64Stream, CopiesAreIndependent) {
  const std::vector<uint8_t> data = SanityBuffer(3000);
  const std::span<const uint8_t> all(data);
  for (size_t cut : {0u, 100u, 256u, 1100u, 2999u}) {
    Checksum64Stream a(7);
    a.Update(all.first(cut));
    Checksum64Stream b = a;
    a.Update(all.subspan(cut));
    EXPECT_EQ(a.Finish(), Checksum64(data, 7)) << "cut " << cut;
    const size_t half = (data.size() - cut) / 2;
    b.Update(all.subspan(cut, half));
    EXPECT_EQ(b.Finish(), Checksum64(all.first(cut + half), 7)) << "cut " << cut;
  }
}

}  // namespace
}  // namespace egret::artifact
