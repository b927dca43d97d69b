// inst.h: one x86-64 machine instruction with physical operands, as the encoder and the printer
// see it.
//
// An Inst is a form (the operand shape: reg-reg, reg-imm, reg-mem, ...) plus that form's payload:
// a struct of named, typed operands (forms::AluRR{op, size, dst, src}) generated from the one
// table EGRET_X64_FORMS. The same value is encoded (encoder.h) and printed (printer.h), so what
// the printer shows is what the bytes mean; the differential test checks that against capstone
// for every form. Build instructions with the static factories, which check operand invariants
// (sizes a form supports, immediate ranges); the encoder then only asserts.
//
// Two-address forms (AluRR, ShiftRI, SseRR, ...) read and write their first operand: the
// lowering maps that onto the allocator's reuse-input constraint. Operand order in the
// factories and payloads is Intel order (destination first); the printer prints AT&T order
// (source first).
#ifndef EGRET_BACKENDS_X64_INST_H_
#define EGRET_BACKENDS_X64_INST_H_

#include <cstdint>
#include <new>
#include <string_view>
#include <utility>

#include "backends/x64/amode.h"
#include "backends/x64/registers.h"
#include "support/error.h"

namespace egret::x64 {

// Every instruction form, with its operands: X(Form, fields), where `fields` lists the form's
// payload members as F(type, name). The table generates the Form enum, one payload struct per
// form (x64::forms::AluRR, ...), the union inside Inst, and the operand visitor
// (Inst::ForEachOperand), so a form's operands are named in exactly one place. R = GPR or XMM
// register, I = immediate, M = memory (Amode), Cl = the count in %cl. Operand order is Intel
// order (destination first); registers are typed (Gpr or Xmm), never raw encodings. Registers a
// form uses implicitly (%cl for ShiftRCl, %rax/%rdx for SignExtendAx and the mul/div group,
// %rax for lock cmpxchg) are not payload members. Adding a form here without teaching the
// encoder, the printer and the differential test about it is a compile error (-Wswitch) or a
// test failure (X64Differential.FamiliesPartitionAllForms).
// clang-format off
#define EGRET_X64_FORMS(X, F)                                                                    \
  /* ---- integer ALU: dst = dst op src (cmp only sets flags) ---- */                              \
  X(AluRR,   F(AluOp, op) F(OpSize, size) F(Gpr, dst) F(Gpr, src))                               \
  X(AluRI,   F(AluOp, op) F(OpSize, size) F(Gpr, dst) F(int64_t, imm))                           \
  X(AluRM,   F(AluOp, op) F(OpSize, size) F(Gpr, dst) F(Amode, src))                             \
  X(AluMR,   F(AluOp, op) F(OpSize, size) F(Amode, dst) F(Gpr, src))                             \
  X(AluMI,   F(AluOp, op) F(OpSize, size) F(Amode, dst) F(int64_t, imm))                         \
  X(TestRR,  F(OpSize, size) F(Gpr, a) F(Gpr, b))                                                \
  X(TestRI,  F(OpSize, size) F(Gpr, a) F(int64_t, imm))                                          \
  X(TestMR,  F(OpSize, size) F(Amode, a) F(Gpr, b))                                              \
  X(TestMI,  F(OpSize, size) F(Amode, a) F(int64_t, imm))                                        \
  X(ImulRR,  F(OpSize, size) F(Gpr, dst) F(Gpr, src))                                            \
  X(ImulRM,  F(OpSize, size) F(Gpr, dst) F(Amode, src))                                          \
  X(ImulRRI, F(OpSize, size) F(Gpr, dst) F(Gpr, src) F(int64_t, imm))                            \
  X(ImulRMI, F(OpSize, size) F(Gpr, dst) F(Amode, src) F(int64_t, imm))                          \
  X(UnaryR,  F(UnaryOp, op) F(OpSize, size) F(Gpr, reg))                                         \
  X(UnaryM,  F(UnaryOp, op) F(OpSize, size) F(Amode, mem))                                       \
  X(ShiftRI, F(ShiftOp, op) F(OpSize, size) F(Gpr, dst) F(uint8_t, count))                       \
  X(ShiftRCl, F(ShiftOp, op) F(OpSize, size) F(Gpr, dst))                                        \
  X(BitRR,   F(BitOp, op) F(OpSize, size) F(Gpr, dst) F(Gpr, src))                               \
  X(BitRM,   F(BitOp, op) F(OpSize, size) F(Gpr, dst) F(Amode, src))                             \
  X(Bswap,   F(OpSize, size) F(Gpr, reg))                                                        \
  X(SignExtendAx, F(OpSize, size))                                                               \
  /* ---- moves ---- */                                                                          \
  X(MovRR,   F(OpSize, size) F(Gpr, dst) F(Gpr, src))                                            \
  X(MovRI,   F(OpSize, size) F(Gpr, dst) F(int64_t, imm))                                        \
  X(MovRM,   F(OpSize, size) F(Gpr, dst) F(Amode, src))                                          \
  X(MovMR,   F(OpSize, size) F(Amode, dst) F(Gpr, src))                                          \
  X(MovMI,   F(OpSize, size) F(Amode, dst) F(int64_t, imm))                                      \
  X(MovzxRR, F(OpSize, src_size) F(OpSize, size) F(Gpr, dst) F(Gpr, src))                        \
  X(MovzxRM, F(OpSize, src_size) F(OpSize, size) F(Gpr, dst) F(Amode, src))                      \
  X(MovsxRR, F(OpSize, src_size) F(OpSize, size) F(Gpr, dst) F(Gpr, src))                        \
  X(MovsxRM, F(OpSize, src_size) F(OpSize, size) F(Gpr, dst) F(Amode, src))                      \
  X(Lea,     F(OpSize, size) F(Gpr, dst) F(Amode, addr))                                         \
  X(Setcc,   F(CondCode, cc) F(Gpr, dst))                                                        \
  X(CmovRR,  F(CondCode, cc) F(OpSize, size) F(Gpr, dst) F(Gpr, src))                            \
  X(CmovRM,  F(CondCode, cc) F(OpSize, size) F(Gpr, dst) F(Amode, src))                          \
  /* ---- stack and control flow ---- */                                                         \
  X(PushR,   F(Gpr, reg))                                                                        \
  X(PushI,   F(int32_t, imm))                                                                    \
  X(PopR,    F(Gpr, reg))                                                                        \
  X(Ret,     F(uint16_t, pop))  /* ret, or `ret $pop`: pops `pop` bytes after the address */    \
  X(CallRel32, F(Label, target))                                                                 \
  X(CallR,   F(Gpr, target))                                                                     \
  X(CallM,   F(Amode, target))                                                                   \
  X(JmpRel32, F(Label, target))                                                                  \
  X(JmpRel8, F(Label, target))                                                                   \
  X(JmpR,    F(Gpr, target))                                                                     \
  X(JmpM,    F(Amode, target))                                                                   \
  X(JccRel32, F(CondCode, cc) F(Label, target))                                                  \
  X(JccRel8, F(CondCode, cc) F(Label, target))                                                   \
  X(Ud2,     )                                                                                   \
  X(Int3,    )                                                                                   \
  X(Nop,     F(uint8_t, length))                                                                 \
  /* ---- SSE (imm: the op's imm8 when GetSseOpInfo(op).has_imm8, else 0) ---- */                \
  X(SseRR,   F(SseOp, op) F(Xmm, dst) F(Xmm, src) F(uint8_t, imm))                               \
  X(SseRM,   F(SseOp, op) F(Xmm, dst) F(Amode, src) F(uint8_t, imm))                             \
  X(SseMR,   F(SseOp, op) F(Amode, dst) F(Xmm, src))                                             \
  X(GprToXmm, F(OpSize, size) F(Xmm, dst) F(Gpr, src))                                           \
  X(XmmToGpr, F(OpSize, size) F(Gpr, dst) F(Xmm, src))                                           \
  X(XmmShiftRI, F(XmmShiftOp, op) F(Xmm, dst) F(uint8_t, count))                                 \
  X(PextrRRI, F(OpSize, size) F(Gpr, dst) F(Xmm, src) F(uint8_t, lane))                          \
  X(PinsrRRI, F(OpSize, size) F(Xmm, dst) F(Gpr, src) F(uint8_t, lane))                          \
  X(PinsrRMI, F(OpSize, size) F(Xmm, dst) F(Amode, src) F(uint8_t, lane))                        \
  X(MovmskRR, F(MaskOp, op) F(Gpr, dst) F(Xmm, src))                                             \
  /* ---- AVX and BMI (three-address) ---- */                                                    \
  X(VexRRR,  F(SseOp, op) F(Xmm, dst) F(Xmm, src1) F(Xmm, src2))                                 \
  X(VexRRM,  F(SseOp, op) F(Xmm, dst) F(Xmm, src1) F(Amode, src2))                               \
  X(RorxRRI, F(OpSize, size) F(Gpr, dst) F(Gpr, src) F(uint8_t, count))                          \
  X(ShiftxRRR, F(ShiftOp, op) F(OpSize, size) F(Gpr, dst) F(Gpr, src) F(Gpr, count))             \
  X(AndnRRR, F(OpSize, size) F(Gpr, dst) F(Gpr, src1) F(Gpr, src2))                              \
  /* ---- conversions (src_size / dst_size: the GPR's size) ---- */                              \
  X(CvtSi2FpR, F(FpSize, fp) F(OpSize, src_size) F(Xmm, dst) F(Gpr, src))                        \
  X(CvtSi2FpM, F(FpSize, fp) F(OpSize, src_size) F(Xmm, dst) F(Amode, src))                      \
  X(CvttFp2SiR, F(FpSize, fp) F(OpSize, dst_size) F(Gpr, dst) F(Xmm, src))                       \
  X(CvttFp2SiM, F(FpSize, fp) F(OpSize, dst_size) F(Gpr, dst) F(Amode, src))                     \
  /* ---- atomics: `reg` receives the old value (xchg, xadd) or is stored (cmpxchg) ---- */      \
  X(AtomicMR, F(AtomicOp, op) F(OpSize, size) F(Amode, mem) F(Gpr, reg))                         \
  X(Mfence,  )
// clang-format on

enum class Form : uint8_t {
#define EGRET_X64_FORM_ENUM(name, fields) k##name,
  EGRET_X64_FORMS(EGRET_X64_FORM_ENUM, )
#undef EGRET_X64_FORM_ENUM
};
#define EGRET_X64_FORM_COUNT(name, fields) +1
inline constexpr int kNumForms = 0 EGRET_X64_FORMS(EGRET_X64_FORM_COUNT, );
#undef EGRET_X64_FORM_COUNT
std::string_view FormName(Form form);

// The two-operand integer ALU group; the value is the ModRM /digit and opcode row (op*8).
enum class AluOp : uint8_t { kAdd = 0, kOr, kAdc, kSbb, kAnd, kSub, kXor, kCmp };
inline constexpr AluOp kAllAluOps[] = {AluOp::kAdd, AluOp::kOr,  AluOp::kAdc, AluOp::kSbb,
                                       AluOp::kAnd, AluOp::kSub, AluOp::kXor, AluOp::kCmp};
// Shifts and rotates; the value is the ModRM /digit of the C1/D3 group.
enum class ShiftOp : uint8_t { kRol = 0, kRor = 1, kShl = 4, kShr = 5, kSar = 7 };
inline constexpr ShiftOp kAllShiftOps[] = {ShiftOp::kRol, ShiftOp::kRor, ShiftOp::kShl,
                                           ShiftOp::kShr, ShiftOp::kSar};
// The F7 group: one explicit operand; mul/imul/div/idiv also use %rdx:%rax implicitly.
enum class UnaryOp : uint8_t { kNot = 2, kNeg, kMul, kImul, kDiv, kIdiv };
inline constexpr UnaryOp kAllUnaryOps[] = {UnaryOp::kNot,  UnaryOp::kNeg, UnaryOp::kMul,
                                           UnaryOp::kImul, UnaryOp::kDiv, UnaryOp::kIdiv};
// Bit counting; lzcnt/tzcnt/popcnt need CPU features (cpu_features.h), bsr/bsf are the
// baseline fallbacks (undefined destination for a zero source, ZF set).
enum class BitOp : uint8_t { kLzcnt, kTzcnt, kPopcnt, kBsr, kBsf };
inline constexpr BitOp kAllBitOps[] = {BitOp::kLzcnt, BitOp::kTzcnt, BitOp::kPopcnt, BitOp::kBsr,
                                       BitOp::kBsf};

// Atomic read-modify-write instructions on memory (AtomicMR): xchg (implicitly locked), lock
// xadd, lock cmpxchg (compares %rax/%eax/%ax/%al with the memory operand).
enum class AtomicOp : uint8_t { kXchg, kLockXadd, kLockCmpxchg };
inline constexpr AtomicOp kAllAtomicOps[] = {AtomicOp::kXchg, AtomicOp::kLockXadd,
                                             AtomicOp::kLockCmpxchg};

// SSE operations with an xmm destination: X(name, mnemonic, prefix, map, opcode, store_opcode,
// has_imm8, vex). prefix: 0, 0x66, 0xF2 or 0xF3; map: 1 = 0F, 2 = 0F 38, 3 = 0F 3A; store_opcode
// is the opcode of the `op xmm, mem` store form, or 0 when the op has no store form; vex: the op
// is binary (dst = dst op src) and has the AVX three-operand form dst = src1 op src2 (VexRRR).
// Scalar and packed float, SSE2 integer, SSSE3 (pshufb pmulhrsw pmaddubsw pabs* palignr), SSE4.1
// (pmovsx/zx, pmin/max of the other widths, pmulld pmuldq pcmpeqq packusdw ptest pblendw roundp*
// blendps insertps) and SSE4.2's pcmpgtq; which CPU features a sequence needs is the lowering's
// concern.
#define EGRET_X64_SSE_OPS(X)                                    \
  X(Movss, "movss", 0xF3, 1, 0x10, 0x11, false, false)          \
  X(Movsd, "movsd", 0xF2, 1, 0x10, 0x11, false, false)          \
  X(Movaps, "movaps", 0x00, 1, 0x28, 0x29, false, false)        \
  X(Movapd, "movapd", 0x66, 1, 0x28, 0x29, false, false)        \
  X(Movups, "movups", 0x00, 1, 0x10, 0x11, false, false)        \
  X(Movdqu, "movdqu", 0xF3, 1, 0x6F, 0x7F, false, false)        \
  X(Movdqa, "movdqa", 0x66, 1, 0x6F, 0x7F, false, false)        \
  X(Addss, "addss", 0xF3, 1, 0x58, 0x00, false, true)           \
  X(Addsd, "addsd", 0xF2, 1, 0x58, 0x00, false, true)           \
  X(Subss, "subss", 0xF3, 1, 0x5C, 0x00, false, true)           \
  X(Subsd, "subsd", 0xF2, 1, 0x5C, 0x00, false, true)           \
  X(Mulss, "mulss", 0xF3, 1, 0x59, 0x00, false, true)           \
  X(Mulsd, "mulsd", 0xF2, 1, 0x59, 0x00, false, true)           \
  X(Divss, "divss", 0xF3, 1, 0x5E, 0x00, false, true)           \
  X(Divsd, "divsd", 0xF2, 1, 0x5E, 0x00, false, true)           \
  X(Sqrtss, "sqrtss", 0xF3, 1, 0x51, 0x00, false, false)        \
  X(Sqrtsd, "sqrtsd", 0xF2, 1, 0x51, 0x00, false, false)        \
  X(Minss, "minss", 0xF3, 1, 0x5D, 0x00, false, true)           \
  X(Minsd, "minsd", 0xF2, 1, 0x5D, 0x00, false, true)           \
  X(Maxss, "maxss", 0xF3, 1, 0x5F, 0x00, false, true)           \
  X(Maxsd, "maxsd", 0xF2, 1, 0x5F, 0x00, false, true)           \
  X(Andps, "andps", 0x00, 1, 0x54, 0x00, false, true)           \
  X(Andpd, "andpd", 0x66, 1, 0x54, 0x00, false, true)           \
  X(Andnps, "andnps", 0x00, 1, 0x55, 0x00, false, true)         \
  X(Andnpd, "andnpd", 0x66, 1, 0x55, 0x00, false, true)         \
  X(Orps, "orps", 0x00, 1, 0x56, 0x00, false, true)             \
  X(Orpd, "orpd", 0x66, 1, 0x56, 0x00, false, true)             \
  X(Xorps, "xorps", 0x00, 1, 0x57, 0x00, false, true)           \
  X(Xorpd, "xorpd", 0x66, 1, 0x57, 0x00, false, true)           \
  X(Pxor, "pxor", 0x66, 1, 0xEF, 0x00, false, true)             \
  X(Pand, "pand", 0x66, 1, 0xDB, 0x00, false, true)             \
  X(Por, "por", 0x66, 1, 0xEB, 0x00, false, true)               \
  X(Ucomiss, "ucomiss", 0x00, 1, 0x2E, 0x00, false, false)      \
  X(Ucomisd, "ucomisd", 0x66, 1, 0x2E, 0x00, false, false)      \
  X(Comiss, "comiss", 0x00, 1, 0x2F, 0x00, false, false)        \
  X(Comisd, "comisd", 0x66, 1, 0x2F, 0x00, false, false)        \
  X(Cvtss2sd, "cvtss2sd", 0xF3, 1, 0x5A, 0x00, false, false)    \
  X(Cvtsd2ss, "cvtsd2ss", 0xF2, 1, 0x5A, 0x00, false, false)    \
  X(Roundss, "roundss", 0x66, 3, 0x0A, 0x00, true, false)       \
  X(Roundsd, "roundsd", 0x66, 3, 0x0B, 0x00, true, false)       \
  X(Addps, "addps", 0x00, 1, 0x58, 0x00, false, true)           \
  X(Addpd, "addpd", 0x66, 1, 0x58, 0x00, false, true)           \
  X(Subps, "subps", 0x00, 1, 0x5C, 0x00, false, true)           \
  X(Subpd, "subpd", 0x66, 1, 0x5C, 0x00, false, true)           \
  X(Mulps, "mulps", 0x00, 1, 0x59, 0x00, false, true)           \
  X(Mulpd, "mulpd", 0x66, 1, 0x59, 0x00, false, true)           \
  X(Divps, "divps", 0x00, 1, 0x5E, 0x00, false, true)           \
  X(Divpd, "divpd", 0x66, 1, 0x5E, 0x00, false, true)           \
  X(Minps, "minps", 0x00, 1, 0x5D, 0x00, false, true)           \
  X(Minpd, "minpd", 0x66, 1, 0x5D, 0x00, false, true)           \
  X(Maxps, "maxps", 0x00, 1, 0x5F, 0x00, false, true)           \
  X(Maxpd, "maxpd", 0x66, 1, 0x5F, 0x00, false, true)           \
  X(Sqrtps, "sqrtps", 0x00, 1, 0x51, 0x00, false, false)        \
  X(Sqrtpd, "sqrtpd", 0x66, 1, 0x51, 0x00, false, false)        \
  X(Cmpps, "cmpps", 0x00, 1, 0xC2, 0x00, true, false)           \
  X(Cmppd, "cmppd", 0x66, 1, 0xC2, 0x00, true, false)           \
  X(Cmpss, "cmpss", 0xF3, 1, 0xC2, 0x00, true, false)           \
  X(Cmpsd, "cmpsd", 0xF2, 1, 0xC2, 0x00, true, false)           \
  X(Shufps, "shufps", 0x00, 1, 0xC6, 0x00, true, false)         \
  X(Unpcklps, "unpcklps", 0x00, 1, 0x14, 0x00, false, true)     \
  X(Unpckhps, "unpckhps", 0x00, 1, 0x15, 0x00, false, true)     \
  X(Cvtdq2ps, "cvtdq2ps", 0x00, 1, 0x5B, 0x00, false, false)    \
  X(Cvttps2dq, "cvttps2dq", 0xF3, 1, 0x5B, 0x00, false, false)  \
  X(Cvtdq2pd, "cvtdq2pd", 0xF3, 1, 0xE6, 0x00, false, false)    \
  X(Cvttpd2dq, "cvttpd2dq", 0x66, 1, 0xE6, 0x00, false, false)  \
  X(Cvtps2pd, "cvtps2pd", 0x00, 1, 0x5A, 0x00, false, false)    \
  X(Cvtpd2ps, "cvtpd2ps", 0x66, 1, 0x5A, 0x00, false, false)    \
  X(Roundps, "roundps", 0x66, 3, 0x08, 0x00, true, false)       \
  X(Roundpd, "roundpd", 0x66, 3, 0x09, 0x00, true, false)       \
  X(Blendps, "blendps", 0x66, 3, 0x0C, 0x00, true, false)       \
  X(Insertps, "insertps", 0x66, 3, 0x21, 0x00, true, false)     \
  X(Paddb, "paddb", 0x66, 1, 0xFC, 0x00, false, true)           \
  X(Paddw, "paddw", 0x66, 1, 0xFD, 0x00, false, true)           \
  X(Paddd, "paddd", 0x66, 1, 0xFE, 0x00, false, true)           \
  X(Paddq, "paddq", 0x66, 1, 0xD4, 0x00, false, true)           \
  X(Psubb, "psubb", 0x66, 1, 0xF8, 0x00, false, true)           \
  X(Psubw, "psubw", 0x66, 1, 0xF9, 0x00, false, true)           \
  X(Psubd, "psubd", 0x66, 1, 0xFA, 0x00, false, true)           \
  X(Psubq, "psubq", 0x66, 1, 0xFB, 0x00, false, true)           \
  X(Paddsb, "paddsb", 0x66, 1, 0xEC, 0x00, false, true)         \
  X(Paddsw, "paddsw", 0x66, 1, 0xED, 0x00, false, true)         \
  X(Paddusb, "paddusb", 0x66, 1, 0xDC, 0x00, false, true)       \
  X(Paddusw, "paddusw", 0x66, 1, 0xDD, 0x00, false, true)       \
  X(Psubsb, "psubsb", 0x66, 1, 0xE8, 0x00, false, true)         \
  X(Psubsw, "psubsw", 0x66, 1, 0xE9, 0x00, false, true)         \
  X(Psubusb, "psubusb", 0x66, 1, 0xD8, 0x00, false, true)       \
  X(Psubusw, "psubusw", 0x66, 1, 0xD9, 0x00, false, true)       \
  X(Pmullw, "pmullw", 0x66, 1, 0xD5, 0x00, false, true)         \
  X(Pmulhw, "pmulhw", 0x66, 1, 0xE5, 0x00, false, true)         \
  X(Pmulhuw, "pmulhuw", 0x66, 1, 0xE4, 0x00, false, true)       \
  X(Pmuludq, "pmuludq", 0x66, 1, 0xF4, 0x00, false, true)       \
  X(Pmaddwd, "pmaddwd", 0x66, 1, 0xF5, 0x00, false, true)       \
  X(Pminub, "pminub", 0x66, 1, 0xDA, 0x00, false, true)         \
  X(Pmaxub, "pmaxub", 0x66, 1, 0xDE, 0x00, false, true)         \
  X(Pminsw, "pminsw", 0x66, 1, 0xEA, 0x00, false, true)         \
  X(Pmaxsw, "pmaxsw", 0x66, 1, 0xEE, 0x00, false, true)         \
  X(Pavgb, "pavgb", 0x66, 1, 0xE0, 0x00, false, true)           \
  X(Pavgw, "pavgw", 0x66, 1, 0xE3, 0x00, false, true)           \
  X(Pcmpeqb, "pcmpeqb", 0x66, 1, 0x74, 0x00, false, true)       \
  X(Pcmpeqw, "pcmpeqw", 0x66, 1, 0x75, 0x00, false, true)       \
  X(Pcmpeqd, "pcmpeqd", 0x66, 1, 0x76, 0x00, false, true)       \
  X(Pcmpgtb, "pcmpgtb", 0x66, 1, 0x64, 0x00, false, true)       \
  X(Pcmpgtw, "pcmpgtw", 0x66, 1, 0x65, 0x00, false, true)       \
  X(Pcmpgtd, "pcmpgtd", 0x66, 1, 0x66, 0x00, false, true)       \
  X(Pandn, "pandn", 0x66, 1, 0xDF, 0x00, false, true)           \
  X(Punpcklbw, "punpcklbw", 0x66, 1, 0x60, 0x00, false, true)   \
  X(Punpcklwd, "punpcklwd", 0x66, 1, 0x61, 0x00, false, true)   \
  X(Punpckldq, "punpckldq", 0x66, 1, 0x62, 0x00, false, true)   \
  X(Punpcklqdq, "punpcklqdq", 0x66, 1, 0x6C, 0x00, false, true) \
  X(Punpckhbw, "punpckhbw", 0x66, 1, 0x68, 0x00, false, true)   \
  X(Punpckhwd, "punpckhwd", 0x66, 1, 0x69, 0x00, false, true)   \
  X(Punpckhdq, "punpckhdq", 0x66, 1, 0x6A, 0x00, false, true)   \
  X(Punpckhqdq, "punpckhqdq", 0x66, 1, 0x6D, 0x00, false, true) \
  X(Packsswb, "packsswb", 0x66, 1, 0x63, 0x00, false, true)     \
  X(Packuswb, "packuswb", 0x66, 1, 0x67, 0x00, false, true)     \
  X(Packssdw, "packssdw", 0x66, 1, 0x6B, 0x00, false, true)     \
  X(Psllw, "psllw", 0x66, 1, 0xF1, 0x00, false, true)           \
  X(Pslld, "pslld", 0x66, 1, 0xF2, 0x00, false, true)           \
  X(Psllq, "psllq", 0x66, 1, 0xF3, 0x00, false, true)           \
  X(Psrlw, "psrlw", 0x66, 1, 0xD1, 0x00, false, true)           \
  X(Psrld, "psrld", 0x66, 1, 0xD2, 0x00, false, true)           \
  X(Psrlq, "psrlq", 0x66, 1, 0xD3, 0x00, false, true)           \
  X(Psraw, "psraw", 0x66, 1, 0xE1, 0x00, false, true)           \
  X(Psrad, "psrad", 0x66, 1, 0xE2, 0x00, false, true)           \
  X(Pshufd, "pshufd", 0x66, 1, 0x70, 0x00, true, false)         \
  X(Pshuflw, "pshuflw", 0xF2, 1, 0x70, 0x00, true, false)       \
  X(Pshufhw, "pshufhw", 0xF3, 1, 0x70, 0x00, true, false)       \
  X(Pshufb, "pshufb", 0x66, 2, 0x00, 0x00, false, true)         \
  X(Pmulhrsw, "pmulhrsw", 0x66, 2, 0x0B, 0x00, false, true)     \
  X(Pmaddubsw, "pmaddubsw", 0x66, 2, 0x04, 0x00, false, true)   \
  X(Pabsb, "pabsb", 0x66, 2, 0x1C, 0x00, false, false)          \
  X(Pabsw, "pabsw", 0x66, 2, 0x1D, 0x00, false, false)          \
  X(Pabsd, "pabsd", 0x66, 2, 0x1E, 0x00, false, false)          \
  X(Palignr, "palignr", 0x66, 3, 0x0F, 0x00, true, false)       \
  X(Pmovsxbw, "pmovsxbw", 0x66, 2, 0x20, 0x00, false, false)    \
  X(Pmovsxwd, "pmovsxwd", 0x66, 2, 0x23, 0x00, false, false)    \
  X(Pmovsxdq, "pmovsxdq", 0x66, 2, 0x25, 0x00, false, false)    \
  X(Pmovzxbw, "pmovzxbw", 0x66, 2, 0x30, 0x00, false, false)    \
  X(Pmovzxwd, "pmovzxwd", 0x66, 2, 0x33, 0x00, false, false)    \
  X(Pmovzxdq, "pmovzxdq", 0x66, 2, 0x35, 0x00, false, false)    \
  X(Pminsb, "pminsb", 0x66, 2, 0x38, 0x00, false, true)         \
  X(Pminsd, "pminsd", 0x66, 2, 0x39, 0x00, false, true)         \
  X(Pminuw, "pminuw", 0x66, 2, 0x3A, 0x00, false, true)         \
  X(Pminud, "pminud", 0x66, 2, 0x3B, 0x00, false, true)         \
  X(Pmaxsb, "pmaxsb", 0x66, 2, 0x3C, 0x00, false, true)         \
  X(Pmaxsd, "pmaxsd", 0x66, 2, 0x3D, 0x00, false, true)         \
  X(Pmaxuw, "pmaxuw", 0x66, 2, 0x3E, 0x00, false, true)         \
  X(Pmaxud, "pmaxud", 0x66, 2, 0x3F, 0x00, false, true)         \
  X(Pmulld, "pmulld", 0x66, 2, 0x40, 0x00, false, true)         \
  X(Pmuldq, "pmuldq", 0x66, 2, 0x28, 0x00, false, true)         \
  X(Pcmpeqq, "pcmpeqq", 0x66, 2, 0x29, 0x00, false, true)       \
  X(Packusdw, "packusdw", 0x66, 2, 0x2B, 0x00, false, true)     \
  X(Ptest, "ptest", 0x66, 2, 0x17, 0x00, false, false)          \
  X(Pblendw, "pblendw", 0x66, 3, 0x0E, 0x00, true, false)       \
  X(Pcmpgtq, "pcmpgtq", 0x66, 2, 0x37, 0x00, false, true)

enum class SseOp : uint8_t {
#define EGRET_X64_SSE_ENUM(name, ...) k##name,
  EGRET_X64_SSE_OPS(EGRET_X64_SSE_ENUM)
#undef EGRET_X64_SSE_ENUM
};
#define EGRET_X64_SSE_COUNT(...) +1
inline constexpr int kNumSseOps = 0 EGRET_X64_SSE_OPS(EGRET_X64_SSE_COUNT);
#undef EGRET_X64_SSE_COUNT

struct SseOpInfo {
  std::string_view mnemonic;
  uint8_t prefix;        // 0, 0x66, 0xF2, 0xF3
  uint8_t map;           // 1: 0F, 2: 0F 38, 3: 0F 3A
  uint8_t opcode;        // load / reg-reg form: xmm <- xmm/mem
  uint8_t store_opcode;  // mem <- xmm, or 0
  bool has_imm8;         // roundss/roundsd: the rounding-mode immediate; shuffles, compares
  bool vex;              // binary with a three-operand VEX form (HasVexForm)
};
const SseOpInfo& GetSseOpInfo(SseOp op);
// The binary ops that VexRRR/VexRRM take (the table's `vex` column): scalar add sub mul div min
// max, and the packed binary arithmetic, logic, compare, unpack, pack and shift-by-xmm ops.
bool HasVexForm(SseOp op);

// Packed shifts by an immediate (66 0F 71/72/73 /digit ib): X(name, mnemonic, opcode, digit).
// psrldq/pslldq shift the whole register by bytes.
#define EGRET_X64_XMM_SHIFT_OPS(X) \
  X(Psrlw, "psrlw", 0x71, 2)       \
  X(Psraw, "psraw", 0x71, 4)       \
  X(Psllw, "psllw", 0x71, 6)       \
  X(Psrld, "psrld", 0x72, 2)       \
  X(Psrad, "psrad", 0x72, 4)       \
  X(Pslld, "pslld", 0x72, 6)       \
  X(Psrlq, "psrlq", 0x73, 2)       \
  X(Psrldq, "psrldq", 0x73, 3)     \
  X(Psllq, "psllq", 0x73, 6)       \
  X(Pslldq, "pslldq", 0x73, 7)

enum class XmmShiftOp : uint8_t {
#define EGRET_X64_XMM_SHIFT_ENUM(name, ...) k##name,
  EGRET_X64_XMM_SHIFT_OPS(EGRET_X64_XMM_SHIFT_ENUM)
#undef EGRET_X64_XMM_SHIFT_ENUM
};
#define EGRET_X64_XMM_SHIFT_COUNT(...) +1
inline constexpr int kNumXmmShiftOps = 0 EGRET_X64_XMM_SHIFT_OPS(EGRET_X64_XMM_SHIFT_COUNT);
#undef EGRET_X64_XMM_SHIFT_COUNT
struct XmmShiftOpInfo {
  std::string_view mnemonic;
  uint8_t opcode, digit;
};
const XmmShiftOpInfo& GetXmmShiftOpInfo(XmmShiftOp op);

// Sign masks of an xmm register into a GPR (32-bit destination): pmovmskb (bytes), movmskps,
// movmskpd.
enum class MaskOp : uint8_t { kPmovmskb, kMovmskps, kMovmskpd };
inline constexpr MaskOp kAllMaskOps[] = {MaskOp::kPmovmskb, MaskOp::kMovmskps, MaskOp::kMovmskpd};

// Rounding-mode immediates for roundss/roundsd (bit 3 suppresses the precision exception).
inline constexpr uint8_t kRoundNearest = 0x8, kRoundDown = 0x9, kRoundUp = 0xA,
                         kRoundTowardZero = 0xB;

// How MovRI is encoded; shared by the encoder and the printer so they always agree.
enum class MovImmKind : uint8_t {
  kMovImm,     // B8+r: mov $imm, r8/r16/r32 (the 32-bit form zero-extends into 64 bits)
  kMovSext32,  // REX.W C7 /0 id: mov $simm32, r64 (sign-extended)
  kMovAbs,     // REX.W B8+r io: movabs $imm64, r64
};
// The encoding of MovRI at `size` for `imm`.
MovImmKind MovImmKindOf(OpSize size, int64_t imm);

// One payload struct per form, generated from EGRET_X64_FORMS: forms::AluRR{op, size, dst, src}
// and so on, each with kForm naming its form. Payloads are plain trivially copyable values.
namespace forms {
#define EGRET_X64_PAYLOAD_FIELD(type, name) type name{};
#define EGRET_X64_PAYLOAD(name, fields)          \
  struct name {                                  \
    static constexpr Form kForm = Form::k##name; \
    fields                                       \
  };
EGRET_X64_FORMS(EGRET_X64_PAYLOAD, EGRET_X64_PAYLOAD_FIELD)
#undef EGRET_X64_PAYLOAD
#undef EGRET_X64_PAYLOAD_FIELD
}  // namespace forms

// An instruction: the form tag and that form's payload, in a union (sizeof(Inst) == 32). Read it
// by switching over form() and taking the payload with As<forms::X>() (which checks the tag in
// Debug builds); every switch over Form has no default, so -Wswitch names each place a new form
// must be handled. Build instructions with the static factories, which check operand invariants.
class Inst {
 public:
  // A Nop of one byte.
  Inst() : Inst(forms::Nop{1}) {}
#define EGRET_X64_INST_CTOR(name, fields) \
  explicit Inst(const forms::name& p) : form_(Form::k##name) { ::new (&u_.name) forms::name(p); }
  EGRET_X64_FORMS(EGRET_X64_INST_CTOR, )
#undef EGRET_X64_INST_CTOR

  Form form() const { return form_; }
  // The payload of form P::kForm; the instruction must have that form.
  template <class P>
  const P& As() const {
    EGRET_DCHECK(form_ == P::kForm);
    // A union and its members are pointer-interconvertible, and P is the active member.
    return *reinterpret_cast<const P*>(&u_);
  }
  template <class P>
  bool Is() const {
    return form_ == P::kForm;
  }

  // Calls fn(payload) with this instruction's payload (its static type is the form's struct) and
  // returns what fn returns, which must be the same type for every form.
  template <class Fn>
  auto Visit(Fn&& fn) const -> decltype(fn(std::declval<const forms::Nop&>())) {
#define EGRET_X64_VISIT_CASE(name, fields) \
  case Form::k##name:                      \
    return fn(u_.name);
    switch (form_) { EGRET_X64_FORMS(EGRET_X64_VISIT_CASE, ) }
#undef EGRET_X64_VISIT_CASE
    __builtin_unreachable();
  }

  // Calls fn(value) for each payload member of this instruction's form, in table order (enum ops,
  // sizes, registers as Gpr or Xmm, Amode, Label, immediates): the generic operand query that
  // HasMem, mem() and label() are built on. Implicit registers are not visited.
  template <class Fn>
  void ForEachOperand(Fn&& fn) const {
#define EGRET_X64_VISIT_FIELD(type, name) fn(p.name);
#define EGRET_X64_VISIT_CASE(name, fields)           \
  case Form::k##name: {                              \
    [[maybe_unused]] const forms::name& p = u_.name; \
    fields return;                                   \
  }
    switch (form_) { EGRET_X64_FORMS(EGRET_X64_VISIT_CASE, EGRET_X64_VISIT_FIELD) }
#undef EGRET_X64_VISIT_CASE
#undef EGRET_X64_VISIT_FIELD
  }

