// island_test.cc: islands and veneers for every aarch64 kind, at the real ranges (with large
// unreachable padding between the use and its target) and under range shrinking.
//
// The padding is never executed, so each test checks the final bytes directly: the direct target
// of the use is a veneer (or a constant in an island) and following the veneers ends at the
// label. The property test covers the same under random programs.
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
using testing::FollowA64Jumps;
using testing::Load64;

constexpr uint64_t kKiB = 1024, kMiB = 1024 * 1024;

struct FarCase {
  const char* name;
  uint32_t insn;  // 0: an unconditional b
  uint64_t distance;
};

// Emits `use -> label` with `distance` bytes of padding in between, then checks the path.
void CheckForwardFar(const FarCase& c, uint32_t shrink) {
  SCOPED_TRACE(c.name);
  A64Emitter e(shrink);
  MachLabel target = e.buf.NewLabel();
  e.Marker(1);
  if (c.insn == 0) {
    e.B(target);
  } else {
    e.Cond(c.insn, target);
  }
  e.Pad(c.distance);
  e.buf.BindLabel(target);
  e.Marker(2);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_GE(code.stats.veneers, 1u);
  EXPECT_GE(code.stats.islands, 1u);
  const uint64_t label = e.buf.LabelOffset(target);
  const uint64_t direct = A64DirectTarget(code.bytes, 4);
  EXPECT_NE(direct, label);
  EXPECT_LT(direct, 4 + code.bytes.size());
  EXPECT_EQ(FollowA64Jumps(code.bytes, direct), label);
}

TEST(IslandRealRange, Branch14VeneerForTbz) {
  CheckForwardFar({"tbz", A64Tbz(3, 9, false), 40 * kKiB}, 1);
}

TEST(IslandRealRange, Branch19VeneerForBCondAndCbz) {
  CheckForwardFar({"b.cond", A64BCond(3), 3 * kMiB / 2}, 1);
  CheckForwardFar({"cbnz", A64Cbz(3, true), 3 * kMiB / 2}, 1);
}

TEST(IslandRealRange, Branch26FarVeneer) { CheckForwardFar({"b", 0, 130 * kMiB}, 1); }

TEST(IslandShrunk, VeneersForEveryBranchKind) {
  CheckForwardFar({"tbz", A64Tbz(3, 9, true), 4 * kKiB}, 16);
  CheckForwardFar({"b.cond", A64BCond(3), 80 * kKiB}, 16);
  // 128 MiB / 65536 = 2 KiB: b needs the far veneer after 4 KiB.
  CheckForwardFar({"b", 0, 4 * kKiB}, 65536);
}

TEST(IslandShrunk, Branch14ChainsThroughBranch26) {
  // tbz (512 B after clamping) -> b (2 KiB) -> far veneer: 8 KiB of padding needs the whole chain.
  A64Emitter e(65536);
  MachLabel target = e.buf.NewLabel();
  e.Cond(A64Tbz(1, 2, false), target);
  e.Pad(8 * kKiB, 256);
  e.buf.BindLabel(target);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_GE(code.stats.veneers, 2u);
  const uint64_t direct = A64DirectTarget(code.bytes, 0);
  EXPECT_EQ(FollowA64Jumps(code.bytes, direct), e.buf.LabelOffset(target));
}

void CheckBackwardFar(uint32_t insn, uint64_t distance, uint32_t shrink) {
  A64Emitter e(shrink);
  MachLabel target = e.buf.NewLabel();
  e.buf.BindLabel(target);
  e.Marker(2);
  e.Pad(distance);
  const uint32_t use = e.buf.CurOffset();
  if (insn == 0) {
    e.B(target);
  } else {
    e.Cond(insn, target);
  }
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_GE(code.stats.veneers, 1u);
  const uint64_t direct = A64DirectTarget(code.bytes, use);
  EXPECT_GT(direct, use);  // the veneer is ahead
  EXPECT_EQ(FollowA64Jumps(code.bytes, direct), 0u);
}

