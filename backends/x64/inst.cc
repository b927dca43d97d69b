// inst.cc: Inst factories. They check each form's operand invariants once, at construction, so
// the encoder and the printer can rely on them (an invalid Inst is a backend bug, not bad input).
#include "backends/x64/inst.h"

#include "support/error.h"

namespace egret::x64 {
namespace {

constexpr std::string_view kFormNames[] = {
#define EGRET_X64_FORM_NAME(name) #name,
    EGRET_X64_FORMS(EGRET_X64_FORM_NAME)
#undef EGRET_X64_FORM_NAME
};

constexpr SseOpInfo kSseOpInfo[] = {
#define EGRET_X64_SSE_INFO(name, mnemonic, prefix, map, opcode, store, imm8, vex) \
  {mnemonic, prefix, map, opcode, store, imm8, vex},
    EGRET_X64_SSE_OPS(EGRET_X64_SSE_INFO)
#undef EGRET_X64_SSE_INFO
};

constexpr XmmShiftOpInfo kXmmShiftOpInfo[] = {
#define EGRET_X64_XMM_SHIFT_INFO(name, mnemonic, opcode, digit) {mnemonic, opcode, digit},
    EGRET_X64_XMM_SHIFT_OPS(EGRET_X64_XMM_SHIFT_INFO)
#undef EGRET_X64_XMM_SHIFT_INFO
};

}  // namespace

bool ImmFitsSize(int64_t imm, OpSize size) {
  switch (size) {
    case OpSize::k8:
      return imm >= -128 && imm <= 255;
    case OpSize::k16:
      return imm >= -32768 && imm <= 65535;
    case OpSize::k32:
      return imm >= INT32_MIN && imm <= int64_t{UINT32_MAX};
    case OpSize::k64:
      return FitsSimm32(imm);
  }
  return false;
}

namespace {

bool IsWordOrLarger(OpSize s) { return s != OpSize::k8; }
bool Is32Or64(OpSize s) { return s == OpSize::k32 || s == OpSize::k64; }

Inst Make(Form form, OpSize size = OpSize::k64) {
  Inst i;
  i.form = form;
  i.size = size;
  return i;
}

}  // namespace

std::string_view FormName(Form form) { return kFormNames[static_cast<int>(form)]; }

const SseOpInfo& GetSseOpInfo(SseOp op) { return kSseOpInfo[static_cast<int>(op)]; }
const XmmShiftOpInfo& GetXmmShiftOpInfo(XmmShiftOp op) {
  return kXmmShiftOpInfo[static_cast<int>(op)];
}

int64_t ImmAtSize(int64_t imm, OpSize size) {
  switch (size) {
    case OpSize::k8:
      return static_cast<int8_t>(imm);
    case OpSize::k16:
      return static_cast<int16_t>(imm);
    case OpSize::k32:
      return static_cast<int32_t>(imm);
    case OpSize::k64:
      return imm;
  }
  return imm;
}

bool Inst::HasMem() const {
  switch (form) {
    case Form::kAtomicMR:
    case Form::kAluRM:
    case Form::kAluMR:
    case Form::kAluMI:
    case Form::kTestMR:
    case Form::kTestMI:
    case Form::kImulRM:
    case Form::kImulRMI:
    case Form::kUnaryM:
    case Form::kBitRM:
    case Form::kMovRM:
    case Form::kMovMR:
    case Form::kMovMI:
    case Form::kMovzxRM:
    case Form::kMovsxRM:
    case Form::kLea:
    case Form::kCmovRM:
    case Form::kCallM:
    case Form::kJmpM:
    case Form::kSseRM:
    case Form::kSseMR:
    case Form::kVexRRM:
    case Form::kPinsrRMI:
    case Form::kCvtSi2FpM:
    case Form::kCvttFp2SiM:
      return true;
    default:
      return false;
  }
}

bool Inst::HasLabel() const {
  switch (form) {
    case Form::kCallRel32:
    case Form::kJmpRel32:
    case Form::kJmpRel8:
    case Form::kJccRel32:
    case Form::kJccRel8:
      return true;
    default:
      return HasMem() && mem.kind == Amode::Kind::kRipLabel;
  }
}

MovImmKind Inst::mov_imm_kind() const {
  EGRET_DCHECK(form == Form::kMovRI);
  if (size != OpSize::k64 || FitsUimm32(imm)) return MovImmKind::kMovImm;
  if (FitsSimm32(imm)) return MovImmKind::kMovSext32;
  return MovImmKind::kMovAbs;
}

// ---- integer ALU ----

Inst Inst::AluRR(AluOp op, OpSize size, Gpr dst, Gpr src) {
  Inst i = Make(Form::kAluRR, size);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::AluRI(AluOp op, OpSize size, Gpr dst, int64_t imm) {
  EGRET_CHECK(ImmFitsSize(imm, size));
  Inst i = Make(Form::kAluRI, size);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.imm = imm;
  return i;
}
Inst Inst::AluRM(AluOp op, OpSize size, Gpr dst, const Amode& src) {
  Inst i = Make(Form::kAluRM, size);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.mem = src;
  return i;
}
Inst Inst::AluMR(AluOp op, OpSize size, const Amode& dst, Gpr src) {
  Inst i = Make(Form::kAluMR, size);
  i.op = static_cast<uint8_t>(op);
  i.mem = dst;
  i.r1 = Enc(src);
  return i;
}
Inst Inst::AluMI(AluOp op, OpSize size, const Amode& dst, int64_t imm) {
  EGRET_CHECK(ImmFitsSize(imm, size));
  Inst i = Make(Form::kAluMI, size);
  i.op = static_cast<uint8_t>(op);
  i.mem = dst;
  i.imm = imm;
  return i;
}
Inst Inst::TestRR(OpSize size, Gpr a, Gpr b) {
  Inst i = Make(Form::kTestRR, size);
  i.r0 = Enc(a);
  i.r1 = Enc(b);
  return i;
}
Inst Inst::TestRI(OpSize size, Gpr a, int64_t imm) {
  EGRET_CHECK(ImmFitsSize(imm, size));
  Inst i = Make(Form::kTestRI, size);
  i.r0 = Enc(a);
  i.imm = imm;
  return i;
}
Inst Inst::TestMR(OpSize size, const Amode& a, Gpr b) {
  Inst i = Make(Form::kTestMR, size);
  i.mem = a;
  i.r1 = Enc(b);
  return i;
}
Inst Inst::TestMI(OpSize size, const Amode& a, int64_t imm) {
  EGRET_CHECK(ImmFitsSize(imm, size));
  Inst i = Make(Form::kTestMI, size);
  i.mem = a;
  i.imm = imm;
  return i;
}
Inst Inst::ImulRR(OpSize size, Gpr dst, Gpr src) {
  EGRET_CHECK(IsWordOrLarger(size));
  Inst i = Make(Form::kImulRR, size);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::ImulRM(OpSize size, Gpr dst, const Amode& src) {
  EGRET_CHECK(IsWordOrLarger(size));
  Inst i = Make(Form::kImulRM, size);
  i.r0 = Enc(dst);
  i.mem = src;
  return i;
}
Inst Inst::ImulRRI(OpSize size, Gpr dst, Gpr src, int64_t imm) {
  EGRET_CHECK(IsWordOrLarger(size) && ImmFitsSize(imm, size));
  Inst i = Make(Form::kImulRRI, size);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  i.imm = imm;
  return i;
}
Inst Inst::ImulRMI(OpSize size, Gpr dst, const Amode& src, int64_t imm) {
  EGRET_CHECK(IsWordOrLarger(size) && ImmFitsSize(imm, size));
  Inst i = Make(Form::kImulRMI, size);
  i.r0 = Enc(dst);
  i.mem = src;
  i.imm = imm;
  return i;
}
Inst Inst::UnaryR(UnaryOp op, OpSize size, Gpr reg) {
  Inst i = Make(Form::kUnaryR, size);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(reg);
  return i;
}
Inst Inst::UnaryM(UnaryOp op, OpSize size, const Amode& mem) {
  Inst i = Make(Form::kUnaryM, size);
  i.op = static_cast<uint8_t>(op);
  i.mem = mem;
  return i;
}
Inst Inst::ShiftRI(ShiftOp op, OpSize size, Gpr dst, uint8_t count) {
  Inst i = Make(Form::kShiftRI, size);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.imm = count;
  return i;
}
Inst Inst::ShiftRCl(ShiftOp op, OpSize size, Gpr dst) {
  Inst i = Make(Form::kShiftRCl, size);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  return i;
}
Inst Inst::BitRR(BitOp op, OpSize size, Gpr dst, Gpr src) {
  EGRET_CHECK(IsWordOrLarger(size));
  Inst i = Make(Form::kBitRR, size);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::BitRM(BitOp op, OpSize size, Gpr dst, const Amode& src) {
  EGRET_CHECK(IsWordOrLarger(size));
  Inst i = Make(Form::kBitRM, size);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.mem = src;
  return i;
}
Inst Inst::Bswap(OpSize size, Gpr reg) {
  EGRET_CHECK(Is32Or64(size));
  Inst i = Make(Form::kBswap, size);
  i.r0 = Enc(reg);
  return i;
}
Inst Inst::SignExtendAx(OpSize size) {
  EGRET_CHECK(IsWordOrLarger(size));
  return Make(Form::kSignExtendAx, size);
}

// ---- moves ----

Inst Inst::MovRR(OpSize size, Gpr dst, Gpr src) {
  Inst i = Make(Form::kMovRR, size);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::MovRI(OpSize size, Gpr dst, int64_t imm) {
  // 64-bit moves take any value; smaller ones a value that fits signed or unsigned.
  EGRET_CHECK(size == OpSize::k64 || ImmFitsSize(imm, size));
  Inst i = Make(Form::kMovRI, size);
  i.r0 = Enc(dst);
  i.imm = imm;
  return i;
}
Inst Inst::MovRM(OpSize size, Gpr dst, const Amode& src) {
  Inst i = Make(Form::kMovRM, size);
  i.r0 = Enc(dst);
  i.mem = src;
  return i;
}
Inst Inst::MovMR(OpSize size, const Amode& dst, Gpr src) {
  Inst i = Make(Form::kMovMR, size);
  i.mem = dst;
  i.r1 = Enc(src);
  return i;
}
Inst Inst::AtomicMR(AtomicOp op, OpSize size, const Amode& mem, Gpr reg) {
  Inst i = Make(Form::kAtomicMR, size);
  i.op = static_cast<uint8_t>(op);
  i.mem = mem;
  i.r1 = Enc(reg);
  return i;
}
Inst Inst::Mfence() { return Make(Form::kMfence); }
Inst Inst::MovMI(OpSize size, const Amode& dst, int64_t imm) {
  EGRET_CHECK(ImmFitsSize(imm, size));
  Inst i = Make(Form::kMovMI, size);
  i.mem = dst;
  i.imm = imm;
  return i;
}

namespace {
// An extension widens (so a 16-bit destination only comes from 8 bits), and a 32-bit source
// only extends to 64 bits.
void CheckExtend(OpSize src_size, OpSize size) {
  EGRET_CHECK(static_cast<int>(src_size) < static_cast<int>(size));
  if (src_size == OpSize::k32) EGRET_CHECK(size == OpSize::k64);
}
}  // namespace

Inst Inst::MovzxRR(OpSize src_size, OpSize size, Gpr dst, Gpr src) {
  CheckExtend(src_size, size);
  Inst i = Make(Form::kMovzxRR, size);
  i.src_size = src_size;
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::MovzxRM(OpSize src_size, OpSize size, Gpr dst, const Amode& src) {
  CheckExtend(src_size, size);
  Inst i = Make(Form::kMovzxRM, size);
  i.src_size = src_size;
  i.r0 = Enc(dst);
  i.mem = src;
  return i;
}
Inst Inst::MovsxRR(OpSize src_size, OpSize size, Gpr dst, Gpr src) {
  CheckExtend(src_size, size);
  Inst i = Make(Form::kMovsxRR, size);
  i.src_size = src_size;
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::MovsxRM(OpSize src_size, OpSize size, Gpr dst, const Amode& src) {
  CheckExtend(src_size, size);
  Inst i = Make(Form::kMovsxRM, size);
  i.src_size = src_size;
  i.r0 = Enc(dst);
  i.mem = src;
  return i;
}
Inst Inst::Lea(OpSize size, Gpr dst, const Amode& addr) {
  EGRET_CHECK(Is32Or64(size));
  Inst i = Make(Form::kLea, size);
  i.r0 = Enc(dst);
  i.mem = addr;
  return i;
}
Inst Inst::Setcc(CondCode cc, Gpr dst) {
  Inst i = Make(Form::kSetcc, OpSize::k8);
  i.cc = cc;
  i.r0 = Enc(dst);
  return i;
}
Inst Inst::CmovRR(CondCode cc, OpSize size, Gpr dst, Gpr src) {
  EGRET_CHECK(IsWordOrLarger(size));
  Inst i = Make(Form::kCmovRR, size);
  i.cc = cc;
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::CmovRM(CondCode cc, OpSize size, Gpr dst, const Amode& src) {
  EGRET_CHECK(IsWordOrLarger(size));
  Inst i = Make(Form::kCmovRM, size);
  i.cc = cc;
  i.r0 = Enc(dst);
  i.mem = src;
  return i;
}

// ---- stack and control flow ----

Inst Inst::PushR(Gpr reg) {
  Inst i = Make(Form::kPushR);
  i.r0 = Enc(reg);
  return i;
}
Inst Inst::PushI(int32_t imm) {
  Inst i = Make(Form::kPushI);
  i.imm = imm;
  return i;
}
Inst Inst::PopR(Gpr reg) {
  Inst i = Make(Form::kPopR);
  i.r0 = Enc(reg);
  return i;
}
Inst Inst::Ret(uint16_t pop) {
  Inst i = Make(Form::kRet);
  i.imm = pop;
  return i;
}
Inst Inst::CallRel32(Label target) {
  EGRET_CHECK(target.valid());
  Inst i = Make(Form::kCallRel32);
  i.label = target;
  return i;
}
Inst Inst::CallR(Gpr target) {
  Inst i = Make(Form::kCallR);
  i.r0 = Enc(target);
  return i;
}
Inst Inst::CallM(const Amode& target) {
  Inst i = Make(Form::kCallM);
  i.mem = target;
  return i;
}
Inst Inst::JmpRel32(Label target) {
  EGRET_CHECK(target.valid());
  Inst i = Make(Form::kJmpRel32);
  i.label = target;
  return i;
}
Inst Inst::JmpRel8(Label target) {
  EGRET_CHECK(target.valid());
  Inst i = Make(Form::kJmpRel8);
  i.label = target;
  return i;
}
Inst Inst::JmpR(Gpr target) {
  Inst i = Make(Form::kJmpR);
  i.r0 = Enc(target);
  return i;
}
Inst Inst::JmpM(const Amode& target) {
  Inst i = Make(Form::kJmpM);
  i.mem = target;
  return i;
}
Inst Inst::JccRel32(CondCode cc, Label target) {
  EGRET_CHECK(target.valid());
  Inst i = Make(Form::kJccRel32);
  i.cc = cc;
  i.label = target;
  return i;
}
Inst Inst::JccRel8(CondCode cc, Label target) {
  EGRET_CHECK(target.valid());
  Inst i = Make(Form::kJccRel8);
  i.cc = cc;
  i.label = target;
  return i;
}
Inst Inst::Ud2() { return Make(Form::kUd2); }
Inst Inst::Int3() { return Make(Form::kInt3); }
Inst Inst::Nop(int length) {
  EGRET_CHECK(length >= 1 && length <= 9);
  Inst i = Make(Form::kNop);
  i.imm = length;
  return i;
}

// ---- SSE ----

Inst Inst::SseRR(SseOp op, Xmm dst, Xmm src) {
  EGRET_CHECK(!GetSseOpInfo(op).has_imm8);
  Inst i = Make(Form::kSseRR);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::SseRM(SseOp op, Xmm dst, const Amode& src) {
  EGRET_CHECK(!GetSseOpInfo(op).has_imm8);
  Inst i = Make(Form::kSseRM);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.mem = src;
  return i;
}
Inst Inst::SseRRImm(SseOp op, Xmm dst, Xmm src, uint8_t imm) {
  EGRET_CHECK(GetSseOpInfo(op).has_imm8);
  Inst i = Make(Form::kSseRR);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  i.imm = imm;
  return i;
}
Inst Inst::SseRMImm(SseOp op, Xmm dst, const Amode& src, uint8_t imm) {
  EGRET_CHECK(GetSseOpInfo(op).has_imm8);
  Inst i = Make(Form::kSseRM);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.mem = src;
  i.imm = imm;
  return i;
}
Inst Inst::SseMR(SseOp op, const Amode& dst, Xmm src) {
  EGRET_CHECK(GetSseOpInfo(op).store_opcode != 0);
  Inst i = Make(Form::kSseMR);
  i.op = static_cast<uint8_t>(op);
  i.mem = dst;
  i.r1 = Enc(src);
  return i;
}
Inst Inst::XmmShiftRI(XmmShiftOp op, Xmm dst, uint8_t count) {
  Inst i = Make(Form::kXmmShiftRI);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.imm = count;
  return i;
}
Inst Inst::PextrRRI(OpSize size, Gpr dst, Xmm src, uint8_t lane) {
  EGRET_CHECK(lane < 16 / (Bits(size) / 8));
  Inst i = Make(Form::kPextrRRI, size);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  i.imm = lane;
  return i;
}
Inst Inst::PinsrRRI(OpSize size, Xmm dst, Gpr src, uint8_t lane) {
  EGRET_CHECK(lane < 16 / (Bits(size) / 8));
  Inst i = Make(Form::kPinsrRRI, size);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  i.imm = lane;
  return i;
}
Inst Inst::PinsrRMI(OpSize size, Xmm dst, const Amode& src, uint8_t lane) {
  EGRET_CHECK(lane < 16 / (Bits(size) / 8));
  Inst i = Make(Form::kPinsrRMI, size);
  i.r0 = Enc(dst);
  i.mem = src;
  i.imm = lane;
  return i;
}
Inst Inst::MovmskRR(MaskOp op, Gpr dst, Xmm src) {
  Inst i = Make(Form::kMovmskRR, OpSize::k32);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::GprToXmm(OpSize size, Xmm dst, Gpr src) {
  EGRET_CHECK(Is32Or64(size));
  Inst i = Make(Form::kGprToXmm, size);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::XmmToGpr(OpSize size, Gpr dst, Xmm src) {
  EGRET_CHECK(Is32Or64(size));
  Inst i = Make(Form::kXmmToGpr, size);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::CvtSi2FpR(FpSize fp, OpSize src_size, Xmm dst, Gpr src) {
  EGRET_CHECK(Is32Or64(src_size));
  Inst i = Make(Form::kCvtSi2FpR, src_size);
  i.fp = fp;
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::CvtSi2FpM(FpSize fp, OpSize src_size, Xmm dst, const Amode& src) {
  EGRET_CHECK(Is32Or64(src_size));
  Inst i = Make(Form::kCvtSi2FpM, src_size);
  i.fp = fp;
  i.r0 = Enc(dst);
  i.mem = src;
  return i;
}
Inst Inst::CvttFp2SiR(FpSize fp, OpSize dst_size, Gpr dst, Xmm src) {
  EGRET_CHECK(Is32Or64(dst_size));
  Inst i = Make(Form::kCvttFp2SiR, dst_size);
  i.fp = fp;
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  return i;
}
Inst Inst::CvttFp2SiM(FpSize fp, OpSize dst_size, Gpr dst, const Amode& src) {
  EGRET_CHECK(Is32Or64(dst_size));
  Inst i = Make(Form::kCvttFp2SiM, dst_size);
  i.fp = fp;
  i.r0 = Enc(dst);
  i.mem = src;
  return i;
}

bool HasVexForm(SseOp op) { return GetSseOpInfo(op).vex; }

Inst Inst::VexRRR(SseOp op, Xmm dst, Xmm src1, Xmm src2) {
  EGRET_CHECK(HasVexForm(op));
  Inst i = Make(Form::kVexRRR);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.r1 = Enc(src1);
  i.r2 = Enc(src2);
  return i;
}

Inst Inst::VexRRM(SseOp op, Xmm dst, Xmm src1, const Amode& src2) {
  EGRET_CHECK(HasVexForm(op));
  Inst i = Make(Form::kVexRRM);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.r1 = Enc(src1);
  i.mem = src2;
  return i;
}

Inst Inst::RorxRRI(OpSize size, Gpr dst, Gpr src, uint8_t count) {
  EGRET_CHECK(Is32Or64(size));
  Inst i = Make(Form::kRorxRRI, size);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  i.imm = count;
  return i;
}

Inst Inst::ShiftxRRR(ShiftOp op, OpSize size, Gpr dst, Gpr src, Gpr count) {
  EGRET_CHECK(Is32Or64(size));
  EGRET_CHECK(op == ShiftOp::kShl || op == ShiftOp::kShr || op == ShiftOp::kSar);
  Inst i = Make(Form::kShiftxRRR, size);
  i.op = static_cast<uint8_t>(op);
  i.r0 = Enc(dst);
  i.r1 = Enc(src);
  i.r2 = Enc(count);
  return i;
}

Inst Inst::AndnRRR(OpSize size, Gpr dst, Gpr src1, Gpr src2) {
  EGRET_CHECK(Is32Or64(size));
  Inst i = Make(Form::kAndnRRR, size);
  i.r0 = Enc(dst);
  i.r1 = Enc(src1);
  i.r2 = Enc(src2);
  return i;
}

}  // namespace egret::x64
