// parallel_move_test.cc: sequentialized moves have the effect of the parallel move.
//
// A tiny interpreter gives every location a distinct initial value, runs the sequence, and
// compares each destination with its source's initial value. Locations that are neither
// destinations nor temporaries (scratch or free register, cycle slot, save slot) must be
// untouched. Each case runs in three modes: with a dedicated scratch register, with a register
// the ScratchSource reports free, and with no free register at all (cycles through the cycle
// slot, stack-to-stack moves borrowing r0, one of the moved registers, saved around the move).
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
const Allocation kSave[kNumRegClasses] = {Allocation::Stack(102), Allocation::Stack(103)};
const PReg kFree[kNumRegClasses] = {PReg(RegClass::kInt, 7), PReg(RegClass::kFloat, 7)};

enum class Mode { kScratch, kFreeReg, kBorrow };

// Reports kFree[c] unless the moves use it (they never do in these tests) and counts the calls.
class FixedFree final : public ParallelMoveResolver::ScratchSource {
 public:
  explicit FixedFree(bool none) : none_(none) {}
  PReg FreeReg(RegClass cls, const PRegSet& busy) override {
    ++calls;
    const PReg r = kFree[static_cast<int>(cls)];
    return none_ || busy.Contains(r) ? PReg() : r;
  }
  int calls = 0;

 private:
  bool none_;
};

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
    bool temp = false;
    for (int c = 0; c < kNumRegClasses; ++c)
      temp |= loc == Allocation::Reg(kScratch[c]).bits() ||
              loc == Allocation::Reg(kFree[c]).bits() || loc == kCycle[c].bits() ||
              loc == kSave[c].bits();
    if (!is_dest[loc] && !temp && v != static_cast<int>(loc)) return "clobbered a bystander";
  }
  return "";
}

std::string Sequence(const std::vector<Move>& moves, ParallelMoveResolver* r = nullptr,
                     Mode mode = Mode::kScratch,
                     std::vector<std::pair<Allocation, Allocation>>* out = nullptr) {
  ParallelMoveResolver local;
  if (!r) r = &local;
  FixedFree source(mode == Mode::kBorrow);
  ParallelMoveResolver::Temps temps;
  for (int c = 0; c < kNumRegClasses; ++c) {
    if (mode == Mode::kScratch) temps.scratch[c] = kScratch[c];
    temps.cycle_slot[c] = kCycle[c];
    temps.borrow[c] = PReg(static_cast<RegClass>(c), 0);
    temps.save_slot[c] = kSave[c];
  }
  temps.source = &source;
  std::vector<std::pair<Allocation, Allocation>> seq;
  r->Resolve(moves, temps, &seq);
  if (mode == Mode::kScratch && source.calls != 0) return "asked for a free register";
  if (source.calls > kNumRegClasses) return "asked for a free register more than once per class";
  if (out) *out = seq;
  return Verify(moves, seq);
}

std::string AllModes(const std::vector<Move>& moves) {
  for (Mode m : {Mode::kScratch, Mode::kFreeReg, Mode::kBorrow}) {
    const std::string err = Sequence(moves, nullptr, m);
    if (!err.empty()) return absl::StrCat("mode ", static_cast<int>(m), ": ", err);
  }
  return "";
}

constexpr RegClass kI = RegClass::kInt;
constexpr RegClass kF = RegClass::kFloat;