TEST(IslandRealRange, BackwardOutOfRangeGetsVeneerAhead) {
  CheckBackwardFar(A64Tbz(0, 0, false), 40 * kKiB, 1);
  CheckBackwardFar(A64BCond(0), 3 * kMiB / 2, 1);
}

TEST(IslandShrunk, BackwardOutOfRangeGetsVeneerAhead) {
  CheckBackwardFar(A64BCond(0), 80 * kKiB, 16);
  CheckBackwardFar(0, 4 * kKiB, 65536);
}

// ldr/adr of a constant: the constant goes into an island within range.
void CheckConstantFar(bool adr, uint64_t distance, uint32_t shrink) {
  A64Emitter e(shrink);
  const uint64_t value = adr ? 0xabcdef0123456789ull : 0x0123456789abcdefull;
  if (adr) {
    e.AdrConst(value);
  } else {
    e.LoadConst(value);
  }
  e.Pad(distance);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_GE(code.stats.islands, 1u);
  const uint64_t at = A64DirectTarget(code.bytes, 0);
  EXPECT_LT(at, distance);  // in an island, not in the final pool
  EXPECT_EQ(Load64(code.bytes, at), value);
}

TEST(IslandRealRange, Ldr19AndAdr21ConstantsInIslands) {
  CheckConstantFar(false, 3 * kMiB / 2, 1);
  CheckConstantFar(true, 3 * kMiB / 2, 1);
}

TEST(IslandShrunk, Ldr19AndAdr21ConstantsInIslands) {
  CheckConstantFar(false, 80 * kKiB, 16);
  CheckConstantFar(true, 80 * kKiB, 16);
  CheckConstantFar(false, 4 * kKiB, 65536);
}

TEST(IslandRealRange, FarConstantIsPlacedAgain) {
  A64Emitter e;
  const uint64_t value = 0x5555aaaa5555aaaaull;
  e.LoadConst(value);  // placed in an island within 1 MiB
  e.Pad(3 * kMiB / 2);
  const uint32_t near_use = e.buf.CurOffset();
  e.LoadConst(value);  // the island copy is still within reach: reused
  e.Pad(3 * kMiB);
  const uint32_t far_use = e.buf.CurOffset();
  e.LoadConst(value);  // out of reach: placed again
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.constant_copies, 1u);
  EXPECT_EQ(code.stats.constants, 2u);
  EXPECT_EQ(A64DirectTarget(code.bytes, near_use), A64DirectTarget(code.bytes, 0));
  EXPECT_NE(A64DirectTarget(code.bytes, far_use), A64DirectTarget(code.bytes, 0));
  EXPECT_EQ(Load64(code.bytes, A64DirectTarget(code.bytes, far_use)), value);
}

TEST(IslandRealRange, ConstantsAreDeduplicated) {
  A64Emitter e;
  e.LoadConst(7);
  e.LoadConst(8);
  e.LoadConst(7);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.constants, 2u);
  EXPECT_EQ(code.bytes.size(), 16u + 16u);  // 4 instructions, then two 8-byte constants
  EXPECT_EQ(A64DirectTarget(code.bytes, 0), A64DirectTarget(code.bytes, 8));
  EXPECT_EQ(Load64(code.bytes, A64DirectTarget(code.bytes, 4)), 8u);
}

TEST(IslandRealRange, InRangeBranchesNeedNoIsland) {
  A64Emitter e;
  MachLabel target = e.buf.NewLabel();
  e.Cond(A64Tbz(3, 9, false), target);
  e.Pad(30 * kKiB);
  e.buf.BindLabel(target);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.islands, 0u);
  EXPECT_EQ(code.stats.veneers, 0u);
  EXPECT_EQ(A64DirectTarget(code.bytes, 0), e.buf.LabelOffset(target));
}

