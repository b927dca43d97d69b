// branch_simplify_test.cc: each branch-simplification rule fires where it may, and leaves the
// code alone where it may not. Every test also runs the result in the simulator, so a rule that
// fires wrongly shows up as a wrong trace, not just as a different byte count.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "machbuffer/machbuffer.h"
#include "tests/unit/machbuffer/code_sim.h"
#include "tests/unit/machbuffer/emitters.h"

namespace egret {
namespace {

using testing::A64B;
using testing::A64BCond;
using testing::A64Cbz;
using testing::A64DirectTarget;
using testing::A64Emitter;
using testing::A64Tbz;
using testing::SimulateA64;
using testing::X64Emitter;

std::vector<uint64_t> RunA64(const MachCode& code, uint64_t input) {
  testing::SimResult r = SimulateA64(code.bytes, 0, input, 64, 10000);
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.returned);
  return r.trace;
}

using Trace = std::vector<uint64_t>;

TEST(BranchSimplify, JumpToNextInstructionIsRemoved) {
  A64Emitter e;
  MachLabel next = e.buf.NewLabel();
  e.Marker(1);
  e.B(next);
  e.buf.BindLabel(next);
  e.Marker(2);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.bytes.size(), 12u);
  EXPECT_EQ(code.stats.branches_removed, 1u);
  EXPECT_EQ(RunA64(code, 0), (Trace{1, 2}));
}

// NewLabels(n) hands out n consecutive fresh labels, the same as n NewLabel calls: here the
// labels of a chain of jumps to the next instruction, all removed.
TEST(BranchSimplify, LabelsMadeAtOnceBehaveAsSingleOnes) {
  A64Emitter e;
  const MachLabel before = e.buf.NewLabel();
  const uint32_t first = e.buf.NewLabels(3).index;
  EXPECT_EQ(first, before.index + 1);
  EXPECT_EQ(e.buf.NewLabel().index, first + 3);
  e.Marker(1);
  for (uint32_t k = 0; k < 3; ++k) {
    e.B(MachLabel(first + k));
    e.buf.BindLabel(MachLabel(first + k));
  }
  e.buf.BindLabel(before);
  e.Marker(2);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.bytes.size(), 12u);
  EXPECT_EQ(code.stats.branches_removed, 3u);
  EXPECT_EQ(RunA64(code, 0), (Trace{1, 2}));
}

TEST(BranchSimplify, ChainOfJumpsToNextAllGo) {
  A64Emitter e;
  MachLabel a = e.buf.NewLabel(), b = e.buf.NewLabel();
  e.Cond(A64Cbz(5, false), b);  // cond to the end
  e.B(a);
  e.buf.BindLabel(a);  // removes b a, then the cbz (its target is bound below, not yet)
  e.buf.BindLabel(b);  // now the cbz jumps to the next instruction too
  e.Marker(3);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.bytes.size(), 8u);
  EXPECT_EQ(code.stats.branches_removed, 2u);
  EXPECT_EQ(RunA64(code, 0), (Trace{3}));
}

