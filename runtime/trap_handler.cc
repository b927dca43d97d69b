// trap_handler.cc: see trap_handler.h for the protocol and its signal-safety argument.
#include "runtime/trap_handler.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "runtime/code_registry.h"
#include "runtime/signal_context.h"
#include "runtime/stack_walk.h"

namespace egret::runtime {
namespace {

constexpr size_t kAltStackSize = 256 * 1024;  // room for a chained sanitizer handler too

// What the handler writes before jumping back; read after the setjmp returns 1.
struct TrapRecord {
  TrapCode code;
  uintptr_t pc;
  uintptr_t fault_address;
  int signal;
  size_t num_frames;
  uintptr_t frames[kMaxBacktraceFrames];
};

// The jump from the handler (or RaiseTrap) back to CallWithTrapHandling. See the header for why
// __builtin_setjmp is enough outside sanitizer builds.
#if defined(__SANITIZE_ADDRESS__)
#define EGRET_SANITIZER_JUMPS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EGRET_SANITIZER_JUMPS 1
#endif
#endif

#ifdef EGRET_SANITIZER_JUMPS
using JumpBuffer = sigjmp_buf;
#define EGRET_SETJMP(buf) sigsetjmp(buf, 0)
#define EGRET_LONGJMP(buf) siglongjmp(buf, 1)
#else
using JumpBuffer = void* [5];
#define EGRET_SETJMP(buf) __builtin_setjmp(buf)
#define EGRET_LONGJMP(buf) __builtin_longjmp(buf, 1)
#endif

struct Activation {
  JumpBuffer jmp;
  Activation* prev;
  StackBounds stack;
  TrapRecord record;
  bool handling;        // set while the handler works on this activation: a second fault chains
  WasmExitScope* exit;  // the thread's innermost Wasm exit at entry, restored after a trap
};

thread_local Activation* tls_activation = nullptr;

struct sigaction g_previous[NSIG];
std::atomic<size_t> g_chained{0};

// Per-thread alternate signal stack, created on the thread's first entry into Wasm unless the
// thread already has one that is large enough (a sanitizer's, or the embedder's).
class AltStack {
 public:
  void Ensure() {
    if (checked_) return;
    checked_ = true;
    stack_t current;
    if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) &&
        current.ss_size >= kAltStackSize)
      return;
    const size_t page = size_t(sysconf(_SC_PAGESIZE));
    void* mem = mmap(nullptr, kAltStackSize + page, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EGRET_CHECK(mem != MAP_FAILED);
    mprotect(mem, page, PROT_NONE);  // guard page below the alternate stack
    stack_t ss{};
    ss.ss_sp = static_cast<uint8_t*>(mem) + page;
    ss.ss_size = kAltStackSize;
    EGRET_CHECK(sigaltstack(&ss, nullptr) == 0);
    mem_ = mem;
    mapped_ = kAltStackSize + page;
  }
  ~AltStack() {
    if (mem_ == nullptr) return;
    stack_t current;
    // Only tear down what is still ours (and not in use: the thread is exiting normally).
    if (sigaltstack(nullptr, &current) == 0 &&
        current.ss_sp == static_cast<uint8_t*>(mem_) + (mapped_ - kAltStackSize)) {
      stack_t disable{};
      disable.ss_flags = SS_DISABLE;
      sigaltstack(&disable, nullptr);
    }
    munmap(mem_, mapped_);
  }

 private:
  bool checked_ = false;
  void* mem_ = nullptr;
  size_t mapped_ = 0;
};

thread_local AltStack tls_alt_stack;

// Hands the signal to whoever had it before us. Async-signal-safe.
void Chain(int sig, siginfo_t* info, void* context) {
  g_chained.fetch_add(1, std::memory_order_relaxed);
  const struct sigaction& prev = g_previous[sig];
  // SIG_DFL/SIG_IGN first: sa_handler and sa_sigaction share storage, and a previous action can
  // carry SA_SIGINFO with a null function (sanitizer runtimes report their own that way).
  if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    if (prev.sa_flags & SA_SIGINFO)
      prev.sa_sigaction(sig, info, context);
    else
      prev.sa_handler(sig);
    return;
  }
  // Restore the default action. A hardware fault re-executes the instruction on return and dies
  // with the right signal; a signal sent with kill() is re-raised explicitly.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  if (info->si_code <= 0) raise(sig);
}

