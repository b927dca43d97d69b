// inst.h: one AArch64 machine instruction, typed by form.
//
// Every instruction form the backend emits is one row of EGRET_A64_FORMS. A row names the form,
// its mnemonic (the printer may print LLVM's preferred alias instead, e.g. `cmp` for subs to
// xzr), and the kind of each of the four register slots d, n, m, a:
//   R    a general register; encoding 31 is the zero register (Gpr::kZr)
//   Rsp  a general register; encoding 31 is the stack pointer (Gpr::kSp)
//   V    a float/SIMD register (scalar s/d view, or the vector named by the form)
//   No   the form has no such slot
// and whether slot d is written (loads, ALU) or read (stores, cmp-to-zero forms keep d = zr).
// The encoder, the printer and the register-use collector (ForEachReg) all switch over Form with
// no default, so -Wswitch names every place a new row must be handled.
//
// Invariants: a register in a slot has that slot's kind (the encoder checks it); `imm` holds the
// value as the assembler writes it (byte offsets, not scaled fields; the logical-immediate value,
// not its N:immr:imms encoding); label forms hold their displacement from the instruction in
// `imm` (0 while a MachBuffer label use is pending).
#ifndef EGRET_BACKENDS_AARCH64_INST_H_
#define EGRET_BACKENDS_AARCH64_INST_H_

#include <cstdint>
#include <string_view>

#include "backends/aarch64/registers.h"