// The deadline follows the earliest pending use; after an island it moves on to the next.
TEST(IslandRealRange, DeadlineIsRecomputedAfterIsland) {
  A64Emitter e;
  MachLabel a = e.buf.NewLabel(), b = e.buf.NewLabel();
  e.Cond(A64Tbz(0, 0, false), a);  // deadline ~32 KiB
  e.Cond(A64BCond(0), b);          // deadline ~1 MiB
  EXPECT_EQ(e.buf.EarliestDeadline(), 32 * kKiB - 4);
  e.Pad(40 * kKiB, 1024);
  EXPECT_EQ(e.buf.stats().islands, 1u);
  // Now the b.cond's deadline comes first.
  EXPECT_EQ(e.buf.EarliestDeadline(), 4 + kMiB - 4);
  e.buf.BindLabel(a);
  e.buf.BindLabel(b);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.veneers, 1u);
}

TEST(IslandRealRange, X64ConstantPoolAtTheEnd) {
  testing::X64Emitter e;
  e.LoadConst(0x1111);
  e.LoadConst(0x2222);
  e.LoadConst(0x1111);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.islands, 1u);  // the final pool
  EXPECT_EQ(code.stats.constants, 2u);
  testing::SimResult r = testing::SimulateX64(code.bytes, 0, 0, 8, 100);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.trace, (std::vector<uint64_t>{0x1111, 0x2222, 0x1111}));
  EXPECT_EQ(code.alignment, 8u);
}

}  // namespace
}  // namespace egret

namespace egret {
namespace {

// An island requested right after a label is bound goes before the label, so branches to the
// label skip it; after an unconditional branch it needs no jump around it.
TEST(IslandPlacement, LabelsAtTheTailMovePastTheIsland) {
  A64Emitter e;
  MachLabel l = e.buf.NewLabel(), end = e.buf.NewLabel();
  e.Cond(A64Cbz(1, false), l);  // 0
  e.LoadConst(0x77);            // 4
  e.B(end);                     // 8
  e.buf.BindLabel(l);           // 12
  e.buf.EmitIsland(4);          // the constant at 16, no jump (nothing falls in)
  e.Marker(1);                  // 24
  e.Ret();
  e.buf.BindLabel(end);
  e.Marker(2);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.islands, 1u);
  EXPECT_EQ(e.buf.LabelOffset(l), 24u);
  EXPECT_EQ(A64DirectTarget(code.bytes, 0), 24u);
  EXPECT_EQ(A64DirectTarget(code.bytes, 4), 16u);
  EXPECT_EQ(testing::Load32(code.bytes, 12), 0u);  // alignment padding, not a jump
  auto run = [&](uint64_t input) {
    testing::SimResult r = testing::SimulateA64(code.bytes, 0, input, 8, 100);
    EXPECT_EQ(r.error, "");
    return r.trace;
  };
  EXPECT_EQ(run(0), (std::vector<uint64_t>{1}));
  EXPECT_EQ(run(2), (std::vector<uint64_t>{0x77, 2}));
}

TEST(IslandPlacement, FallthroughIntoMovedLabelKeepsTheJump) {
  A64Emitter e;
  MachLabel l = e.buf.NewLabel();
  e.LoadConst(0x99);    // 0
  e.buf.BindLabel(l);   // 4
  e.buf.EmitIsland(4);  // jump at 4, constant at 8, l at 16
  e.Marker(1);
  e.Cond(A64Cbz(1, true), l);  // backward to l: loops while bit 1 is set
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(e.buf.LabelOffset(l), 16u);
  EXPECT_EQ(A64DirectTarget(code.bytes, 4), 16u);
  testing::SimResult r = testing::SimulateA64(code.bytes, 0, 0, 8, 100);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.trace, (std::vector<uint64_t>{0x99, 1}));
}

}  // namespace
}  // namespace egret

