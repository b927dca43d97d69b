// abi.h: egret's x64 calling conventions and frame layout.
//
// One convention serves Wasm-to-Wasm calls, builtin calls and the trampolines' inner calls, and
// it is System V's for everything the host can see: integer arguments in rdi rsi rdx rcx r8 r9,
// float arguments in xmm0-7, the rest on the stack in 8-byte slots (in argument order), 16-byte
// stack alignment at the call. The VMContext is the first IR parameter, so it always arrives in
// rdi (the "fixed register" of the design). Results: integers in rax then rdx, floats in xmm0
// then xmm1; further results go to 8-byte slots in the caller's outgoing area right after the
// stack arguments (the caller reserves them; the callee writes them through its frame pointer),
// which gives multi-value returns without a hidden pointer.
//
// Callee-saved: rbx rbp r12-r15 (System V). Every general register but rsp and rbp (14) and
// every xmm register (16) is allocatable: there is no scratch register. An expansion that needs a
// temporary declares it to the allocator (an early-def temporary operand, or a clobber: br_table
// destroys r10 and r11), and move resolution finds or borrows a register itself
// (regalloc/parallel_move.h). kTmp (r10) is used only where the allocator places nothing: the
// prologue before the body (only argument registers are live), the epilogue (only result
// registers), the tail-call argument-area release (only argument registers and rax, the
// indirect target), the call of a builtin (r11, clobbered by the call, no argument register)
// and the trampolines.
//
// Frame (rbp-based, so backtraces walk frame pointers):
//   [rbp + 16 + 8k]     incoming stack argument k, then stack results
//   [rbp + 8]           return address
//   [rbp]               caller's rbp
//   [rbp - 8 ...]       saved callee-saved registers
//   [rsp + outgoing + 8s]  spill slot s
//   [rsp + 0 ...]       outgoing stack arguments and stack results of calls
#ifndef EGRET_BACKENDS_X64_ABI_H_
#define EGRET_BACKENDS_X64_ABI_H_

#include <cstdint>
#include <span>
#include <vector>

#include "backends/common/call_conv.h"
#include "backends/x64/registers.h"
#include "ir/types.h"
#include "regalloc/function.h"

namespace egret::x64 {

inline constexpr Gpr kIntArgRegs[] = {Gpr::kRdi, Gpr::kRsi, Gpr::kRdx,
                                      Gpr::kRcx, Gpr::kR8,  Gpr::kR9};
inline constexpr Xmm kFloatArgRegs[] = {Xmm::kXmm0, Xmm::kXmm1, Xmm::kXmm2, Xmm::kXmm3,
                                        Xmm::kXmm4, Xmm::kXmm5, Xmm::kXmm6, Xmm::kXmm7};
inline constexpr Gpr kIntRetRegs[] = {Gpr::kRax, Gpr::kRdx};
inline constexpr Xmm kFloatRetRegs[] = {Xmm::kXmm0, Xmm::kXmm1};
inline constexpr Gpr kCalleeSaved[] = {Gpr::kRbx, Gpr::kR12, Gpr::kR13, Gpr::kR14, Gpr::kR15};
// Caller-saved and allocatable, in allocation order (r10 and r11 last: they need a REX prefix and
// are no argument registers, so values live across argument setup can stay there).
inline constexpr Gpr kCallerSavedGprs[] = {Gpr::kRax, Gpr::kRcx, Gpr::kRdx, Gpr::kRsi, Gpr::kRdi,
                                           Gpr::kR8,  Gpr::kR9,  Gpr::kR10, Gpr::kR11};
// Caller-saved, no argument or result register: free in the prologue, epilogue, before a tail
// call's jump, at a call and in trampolines (see above); allocatable everywhere else.
inline constexpr Gpr kTmp = Gpr::kR10;
inline constexpr Gpr kCallTmp = Gpr::kR11;  // the builtin table pointer at a builtin call
// br_table's two temporaries, declared to the allocator as the instruction's clobbers (a
// multi-successor terminator defines nothing, so they cannot be temporary operands).
inline constexpr Gpr kBrTableTmp[2] = {Gpr::kR10, Gpr::kR11};

using backend::AbiLoc;
using backend::CallLayout;
using backend::LocPReg;

// The Wasm convention's register lists (the layout rule is backend::ComputeCallLayout's).
const backend::CallConv& WasmCallConv();
// ComputeCallLayout(WasmCallConv(), params, results).
CallLayout ComputeCallLayout(std::span<const ir::Type> params, std::span<const ir::Type> results);

inline regalloc::PReg IntPReg(Gpr r) { return regalloc::PReg(regalloc::RegClass::kInt, Enc(r)); }
inline regalloc::PReg FloatPReg(Xmm r) {
  return regalloc::PReg(regalloc::RegClass::kFloat, Enc(r));
}

// The allocator's view of the x64 register file.
const regalloc::MachineEnv& X64MachineEnv();
// Every register a call may destroy (caller-saved, allocatable ones).
regalloc::PRegSet CallClobbers();

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_ABI_H_
