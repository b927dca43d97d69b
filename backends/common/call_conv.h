// call_conv.h: argument and result locations computed from a target's register lists.
//
// Every egret target uses one convention for Wasm-to-Wasm calls, builtin calls and the
// trampolines' inner calls, and each is the shape of its platform's C convention: integer and
// float values take the next free register of their class in order, the rest go to 8-byte stack
// slots in value order; results likewise, with further results in slots of the caller's outgoing
// area right after the stack arguments (multi-value without a hidden pointer). 128-bit vector
// values are float-class values (a vector register, the same list as floats); on the stack one
// takes two consecutive 8-byte slots starting at an even slot index, so it is 16-byte aligned
// (the area starts 16-byte aligned at the call), and the slot it skips for alignment stays
// unused. A target states only its register lists (CallConv); the layout rule lives here once.
//
// Invariants: AbiLoc::reg is the register's hardware encoding in the class `fp` selects; stack
// argument slots are numbered 0.., result slots continue after the last argument slot; a kV128
// stack location's slot is even and slot + 1 belongs to it too; the area (AreaBytes) keeps the
// stack 16-byte aligned at the call.
#ifndef EGRET_BACKENDS_COMMON_CALL_CONV_H_
#define EGRET_BACKENDS_COMMON_CALL_CONV_H_

#include <cstdint>
#include <span>
#include <vector>

#include "ir/function.h"
#include "ir/types.h"
#include "regalloc/operand.h"

namespace egret::backend {

// A target's register lists, as hardware encodings, in allocation order.
struct CallConv {
  std::span<const uint8_t> int_args;
  std::span<const uint8_t> float_args;
  std::span<const uint8_t> int_results;
  std::span<const uint8_t> float_results;
};

// What a value is, as far as moving it is concerned: integers move as 8 bytes (the upper bits of
// a narrower one are don't-care), floats as 4 or 8 bytes, vectors as 16 bytes.
enum class ValueKind : uint8_t { kInt, kF32, kF64, kV128 };

// The IR's 128-bit vector types (they all live in the float/vector register class).
constexpr bool IsVectorType(ir::Type t) { return ir::IsVector(t); }
// Whether a value of type `t` lives in the float/vector register class.
constexpr bool IsFloatClass(ir::Type t) { return ir::IsFloat(t) || IsVectorType(t); }
constexpr ValueKind KindOf(ir::Type t) {
  return IsVectorType(t)       ? ValueKind::kV128
         : t == ir::Type::kF64 ? ValueKind::kF64
         : t == ir::Type::kF32 ? ValueKind::kF32
                               : ValueKind::kInt;
}
// Bytes a value of this kind occupies in a stack argument/result area (8 or 16).
constexpr uint32_t StackBytes(ValueKind k) { return k == ValueKind::kV128 ? 16 : 8; }

// Where one argument or result lives.
struct AbiLoc {
  bool on_stack = false;
  bool fp = false;  // float/vector register class (kind is kF32, kF64 or kV128)
  ValueKind kind = ValueKind::kInt;
  uint8_t reg = 0;    // hardware encoding (integer or float register by `fp`)
  uint32_t slot = 0;  // stack: 8-byte slot index (arguments first, then results); even for kV128
};

struct CallLayout {
  std::vector<AbiLoc> params, results;
  uint32_t stack_args = 0;     // 8-byte slots (alignment gaps included)
  uint32_t stack_results = 0;  // 8-byte slots after the arguments (alignment gaps included)
  uint32_t AreaBytes() const { return ((stack_args + stack_results) * 8 + 15) & ~15u; }
};

CallLayout ComputeCallLayout(const CallConv& conv, std::span<const ir::Type> params,
                             std::span<const ir::Type> results);

// Tail calls (return_call, return_call_indirect): the caller's frame is torn down and the
// callee is entered with a jump, so the callee's stack arguments go into the caller's own
// incoming argument area (which the caller's caller reserved) and the callee returns straight to
// the caller's caller, writing stack results where that one expects them. That works when the
// callee needs no more stack-argument slots than the caller received, and, if there are stack
// results (the same ones: the validator requires equal result types), when both have exactly as
// many stack arguments, so the result slots line up.
bool TailCallFits(const CallLayout& caller, const CallLayout& callee);

// Whether `f` has a tail call that does not fit (TailCallFits) under `conv`.
bool HasUnfitTailCalls(const ir::Function& f, const CallConv& conv);
// Rewrites each tail call that does not fit into a call followed by a return of its results:
// correct, but it keeps the caller's frame (no constant-stack guarantee for that call).
void LegalizeTailCalls(ir::Function& f, const CallConv& conv);

// The allocator's name for a register location.
inline regalloc::PReg LocPReg(const AbiLoc& l) {
  return regalloc::PReg(l.fp ? regalloc::RegClass::kFloat : regalloc::RegClass::kInt, l.reg);
}

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_CALL_CONV_H_
