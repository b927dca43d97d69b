// emit_loop_test.cc: the shared emission loop places the prologue, every instruction and every
// allocator edit in order, binds a label per block and records source locations.
#include "backends/common/emit_loop.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/backends/common/log_emitter.h"

namespace egret::backend {
namespace {

TEST(EmitLoop, PrologueInstructionsEditsAndSourceLocations) {
  regalloc::Function f;
  f.StartBlock();
  f.AddInst({});  // i0
  f.AddInst({});  // i1
  f.StartBlock();
  f.AddInst({});  // i2
  f.Finish();
  const std::vector<uint32_t> srclocs = {7, kNoSrcLoc, 9};
  regalloc::Output ra;
  const regalloc::Allocation r0 =
      regalloc::Allocation::Reg(regalloc::PReg(regalloc::RegClass::kInt, 0));
  const regalloc::Allocation s0 = regalloc::Allocation::Stack(0);
  ra.edits = {{regalloc::ProgPoint::Before(1), r0, s0},
              {regalloc::ProgPoint::After(1), s0, r0},
              {regalloc::ProgPoint::Before(2), r0, s0}};
  X64MachBuffer buf;
  LogEmitter e(buf);
  std::vector<MachLabel> labels;
  EmitBlocks(f, srclocs, ra, 64, buf, labels, e);
  EXPECT_EQ(e.log, "P0b1ab2");
  ASSERT_EQ(labels.size(), 2u);
  MachCode code = buf.Finish();
  // i0 covers byte 1 (after the prologue); i2 covers its edit and itself, bytes 5..7.
  ASSERT_EQ(code.srclocs.size(), 2u);
  EXPECT_EQ(code.srclocs[0], (MachSrcLoc{1, 2, 7}));
  EXPECT_EQ(code.srclocs[1], (MachSrcLoc{5, 7, 9}));
}

}  // namespace
}  // namespace egret::backend
