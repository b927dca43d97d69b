// checker_test.cc: the checker accepts real allocations and catches planted wrong ones.
//
// One small function exercises a call (fixed argument and result registers, clobbers) that is
// also a safepoint with a reference live across it. Each test allocates it with every allocator,
// confirms the checker accepts the result, then breaks the result in one specific way and
// expects an error naming the culprit.
#include "regalloc/checker.h"

#include <algorithm>
#include <string>

#include "gtest/gtest.h"
#include "regalloc/allocator.h"

namespace egret::regalloc {
namespace {

const PReg r0(RegClass::kInt, 0), r1(RegClass::kInt, 1), r2(RegClass::kInt, 2);

struct Fixture {
  MachineEnv env = MachineEnv::ForTesting(3, 2, 1);  // r0, r1 caller-saved; r2 callee-saved
  Function f;
  VReg v0, v1, v2, v3, v4;
  uint32_t call = 0, after_call = 0;

  Fixture() {
    v0 = f.AddVReg(RegClass::kInt, /*is_ref=*/true);
    v1 = f.AddVReg(RegClass::kInt);
    v2 = f.AddVReg(RegClass::kInt);
    v3 = f.AddVReg(RegClass::kInt);
    v4 = f.AddVReg(RegClass::kInt);
    f.StartBlock();
    f.AddInst({Operand::FixedDef(v0, r0), Operand::FixedDef(v1, r1)});  // incoming arguments
    f.AddInst({Operand::Use(v0), Operand::Use(v1), Operand::Def(v2)});
    PRegSet clobbers;
    clobbers.Add(r0);
    clobbers.Add(r1);
    call = f.AddInst({Operand::FixedUse(v2, r0), Operand::FixedDef(v3, r0)}, clobbers,
                     /*safepoint=*/true);
    after_call = f.AddInst({Operand::Use(v0), Operand::Use(v3), Operand::Def(v4)});
    f.AddInst({Operand::FixedUse(v4, r0)});  // return
    f.Finish();
  }