  // The memory operand, or nullptr when the form has none (Lea's address counts).
  const Amode* mem() const;
  bool HasMem() const { return mem() != nullptr; }
  // The label the instruction refers to (a branch target or a RIP-relative operand), or an
  // invalid Label.
  Label label() const;
  bool HasLabel() const { return label().valid(); }
  // MovRI only.
  MovImmKind mov_imm_kind() const {
    const forms::MovRI& p = As<forms::MovRI>();
    return MovImmKindOf(p.size, p.imm);
  }

  // ---- integer ALU (dst = dst op src; cmp only sets flags) ----
  static Inst AluRR(AluOp op, OpSize size, Gpr dst, Gpr src);
  // imm must fit the size (signed or unsigned); for k64 it must fit a simm32. The encoder picks
  // the imm8 form when the sign-extended value fits, and the short %al/%eax/%rax form.
  static Inst AluRI(AluOp op, OpSize size, Gpr dst, int64_t imm);
  static Inst AluRM(AluOp op, OpSize size, Gpr dst, const Amode& src);
  static Inst AluMR(AluOp op, OpSize size, const Amode& dst, Gpr src);
  static Inst AluMI(AluOp op, OpSize size, const Amode& dst, int64_t imm);
  static Inst TestRR(OpSize size, Gpr a, Gpr b);
  static Inst TestRI(OpSize size, Gpr a, int64_t imm);
  static Inst TestMR(OpSize size, const Amode& a, Gpr b);
  static Inst TestMI(OpSize size, const Amode& a, int64_t imm);
  // imul: sizes 16/32/64 only.
  static Inst ImulRR(OpSize size, Gpr dst, Gpr src);
  static Inst ImulRM(OpSize size, Gpr dst, const Amode& src);
  static Inst ImulRRI(OpSize size, Gpr dst, Gpr src, int64_t imm);
  static Inst ImulRMI(OpSize size, Gpr dst, const Amode& src, int64_t imm);
  static Inst UnaryR(UnaryOp op, OpSize size, Gpr reg);
  static Inst UnaryM(UnaryOp op, OpSize size, const Amode& mem);
  // Count 0..255 (the CPU masks it to 5 or 6 bits); a count of 1 uses the short D1 form.
  static Inst ShiftRI(ShiftOp op, OpSize size, Gpr dst, uint8_t count);
  static Inst ShiftRCl(ShiftOp op, OpSize size, Gpr dst);
  // Sizes 16/32/64.
  static Inst BitRR(BitOp op, OpSize size, Gpr dst, Gpr src);
  static Inst BitRM(BitOp op, OpSize size, Gpr dst, const Amode& src);
  // Sizes 32/64.
  static Inst Bswap(OpSize size, Gpr reg);
  // cwd/cdq/cqo: sign-extend %ax/%eax/%rax into %dx/%edx/%rdx before idiv. Sizes 16/32/64.
  static Inst SignExtendAx(OpSize size);

