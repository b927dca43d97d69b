// vcode_test.cc: VCode::Append fills the VCode's tables and the allocator's input exactly as
// the instruction list plus regalloc::Function::AddInst did, whether the tables had room
// (the inline path) or had to grow (AppendGrowing), with and without clobber sets.
#include "backends/common/vcode.h"

#include <gtest/gtest.h>

#include <vector>

namespace egret::backend {
namespace {

struct TestInst {
  int op = 0;
};

using regalloc::Operand;
using regalloc::PReg;
using regalloc::RegClass;
using regalloc::VReg;

// Appends the same instructions to `v` through Append and to `ref` through AddInst.
void AppendBoth(VCode<TestInst>& v, regalloc::Function& ref, VCode<TestInst>& ref_v) {
  const VReg a = v.ra.AddVReg(RegClass::kInt), b = v.ra.AddVReg(RegClass::kInt);
  ref.AddVReg(RegClass::kInt);
  ref.AddVReg(RegClass::kInt);
  regalloc::PRegSet clobbers;
  clobbers.Add(PReg(RegClass::kInt, 3));
  struct Step {
    std::vector<Operand> ops;
    regalloc::PRegSet clobbers;
    bool safepoint;
    uint32_t srcloc;
  };
  const std::vector<Step> steps = {
      {{Operand::Def(a)}, {}, false, 4},
      {{Operand::Use(a), Operand::Def(b)}, {}, false, 9},
      {{Operand::Use(a), Operand::Use(b)}, clobbers, true, kNoSrcLoc},
      {{}, {}, false, 12},
      {{Operand::Use(b)}, {}, false, 13},
  };
  for (int round = 0; round < 40; ++round) {  // enough to grow empty tables several times
    if (round % 8 == 0) {
      v.ra.StartBlock();
      ref.StartBlock();
    }
    for (size_t k = 0; k < steps.size(); ++k) {
      const Step& s = steps[k];
      const TestInst mi{static_cast<int>(10 * round + k)};
      const uint32_t i = v.Append(mi, s.srcloc, s.ops, s.clobbers, s.safepoint);
      EXPECT_EQ(ref.AddInst(s.ops, s.clobbers, s.safepoint), i);
      ref_v.insts.push_back(mi);
      ref_v.srclocs.push_back(s.srcloc);
    }
  }
}

void ExpectSameTables(const VCode<TestInst>& v, const regalloc::Function& ref,
                      const VCode<TestInst>& ref_v) {
  ASSERT_EQ(v.insts.size(), ref_v.insts.size());
  for (size_t k = 0; k < v.insts.size(); ++k) EXPECT_EQ(v.insts[k].op, ref_v.insts[k].op);
  EXPECT_EQ(v.srclocs, ref_v.srclocs);
  ASSERT_EQ(v.ra.insts.size(), ref.insts.size());
  for (size_t k = 0; k < ref.insts.size(); ++k) {
    EXPECT_EQ(v.ra.insts[k].operand_begin, ref.insts[k].operand_begin) << k;
    EXPECT_EQ(v.ra.insts[k].operand_end, ref.insts[k].operand_end) << k;
    EXPECT_EQ(v.ra.insts[k].clobbers, ref.insts[k].clobbers) << k;
    EXPECT_EQ(v.ra.insts[k].safepoint, ref.insts[k].safepoint) << k;
    EXPECT_TRUE(v.ra.Clobbers(static_cast<uint32_t>(k)) == ref.Clobbers(static_cast<uint32_t>(k)));
  }
  ASSERT_EQ(v.ra.operands.size(), ref.operands.size());
  for (size_t k = 0; k < ref.operands.size(); ++k) {
    EXPECT_EQ(v.ra.operands[k].vreg, ref.operands[k].vreg) << k;
    EXPECT_EQ(v.ra.operands[k].kind, ref.operands[k].kind) << k;
  }
  ASSERT_EQ(v.ra.blocks.size(), ref.blocks.size());
  for (size_t k = 0; k < ref.blocks.size(); ++k) {
    EXPECT_EQ(v.ra.blocks[k].inst_begin, ref.blocks[k].inst_begin) << k;
    EXPECT_EQ(v.ra.blocks[k].inst_end, ref.blocks[k].inst_end) << k;
  }
}

TEST(VCode, AppendGrowsEmptyTablesLikeAddInst) {
  VCode<TestInst> v, ref_v;
  regalloc::Function ref;
  AppendBoth(v, ref, ref_v);
  ExpectSameTables(v, ref, ref_v);
}

TEST(VCode, AppendIntoReservedTablesLikeAddInst) {
  VCode<TestInst> v, ref_v;
  v.Reserve(1000, 10, 10);
  const auto* insts_before = v.insts.data();
  const auto* operands_before = v.ra.operands.data();
  regalloc::Function ref;
  AppendBoth(v, ref, ref_v);
  ExpectSameTables(v, ref, ref_v);
  // 200 instructions and 280 operands fit what Reserve gave: nothing moved.
  EXPECT_EQ(v.insts.data(), insts_before);
  EXPECT_EQ(v.ra.operands.data(), operands_before);
}

// A recycled VCode's growing vectors come back, cleared, in the next taken VCode (the storage
// kept), and nothing else does: the taken one equals a default-constructed VCode.
TEST(VCode, RecycledStorageComesBackEmpty) {
  struct OtherInst {
    int op = 0;
  };
  (void)TakeRecycledVCode<OtherInst>();  // whatever this thread's spare held before
  VCode<OtherInst> v;
  v.Reserve(100, 10, 10);
  v.ra.name = "f";
  v.ra.StartBlock();
  const VReg a = v.ra.AddVReg(RegClass::kInt);
  v.Append(OtherInst{7}, 3, std::vector<Operand>{Operand::Def(a)}, {}, false);
  v.ra.loop_depth.push_back(1);
  v.jump_tables.push_back({0});
  v.frame.has_calls = true;
  v.frame.outgoing_bytes = 16;
  const auto* insts = v.insts.data();
  const auto* operands = v.ra.operands.data();
  const auto* vregs = v.ra.vregs.data();
  RecycleVCode(std::move(v));

  VCode<OtherInst> t = TakeRecycledVCode<OtherInst>();
  EXPECT_EQ(t.insts.data(), insts);
  EXPECT_EQ(t.ra.operands.data(), operands);
  EXPECT_EQ(t.ra.vregs.data(), vregs);
  EXPECT_TRUE(t.insts.empty() && t.srclocs.empty() && t.ra.insts.empty() && t.ra.operands.empty() &&
              t.ra.blocks.empty() && t.ra.vregs.empty() && t.ra.loop_depth.empty());
  EXPECT_TRUE(t.ra.name.empty());
  EXPECT_TRUE(t.jump_tables.empty());
  EXPECT_FALSE(t.frame.has_calls);
  EXPECT_EQ(t.frame.outgoing_bytes, 0u);
  // The spare is empty now: a second take gets fresh vectors.
  VCode<OtherInst> u = TakeRecycledVCode<OtherInst>();
  EXPECT_EQ(u.insts.capacity(), 0u);
  EXPECT_EQ(u.ra.operands.capacity(), 0u);
}

// TakeRecycledVCodeInto resets a VCode in place: from a moved-out one (the Lowerer's after Run)
// it is TakeRecycledVCode; from one still holding a function (a failed lowering) every member
// is reset and the function's storage goes to the spare.
TEST(VCode, TakeRecycledInPlace) {
  struct ThirdInst {
    int op = 0;
  };
  (void)TakeRecycledVCode<ThirdInst>();  // whatever this thread's spare held before
  auto fill = [](VCode<ThirdInst>& v) {
    v.Reserve(100, 10, 10);
    v.ra.name = "f";
    v.ra.StartBlock();
    const VReg a = v.ra.AddVReg(RegClass::kInt);
    v.Append(ThirdInst{7}, 3, std::vector<Operand>{Operand::Def(a)}, {}, false);
    v.ra.loop_header.push_back(0);
    v.jump_tables.push_back({0});
    v.frame.has_calls = true;
    v.frame.arg_area_slots = 2;
  };
  auto expect_fresh = [](const VCode<ThirdInst>& t) {
    EXPECT_TRUE(t.insts.empty() && t.srclocs.empty() && t.ra.insts.empty() &&
                t.ra.operands.empty() && t.ra.blocks.empty() && t.ra.vregs.empty() &&
                t.ra.loop_header.empty());
    EXPECT_TRUE(t.ra.name.empty());
    EXPECT_TRUE(t.jump_tables.empty());
    EXPECT_FALSE(t.frame.has_calls);
    EXPECT_EQ(t.frame.arg_area_slots, 0u);
  };
  VCode<ThirdInst> kept;
  fill(kept);
  const auto* insts = kept.insts.data();
  // A failed function: its storage goes to the spare, `kept` gets the spare's (none).
  TakeRecycledVCodeInto(&kept);
  expect_fresh(kept);
  EXPECT_EQ(kept.insts.capacity(), 0u);
  // Moved out and recycled (Run, then the pipeline): the next reset takes the storage back.
  fill(kept);
  insts = kept.insts.data();
  const auto* vregs = kept.ra.vregs.data();
  VCode<ThirdInst> out = std::move(kept);
  RecycleVCode(std::move(out));
  TakeRecycledVCodeInto(&kept);
  expect_fresh(kept);
  EXPECT_EQ(kept.insts.data(), insts);
  EXPECT_EQ(kept.ra.vregs.data(), vregs);
}

}  // namespace
}  // namespace egret::backend
