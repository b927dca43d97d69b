// CodeRegistry: PC lookup, overlap rejection, RAII registration, and lock-free readers running
// against a churning writer.
#include "runtime/code_registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

namespace egret::runtime {
namespace {

TEST(CodeRegistry, LookupRegisterUnregister) {
  CodeRegistry r;
  artifact::Artifact a1, a2;
  EXPECT_FALSE(r.Lookup(100).has_value());
  ASSERT_TRUE(r.Register({1000, 2000, &a1}).ok());
  ASSERT_TRUE(r.Register({100, 200, &a2}).ok());
  EXPECT_EQ(r.size(), 2u);
  EXPECT_FALSE(r.Lookup(99).has_value());
  EXPECT_EQ(r.Lookup(100)->artifact, &a2);
  EXPECT_EQ(r.Lookup(199)->artifact, &a2);
  EXPECT_FALSE(r.Lookup(200).has_value());
  EXPECT_FALSE(r.Lookup(999).has_value());
  EXPECT_EQ(r.Lookup(1000)->artifact, &a1);
  EXPECT_EQ(r.Lookup(1999)->start, 1000u);
  EXPECT_FALSE(r.Lookup(2000).has_value());
  EXPECT_TRUE(r.Unregister(100));
  EXPECT_FALSE(r.Unregister(100));
  EXPECT_FALSE(r.Lookup(150).has_value());
  EXPECT_EQ(r.Lookup(1500)->artifact, &a1);
}

TEST(CodeRegistry, RejectsOverlapsAndEmptyRanges) {
  CodeRegistry r;
  ASSERT_TRUE(r.Register({1000, 2000, nullptr}).ok());
  EXPECT_FALSE(r.Register({1500, 2500, nullptr}).ok());
  EXPECT_FALSE(r.Register({500, 1001, nullptr}).ok());
  EXPECT_FALSE(r.Register({1000, 2000, nullptr}).ok());
  EXPECT_FALSE(r.Register({1200, 1300, nullptr}).ok());
  EXPECT_FALSE(r.Register({3000, 3000, nullptr}).ok());
  EXPECT_TRUE(r.Register({2000, 2001, nullptr}).ok());  // adjacent is fine
  EXPECT_TRUE(r.Register({999, 1000, nullptr}).ok());
  EXPECT_EQ(r.size(), 3u);
}

TEST(CodeRegistry, RegistrationIsRaii) {
  CodeRegistry r;
  {
    auto reg = CodeRegistration::Create({10, 20, nullptr}, r);
    ASSERT_TRUE(reg.ok());
    EXPECT_TRUE(r.Lookup(15).has_value());
    CodeRegistration moved = std::move(*reg);
    EXPECT_TRUE(r.Lookup(15).has_value());
  }
  EXPECT_FALSE(r.Lookup(15).has_value());
  EXPECT_EQ(r.size(), 0u);
}

TEST(CodeRegistry, ManyEntries) {
  CodeRegistry r;
  std::vector<uintptr_t> starts;
  for (uintptr_t i = 0; i < 2000; ++i) starts.push_back(0x10000 + i * 0x100);
  std::shuffle(starts.begin(), starts.end(), std::mt19937(1));
  for (uintptr_t s : starts) ASSERT_TRUE(r.Register({s, s + 0x80, nullptr}).ok());
  for (uintptr_t i = 0; i < 2000; ++i) {
    const uintptr_t s = 0x10000 + i * 0x100;
    ASSERT_EQ(r.Lookup(s + 0x7F)->start, s);
    ASSERT_FALSE(r.Lookup(s + 0x80).has_value());
  }
}

TEST(CodeRegistry, ReadersNeverSeeTornState) {
  // Writers replace snapshots while readers look up; a permanent entry must always be found and
  // a churning one, when found, must be intact. ASan would flag a reader touching a freed
  // snapshot.
  CodeRegistry r;
  artifact::Artifact permanent, churning;
  ASSERT_TRUE(r.Register({0x1000, 0x2000, &permanent}).ok());
  std::atomic<bool> stop{false};
  std::atomic<long> lookups{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto p = r.Lookup(0x1800);
        EXPECT_TRUE(p.has_value() && p->artifact == &permanent);
        auto c = r.Lookup(0x3800);
        if (c) {
          EXPECT_TRUE(c->start == 0x3000 && c->end == 0x4000 && c->artifact == &churning);
        }
        ++lookups;
      }
    });
  }
  // Churn until the readers have overlapped with plenty of writes (they may start late).
  for (int i = 0; i < 3000 || lookups.load() < 2000; ++i) {
    ASSERT_TRUE(r.Register({0x3000, 0x4000, &churning}).ok());
    ASSERT_TRUE(r.Unregister(0x3000));
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(lookups.load(), 0);
}

}  // namespace
}  // namespace egret::runtime
