// SlotPool (memory_pool.h): fixed-size slots reused in LIFO order, reset so that no byte of a
// previous user survives (memset for small resets, madvise for large ones), limits with clear
// errors; and Table storage in a pool slot.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "runtime/memory_pool.h"
#include "runtime/table.h"

namespace egret::runtime {
namespace {

std::unique_ptr<SlotPool> MakePool(size_t count, uint64_t bytes) {
  auto p = SlotPool::Create("widget", "Config::widgets", count, bytes);
  EGRET_CHECK(p.ok());
  return std::move(*p);
}

bool AllZero(const uint8_t* p, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

TEST(SlotPool, ReuseLeavesNoDataBehind) {
  // Small resets (memset) and large ones (madvise), each checked over the whole slot.
  for (uint64_t used : {uint64_t{100}, uint64_t{4096 + 8}, SlotPool::kMadviseBytes + 5000}) {
    auto pool = MakePool(2, 2 * SlotPool::kMadviseBytes);
    Expected<uint8_t*> a = pool->Take(used);
    ASSERT_TRUE(a.ok());
    EXPECT_TRUE(AllZero(*a, pool->slot_bytes()));
    std::memset(*a, 0xA5, used);
    pool->Give(*a, used);
    EXPECT_EQ(pool->madvised(), used >= SlotPool::kMadviseBytes ? 1u : 0u) << used;
    Expected<uint8_t*> b = pool->Take(used);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(*b, *a);  // the slot just returned is reused first
    EXPECT_TRUE(AllZero(*b, pool->slot_bytes())) << "bytes of the previous user survived " << used;
  }
}

TEST(SlotPool, LimitsGiveClearErrors) {
  auto pool = MakePool(2, 1000);
  EXPECT_EQ(pool->slot_bytes() % 4096, 0u);  // whole pages
  EXPECT_GE(pool->slot_bytes(), 1000u);
  Expected<uint8_t*> a = pool->Take(10), b = pool->Take(pool->slot_bytes());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(pool->in_use(), 2u);
  Expected<uint8_t*> c = pool->Take(10);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("the widget pool is exhausted: all 2 slots are in use (raise "
                                   "Config::widgets"),
            std::string::npos)
      << c.error().message;
  pool->Give(*a, 10);
  EXPECT_EQ(pool->in_use(), 1u);
  Expected<uint8_t*> big = pool->Take(pool->slot_bytes() + 1);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("does not fit the pool's slots"), std::string::npos)
      << big.error().message;
  EXPECT_TRUE(pool->Take(1).ok());  // the refused request took nothing
  EXPECT_FALSE(SlotPool::Create("widget", "x", 0, 100).ok());
  EXPECT_FALSE(SlotPool::Create("widget", "x", 4, UINT64_MAX).ok());
  EXPECT_FALSE(SlotPool::Create("widget", "x", 1 << 20, uint64_t{1} << 40).ok());
}

TEST(SlotPool, TablesLiveInSlots) {
  auto pool = MakePool(1, 64 * sizeof(void*));  // a page: 512 elements
  const uint64_t capacity = pool->slot_bytes() / sizeof(void*);
  void* const p = reinterpret_cast<void*>(uintptr_t{0x1230});
  void** base = nullptr;
  {
    auto t = Table::Create({artifact::ValType::kFuncRef, {4, {}}}, p, 1'000'000, pool.get());
    ASSERT_TRUE(t.ok()) << t.error().ToString();
    Table& table = **t;
    EXPECT_EQ(table.max_elements(), capacity);  // capped at the slot
    base = table.definition()->base;
    EXPECT_EQ(table.definition()->base[3], p);
    EXPECT_EQ(table.Grow(capacity - 4 - 1, p), 4);
    EXPECT_EQ(table.definition()->base, base);  // growth in a slot never moves the base
    EXPECT_EQ(table.Grow(2, p), -1);            // beyond the slot
    EXPECT_EQ(table.Grow(1, p), int64_t(capacity - 1));
    EXPECT_EQ(table.size(), capacity);
    // The pool has no second slot.
    auto second = Table::Create({artifact::ValType::kFuncRef, {1, {}}}, nullptr, 100, pool.get());
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().message.find("exhausted"), std::string::npos);
    table.Clear();
    void* out = p;
    EXPECT_EQ(table.Get(capacity - 1, &out), std::nullopt);
    EXPECT_EQ(out, nullptr);
    table.Fill(0, p, capacity);  // left full: destruction must empty the slot
  }
  EXPECT_EQ(pool->in_use(), 0u);
  // The slot comes back empty; a minimum larger than a slot is refused with the setting's name.
  auto t = Table::Create({artifact::ValType::kExternRef, {0, {}}}, nullptr, 100, pool.get());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->definition()->base, base);
  EXPECT_TRUE(AllZero(reinterpret_cast<const uint8_t*>(base), pool->slot_bytes()));
  t->reset();
  auto huge = Table::Create({artifact::ValType::kFuncRef, {capacity + 1, {}}}, nullptr, 10'000'000,
                            pool.get());
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("does not fit the pool's table slots of " +
                                      std::to_string(capacity) + " elements"),
            std::string::npos)
      << huge.error().message;
  EXPECT_NE(huge.error().message.find("pooled_table_elements"), std::string::npos);
}

}  // namespace
}  // namespace egret::runtime