namespace egret {
namespace {

// One island serves both far tbz branches: the second has waited through 7/8 of its reach when
// the first one's deadline forces the island, so it gets its veneer in the same island.
TEST(IslandPlacement, FarUsesAreBatchedIntoOneIsland) {
  A64Emitter e;
  MachLabel a = e.buf.NewLabel(), b = e.buf.NewLabel(), near = e.buf.NewLabel();
  e.Cond(A64Tbz(0, 1, false), a);
  e.Pad(2048, 256);
  e.Cond(A64Tbz(0, 2, false), b);
  e.Cond(A64Tbz(0, 3, false), near);  // bound soon: needs no veneer
  e.Pad(1024, 256);
  e.buf.BindLabel(near);
  e.Ret();
  e.Pad(40 * kKiB, 256);
  e.buf.BindLabel(a);
  e.buf.BindLabel(b);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.islands, 1u);
  EXPECT_EQ(code.stats.veneers, 2u);
  EXPECT_EQ(FollowA64Jumps(code.bytes, A64DirectTarget(code.bytes, 0)), e.buf.LabelOffset(a));
  EXPECT_EQ(FollowA64Jumps(code.bytes, A64DirectTarget(code.bytes, 2052)), e.buf.LabelOffset(b));
  EXPECT_EQ(A64DirectTarget(code.bytes, 2056), e.buf.LabelOffset(near));
}

}  // namespace
}  // namespace egret

namespace egret {
namespace {

// A forward rel8 jump cannot be helped by an island, so it never asks for one (an island between
// it and its target would only push the target away); its target must be bound in reach.
TEST(IslandPlacement, X64Rel8NeverAsksForIslands) {
  testing::X64Emitter e;
  MachLabel skip = e.buf.NewLabel(), top = e.buf.NewLabel();
  e.LoadConst(5);  // a pending constant: any island would place it
  e.buf.BindLabel(top);
  e.Marker(1);
  const uint8_t jmp8[2] = {0xeb, 0};
  e.buf.PutBytes(jmp8);
  e.buf.UseLabelAtOffset(e.buf.CurOffset() - 1, skip, X64LabelUse::kJmpRel8);
  EXPECT_FALSE(e.buf.IslandNeeded(100));
  e.Marker(2);  // skipped
  e.buf.BindLabel(skip);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.bytes[13], 5);  // rel8 over the 5-byte marker
  testing::SimResult r = testing::SimulateX64(code.bytes, 0, 0, 8, 100);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.trace, (std::vector<uint64_t>{5, 1}));
}

// At real ranges x64 rel32 reaches past any code egret emits (a far kind): forward jmp/jcc uses
// wait in their labels' lists only, never in a deadline queue, so they add no deadline and the
// final island has nothing to drain. Under range shrinking the same uses are queued.
TEST(IslandPlacement, X64FarRel32UsesHaveNoDeadline) {
  for (uint32_t shrink : {1u, 1u << 20}) {
    testing::X64Emitter e(shrink);
    MachLabel a = e.buf.NewLabel();
    e.Jmp(a);
    if (shrink == 1) {
      EXPECT_EQ(e.buf.EarliestDeadline(), UINT64_MAX);
    } else {
      EXPECT_LT(e.buf.EarliestDeadline(), uint64_t{1} << 20);
    }
    e.Marker(1);  // skipped
    e.buf.BindLabel(a);
    e.Marker(2);
    e.Ret();
    MachCode code = e.buf.Finish();
    EXPECT_EQ(code.stats.veneers, 0u);
    testing::SimResult r = testing::SimulateX64(code.bytes, 0, 0, 8, 100);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.trace, (std::vector<uint64_t>{2}));
  }
}

