// emit_loop_test.cc: the shared emission loop places the prologue, every instruction and every
// allocator edit in order, binds a label per block and records source locations.
#include "backends/common/emit_loop.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace egret::backend {
namespace {

// Emits one byte per event and logs it.
class ByteEmitter final : public InstEmitter {
 public:
  explicit ByteEmitter(X64MachBuffer& buf) : buf_(buf) {}
  void Prologue() override { Put('P'); }
  void EmitInst(uint32_t i) override { Put(static_cast<char>('0' + i)); }
  void EmitEdit(const regalloc::Edit& e) override { Put(e.point.is_after() ? 'a' : 'b'); }
  std::string log;

 private:
  void Put(char c) {
    log += c;
    const uint8_t byte = static_cast<uint8_t>(c);
    buf_.PutBytes(std::span<const uint8_t>(&byte, 1));
  }
  X64MachBuffer& buf_;
};

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
  ByteEmitter e(buf);
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
