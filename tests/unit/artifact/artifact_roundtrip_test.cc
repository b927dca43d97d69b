// Round trips: whatever valid artifact the writer encodes, the reader gives back unchanged, and
// the queries the runtime relies on (trap lookup, PC → function, names) answer correctly.
#include <gtest/gtest.h>

#include <random>

#include "artifact/artifact.h"
#include "artifact/artifact_reader.h"
#include "artifact/artifact_writer.h"
#include "tests/unit/artifact/random_artifact.h"

namespace egret::artifact {
namespace {

TEST(ArtifactRoundTrip, SmallArtifact) {
  Artifact a = testing::SmallArtifact();
  auto bytes = WriteArtifact(a);
  auto back = ReadArtifact(bytes);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, a);
}

// The per-entry tables' LEB128 writer has separate paths for one, two, three and more bytes:
// every width boundary round-trips (the source location's Wasm offset is unconstrained), in
// the size the writer gives each entry.
TEST(ArtifactRoundTrip, Leb128WidthBoundaries) {
  const uint32_t values[] = {0,        0x7f,     0x80,      0x3fff,     0x4000,
                             0x1fffff, 0x200000, 0xfffffff, 0x10000000, UINT32_MAX};
  const size_t base = WriteArtifact(testing::SmallArtifact()).size();
  for (uint32_t v : values) {
    Artifact a = testing::SmallArtifact();
    ASSERT_EQ(a.source_locs.size(), 1u);
    a.source_locs[0].wasm_offset = v;
    auto bytes = WriteArtifact(a);
    const size_t width = v < (1u << 7)    ? 1
                         : v < (1u << 14) ? 2
                         : v < (1u << 21) ? 3
                         : v < (1u << 28) ? 4
                                          : 5;
    // SmallArtifact's own Wasm offset (0x2a) takes one byte.
    EXPECT_EQ(bytes.size(), base + width - 1) << v;
    auto back = ReadArtifact(bytes);
    ASSERT_TRUE(back.ok()) << v << ": " << back.error().ToString();
    EXPECT_EQ(*back, a) << v;
  }
}

// Stack maps are written through the same raw LEB128 writer, in room reserved per map: a map
// whose frame size, slot count and slot deltas take two and three bytes round-trips.
TEST(ArtifactRoundTrip, StackMapWithWideFields) {
  Artifact a = testing::SmallArtifact();
  ASSERT_EQ(a.stack_maps.size(), 1u);
  a.stack_map_slots.clear();
  for (uint32_t slot = 0; slot < 128; ++slot) a.stack_map_slots.push_back(slot);
  a.stack_map_slots.push_back(200);
  a.stack_map_slots.push_back(0x4000);
  a.stack_maps[0].frame_size = 8 * 0x4001;                         // 16,385 words: three bytes
  a.stack_maps[0].num_slots = uint32_t(a.stack_map_slots.size());  // 130: two bytes
  auto back = ReadArtifact(WriteArtifact(a));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, a);
}

TEST(ArtifactRoundTrip, EmptyArtifact) {
  Artifact a;
  auto bytes = WriteArtifact(a);
  EXPECT_EQ(bytes.size(), 32u);  // header only: every section is omitted
  auto back = ReadArtifact(bytes);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, a);
}

TEST(ArtifactRoundTrip, RandomArtifacts) {
  std::mt19937 rng(12345);
  for (int i = 0; i < 500; ++i) {
    Artifact a = testing::RandomArtifact(rng, 1 + i % 8);
    auto bytes = WriteArtifact(a);
    auto back = ReadArtifact(bytes);
    ASSERT_TRUE(back.ok()) << "iteration " << i << ": " << back.error().ToString();
    ASSERT_EQ(*back, a) << "iteration " << i;
    // Writing is deterministic: the re-read artifact encodes to the same bytes.
    ASSERT_EQ(WriteArtifact(*back), bytes);
  }
}

// The streamed writer (egret compile -o FILE) gives the same bytes in pieces, and data segment
// bytes given from outside the Artifact (WriteOptions::data_bytes) encode as if they were in it;
// a sink that refuses a piece stops the write.
TEST(ArtifactRoundTrip, StreamedWithOutsideDataEqualsWhole) {
  std::mt19937 rng(777);
  for (int i = 0; i < 200; ++i) {
    const Artifact a = testing::RandomArtifact(rng, 1 + i % 8);
    const std::vector<uint8_t> want = WriteArtifact(a);
    Artifact stripped = a;
    WriteOptions options;
    for (DataSegment& d : stripped.data) d.bytes.clear();
    for (const DataSegment& d : a.data) options.data_bytes.push_back(d.bytes);
    ASSERT_EQ(WriteArtifact(stripped, options), want) << "iteration " << i;
    std::vector<uint8_t> streamed;
    size_t pieces = 0;
    ASSERT_TRUE(WriteArtifact(stripped, options, [&](std::span<const uint8_t> piece) {
      streamed.insert(streamed.end(), piece.begin(), piece.end());
      ++pieces;
      return true;
    }));
    ASSERT_EQ(streamed, want) << "iteration " << i;
    size_t calls = 0;
    EXPECT_FALSE(WriteArtifact(a, {}, [&](std::span<const uint8_t>) { return ++calls < pieces; }));
    EXPECT_EQ(calls, pieces);
  }
}

