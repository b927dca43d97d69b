// interval_set_test.cc: IntervalMap against std::map.
//
// Random inserts and erases of entries keyed by (register, start) over several registers, with
// keys dense enough to collide and form long probe clusters (so erases shift entries back across
// the table's end), growth past the size Reset asked for, and Reset reusing the storage: after
// every step each present key must be found with its entry, and the set of entries must equal
// the reference.
#include "regalloc/interval_set.h"

#include <cstdint>
#include <map>
#include <random>
#include <tuple>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace egret::regalloc {
namespace {

using Entry = IntervalMap::Entry;
using Ref = std::map<std::pair<uint32_t, uint32_t>, Entry>;  // (reg, from) -> entry

void ExpectSame(const IntervalMap& map, const Ref& ref) {
  ASSERT_EQ(map.size(), ref.size());
  for (const auto& [key, e] : ref) {
    const Entry& got = map.Find(key.first, key.second);
    EXPECT_EQ(got.from, e.from);
    EXPECT_EQ(got.to, e.to);
    EXPECT_EQ(got.bundle, e.bundle);
    EXPECT_EQ(got.weight, e.weight);
  }
  Ref seen;
  map.ForEachEntry([&](uint32_t reg, const Entry& e) {
    EXPECT_TRUE(seen.emplace(std::make_pair(reg, e.from), e).second);
  });
  ASSERT_EQ(seen.size(), ref.size());
  for (const auto& [key, e] : ref) EXPECT_EQ(seen.at(key).bundle, e.bundle);
}

TEST(IntervalMap, RandomInsertEraseFindMatchStdMap) {
  std::mt19937 rng(12345);
  IntervalMap map;
  for (int round = 0; round < 6; ++round) {
    // Rounds alternate between a table sized for what comes and one that must grow.
    map.Reset(round % 2 == 0 ? 4 : 600);
    Ref ref;
    const uint32_t points = 64 + 300 * static_cast<uint32_t>(round);
    const uint32_t regs = 1 + static_cast<uint32_t>(round);
    uint32_t next_id = 0;
    for (int step = 0; step < 1500; ++step) {
      if (ref.empty() || rng() % 3 != 0) {
        const uint32_t reg = rng() % regs, from = rng() % points;
        if (ref.count({reg, from}) != 0) continue;
        const Entry e{from, from + 1 + static_cast<uint32_t>(rng() % 8), next_id++,
                      static_cast<float>(rng() % 100)};
        map.Insert(reg, e);
        ref.emplace(std::make_pair(reg, from), e);
      } else {
        auto it = ref.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(rng() % ref.size()));
        map.Erase(it->first.first, it->first.second);
        ref.erase(it);
      }
      if (step % 50 == 0 || step > 1450) {
        ASSERT_NO_FATAL_FAILURE(ExpectSame(map, ref));
      }
    }
    // Empty it again entry by entry: every erase shifts the rest of its cluster back.
    while (!ref.empty()) {
      auto it = ref.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(rng() % ref.size()));
      map.Erase(it->first.first, it->first.second);
      ref.erase(it);
      if (ref.size() % 37 == 0) {
        ASSERT_NO_FATAL_FAILURE(ExpectSame(map, ref));
      }
    }
    EXPECT_EQ(map.size(), 0u);
  }
}

// Inserts in sweeps of increasing starts in a few registers, as the allocator makes them, with
// erases between sweeps, starting from a table far too small.
TEST(IntervalMap, SweepsWithErasesMatchStdMap) {
  std::mt19937 rng(777);
  IntervalMap map;
  map.Reset(0);
  Ref ref;
  uint32_t next_id = 0;
  for (int sweep = 0; sweep < 12; ++sweep) {
    const uint32_t reg = static_cast<uint32_t>(sweep) % 3;
    for (uint32_t p = rng() % 7; p < 4000; p += 1 + rng() % (sweep < 4 ? 40 : 9)) {
      if (ref.count({reg, p}) != 0) continue;
      const Entry e{p, p + 2, next_id++, 1.0f};
      map.Insert(reg, e);
      ref.emplace(std::make_pair(reg, p), e);
    }
    for (int k = 0; k < 200 && !ref.empty(); ++k) {
      auto it = ref.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(rng() % ref.size()));
      map.Erase(it->first.first, it->first.second);
      ref.erase(it);
    }
    ASSERT_NO_FATAL_FAILURE(ExpectSame(map, ref)) << "sweep " << sweep;
  }
}

TEST(IntervalMap, ResetEmptiesAndKeysOfRegistersAreDistinct) {
  IntervalMap map;
  map.Reset(2);
  map.Insert(0, {8, 12, 1, 0.5f});
  map.Insert(1, {8, 10, 2, 0.25f});  // same start, another register
  EXPECT_EQ(map.Find(0, 8).bundle, 1u);
  EXPECT_EQ(map.Find(1, 8).bundle, 2u);
  EXPECT_EQ(map.Find(1, 8).to, 10u);
  map.Reset(2);
  EXPECT_EQ(map.size(), 0u);
  int entries = 0;
  map.ForEachEntry([&](uint32_t, const Entry&) { ++entries; });
  EXPECT_EQ(entries, 0);
  map.Insert(1, {8, 9, 3, 1.0f});
  EXPECT_EQ(map.Find(1, 8).bundle, 3u);
}

// The table keeps its slot count beside the slots (session 38): a move must carry it with the
// slots and leave the source empty, as the allocator's scratch moves in and out of every run.
TEST(IntervalMap, MoveCarriesTheTableAndLeavesTheSourceEmpty) {
  IntervalMap map;
  map.Reset(4);
  Ref ref;
  for (uint32_t k = 0; k < 40; ++k) {  // past the size Reset asked for: the table grows
    const Entry e{8 * k, 8 * k + 5, k, 0.5f * static_cast<float>(k)};
    map.Insert(k % 3, e);
    ref[{k % 3, e.from}] = e;
  }
  IntervalMap moved(std::move(map));
  ASSERT_NO_FATAL_FAILURE(ExpectSame(moved, ref));
  EXPECT_EQ(map.size(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from state is tested
  map.Insert(1, {4, 6, 7, 1.0f});  // an empty map grows on its first insert
  EXPECT_EQ(map.Find(1, 4).bundle, 7u);
  IntervalMap assigned;
  assigned = std::move(moved);
  ASSERT_NO_FATAL_FAILURE(ExpectSame(assigned, ref));
  EXPECT_EQ(moved.size(), 0u);  // NOLINT(bugprone-use-after-move)
  moved.Reset(2);
  moved.Insert(0, {0, 3, 9, 2.0f});
  EXPECT_EQ(moved.Find(0, 0).to, 3u);
  assigned.Erase(0, 0);
  ref.erase({0u, 0u});
  ASSERT_NO_FATAL_FAILURE(ExpectSame(assigned, ref));
}

}  // namespace
}  // namespace egret::regalloc