// Once the code passes MachBufferOptions::far_queue_offset (1 GiB; lowered here), the far uses
// still waiting join the deadline queue, so a function that grows near their reach would get
// veneers like any other. The code is the same either way at real ranges.
TEST(IslandPlacement, X64FarUsesQueuePastTheSwitchOffset) {
  testing::X64Emitter e(1, false, /*far_queue_offset=*/4096);
  MachLabel a = e.buf.NewLabel();
  e.Jmp(a);
  EXPECT_EQ(e.buf.EarliestDeadline(), UINT64_MAX);
  for (int i = 0; i < 32; ++i) {
    e.Check();
    e.buf.PutPadding(256);
  }
  // The jmp's displacement field is at offset 1; rel32 reaches INT32_MAX + 4 from it.
  EXPECT_EQ(e.buf.EarliestDeadline(), uint64_t{1} + INT32_MAX + 4);
  e.buf.BindLabel(a);
  e.Marker(2);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.veneers, 0u);
  EXPECT_EQ(code.stats.islands, 0u);
  testing::SimResult r = testing::SimulateX64(code.bytes, 0, 0, 8, 100);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.trace, (std::vector<uint64_t>{2}));
}

void ForwardRel32NeverBound() {
  testing::X64Emitter e;
  MachLabel nowhere = e.buf.NewLabel();
  e.Jmp(nowhere);
  e.Ret();
  e.buf.Finish();
}

// A far use waits in its label's list; if the label is never bound, Finish names it.
TEST(IslandPlacementDeathTest, FarUseOfAnUnboundLabelAborts) {
  EXPECT_DEATH(ForwardRel32NeverBound(), "jmp_rel32 use at offset 1 .*label never bound");
}

void ForwardRel8TooFar() {
  X64MachBuffer buf;
  MachLabel far = buf.NewLabel();
  const uint8_t jmp8[2] = {0xeb, 0};
  buf.PutBytes(jmp8);
  buf.UseLabelAtOffset(1, far, X64LabelUse::kJmpRel8);
  buf.PutPadding(200);
  buf.BindLabel(far);
  buf.Put1(0xc3);
}

TEST(IslandPlacementDeathTest, OutOfRangeUseWithoutVeneerAborts) {
  EXPECT_DEATH(ForwardRel8TooFar(), "jmp_rel8 use at offset 1 .*no veneer");
}

}  // namespace
}  // namespace egret

namespace egret {
namespace {

// An island with nothing to place leaves no bytes; the labels bound at its position are still at
// the tail, so a later jump threaded onto them resolves their waiting uses.
TEST(IslandPlacement, EmptyIslandKeepsTailLabels) {
  A64Emitter e;
  MachLabel l = e.buf.NewLabel(), m = e.buf.NewLabel();
  e.buf.Put4(0);  // 0: a jump-table word for m: no island can help it, it waits in m's list
  e.buf.UseLabelAtOffset(0, m, A64LabelUse::kPcRel32);
  e.Marker(0);          // 4
  e.buf.BindLabel(l);   // 8
  e.buf.PinLabel(l);    // observed: stays at the island position
  e.buf.EmitIsland(4);  // nothing is due: no bytes
  EXPECT_EQ(e.buf.CurOffset(), 8u);
  e.buf.BindLabel(m);  // 8
  e.B(l);              // m threads to l; l: b l
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.islands, 0u);
  EXPECT_EQ(code.bytes.size(), 12u);
  EXPECT_EQ(testing::Load32(code.bytes, 0), 8u);  // m - (word address) = 8 - 0
  EXPECT_EQ(A64DirectTarget(code.bytes, 8), 8u);
}

}  // namespace
}  // namespace egret

