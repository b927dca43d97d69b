// inst_test.cc: the factories reject operand combinations the hardware cannot encode. These are
// backend bugs, so they abort (EGRET_CHECK) rather than return errors.
#include "backends/x64/inst.h"

#include <gtest/gtest.h>

namespace egret::x64 {
namespace {

TEST(X64InstDeathTest, RejectsUnencodableOperands) {
  // SIB.index = 100 means "no index": %rsp cannot be an index.
  EXPECT_DEATH(Amode::BaseIndex(Gpr::kRax, Gpr::kRsp, 1), "check failed");
  EXPECT_DEATH(Amode::BaseIndex(Gpr::kRax, Gpr::kRcx, 3), "check failed");
  // 64-bit ALU immediates are sign-extended imm32.
  EXPECT_DEATH(Inst::AluRI(AluOp::kAdd, OpSize::k64, Gpr::kRax, int64_t{1} << 32), "check failed");
  EXPECT_DEATH(Inst::AluRI(AluOp::kAdd, OpSize::k8, Gpr::kRax, 256), "check failed");
  // No 8-bit imul r, r/m; no 8-bit cmov, lzcnt; bswap is 32/64 only.
  EXPECT_DEATH(Inst::ImulRR(OpSize::k8, Gpr::kRax, Gpr::kRcx), "check failed");
  EXPECT_DEATH(Inst::CmovRR(CondCode::kE, OpSize::k8, Gpr::kRax, Gpr::kRcx), "check failed");
  EXPECT_DEATH(Inst::BitRR(BitOp::kLzcnt, OpSize::k8, Gpr::kRax, Gpr::kRcx), "check failed");
  EXPECT_DEATH(Inst::Bswap(OpSize::k16, Gpr::kRax), "check failed");
  // Extensions must widen; 32-bit sources only extend to 64.
  EXPECT_DEATH(Inst::MovzxRR(OpSize::k32, OpSize::k32, Gpr::kRax, Gpr::kRcx), "check failed");
  EXPECT_DEATH(Inst::MovsxRR(OpSize::k16, OpSize::k8, Gpr::kRax, Gpr::kRcx), "check failed");
  // Only some SSE ops have a store form, only round* takes an immediate.
  EXPECT_DEATH(Inst::SseMR(SseOp::kAddss, Amode::Base(Gpr::kRax), Xmm::kXmm0), "check failed");
  EXPECT_DEATH(Inst::SseRR(SseOp::kRoundss, Xmm::kXmm0, Xmm::kXmm1), "check failed");
  EXPECT_DEATH(Inst::SseRRImm(SseOp::kAddss, Xmm::kXmm0, Xmm::kXmm1, 0), "check failed");
  EXPECT_DEATH(Inst::Nop(10), "check failed");
  EXPECT_DEATH(Inst::JmpRel32(Label()), "check failed");
}

TEST(X64Inst, FormsAndQueries) {
  EXPECT_EQ(FormName(Form::kAluRR), "AluRR");
  EXPECT_EQ(FormName(Form::kCvttFp2SiM), "CvttFp2SiM");
  EXPECT_TRUE(Inst::AluRM(AluOp::kAdd, OpSize::k32, Gpr::kRax, Amode::Base(Gpr::kRdi)).HasMem());
  EXPECT_FALSE(Inst::AluRM(AluOp::kAdd, OpSize::k32, Gpr::kRax, Amode::Base(Gpr::kRdi)).HasLabel());
  EXPECT_TRUE(Inst::Lea(OpSize::k64, Gpr::kRax, Amode::RipLabel(Label(1))).HasLabel());
  EXPECT_TRUE(Inst::JccRel8(CondCode::kE, Label(1)).HasLabel());
  EXPECT_FALSE(Inst::JmpR(Gpr::kRax).HasLabel());
  EXPECT_EQ(Inst::MovRI(OpSize::k64, Gpr::kRax, 0xffffffff).mov_imm_kind(), MovImmKind::kMovImm);
  EXPECT_EQ(Inst::MovRI(OpSize::k64, Gpr::kRax, -1).mov_imm_kind(), MovImmKind::kMovSext32);
  EXPECT_EQ(Inst::MovRI(OpSize::k64, Gpr::kRax, int64_t{1} << 32).mov_imm_kind(),
            MovImmKind::kMovAbs);
  EXPECT_EQ(GetSseOpInfo(SseOp::kRoundsd).mnemonic, "roundsd");
  EXPECT_TRUE(GetSseOpInfo(SseOp::kRoundsd).has_imm8);
  EXPECT_EQ(Amode::Base(Gpr::kRdi, 8), Amode::Base(Gpr::kRdi, 8));
  EXPECT_FALSE(Amode::Base(Gpr::kRdi, 8) == Amode::Base(Gpr::kRdi, 16));
}

}  // namespace
}  // namespace egret::x64
