// quality_test.cc: small functions where the right answer is known, so a change that makes the
// allocators worse (not wrong: the checker covers that) shows up as a failing test.
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "regalloc/allocator.h"

namespace egret::regalloc {
namespace {

const PReg r0(RegClass::kInt, 0), r1(RegClass::kInt, 1);

Output AllocateChecked(const Function& f, const MachineEnv& env, std::string_view algorithm) {
  Options options;
  options.algorithm = std::string(algorithm);
  options.run_checker = true;
  Expected<Output> out = Allocate(f, env, options);
  EGRET_CHECK(out.ok());
  return std::move(out).value();
}

// Without pressure, calls or fixed registers, no allocator needs a single edit.
TEST(RegallocQuality, StraightLineNeedsNoEdits) {
  const MachineEnv env = MachineEnv::ForTesting(4, 2, 1);
  Function f;
  VReg a = f.AddVReg(RegClass::kInt), b = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(a)});
  f.AddInst({Operand::Def(b)});
  for (int k = 0; k < 10; ++k) {
    const VReg c = f.AddVReg(RegClass::kInt);
    f.AddInst({Operand::Use(a), Operand::Use(b), Operand::Def(c)});
    a = b;
    b = c;
  }
  f.AddInst({Operand::Use(a), Operand::Use(b)});
  f.Finish();
  for (std::string_view name : AllocatorNames()) {
    const Output out = AllocateChecked(f, env, name);
    EXPECT_EQ(out.edits.size(), 0u) << name << "\n" << out.ToString();
    EXPECT_EQ(out.num_spill_slots, 0u) << name;
  }
}

// A counting loop: linear keeps the counter in one register (the parameter is coalesced with the
// incoming argument and the back-edge argument is hinted to the parameter's register), so the
// loop body has no edits at all.
TEST(RegallocQuality, LinearLoopCounterStaysInOneRegister) {
  const MachineEnv env = MachineEnv::ForTesting(4, 2, 1);
  Function f;
  const VReg init = f.AddVReg(RegClass::kInt), i = f.AddVReg(RegClass::kInt),
             next = f.AddVReg(RegClass::kInt);
  f.StartBlock();  // block0
  f.AddInst({Operand::Def(init)});
  f.AddInst({});
  f.AddSucc(Block(1), {init});
  f.StartBlock();  // block1: header
  f.AddBlockParam(i);
  f.AddInst({Operand::Use(i), Operand::Def(next)});
  f.AddInst({Operand::Use(next)});
  f.AddSucc(Block(2));
  f.AddSucc(Block(3));
  f.StartBlock();  // block2: latch
  f.AddInst({});
  f.AddSucc(Block(1), {next});
  f.StartBlock();  // block3: exit
  f.AddInst({Operand::FixedUse(next, r0)});
  f.Finish();
  const Output out = AllocateChecked(f, env, "linear");
  for (const Edit& e : out.edits) {
    const uint32_t inst = e.point.inst();
    EXPECT_TRUE(inst < 2 || inst >= 5) << "edit inside the loop: " << out.ToString();
  }
}

// Values spilled one after another, each dead before the next is spilled, share one slot.
TEST(RegallocQuality, SpillSlotsAreShared) {
  const MachineEnv env = MachineEnv::ForTesting(2, 1, 0);
  PRegSet clobbers;
  clobbers.Add(r0);
  clobbers.Add(r1);
  Function f;
  f.StartBlock();
  for (int k = 0; k < 8; ++k) {
    const VReg v = f.AddVReg(RegClass::kInt);
    f.AddInst({Operand::Def(v)});
    f.AddInst({}, clobbers);  // a call: v must be spilled around it
    f.AddInst({Operand::Use(v)});
  }
  f.AddInst({});
  f.Finish();
  for (std::string_view name : AllocatorNames()) {
    const Output out = AllocateChecked(f, env, name);
    EXPECT_EQ(out.num_spill_slots, 1u) << name << "\n" << out.ToString();
    EXPECT_EQ(out.stats.spills, 8u) << name;
    EXPECT_EQ(out.stats.reloads, 8u) << name;
  }
}