  // ---- moves ----
  static Inst MovRR(OpSize size, Gpr dst, Gpr src);
  // The shortest encoding: 32-bit mov for values that fit u32 (zero-extension), sign-extended
  // simm32, else movabs. imm must fit the size (signed or unsigned).
  static Inst MovRI(OpSize size, Gpr dst, int64_t imm);
  static Inst MovRM(OpSize size, Gpr dst, const Amode& src);  // load
  static Inst MovMR(OpSize size, const Amode& dst, Gpr src);  // store
  static Inst MovMI(OpSize size, const Amode& dst, int64_t imm);
  // Zero/sign extension from src_size to size (> src_size). movzx from 32 to 64 is a 32-bit mov
  // (which zero-extends) and prints as one; movsx from 32 to 64 is movslq.
  static Inst MovzxRR(OpSize src_size, OpSize size, Gpr dst, Gpr src);
  static Inst MovzxRM(OpSize src_size, OpSize size, Gpr dst, const Amode& src);
  static Inst MovsxRR(OpSize src_size, OpSize size, Gpr dst, Gpr src);
  static Inst MovsxRM(OpSize src_size, OpSize size, Gpr dst, const Amode& src);
  // Sizes 32/64.
  static Inst Lea(OpSize size, Gpr dst, const Amode& addr);
  static Inst Setcc(CondCode cc, Gpr dst);                         // writes the low byte only
  static Inst CmovRR(CondCode cc, OpSize size, Gpr dst, Gpr src);  // sizes 16/32/64
  static Inst CmovRM(CondCode cc, OpSize size, Gpr dst, const Amode& src);