// A buffer takes the working storage (labels, fixups, queues, branch state) the last buffer
// destroyed on its thread gave back (MachBuffer::Storage): a program gives the same code and
// tables whatever ran before it.
TEST(BranchSimplify, SameCodeAfterStorageReuse) {
  auto build = [](uint32_t n) {
    A64Emitter e;
    std::vector<MachLabel> labels;
    for (uint32_t k = 0; k < n; ++k) labels.push_back(e.buf.NewLabel());
    for (uint32_t k = 0; k < n; ++k) {
      e.buf.BindLabel(labels[k]);
      e.Marker(k);
      if (k + 2 < n) e.Cond(A64BCond(0), labels[k + 2]);  // taken when bit 0 of the input is set
      if (k + 1 < n) e.B(labels[k + 1]);                  // removed: jumps to the next label
    }
    e.Ret();
    return e.buf.Finish();
  };
  const MachCode first = build(9);
  {
    const MachCode big = build(3000);  // grows every working vector well past what 9 need
    EXPECT_EQ(big.stats.branches_removed, 2999u);  // (too long for the simulator's trace)
  }
  {
    // Abandoned mid-function (an error path): branches at the tail, a label bound there, fixups
    // waiting. None of it may reach the next buffer.
    A64Emitter e;
    MachLabel l = e.buf.NewLabel(), m = e.buf.NewLabel();
    e.Cond(A64BCond(0), m);
    e.B(l);
    e.buf.BindLabel(e.buf.NewLabel());
  }
  const MachCode again = build(9);
  EXPECT_EQ(again.bytes, first.bytes);
  EXPECT_EQ(again.stats, first.stats);
  EXPECT_EQ(first.stats.branches_removed, 8u);
  EXPECT_EQ(RunA64(again, 0), (Trace{0, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(RunA64(again, 1), (Trace{0, 2, 4, 6, 8}));
  EXPECT_EQ(RunA64(again, 1), RunA64(first, 1));
}

TEST(BranchSimplify, CondBranchOverJumpIsInverted) {
  A64Emitter e;
  MachLabel taken = e.buf.NewLabel(), other = e.buf.NewLabel();
  e.Cond(A64BCond(0), taken);  // b.eq taken; b other; taken:
  e.B(other);
  e.buf.BindLabel(taken);
  e.Marker(1);
  e.Ret();
  e.buf.BindLabel(other);
  e.Marker(2);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.branches_inverted, 1u);
  EXPECT_EQ(code.bytes.size(), 20u);
  EXPECT_EQ(testing::Load32(code.bytes, 0) & 0xff00001fu, A64BCond(1));  // b.ne
  EXPECT_EQ(A64DirectTarget(code.bytes, 0), 12u);
  EXPECT_EQ(RunA64(code, 1), (Trace{1}));  // b.eq taken when bit 0 is set
  EXPECT_EQ(RunA64(code, 0), (Trace{2}));
}

TEST(BranchSimplify, InversionOfTestBitBranch) {
  A64Emitter e;
  MachLabel taken = e.buf.NewLabel(), other = e.buf.NewLabel();
  e.Cond(A64Tbz(1, 37, false), taken);
  e.B(other);
  e.buf.BindLabel(taken);
  e.Marker(1);
  e.Ret();
  e.buf.BindLabel(other);
  e.Marker(2);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.branches_inverted, 1u);
  EXPECT_EQ(RunA64(code, 0), (Trace{1}));  // tbz taken when bit 37 is clear
  EXPECT_EQ(RunA64(code, uint64_t{1} << 37), (Trace{2}));
}

TEST(BranchSimplify, LabelOnJumpIsThreadedToItsTarget) {
  A64Emitter e;
  MachLabel hop = e.buf.NewLabel(), dest = e.buf.NewLabel();
  e.Cond(A64Cbz(6, false), hop);  // forward use of hop before hop is bound
  e.Marker(1);
  e.Ret();
  e.buf.BindLabel(hop);
  e.B(dest);    // hop now means dest
  e.Marker(9);  // unreachable
  e.Ret();
  e.buf.BindLabel(dest);
  e.Marker(2);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.labels_threaded, 1u);
  const uint32_t dest_offset = static_cast<uint32_t>(code.bytes.size()) - 8;
  EXPECT_EQ(A64DirectTarget(code.bytes, 0), dest_offset);  // the cbz skips the hop
  EXPECT_EQ(RunA64(code, 0), (Trace{2}));
  EXPECT_EQ(RunA64(code, 1 << 6), (Trace{1}));
}

TEST(BranchSimplify, UnreachableJumpAfterJumpIsDropped) {
  A64Emitter e;
  MachLabel hop = e.buf.NewLabel(), dest = e.buf.NewLabel(), end = e.buf.NewLabel();
  e.Cond(A64Cbz(6, false), hop);
  e.Marker(0);
  e.B(end);
  e.buf.BindLabel(hop);  // at a jump right after a jump: threaded, then the jump is dead
  e.B(dest);
  e.buf.BindLabel(dest);
  e.Marker(2);
  e.Ret();
  e.buf.BindLabel(end);
  e.Marker(1);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.labels_threaded, 1u);
  EXPECT_EQ(code.stats.dead_branches, 1u);
  EXPECT_EQ(code.bytes.size(), 28u);
  EXPECT_EQ(RunA64(code, 0), (Trace{2}));
  EXPECT_EQ(RunA64(code, 1 << 6), (Trace{0, 1}));
}