// Across a call, a value goes to a callee-saved register rather than to memory.
TEST(RegallocQuality, CallCrossingValuePrefersCalleeSaved) {
  MachineEnv env = MachineEnv::ForTesting(3, 1, 1);  // r0, r1 caller-saved; r2 callee-saved
  PRegSet clobbers;
  clobbers.Add(r0);
  clobbers.Add(r1);
  Function f;
  const VReg v = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(v)});
  f.AddInst({}, clobbers);
  f.AddInst({Operand::Use(v)});
  f.Finish();
  for (std::string_view name : AllocatorNames()) {
    const Output out = AllocateChecked(f, env, name);
    EXPECT_EQ(out.edits.size(), 0u) << name << "\n" << out.ToString();
    EXPECT_EQ(out.allocs[0], Allocation::Reg(PReg(RegClass::kInt, 2))) << name;
  }
}

TEST(RegallocStats, SummaryAndModuleTotals) {
  const MachineEnv env = MachineEnv::ForTesting(2, 1, 0);
  PRegSet clobbers;
  clobbers.Add(r0);
  clobbers.Add(r1);
  Function f;
  const VReg v = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(v)});
  f.AddInst({}, clobbers);
  f.AddInst({Operand::Use(v)});
  f.Finish();
  const Output out = AllocateChecked(f, env, "linear");
  EXPECT_EQ(out.stats.insts, 3u);
  EXPECT_EQ(out.stats.spills, 1u);
  EXPECT_EQ(out.stats.reloads, 1u);
  EXPECT_EQ(out.stats.Cost(), 2u);
  const std::string line = out.stats.ToString("linear");
  EXPECT_NE(line.find("regalloc linear: 3 insts, 1 blocks, 1 vregs, 1 spills, 1 reloads, 0 moves"),
            std::string::npos)
      << line;
  Stats total;
  total += out.stats;
  total += out.stats;
  EXPECT_EQ(total.insts, 6u);
  EXPECT_EQ(total.spills, 2u);
  EXPECT_EQ(total.spill_slots, 1u);
}

// A commutative two-address chain d_k = d_{k-1} op x where x (the left, reused input in the
// backend's order) lives on and the accumulator dies: with the choice (Allocate(Function*)) every
// def reuses the dying accumulator, so no allocator needs a copy; with operand 0 fixed, each step
// copies x first. The checker checks the swapped constraints.
TEST(RegallocQuality, CommutativeReuseTakesTheDyingInput) {
  const MachineEnv env = MachineEnv::ForTesting(4, 2, 1);
  auto build = [] {
    Function f;
    const VReg x = f.AddVReg(RegClass::kInt);
    VReg acc = f.AddVReg(RegClass::kInt);
    f.StartBlock();
    f.AddInst({Operand::Def(x)});
    f.AddInst({Operand::Def(acc)});
    for (int k = 0; k < 6; ++k) {
      const VReg d = f.AddVReg(RegClass::kInt);
      f.AddInst({Operand::Use(x), Operand::Use(acc), Operand::CommutativeReuseDef(d, 0, 1)});
      acc = d;
    }
    f.AddInst({Operand::Use(x), Operand::Use(acc)});
    f.Finish();
    return f;
  };
  for (std::string_view name : AllocatorNames()) {
    Options options;
    options.algorithm = std::string(name);
    options.run_checker = true;
    const Function fixed_order = build();
    Expected<Output> plain = Allocate(fixed_order, env, options);
    ASSERT_TRUE(plain.ok());
    Function chosen = build();
    Expected<Output> out = Allocate(&chosen, env, options);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->stats.moves, 0u) << name << "\n" << out->ToString();
    EXPECT_GE(plain->stats.moves, 6u) << name << "\n" << plain->ToString();
    for (uint32_t i = 2; i < 8; ++i)  // every def now reuses operand 1, the accumulator
      EXPECT_EQ(chosen.InstOperands(i)[2].reuse_index, 1) << name << " i" << i;
  }
}

