// minst.h: x64 machine code over virtual registers (VCode), between lowering and emission.
//
// Lowering turns each IR instruction into one or a few MInsts. An MInst is a small value
// (no heap memory) naming an x64 operation and where its operands are: its register operands
// live in the register allocator's input (regalloc::Function, one regalloc instruction per
// MInst, same index), so after allocation operand k of MInst i sits in
// output.allocs[f.insts[i].operand_begin + k]. Some MInsts are "macro" instructions whose
// emission is several machine instructions with internal labels (division with its trap checks,
// float min/max, conversions, br_table): the allocator sees them as one instruction whose
// constraints (fixed registers, early defs for temporaries) make the expansion correct.
//
// Invariants:
//   - blocks are in final layout order; the last MInst of each block is its terminator;
//   - every operand is kReg, kFixedReg or kReuse (never kAny: emission needs registers), except
//     none at all for spill slots (the allocator's edits handle those);
//   - a multi-successor terminator has no defs and its successors have one predecessor.
#ifndef EGRET_BACKENDS_X64_MINST_H_
#define EGRET_BACKENDS_X64_MINST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backends/common/vcode.h"
#include "backends/x64/inst.h"
#include "backends/x64/registers.h"
#include "ir/types.h"
#include "regalloc/function.h"
#include "regalloc/liveness.h"
#include "support/trap_code.h"