TEST(BranchSimplify, SeveralLabelsAtOneOffset) {
  A64Emitter e;
  MachLabel a = e.buf.NewLabel(), b = e.buf.NewLabel(), c = e.buf.NewLabel();
  e.Cond(A64BCond(2), a);
  e.B(b);
  e.buf.BindLabel(a);  // inverts: b.cs b
  e.buf.BindLabel(b);  // removes the inverted branch: it now jumps to the next instruction
  e.buf.BindLabel(c);
  e.Marker(7);
  e.Cond(A64Cbz(3, true), c);  // backward to the shared offset
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.bytes.size(), 12u);
  EXPECT_EQ(e.buf.LabelOffset(a), 0u);
  EXPECT_EQ(e.buf.LabelOffset(b), 0u);
  EXPECT_EQ(e.buf.LabelOffset(c), 0u);
  EXPECT_EQ(RunA64(code, 0), (Trace{7}));
}

TEST(BranchSimplify, SelfLoopIsKept) {
  A64Emitter e;
  MachLabel entry = e.buf.NewLabel(), loop = e.buf.NewLabel();
  e.Cond(A64Cbz(0, false), loop);
  e.Ret();
  e.buf.BindLabel(entry);
  e.buf.BindLabel(loop);
  e.B(loop);  // `loop: b loop` must not thread loop to itself; entry threads to loop
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.bytes.size(), 12u);
  EXPECT_EQ(A64DirectTarget(code.bytes, 8), 8u);
  EXPECT_EQ(RunA64(code, 1), (Trace{}));
  testing::SimResult r = SimulateA64(code.bytes, 0, 0, 4, 100);
  EXPECT_FALSE(r.returned);
  EXPECT_EQ(r.error, "");
}

// Nothing may change: a pinned label (e.g. a jump-table target) sits on the jump.
TEST(BranchSimplify, PinnedLabelOnJumpBlocksInversionAndThreading) {
  A64Emitter e;
  MachLabel taken = e.buf.NewLabel(), pinned = e.buf.NewLabel(), other = e.buf.NewLabel();
  e.Cond(A64BCond(0), taken);
  e.buf.BindLabel(pinned);
  e.buf.PinLabel(pinned);
  e.B(other);
  e.buf.BindLabel(taken);
  e.Marker(1);
  e.Ret();
  e.buf.BindLabel(other);
  e.Marker(2);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.branches_inverted, 0u);
  EXPECT_EQ(code.stats.labels_threaded, 0u);
  EXPECT_EQ(code.bytes.size(), 24u);
  EXPECT_EQ(e.buf.LabelOffset(pinned), 4u);
  EXPECT_EQ(RunA64(code, 1), (Trace{1}));
  EXPECT_EQ(RunA64(code, 0), (Trace{2}));
}

// Nothing may change: a label bound after the jump that earlier code jumps to backward-patched.
TEST(BranchSimplify, ObservedLabelAtTailBlocksRemoval) {
  A64Emitter e;
  MachLabel next = e.buf.NewLabel();
  e.B(next);
  e.buf.BindLabel(next);  // removed: next moves to 0
  e.Marker(5);
  e.Ret();
  EXPECT_EQ(e.buf.CurOffset(), 8u);
  // A second function shape: the label after the jump is pinned, so the jump stays.
  A64Emitter f;
  MachLabel mid = f.buf.NewLabel(), target = f.buf.NewLabel();
  f.B(target);
  f.buf.BindLabel(mid);
  f.buf.PinLabel(mid);
  f.buf.BindLabel(target);  // target == mid's offset, but mid cannot move with the tail
  f.Marker(5);
  f.Ret();
  MachCode code = f.buf.Finish();
  EXPECT_EQ(code.stats.branches_removed, 0u);
  EXPECT_EQ(code.bytes.size(), 12u);
  EXPECT_EQ(RunA64(code, 0), (Trace{5}));
}