  // ---- atomics (threads) ----
  // xchg / lock xadd / lock cmpxchg `mem`, `reg` at any size: `reg` receives the old value
  // (xchg, xadd); cmpxchg stores `reg` if %rax (at `size`) equals `mem`, else loads `mem` into it.
  static Inst AtomicMR(AtomicOp op, OpSize size, const Amode& mem, Gpr reg);
  static Inst Mfence();

  // ---- stack and control flow ----
  static Inst PushR(Gpr reg);
  static Inst PushI(int32_t imm);  // pushes the sign-extended 64-bit value
  static Inst PopR(Gpr reg);
  static Inst Ret(uint16_t pop = 0);  // ret, or `ret $pop` (pops `pop` bytes after the address)
  static Inst CallRel32(Label target);
  static Inst CallR(Gpr target);
  static Inst CallM(const Amode& target);
  static Inst JmpRel32(Label target);
  static Inst JmpRel8(Label target);
  static Inst JmpR(Gpr target);
  static Inst JmpM(const Amode& target);  // jump tables: jmpq *(%base,%index,8)
  static Inst JccRel32(CondCode cc, Label target);
  static Inst JccRel8(CondCode cc, Label target);
  static Inst Ud2();
  static Inst Int3();
  // One recommended multi-byte nop of exactly `length` bytes, 1..9 (see AppendNops for more).
  static Inst Nop(int length);