namespace egret::x64 {

// Every VCode instruction kind: X(name, text, operands). The printer's names, the MOp enum and
// the emitter's switch (no default: -Wswitch) all come from this one table; what a kind's
// payload fields mean is stated once, on the payload (MInst below).
// clang-format off
#define EGRET_X64_MOPS(X)                                                                        \
  X(Args,        "args",          "defs: the register parameters (fixed registers), entry only") \
  X(LoadArg,     "load_arg",      "def: incoming stack argument at [rbp + disp]")               \
  X(Copy,        "copy",          "use a, def d: register move (int or float by fp)")            \
  X(Iconst,      "iconst",        "def d: mov $imm")                                             \
  X(Fconst,      "fconst",        "def d (xmm): bits imm (fp64) from the constant pool")         \
  X(Alu,         "alu",           "use a [, use b | memory], def d=reuse(a): `alu`")             \
  X(Imul,        "imul",          "use a [, use b | memory], def d=reuse(a) (or d = a * imm)")   \
  X(Unary,       "unary",         "use a, def d=reuse(a): `unary` (neg, not)")                   \
  X(Bswap,       "bswap",         "use a, def d=reuse(a): bswap (a byte-reversing bor tree)")    \
  X(Shift,       "shift",         "use a [, use count(rcx)], def d=reuse(a) (BMI2: d): `shift`") \
  X(BitCount,    "bitcount",      "use a, def d [, early tmps]: `bitcount`, `native` or fallback")   \
  X(Div,         "div",           "use a(rax), use b, early def rdx [, def rax]: `div`")         \
  X(MulHi,       "mulhi",         "use a(rax), use b, early def rdx, clobber rax: (i)mul")       \
  X(CmpSet,      "cmpset",        "cond operands, early def d: d = cond as 0/1")                 \
  X(FcmpSet,     "fcmpset",       "use a, b, early def d, early def tmp: d = (a fcc b) as 0/1")  \
  X(Select,      "select",        "cond operands, use x, use y, def d=reuse(x)")                 \
  X(Load,        "load",          "use base [, index], def d: `load` extension")                 \
  X(Store,       "store",         "use value | imm, use base [, index]: store `size` bytes")     \
  X(AluStore,    "alu_store",     "use value | imm, use base [, index]: `alu` into `size` bytes of memory") \
  X(Lea,         "lea",           "use base [, index], def d: d = base + index << scale + disp")\
  X(Extend,      "extend",        "use a, def d: movzx/movsx from `extend_from` bits to size")   \
  X(SseBin,      "sse",           "use a, use b | memory | constant, def d=reuse(a) | d: `sse`") \
  X(SseUnary,    "sse_unary",     "use a, def d: `sse` (sqrt, round with mode imm, cvt)")        \
  X(Fsign,       "fsign",         "use a [, use b], def d=reuse(a) [, tmp]: `fsign`")                    \
  X(Fminmax,     "fminmax",       "use a, use b, def d=reuse(a): `minmax`")                      \
  X(IntToFp,     "int_to_fp",     "use a, def d (xmm) [, tmp]: cvtsi2s*, is_unsigned")                   \
  X(FpToInt,     "fp_to_int",     "use a (xmm), def d [, tmp]: cvtts*2si, Wasm traps/saturation")  \
  X(Bitcast,     "bitcast",       "use a, def d: movd/movq between gpr and xmm")                 \
  X(Call,        "call",          "call defined function `callee`; fixed operands; sub rsp, imm") \
  X(CallBuiltin, "call_builtin",  "call through the VMContext's builtin table: `builtin`")       \
  X(CallInd,     "call_indirect", "use target, fixed uses/defs; clobbers; sub rsp, imm")        \
  X(StoreOutArg, "store_out_arg", "use v: store to the outgoing area at [rsp + disp]")           \
  X(LoadOutRet,  "load_out_ret",  "def d: load a stack result from [rsp + disp] after a call")   \
  X(StoreRet,    "store_ret",     "use v: store a stack result into [rbp + disp]")               \
  X(Ret,         "ret",           "fixed uses: return registers")                                \
  X(ReturnCall,  "return_call",   "tail call to `callee`: epilogue, release imm bytes, jmp; fixed uses") \
  X(ReturnCallInd, "return_call_indirect", "use target(rax), fixed uses: epilogue, release imm, jmp *target") \
  X(Jmp,         "jmp",           "successor target[0]")                                         \
  X(Brif,        "brif",          "cond operands; successors target[0] (true), target[1]")       \
  X(BrTable,     "br_table",      "use index, clobbers r10 r11; successors: `jump_table`")  \
  X(AtomicRmw,   "atomic_rmw",    "use base, use a, def d=reuse(a): xchg/lock xadd (`rmw`), zext") \
  X(AtomicLoop,  "atomic_loop",   "use base, use b, early def d(rax), early def tmp: cmpxchg loop") \
  X(AtomicCas,   "atomic_cas",    "use base, use a(rax), use b, def d(rax): lock cmpxchg, zext")  \
  X(Fence,       "fence",         "mfence")                                                      \
  X(Trap,        "trap",          "ud2 with trap `trap`")                                        \
  X(TrapIf,      "trap_if",       "cond operands: trap `trap` when the condition holds")         \
  X(VecConst,    "vconst",        "def d (xmm): the 16 bytes imm (low), imm_hi (high)")          \
  X(VecBin,      "vbin",          "use a, use b, def d=reuse(a) | d (vex): packed `sse` op")     \
  X(VecUnary,    "vunary",        "use a, def d: packed `sse` op d <- a [, $imm]")               \
  X(Vec,         "vec",           "uses a [b [c]], early def d, early temps: `vec` sequence")
// clang-format on

enum class MOp : uint8_t {
#define EGRET_X64_MOP_ENUM(name, text, operands) k##name,
  EGRET_X64_MOPS(EGRET_X64_MOP_ENUM)
#undef EGRET_X64_MOP_ENUM
};
// The kind's name in VCode text ("alu").
std::string_view MOpName(MOp op);

enum class DivKind : uint8_t { kSdiv, kUdiv, kSrem, kUrem };
enum class BitCountKind : uint8_t { kClz, kCtz, kPopcnt };
enum class FsignKind : uint8_t { kNeg, kAbs, kCopysign };
enum class MinMax : uint8_t { kMin, kMax };

// How a condition is computed (kSelect, kBrif, kTrapIf, kCmpSet): from which operands.
enum class CondKind : uint8_t {
  kNonZero,  // test a, a; holds when a != 0 (operand 0; `size`)
  kIntRR,    // cmp a, b; condition `cc` (operands 0, 1)
  kIntRI,    // cmp a, $imm; condition `cc` (operand 0)
  kFloat,    // ucomis a, b; float condition `fcc` (operands 0, 1)
  kIntRM,    // cmp a, memory (a - [mem]); condition `cc` (operand 0, then the memory operand)
  kIntMI,    // cmp [mem], $imm; condition `cc` (the memory operand only)
  kTestRR,   // test a, b (a & b, no result); condition `cc`, e or ne (operands 0, 1)
  kTestRI,   // test a, $imm; condition `cc`, e or ne (operand 0)
  kMask,     // kSelect of an f32/f64 only: operand 0 is an xmm mask, all ones in the low lane
             // where the condition holds, zero where not (cmpss/cmpsd); no flags
};

// The SIMD sequences of MOp::kVec (emit.cc, EmitVec, states each one). Lane width in `size`
// (k8..k64), float lanes by `fp` (f64 lanes: `fp64`); `imm` a lane index, `imm`/`imm_hi` 16
// bytes of shuffle mask; `cc` an integer condition, `fcc` a float one.
// clang-format off
#define EGRET_X64_VEC_OPS(X)                                                                   \
  X(Splat) X(ExtractLaneS) X(ExtractLaneU) X(InsertLane) X(ScalarToVector) X(Shuffle)           \
  X(Swizzle) X(Bitselect) X(Not) X(AnyTrue) X(AllTrue) X(Bitmask) X(Neg) X(Abs) X(Shl) X(Ushr)  \
  X(Sshr) X(Mul64) X(Popcnt) X(Q15MulrSat) X(Icmp) X(Fcmp) X(Fmin) X(Fmax) X(Fabs) X(Fneg)      \
  X(ExtendHighS) X(ExtendHighU) X(ExtMulLowS) X(ExtMulLowU) X(ExtMulHighS) X(ExtMulHighU)       \
  X(ExtAddPairwiseS) X(ExtAddPairwiseU) X(FcvtFromUint) X(FcvtLowFromUint) X(TruncSatS)         \
  X(TruncSatU) X(TruncSatZeroS) X(TruncSatZeroU)
// clang-format on
enum class VecOp : uint8_t {
#define EGRET_X64_VEC_ENUM(name) k##name,
  EGRET_X64_VEC_OPS(EGRET_X64_VEC_ENUM)
#undef EGRET_X64_VEC_ENUM
};
std::string_view VecOpName(VecOp op);

enum class LoadKind : uint8_t {
  kInt,  // mov of `size`
  kZext8,
  kZext16,
  kZext32,
  kSext8,
  kSext16,
  kSext32,
  kFloat32,
  kFloat64,
  kVector,  // all 16 bytes into an xmm register (movups)
};

// One VCode instruction. The fields above `imm` are shared by every kind that has the concept
// (width, condition, memory operand); the kind-specific operation is one named payload field,
// valid only for the kinds listed beside it, so no field changes meaning with `op`.
struct MInst {
  MOp op = MOp::kTrap;
  OpSize size = OpSize::k64;  // integer operation width (kSelect: the condition's)
  CondKind cond = CondKind::kNonZero;
  CondCode cc = CondCode::kNe;
  uint8_t fcc = 0;    // ir::FloatCC for CondKind::kFloat / kFcmpSet
  bool fp = false;    // operates on xmm registers
  bool fp64 = false;  // float width of the operation (source width for conversions)
  bool vec = false;   // the value moved is 128 bits (kLoadArg, kStoreOutArg, kLoadOutRet,
                      // kStoreRet, kLoad, kStore: movups)
  bool is_unsigned = false;
  bool saturating = false;
  uint8_t scale_log2 = 0;  // memory operand: index scale
  int8_t base_op = -1;     // memory operand: operand index of base, -1 none
  int8_t index_op = -1;    // memory operand: operand index of index, -1 none
  TrapCode trap = TrapCode::kUnreachable;
  bool can_trap = false;  // memory access records `trap`
  int32_t disp = 0;
  int64_t imm = 0;  // also kCall/kCallInd: stack-argument bytes the callee popped, re-reserved
                    // after the call; kReturnCall/kReturnCallInd: area bytes released before
                    // the jump (backend::TailCallPlan::pop_bytes)
  uint32_t target[2] = {0, 0};