// Nothing may change: branch-table entries are plain words with label uses, not registered
// branches, so an entry that jumps to the next entry stays (the table's stride is fixed).
TEST(BranchSimplify, BranchTableEntriesAreNotSimplified) {
  A64Emitter e;
  MachLabel entries[3] = {e.buf.NewLabel(), e.buf.NewLabel(), e.buf.NewLabel()};
  for (int i = 0; i < 3; ++i) {
    e.buf.Put4(A64B());
    e.buf.UseLabelAtOffset(e.buf.CurOffset() - 4, entries[i], A64LabelUse::kBranch26);
    if (i == 0) e.buf.BindLabel(entries[0]);  // entry 0 jumps to entry 1's slot
  }
  e.buf.BindLabel(entries[1]);
  e.buf.BindLabel(entries[2]);
  e.Marker(1);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.bytes.size(), 20u);
  EXPECT_EQ(A64DirectTarget(code.bytes, 0), 4u);
  EXPECT_EQ(A64DirectTarget(code.bytes, 4), 12u);
  EXPECT_EQ(A64DirectTarget(code.bytes, 8), 12u);
}

// Nothing may change: a jump followed by an island no longer jumps to the next instruction.
TEST(BranchSimplify, JumpBeforeIslandStays) {
  A64Emitter e;
  MachLabel after = e.buf.NewLabel();
  e.LoadConst(0x1122334455667788ull);
  e.B(after);
  e.buf.EmitIsland(4, /*reachable=*/false);  // the constant goes here
  e.buf.BindLabel(after);
  e.Marker(1);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.branches_removed, 0u);
  EXPECT_EQ(code.stats.islands, 1u);
  EXPECT_EQ(A64DirectTarget(code.bytes, 4), 16u);
  EXPECT_EQ(RunA64(code, 0), (Trace{0x1122334455667788ull, 1}));
}

TEST(BranchSimplify, X64JumpRemovalAndInversion) {
  X64Emitter e;
  MachLabel taken = e.buf.NewLabel(), other = e.buf.NewLabel(), next = e.buf.NewLabel();
  e.Jcc(4, taken);  // je taken; jmp other; taken:
  e.Jmp(other);
  e.buf.BindLabel(taken);
  e.Marker(1);
  e.Jmp(next);
  e.buf.BindLabel(next);
  e.Ret();
  e.buf.BindLabel(other);
  e.Marker(2);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.branches_inverted, 1u);
  EXPECT_EQ(code.stats.branches_removed, 1u);
  EXPECT_EQ(code.bytes[1], 0x85);  // jne
  EXPECT_EQ(code.bytes.size(), 6u + 5 + 1 + 5 + 1);
  auto run = [&](uint64_t input) {
    testing::SimResult r = testing::SimulateX64(code.bytes, 0, input, 8, 1000);
    EXPECT_EQ(r.error, "");
    return r.trace;
  };
  EXPECT_EQ(run(1 << 2), (Trace{1}));  // cc 4: taken when bit 2 is set
  EXPECT_EQ(run(0), (Trace{2}));
}

TEST(BranchSimplify, RemovedBranchDropsItsSideTableEntries) {
  A64Emitter e;
  MachLabel next = e.buf.NewLabel();
  e.buf.BeginNoFrame(MachFrameKind::kReturnInLr);  // [0, 8): the marker and the branch
  e.Marker(1);
  e.buf.StartSrcLoc(42);
  e.buf.AddTrap(TrapCode::kUnreachable);
  e.B(next);
  e.buf.EndSrcLoc();
  e.buf.EndNoFrame();
  e.buf.BeginNoFrame(MachFrameKind::kReturnInLr);  // a second branch to next, dropped too
  e.B(next);
  e.buf.EndNoFrame();
  e.buf.BindLabel(next);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.bytes.size(), 8u);
  EXPECT_TRUE(code.traps.empty());
  EXPECT_TRUE(code.srclocs.empty());
  // The frame range that covered the branch now ends where the branch started.
  ASSERT_EQ(code.frame_ranges.size(), 1u);
  EXPECT_EQ(code.frame_ranges[0], (MachFrameRange{0, 4, MachFrameKind::kReturnInLr}));
}

}  // namespace
}  // namespace egret