  Output Allocate(std::string_view algorithm) {
    Options options;
    options.algorithm = std::string(algorithm);
    options.run_checker = false;
    Expected<Output> out = regalloc::Allocate(f, env, options);
    EGRET_CHECK(out.ok());
    return std::move(out).value();
  }
  // The operand index (into Function::operands) of `v`'s use at instruction `inst`.
  uint32_t UseOf(uint32_t inst, VReg v) const {
    for (uint32_t k = f.insts[inst].operand_begin; k < f.insts[inst].operand_end; ++k)
      if (f.operands[k].vreg == v && f.operands[k].is_use()) return k;
    EGRET_CHECK(false);
    return 0;
  }
  // The reload of `v`'s slot before `inst` (index into edits), or -1.
  int ReloadBefore(const Output& out, uint32_t inst) const {
    for (size_t k = 0; k < out.edits.size(); ++k) {
      const Edit& e = out.edits[k];
      if (e.point == ProgPoint::Before(inst) && e.from.is_stack() && e.to.is_reg())
        return static_cast<int>(k);
    }
    return -1;
  }
};

std::string CheckError(const Fixture& fx, const Output& out) {
  const Status s = CheckAllocation(fx.f, fx.env, out);
  return s.ok() ? "" : s.error().message;
}

class CheckerTest : public testing::TestWithParam<std::string_view> {};

TEST_P(CheckerTest, AcceptsTheAllocation) {
  Fixture fx;
  const Output out = fx.Allocate(GetParam());
  EXPECT_EQ(CheckError(fx, out), "") << out.ToString();
  ASSERT_EQ(out.stack_maps.size(), 1u);
  EXPECT_EQ(out.StackMapSlots(out.stack_maps[0]).size(), 1u);  // v0, the live reference
  EXPECT_GE(out.stats.reloads, 1u);                            // v0 comes back after the call
}

TEST_P(CheckerTest, CatchesWrongRegister) {
  Fixture fx;
  Output out = fx.Allocate(GetParam());
  const uint32_t k = fx.UseOf(1, fx.v1);
  const Allocation right = out.allocs[k];
  for (PReg wrong : {r0, r1, r2}) {
    if (Allocation::Reg(wrong) == right || Allocation::Reg(wrong) == out.allocs[fx.UseOf(1, fx.v0)])
      continue;
    out.allocs[k] = Allocation::Reg(wrong);
    break;
  }
  const std::string err = CheckError(fx, out);
  EXPECT_NE(err.find("i1 (block0)"), std::string::npos) << err;
  EXPECT_NE(err.find("not v1"), std::string::npos) << err;
}

TEST_P(CheckerTest, CatchesClobberedValue) {
  Fixture fx;
  Output out = fx.Allocate(GetParam());
  // Read v0 after the call from the register it had before the call, without reloading it.
  const int reload = fx.ReloadBefore(out, fx.after_call);
  ASSERT_GE(reload, 0) << out.ToString();
  out.edits.erase(out.edits.begin() + reload);
  out.allocs[fx.UseOf(fx.after_call, fx.v0)] = Allocation::Reg(r1);  // clobbered by the call
  const std::string err = CheckError(fx, out);
  EXPECT_NE(err.find("i3 (block0)"), std::string::npos) << err;
  EXPECT_NE(err.find("not v0"), std::string::npos) << err;
}

TEST_P(CheckerTest, CatchesMissingReload) {
  Fixture fx;
  Output out = fx.Allocate(GetParam());
  const int reload = fx.ReloadBefore(out, fx.after_call);
  ASSERT_GE(reload, 0) << out.ToString();
  out.edits.erase(out.edits.begin() + reload);
  const std::string err = CheckError(fx, out);
  EXPECT_NE(err.find("i3 (block0)"), std::string::npos) << err;
  EXPECT_NE(err.find("v0"), std::string::npos) << err;
}

TEST_P(CheckerTest, CatchesMissingSpill) {
  Fixture fx;
  Output out = fx.Allocate(GetParam());
  // The store of the reference live across the call: before the call (fast, linear) or right
  // after its definition (backtrack spills at the definition).
  auto spill = std::find_if(out.edits.begin(), out.edits.end(), [&](const Edit& e) {
    return e.point <= ProgPoint::Before(fx.call) && e.from.is_reg() && e.to.is_stack();
  });
  ASSERT_NE(spill, out.edits.end()) << out.ToString();
  out.edits.erase(spill);
  EXPECT_NE(CheckError(fx, out), "");
}

TEST_P(CheckerTest, CatchesStackMapWithoutTheReference) {
  Fixture fx;
  Output out = fx.Allocate(GetParam());
  out.stack_maps[0].slot_end = out.stack_maps[0].slot_begin;
  const std::string err = CheckError(fx, out);
  EXPECT_NE(err.find("live reference v0 is in no stack map slot"), std::string::npos) << err;
}

TEST_P(CheckerTest, CatchesStackMapListingGarbage) {
  Fixture fx;
  Output out = fx.Allocate(GetParam());
  // An extra slot that holds no reference.
  out.spill_slot_class.push_back(RegClass::kInt);
  const uint32_t junk = out.num_spill_slots++;
  out.stack_map_slots.push_back(junk);
  out.stack_maps[0].slot_end = static_cast<uint32_t>(out.stack_map_slots.size());
  out.stack_maps[0].slot_begin = out.stack_maps[0].slot_end - 2;
  const std::string err = CheckError(fx, out);
  EXPECT_NE(err.find("which holds no live reference"), std::string::npos) << err;
}

TEST_P(CheckerTest, CatchesBrokenFixedConstraint) {
  Fixture fx;
  Output out = fx.Allocate(GetParam());
  out.allocs[fx.UseOf(fx.call, fx.v2)] = Allocation::Reg(r2);
  const std::string err = CheckError(fx, out);
  EXPECT_NE(err.find("not the fixed register"), std::string::npos) << err;
}

TEST_P(CheckerTest, CatchesStackToStackEdit) {
  Fixture fx;
  Output out = fx.Allocate(GetParam());
  out.spill_slot_class.push_back(RegClass::kInt);
  const uint32_t extra = out.num_spill_slots++;
  out.edits.insert(out.edits.begin(),
                   Edit{ProgPoint::Before(0), Allocation::Stack(0), Allocation::Stack(extra)});
  const std::string err = CheckError(fx, out);
  EXPECT_NE(err.find("stack-to-stack"), std::string::npos) << err;
}

INSTANTIATE_TEST_SUITE_P(Allocators, CheckerTest, testing::Values("fast", "linear", "backtrack"),
                         [](const auto& info) { return std::string(info.param); });

// A loop: the checker must meet states at the header and see that a value which is only
// present on the entry edge is not available on the back edge.
TEST(Checker, MeetAtLoopHeaderDropsOneSidedValues) {
  MachineEnv env = MachineEnv::ForTesting(3, 1, 0);
  Function f;
  const VReg a = f.AddVReg(RegClass::kInt), p = f.AddVReg(RegClass::kInt),
             q = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::FixedDef(a, r0)});
  f.AddInst({});
  f.AddSucc(Block(1), {a});
  f.StartBlock();
  f.AddBlockParam(p);
  f.AddInst({Operand::Use(p), Operand::Def(q)});
  f.AddInst({Operand::Use(q)});
  f.AddSucc(Block(2));
  f.AddSucc(Block(3));
  f.StartBlock();  // back edge
  f.AddInst({});
  f.AddSucc(Block(1), {q});
  f.StartBlock();  // exit
  f.AddInst({Operand::FixedUse(q, r0)});
  f.Finish();
  ASSERT_TRUE(f.Validate(env).ok()) << f.Validate(env).error().message;
  for (std::string_view name : AllocatorNames()) {
    Options options;
    options.algorithm = std::string(name);
    options.run_checker = false;
    Expected<Output> out = Allocate(f, env, options);
    ASSERT_TRUE(out.ok()) << out.error().message;
    ASSERT_TRUE(CheckAllocation(f, env, *out).ok())
        << CheckAllocation(f, env, *out).error().message;
    // Drop every edge move on the back edge: p would then hold a stale or missing value on the
    // second iteration, unless the allocator put p where q already is.
    Output broken = *out;
    std::erase_if(broken.edits, [&](const Edit& e) { return e.point == ProgPoint::Before(4); });
    // Also force p's use into a register that q does not occupy at the end of the loop.
    const uint32_t use_p = f.insts[2].operand_begin;
    const uint32_t def_q = use_p + 1;
    if (broken.allocs[use_p] == broken.allocs[def_q]) continue;  // coalesced: nothing to break
    if (broken.edits.size() == out->edits.size()) continue;      // no back-edge move existed
    EXPECT_FALSE(CheckAllocation(f, env, broken).ok()) << name << "\n" << out->ToString();
  }
}