  // ---- The kind's payload.
  bool imm_operand = false;  // kAlu, kImul, kShift: the right operand is `imm`, not a register;
                             // kStore, kAluStore: the stored (combined) value is `imm`;
                             // kSseBin: the right operand is the constant with bits `imm` (fp64:
                             // 8 bytes, else 4), a RIP-relative constant-pool operand
  bool native = false;       // kBitCount: the CPU has lzcnt / tzcnt / popcnt; kVec icmp: SSE4.2
                             // (pcmpgtq for i64x2 gt/lt/le/ge)
  bool wide_value = false;   // kSelect: the selected values are 64-bit; kBrTable: the index
                             // register is already zero-extended (ZeroExtendedI32)
  uint8_t vec_uses = 0;      // kVec: register uses (a, b, c)
  uint8_t vec_xtmps = 0;     // kVec: early-def xmm temporaries after d
  bool vec_gtmp = false;     // kVec: an early-def GPR temporary after those
  int64_t imm_hi = 0;        // kVecConst, kVec (shuffle): bytes 8..15 (imm: bytes 0..7)
  bool vex = false;          // kSseBin, kVecBin: the AVX three-operand form, d = a op b;
                             // kShift: BMI2 rorx (imm) / shlx shrx sarx (count in any register);
                             // kAlu (and): BMI1 andn, d = a & ~b
  union {
    uint8_t no_payload = 0;
    AluOp alu;              // kAlu, kAluStore
    UnaryOp unary;          // kUnary
    ShiftOp shift;          // kShift
    BitCountKind bitcount;  // kBitCount
    DivKind div;            // kDiv
    LoadKind load;          // kLoad
    uint8_t extend_from;    // kExtend: source width in bits (32 for ireduce)
    SseOp sse;              // kSseBin, kSseUnary
    FsignKind fsign;        // kFsign
    MinMax minmax;          // kFminmax
    uint8_t rmw;            // kAtomicRmw, kAtomicLoop: ir::AtomicRmwOp (access width: `size`)
    VecOp vop;              // kVec
  };
  union {
    uint32_t no_index = 0;
    uint32_t callee;      // kCall: defined-function index (a text entry)
    uint32_t builtin;     // kCallBuiltin: artifact::Builtin id
    uint32_t jump_table;  // kBrTable: index into VCode::jump_tables
  };
};

// Named operand slots: where each operand of an MInst sits in its regalloc operand list (the
// order lowering pushes them in), so that the emitter names operands instead of counting them.
// -1: the kind has no such operand. Fixed-register lists (kArgs, kRet, the argument and result
// registers of calls) have no names: nothing reads them but the allocator.
struct OperandSlots {
  int8_t a = -1;      // first source; for conditions the left compare operand (or the tested value)
  int8_t b = -1;      // second source register; conditions: the right compare operand; kShift: the
                      // count (in rcx); kDiv: the divisor
  int8_t x = -1;      // kSelect: the value when the condition holds
  int8_t y = -1;      // kSelect: the value otherwise
  int8_t dst = -1;    // the result
  int8_t tmp = -1;    // an early-def temporary (kFcmpSet, kFsign copysign, kBitCount fallbacks,
                      // unsigned kIntToFp, unsigned 64-bit kFpToInt), or kDiv's %rdx def
  int8_t value = -1;  // stores: the stored value; kBrTable: the index; kCallInd: the target
  int8_t c = -1;      // kVec: the third source
  int8_t tmp2 = -1;   // kVec: the second xmm temporary; kBitCount popcount fallback: the second
  int8_t gtmp = -1;   // kVec: the GPR temporary
};

// The slots of `m`, whose operand list has `num_ops` entries (memory operands: base_op, index_op),
// written into `*s` (which must hold the defaults, -1 everywhere, on entry). Out of line and
// through memory: returned by value, the 11 bytes were packed into two registers byte by byte,
// which cost the emitter more than finding them (asked once per emitted instruction).
void FillSlots(const MInst& m, uint32_t num_ops, OperandSlots* s);
inline OperandSlots SlotsOf(const MInst& m, uint32_t num_ops) {
  OperandSlots s;
  FillSlots(m, num_ops, &s);
  return s;
}

// The shared VCode container (backends/common/vcode.h) over x64's MInst.
using VCode = backend::VCode<MInst>;

// Text for --emit=vcode: one MInst per line with its operands (vregs, or allocations when
// `allocs` is non-null).
std::string PrintVCode(const VCode& v, const std::vector<regalloc::Allocation>* allocs);

// The cmpss/cmpsd/cmpps/cmppd predicate immediate of a float compare: eq 0, lt 1, le 2, unord 3,
// neq 4, ord 7 (false on NaN except neq and unord, as Wasm's ne). gt and ge have no predicate of
// their own: they are lt and le with the operands swapped, and *swap is set then.
uint8_t SseCmpPredicate(ir::FloatCC cc, bool* swap);

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_MINST_H_