namespace egret {
namespace {

// Many labels at one offset, each with waiting uses, settle in linear time (a quadratic scan
// would take seconds here under the sanitizers).
TEST(BranchSimplify, ManyLabelsAtOneOffsetSettleLinearly) {
  A64Emitter e;
  constexpr int kLabels = 20000;
  std::vector<MachLabel> labels;
  for (int i = 0; i < kLabels; ++i) labels.push_back(e.buf.NewLabel());
  for (int i = 0; i < kLabels; ++i) {
    e.buf.Put4(testing::A64LdrLit(3) & 0xff00001fu);  // a word with a Branch26 use
    e.buf.Put4(A64B());
    e.buf.UseLabelAtOffset(e.buf.CurOffset() - 4, labels[i], A64LabelUse::kBranch26);
  }
  for (int i = 0; i < kLabels; ++i) {
    e.buf.BindLabel(labels[i]);
    e.buf.PinLabel(labels[i]);
  }
  e.Ret();
  MachCode code = e.buf.Finish();
  const uint32_t end = static_cast<uint32_t>(code.bytes.size()) - 4;
  for (int i = 0; i < kLabels; i += 997) {
    EXPECT_EQ(A64DirectTarget(code.bytes, 8 * i + 4), end);
  }
}

}  // namespace
}  // namespace egret

