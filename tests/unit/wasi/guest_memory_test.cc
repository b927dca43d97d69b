// guest_memory_test.cc: bounds checks on guest pointers, including the ptr + len overflow cases
// a 32-bit guest can produce.
#include "runtime/wasi/guest_memory.h"

#include <gtest/gtest.h>

#include <vector>

namespace egret::wasi {
namespace {

TEST(GuestMemory, InBoundsEdges) {
  std::vector<uint8_t> bytes(100);
  GuestMemory mem(bytes.data(), bytes.size());
  EXPECT_TRUE(mem.InBounds(0, 100));
  EXPECT_TRUE(mem.InBounds(100, 0));  // empty range at the end
  EXPECT_TRUE(mem.InBounds(99, 1));
  EXPECT_FALSE(mem.InBounds(99, 2));
  EXPECT_FALSE(mem.InBounds(101, 0));
  EXPECT_FALSE(mem.InBounds(0, 101));
}

TEST(GuestMemory, NoWrapAround) {
  std::vector<uint8_t> bytes(100);
  GuestMemory mem(bytes.data(), bytes.size());
  // ptr + len would wrap in 32 (and 64) bits.
  EXPECT_FALSE(mem.InBounds(0xFFFFFFFFu, 2));
  EXPECT_FALSE(mem.InBounds(50, UINT64_MAX));
  EXPECT_FALSE(mem.InBounds(UINT64_MAX, 1));
  // A count * size product is formed in 64 bits.
  EXPECT_FALSE(mem.ArrayInBounds(0, 0x20000000u, 8));  // 0x1'0000'0000 bytes, 0 in 32 bits
  EXPECT_TRUE(mem.ArrayInBounds(0, 12, 8));
  EXPECT_FALSE(mem.ArrayInBounds(8, 12, 8));
}

TEST(GuestMemory, UnalignedLittleEndianAccess) {
  std::vector<uint8_t> bytes(16);
  GuestMemory mem(bytes.data(), bytes.size());
  ASSERT_TRUE(mem.Store<uint32_t>(3, 0x11223344u));
  EXPECT_EQ(bytes[3], 0x44);
  EXPECT_EQ(bytes[6], 0x11);
  uint32_t v = 0;
  ASSERT_TRUE(mem.Load<uint32_t>(3, &v));
  EXPECT_EQ(v, 0x11223344u);
  EXPECT_FALSE(mem.Store<uint64_t>(9, 1));  // 9 + 8 > 16
  uint64_t w = 7;
  EXPECT_FALSE(mem.Load<uint64_t>(12, &w));
  EXPECT_EQ(w, 7u);  // untouched on failure
}

TEST(GuestMemory, SpanAndString) {
  std::vector<uint8_t> bytes = {'a', 'b', 'c'};
  GuestMemory mem(bytes.data(), bytes.size());
  std::string_view s;
  ASSERT_TRUE(mem.String(1, 2, &s));
  EXPECT_EQ(s, "bc");
  EXPECT_FALSE(mem.String(2, 2, &s));
  std::span<uint8_t> span;
  ASSERT_TRUE(mem.Span(3, 0, &span));
  EXPECT_EQ(span.size(), 0u);
  EXPECT_FALSE(mem.Span(4, 0, &span));
}

TEST(GuestMemory, EmptyMemoryRejectsEverythingButEmptyAtZero) {
  GuestMemory mem;
  EXPECT_TRUE(mem.InBounds(0, 0));
  EXPECT_FALSE(mem.InBounds(0, 1));
  uint8_t b;
  EXPECT_FALSE(mem.Load<uint8_t>(0, &b));
}

}  // namespace
}  // namespace egret::wasi