namespace egret::aarch64 {

enum class SlotKind : uint8_t { kNo, kR, kRsp, kV };

// X(Form, mnemonic, d, n, m, a, d_is_def)
// clang-format off
#define EGRET_A64_FORMS(X)                                                    \
  /* add/sub, immediate: imm 0..4095, or a multiple of 4096 below 2^24 */    \
  X(AddImm,   "add",   Rsp, Rsp, No, No, true)                               \
  X(SubImm,   "sub",   Rsp, Rsp, No, No, true)                               \
  X(AddsImm,  "adds",  R,   Rsp, No, No, true)                               \
  X(SubsImm,  "subs",  R,   Rsp, No, No, true)                               \
  /* add/sub, shifted register: m shifted by `shift` #`amount` */            \
  X(AddReg,   "add",   R,   R,   R,  No, true)                               \
  X(SubReg,   "sub",   R,   R,   R,  No, true)                               \
  X(AddsReg,  "adds",  R,   R,   R,  No, true)                               \
  X(SubsReg,  "subs",  R,   R,   R,  No, true)                               \
  /* add/sub, extended register: m extended by `extend`, then << amount */   \
  X(AddExt,   "add",   Rsp, Rsp, R,  No, true)                               \
  X(SubExt,   "sub",   Rsp, Rsp, R,  No, true)                               \
  X(AddsExt,  "adds",  R,   Rsp, R,  No, true)                               \
  X(SubsExt,  "subs",  R,   Rsp, R,  No, true)                               \
  /* logical, shifted register */                                            \
  X(AndReg,   "and",   R,   R,   R,  No, true)                               \
  X(OrrReg,   "orr",   R,   R,   R,  No, true)                               \
  X(EorReg,   "eor",   R,   R,   R,  No, true)                               \
  X(AndsReg,  "ands",  R,   R,   R,  No, true)                               \
  X(BicReg,   "bic",   R,   R,   R,  No, true)                               \
  X(OrnReg,   "orn",   R,   R,   R,  No, true)                               \
  /* logical, bitmask immediate (imm: the value) */                          \
  X(AndImm,   "and",   Rsp, R,   No, No, true)                               \
  X(OrrImm,   "orr",   Rsp, R,   No, No, true)                               \
  X(EorImm,   "eor",   Rsp, R,   No, No, true)                               \
  X(AndsImm,  "ands",  R,   R,   No, No, true)                               \
  /* wide moves: imm 0..65535 at bit `amount` (0, 16, 32, 48) */             \
  X(Movz,     "movz",  R,   No,  No, No, true)                               \
  X(Movn,     "movn",  R,   No,  No, No, true)                               \
  X(Movk,     "movk",  R,   No,  No, No, true)                               \
  X(MovSp,    "mov",   Rsp, Rsp, No, No, true)  /* add d, n, #0 */           \
  /* multiply, divide, variable shifts */                                    \
  X(Madd,     "madd",  R,   R,   R,  R,  true)                               \
  X(Msub,     "msub",  R,   R,   R,  R,  true)                               \
  X(Sdiv,     "sdiv",  R,   R,   R,  No, true)                               \
  X(Udiv,     "udiv",  R,   R,   R,  No, true)                               \
  X(Umulh,    "umulh", R,   R,   R,  No, true)  /* 64-bit only */           \
  X(Smulh,    "smulh", R,   R,   R,  No, true)  /* 64-bit only */           \
  X(Lslv,     "lslv",  R,   R,   R,  No, true)                               \
  X(Lsrv,     "lsrv",  R,   R,   R,  No, true)                               \
  X(Asrv,     "asrv",  R,   R,   R,  No, true)                               \
  X(Rorv,     "rorv",  R,   R,   R,  No, true)                               \
  /* shifts by a constant (ubfm/sbfm/extr aliases): imm = amount */          \
  X(LslImm,   "lsl",   R,   R,   No, No, true)                               \
  X(LsrImm,   "lsr",   R,   R,   No, No, true)                               \
  X(AsrImm,   "asr",   R,   R,   No, No, true)                               \
  X(RorImm,   "ror",   R,   R,   No, No, true)                               \
  /* extensions (sbfm/ubfm aliases); is64 is the destination width */       \
  X(Sxtb,     "sxtb",  R,   R,   No, No, true)                               \
  X(Sxth,     "sxth",  R,   R,   No, No, true)                               \
  X(Sxtw,     "sxtw",  R,   R,   No, No, true)                               \
  X(Uxtb,     "uxtb",  R,   R,   No, No, true)                               \
  X(Uxth,     "uxth",  R,   R,   No, No, true)                               \
  X(Clz,      "clz",   R,   R,   No, No, true)                               \
  X(Rbit,     "rbit",  R,   R,   No, No, true)                               \
  /* conditional select; Cset is csinc d, zr, zr, invert(cond) */            \
  X(Csel,     "csel",  R,   R,   R,  No, true)                               \
  X(Csinc,    "csinc", R,   R,   R,  No, true)                               \
  X(Csinv,    "csinv", R,   R,   R,  No, true)                               \
  X(Csneg,    "csneg", R,   R,   R,  No, true)                               \
  X(Cset,     "cset",  R,   No,  No, No, true)                               \
  /* integer loads and stores (mem: width/signedness); d is the data reg */  \
  X(Ldr,      "ldr",   R,   Rsp, No, No, true)   /* [n, #imm] scaled */     \
  X(Ldur,     "ldur",  R,   Rsp, No, No, true)   /* [n, #imm] -256..255 */  \
  X(LdrReg,   "ldr",   R,   Rsp, R,  No, true)   /* [n, m, extend #s] */    \
  X(Str,      "str",   R,   Rsp, No, No, false)                              \
  X(Stur,     "stur",  R,   Rsp, No, No, false)                              \
  X(StrReg,   "str",   R,   Rsp, R,  No, false)                              \
  X(LdrLit,   "ldr",   R,   No,  No, No, true)   /* pc + imm (Ldr19) */     \
  /* atomics (threads), address [n]; mem: the width (kB/kH/kW/kX) */        \
  X(Ldar,     "ldar",  R,   Rsp, No, No, true)                               \
  X(Stlr,     "stlr",  R,   Rsp, No, No, false)                              \
  X(Ldaxr,    "ldaxr", R,   Rsp, No, No, true)                               \
  X(Stlxr,    "stlxr", R,   Rsp, R,  No, true)   /* d: status (w); m: data */ \
  /* FEAT_LSE: m = Rs (the operand), d = Rt (receives the old value) */     \
  X(Ldaddal,  "ldaddal", R, Rsp, R,  No, true)                               \
  X(Ldclral,  "ldclral", R, Rsp, R,  No, true)                               \
  X(Ldeoral,  "ldeoral", R, Rsp, R,  No, true)                               \
  X(Ldsetal,  "ldsetal", R, Rsp, R,  No, true)                               \
  X(Swpal,    "swpal",   R, Rsp, R,  No, true)                               \
  /* d = Rs: the expected value in, the old value out (read and written) */ \
  X(Casal,    "casal",   R, Rsp, R,  No, true)                               \
  X(DmbIsh,   "dmb",     No, No, No, No, false)                              \
  /* float loads and stores (f64: d, else s) */                              \
  X(LdrF,     "ldr",   V,   Rsp, No, No, true)                               \
  X(LdurF,    "ldur",  V,   Rsp, No, No, true)                               \
  X(LdrFReg,  "ldr",   V,   Rsp, R,  No, true)                               \
  X(StrF,     "str",   V,   Rsp, No, No, false)                              \
  X(SturF,    "stur",  V,   Rsp, No, No, false)                              \
  X(StrFReg,  "str",   V,   Rsp, R,  No, false)                              \
  X(LdrFLit,  "ldr",   V,   No,  No, No, true)   /* pc + imm (Ldr19) */     \
  /* pairs: d, m at [n, #imm]! (pre-index) or [n], #imm (post-index) */     \
  X(StpPre,   "stp",   R,   Rsp, R,  No, false)                              \
  X(LdpPost,  "ldp",   R,   Rsp, R,  No, true)   /* m is written too */     \
  X(StpFPre,  "stp",   V,   Rsp, V,  No, false)                              \
  X(LdpFPost, "ldp",   V,   Rsp, V,  No, true)                               \
  /* scalar floating point (f64 picks d or s) */                            \
  X(Fadd,     "fadd",  V,   V,   V,  No, true)                               \
  X(Fsub,     "fsub",  V,   V,   V,  No, true)                               \
  X(Fmul,     "fmul",  V,   V,   V,  No, true)                               \
  X(Fdiv,     "fdiv",  V,   V,   V,  No, true)                               \
  X(Fmin,     "fmin",  V,   V,   V,  No, true)                               \
  X(Fmax,     "fmax",  V,   V,   V,  No, true)                               \
  X(Fsqrt,    "fsqrt", V,   V,   No, No, true)                               \
  X(Fneg,     "fneg",  V,   V,   No, No, true)                               \
  X(Fabs,     "fabs",  V,   V,   No, No, true)                               \
  X(Frintm,   "frintm", V,  V,   No, No, true)                               \
  X(Frintp,   "frintp", V,  V,   No, No, true)                               \
  X(Frintz,   "frintz", V,  V,   No, No, true)                               \
  X(Frintn,   "frintn", V,  V,   No, No, true)                               \
  X(FmovReg,  "fmov",  V,   V,   No, No, true)                               \
  X(Fcvt,     "fcvt",  V,   V,   No, No, true)   /* d: f64 width, n: other */ \
  X(Fcmp,     "fcmp",  No,  V,   V,  No, false)                              \
  X(Fcsel,    "fcsel", V,   V,   V,  No, true)                               \
  /* between the register files; is64 is the general register's width */   \
  X(FmovToGpr,   "fmov",   R, V, No, No, true)                               \
  X(FmovFromGpr, "fmov",   V, R, No, No, true)                               \
  X(Scvtf,       "scvtf",  V, R, No, No, true)                               \
  X(Ucvtf,       "ucvtf",  V, R, No, No, true)                               \
  X(Fcvtzs,      "fcvtzs", R, V, No, No, true)                               \
  X(Fcvtzu,      "fcvtzu", R, V, No, No, true)                               \
  /* NEON for popcnt: cnt v.8b, v.8b; addv b, v.8b */                       \
  X(Cnt8b,    "cnt",   V,   V,   No, No, true)                               \
  X(Addv8b,   "addv",  V,   V,   No, No, true)                               \
  /* NEON vectors: `arr` is the arrangement (see VArr for which side) */   \
  /* three same, integer (no 1d; mul/min/max/urhadd: no 2d) */             \
  X(VAdd,     "add",   V,   V,   V,  No, true)                               \
  X(VSub,     "sub",   V,   V,   V,  No, true)                               \
  X(VMul,     "mul",   V,   V,   V,  No, true)                               \
  X(VCmeq,    "cmeq",  V,   V,   V,  No, true)                               \
  X(VCmgt,    "cmgt",  V,   V,   V,  No, true)                               \
  X(VCmhi,    "cmhi",  V,   V,   V,  No, true)                               \
  X(VCmge,    "cmge",  V,   V,   V,  No, true)                               \
  X(VCmhs,    "cmhs",  V,   V,   V,  No, true)                               \
  X(VSqadd,   "sqadd", V,   V,   V,  No, true)                               \
  X(VUqadd,   "uqadd", V,   V,   V,  No, true)                               \
  X(VSqsub,   "sqsub", V,   V,   V,  No, true)                               \
  X(VUqsub,   "uqsub", V,   V,   V,  No, true)                               \
  X(VSmin,    "smin",  V,   V,   V,  No, true)                               \
  X(VUmin,    "umin",  V,   V,   V,  No, true)                               \
  X(VSmax,    "smax",  V,   V,   V,  No, true)                               \
  X(VUmax,    "umax",  V,   V,   V,  No, true)                               \
  X(VUrhadd,  "urhadd", V,  V,   V,  No, true)                               \
  X(VSshl,    "sshl",  V,   V,   V,  No, true)                               \
  X(VUshl,    "ushl",  V,   V,   V,  No, true)                               \
  X(VSqrdmulh, "sqrdmulh", V, V, V,  No, true)  /* 4h/8h/2s/4s */           \
  X(VAddp,    "addp",  V,   V,   V,  No, true)                               \
  X(VUminp,   "uminp", V,   V,   V,  No, true)                               \
  /* three same, logical (8b/16b); bsl/bit/bif also read d */               \
  X(VAnd,     "and",   V,   V,   V,  No, true)                               \
  X(VBic,     "bic",   V,   V,   V,  No, true)                               \
  X(VOrr,     "orr",   V,   V,   V,  No, true)  /* n == m: mov */          \
  X(VOrn,     "orn",   V,   V,   V,  No, true)                               \
  X(VEor,     "eor",   V,   V,   V,  No, true)                               \
  X(VBsl,     "bsl",   V,   V,   V,  No, true)                               \
  X(VBit,     "bit",   V,   V,   V,  No, true)                               \
  X(VBif,     "bif",   V,   V,   V,  No, true)                               \
  /* three same, float (2s/4s/2d) */                                         \
  X(VFadd,    "fadd",  V,   V,   V,  No, true)                               \
  X(VFsub,    "fsub",  V,   V,   V,  No, true)                               \
  X(VFmul,    "fmul",  V,   V,   V,  No, true)                               \
  X(VFdiv,    "fdiv",  V,   V,   V,  No, true)                               \
  X(VFmin,    "fmin",  V,   V,   V,  No, true)                               \
  X(VFmax,    "fmax",  V,   V,   V,  No, true)                               \
  X(VFcmeq,   "fcmeq", V,   V,   V,  No, true)                               \
  X(VFcmge,   "fcmge", V,   V,   V,  No, true)                               \
  X(VFcmgt,   "fcmgt", V,   V,   V,  No, true)                               \
  /* two-register misc, integer */                                           \
  X(VCnt,     "cnt",   V,   V,   No, No, true)  /* 8b/16b */               \
  X(VNot,     "mvn",   V,   V,   No, No, true)  /* 8b/16b (not) */         \
  X(VNeg,     "neg",   V,   V,   No, No, true)                               \
  X(VAbs,     "abs",   V,   V,   No, No, true)                               \
  X(VCmeq0,   "cmeq",  V,   V,   No, No, true)  /* compare with #0 */      \
  X(VCmge0,   "cmge",  V,   V,   No, No, true)                               \
  X(VCmgt0,   "cmgt",  V,   V,   No, No, true)                               \
  X(VCmle0,   "cmle",  V,   V,   No, No, true)                               \
  X(VCmlt0,   "cmlt",  V,   V,   No, No, true)                               \
  X(VRev64,   "rev64", V,   V,   No, No, true)                               \
  /* narrowing: arr is the destination (8b/4h/2s; 16b/8h/4s: the "2" form) */ \
  X(VXtn,     "xtn",   V,   V,   No, No, true)                               \
  X(VSqxtn,   "sqxtn", V,   V,   No, No, true)                               \
  X(VUqxtn,   "uqxtn", V,   V,   No, No, true)                               \
  X(VSqxtun,  "sqxtun", V,  V,   No, No, true)                               \
  /* pairwise widening add: arr is the source */                             \
  X(VSaddlp,  "saddlp", V,  V,   No, No, true)                               \
  X(VUaddlp,  "uaddlp", V,  V,   No, No, true)                               \
  /* two-register misc, float (2s/4s/2d) */                                  \
  X(VFabs,    "fabs",  V,   V,   No, No, true)                               \
  X(VFneg,    "fneg",  V,   V,   No, No, true)                               \
  X(VFsqrt,   "fsqrt", V,   V,   No, No, true)                               \
  X(VFrintn,  "frintn", V,  V,   No, No, true)                               \
  X(VFrintm,  "frintm", V,  V,   No, No, true)                               \
  X(VFrintp,  "frintp", V,  V,   No, No, true)                               \
  X(VFrintz,  "frintz", V,  V,   No, No, true)                               \
  X(VScvtf,   "scvtf", V,   V,   No, No, true)                               \
  X(VUcvtf,   "ucvtf", V,   V,   No, No, true)                               \
  X(VFcvtzs,  "fcvtzs", V,  V,   No, No, true)                               \
  X(VFcvtzu,  "fcvtzu", V,  V,   No, No, true)                               \
  X(VFcvtn,   "fcvtn", V,   V,   No, No, true)  /* arr: 2s (4s: fcvtn2) */ \
  X(VFcvtl,   "fcvtl", V,   V,   No, No, true)  /* arr: source 2s / 4s */  \
  /* across lanes: arr is the source; d is a scalar b/h/s */                \
  X(VAddv,    "addv",  V,   V,   No, No, true)                               \
  X(VUmaxv,   "umaxv", V,   V,   No, No, true)                               \
  X(VUminv,   "uminv", V,   V,   No, No, true)                               \
  /* shift by immediate `imm`; sshll/ushll: arr is the source */            \
  X(VShl,     "shl",   V,   V,   No, No, true)                               \
  X(VSshr,    "sshr",  V,   V,   No, No, true)                               \
  X(VUshr,    "ushr",  V,   V,   No, No, true)                               \
  X(VUsra,    "usra",  V,   V,   No, No, true)  /* also reads d */         \
  X(VSshll,   "sshll", V,   V,   No, No, true)                               \
  X(VUshll,   "ushll", V,   V,   No, No, true)                               \
  /* widening multiply: arr is the source (16b/8h/4s: the "2" form) */     \
  X(VSmull,   "smull", V,   V,   V,  No, true)                               \
  X(VUmull,   "umull", V,   V,   V,  No, true)                               \
  /* permutes (no 1d); ext: byte index imm; tbl2 reads n and n + 1 */       \
  X(VZip1,    "zip1",  V,   V,   V,  No, true)                               \
  X(VZip2,    "zip2",  V,   V,   V,  No, true)                               \
  X(VUzp1,    "uzp1",  V,   V,   V,  No, true)                               \
  X(VUzp2,    "uzp2",  V,   V,   V,  No, true)                               \
  X(VTrn1,    "trn1",  V,   V,   V,  No, true)                               \
  X(VTrn2,    "trn2",  V,   V,   V,  No, true)                               \
  X(VExt,     "ext",   V,   V,   V,  No, true)                               \
  X(VTbl1,    "tbl",   V,   V,   V,  No, true)                               \
  X(VTbl2,    "tbl",   V,   V,   V,  No, true)                               \
  /* elements: lane index imm (ins element: source lane in amount) */       \
  X(VDupElem, "dup",   V,   V,   No, No, true)  /* arr: destination */     \
  X(VDupGen,  "dup",   V,   R,   No, No, true)                               \
  X(VInsElem, "ins",   V,   V,   No, No, true)  /* also reads d */         \
  X(VInsGen,  "ins",   V,   R,   No, No, true)  /* also reads d */         \
  X(VUmov,    "umov",  R,   V,   No, No, true)                               \
  X(VSmov,    "smov",  R,   V,   No, No, true)  /* is64: x destination */  \
  /* modified immediates: imm8 (2d: the byte mask) lsl amount */            \
  X(VMovi,    "movi",  V,   No,  No, No, true)                               \
  X(VMvni,    "mvni",  V,   No,  No, No, true)                               \
  /* q registers; ld1r/ld1/st1 lane: arr's element size, lane in imm */     \
  X(LdrQ,     "ldr",   V,   Rsp, No, No, true)                               \
  X(LdurQ,    "ldur",  V,   Rsp, No, No, true)                               \
  X(LdrQReg,  "ldr",   V,   Rsp, R,  No, true)                               \
  X(StrQ,     "str",   V,   Rsp, No, No, false)                              \
  X(SturQ,    "stur",  V,   Rsp, No, No, false)                              \
  X(StrQReg,  "str",   V,   Rsp, R,  No, false)                              \
  X(LdrQLit,  "ldr",   V,   No,  No, No, true)   /* pc + imm (Ldr19) */     \
  X(StpQPre,  "stp",   V,   Rsp, V,  No, false)                              \
  X(LdpQPost, "ldp",   V,   Rsp, V,  No, true)                               \
  X(VLd1r,    "ld1r",  V,   Rsp, No, No, true)                               \
  X(VLd1Lane, "ld1",   V,   Rsp, No, No, true)   /* also reads d */         \
  X(VSt1Lane, "st1",   V,   Rsp, No, No, false)                              \
  /* control flow: label forms hold their displacement in imm */            \
  X(B,        "b",     No,  No,  No, No, false)                              \
  X(Bl,       "bl",    No,  No,  No, No, false)                              \
  X(BCond,    "b",     No,  No,  No, No, false)                              \
  X(Cbz,      "cbz",   R,   No,  No, No, false)                              \
  X(Cbnz,     "cbnz",  R,   No,  No, No, false)                              \
  X(Tbz,      "tbz",   R,   No,  No, No, false)  /* bit in `amount` */      \
  X(Tbnz,     "tbnz",  R,   No,  No, No, false)                              \
  X(Adr,      "adr",   R,   No,  No, No, true)                               \
  X(Br,       "br",    No,  R,   No, No, false)                              \
  X(Blr,      "blr",   No,  R,   No, No, false)                              \
  X(Ret,      "ret",   No,  R,   No, No, false)                              \
  X(Udf,      "udf",   No,  No,  No, No, false)                              \
  X(Brk,      "brk",   No,  No,  No, No, false)
// clang-format on

enum class Form : uint8_t {
#define EGRET_A64_FORM_ENUM(name, mn, d, n, m, a, def) k##name,
  EGRET_A64_FORMS(EGRET_A64_FORM_ENUM)
#undef EGRET_A64_FORM_ENUM
};
inline constexpr int kNumForms = 0
#define EGRET_A64_FORM_COUNT(name, mn, d, n, m, a, def) +1
    EGRET_A64_FORMS(EGRET_A64_FORM_COUNT)
#undef EGRET_A64_FORM_COUNT
    ;

struct FormInfo {
  std::string_view name;      // "AddImm"
  std::string_view mnemonic;  // "add"
  SlotKind d, n, m, a;
  bool d_is_def;
};
namespace internal {
inline constexpr FormInfo kFormInfos[] = {
#define EGRET_A64_FORM_INFO(name, mn, d, n, m, a, def) \
  {#name, mn, SlotKind::k##d, SlotKind::k##n, SlotKind::k##m, SlotKind::k##a, def},
    EGRET_A64_FORMS(EGRET_A64_FORM_INFO)
#undef EGRET_A64_FORM_INFO
};
}  // namespace internal
// (Inline: the encoder asks for every instruction.)
inline const FormInfo& Info(Form f) { return internal::kFormInfos[static_cast<int>(f)]; }

// Condition codes in their encoding order.
enum class Cond : uint8_t {
  kEq,
  kNe,
  kHs,
  kLo,
  kMi,
  kPl,
  kVs,
  kVc,
  kHi,
  kLs,
  kGe,
  kLt,
  kGt,
  kLe,
  kAl,
  kNv
};
inline constexpr Cond Invert(Cond c) { return static_cast<Cond>(static_cast<uint8_t>(c) ^ 1); }
std::string_view CondName(Cond c);

enum class Shift : uint8_t { kLsl, kLsr, kAsr, kRor };  // ror: logical forms only
enum class Extend : uint8_t { kUxtb, kUxth, kUxtw, kUxtx, kSxtb, kSxth, kSxtw, kSxtx };

// A NEON arrangement: element size log2 (size) and 64/128 bits (q) as (size << 1) | q.
// For the vector forms it names the operands' shape; the narrowing, widening and across-lanes
// forms say in inst.h's table which side it describes.
enum class VArr : uint8_t { k8B, k16B, k4H, k8H, k2S, k4S, k1D, k2D };
inline constexpr uint32_t VSize(VArr a) { return static_cast<uint32_t>(a) >> 1; }
inline constexpr bool VQ(VArr a) { return (static_cast<uint32_t>(a) & 1) != 0; }
inline constexpr VArr MakeVArr(uint32_t size, bool q) {
  return static_cast<VArr>((size << 1) | (q ? 1u : 0u));
}
std::string_view VArrName(VArr a);  // "16b"

// What an integer memory form moves: width and, for loads, sign extension (to is64's width).
enum class MemKind : uint8_t { kB, kH, kW, kX, kSB, kSH, kSW };
// log2 of the access size in bytes (inline: every memory form's encoding asks).
inline int MemSizeLog2(MemKind k) {
  switch (k) {
    case MemKind::kB:
    case MemKind::kSB:
      return 0;
    case MemKind::kH:
    case MemKind::kSH:
      return 1;
    case MemKind::kW:
    case MemKind::kSW:
      return 2;
    case MemKind::kX:
      return 3;
  }
  return 3;
}

// One instruction. Register slots hold Gpr or Fpr values by the form's slot kinds.
struct Inst {
  Form form = Form::kUdf;
  bool is64 = true;  // integer operation width (w or x registers)
  bool f64 = true;   // float width (d or s registers)
  uint8_t d = 0, n = 0, m = 0, a = 0;
  Cond cond = Cond::kEq;
  Shift shift = Shift::kLsl;
  Extend extend = Extend::kUxtx;
  MemKind mem = MemKind::kX;
  uint8_t amount = 0;     // shift amount / movz-movk bit position / tbz bit / lsl-12 flag (12)
  VArr arr = VArr::k16B;  // vector forms: the arrangement
  int64_t imm = 0;