  // ---- SSE ----
  // dst = dst op src (movss/movsd reg-reg merge the low lane; copy full registers with movaps).
  // roundss/roundsd take the rounding mode in `imm` (kRoundNearest, ...): use the *Imm variants.
  static Inst SseRR(SseOp op, Xmm dst, Xmm src);
  static Inst SseRM(SseOp op, Xmm dst, const Amode& src);
  static Inst SseRRImm(SseOp op, Xmm dst, Xmm src, uint8_t imm);
  static Inst SseRMImm(SseOp op, Xmm dst, const Amode& src, uint8_t imm);
  // Store: op must have a store form (movss, movsd, movaps, movapd, movups, movdqu).
  static Inst SseMR(SseOp op, const Amode& dst, Xmm src);
  // Packed shift of dst by the immediate `count` (bytes for psrldq/pslldq).
  static Inst XmmShiftRI(XmmShiftOp op, Xmm dst, uint8_t count);
  // Lane extraction into a GPR: size k8 pextrb, k16 pextrw, k32 pextrd, k64 pextrq (the 8/16-bit
  // forms zero-extend into the 32-bit register, which is named as %eax).
  static Inst PextrRRI(OpSize size, Gpr dst, Xmm src, uint8_t lane);
  // Lane insertion from a GPR (pinsrb/w/d/q by size; b/w read the low bits of a 32-bit register)
  // or from memory (the lane's width).
  static Inst PinsrRRI(OpSize size, Xmm dst, Gpr src, uint8_t lane);
  static Inst PinsrRMI(OpSize size, Xmm dst, const Amode& src, uint8_t lane);
  // Sign mask: dst (32-bit) = one bit per lane of src.
  static Inst MovmskRR(MaskOp op, Gpr dst, Xmm src);
  // movd (size 32) / movq (size 64) between a GPR and the low lane of an xmm register.
  static Inst GprToXmm(OpSize size, Xmm dst, Gpr src);
  static Inst XmmToGpr(OpSize size, Gpr dst, Xmm src);
  // cvtsi2ss/cvtsi2sd from a signed 32- or 64-bit integer (merges into dst's upper lanes).
  static Inst CvtSi2FpR(FpSize fp, OpSize src_size, Xmm dst, Gpr src);
  static Inst CvtSi2FpM(FpSize fp, OpSize src_size, Xmm dst, const Amode& src);
  // AVX three-operand scalar arithmetic, dst = src1 op src2 (VEX.128, VEX.vvvv = src1; the
  // upper lanes of dst come from src1): op must have a VEX form (HasVexForm). Prints as
  // `vaddsd src2, src1, dst`.
  static Inst VexRRR(SseOp op, Xmm dst, Xmm src1, Xmm src2);
  static Inst VexRRM(SseOp op, Xmm dst, Xmm src1, const Amode& src2);
  // ---- BMI2 (three-address, flags untouched) ----
  // rorx: dst = src rotated right by `count` (0..63; the CPU masks it). Sizes 32/64.
  static Inst RorxRRI(OpSize size, Gpr dst, Gpr src, uint8_t count);
  // shlx/shrx/sarx: dst = src shifted by `count` (any register; masked to 5/6 bits). op is
  // kShl, kShr or kSar. Sizes 32/64.
  static Inst ShiftxRRR(ShiftOp op, OpSize size, Gpr dst, Gpr src, Gpr count);
  // BMI1 andn: dst = ~src1 & src2 (src1 in VEX.vvvv; sets ZF/SF, clears CF/OF). Sizes 32/64.
  static Inst AndnRRR(OpSize size, Gpr dst, Gpr src1, Gpr src2);
  // cvttss2si/cvttsd2si to a signed 32- or 64-bit integer (0x80..0 for NaN and overflow).
  static Inst CvttFp2SiR(FpSize fp, OpSize dst_size, Gpr dst, Xmm src);
  static Inst CvttFp2SiM(FpSize fp, OpSize dst_size, Gpr dst, const Amode& src);

