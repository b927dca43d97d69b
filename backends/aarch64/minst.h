// minst.h: AArch64 machine code over virtual registers (VCode), between lowering and emission.
//
// Lowering turns each IR instruction into one or a few MInsts. An MInst names an operation and
// where its operands are: register operands live in the allocator's input (regalloc::Function,
// one regalloc instruction per MInst, same index). AArch64 is three-address, so no kind needs a
// reuse constraint; "macro" kinds (division with its trap checks, trapping float-to-int
// conversions, br_table, calls) expand to several machine instructions using x16/x17 (IP0/IP1)
// and v30, which are never allocated, so every def can be late: an expansion writes its def last,
// after its last read of a use.
//
// Invariants:
//   - blocks are in final layout order; the last MInst of each block is its terminator;
//   - every operand is kReg or kFixedReg (no kReuse, no kAny);
//   - the operands sit where SlotsOf says (lowering pushes them in that order; Debug checks it).
#ifndef EGRET_BACKENDS_AARCH64_MINST_H_
#define EGRET_BACKENDS_AARCH64_MINST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backends/aarch64/inst.h"
#include "backends/common/vcode.h"
#include "ir/opcode.h"
#include "ir/types.h"
#include "regalloc/function.h"
#include "support/trap_code.h"

namespace egret::aarch64 {

// Every VCode instruction kind: X(name, text, operands). The MOp enum, the VCode text and the
// emitter's switch (no default: -Wswitch) come from this table.
// clang-format off
#define EGRET_A64_MOPS(X)                                                                        \
  X(Args,        "args",          "defs: the register parameters (fixed registers), entry only") \
  X(LoadArg,     "load_arg",      "def d: incoming stack argument at [fp + disp]")               \
  X(Copy,        "copy",          "use a, def d: register move (int or float by fp)")            \
  X(Iconst,      "iconst",        "def d: imm by movz/movn/movk or orr #bitmask")                \
  X(Fconst,      "fconst",        "def d (fp): bits imm, through x16 (or from xzr)")             \
  X(Alu,         "alu",           "use a, use b, def d: `alu`, b shifted/extended by operand")   \
  X(AluImm,      "alu_imm",       "use a, def d: `alu` with immediate imm")                      \
  X(Madd,        "madd",          "use a, use b, use c, def d: d = c +/- a * b (is_sub)")        \
  X(Unary,       "unary",         "use a, def d: `unary`")                                       \
  X(DivRem,      "divrem",        "use a, use b, def d: `div` with Wasm's traps")                \
  X(CmpSet,      "cmpset",        "cond operands, def d: d = cond as 0/1")                       \
  X(Select,      "select",        "cond operands, use x, use y, def d (csel/fcsel)")             \
  X(Load,        "load",          "use base [, index], def d: `mem` (or a float) + disp")        \
  X(Store,       "store",         "use value, use base [, index]: `mem` (or a float) + disp")    \
  X(Extend,      "extend",        "use a, def d: `extend` to size")                              \
  X(FpuBin,      "fpu",           "use a, use b, def d: `fpu`")                                  \
  X(FpuUnary,    "fpu_unary",     "use a, def d: `fpu`")                                         \
  X(IntToFp,     "int_to_fp",     "use a, def d: scvtf/ucvtf (is_unsigned)")                     \
  X(FpToInt,     "fp_to_int",     "use a, def d: fcvtz* with Wasm's traps, or saturating")       \
  X(Bitcast,     "bitcast",       "use a, def d: fmov between the register files")               \
  X(Call,        "call",          "bl to defined function `callee`; fixed operands; sub sp, imm") \
  X(CallBuiltin, "call_builtin",  "blr through the VMContext's builtin table: `builtin`")        \
  X(CallInd,     "call_indirect", "use target (value), fixed uses/defs; blr; sub sp, imm")       \
  X(StoreOutArg, "store_out_arg", "use value: store to the outgoing area at [sp + disp]")        \
  X(LoadOutRet,  "load_out_ret",  "def d: load a stack result from [sp + disp] after a call")    \
  X(StoreRet,    "store_ret",     "use value: store a stack result into [fp + disp]")            \
  X(Ret,         "ret",           "fixed uses: return registers; epilogue")                      \
  X(ReturnCall,  "return_call",   "tail call to `callee`: epilogue, add sp, imm; b")             \
  X(ReturnCallInd, "return_call_indirect", "use target (x9), fixed uses: epilogue, add sp, imm; br x9") \
  X(Jmp,         "b",             "successor target[0]")                                         \
  X(Brif,        "brif",          "cond operands; successors target[0] (true), target[1]")       \
  X(BrTable,     "br_table",      "use index (value); successors: `jump_table`")                 \
  X(AtomicLoad,  "atomic_load",   "use base, def d: ldar `mem` (zero-extends)")                  \
  X(AtomicStore, "atomic_store",  "use value, use base: stlr `mem`")                            \
  X(AtomicRmw,   "atomic_rmw",    "use base, use a, early def d [, early def tmp, status]: `rmw`") \
  X(AtomicCas,   "atomic_cas",    "use base, use a, use b, early def d [, early def status]")   \
  X(Fence,       "fence",         "dmb ish")                                                     \
  X(Trap,        "trap",          "udf with trap `trap`")                                        \
  X(TrapIf,      "trap_if",       "cond operands: trap `trap` when the condition holds")        \
  X(Vec,         "vec",           "uses a [, b [, c]], def d: IR vector op `vop` at `shape`")   \
  X(Vconst,      "vconst",        "def d: the 16 bytes imm (bytes 0-7) : imm_hi (bytes 8-15)")
// clang-format on

enum class MOp : uint8_t {
#define EGRET_A64_MOP_ENUM(name, text, operands) k##name,
  EGRET_A64_MOPS(EGRET_A64_MOP_ENUM)
#undef EGRET_A64_MOP_ENUM
};
std::string_view MOpName(MOp op);

enum class AluOp : uint8_t {
  kAdd,
  kSub,
  kAnd,
  kOrr,
  kEor,
  kMul,
  kLsl,
  kLsr,
  kAsr,
  kRor,
  kRotl,
  kUmulh,  // high half of the product (umulhi/smulhi); 32-bit: a 64-bit multiply, then >> 32
  kSmulh,
};
enum class UnaryOp : uint8_t { kNeg, kMvn, kClz, kCtz, kPopcnt };
enum class DivKind : uint8_t { kSdiv, kUdiv, kSrem, kUrem };
enum class ExtendKind : uint8_t { kSxtb, kSxth, kSxtw, kUxtb, kUxth, kUxtw };
enum class FpuOp : uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMin,
  kMax,
  kCopysign,  // binary
  kSqrt,
  kNeg,
  kAbs,
  kFloor,
  kCeil,
  kTrunc,
  kNearest,
  kPromote,
  kDemote  // unary
};