TEST(ParallelMove, Chain) { EXPECT_EQ(AllModes({{R(0), R(1), kI}, {R(1), R(2), kI}}), ""); }
TEST(ParallelMove, Swap) { EXPECT_EQ(AllModes({{R(0), R(1), kI}, {R(1), R(0), kI}}), ""); }
TEST(ParallelMove, Rotation) {
  EXPECT_EQ(AllModes({{R(0), R(1), kI}, {R(1), R(2), kI}, {R(2), R(0), kI}}), "");
}
TEST(ParallelMove, FanOutWithCycle) {
  EXPECT_EQ(AllModes({{R(0), R(1), kI}, {R(0), S(2), kI}, {R(1), R(0), kI}}), "");
}
TEST(ParallelMove, StackToStackGoesThroughScratch) { EXPECT_EQ(AllModes({{S(0), S(1), kI}}), ""); }
TEST(ParallelMove, StackToStackUsesAFreeRegister) {
  std::vector<std::pair<Allocation, Allocation>> seq;
  ParallelMoveResolver r;
  ASSERT_EQ(Sequence({{S(0), S(1), kI}}, &r, Mode::kFreeReg, &seq), "");
  ASSERT_EQ(seq.size(), 2u);
  EXPECT_EQ(seq[0].second, Allocation::Reg(kFree[0]));
  EXPECT_FALSE(r.used_save_slot(kI));
}
// r0 is moved and also borrowed: its value at that moment is saved around the stack copy.
TEST(ParallelMove, StackToStackBorrowsAndRestoresARegister) {
  std::vector<std::pair<Allocation, Allocation>> seq;
  ParallelMoveResolver r;
  ASSERT_EQ(Sequence({{S(0), S(1), kI}, {R(1), R(0), kI}, {R(0), R(1), kI}, {S(1), R(2), kI}}, &r,
                     Mode::kBorrow, &seq),
            "");
  EXPECT_TRUE(r.used_save_slot(kI));
  EXPECT_EQ(r.borrowed_moves(), 1u);
}
TEST(ParallelMove, StackCycleUsesTheCycleSlot) {
  ParallelMoveResolver r;
  EXPECT_EQ(Sequence({{S(0), S(1), kI}, {S(1), S(0), kI}}, &r), "");
  EXPECT_TRUE(r.used_cycle_slot(kI));
  EXPECT_EQ(AllModes({{S(0), S(1), kI}, {S(1), S(0), kI}}), "");
}
TEST(ParallelMove, RegisterCycleUsesScratchNotSlot) {
  ParallelMoveResolver r;
  EXPECT_EQ(Sequence({{R(0), R(1), kI}, {R(1), R(0), kI}}, &r), "");
  EXPECT_FALSE(r.used_cycle_slot(kI));
}
TEST(ParallelMove, RegisterCycleUsesAFreeRegisterNotSlot) {
  ParallelMoveResolver r;
  EXPECT_EQ(Sequence({{R(0), R(1), kI}, {R(1), R(0), kI}}, &r, Mode::kFreeReg), "");
  EXPECT_FALSE(r.used_cycle_slot(kI));
}
TEST(ParallelMove, MixedClassesAndSelfMoves) {
  EXPECT_EQ(AllModes({{R(0), R(0), kI}, {F(0), F(1), kF}, {F(1), F(0), kF}, {R(1), S(3), kI}}), "");
}

// Identity moves left out and their registers given as held (Temps::held, as Backtrack's edges
// do) make the same sequence as the moves with the identities: a held register is as busy as a
// register a move mentions, so the free-register source never returns it as the temporary.
TEST(ParallelMove, HeldRegistersActAsIdentityMoves) {
  MachineEnv env = MachineEnv::ForTesting(4, 2, 0);
  for (int c = 0; c < kNumRegClasses; ++c) env.scratch[c] = PReg();
  ASSERT_GE(env.preferred[0].size(), 4u);
  UnmentionedRegScratch source(env);
  // The first register holds a value that stays (an identity); a swap of the next two needs a
  // temporary, which must be the fourth.
  const Allocation kept = Allocation::Reg(env.preferred[0][0]);
  const Allocation a = Allocation::Reg(env.preferred[0][1]);
  const Allocation b = Allocation::Reg(env.preferred[0][2]);
  const Allocation temp = Allocation::Reg(env.preferred[0][3]);
  ParallelMoveResolver::Temps temps;
  for (int c = 0; c < kNumRegClasses; ++c) {
    temps.cycle_slot[c] = kCycle[c];
    temps.borrow[c] = FirstAllocatable(env, static_cast<RegClass>(c));
    temps.save_slot[c] = kSave[c];
  }
  temps.source = &source;
  ParallelMoveResolver r;
  std::vector<std::pair<Allocation, Allocation>> expected, seq;
  r.Resolve(std::vector<Move>{{kept, kept, kI}, {a, b, kI}, {b, a, kI}}, temps, &expected);
  temps.held.Add(kept.reg());
  r.Resolve(std::vector<Move>{{a, b, kI}, {b, a, kI}}, temps, &seq);
  EXPECT_EQ(seq, expected);
  bool used_temp = false;
  for (const auto& [from, to] : seq) {
    EXPECT_FALSE(to == kept) << "a held register written";
    used_temp |= to == temp;
  }
  EXPECT_TRUE(used_temp);
  EXPECT_FALSE(r.used_cycle_slot(kI));
}

