// abi.h: egret's AArch64 calling convention and frame layout.
//
// One convention serves Wasm-to-Wasm calls, builtin calls and the trampolines' inner calls, and
// it is AAPCS64's for everything the host can see: integer arguments in x0-x7, float arguments
// in v0-v7 (s/d views), the rest in 8-byte stack slots in argument order, 16-byte stack
// alignment at calls. The VMContext is the first IR parameter, so it always arrives in x0 (the
// fixed vmctx register). Results: x0-x7 / v0-v7, further results in 8-byte slots of the caller's
// outgoing area right after the stack arguments (multi-value without a hidden pointer).
//
// Registers: x19-x28 and d8-d15 are callee-saved (AAPCS64; only the low 64 bits of v8-v15: a
// function holding vectors treats v8-v15 as clobbered by its calls, see CallClobbers). Never
// allocated: x16/x17 (IP0/IP1: emission temporaries, and the far veneers' registers), x18 (platform
// register), x29 (frame pointer), x30 (link register), sp; x15 and v31 are the allocator's scratch
// registers, v30 an emission temporary.
//
// Frame (x29-based, so backtraces walk the frame-pointer chain [fp] -> caller's fp, [fp+8] ->
// return address):
//   [fp + 16 + 8k]          incoming stack argument k, then stack results
//   [fp + 8]                return address (x30)
//   [fp]                    caller's fp
//   [fp - 16*p ...]         saved callee-saved pairs (x19.., then d8..)
//   [sp + outgoing + 8s]    spill slot s
//   [sp + 0 ...]            outgoing stack arguments and stack results of calls
#ifndef EGRET_BACKENDS_AARCH64_ABI_H_
#define EGRET_BACKENDS_AARCH64_ABI_H_

#include <cstdint>
#include <span>

#include "backends/aarch64/registers.h"
#include "backends/common/call_conv.h"
#include "ir/types.h"
#include "regalloc/function.h"

namespace egret::aarch64 {

inline constexpr Gpr kVmctxReg = Gpr::kX0;
inline constexpr Gpr kCalleeSavedGprs[] = {Gpr::kX19, Gpr::kX20, Gpr::kX21, Gpr::kX22, Gpr::kX23,
                                           Gpr::kX24, Gpr::kX25, Gpr::kX26, Gpr::kX27, Gpr::kX28};
inline constexpr Fpr kCalleeSavedFprs[] = {Fpr::kV8,  Fpr::kV9,  Fpr::kV10, Fpr::kV11,
                                           Fpr::kV12, Fpr::kV13, Fpr::kV14, Fpr::kV15};

using backend::AbiLoc;
using backend::CallLayout;
using backend::LocPReg;

const backend::CallConv& WasmCallConv();
CallLayout ComputeCallLayout(std::span<const ir::Type> params, std::span<const ir::Type> results);

inline regalloc::PReg IntPReg(Gpr r) { return regalloc::PReg(regalloc::RegClass::kInt, Enc(r)); }
inline regalloc::PReg FloatPReg(Fpr r) {
  return regalloc::PReg(regalloc::RegClass::kFloat, Enc(r));
}

// The allocator's view of the register file.
const regalloc::MachineEnv& A64MachineEnv();
// Every allocatable register a call may destroy. A callee preserves only the low 64 bits of
// v8-v15 (AAPCS64; egret's functions save d8-d15), so in a function that holds 128-bit vectors
// (`vectors`) every call clobbers v8-v15 too: no vector lives across a call in them.
regalloc::PRegSet CallClobbers(bool vectors = false);

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_ABI_H_