TEST(Validate, RejectsCriticalEdge) {
  MachineEnv env = MachineEnv::ForTesting(2, 1, 0);
  Function f;
  const VReg c = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(c)});
  f.AddInst({Operand::Use(c)});
  f.AddSucc(Block(1));
  f.AddSucc(Block(2));
  f.StartBlock();
  f.AddInst({});
  f.AddSucc(Block(2));
  f.StartBlock();
  f.AddInst({});
  f.Finish();
  const Status s = f.Validate(env);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("critical edge block0 -> block2"), std::string::npos)
      << s.error().message;
}

// Finish() on blocks whose successor ranges overlap (each edge is counted once but listed twice)
// stays inside its tables, and Validate() names the malformed range.
TEST(Validate, RejectsOverlappingSuccessorRangesAfterFinish) {
  MachineEnv env = MachineEnv::ForTesting(2, 1, 0);
  Function f;
  f.StartBlock();
  f.AddInst({});
  f.AddSucc(Block(1));
  f.StartBlock();
  f.AddInst({});
  f.blocks[1].succ_begin = 0;  // block1 also claims block0's edge (to itself: the last block)
  f.blocks[1].succ_end = 1;
  f.Finish();
  ASSERT_EQ(f.preds.size(), 1u);
  const Status s = f.Validate(env);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("block1"), std::string::npos) << s.error().message;
}