// Independent moves (none reads another's destination) come out in reverse order whether the
// resolver takes its shortcut for a few of them or its general path (more than kSmall): the
// sequence, and so the code, does not depend on the count.
TEST(ParallelMove, IndependentMovesInReverseOrderAtAnyCount) {
  for (int n : {2, 3, 8, 9, 12}) {
    std::vector<Move> moves;
    for (int k = 0; k < n; ++k) moves.push_back({R(k), R(20 + k), kI});
    moves.push_back({S(1), R(40), kI});  // a reload and a spill among them
    moves.push_back({R(41), S(2), kI});
    std::vector<std::pair<Allocation, Allocation>> seq;
    ASSERT_EQ(Sequence(moves, nullptr, Mode::kScratch, &seq), "") << n;
    ASSERT_EQ(seq.size(), moves.size()) << n;
    for (size_t k = 0; k < moves.size(); ++k) {
      EXPECT_EQ(seq[k].first, moves[moves.size() - 1 - k].from) << n << " " << k;
      EXPECT_EQ(seq[k].second, moves[moves.size() - 1 - k].to) << n << " " << k;
    }
  }
}

// A move reading another's destination leaves the shortcut: the reader goes first.
TEST(ParallelMove, DependentFewMovesKeepTheirOrderConstraint) {
  std::vector<std::pair<Allocation, Allocation>> seq;
  ASSERT_EQ(Sequence({{R(1), R(2), kI}, {R(0), R(1), kI}}, nullptr, Mode::kScratch, &seq), "");
  ASSERT_EQ(seq.size(), 2u);
  EXPECT_EQ(seq[0].second, R(2));
  EXPECT_EQ(seq[1].second, R(1));
}

// ClearUsage() forgets the slots used so far, as for a resolver kept for the next function.
TEST(ParallelMove, ClearUsageForgetsSlotUse) {
  ParallelMoveResolver r;
  ASSERT_EQ(Sequence({{S(0), S(1), kI}, {S(1), S(0), kI}}, &r, Mode::kBorrow), "");
  EXPECT_TRUE(r.used_cycle_slot(kI) || r.used_save_slot(kI));
  r.ClearUsage();
  EXPECT_FALSE(r.used_cycle_slot(kI));
  EXPECT_FALSE(r.used_save_slot(kI));
  EXPECT_EQ(r.borrowed_moves(), 0u);
}

// Random parallel moves over a few registers and slots: each destination written once; the
// three temporary modes in turn.
TEST(ParallelMove, Random) {
  Rng rng(42);
  ParallelMoveResolver r;
  for (int iter = 0; iter < 6000; ++iter) {
    std::vector<Allocation> locs = {R(0), R(1), R(2), R(3), S(0), S(1), S(2), S(3)};
    std::vector<Move> moves;
    for (Allocation to : locs) {
      if (!rng.Chance(60)) continue;
      moves.push_back({locs[rng.Below(static_cast<uint32_t>(locs.size()))], to, kI});
    }
    const std::string err = Sequence(moves, &r, static_cast<Mode>(iter % 3));
    std::string desc;
    for (const Move& m : moves)
      absl::StrAppend(&desc, " ", m.to.ToString(), "<-", m.from.ToString());
    ASSERT_EQ(err, "") << "iteration " << iter << ":" << desc;
  }
}

}  // namespace
}  // namespace egret::regalloc