// How a condition is computed (kCmpSet, kSelect, kBrif, kTrapIf): from which operands.
enum class CondKind : uint8_t {
  kNonZero,  // a != 0 (operand a; cbnz/cbz for branches)
  kIntRR,    // cmp a, b; `cc`
  kIntRI,    // cmp a, #imm (cmn for negative imm); `cc`
  kFloat,    // fcmp a, b; `cc` (float conditions map to one code each)
  kBitSet,   // bit `imm` of a is set (tbnz/tbz for branches)
};

// One VCode instruction; the kind-specific operation is one named payload field.
struct MInst {
  MOp op = MOp::kTrap;
  bool is64 = true;  // integer width (kSelect/kCmpSet/kBrif/kTrapIf: the condition's)
  CondKind cond = CondKind::kNonZero;
  Cond cc = Cond::kNe;
  bool fp = false;   // the value is in a float register
  bool f64 = false;  // float width (source width for conversions)
  bool vec = false;  // the value is a 128-bit vector (q moves, mov v.16b, bsl select)
  bool is_unsigned = false;
  bool saturating = false;
  bool is_sub = false;             // kMadd: msub
  bool wide_value = false;         // kSelect: the selected integer values are 64-bit
  int8_t base_op = -1;             // memory: operand index of the base
  int8_t index_op = -1;            // memory: operand index of the index, -1 none
  uint8_t index_shift = 0;         // memory: index << shift (0 or the access size)
  bool index_uxtw = false;         // memory: the index is an i32, zero-extended (uxtw)
  Shift opnd_shift = Shift::kLsl;  // kAlu: b shifted by opnd_amount
  uint8_t opnd_amount = 0;
  bool opnd_extend = false;  // kAlu: b is a 32-bit value extended by opnd_ext
  Extend opnd_ext = Extend::kUxtw;
  TrapCode trap = TrapCode::kUnreachable;
  bool can_trap = false;  // memory access records `trap`
  int32_t disp = 0;
  int64_t imm = 0;  // also kCall/kCallInd: stack-argument bytes the callee popped, re-reserved
                    // after the call; kReturnCall/kReturnCallInd: area bytes released before
                    // the branch (backend::TailCallPlan::pop_bytes)
  // kVec: the IR vector opcode and its shape (ir/simd.h); the lane (vextractlane, vinsertlane)
  // or a constant shift amount (imm_amount) in imm; vicmp/vfcmp's condition in vcc; vshuffle's
  // 16 lane indices in imm (bytes 0-7) and imm_hi (bytes 8-15), as vconst's bytes are.
  ir::Opcode vop = ir::Opcode::kIconst;
  ir::Type shape = ir::Type::kInvalid;
  uint8_t vcc = 0;
  bool imm_amount = false;
  int64_t imm_hi = 0;
  uint32_t target[2] = {0, 0};
  bool lse = false;  // kAtomicRmw, kAtomicCas: FEAT_LSE single instructions, else LL/SC loops
  uint8_t rmw = 0;   // kAtomicRmw: ir::AtomicRmwOp

