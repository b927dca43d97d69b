// signal_context.h: the machine state the trap handler needs, read out of a signal's ucontext.
//
// This is the one place that knows how each architecture's kernel saves the interrupted
// registers, and which signals compiled code raises on purpose:
//
//   x86-64   pc = gregs[REG_RIP], sp = gregs[REG_RSP], fp = gregs[REG_RBP], no link register.
//            Traps: SIGSEGV/SIGBUS (guard pages), SIGILL (ud2), SIGFPE (idiv by zero).
//   aarch64  pc = mcontext.pc, sp = mcontext.sp, fp = regs[29] (x29), lr = regs[30] (x30).
//            Traps: SIGSEGV/SIGBUS (guard pages), SIGILL (udf), SIGTRAP (brk). Integer division
//            never faults on aarch64 (sdiv by zero yields 0), so compiled code tests divisors
//            itself and traps with udf or brk; SIGFPE is not one of its signals.
//
// Both architectures keep the same frame record at fp: [fp] = caller's fp, [fp + 8] = return
// address (x86-64: push rbp; mov rbp, rsp. aarch64: stp x29, x30, [sp, #-16]!; mov x29, sp), so
// the backtrace walk itself is shared (backtrace.h). Where a function has no record of its own
// (a frameless leaf, a prologue before the record is stored, an epilogue after it is reloaded:
// the artifact's frame ranges), the walk needs the return address from elsewhere: on x86-64 from
// the stack at sp (so sp is part of the context), on aarch64 from the link register x30.
//
// Everything here is async-signal-safe: plain reads of the ucontext and siginfo.
#ifndef EGRET_RUNTIME_SIGNAL_CONTEXT_H_
#define EGRET_RUNTIME_SIGNAL_CONTEXT_H_

#include <signal.h>

#include <cstdint>
#include <span>

namespace egret::runtime {

struct SignalContext {
  uintptr_t pc = 0;             // the faulting instruction
  uintptr_t sp = 0;             // stack pointer at the fault
  uintptr_t fp = 0;             // frame pointer: rbp on x86-64, x29 on aarch64
  uintptr_t lr = 0;             // link register x30 on aarch64; 0 on x86-64 (none)
  uintptr_t fault_address = 0;  // si_addr for SIGSEGV and SIGBUS; 0 for every other signal
};

// Reads the interrupted state from the handler's arguments (`ucontext` is the third argument of
// an SA_SIGINFO handler).
SignalContext ReadSignalContext(int sig, const siginfo_t* info, const void* ucontext);

// The signals compiled code raises on this architecture; InstallTrapHandlers claims exactly these.
std::span<const int> TrapSignals();

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_SIGNAL_CONTEXT_H_