TEST(Validate, RejectsDoubleDefinitionAndUseBeforeDef) {
  MachineEnv env = MachineEnv::ForTesting(2, 1, 0);
  {
    Function f;
    const VReg v = f.AddVReg(RegClass::kInt);
    f.StartBlock();
    f.AddInst({Operand::Def(v)});
    f.AddInst({Operand::Def(v)});
    f.Finish();
    const Status s = f.Validate(env);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("v0 defined twice"), std::string::npos);
  }
  {
    Function f;
    const VReg v = f.AddVReg(RegClass::kInt);
    f.StartBlock();
    f.AddInst({Operand::Use(v)});
    f.AddInst({Operand::Def(v)});
    f.Finish();
    const Status s = f.Validate(env);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("use before definition"), std::string::npos);
  }
}

// The validation policy (allocator.cc): ValidateStructure() is what Allocate() checks without the
// checker; it rejects what would take a reader outside the tables and leaves the operand-level
// invariants (SSA, constraints, critical edges, reachability) to the full Validate(), which
// Allocate() runs with the checker.
TEST(Validate, StructureIsTheTablesAndTheEdges) {
  MachineEnv env = MachineEnv::ForTesting(2, 1, 0);
  auto build = [](bool twice) {
    Function f;
    const VReg v = f.AddVReg(RegClass::kInt), p = f.AddVReg(RegClass::kInt);
    f.StartBlock();
    f.AddInst({Operand::Def(v)});
    if (twice) f.AddInst({Operand::Def(v)});
    f.AddInst({});
    f.AddSucc(Block(1), {v});
    f.StartBlock();
    f.AddBlockParam(p);
    f.AddInst({Operand::Use(p)});
    f.Finish();
    return f;
  };
  ASSERT_TRUE(build(false).Validate(env).ok());
  {
    // Operand-level: only the full check sees it, and Allocate() runs that with the checker.
    const Function f = build(true);
    EXPECT_TRUE(f.ValidateStructure(env).ok());
    EXPECT_NE(f.Validate(env).error().message.find("v0 defined twice"), std::string::npos);
    Options options;
    options.run_checker = true;
    const Expected<Output> out = Allocate(f, env, options);
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.error().message.find("v0 defined twice"), std::string::npos);
  }
  {
    Function f = build(false);
    f.succs[0].block = Block(2);
    EXPECT_NE(f.ValidateStructure(env).error().message.find("branches to missing block2"),
              std::string::npos);
  }
  {
    Function f = build(false);
    --f.succs[0].arg_end;
    EXPECT_NE(f.ValidateStructure(env).error().message.find("passes 0 args to block1"),
              std::string::npos);
  }
  {
    Function f = build(false);
    f.blocks[1].inst_end = f.blocks[1].inst_begin;  // the tables no longer cover the last inst
    EXPECT_FALSE(f.ValidateStructure(env).ok());
    f.insts.pop_back();
    f.operands.pop_back();
    EXPECT_NE(f.ValidateStructure(env).error().message.find("block1 has no instructions"),
              std::string::npos);
  }
  {
    Function f = build(false);
    f.preds.clear();
    EXPECT_NE(f.ValidateStructure(env).error().message.find("predecessors not computed"),
              std::string::npos);
  }
}

TEST(Validate, RejectsUseNotDominatedByDef) {
  MachineEnv env = MachineEnv::ForTesting(2, 1, 0);
  Function f;
  const VReg c = f.AddVReg(RegClass::kInt), v = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(c)});
  f.AddInst({Operand::Use(c)});
  f.AddSucc(Block(1));
  f.AddSucc(Block(2));
  f.StartBlock();
  f.AddInst({Operand::Def(v)});
  f.AddInst({});
  f.AddSucc(Block(3));
  f.StartBlock();
  f.AddInst({});
  f.AddSucc(Block(3));
  f.StartBlock();
  f.AddInst({Operand::Use(v)});
  f.Finish();
  ASSERT_TRUE(f.Validate(env).ok());
  f.name = "f7";
  Expected<Output> out = Allocate(f, env);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("regalloc input: function f7: v1"), std::string::npos)
      << out.error().message;
}

TEST(Allocate, UnknownAllocatorIsAnError) {
  Options options;
  options.algorithm = "graph-colouring";
  Function f;
  f.StartBlock();
  f.AddInst({});
  f.Finish();
  Expected<Output> out = Allocate(f, MachineEnv::ForTesting(2, 1, 0), options);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("unknown register allocator"), std::string::npos);
}

}  // namespace
}  // namespace egret::regalloc
