// op_semantics.h: what the IR's arithmetic computes, on bit patterns, in one place.
//
// The interpreter (interpreter.h) executes these functions and constant folding
// (opt/const_fold.h) calls them at compile time, so a folded constant is by construction the
// value the interpreter computes (and the interpreter is the oracle the backends are tested
// against). Semantics are docs/ir.md's:
//  - integer values are the low TypeBits(t) bits of a uint64_t; operands are masked on entry
//    and results come back masked; shift and rotate amounts are taken modulo the width;
//  - division and remainder trap (int_divz) on a zero divisor, sdiv traps (int_ovf) on
//    INT_MIN / -1, and srem by -1 is 0;
//  - float results are bit-exact including NaNs: an arithmetic operation that produces a NaN
//    returns the first NaN operand made quiet, else the canonical NaN; fneg, fabs and
//    fcopysign only touch the sign bit; fpromote/fdemote keep a NaN's payload (quieted);
//  - trapping float-to-int conversions trap bad_toint on NaN and int_ovf out of range; the
//    saturating ones clamp (NaN: 0);
//  - SIMD ops (EvalVector) are Wasm 2.0's, lane by lane; float lanes follow the scalar rules
//    above exactly (the same NaN choice per lane), vfpmin/vfpmax only select an operand's bits.
#ifndef EGRET_IR_OP_SEMANTICS_H_
#define EGRET_IR_OP_SEMANTICS_H_

#include <cstdint>
#include <optional>
#include <span>

#include "ir/opcode.h"
#include "ir/types.h"
#include "support/trap_code.h"

namespace egret::ir {

// A value, or the trap the operation raises instead.
struct OpResult {
  uint64_t bits = 0;
  std::optional<TrapCode> trap;
  bool ok() const { return !trap.has_value(); }
};

// Integer binary operations on type t: iadd..rotr, sdiv/udiv/srem/urem, umulhi/smulhi, and the
// *_imm forms with the immediate as b. Other opcodes: a programming error (EGRET_CHECK).
OpResult EvalIntBinary(Opcode op, Type t, uint64_t a, uint64_t b);
// clz, ctz, popcnt, ineg, bnot.
uint64_t EvalIntUnary(Opcode op, Type t, uint64_t a);
bool EvalIntCompare(IntCC cc, Type t, uint64_t a, uint64_t b);
// uextend/sextend/ireduce from type `from` to `to`.
uint64_t EvalWidthChange(Opcode op, Type from, Type to, uint64_t a);

// True when `bits` is a NaN of float type t.
bool IsNaN(Type t, uint64_t bits);
// fadd, fsub, fmul, fdiv, fmin, fmax, fcopysign on type t.
uint64_t EvalFloatBinary(Opcode op, Type t, uint64_t a, uint64_t b);
// fneg, fabs, sqrt, ceil, floor, trunc, nearest.
uint64_t EvalFloatUnary(Opcode op, Type t, uint64_t a);
bool EvalFloatCompare(FloatCC cc, Type t, uint64_t a, uint64_t b);
// fpromote, fdemote, fcvt_* and bitcast from `from` to `to`.
OpResult EvalConversion(Opcode op, Type from, Type to, uint64_t a);

// A SIMD op (never traps) at shape `shape` (ir/simd.h) on `args`: a vector operand's 128 bits,
// or a scalar operand in the low bits of lo (zero-extended). `cond` is vicmp/vfcmp's condition,
// `imm` the lane of vextractlane*/vinsertlane, `constant` vconst's value or vshuffle's mask.
// A vector result comes back as its 128 bits; a scalar one (vextractlane, vany_true, valltrue,
// vbitmask) zero-extended in lo.
V128 EvalVector(Opcode op, Type shape, uint8_t cond, int64_t imm, const V128& constant,
                std::span<const V128> args);

}  // namespace egret::ir

#endif  // EGRET_IR_OP_SEMANTICS_H_