namespace egret {
namespace {

// x64 under range shrinking (`--debug-branch-range-shrink`): jmp/jcc rel32 reach 512 bytes, and a
// use out of reach is redirected through a `jmp rel32` veneer in an island, both directions. The
// simulator follows the code: the trace is what the emitted program means.
TEST(IslandShrunk, X64JccAndJmpGetJmpVeneers) {
  testing::X64Emitter e(1u << 22);
  EXPECT_EQ(e.buf.MaxForward(X64LabelUse::kJmpRel32), 512);
  EXPECT_EQ(e.buf.MaxForward(X64LabelUse::kJmpRel32Veneer), int64_t{INT32_MAX} + 4);
  EXPECT_EQ(e.buf.MaxForward(X64LabelUse::kRipRel32), int64_t{INT32_MAX} + 4);  // not shrunk
  MachLabel top = e.buf.NewLabel(), far = e.buf.NewLabel();
  e.buf.BindLabel(top);
  e.Marker(1);
  e.Jcc(4, far);  // taken when bit 2 of the input is set
  e.Marker(2);
  e.Ret();
  for (int i = 0; i < 8; ++i) {  // 2 KiB of unreachable code, checked in 256-byte steps
    e.Check(256);
    e.buf.PutPadding(256);
  }
  e.buf.BindLabel(far);
  e.Marker(3);
  e.Jcc(6, top);  // backward, 2 KiB: a veneer in the next island (taken when bit 3 is set)
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_GE(code.stats.veneers, 2u);
  EXPECT_EQ(code.stats.veneer_bytes, 5 * code.stats.veneers);
  EXPECT_GE(code.stats.code_islands, 1u);
  EXPECT_EQ(code.stats.island_constants, 0u);
  // The jcc at the start does not reach `far` directly: it lands on a jmp.
  const uint32_t jcc = 5;  // after the marker (mov eax, imm32)
  ASSERT_EQ(code.bytes[jcc], 0x0f);
  const uint64_t direct = jcc + 6 + testing::Sext(testing::Load32(code.bytes, jcc + 2), 32);
  EXPECT_EQ(code.bytes[direct], 0xe9);
  auto run = [&](uint64_t input) {
    testing::SimResult r = testing::SimulateX64(code.bytes, 0, input, 8, 10000);
    EXPECT_EQ(r.error, "");
    return r.trace;
  };
  EXPECT_EQ(run(0b0100), (std::vector<uint64_t>{1, 3}));
  EXPECT_EQ(run(0b1000), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(run(0b1100), (std::vector<uint64_t>{1, 3, 1, 3, 1, 3, 1, 3}));
  EXPECT_EQ(run(0b0000), (std::vector<uint64_t>{1, 2}));
}

// At real ranges the same program has no island in the code and no veneer; the shrink option
// changes nothing for kinds that are not shrinkable.
TEST(IslandRealRange, X64NeedsNoIslandOrVeneer) {
  testing::X64Emitter e;
  MachLabel far = e.buf.NewLabel();
  e.Marker(1);
  e.Jcc(4, far);
  e.Ret();
  e.Check(4096);
  e.buf.PutPadding(4096);
  e.buf.BindLabel(far);
  e.Marker(3);
  e.Ret();
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.veneers, 0u);
  EXPECT_EQ(code.stats.code_islands, 0u);
  EXPECT_EQ(code.stats.island_bytes, 0u);
}

// The island counters: constants placed in an island in the middle of the code count as
// island_constants, the pool that Finish places after the code does not.
TEST(IslandShrunk, StatsSeparateCodeIslandsFromTheFinalPool) {
  A64Emitter e(65536);  // ldr literal reaches 512 bytes
  e.LoadConst(0x1111);
  e.Pad(2048, 256);  // the constant goes to an island before its deadline
  e.LoadConst(0x2222);
  e.Ret();  // this one goes to the final pool
  MachCode code = e.buf.Finish();
  EXPECT_EQ(code.stats.code_islands, 1u);
  EXPECT_EQ(code.stats.islands, 2u);
  EXPECT_EQ(code.stats.island_constants, 1u);
  EXPECT_EQ(code.stats.constants, 2u);
  EXPECT_GE(code.stats.island_bytes, 4u + 8u);  // the jump and the constant
  EXPECT_LT(code.stats.island_bytes, 4u + 8u + 8u);
}

}  // namespace
}  // namespace egret