namespace egret {
namespace {

// A long run of labelled branches to the next instruction collapses in linear time: removing a
// branch moves every label at the tail without visiting each one.
TEST(BranchSimplify, LongRunOfRemovableBranchesIsLinear) {
  A64Emitter e;
  constexpr int kBranches = 20000;
  MachLabel end = e.buf.NewLabel();
  std::vector<MachLabel> labels;
  for (int i = 0; i < kBranches; ++i) {
    labels.push_back(e.buf.NewLabel());
    e.buf.BindLabel(labels.back());
    e.Cond(A64Cbz(1, false), end);
  }
  e.buf.BindLabel(end);  // every branch now jumps to the next instruction
  e.Marker(1);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.branches_removed, static_cast<uint32_t>(kBranches));
  EXPECT_EQ(code.bytes.size(), 8u);
  EXPECT_EQ(e.buf.LabelOffset(labels[kBranches / 2]), 0u);
  EXPECT_EQ(e.buf.LabelOffset(end), 0u);
}

// x64 branch relaxation at Finish: a forward jcc within rel8 reach and a backward jmp become
// 2-byte forms, a forward jcc beyond reach stays rel32, and every side table moves with the code.
MachCode RelaxProgram(bool relax) {
  X64MachBuffer buf(MachBufferOptions{1, kMinShrunkRange, relax});
  const MachLabel back = buf.NewLabel(), near = buf.NewLabel(), far = buf.NewLabel();
  buf.BindLabel(back);
  buf.BeginNoFrame(MachFrameKind::kReturnAtSp);
  buf.Put1(0x90);  // 0
  buf.EndNoFrame();
  buf.EmitCondBranch(testing::X64Jcc(4), testing::X64Jcc(5), 2, near,  // 1: je near
                     X64LabelUse::kJmpRel32);
  buf.StartSrcLoc(7);
  buf.AddTrap(TrapCode::kUnreachable);
  buf.BeginNoFrame(MachFrameKind::kReturnAtSp8);
  buf.Put2(0x0b0f);  // 7: ud2
  buf.EndNoFrame();
  buf.EndSrcLoc();
  buf.EmitCondBranch(testing::X64Jcc(2), testing::X64Jcc(3), 2, far,  // 9: jb far
                     X64LabelUse::kJmpRel32);
  buf.BindLabel(near);
  buf.Put1(0x90);                                                            // 15
  buf.EmitUncondBranch(testing::X64Jmp(), 1, back, X64LabelUse::kJmpRel32);  // 16: jmp back
  buf.PutPadding(200);                                                       // 21
  buf.BindLabel(far);
  buf.BeginNoFrame(MachFrameKind::kReturnAtSp);  // open: Finish closes it at the end
  buf.Put1(0xc3);                                // 221
  return buf.Finish();
}

TEST(BranchRelax, X64ShortensNearBranchesAndRemapsSideTables) {
  const MachCode before = RelaxProgram(false);
  ASSERT_EQ(before.bytes.size(), 222u);
  EXPECT_EQ(before.stats.branches_relaxed, 0u);
  const MachCode c = RelaxProgram(true);
  EXPECT_EQ(c.stats.branches_relaxed, 2u);
  ASSERT_EQ(c.bytes.size(), 222u - 4 - 3);
  EXPECT_EQ(c.bytes[1], 0x74);  // je rel8 to 11 (near), from the end at 3
  EXPECT_EQ(c.bytes[2], 8);
  EXPECT_EQ(c.bytes[3], 0x0f);  // ud2 moved from 7 to 3
  EXPECT_EQ(c.bytes[5], 0x0f);  // jb rel32 stays: 214 - 11 = 203
  EXPECT_EQ(c.bytes[6], 0x82);
  EXPECT_EQ(c.bytes[7], 203);
  EXPECT_EQ(c.bytes[12], 0xeb);  // jmp rel8 back to 0 from the end at 14
  EXPECT_EQ(c.bytes[13], static_cast<uint8_t>(-14));
  EXPECT_EQ(c.bytes[214], 0xc3);
  ASSERT_EQ(c.traps.size(), 1u);
  EXPECT_EQ(c.traps[0].offset, 3u);
  ASSERT_EQ(c.srclocs.size(), 1u);
  EXPECT_EQ(c.srclocs[0].start, 3u);
  EXPECT_EQ(c.srclocs[0].end, 5u);
  EXPECT_EQ(c.srclocs[0].loc, 7u);
  const std::vector<MachFrameRange> ranges = {{0, 1, MachFrameKind::kReturnAtSp},
                                              {3, 5, MachFrameKind::kReturnAtSp8},
                                              {214, 215, MachFrameKind::kReturnAtSp}};
  EXPECT_EQ(c.frame_ranges, ranges);
  EXPECT_EQ(before.frame_ranges[1], (MachFrameRange{7, 9, MachFrameKind::kReturnAtSp8}));
  EXPECT_EQ(before.frame_ranges[2], (MachFrameRange{221, 222, MachFrameKind::kReturnAtSp}));
}

// An island in the code (its alignment could grow as code before it shrinks) turns relaxation
// off for the whole function.
TEST(BranchRelax, X64NoRelaxationWithACodeIsland) {
  X64MachBuffer buf(MachBufferOptions{1, kMinShrunkRange, true});
  const MachLabel l = buf.NewLabel();
  buf.EmitCondBranch(testing::X64Jcc(4), testing::X64Jcc(5), 2, l, X64LabelUse::kJmpRel32);
  const uint8_t k[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const MachLabel c8 = buf.ConstantLabel(k, 8);
  buf.PutBytes(testing::X64LoadRip());
  buf.UseLabelAtOffset(buf.CurOffset() - 4, c8, X64LabelUse::kRipRel32);
  buf.EmitIsland(16);  // places the constant: an island in the code
  buf.Put1(0x90);
  buf.BindLabel(l);
  buf.Put1(0xc3);
  const MachCode c = buf.Finish();
  ASSERT_EQ(c.stats.code_islands, 1u);
  EXPECT_EQ(c.stats.branches_relaxed, 0u);
  EXPECT_EQ(c.bytes[0], 0x0f);
}

}  // namespace
}  // namespace egret