  union {
    uint8_t no_payload = 0;
    AluOp alu;          // kAlu, kAluImm
    UnaryOp unary;      // kUnary
    DivKind div;        // kDivRem
    MemKind mem;        // kLoad, kStore (integer); atomics: the access width (kB/kH/kW/kX)
    ExtendKind extend;  // kExtend
    FpuOp fpu;          // kFpuBin, kFpuUnary
  };
  union {
    uint32_t no_index = 0;
    uint32_t callee;      // kCall
    uint32_t builtin;     // kCallBuiltin
    uint32_t jump_table;  // kBrTable
  };
};

// Named operand slots: where each operand sits in the MInst's operand list; -1: none.
struct OperandSlots {
  int8_t a = -1;       // first source (conditions: the left compare operand / tested value)
  int8_t b = -1;       // second source (conditions: the right compare operand)
  int8_t c = -1;       // kMadd: the addend
  int8_t x = -1;       // kSelect: value when the condition holds
  int8_t y = -1;       // kSelect: value otherwise
  int8_t dst = -1;     // the result
  int8_t value = -1;   // stores: the stored value; kBrTable: the index; kCallInd: the target
  int8_t tmp = -1;     // atomics (LL/SC): the new value to store
  int8_t status = -1;  // atomics (LL/SC): stlxr's status
};

// The slots of `m`, whose operand list has `num_ops` entries, written into `*s` (which must hold
// the defaults, -1 everywhere, on entry). Out of line and through memory: a 9-byte struct
// returned by value is packed into registers byte by byte, which cost the emitter more than
// finding the slots (as on x64).
void FillSlots(const MInst& m, uint32_t num_ops, OperandSlots* s);
inline OperandSlots SlotsOf(const MInst& m, uint32_t num_ops) {
  OperandSlots s;
  FillSlots(m, num_ops, &s);
  return s;
}

using VCode = backend::VCode<MInst>;

// Text for --emit=vcode.
std::string PrintVCode(const VCode& v, const std::vector<regalloc::Allocation>* allocs);

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_MINST_H_
