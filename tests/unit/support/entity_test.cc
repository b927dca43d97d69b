#include "support/entity.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace egret {
namespace {

using Apple = Id<struct AppleTag>;
using Pear = Id<struct PearTag>;
static_assert(!std::is_convertible_v<Apple, Pear>, "ids of different kinds must not mix");
static_assert(sizeof(Apple) == 4);

TEST(Entity, DefaultIdIsInvalid) {
  Apple a;
  EXPECT_FALSE(a.valid());
  EXPECT_TRUE(Apple(0).valid());
  EXPECT_LT(Apple(1), Apple(2));
}

TEST(Entity, PrimaryMapHandsOutDenseKeys) {
  PrimaryMap<Apple, std::string> m;
  EXPECT_EQ(m.NextKey(), Apple(0));
  Apple a = m.Push("a");
  Apple b = m.Push("b");
  EXPECT_EQ(a.index, 0u);
  EXPECT_EQ(b.index, 1u);
  EXPECT_EQ(m[b], "b");
  EXPECT_TRUE(m.IsValid(b));
  EXPECT_FALSE(m.IsValid(Apple(2)));
  std::vector<uint32_t> keys;
  for (Apple k : m.Keys()) keys.push_back(k.index);
  EXPECT_EQ(keys, (std::vector<uint32_t>{0, 1}));
}

TEST(Entity, SecondaryMapDefaultsAndGrows) {
  SecondaryMap<Apple, int> m(-1);
  const auto& cm = m;
  EXPECT_EQ(cm[Apple(100)], -1);
  EXPECT_EQ(m.size(), 0u);  // reading does not grow
  m[Apple(5)] = 7;
  EXPECT_EQ(m.size(), 6u);
  EXPECT_EQ(cm[Apple(5)], 7);
  EXPECT_EQ(cm[Apple(4)], -1);
}

TEST(Entity, EntitySetMatchesStdSet) {
  std::mt19937 rng(7);
  EntitySet<Pear> s;
  std::set<uint32_t> ref;
  for (int i = 0; i < 5000; ++i) {
    uint32_t k = rng() % 700;
    if (rng() % 3 == 0) {
      s.Erase(Pear(k));
      ref.erase(k);
    } else {
      EXPECT_EQ(s.Insert(Pear(k)), ref.insert(k).second);
    }
  }
  std::vector<uint32_t> got;
  s.ForEach([&](Pear p) { got.push_back(p.index); });
  EXPECT_EQ(got, std::vector<uint32_t>(ref.begin(), ref.end()));
  for (uint32_t k = 0; k < 800; ++k) EXPECT_EQ(s.Contains(Pear(k)), ref.count(k) == 1);
}

}  // namespace
}  // namespace egret
