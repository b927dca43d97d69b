// printer_test.cc: the printer's own conventions (objdump-style memory operands, signed
// immediates, label names), which the differential test only sees after normalization.
#include "backends/x64/printer.h"

#include <gtest/gtest.h>

namespace egret::x64 {
namespace {

TEST(X64Printer, Conventions) {
  EXPECT_EQ(PrintAtt(Inst::AluRR(AluOp::kAdd, OpSize::k32, Gpr::kRax, Gpr::kRcx)),
            "addl %ecx, %eax");
  EXPECT_EQ(PrintAtt(Inst::MovRM(OpSize::k64, Gpr::kRax,
                                 Amode::BaseIndex(Gpr::kRdi, Gpr::kRsi, 8, 0x10))),
            "movq 0x10(%rdi,%rsi,8), %rax");
  EXPECT_EQ(
      PrintAtt(Inst::MovRM(OpSize::k32, Gpr::kR9, Amode::BaseIndex(Gpr::kR13, Gpr::kR12, 1, -8))),
      "movl -8(%r13,%r12,1), %r9d");
  EXPECT_EQ(PrintAtt(Inst::MovRM(OpSize::k64, Gpr::kRax, Amode::Base(Gpr::kRbp))),
            "movq (%rbp), %rax");
  EXPECT_EQ(PrintAtt(Inst::Lea(OpSize::k32, Gpr::kR10, Amode::Index(Gpr::kRbx, 4, 0x1290))),
            "leal 0x1290(,%rbx,4), %r10d");
  EXPECT_EQ(PrintAtt(Inst::AluRI(AluOp::kAdd, OpSize::k8, Gpr::kRsi, 255)), "addb $-1, %sil");
  EXPECT_EQ(PrintAtt(Inst::AluRI(AluOp::kAnd, OpSize::k32, Gpr::kRcx, 0xffff0000)),
            "andl $-0x10000, %ecx");
  EXPECT_EQ(PrintAtt(Inst::MovRI(OpSize::k64, Gpr::kRax, 1)), "movl $1, %eax");
  EXPECT_EQ(PrintAtt(Inst::MovRI(OpSize::k64, Gpr::kRax, -2)), "movq $-2, %rax");
  EXPECT_EQ(PrintAtt(Inst::MovRI(OpSize::k64, Gpr::kR10, int64_t{1} << 40)),
            "movabsq $0x10000000000, %r10");
  EXPECT_EQ(PrintAtt(Inst::MovzxRR(OpSize::k32, OpSize::k64, Gpr::kRax, Gpr::kRcx)),
            "movl %ecx, %eax");
  EXPECT_EQ(PrintAtt(Inst::MovsxRM(OpSize::k16, OpSize::k64, Gpr::kRax, Amode::Base(Gpr::kRdi))),
            "movswq (%rdi), %rax");
  EXPECT_EQ(PrintAtt(Inst::ShiftRI(ShiftOp::kRol, OpSize::k32, Gpr::kRax, 5)), "roll $5, %eax");
  EXPECT_EQ(PrintAtt(Inst::CmovRR(CondCode::kAe, OpSize::k64, Gpr::kRax, Gpr::kRdx)),
            "cmovaeq %rdx, %rax");
  EXPECT_EQ(PrintAtt(Inst::SseRRImm(SseOp::kRoundsd, Xmm::kXmm0, Xmm::kXmm1, kRoundNearest)),
            "roundsd $8, %xmm1, %xmm0");
  EXPECT_EQ(PrintAtt(Inst::GprToXmm(OpSize::k64, Xmm::kXmm3, Gpr::kRax)), "movq %rax, %xmm3");
  EXPECT_EQ(PrintAtt(Inst::CvtSi2FpR(FpSize::kF32, OpSize::k32, Xmm::kXmm1, Gpr::kRdi)),
            "cvtsi2ssl %edi, %xmm1");
  EXPECT_EQ(PrintAtt(Inst::JmpM(Amode::BaseIndex(Gpr::kR8, Gpr::kRax, 8))), "jmpq *(%r8,%rax,8)");
  EXPECT_EQ(PrintAtt(Inst::SignExtendAx(OpSize::k32)), "cltd");
}

TEST(X64Printer, Labels) {
  EXPECT_EQ(PrintAtt(Inst::JccRel32(CondCode::kNe, Label(3))), "jne label3");
  EXPECT_EQ(PrintAtt(Inst::Lea(OpSize::k64, Gpr::kRax, Amode::RipLabel(Label(2)))),
            "leaq label2(%rip), %rax");
  const LabelNamer namer = [](Label l) { return ".Lblock" + std::to_string(l.index); };
  EXPECT_EQ(PrintAtt(Inst::JmpRel8(Label(7)), namer), "jmp .Lblock7");
  EXPECT_EQ(PrintAtt(Inst::AluMI(AluOp::kCmp, OpSize::k32, Amode::RipLabel(Label(1)), 5), namer),
            "cmpl $5, .Lblock1(%rip)");
}

TEST(X64Printer, FormatNumber) {
  EXPECT_EQ(FormatNumber(0), "0");
  EXPECT_EQ(FormatNumber(9), "9");
  EXPECT_EQ(FormatNumber(-9), "-9");
  EXPECT_EQ(FormatNumber(10), "0xa");
  EXPECT_EQ(FormatNumber(-0x80), "-0x80");
  EXPECT_EQ(FormatNumber(INT64_MIN), "-0x8000000000000000");
  EXPECT_EQ(FormatNumber(INT64_MAX), "0x7fffffffffffffff");
}

TEST(X64Registers, NamesAndConditions) {
  EXPECT_EQ(GprName(Gpr::kRsp, OpSize::k8), "%spl");
  EXPECT_EQ(GprName(Gpr::kR13, OpSize::k16), "%r13w");
  EXPECT_EQ(GprName(Gpr::kR9, OpSize::k32), "%r9d");
  EXPECT_EQ(XmmName(Xmm::kXmm15), "%xmm15");
  for (int i = 0; i < kNumCondCodes; ++i) {
    const CondCode cc = static_cast<CondCode>(i);
    EXPECT_NE(Invert(cc), cc);
    EXPECT_EQ(Invert(Invert(cc)), cc);
  }
  EXPECT_EQ(Invert(CondCode::kL), CondCode::kGe);
  EXPECT_EQ(Invert(CondCode::kA), CondCode::kBe);
  EXPECT_EQ(Invert(CondCode::kP), CondCode::kNp);
  EXPECT_EQ(Swap(CondCode::kL), CondCode::kG);
  EXPECT_EQ(Swap(CondCode::kAe), CondCode::kBe);
  EXPECT_EQ(Swap(CondCode::kE), CondCode::kE);
  EXPECT_EQ(CondCodeName(CondCode::kNp), "np");
}

TEST(X64Registers, ImmediateRanges) {
  EXPECT_TRUE(FitsSimm8(127));
  EXPECT_FALSE(FitsSimm8(128));
  EXPECT_TRUE(FitsSimm8(-128));
  EXPECT_FALSE(FitsSimm8(-129));
  EXPECT_TRUE(FitsSimm32(INT32_MIN));
  EXPECT_FALSE(FitsSimm32(int64_t{INT32_MAX} + 1));
  EXPECT_TRUE(ImmFitsSize(255, OpSize::k8));
  EXPECT_FALSE(ImmFitsSize(256, OpSize::k8));
  EXPECT_TRUE(ImmFitsSize(0xffffffff, OpSize::k32));
  EXPECT_FALSE(ImmFitsSize(0xffffffff, OpSize::k64));
  EXPECT_EQ(ImmAtSize(0xff, OpSize::k8), -1);
  EXPECT_EQ(ImmAtSize(0x8000, OpSize::k16), -32768);
}

}  // namespace
}  // namespace egret::x64