// ChooseCommutedReuse keeps its per-vreg arrays on the thread from function to function (an
// epoch that counts on, so entries left behind never match): after functions larger and smaller
// than this one, with the other input dying or living on, it chooses as on a fresh thread.
TEST(RegallocQuality, CommutativeReuseChoosesAlikeAfterOtherFunctions) {
  // `steps` commutative defs; `x_dies`: x is used by the last def only (then x's input is the
  // one to reuse at that def), else x lives on and the accumulator is reused.
  auto build = [](int steps, bool x_dies) {
    Function f;
    const VReg x = f.AddVReg(RegClass::kInt);
    VReg acc = f.AddVReg(RegClass::kInt);
    f.StartBlock();
    f.AddInst({Operand::Def(x)});
    f.AddInst({Operand::Def(acc)});
    for (int k = 0; k < steps; ++k) {
      const VReg d = f.AddVReg(RegClass::kInt);
      f.AddInst({Operand::Use(acc), Operand::Use(x), Operand::CommutativeReuseDef(d, 1, 0)});
      acc = d;
    }
    f.AddInst(x_dies ? std::initializer_list<Operand>{Operand::Use(acc)}
                     : std::initializer_list<Operand>{Operand::Use(x), Operand::Use(acc)});
    f.Finish();
    return f;
  };
  auto choices = [](Function f) {
    Liveness live;
    EXPECT_TRUE(live.Compute(f).ok());
    ChooseCommutedReuse(&f, live);
    std::vector<int> out;
    for (uint32_t i = 0; i < f.num_insts(); ++i)
      for (const Operand& op : f.InstOperands(i))
        if (op.commutes_with != Operand::kNoCommute) out.push_back(op.reuse_index);
    return out;
  };
  const std::pair<int, bool> shapes[] = {{300, false}, {6, true},   {40, false}, {2, true},
                                         {6, false},   {300, true}, {1, true}};
  for (const auto& [steps, x_dies] : shapes) {
    std::vector<int> fresh;
    // (clang 14 cannot capture structured bindings in a lambda: pass them as arguments.)
    std::thread([&](int n, bool dies) { fresh = choices(build(n, dies)); }, steps, x_dies).join();
    EXPECT_EQ(choices(build(steps, x_dies)), fresh) << steps << " " << x_dies;
  }
}

// fib's loop `acc += call(); n -= 2` with both inputs of the commutative add dying there: the
// call's result (fixed in r0, a caller-saved register) is the backend's operand 0, the
// accumulator (a block parameter crossing the call, hence in the callee-saved r3) operand 1,
// and the def is the accumulator's back-edge argument. The choice reuses the accumulator, so
// backtrack keeps parameter, def and back-edge argument in one register and the loop has no
// move; reusing the call's result would leave the def in r0 and copy it into the parameter's
// register every iteration.
TEST(RegallocQuality, CommutativeReuseTakesTheLoopCarriedInput) {
  const MachineEnv env = MachineEnv::ForTesting(4, 1, 2);  // r0, r1 caller-saved; r2, r3 callee
  PRegSet clobbers;
  clobbers.Add(r0);
  clobbers.Add(r1);
  auto build = [&] {
    Function f;
    const VReg acc0 = f.AddVReg(RegClass::kInt), acc = f.AddVReg(RegClass::kInt),
               r = f.AddVReg(RegClass::kInt), sum = f.AddVReg(RegClass::kInt);
    f.StartBlock();  // block0
    f.AddInst({Operand::Def(acc0)});
    f.AddInst({});
    f.AddSucc(Block(1), {acc0});
    f.StartBlock();  // block1: the loop
    f.AddBlockParam(acc);
    f.AddInst({Operand::FixedDef(r, r0)}, clobbers);  // the call
    f.AddInst({Operand::Use(r), Operand::Use(acc), Operand::CommutativeReuseDef(sum, 0, 1)});
    f.AddInst({Operand::Use(sum)});
    f.AddSucc(Block(2));
    f.AddSucc(Block(3));
    f.StartBlock();  // block2: latch
    f.AddInst({});
    f.AddSucc(Block(1), {sum});
    f.StartBlock();  // block3
    f.AddInst({Operand::FixedUse(sum, r0)});
    f.Finish();
    return f;
  };
  Function chosen = build();
  Options options;
  options.algorithm = "backtrack";
  options.run_checker = true;
  Expected<Output> out = Allocate(&chosen, env, options);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(chosen.InstOperands(3)[2].reuse_index, 1) << chosen.ToString();
  for (const Edit& e : out->edits) {
    const uint32_t inst = e.point.inst();
    EXPECT_TRUE(inst < 2 || inst >= 6) << "edit inside the loop: " << out->ToString();
  }
  // Without the choice the loop has a move (the test can fail).
  const Function fixed_order = build();
  Expected<Output> plain = Allocate(fixed_order, env, options);
  ASSERT_TRUE(plain.ok());
  uint32_t in_loop = 0;
  for (const Edit& e : plain->edits) in_loop += e.point.inst() >= 2 && e.point.inst() < 6;
  EXPECT_GE(in_loop, 1u) << plain->ToString();
}

}  // namespace
}  // namespace egret::regalloc
