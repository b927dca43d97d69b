// inst.cc: Inst factories. They check each form's operand invariants once, at construction, so
// the encoder and the printer can rely on them (an invalid Inst is a backend bug, not bad input).
#include "backends/x64/inst.h"

#include <type_traits>

#include "support/error.h"

namespace egret::x64 {
namespace {

constexpr std::string_view kFormNames[] = {
#define EGRET_X64_FORM_NAME(name, fields) #name,
    EGRET_X64_FORMS(EGRET_X64_FORM_NAME, )
#undef EGRET_X64_FORM_NAME
};

// The tag and the largest payloads (an Amode and an int64 immediate) in 32 bytes: Inst is copied
// by value through the emitter's helpers.
static_assert(sizeof(Inst) == 32);
static_assert(std::is_trivially_copyable_v<Inst>);

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

namespace {

bool IsWordOrLarger(OpSize s) { return s != OpSize::k8; }
bool Is32Or64(OpSize s) { return s == OpSize::k32 || s == OpSize::k64; }

// An extension widens (so a 16-bit destination only comes from 8 bits), and a 32-bit source
// only extends to 64 bits.
void CheckExtend(OpSize src_size, OpSize size) {
  EGRET_CHECK(static_cast<int>(src_size) < static_cast<int>(size));
  if (src_size == OpSize::k32) EGRET_CHECK(size == OpSize::k64);
}

template <class T>
constexpr bool kIsAmode = std::is_same_v<std::remove_cvref_t<T>, Amode>;
template <class T>
constexpr bool kIsLabel = std::is_same_v<std::remove_cvref_t<T>, Label>;

}  // namespace

std::string_view FormName(Form form) { return kFormNames[static_cast<int>(form)]; }

const SseOpInfo& GetSseOpInfo(SseOp op) { return kSseOpInfo[static_cast<int>(op)]; }
const XmmShiftOpInfo& GetXmmShiftOpInfo(XmmShiftOp op) {
  return kXmmShiftOpInfo[static_cast<int>(op)];
}
bool HasVexForm(SseOp op) { return GetSseOpInfo(op).vex; }

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

MovImmKind MovImmKindOf(OpSize size, int64_t imm) {
  if (size != OpSize::k64 || FitsUimm32(imm)) return MovImmKind::kMovImm;
  if (FitsSimm32(imm)) return MovImmKind::kMovSext32;
  return MovImmKind::kMovAbs;
}

// Every form has at most one memory operand and at most one label (a Label member or a
// RIP-relative Amode, never both); the operand visitor finds them by type.
const Amode* Inst::mem() const {
  const Amode* m = nullptr;
  ForEachOperand([&](const auto& v) {
    if constexpr (kIsAmode<decltype(v)>) m = &v;
  });
  return m;
}

Label Inst::label() const {
  Label l;
  ForEachOperand([&](const auto& v) {
    if constexpr (kIsAmode<decltype(v)>) {
      if (v.kind == Amode::Kind::kRipLabel) l = v.label;
    } else if constexpr (kIsLabel<decltype(v)>) {
      l = v;
    }
  });
  return l;
}

// ---- integer ALU ----

Inst Inst::AluMI(AluOp op, OpSize size, const Amode& dst, int64_t imm) {
  EGRET_CHECK(ImmFitsSize(imm, size));
  return Inst(forms::AluMI{op, size, dst, imm});
}
Inst Inst::TestRI(OpSize size, Gpr a, int64_t imm) {
  EGRET_CHECK(ImmFitsSize(imm, size));
  return Inst(forms::TestRI{size, a, imm});
}
Inst Inst::TestMR(OpSize size, const Amode& a, Gpr b) { return Inst(forms::TestMR{size, a, b}); }
Inst Inst::TestMI(OpSize size, const Amode& a, int64_t imm) {
  EGRET_CHECK(ImmFitsSize(imm, size));
  return Inst(forms::TestMI{size, a, imm});
}
Inst Inst::ImulRR(OpSize size, Gpr dst, Gpr src) {
  EGRET_CHECK(IsWordOrLarger(size));
  return Inst(forms::ImulRR{size, dst, src});
}
Inst Inst::ImulRM(OpSize size, Gpr dst, const Amode& src) {
  EGRET_CHECK(IsWordOrLarger(size));
  return Inst(forms::ImulRM{size, dst, src});
}
Inst Inst::ImulRRI(OpSize size, Gpr dst, Gpr src, int64_t imm) {
  EGRET_CHECK(IsWordOrLarger(size) && ImmFitsSize(imm, size));
  return Inst(forms::ImulRRI{size, dst, src, imm});
}
Inst Inst::ImulRMI(OpSize size, Gpr dst, const Amode& src, int64_t imm) {
  EGRET_CHECK(IsWordOrLarger(size) && ImmFitsSize(imm, size));
  return Inst(forms::ImulRMI{size, dst, src, imm});
}
Inst Inst::UnaryM(UnaryOp op, OpSize size, const Amode& mem) {
  return Inst(forms::UnaryM{op, size, mem});
}
Inst Inst::BitRR(BitOp op, OpSize size, Gpr dst, Gpr src) {
  EGRET_CHECK(IsWordOrLarger(size));
  return Inst(forms::BitRR{op, size, dst, src});
}
Inst Inst::BitRM(BitOp op, OpSize size, Gpr dst, const Amode& src) {
  EGRET_CHECK(IsWordOrLarger(size));
  return Inst(forms::BitRM{op, size, dst, src});
}
Inst Inst::Bswap(OpSize size, Gpr reg) {
  EGRET_CHECK(Is32Or64(size));
  return Inst(forms::Bswap{size, reg});
}
Inst Inst::SignExtendAx(OpSize size) {
  EGRET_CHECK(IsWordOrLarger(size));
  return Inst(forms::SignExtendAx{size});
}

// ---- moves ----

Inst Inst::MovMI(OpSize size, const Amode& dst, int64_t imm) {
  EGRET_CHECK(ImmFitsSize(imm, size));
  return Inst(forms::MovMI{size, dst, imm});
}
Inst Inst::AtomicMR(AtomicOp op, OpSize size, const Amode& mem, Gpr reg) {
  return Inst(forms::AtomicMR{op, size, mem, reg});
}
Inst Inst::Mfence() { return Inst(forms::Mfence{}); }

Inst Inst::MovzxRR(OpSize src_size, OpSize size, Gpr dst, Gpr src) {
  CheckExtend(src_size, size);
  return Inst(forms::MovzxRR{src_size, size, dst, src});
}
Inst Inst::MovzxRM(OpSize src_size, OpSize size, Gpr dst, const Amode& src) {
  CheckExtend(src_size, size);
  return Inst(forms::MovzxRM{src_size, size, dst, src});
}
Inst Inst::MovsxRR(OpSize src_size, OpSize size, Gpr dst, Gpr src) {
  CheckExtend(src_size, size);
  return Inst(forms::MovsxRR{src_size, size, dst, src});
}
Inst Inst::MovsxRM(OpSize src_size, OpSize size, Gpr dst, const Amode& src) {
  CheckExtend(src_size, size);
  return Inst(forms::MovsxRM{src_size, size, dst, src});
}
Inst Inst::CmovRR(CondCode cc, OpSize size, Gpr dst, Gpr src) {
  EGRET_CHECK(IsWordOrLarger(size));
  return Inst(forms::CmovRR{cc, size, dst, src});
}
Inst Inst::CmovRM(CondCode cc, OpSize size, Gpr dst, const Amode& src) {
  EGRET_CHECK(IsWordOrLarger(size));
  return Inst(forms::CmovRM{cc, size, dst, src});
}

// ---- stack and control flow ----

Inst Inst::PushI(int32_t imm) { return Inst(forms::PushI{imm}); }
Inst Inst::CallRel32(Label target) {
  EGRET_CHECK(target.valid());
  return Inst(forms::CallRel32{target});
}
Inst Inst::CallM(const Amode& target) { return Inst(forms::CallM{target}); }
Inst Inst::JmpRel32(Label target) {
  EGRET_CHECK(target.valid());
  return Inst(forms::JmpRel32{target});
}
Inst Inst::JmpRel8(Label target) {
  EGRET_CHECK(target.valid());
  return Inst(forms::JmpRel8{target});
}
Inst Inst::JmpM(const Amode& target) { return Inst(forms::JmpM{target}); }
Inst Inst::JccRel32(CondCode cc, Label target) {
  EGRET_CHECK(target.valid());
  return Inst(forms::JccRel32{cc, target});
}
Inst Inst::JccRel8(CondCode cc, Label target) {
  EGRET_CHECK(target.valid());
  return Inst(forms::JccRel8{cc, target});
}
Inst Inst::Ud2() { return Inst(forms::Ud2{}); }
Inst Inst::Int3() { return Inst(forms::Int3{}); }
Inst Inst::Nop(int length) {
  EGRET_CHECK(length >= 1 && length <= 9);
  return Inst(forms::Nop{static_cast<uint8_t>(length)});
}

// ---- SSE ----

Inst Inst::SseRR(SseOp op, Xmm dst, Xmm src) {
  EGRET_CHECK(!GetSseOpInfo(op).has_imm8);
  return Inst(forms::SseRR{op, dst, src, 0});
}
Inst Inst::SseRM(SseOp op, Xmm dst, const Amode& src) {
  EGRET_CHECK(!GetSseOpInfo(op).has_imm8);
  return Inst(forms::SseRM{op, dst, src, 0});
}
Inst Inst::SseRRImm(SseOp op, Xmm dst, Xmm src, uint8_t imm) {
  EGRET_CHECK(GetSseOpInfo(op).has_imm8);
  return Inst(forms::SseRR{op, dst, src, imm});
}
Inst Inst::SseRMImm(SseOp op, Xmm dst, const Amode& src, uint8_t imm) {
  EGRET_CHECK(GetSseOpInfo(op).has_imm8);
  return Inst(forms::SseRM{op, dst, src, imm});
}
Inst Inst::SseMR(SseOp op, const Amode& dst, Xmm src) {
  EGRET_CHECK(GetSseOpInfo(op).store_opcode != 0);
  return Inst(forms::SseMR{op, dst, src});
}
Inst Inst::XmmShiftRI(XmmShiftOp op, Xmm dst, uint8_t count) {
  return Inst(forms::XmmShiftRI{op, dst, count});
}
Inst Inst::PextrRRI(OpSize size, Gpr dst, Xmm src, uint8_t lane) {
  EGRET_CHECK(lane < 16 / (Bits(size) / 8));
  return Inst(forms::PextrRRI{size, dst, src, lane});
}
Inst Inst::PinsrRRI(OpSize size, Xmm dst, Gpr src, uint8_t lane) {
  EGRET_CHECK(lane < 16 / (Bits(size) / 8));
  return Inst(forms::PinsrRRI{size, dst, src, lane});
}
Inst Inst::PinsrRMI(OpSize size, Xmm dst, const Amode& src, uint8_t lane) {
  EGRET_CHECK(lane < 16 / (Bits(size) / 8));
  return Inst(forms::PinsrRMI{size, dst, src, lane});
}
Inst Inst::MovmskRR(MaskOp op, Gpr dst, Xmm src) { return Inst(forms::MovmskRR{op, dst, src}); }
Inst Inst::GprToXmm(OpSize size, Xmm dst, Gpr src) {
  EGRET_CHECK(Is32Or64(size));
  return Inst(forms::GprToXmm{size, dst, src});
}
Inst Inst::XmmToGpr(OpSize size, Gpr dst, Xmm src) {
  EGRET_CHECK(Is32Or64(size));
  return Inst(forms::XmmToGpr{size, dst, src});
}
Inst Inst::CvtSi2FpR(FpSize fp, OpSize src_size, Xmm dst, Gpr src) {
  EGRET_CHECK(Is32Or64(src_size));
  return Inst(forms::CvtSi2FpR{fp, src_size, dst, src});
}
Inst Inst::CvtSi2FpM(FpSize fp, OpSize src_size, Xmm dst, const Amode& src) {
  EGRET_CHECK(Is32Or64(src_size));
  return Inst(forms::CvtSi2FpM{fp, src_size, dst, src});
}
Inst Inst::CvttFp2SiR(FpSize fp, OpSize dst_size, Gpr dst, Xmm src) {
  EGRET_CHECK(Is32Or64(dst_size));
  return Inst(forms::CvttFp2SiR{fp, dst_size, dst, src});
}
Inst Inst::CvttFp2SiM(FpSize fp, OpSize dst_size, Gpr dst, const Amode& src) {
  EGRET_CHECK(Is32Or64(dst_size));
  return Inst(forms::CvttFp2SiM{fp, dst_size, dst, src});
}
Inst Inst::VexRRR(SseOp op, Xmm dst, Xmm src1, Xmm src2) {
  EGRET_CHECK(HasVexForm(op));
  return Inst(forms::VexRRR{op, dst, src1, src2});
}
Inst Inst::VexRRM(SseOp op, Xmm dst, Xmm src1, const Amode& src2) {
  EGRET_CHECK(HasVexForm(op));
  return Inst(forms::VexRRM{op, dst, src1, src2});
}

// ---- BMI ----

Inst Inst::RorxRRI(OpSize size, Gpr dst, Gpr src, uint8_t count) {
  EGRET_CHECK(Is32Or64(size));
  return Inst(forms::RorxRRI{size, dst, src, count});
}
Inst Inst::ShiftxRRR(ShiftOp op, OpSize size, Gpr dst, Gpr src, Gpr count) {
  EGRET_CHECK(Is32Or64(size));
  EGRET_CHECK(op == ShiftOp::kShl || op == ShiftOp::kShr || op == ShiftOp::kSar);
  return Inst(forms::ShiftxRRR{op, size, dst, src, count});
}
Inst Inst::AndnRRR(OpSize size, Gpr dst, Gpr src1, Gpr src2) {
  EGRET_CHECK(Is32Or64(size));
  return Inst(forms::AndnRRR{size, dst, src1, src2});
}

}  // namespace egret::x64