TEST(ArtifactQueries, LookupTrap) {
  Artifact a;
  a.text.resize(64);
  a.traps = {{3, TrapCode::kUnreachable},
             {10, TrapCode::kHeapOutOfBounds},
             {11, TrapCode::kIntegerDivisionByZero}};
  EXPECT_EQ(a.LookupTrap(3), TrapCode::kUnreachable);
  EXPECT_EQ(a.LookupTrap(10), TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(a.LookupTrap(11), TrapCode::kIntegerDivisionByZero);
  EXPECT_EQ(a.LookupTrap(0), std::nullopt);
  EXPECT_EQ(a.LookupTrap(4), std::nullopt);
  EXPECT_EQ(a.LookupTrap(12), std::nullopt);
}

TEST(ArtifactQueries, FrameRangeAt) {
  Artifact a;
  a.functions = {Function{0, {0, 10}, {}}, Function{0, {10, 6}, {}}};
  a.frame_ranges = {{0, 1, FrameKind::kReturnAtSp},
                    {1, 3, FrameKind::kReturnAtSp8},
                    {9, 1, FrameKind::kReturnAtSp},
                    {10, 6, FrameKind::kReturnAtSp}};
  for (uint32_t off : {4u, 5u, 8u, 16u, 100u}) EXPECT_EQ(a.FrameRangeAt(off), nullptr) << off;
  auto kind_at = [&](uint32_t off) { return a.FrameRangeAt(off)->kind; };
  EXPECT_EQ(kind_at(0), FrameKind::kReturnAtSp);
  EXPECT_EQ(kind_at(1), FrameKind::kReturnAtSp8);
  EXPECT_EQ(kind_at(3), FrameKind::kReturnAtSp8);
  EXPECT_EQ(kind_at(9), FrameKind::kReturnAtSp);
  EXPECT_EQ(a.FrameRangeAt(15)->offset, 10u);
  EXPECT_FALSE(a.IsFrameless(0));
  EXPECT_TRUE(a.IsFrameless(1));
  a.frame_ranges.clear();
  EXPECT_EQ(a.FrameRangeAt(0), nullptr);
  EXPECT_FALSE(a.IsFrameless(1));
}

TEST(ArtifactQueries, LookupStackMap) {
  Artifact a;
  a.text.resize(64);
  a.stack_maps = {{5, 16, 0, 1}, {9, 32, 1, 0}, {20, 24, 1, 2}};
  a.stack_map_slots = {1, 0, 2};
  for (uint32_t off : {0u, 4u, 6u, 10u, 19u, 21u, 64u}) EXPECT_EQ(a.LookupStackMap(off), nullptr);
  const StackMap* m = a.LookupStackMap(20);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->frame_size, 24u);
  std::span<const uint32_t> slots = a.StackMapSlots(*m);
  EXPECT_EQ(std::vector<uint32_t>(slots.begin(), slots.end()), (std::vector<uint32_t>{0, 2}));
  ASSERT_NE(a.LookupStackMap(9), nullptr);
  EXPECT_TRUE(a.StackMapSlots(*a.LookupStackMap(9)).empty());
  ASSERT_NE(a.LookupStackMap(5), nullptr);
  EXPECT_EQ(a.StackMapSlots(*a.LookupStackMap(5))[0], 1u);
}

TEST(ArtifactQueries, FunctionAtAndNames) {
  Artifact a = testing::SmallArtifact();
  // Defined function 0 covers [0, 8), function 1 covers [8, 10); [10, 12) are trampolines.
  EXPECT_EQ(a.FunctionAt(0), 0u);
  EXPECT_EQ(a.FunctionAt(7), 0u);
  EXPECT_EQ(a.FunctionAt(8), 1u);
  EXPECT_EQ(a.FunctionAt(9), 1u);
  EXPECT_EQ(a.FunctionAt(10), std::nullopt);
  EXPECT_EQ(a.FunctionAt(1000), std::nullopt);
  EXPECT_EQ(a.FunctionNameOf(1), "ud2_fn");
  EXPECT_EQ(a.FunctionNameOf(2), "nop");
  EXPECT_EQ(a.FunctionNameOf(0), "");
  EXPECT_EQ(a.NumFunctions(), 3u);
  EXPECT_EQ(a.NumGlobals(), 2u);
  ASSERT_NE(a.FunctionType(0), nullptr);
  EXPECT_EQ(FuncTypeToString(*a.FunctionType(0)), "(i32) -> (i32)");
  EXPECT_EQ(FuncTypeToString(*a.FunctionType(2)), "() -> ()");
  EXPECT_EQ(a.FunctionType(3), nullptr);
}

TEST(ArtifactQueries, FunctionAtWithGaps) {
  Artifact a;
  a.text.resize(100);
  a.functions = {Function{0, {10, 5}, {}}, Function{0, {20, 10}, {}}, Function{0, {30, 1}, {}}};
  EXPECT_EQ(a.FunctionAt(9), std::nullopt);
  EXPECT_EQ(a.FunctionAt(10), 0u);
  EXPECT_EQ(a.FunctionAt(14), 0u);
  EXPECT_EQ(a.FunctionAt(15), std::nullopt);
  EXPECT_EQ(a.FunctionAt(29), 1u);
  EXPECT_EQ(a.FunctionAt(30), 2u);
  EXPECT_EQ(a.FunctionAt(31), std::nullopt);
}

}  // namespace
}  // namespace egret::artifact
