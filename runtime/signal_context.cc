// signal_context.cc: see signal_context.h. The only per-architecture code of the trap handler.
#include "runtime/signal_context.h"

#include <ucontext.h>

namespace egret::runtime {
namespace {

#if defined(__x86_64__)
constexpr int kTrapSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
#elif defined(__aarch64__)
constexpr int kTrapSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP};
#else
#error "runtime: trap handling supports x86-64 and aarch64 only"
#endif

}  // namespace

SignalContext ReadSignalContext(int sig, const siginfo_t* info, const void* ucontext) {
  const auto* uc = static_cast<const ucontext_t*>(ucontext);
  SignalContext c;
#if defined(__x86_64__)
  c.pc = uintptr_t(uc->uc_mcontext.gregs[REG_RIP]);
  c.sp = uintptr_t(uc->uc_mcontext.gregs[REG_RSP]);
  c.fp = uintptr_t(uc->uc_mcontext.gregs[REG_RBP]);
#elif defined(__aarch64__)
  c.pc = uintptr_t(uc->uc_mcontext.pc);
  c.sp = uintptr_t(uc->uc_mcontext.sp);
  c.fp = uintptr_t(uc->uc_mcontext.regs[29]);
  c.lr = uintptr_t(uc->uc_mcontext.regs[30]);
#endif
  if (sig == SIGSEGV || sig == SIGBUS) c.fault_address = reinterpret_cast<uintptr_t>(info->si_addr);
  return c;
}

std::span<const int> TrapSignals() { return kTrapSignals; }

}  // namespace egret::runtime