 private:
  union Payload {
    Payload() : none() {}
    char none;
#define EGRET_X64_UNION_MEMBER(name, fields) forms::name name;
    EGRET_X64_FORMS(EGRET_X64_UNION_MEMBER, )
#undef EGRET_X64_UNION_MEMBER
  };
  Form form_;
  Payload u_;
};

// Whether `imm` is a valid immediate for an operation of `size`: it fits the size as a signed or
// an unsigned number; 64-bit operations take sign-extended 32-bit immediates only.
inline bool ImmFitsSize(int64_t imm, OpSize size) {
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

// The factories of the forms that emission builds most often, inline (their checks are cheap): one
// Inst per allocator move, load, store and ALU instruction.
inline Inst Inst::AluRR(AluOp op, OpSize size, Gpr dst, Gpr src) {
  return Inst(forms::AluRR{op, size, dst, src});
}
inline Inst Inst::AluRM(AluOp op, OpSize size, Gpr dst, const Amode& src) {
  return Inst(forms::AluRM{op, size, dst, src});
}
inline Inst Inst::AluMR(AluOp op, OpSize size, const Amode& dst, Gpr src) {
  return Inst(forms::AluMR{op, size, dst, src});
}
inline Inst Inst::TestRR(OpSize size, Gpr a, Gpr b) { return Inst(forms::TestRR{size, a, b}); }
inline Inst Inst::MovRR(OpSize size, Gpr dst, Gpr src) {
  return Inst(forms::MovRR{size, dst, src});
}
inline Inst Inst::MovRM(OpSize size, Gpr dst, const Amode& src) {
  return Inst(forms::MovRM{size, dst, src});
}
inline Inst Inst::MovMR(OpSize size, const Amode& dst, Gpr src) {
  return Inst(forms::MovMR{size, dst, src});
}
inline Inst Inst::UnaryR(UnaryOp op, OpSize size, Gpr reg) {
  return Inst(forms::UnaryR{op, size, reg});
}
inline Inst Inst::ShiftRI(ShiftOp op, OpSize size, Gpr dst, uint8_t count) {
  return Inst(forms::ShiftRI{op, size, dst, count});
}
inline Inst Inst::ShiftRCl(ShiftOp op, OpSize size, Gpr dst) {
  return Inst(forms::ShiftRCl{op, size, dst});
}
inline Inst Inst::Setcc(CondCode cc, Gpr dst) { return Inst(forms::Setcc{cc, dst}); }
inline Inst Inst::PushR(Gpr reg) { return Inst(forms::PushR{reg}); }
inline Inst Inst::PopR(Gpr reg) { return Inst(forms::PopR{reg}); }
inline Inst Inst::Ret(uint16_t pop) { return Inst(forms::Ret{pop}); }
inline Inst Inst::CallR(Gpr target) { return Inst(forms::CallR{target}); }
inline Inst Inst::JmpR(Gpr target) { return Inst(forms::JmpR{target}); }
inline Inst Inst::AluRI(AluOp op, OpSize size, Gpr dst, int64_t imm) {
  EGRET_CHECK(ImmFitsSize(imm, size));
  return Inst(forms::AluRI{op, size, dst, imm});
}
inline Inst Inst::MovRI(OpSize size, Gpr dst, int64_t imm) {
  // 64-bit moves take any value; smaller ones a value that fits signed or unsigned.
  EGRET_CHECK(size == OpSize::k64 || ImmFitsSize(imm, size));
  return Inst(forms::MovRI{size, dst, imm});
}
inline Inst Inst::Lea(OpSize size, Gpr dst, const Amode& addr) {
  EGRET_CHECK(size == OpSize::k32 || size == OpSize::k64);
  return Inst(forms::Lea{size, dst, addr});
}

// The value of `imm` as the CPU sees it at `size`: the low Bits(size) bits, sign-extended.
int64_t ImmAtSize(int64_t imm, OpSize size);

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_INST_H_
