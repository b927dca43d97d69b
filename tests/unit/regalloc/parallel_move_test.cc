// parallel_move_test.cc: sequentialized moves have the effect of the parallel move.
//
// A tiny interpreter gives every location a distinct initial value, runs the sequence, and
// compares each destination with its source's initial value. Locations that are neither
// destinations nor temporaries (scratch register, cycle slot) must be untouched.
#include "regalloc/parallel_move.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "regalloc/random_function.h"

namespace egret::regalloc {
namespace {

using Move = ParallelMoveResolver::Move;
const PReg kScratch[kNumRegClasses] = {PReg(RegClass::kInt, 63), PReg(RegClass::kFloat, 63)};
const Allocation kCycle[kNumRegClasses] = {Allocation::Stack(100), Allocation::Stack(101)};

Allocation R(int n) { return Allocation::Reg(PReg(RegClass::kInt, static_cast<uint8_t>(n))); }
Allocation F(int n) { return Allocation::Reg(PReg(RegClass::kFloat, static_cast<uint8_t>(n))); }
Allocation S(int n) { return Allocation::Stack(static_cast<uint32_t>(n)); }

// Returns "" if `seq` implements `moves`, else a description of the first difference.
std::string Verify(const std::vector<Move>& moves,
                   const std::vector<std::pair<Allocation, Allocation>>& seq) {
  std::map<uint32_t, int> value;
  auto get = [&](Allocation a) {
    auto it = value.find(a.bits());
    return it == value.end() ? static_cast<int>(a.bits()) : it->second;
  };
  for (const auto& [from, to] : seq) {
    if (from.is_stack() && to.is_stack())
      return absl::StrCat("stack-to-stack move ", to.ToString());
    value[to.bits()] = get(from);
  }
  std::map<uint32_t, bool> is_dest;
  for (const Move& m : moves) {
    is_dest[m.to.bits()] = true;
    if (get(m.to) != static_cast<int>(m.from.bits()))
      return absl::StrCat(m.to.ToString(), " does not hold the old ", m.from.ToString());
  }
  for (const auto& [loc, v] : value) {
    const bool temp = loc == Allocation::Reg(kScratch[0]).bits() ||
                      loc == Allocation::Reg(kScratch[1]).bits() || loc == kCycle[0].bits() ||
                      loc == kCycle[1].bits();
    if (!is_dest[loc] && !temp && v != static_cast<int>(loc)) return "clobbered a bystander";
  }
  return "";
}

std::string Sequence(const std::vector<Move>& moves, ParallelMoveResolver* r = nullptr) {
  ParallelMoveResolver local;
  if (!r) r = &local;
  std::vector<std::pair<Allocation, Allocation>> seq;
  r->Resolve(moves, kScratch, kCycle, &seq);
  return Verify(moves, seq);
}

constexpr RegClass kI = RegClass::kInt;
constexpr RegClass kF = RegClass::kFloat;

TEST(ParallelMove, Chain) { EXPECT_EQ(Sequence({{R(0), R(1), kI}, {R(1), R(2), kI}}), ""); }
TEST(ParallelMove, Swap) { EXPECT_EQ(Sequence({{R(0), R(1), kI}, {R(1), R(0), kI}}), ""); }
TEST(ParallelMove, Rotation) {
  EXPECT_EQ(Sequence({{R(0), R(1), kI}, {R(1), R(2), kI}, {R(2), R(0), kI}}), "");
}
TEST(ParallelMove, FanOutWithCycle) {
  EXPECT_EQ(Sequence({{R(0), R(1), kI}, {R(0), S(2), kI}, {R(1), R(0), kI}}), "");
}
TEST(ParallelMove, StackToStackGoesThroughScratch) { EXPECT_EQ(Sequence({{S(0), S(1), kI}}), ""); }
TEST(ParallelMove, StackCycleUsesTheCycleSlot) {
  ParallelMoveResolver r;
  EXPECT_EQ(Sequence({{S(0), S(1), kI}, {S(1), S(0), kI}}, &r), "");
  EXPECT_TRUE(r.used_cycle_slot(kI));
}
TEST(ParallelMove, RegisterCycleUsesScratchNotSlot) {
  ParallelMoveResolver r;
  EXPECT_EQ(Sequence({{R(0), R(1), kI}, {R(1), R(0), kI}}, &r), "");
  EXPECT_FALSE(r.used_cycle_slot(kI));
}
TEST(ParallelMove, MixedClassesAndSelfMoves) {
  EXPECT_EQ(Sequence({{R(0), R(0), kI}, {F(0), F(1), kF}, {F(1), F(0), kF}, {R(1), S(3), kI}}), "");
}

// Random parallel moves over a few registers and slots: each destination written once.
TEST(ParallelMove, Random) {
  Rng rng(42);
  ParallelMoveResolver r;
  for (int iter = 0; iter < 2000; ++iter) {
    std::vector<Allocation> locs = {R(0), R(1), R(2), R(3), S(0), S(1), S(2), S(3)};
    std::vector<Move> moves;
    for (Allocation to : locs) {
      if (!rng.Chance(60)) continue;
      moves.push_back({locs[rng.Below(static_cast<uint32_t>(locs.size()))], to, kI});
    }
    const std::string err = Sequence(moves, &r);
    std::string desc;
    for (const Move& m : moves)
      absl::StrAppend(&desc, " ", m.to.ToString(), "<-", m.from.ToString());
    ASSERT_EQ(err, "") << "iteration " << iter << ":" << desc;
  }
}

}  // namespace
}  // namespace egret::regalloc
