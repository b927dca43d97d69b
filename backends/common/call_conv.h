// call_conv.h: argument and result locations computed from a target's register lists, and the
// argument-area rules of egret's Wasm calling convention (callee pops, constant-stack tail calls).
//
// Every egret target uses one register convention for Wasm-to-Wasm calls, builtin calls and the
// trampolines' inner calls, and each is the shape of its platform's C convention: integer and
// float values take the next free register of their class in order, the rest go to 8-byte stack
// slots in value order; results likewise, with further results in slots of the caller's outgoing
// area right after the stack arguments (multi-value without a hidden pointer). 128-bit vector
// values are float-class values (a vector register, the same list as floats); on the stack one
// takes two consecutive 8-byte slots starting at an even slot index, so it is 16-byte aligned
// (the area starts 16-byte aligned at the call), and the slot it skips for alignment stays
// unused. The argument part of the area is a multiple of 16 bytes (stack_args is even), so the
// stack results start 16-byte aligned at a place that does not depend on the arguments. A target
// states only its register lists (CallConv); the layout rule lives here once.
//
// Wasm calls (to Wasm functions and to the Wasm-to-array trampolines; not builtin calls, which
// are C calls) are callee-pops: the callee releases the argument part of the area when it
// returns (`ret $n` on x64, `add sp` before `ret` on aarch64), and the caller re-reserves it
// after the call. Call the end of the argument part the area's top: results live above it, and
// it is where the stack pointer is after the callee returns. A tail call keeps the top: the
// callee's arguments are written to end at it, so however many stack arguments the callee needs,
// the stack does not grow. A function whose tail calls need more stack-argument slots than it
// received grows its area downwards in its prologue (ArgAreaSlots), and pops the grown area.
//
// Invariants: AbiLoc::reg is the register's hardware encoding in the class `fp` selects; stack
// argument slots are numbered 0.., result slots continue after the last argument slot; a kV128
// stack location's slot is even and slot + 1 belongs to it too; stack_args is even; the area
// (AreaBytes) keeps the stack 16-byte aligned at the call.
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
  uint32_t stack_args = 0;     // 8-byte slots (alignment gaps included; even)
  uint32_t stack_results = 0;  // 8-byte slots after the arguments (alignment gaps included)
  uint32_t AreaBytes() const { return ((stack_args + stack_results) * 8 + 15) & ~15u; }
};

CallLayout ComputeCallLayout(const CallConv& conv, std::span<const ir::Type> params,
                             std::span<const ir::Type> results);
// The same into `*out`, reusing its vectors' capacity (lowering asks once per call site).
void ComputeCallLayoutInto(const CallConv& conv, std::span<const ir::Type> params,
                           std::span<const ir::Type> results, CallLayout* out);
// ComputeCallLayout(conv, params, results).stack_args (it does not depend on the results),
// without building the layout: ArgAreaSlots asks it for every function and tail call.
uint32_t StackArgSlots(const CallConv& conv, std::span<const ir::Type> params);

// Bytes between the frame pointer and the argument area on every target: the saved frame
// pointer and the return address (x64) or the saved fp/lr pair (aarch64).
inline constexpr int32_t kFrameRecordBytes = 16;

// The argument area a function owns (8-byte slots, even): its own stack arguments, or more when
// a tail call (return_call, return_call_indirect) needs more. The prologue grows the incoming
// area by the difference (below the caller's arguments, keeping the top), and every return pops
// the whole owned area.
uint32_t ArgAreaSlots(const ir::Function& f, const CallConv& conv);

// Frame-pointer-relative displacements in a function that owns `area_slots` slots: its own stack
// parameter in `slot` (of `self`, its own layout), and its stack result in `slot`.
int32_t IncomingArgDisp(const CallLayout& self, uint32_t area_slots, uint32_t slot);
int32_t StackResultDisp(const CallLayout& self, uint32_t area_slots, uint32_t slot);

// How a tail call passes its arguments: what the targets' LowerTailCall share.
//
// The caller F owns `area_slots` slots ending at the top; the callee G's stack arguments are
// stored (while F's frame still exists, frame-pointer-relative) so that they end at the top, then
// the frame is torn down and `pop_bytes` of the area below G's arguments are released (x64 moves
// the return address up by as much) before the jump. G returns to F's caller with the stack
// pointer at the top and its stack results above it, where F's caller expects F's (equal result
// types, and the result slots do not depend on the arguments).
//
// Ordering: the stores may overwrite F's incoming stack parameters, but every one was loaded into
// a virtual register at entry and is never read from the area again (spills go to the frame
// below), so the stores are a parallel move without conflicts and go in argument order.
struct TailCallStore {
  uint32_t arg = 0;  // index into the call's arguments
  int32_t disp = 0;  // frame-pointer-relative
  ValueKind kind = ValueKind::kInt;
};
struct TailCallPlan {
  std::vector<TailCallStore> stores;  // stack arguments, in argument order
  std::vector<uint32_t> reg_args;     // arguments passed in registers (callee.params[k].reg)
  uint32_t pop_bytes = 0;             // area bytes below the callee's arguments, released
};
TailCallPlan PlanTailCall(const CallLayout& callee, uint32_t area_slots);

// The allocator's name for a register location.
inline regalloc::PReg LocPReg(const AbiLoc& l) {
  return regalloc::PReg(l.fp ? regalloc::RegClass::kFloat : regalloc::RegClass::kInt, l.reg);
}

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_CALL_CONV_H_
