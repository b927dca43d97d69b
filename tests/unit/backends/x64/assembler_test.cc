// assembler_test.cc: label fixups through Assembler and PatchLabelField, checked by decoding
// the patched code with capstone (which computes branch targets from the real instruction end).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backends/x64/encoder.h"
#include "backends/x64/label_use.h"
#include "backends/x64/printer.h"
#include "tests/unit/backends/x64/capstone_oracle.h"

namespace egret::x64 {
namespace {

using testing::Disassemble;

// Decodes the whole buffer, one line per instruction.
std::vector<std::string> DecodeAll(const std::vector<uint8_t>& code) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < code.size()) {
    const testing::Decoded d =
        Disassemble(std::span<const uint8_t>(code).subspan(pos), /*address=*/pos);
    EXPECT_TRUE(d.ok) << "at " << pos;
    if (!d.ok) break;
    lines.push_back(d.text);
    pos += d.len;
  }
  return lines;
}

TEST(X64Assembler, ForwardAndBackwardLabels) {
  const Label top(0), bottom(1), data(2);
  Assembler a;
  // top:
  a.Emit(Inst::AluRR(AluOp::kXor, OpSize::k32, Gpr::kRax, Gpr::kRax));      // 0: 2 bytes
  a.Emit(Inst::JmpRel8(bottom));                                            // 2: 2 bytes
  a.Emit(Inst::JccRel32(CondCode::kNe, top));                               // 4: 6 bytes
  a.Emit(Inst::Lea(OpSize::k64, Gpr::kRcx, Amode::RipLabel(data)));         // 10: 7 bytes
  a.Emit(Inst::AluMI(AluOp::kCmp, OpSize::k32, Amode::RipLabel(data), 5));  // 17: 7 bytes
  a.Emit(Inst::CallRel32(top));                                             // 24: 5 bytes
  const uint32_t bottom_offset = a.offset();                                // 29
  a.Emit(Inst::Ret());
  a.EmitNops(2);
  const uint32_t data_offset = a.offset();  // 32
  ASSERT_EQ(bottom_offset, 29u);
  ASSERT_EQ(data_offset, 32u);
  ASSERT_EQ(a.fixups().size(), 5u);

  const uint32_t labels[] = {0, bottom_offset, data_offset};
  std::vector<uint8_t> code;
  {
    Assembler copy = a;
    ASSERT_TRUE(copy.Resolve(labels));
    code = copy.code();
  }
  const std::vector<std::string> lines = DecodeAll(code);
  const std::vector<std::string> expected = {
      "xorl %eax, %eax",
      "jmp 0x1d",
      "jne 0",
      // 32 - 17 (end of lea)
      "leaq 0xf(%rip), %rcx",
      // 32 - 24: the base is after the trailing imm8, not after the field.
      "cmpl $5, 8(%rip)",
      "callq 0",
      "retq",
      "nop",
  };
  EXPECT_EQ(lines, expected);
}

TEST(X64Assembler, Rel8OutOfRangeIsRefused) {
  const Label far(0);
  Assembler a;
  a.Emit(Inst::JmpRel8(far));
  a.EmitNops(200);
  const uint32_t labels[] = {a.offset()};
  EXPECT_FALSE(a.Resolve(labels));
  // The field was left untouched.
  EXPECT_EQ(a.code()[1], 0);
}

TEST(X64LabelUse, Ranges) {
  std::vector<uint8_t> code(16, 0);
  // rel8: exactly +127 and -128 from the base fit; one more does not.
  EXPECT_TRUE(PatchLabelField(code, 1, LabelUse::kJmpRel8, 2, 2 + 127));
  EXPECT_EQ(code[1], 127);
  EXPECT_FALSE(PatchLabelField(code, 1, LabelUse::kJmpRel8, 2, 2 + 128));
  EXPECT_TRUE(PatchLabelField(code, 1, LabelUse::kJmpRel8, 200, 200 - 128));
  EXPECT_EQ(code[1], 0x80);
  EXPECT_FALSE(PatchLabelField(code, 1, LabelUse::kJmpRel8, 200, 200 - 129));
  // rel32, little-endian, negative.
  EXPECT_TRUE(PatchLabelField(code, 4, LabelUse::kRipRel32, 9, 1));
  EXPECT_EQ(code[4], 0xf8);
  EXPECT_EQ(code[5], 0xff);
  EXPECT_EQ(code[7], 0xff);
  EXPECT_EQ(MaxForward(LabelUse::kJmpRel32), INT32_MAX);
  EXPECT_EQ(MaxBackward(LabelUse::kJmpRel32), int64_t{1} << 31);
  EXPECT_EQ(FieldSize(LabelUse::kJmpRel8), 1);
  EXPECT_EQ(LabelUseName(LabelUse::kRipRel32), "RipRel32");
}

}  // namespace
}  // namespace egret::x64