void Handler(int sig, siginfo_t* info, void* context) {
  Activation* act = tls_activation;
  if (act != nullptr && !act->handling) {
    const SignalContext c = ReadSignalContext(sig, info, context);
    const CodeRegistry& registry = CodeRegistry::Global();
    if (auto entry = registry.Lookup(c.pc)) {
      if (auto code = entry->artifact->LookupTrap(uint32_t(c.pc - entry->start))) {
        act->handling = true;
        TrapRecord& r = act->record;
        r.code = *code;
        r.pc = c.pc;
        r.signal = sig;
        r.fault_address = c.fault_address;
        r.num_frames =
            CollectWasmFrames(c.pc, c.fp, act->stack, registry, false, r.frames, c.lr, c.sp);
        EGRET_LONGJMP(act->jmp);
      }
    }
  }
  Chain(sig, info, context);
}

std::once_flag g_install_once;
std::atomic<bool> g_installed{false};

void InstallOnce() {
  for (int sig : TrapSignals()) {
    struct sigaction sa {};
    sa.sa_sigaction = Handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    EGRET_CHECK(sigaction(sig, &sa, &g_previous[sig]) == 0);
  }
  g_installed.store(true);
}

// Runs on a trap: converts the raw record into a Trap (outside the signal handler).
Trap MakeTrap(const TrapRecord& r) {
  Trap t;
  t.code = r.code;
  t.pc = r.pc;
  t.fault_address = r.fault_address;
  t.signal = r.signal;
  t.backtrace = Symbolize(std::span<const uintptr_t>(r.frames, r.num_frames),
                          CodeRegistry::Global(), /*first_is_return_address=*/r.signal == 0);
  return t;
}

}  // namespace

void InstallTrapHandlers() { std::call_once(g_install_once, InstallOnce); }

namespace {

// Per-thread setup done on the first entry (handlers installed, alternate stack, stack bounds
// cached): later entries test one thread-local flag instead of a call_once and two lazy caches.
thread_local bool tls_entry_ready = false;

[[gnu::noinline]] void PrepareThreadForEntry() {
  InstallTrapHandlers();
  tls_alt_stack.Ensure();
  (void)CurrentThreadStack();
  tls_entry_ready = true;
}

}  // namespace

std::optional<Trap> CallWithTrapHandling(void (*fn)(void*), void* arg, const WasmEntry* entry,
                                         bool* outermost) {
  if (!tls_entry_ready) [[unlikely]]
    PrepareThreadForEntry();
  Activation act;
  act.prev = tls_activation;
  act.stack = CurrentThreadStack();
  if (entry != nullptr) {
    *outermost = act.prev == nullptr;
    if (*outermost) entry->on_outermost(entry->ctx, StackLimitForEntry(entry->max_wasm_stack));
  }
  act.handling = false;
  act.record.num_frames = 0;
  act.exit = CurrentWasmExit();
  tls_activation = &act;
  // No system call from here to the return: the jump buffer saves no signal mask (see the
  // header: SA_NODEFER handlers leave the mask unchanged when they jump out).
  if (EGRET_SETJMP(act.jmp) == 0) {
    fn(arg);
    tls_activation = act.prev;
    return std::nullopt;
  }
  // Arrived by a jump from the handler or RaiseTrap, past the destructors of any WasmExitScope
  // opened inside: drop them.
  tls_activation = act.prev;
  RestoreWasmExit(act.exit);
  return MakeTrap(act.record);
}

bool InWasmActivation() { return tls_activation != nullptr; }

void RaiseTrap(TrapCode code) {
  Activation* act = tls_activation;
  if (act == nullptr) Fatal(__FILE__, __LINE__, "RaiseTrap outside of a Wasm activation");
  TrapRecord& r = act->record;
  r.code = code;
  r.pc = 0;
  r.signal = 0;
  r.fault_address = 0;
  r.num_frames = CollectWasmFrames(0, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)),
                                   act->stack, CodeRegistry::Global(), true, r.frames);
  EGRET_LONGJMP(act->jmp);
}

uintptr_t StackLimitForEntry(size_t max_wasm_stack) {
  const StackBounds& stack = CurrentThreadStack();
  const uintptr_t sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  const uintptr_t floor = stack.lo + kStackRedZone;
  if (sp <= floor) return sp;  // no room at all: every Wasm prologue will trap
  return sp - floor > max_wasm_stack ? sp - max_wasm_stack : floor;
}

size_t ChainedFaultCount() { return g_chained.load(std::memory_order_relaxed); }

bool TrapHandlersInstalled() { return g_installed.load(); }

std::string Trap::ToString() const {
  std::string out = "wasm trap: ";
  out += TrapCodeMessage(code);
  if (!backtrace.empty()) {
    out += "\nwasm backtrace:\n";
    out += FormatBacktrace(backtrace);
  }
  return out;
}

}  // namespace egret::runtime
