// vcode.h: x64 machine code over virtual registers (VCode), between lowering and emission.
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
#ifndef EGRET_BACKENDS_X64_VCODE_H_
#define EGRET_BACKENDS_X64_VCODE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "backends/common/vcode.h"
#include "backends/x64/registers.h"
#include "regalloc/function.h"
#include "regalloc/liveness.h"
#include "support/trap_code.h"

namespace egret::x64 {

enum class MOp : uint8_t {
  kArgs,      // defs: the register parameters (fixed registers), entry block only
  kLoadArg,   // def: incoming stack argument `imm` (from the caller's frame)
  kCopy,      // use a, def d: register move (int or float by `fp`)
  kIconst,    // def d: mov $imm
  kFconst,    // def d (xmm): load bits `imm` (fp64 by `fp64`) from the constant pool
  kAlu,       // use a [, use b], def d=reuse(a): add/sub/and/or/xor; `has_imm`: b is imm
  kImul,      // use a [, use b], def d=reuse(a) (or d = a * imm)
  kUnary,     // use a, def d=reuse(a): neg / not (`sub` = UnaryOp)
  kShift,     // use a [, use count(rcx)], def d=reuse(a); `has_imm`: count is imm
  kBitCount,  // use a, def d (early), [early def tmp]: clz / ctz / popcnt (sub 0/1/2)
  kDiv,  // use a(rax), use b, early def rdx-ish: see lowering; `sub`: 0 sdiv 1 udiv 2 srem 3 urem
  kCmpSet,    // use a [, b], early def d: d = (a cc b) as 0/1 (int compare)
  kFcmpSet,   // use a, b, early def d, early def tmp: d = (a fcc b) as 0/1
  kSelect,    // cond operands, use x, use y, def d=reuse(x): d = cond ? x : y
  kLoad,      // use base [, index], def d: load with extension (`sub` = LoadKind)
  kStore,     // use value, use base [, index]: store `size` bytes (`fp`: from xmm)
  kLea,       // use base [, index], def d: lea
  kExtend,    // use a, def d: movzx/movsx from `sub` bits to `size`
  kSseBin,    // use a, use b, def d=reuse(a): SseOp `sub`
  kSseUnary,  // use a, def d: sqrt/round/cvtss2sd/cvtsd2ss (`sub` = SseOp, imm = round mode)
  kFsign,     // use a [, use b], def d=reuse(a), early def tmp: fneg / fabs / copysign (sub 0/1/2)
  kFminmax,   // use a, use b, def d=reuse(a): sub 0 min, 1 max
  kIntToFp,   // use a, def d (xmm), early defs tmps: cvtsi2s*, `is_unsigned`
  kFpToInt,   // use a (xmm), def d, early def tmps: cvtts*2si with Wasm traps / saturation
  kBitcast,   // use a, def d: movd/movq between gpr and xmm
  kCall,      // direct call to defined function `aux`; fixed uses/defs; clobbers
  kCallBuiltin,  // call through the VMContext's builtin table, builtin `aux`
  kCallInd,      // use target, fixed uses/defs; clobbers
  kStoreOutArg,  // use v: store to the outgoing area at [rsp + imm]
  kLoadOutRet,   // def d: load a stack result from [rsp + imm] after a call
  kStoreRet,     // use v: store a stack result into the caller's area at [rbp + imm]
  kRet,          // fixed uses: return registers
  kJmp,          // successor target[0]
  kBrif,         // cond operands; successors target[0] (true), target[1] (false)
  kBrTable,      // use index; successors: table `aux` (entries then default)
  kTrap,         // ud2 with trap `trap`
  kTrapIf,       // cond operands: trap `trap` when the condition holds
};

// How a condition is computed (kSelect, kBrif, kTrapIf, kCmpSet): from which operands.
enum class CondKind : uint8_t {
  kNonZero,  // test a, a; holds when a != 0 (operand 0; `size`)
  kIntRR,    // cmp a, b; condition `cc` (operands 0, 1)
  kIntRI,    // cmp a, $imm; condition `cc` (operand 0)
  kFloat,    // ucomis a, b; float condition `fcc` (operands 0, 1)
};

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
};

struct MInst {
  MOp op = MOp::kTrap;
  uint8_t sub = 0;
  OpSize size = OpSize::k64;
  CondKind cond = CondKind::kNonZero;
  CondCode cc = CondCode::kNe;
  uint8_t fcc = 0;  // ir::FloatCC for CondKind::kFloat / kFcmpSet
  bool has_imm = false;
  bool fp = false;    // operates on xmm registers
  bool fp64 = false;  // float width of the operation (source width for conversions)
  bool is_unsigned = false;
  bool saturating = false;
  uint8_t scale_log2 = 0;  // memory operand: index scale
  int8_t base_op = -1;     // memory operand: operand index of base, -1 none
  int8_t index_op = -1;    // memory operand: operand index of index, -1 none
  TrapCode trap = TrapCode::kUnreachable;
  bool can_trap = false;  // memory access records `trap`
  int32_t disp = 0;
  int64_t imm = 0;
  uint32_t aux = 0;
  uint32_t target[2] = {0, 0};
};

// The shared VCode container (backends/common/vcode.h) over x64's MInst.
using VCode = backend::VCode<MInst>;

// Text for --emit=vcode: one MInst per line with its operands (vregs, or allocations when
// `allocs` is non-null).
std::string PrintVCode(const VCode& v, const std::vector<regalloc::Allocation>* allocs);

// Graphviz text for --emit=dot: one record node per block listing its MInsts (with the
// allocated registers when `allocs` is non-null), one edge per successor. With `live`, each
// record ends with the block's live-in and live-out vregs (`live-in: v3 v7`), so the allocation
// can be read against the live ranges it had to respect.
std::string PrintVCodeDot(const VCode& v, const std::vector<regalloc::Allocation>* allocs,
                          const std::string& name, const regalloc::Liveness* live = nullptr);

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_VCODE_H_
