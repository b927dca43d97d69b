// inst_test.cc: the factories reject operand combinations the hardware cannot encode. These are
// backend bugs, so they abort (EGRET_CHECK) rather than return errors.
#include "backends/x64/inst.h"

#include <gtest/gtest.h>

#include <type_traits>

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
  EXPECT_EQ(Inst::JccRel32(CondCode::kNe, Label(7)).label(), Label(7));
  EXPECT_EQ(Inst::SseRM(SseOp::kAddsd, Xmm::kXmm1, Amode::RipLabel(Label(4))).label(), Label(4));
  EXPECT_FALSE(Inst::Ret().HasMem());
  EXPECT_EQ(*Inst::MovMR(OpSize::k32, Amode::Base(Gpr::kRdi, 8), Gpr::kRax).mem(),
            Amode::Base(Gpr::kRdi, 8));
  EXPECT_EQ(Inst::MovRI(OpSize::k64, Gpr::kRax, 0xffffffff).mov_imm_kind(), MovImmKind::kMovImm);
  EXPECT_EQ(Inst::MovRI(OpSize::k64, Gpr::kRax, -1).mov_imm_kind(), MovImmKind::kMovSext32);
  EXPECT_EQ(Inst::MovRI(OpSize::k64, Gpr::kRax, int64_t{1} << 32).mov_imm_kind(),
            MovImmKind::kMovAbs);
  EXPECT_EQ(GetSseOpInfo(SseOp::kRoundsd).mnemonic, "roundsd");
  EXPECT_TRUE(GetSseOpInfo(SseOp::kRoundsd).has_imm8);
  EXPECT_EQ(Amode::Base(Gpr::kRdi, 8), Amode::Base(Gpr::kRdi, 8));
  EXPECT_FALSE(Amode::Base(Gpr::kRdi, 8) == Amode::Base(Gpr::kRdi, 16));
}

// The payload is the form's named operands, exactly as the factory received them.
TEST(X64Inst, TypedPayloads) {
  const Inst add = Inst::AluRR(AluOp::kSub, OpSize::k32, Gpr::kR9, Gpr::kRcx);
  ASSERT_EQ(add.form(), Form::kAluRR);
  ASSERT_TRUE(add.Is<forms::AluRR>());
  EXPECT_FALSE(add.Is<forms::AluRI>());
  const forms::AluRR& p = add.As<forms::AluRR>();
  EXPECT_EQ(p.op, AluOp::kSub);
  EXPECT_EQ(p.size, OpSize::k32);
  EXPECT_EQ(p.dst, Gpr::kR9);
  EXPECT_EQ(p.src, Gpr::kRcx);

  const Inst vex = Inst::VexRRM(SseOp::kMulsd, Xmm::kXmm3, Xmm::kXmm12, Amode::Base(Gpr::kRsp, 16));
  const forms::VexRRM& v = vex.As<forms::VexRRM>();
  EXPECT_EQ(v.dst, Xmm::kXmm3);
  EXPECT_EQ(v.src1, Xmm::kXmm12);
  EXPECT_EQ(v.src2, Amode::Base(Gpr::kRsp, 16));

  // ForEachOperand visits the payload members in table order, typed.
  int gprs = 0, xmms = 0, amodes = 0;
  auto count = [&](const Inst& i) {
    gprs = xmms = amodes = 0;
    i.ForEachOperand([&](const auto& x) {
      using T = std::remove_cvref_t<decltype(x)>;
      gprs += std::is_same_v<T, Gpr>;
      xmms += std::is_same_v<T, Xmm>;
      amodes += std::is_same_v<T, Amode>;
    });
  };
  count(Inst::PextrRRI(OpSize::k32, Gpr::kRax, Xmm::kXmm2, 1));
  EXPECT_EQ(gprs, 1);
  EXPECT_EQ(xmms, 1);
  EXPECT_EQ(amodes, 0);
  count(Inst::ShiftxRRR(ShiftOp::kShl, OpSize::k64, Gpr::kRax, Gpr::kRbx, Gpr::kRcx));
  EXPECT_EQ(gprs, 3);
  count(vex);
  EXPECT_EQ(xmms, 2);
  EXPECT_EQ(amodes, 1);
  // Visit hands the typed payload to a generic lambda.
  EXPECT_EQ(add.Visit([](const auto& q) { return static_cast<int>(q.kForm); }),
            static_cast<int>(Form::kAluRR));
}

}  // namespace
}  // namespace egret::x64
