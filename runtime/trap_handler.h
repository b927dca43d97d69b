// trap_handler.h: turning hardware faults in compiled Wasm code into Wasm traps.
//
// Compiled code does not test for most traps; it lets the hardware fault (a load in the guard
// region, x86-64 ud2 or idiv by zero, aarch64 udf or brk) and records in the artifact's trap
// table which TrapCode each faulting instruction stands for. The runtime:
//
//   1. installs handlers for the architecture's trap signals once per process (SIGSEGV, SIGBUS,
//      SIGILL, and SIGFPE on x86-64 or SIGTRAP on aarch64: signal_context.h holds all that is
//      per-architecture) (InstallTrapHandlers), with SA_ONSTACK on a per-thread alternate
//      stack so that a fault on an exhausted stack can still be handled;
//   2. enters Wasm only through CallWithTrapHandling, which pushes an Activation (a sigjmp_buf
//      and a trap record) on a thread-local list;
//   3. in the handler, looks the faulting PC up in CodeRegistry (lock-free), then in the
//      artifact's trap table; if both match and the thread has an activation, records the code,
//      PC, fault address and the raw backtrace, and siglongjmps to the activation;
//   4. otherwise (a fault in host code, a Wasm PC without a trap entry, or no activation) hands
//      the signal to the previously installed handler, or restores the default action so the
//      re-executed instruction kills the process as it would have without us. Faults are never
//      swallowed.
//
// Signal safety: the handler touches only thread-local state, the registry's lock-free read
// side, the (immutable, validated) artifact, and stack words within the thread's bounds; it
// allocates nothing and takes no locks. Handlers use SA_NODEFER and sigsetjmp(env, 0): no
// signal is blocked while the handler runs, so jumping out leaves the mask as it was at entry
// and no sigprocmask syscall is needed per call. Outside sanitizer builds the jump buffer is
// GCC's __builtin_setjmp (frame pointer, stack pointer and resume address; the compiler saves
// the callee-saved registers around it), which is all a mask-less siglongjmp restores too;
// ASan builds keep sigsetjmp/siglongjmp, which ASan intercepts to unpoison the skipped frames.
//
// Unwinding skips C++ frames between CallWithTrapHandling and the fault without running their
// destructors: only compiled code and the trampolines that call it may live there. Host
// functions called from Wasm must not let a trap (RaiseTrap) cross frames with destructors.
//
// Stack overflow: the compiled prologue compares SP against VMContext::stack_limit and traps
// with kStackOverflow (a ud2 with that trap code, or a call to a builtin). The runtime sets
// stack_limit on the outermost entry with StackLimitForEntry(). docs/runtime.md has the story.
#ifndef EGRET_RUNTIME_TRAP_HANDLER_H_
#define EGRET_RUNTIME_TRAP_HANDLER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/backtrace.h"
#include "support/trap_code.h"

namespace egret::runtime {

struct Trap {
  TrapCode code = TrapCode::kUnreachable;
  uintptr_t pc = 0;             // the faulting instruction; 0 for traps raised by host code
  uintptr_t fault_address = 0;  // for SIGSEGV/SIGBUS: the address accessed
  int signal = 0;               // 0 for traps raised by host code
  std::vector<BacktraceFrame> backtrace;

  // "wasm trap: out of bounds memory access" followed by the backtrace, one frame a line.
  std::string ToString() const;
};

// Installs the process-wide handlers; idempotent and thread-safe. CallWithTrapHandling calls it.
void InstallTrapHandlers();

// What the store's entry (Store::CallUnchecked) adds: on the thread's outermost entry, before
// fn runs, on_outermost(ctx, limit) with limit = StackLimitForEntry(max_wasm_stack), so that the
// store can install its limits.
struct WasmEntry {
  void (*on_outermost)(void* ctx, uintptr_t stack_limit) = nullptr;
  void* ctx = nullptr;
  size_t max_wasm_stack = 0;
};

// Runs fn(arg), the host → Wasm transition. Returns nullopt if fn returned normally, or the trap
// that ended it. Nests: a trap unwinds to the innermost activation only. With `entry`, also
// calls its hook on the outermost entry and tells whether this was it (*outermost). One
// thread-local read decides all of this; no system call is made unless the call traps.
std::optional<Trap> CallWithTrapHandling(void (*fn)(void*), void* arg, const WasmEntry* entry,
                                         bool* outermost);
inline std::optional<Trap> CallWithTrapHandling(void (*fn)(void*), void* arg) {
  return CallWithTrapHandling(fn, arg, nullptr, nullptr);
}

template <class F>
std::optional<Trap> CallWithTrapHandling(F&& f) {
  using Fn = std::remove_reference_t<F>;
  return CallWithTrapHandling([](void* p) { (*static_cast<Fn*>(p))(); },
                              const_cast<void*>(static_cast<const void*>(&f)));
}

// True if the calling thread is inside CallWithTrapHandling.
bool InWasmActivation();

// Raises a trap from host code that runs inside an activation (builtins, host functions):
// unwinds to the innermost CallWithTrapHandling. Aborts if there is none.
[[noreturn]] void RaiseTrap(TrapCode code);

// The stack limit to store in VMContext::stack_limit when entering Wasm from the host: Wasm may
// use at most `max_wasm_stack` bytes below the current SP, and never come closer than
// kStackRedZone to the end of the thread's stack (room for host calls and builtins that Wasm
// makes without checks).
inline constexpr size_t kStackRedZone = 64 * 1024;
uintptr_t StackLimitForEntry(size_t max_wasm_stack);

// For tests: the number of faults handed to previous handlers so far.
size_t ChainedFaultCount();

// For tests: whether InstallTrapHandlers has run in this process (a forked death-test child
// inherits the answer, and the handlers).
bool TrapHandlersInstalled();

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_TRAP_HANDLER_H_
