// LinearMemory: reservation and growth, limits and caps, and bulk operations' bounds checks.
#include "runtime/linear_memory.h"

#include <gtest/gtest.h>

#include <cstring>

namespace egret::runtime {
namespace {

constexpr uint64_t kPage = LinearMemory::kPageSize;

std::unique_ptr<LinearMemory> Make(uint64_t min, std::optional<uint64_t> max,
                                   LinearMemoryConfig config = {}) {
  auto m = LinearMemory::Create({{min, max}, false, false}, config);
  EGRET_CHECK(m.ok());
  return std::move(*m);
}

TEST(LinearMemory, CreateAndGrow) {
  auto m = Make(1, 3);
  EXPECT_EQ(m->pages(), 1u);
  EXPECT_EQ(m->size_bytes(), kPage);
  EXPECT_TRUE(m->has_guard_pages());
  EXPECT_EQ(m->reserved_bytes(), 8ull << 30);
  EXPECT_EQ(m->definition()->base, m->base());
  EXPECT_EQ(m->definition()->current_length, kPage);
  m->base()[kPage - 1] = 7;  // the last byte is writable
  EXPECT_EQ(m->Grow(0), 1);
  EXPECT_EQ(m->Grow(2), 1);
  EXPECT_EQ(m->pages(), 3u);
  EXPECT_EQ(m->definition()->current_length, 3 * kPage);
  m->base()[3 * kPage - 1] = 9;
  EXPECT_EQ(m->base()[kPage - 1], 7);
  EXPECT_EQ(m->Grow(1), -1);  // past the maximum
  EXPECT_EQ(m->pages(), 3u);
  EXPECT_EQ(m->Grow(UINT64_MAX), -1);  // no overflow
}

TEST(LinearMemory, DefaultMaximumAndCap) {
  auto m = Make(0, std::nullopt);
  EXPECT_EQ(m->max_pages(), 65536u);
  EXPECT_EQ(m->size_bytes(), 0u);
  EXPECT_EQ(m->Grow(65537), -1);
  LinearMemoryConfig capped;
  capped.max_pages_cap = 10;
  auto c = Make(2, 100, capped);
  EXPECT_EQ(c->max_pages(), 10u);
  EXPECT_EQ(c->Grow(8), 2);
  EXPECT_EQ(c->Grow(1), -1);
  EXPECT_FALSE(LinearMemory::Create({{11, {}}, false, false}, capped).ok());
}

TEST(LinearMemory, WithoutGuardPages) {
  LinearMemoryConfig config;
  config.guard_pages = false;
  auto m = Make(1, 4, config);
  EXPECT_FALSE(m->has_guard_pages());
  EXPECT_EQ(m->reserved_bytes(), 4 * kPage);
  EXPECT_EQ(m->Grow(3), 1);
  EXPECT_EQ(m->Grow(1), -1);
  // memory64 never relies on guard pages.
  auto m64 = LinearMemory::Create({{1, 2}, true, false});
  ASSERT_TRUE(m64.ok());
  EXPECT_FALSE((*m64)->has_guard_pages());
}

TEST(LinearMemory, RelocatedDefinitionFollowsGrowth) {
  auto m = Make(1, 4);
  VMMemoryDefinition in_vmctx;
  m->RelocateDefinition(&in_vmctx);
  EXPECT_EQ(in_vmctx.base, m->base());
  EXPECT_EQ(in_vmctx.current_length, kPage);
  m->Grow(2);
  EXPECT_EQ(in_vmctx.current_length, 3 * kPage);
  EXPECT_EQ(m->definition(), &in_vmctx);
}

TEST(LinearMemory, FillAndBounds) {
  auto m = Make(1, 1);
  EXPECT_EQ(m->Fill(10, 0xAB, 5), std::nullopt);
  EXPECT_EQ(m->base()[9], 0);
  EXPECT_EQ(m->base()[10], 0xAB);
  EXPECT_EQ(m->base()[14], 0xAB);
  EXPECT_EQ(m->base()[15], 0);
  EXPECT_EQ(m->Fill(kPage, 1, 0), std::nullopt);  // empty at the end: allowed
  EXPECT_EQ(m->Fill(kPage + 1, 1, 0), TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(m->Fill(kPage - 1, 1, 2), TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(m->base()[kPage - 1], 0);  // nothing written on a trap
  EXPECT_EQ(m->Fill(UINT64_MAX, 1, 2), TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(m->Fill(2, 1, UINT64_MAX), TrapCode::kHeapOutOfBounds);
}

TEST(LinearMemory, CopyOverlapping) {
  auto m = Make(1, 1);
  for (int i = 0; i < 10; ++i) m->base()[i] = uint8_t(i);
  EXPECT_EQ(m->Copy(2, 0, 8), std::nullopt);  // forward overlap
  const uint8_t want1[] = {0, 1, 0, 1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(std::memcmp(m->base(), want1, 10), 0);
  EXPECT_EQ(m->Copy(0, 2, 8), std::nullopt);  // backward overlap
  const uint8_t want2[] = {0, 1, 2, 3, 4, 5, 6, 7, 6, 7};
  EXPECT_EQ(std::memcmp(m->base(), want2, 10), 0);
  EXPECT_EQ(m->Copy(kPage - 4, 0, 5), TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(m->Copy(0, kPage - 4, 5), TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(m->Copy(kPage, kPage, 0), std::nullopt);
  auto other = Make(1, 1);
  EXPECT_EQ(LinearMemory::CopyBetween(*other, 100, *m, 0, 4), std::nullopt);
  EXPECT_EQ(other->base()[103], 3);
}

TEST(LinearMemory, InitFromSegment) {
  auto m = Make(1, 1);
  const uint8_t seg[] = {1, 2, 3, 4, 5};
  EXPECT_EQ(m->Init(100, seg, 1, 3), std::nullopt);
  EXPECT_EQ(m->base()[100], 2);
  EXPECT_EQ(m->base()[102], 4);
  EXPECT_EQ(m->Init(0, seg, 5, 0), std::nullopt);
  EXPECT_EQ(m->Init(0, seg, 6, 0), TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(m->Init(0, seg, 3, 3), TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(m->Init(kPage - 2, seg, 0, 3), TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(m->Init(0, {}, 0, 0), std::nullopt);  // a dropped segment
  EXPECT_EQ(m->Init(0, {}, 0, 1), TrapCode::kHeapOutOfBounds);
  EXPECT_NE(m->Checked(kPage - 4, 4), nullptr);
  EXPECT_EQ(m->Checked(kPage - 4, 5), nullptr);
}

TEST(LinearMemory, ManyMemoriesFitInTheAddressSpace) {
  // 8 GiB reservations are address space, not memory: a few dozen instances must be fine.
  std::vector<std::unique_ptr<LinearMemory>> all;
  for (int i = 0; i < 32; ++i) all.push_back(Make(1, std::nullopt));
  for (auto& m : all) m->base()[0] = 1;
}

}  // namespace
}  // namespace egret::runtime
