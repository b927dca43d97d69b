// backtrace.h: Wasm backtraces by frame-pointer walking, then symbolization through the registry.
//
// Compiled Wasm functions keep a frame pointer (x86-64: push rbp; mov rbp, rsp; aarch64:
// stp x29, x30, [sp, #-16]!; mov x29, sp), so on both architectures the faulting frame's fp
// starts the chain [fp] = caller's fp, [fp + 8] = return address through the Wasm frames back
// to the host. Frameless leaf functions and prologue/epilogue windows never push a record: fp
// is their caller's, and the artifact's frame ranges say where the return address is meanwhile
// ([sp] or [sp + 8] on x86-64, the link register on aarch64), so the faulting frame's caller is
// exact there too. Collection runs in the signal handler: it
// only reads stack words within the thread's stack bounds, strictly upward, and stops at the first
// return address that is not Wasm code, so a corrupt chain ends the walk instead of faulting.
// Symbolization (PC → module → function → name) happens later, outside the handler.
//
// With EGRET_BACKTRACES=0 (CMake option EGRET_BACKTRACES=OFF) collection records only the
// faulting PC, and compiled code may omit frame pointers.
#ifndef EGRET_RUNTIME_BACKTRACE_H_
#define EGRET_RUNTIME_BACKTRACE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "runtime/code_registry.h"

#ifndef EGRET_BACKTRACES
#define EGRET_BACKTRACES 1
#endif

namespace egret::runtime {

inline constexpr size_t kMaxBacktraceFrames = 64;
inline constexpr bool kBacktracesEnabled = EGRET_BACKTRACES != 0;

struct StackBounds {
  uintptr_t lo = 0;  // lowest address of the thread's stack
  uintptr_t hi = 0;  // one past the highest
};

// The calling thread's stack, cached per thread. Not async-signal-safe on first call; the trap
// machinery calls it on entry so the handler only reads the cache.
const StackBounds& CurrentThreadStack();

// Async-signal-safe. Writes `pc` and then the return addresses of the Wasm frames reachable
// from `fp` into `out`; returns the count. If `skip_host_frames`, leading frames whose return
// address is not Wasm code are skipped (up to a few), for walks that start in host code (a host
// call never starts inside a frameless function: those make no calls). `sp` and `lr` are the
// faulting thread's stack pointer and link register (aarch64 x30; 0 where there is none). When
// the artifact's frame ranges (artifact::FrameRange) say `pc` runs without its function's frame
// record, the caller's return address is read where the range's kind says ([sp], [sp + 8], lr)
// and the walk continues at `fp`, which is then still the caller's record. Without a range at
// `pc`, `lr` is used as before frame ranges existed: when it is a return address into another
// Wasm function than `pc`'s and differs from the record at `fp`, the faulting function had not
// stored (or had already reloaded) its frame record, and `lr` is recorded as its caller.
size_t CollectWasmFrames(uintptr_t pc, uintptr_t fp, const StackBounds& stack,
                         const CodeRegistry& registry, bool skip_host_frames,
                         std::span<uintptr_t> out, uintptr_t lr = 0, uintptr_t sp = 0);

struct BacktraceFrame {
  uintptr_t pc = 0;
  uint32_t func_index = UINT32_MAX;  // whole index space; UINT32_MAX: not in a function body
  uint32_t offset = 0;               // pc's offset in the function body
  std::string name;                  // from the name section; empty if none
  std::string module_name;
};

// `pcs[0]` is a faulting PC unless `first_is_return_address`; the other entries are return
// addresses, looked up at pc - 1 so that a call at the end of a function is attributed to it.
// Return addresses outside every function body (into trampolines) are left out, so the result
// lists Wasm functions only and ends at the outermost Wasm frame; a faulting PC is always kept.
std::vector<BacktraceFrame> Symbolize(std::span<const uintptr_t> pcs, const CodeRegistry& registry,
                                      bool first_is_return_address = false);

// "  0: ud2_fn (func 1) +0x4" lines.
std::string FormatBacktrace(std::span<const BacktraceFrame> frames);

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_BACKTRACE_H_
