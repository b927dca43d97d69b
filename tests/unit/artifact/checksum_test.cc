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

TEST(Checksum64, Deterministic) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7);
  EXPECT_EQ(Checksum64(data), Checksum64(data));
  EXPECT_NE(Checksum64(data, 1), Checksum64(data, 2));
}

TEST(Checksum64, PinnedValues) {
  // If these change, every artifact ever written becomes unreadable: bump kFormatVersion.
  std::vector<uint8_t> empty;
  std::vector<uint8_t> abc = {'a', 'b', 'c'};
  std::vector<uint8_t> long_input(100);
  for (size_t i = 0; i < long_input.size(); ++i) long_input[i] = uint8_t(i);
  EXPECT_EQ(Checksum64(empty), Checksum64(empty));
  const uint64_t v_empty = Checksum64(empty), v_abc = Checksum64(abc),
                 v_long = Checksum64(long_input);
  EXPECT_NE(v_empty, v_abc);
  EXPECT_NE(v_abc, v_long);
  EXPECT_EQ(v_empty, 0xd8a310150df90781ull);
  EXPECT_EQ(v_abc, 0x682357356540e819ull);
  EXPECT_EQ(v_long, 0xd2d52c10ef27f95ull);
}

// Inputs of one and more 64-byte pairs of stripes, with and without a single stripe and a tail
// after them (FoldStripes folds two stripes per iteration): values of the one-stripe-a-time loop.
TEST(Checksum64, PinnedValuesAcrossStripePairs) {
  const std::pair<size_t, uint64_t> pinned[] = {
      {64, 0x59554274877ceb9eull},  {96, 0xaa44a36889377070ull},   {127, 0xc95bee1e6fa0be83ull},
      {128, 0xf54e663f8d86d148ull}, {1000, 0x7523a65cd23b3fe5ull}, {4099, 0x11bb80bd8cce7e1cull},
  };
  for (const auto& [len, want] : pinned) {
    std::vector<uint8_t> data(len);
    for (size_t i = 0; i < len; ++i) data[i] = uint8_t(i * 7 + 3);
    EXPECT_EQ(Checksum64(data), want) << "length " << len;
    Checksum64Stream stream;
    stream.Update(std::span<const uint8_t>(data).first(len / 3));
    stream.Update(std::span<const uint8_t>(data).subspan(len / 3));
    EXPECT_EQ(stream.Finish(), want) << "length " << len;
  }
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
  for (size_t len : {0u, 1u, 7u, 31u, 32u, 33u, 64u, 95u, 96u, 97u, 1000u, 4099u}) {
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

}  // namespace
}  // namespace egret::artifact
