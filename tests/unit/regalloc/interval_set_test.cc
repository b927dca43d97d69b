// interval_set_test.cc: IntervalSet against a brute-force list of intervals.
//
// Random inserts and erases of disjoint intervals (enough to split chunks and empty them again),
// each followed by random overlap queries; every query's answer (the entries met, in order) must
// equal a linear scan of the reference list. Cursor queries (non-decreasing starts on an
// unchanged set) must answer exactly as fresh queries, whether the cursor steps or searches.
#include "regalloc/interval_set.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace egret::regalloc {
namespace {

using Entry = IntervalSet::Entry;

std::vector<uint32_t> Expected(const std::vector<Entry>& ref, uint32_t a, uint32_t b) {
  std::vector<Entry> sorted = ref;
  std::sort(sorted.begin(), sorted.end(),
            [](const Entry& x, const Entry& y) { return x.from < y.from; });
  std::vector<uint32_t> out;
  for (const Entry& e : sorted)
    if (e.from < b && e.to > a) out.push_back(e.bundle);
  return out;
}

std::vector<uint32_t> Query(const IntervalSet& set, uint32_t a, uint32_t b) {
  std::vector<uint32_t> out;
  set.ForEachOverlap(a, b, [&](const Entry& e) {
    out.push_back(e.bundle);
    return true;
  });
  return out;
}

TEST(IntervalSet, RandomInsertEraseAndQueriesMatchBruteForce) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 8; ++round) {
    IntervalSet set;
    std::vector<Entry> ref;
    const uint32_t span = 200 + 400 * static_cast<uint32_t>(round);  // points used
    std::vector<uint8_t> used(span, 0);
    uint32_t next_id = 0;
    for (int step = 0; step < 400; ++step) {
      if (ref.empty() || rng() % 3 != 0) {
        // Insert a random free interval [from, to) of length 1..8.
        const uint32_t from = rng() % span;
        uint32_t to = from;
        const uint32_t len = 1 + rng() % 8;
        while (to < span && to - from < len && !used[to]) ++to;
        if (to == from) continue;
        for (uint32_t p = from; p < to; ++p) used[p] = 1;
        const Entry e{from, to, next_id++, 1.0f};
        set.Insert(e);
        ref.push_back(e);
      } else {
        const size_t k = rng() % ref.size();
        for (uint32_t p = ref[k].from; p < ref[k].to; ++p) used[p] = 0;
        set.Erase(ref[k].from);
        ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(k));
      }
      ASSERT_EQ(set.empty(), ref.empty());
      for (int q = 0; q < 4; ++q) {
        const uint32_t a = rng() % (span + 10), b = a + 1 + rng() % 40;
        ASSERT_EQ(Query(set, a, b), Expected(ref, a, b)) << "round " << round << " step " << step;
      }
      // A run of cursor queries with non-decreasing starts: short hops (the cursor steps) and
      // long ones (it searches), some queries empty, some repeating the previous start.
      IntervalSet::Cursor cur;
      uint32_t a = rng() % 16;
      while (a < span + 10) {
        const uint32_t b = a + 1 + rng() % 12;
        std::vector<uint32_t> got;
        set.ForEachOverlap(&cur, a, b, [&](const Entry& e) {
          got.push_back(e.bundle);
          return true;
        });
        ASSERT_EQ(got, Expected(ref, a, b)) << "cursor, round " << round << " step " << step;
        a += rng() % 4 == 0 ? rng() % 200 : rng() % 6;
      }
    }
  }
}

// Inserts in sweeps of increasing starts, as the allocator makes them (each sweep fills gaps the
// previous ones left, so inserts land at chunk ends, in the middle of chunks, in the chunk after
// the last insert's and far from it), with erases between sweeps: Insert's hinted chunk and
// append paths must keep the set equal to the reference.
TEST(IntervalSet, SweepsOfIncreasingInsertsMatchBruteForce) {
  std::mt19937 rng(777);
  IntervalSet set;
  std::vector<Entry> ref;
  constexpr uint32_t kSpan = 4000;
  std::vector<uint8_t> used(kSpan, 0);
  uint32_t next_id = 0;
  for (int sweep = 0; sweep < 12; ++sweep) {
    for (uint32_t p = rng() % 7; p < kSpan; p += 1 + rng() % (sweep < 4 ? 40 : 9)) {
      uint32_t to = p;
      while (to < kSpan && to - p < 3 && !used[to]) ++to;
      if (to == p) continue;
      for (uint32_t q = p; q < to; ++q) used[q] = 1;
      const Entry e{p, to, next_id++, 1.0f};
      set.Insert(e);
      ref.push_back(e);
    }
    for (int k = 0; k < 60 && !ref.empty(); ++k) {
      const size_t i = rng() % ref.size();
      for (uint32_t q = ref[i].from; q < ref[i].to; ++q) used[q] = 0;
      set.Erase(ref[i].from);
      ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(i));
    }
    for (uint32_t a = 0; a < kSpan; a += 1 + rng() % 50) {
      const uint32_t b = a + 1 + rng() % 30;
      ASSERT_EQ(Query(set, a, b), Expected(ref, a, b)) << "sweep " << sweep;
    }
  }
}

TEST(IntervalSet, StoppingEarlyReportsFalse) {
  IntervalSet set;
  for (uint32_t k = 0; k < 100; ++k) set.Insert({4 * k, 4 * k + 2, k, 0.0f});
  int calls = 0;
  EXPECT_FALSE(set.ForEachOverlap(0, 400, [&](const Entry&) { return ++calls < 3; }));
  EXPECT_EQ(calls, 3);
  IntervalSet::Cursor cur;
  EXPECT_TRUE(set.ForEachOverlap(&cur, 2, 4, [](const Entry&) { return false; }));  // none
  calls = 0;
  EXPECT_FALSE(set.ForEachOverlap(&cur, 5, 400, [&](const Entry& e) {
    EXPECT_EQ(e.bundle, 1u + static_cast<uint32_t>(calls));  // [4, 6) first, then in order
    return ++calls < 2;
  }));
}

}  // namespace
}  // namespace egret::regalloc