  Gpr rd() const { return static_cast<Gpr>(d); }
  Gpr rn() const { return static_cast<Gpr>(n); }
  Gpr rm() const { return static_cast<Gpr>(m); }
  Gpr ra() const { return static_cast<Gpr>(a); }
  Fpr vd() const { return static_cast<Fpr>(d); }
  Fpr vn() const { return static_cast<Fpr>(n); }
  Fpr vm() const { return static_cast<Fpr>(m); }
};

// Whether `value` is a valid logical immediate of the given width (and its N:immr:imms field).
bool EncodeLogicalImm(uint64_t value, bool is64, uint32_t* n_immr_imms);

// Calls f(slot_kind, register, is_def) for each register slot the form has, in order d, n, m, a.
// (LdpPost also writes m.)
template <class F>
void ForEachReg(const Inst& i, F&& f) {
  const FormInfo& info = Info(i.form);
  if (info.d != SlotKind::kNo) f(info.d, i.d, info.d_is_def);
  if (info.n != SlotKind::kNo) f(info.n, i.n, false);
  if (info.m != SlotKind::kNo)
    f(info.m, i.m, i.form == Form::kLdpPost || i.form == Form::kLdpFPost);
  if (info.a != SlotKind::kNo) f(info.a, i.a, false);
}

// Small constructors for the shapes the emitter uses most.
Inst RRR(Form f, bool is64, Gpr d, Gpr n, Gpr m);
Inst RRI(Form f, bool is64, Gpr d, Gpr n, int64_t imm);
Inst VVV(Form f, bool f64, Fpr d, Fpr n, Fpr m);
Inst VV(Form f, bool f64, Fpr d, Fpr n);
Inst MovReg(bool is64, Gpr d, Gpr m);  // orr d, zr, m
Inst Mem(Form f, MemKind k, bool is64, Gpr t, Gpr base, int64_t offset);
Inst MemF(Form f, bool f64, Fpr t, Gpr base, int64_t offset);
// A vector form over registers d, n, m with arrangement arr.
Inst Vec(Form f, VArr arr, Fpr d, Fpr n, Fpr m = Fpr::kV0);

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_INST_H_
