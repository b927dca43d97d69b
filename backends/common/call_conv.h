// call_conv.h: argument and result locations computed from a target's register lists.
//
// Every egret target uses one convention for Wasm-to-Wasm calls, builtin calls and the
// trampolines' inner calls, and each is the shape of its platform's C convention: integer and
// float values take the next free register of their class in order, the rest go to 8-byte stack
// slots in value order; results likewise, with further results in slots of the caller's outgoing
// area right after the stack arguments (multi-value without a hidden pointer). A target states
// only its register lists (CallConv); the layout rule lives here once.
//
// Invariants: AbiLoc::reg is the register's hardware encoding in the class `fp` selects; stack
// argument slots are numbered 0.., result slots continue after the last argument slot; the area
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

// Where one argument or result lives.
struct AbiLoc {
  bool on_stack = false;
  bool fp = false;
  uint8_t reg = 0;    // hardware encoding (integer or float register by `fp`)
  uint32_t slot = 0;  // stack: 8-byte slot index (arguments first, then results)
};

struct CallLayout {
  std::vector<AbiLoc> params, results;
  uint32_t stack_args = 0;     // slots
  uint32_t stack_results = 0;  // slots, after the arguments
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
