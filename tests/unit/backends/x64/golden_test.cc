// golden_test.cc: byte-exact encodings worked out by hand from the Intel SDM (vol. 2), one line
// per special case. These pin the exact bytes (the shortest form), which the differential test
// alone would not: capstone decodes a longer equivalent encoding to the same text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backends/x64/encoder.h"

namespace egret::x64 {
namespace {

struct Golden {
  const char* what;
  Inst inst;
  std::vector<uint8_t> bytes;
};

std::string Hex(std::span<const uint8_t> b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    if (!s.empty()) s += ' ';
    s += kHex[x >> 4];
    s += kHex[x & 15];
  }
  return s;
}

using G = Gpr;
using A = Amode;

TEST(X64Golden, Encodings) {
  const Label l(0);
  const std::vector<Golden> golden = {
      {"add r/m32, r32", Inst::AluRR(AluOp::kAdd, OpSize::k32, G::kRax, G::kRcx), {0x01, 0xc8}},
      {"imm8 form", Inst::AluRI(AluOp::kAdd, OpSize::k64, G::kRax, -1), {0x48, 0x83, 0xc0, 0xff}},
      {"eax short form",
       Inst::AluRI(AluOp::kAdd, OpSize::k32, G::kRax, 0x100),
       {0x05, 0x00, 0x01, 0x00, 0x00}},
      {"imm32 form",
       Inst::AluRI(AluOp::kSub, OpSize::k64, G::kRsp, 0x100),
       {0x48, 0x81, 0xec, 0x00, 0x01, 0x00, 0x00}},
      {"u32 imm at 32 bits uses imm8",
       Inst::AluRI(AluOp::kAnd, OpSize::k32, G::kRcx, 0xffffffff),
       {0x83, 0xe1, 0xff}},
      {"al short form", Inst::AluRI(AluOp::kCmp, OpSize::k8, G::kRax, 5), {0x3c, 0x05}},
      {"16-bit imm16",
       Inst::AluRI(AluOp::kOr, OpSize::k16, G::kRdx, 0x1234),
       {0x66, 0x81, 0xca, 0x34, 0x12}},
      {"rsp base needs SIB",
       Inst::MovRM(OpSize::k64, G::kRax, A::Base(G::kRsp)),
       {0x48, 0x8b, 0x04, 0x24}},
      {"r12 base needs SIB",
       Inst::MovRM(OpSize::k64, G::kRax, A::Base(G::kR12)),
       {0x49, 0x8b, 0x04, 0x24}},
      {"rbp base needs disp8 0",
       Inst::MovRM(OpSize::k64, G::kRax, A::Base(G::kRbp)),
       {0x48, 0x8b, 0x45, 0x00}},
      {"r13 base needs disp8 0",
       Inst::MovRM(OpSize::k64, G::kRax, A::Base(G::kR13)),
       {0x49, 0x8b, 0x45, 0x00}},
      {"base+index*8+disp8",
       Inst::MovRM(OpSize::k64, G::kRax, A::BaseIndex(G::kRdi, G::kRsi, 8, 0x10)),
       {0x48, 0x8b, 0x44, 0xf7, 0x10}},
      {"no base: index*4+disp32",
       Inst::Lea(OpSize::k32, G::kR10, A::Index(G::kRbx, 4, 0x1290)),
       {0x44, 0x8d, 0x14, 0x9d, 0x90, 0x12, 0x00, 0x00}},
      {"no base, r13 index: still a disp32 of 0",
       Inst::MovRM(OpSize::k32, G::kRax, A::Index(G::kR13, 1, 0)),
       {0x42, 0x8b, 0x04, 0x2d, 0x00, 0x00, 0x00, 0x00}},
      {"r13 base, r12 index",
       Inst::MovRM(OpSize::k32, G::kR9, A::BaseIndex(G::kR13, G::kR12, 4)),
       {0x47, 0x8b, 0x4c, 0xa5, 0x00}},
      {"disp32",
       Inst::MovRM(OpSize::k32, G::kRax, A::Base(G::kRcx, 128)),
       {0x8b, 0x81, 0x80, 0x00, 0x00, 0x00}},
      {"disp8 -128", Inst::MovRM(OpSize::k32, G::kRax, A::Base(G::kRcx, -128)), {0x8b, 0x41, 0x80}},
      {"store imm to stack",
       Inst::MovMI(OpSize::k64, A::Base(G::kRsp, 8), -1),
       {0x48, 0xc7, 0x44, 0x24, 0x08, 0xff, 0xff, 0xff, 0xff}},
      {"mov u32 zero-extends",
       Inst::MovRI(OpSize::k64, G::kRax, 1),
       {0xb8, 0x01, 0x00, 0x00, 0x00}},
      {"mov simm32",
       Inst::MovRI(OpSize::k64, G::kRax, -1),
       {0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff}},
      {"movabs",
       Inst::MovRI(OpSize::k64, G::kR10, 0x123456789abcdef0),
       {0x49, 0xba, 0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12}},
      {"mov r8 imm8 to sil needs REX", Inst::MovRI(OpSize::k8, G::kRsi, 7), {0x40, 0xb6, 0x07}},
      {"movzbl %sil needs REX",
       Inst::MovzxRR(OpSize::k8, OpSize::k32, G::kRax, G::kRsi),
       {0x40, 0x0f, 0xb6, 0xc6}},
      {"movzbl %cl no REX",
       Inst::MovzxRR(OpSize::k8, OpSize::k32, G::kRax, G::kRcx),
       {0x0f, 0xb6, 0xc1}},
      {"byte store of sil", Inst::MovMR(OpSize::k8, A::Base(G::kRax), G::kRsi), {0x40, 0x88, 0x30}},
      {"movslq", Inst::MovsxRR(OpSize::k32, OpSize::k64, G::kRax, G::kRcx), {0x48, 0x63, 0xc1}},
      {"movzx 32->64 is movl",
       Inst::MovzxRR(OpSize::k32, OpSize::k64, G::kRax, G::kR9),
       {0x44, 0x89, 0xc8}},
      {"sete %dil", Inst::Setcc(CondCode::kE, G::kRdi), {0x40, 0x0f, 0x94, 0xc7}},
      {"cmovl",
       Inst::CmovRR(CondCode::kL, OpSize::k64, G::kRax, G::kR11),
       {0x49, 0x0f, 0x4c, 0xc3}},
      {"imul imm8", Inst::ImulRRI(OpSize::k32, G::kRax, G::kRcx, 10), {0x6b, 0xc1, 0x0a}},
      {"sar by cl", Inst::ShiftRCl(ShiftOp::kSar, OpSize::k64, G::kRdx), {0x48, 0xd3, 0xfa}},
      {"shl by 1", Inst::ShiftRI(ShiftOp::kShl, OpSize::k32, G::kRax, 1), {0xd1, 0xe0}},
      {"lzcnt",
       Inst::BitRR(BitOp::kLzcnt, OpSize::k64, G::kRax, G::kRcx),
       {0xf3, 0x48, 0x0f, 0xbd, 0xc1}},
      {"popcntw: 66 before F3",
       Inst::BitRR(BitOp::kPopcnt, OpSize::k16, G::kRax, G::kRcx),
       {0x66, 0xf3, 0x0f, 0xb8, 0xc1}},
      {"bswap r9", Inst::Bswap(OpSize::k32, G::kR9), {0x41, 0x0f, 0xc9}},
      {"cqo", Inst::SignExtendAx(OpSize::k64), {0x48, 0x99}},
      {"idiv", Inst::UnaryR(UnaryOp::kIdiv, OpSize::k32, G::kRcx), {0xf7, 0xf9}},
      {"test al short form", Inst::TestRI(OpSize::k8, G::kRax, 1), {0xa8, 0x01}},
      {"test has no imm8 form",
       Inst::TestRI(OpSize::k32, G::kRcx, 1),
       {0xf7, 0xc1, 0x01, 0x00, 0x00, 0x00}},
      {"push r12", Inst::PushR(G::kR12), {0x41, 0x54}},
      {"pop rbp", Inst::PopR(G::kRbp), {0x5d}},
      {"ret", Inst::Ret(), {0xc3}},
      {"ret 16 (callee pops)", Inst::Ret(16), {0xc2, 0x10, 0x00}},
      {"ud2", Inst::Ud2(), {0x0f, 0x0b}},
      {"jmp table", Inst::JmpM(A::BaseIndex(G::kR8, G::kRax, 8)), {0x41, 0xff, 0x24, 0xc0}},
      {"call r11", Inst::CallR(G::kR11), {0x41, 0xff, 0xd3}},
      {"call rel32", Inst::CallRel32(l), {0xe8, 0, 0, 0, 0}},
      {"jne rel32", Inst::JccRel32(CondCode::kNe, l), {0x0f, 0x85, 0, 0, 0, 0}},
      {"jmp rel8", Inst::JmpRel8(l), {0xeb, 0x00}},
      {"lea rip", Inst::Lea(OpSize::k64, G::kRax, A::RipLabel(l)), {0x48, 0x8d, 0x05, 0, 0, 0, 0}},
      {"9-byte nop", Inst::Nop(9), {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00}},
      {"addsd xmm9",
       Inst::SseRR(SseOp::kAddsd, Xmm::kXmm0, Xmm::kXmm9),
       {0xf2, 0x41, 0x0f, 0x58, 0xc1}},
      {"roundsd",
       Inst::SseRRImm(SseOp::kRoundsd, Xmm::kXmm8, Xmm::kXmm1, kRoundTowardZero),
       {0x66, 0x44, 0x0f, 0x3a, 0x0b, 0xc1, 0x0b}},
      {"movsd store",
       Inst::SseMR(SseOp::kMovsd, A::Base(G::kRsp, 16), Xmm::kXmm2),
       {0xf2, 0x0f, 0x11, 0x54, 0x24, 0x10}},
      {"movq gpr->xmm",
       Inst::GprToXmm(OpSize::k64, Xmm::kXmm0, G::kRax),
       {0x66, 0x48, 0x0f, 0x6e, 0xc0}},
      {"movd xmm->gpr", Inst::XmmToGpr(OpSize::k32, G::kRax, Xmm::kXmm1), {0x66, 0x0f, 0x7e, 0xc8}},
      {"cvtsi2sdq",
       Inst::CvtSi2FpR(FpSize::kF64, OpSize::k64, Xmm::kXmm1, G::kR8),
       {0xf2, 0x49, 0x0f, 0x2a, 0xc8}},
      {"cvttss2si",
       Inst::CvttFp2SiR(FpSize::kF32, OpSize::k32, G::kRax, Xmm::kXmm15),
       {0xf3, 0x41, 0x0f, 0x2c, 0xc7}},
      {"ucomisd", Inst::SseRR(SseOp::kUcomisd, Xmm::kXmm3, Xmm::kXmm4), {0x66, 0x0f, 0x2e, 0xdc}},
  };
  for (const Golden& g : golden) {
    EncodedInst e;
    Encode(g.inst, &e);
    EXPECT_EQ(Hex(e.view()), Hex(g.bytes)) << g.what;
  }
}

// The label-field contract for each kind, including RIP-relative with a trailing immediate.
TEST(X64Golden, LabelFields) {
  struct Case {
    Inst inst;
    LabelUse use;
    int offset, pc_base_delta;
  };
  const Label l(3);
  const Case cases[] = {
      {Inst::JmpRel32(l), LabelUse::kJmpRel32, 1, 4},
      {Inst::JccRel32(CondCode::kB, l), LabelUse::kJmpRel32, 2, 4},
      {Inst::JmpRel8(l), LabelUse::kJmpRel8, 1, 1},
      {Inst::JccRel8(CondCode::kB, l), LabelUse::kJmpRel8, 1, 1},
      {Inst::CallRel32(l), LabelUse::kJmpRel32, 1, 4},
      {Inst::Lea(OpSize::k64, Gpr::kR9, Amode::RipLabel(l)), LabelUse::kRipRel32, 3, 4},
      // 83 3d <disp32> 05: the imm8 follows the field, so the base is 5 bytes after it.
      {Inst::AluMI(AluOp::kCmp, OpSize::k32, Amode::RipLabel(l), 5), LabelUse::kRipRel32, 2, 5},
      // 81 3d <disp32> <imm32>
      {Inst::AluMI(AluOp::kCmp, OpSize::k32, Amode::RipLabel(l), 500), LabelUse::kRipRel32, 2, 8},
      {Inst::SseRMImm(SseOp::kRoundss, Xmm::kXmm1, Amode::RipLabel(l), kRoundDown),
       LabelUse::kRipRel32, 5, 5},
      {Inst::MovMI(OpSize::k16, Amode::RipLabel(l), 1), LabelUse::kRipRel32, 3, 6},
  };
  for (const Case& c : cases) {
    EncodedInst e;
    Encode(c.inst, &e);
    EXPECT_EQ(e.label.label, l) << FormName(c.inst.form());
    EXPECT_EQ(e.label.use, c.use) << FormName(c.inst.form());
    EXPECT_EQ(e.label.offset, c.offset) << FormName(c.inst.form());
    EXPECT_EQ(e.label.pc_base_delta, c.pc_base_delta) << FormName(c.inst.form());
    EXPECT_EQ(e.label.offset + e.label.pc_base_delta, e.len) << FormName(c.inst.form());
  }
  EncodedInst e;
  Encode(Inst::MovRM(OpSize::k64, Gpr::kRax, Amode::Base(Gpr::kRdi)), &e);
  EXPECT_FALSE(e.label.label.valid());
}

TEST(X64Golden, AppendNopsPadsExactly) {
  for (int n = 0; n <= 40; ++n) {
    std::vector<uint8_t> out;
    AppendNops(n, &out);
    EXPECT_EQ(out.size(), static_cast<size_t>(n));
  }
  std::vector<uint8_t> out;
  AppendNops(11, &out);
  EXPECT_EQ(Hex(out), "66 0f 1f 84 00 00 00 00 00 66 90");
}

}  // namespace
}  // namespace egret::x64
