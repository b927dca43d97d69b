// stack_walk.h: finding the GC references (externrefs) that suspended Wasm frames hold, for
// deferred reference counting (issue 21; docs/backend.md "Stack maps").
//
// Compiled code keeps references in registers and spill slots without counting them. At every
// call (a safepoint) the register allocator has put each reference that is live across the call
// in a spill slot, and the artifact records those slots in a stack map keyed by the call's
// return address (artifact::StackMap). While Wasm is suspended in host code, every Wasm frame on
// the thread's stack is stopped at such a call, so its live references are exactly the slots its
// map lists.
//
// Finding the frames. Compiled functions and trampolines keep a frame record ([fp] = the
// caller's fp, [fp + 8] = the return address into the caller) on both targets. Host C++ frames
// need not (Release builds omit frame pointers), so the walk starts at the Wasm -> host
// transitions: every host entry point that compiled code calls directly (the array_call entry of
// host functions, builtins) and that may reach the collector opens a WasmExitScope
// (EGRET_WASM_EXIT_SCOPE) first, which records its own frame address in a thread-local list.
// That frame's record leads into the compiled code that called it. From there the walk follows
// frame records while the return address is in registered code (CodeRegistry): a return address
// inside a function body names a suspended Wasm frame whose stack map applies; one inside a
// trampoline is skipped; one outside all code is the host that entered Wasm, which ends the
// segment. The walk then continues at the next older exit, so host -> Wasm -> host -> Wasm
// re-entries and calls across instances and modules are all covered.
//
// Invariants:
//   - exits nest with the stack: the list runs from the innermost (lowest address) outward;
//     CallWithTrapHandling restores the list on a trap (RaiseTrap skips the scopes' destructors);
//   - the walk reads only stack words within the thread's stack bounds, strictly upward, and
//     only slots inside the caller's frame as the (validated) stack map describes it;
//   - it allocates nothing and is O(frames * log(maps)).
#ifndef EGRET_RUNTIME_STACK_WALK_H_
#define EGRET_RUNTIME_STACK_WALK_H_

#include <cstddef>
#include <cstdint>

#include "absl/functional/function_ref.h"
#include "runtime/code_registry.h"

namespace egret::runtime {

// One Wasm -> host transition of this thread: lives on the stack of the host function that
// compiled code called, from its first statement to its return.
class WasmExitScope {
 public:
  // `fp`: __builtin_frame_address(0) of the host function compiled code called directly.
  explicit WasmExitScope(uintptr_t fp) noexcept;
  ~WasmExitScope();
  WasmExitScope(const WasmExitScope&) = delete;
  WasmExitScope& operator=(const WasmExitScope&) = delete;

  uintptr_t fp() const { return fp_; }
  const WasmExitScope* prev() const { return prev_; }

 private:
  uintptr_t fp_;
  WasmExitScope* prev_;
};

// Opens a WasmExitScope for the enclosing function (which must have been called by compiled
// code: a builtin or an array_call entry). Taking the frame address also makes the compiler give
// this function a frame record, whose saved fp and return address lead into the caller.
#define EGRET_WASM_EXIT_SCOPE()                     \
  ::egret::runtime::WasmExitScope egret_wasm_exit_( \
      reinterpret_cast<uintptr_t>(__builtin_frame_address(0)))

// The thread's innermost exit (nullptr if none); CallWithTrapHandling saves it on entry and
// restores it after a trap.
WasmExitScope* CurrentWasmExit();
void RestoreWasmExit(WasmExitScope* exit);

struct StackWalkStats {
  uint32_t wasm_frames = 0;      // suspended Wasm frames found
  uint32_t slots = 0;            // reference slots visited (null ones included)
  uint32_t unmapped_frames = 0;  // Wasm frames whose return address has no stack map
  uint32_t segments = 0;         // exits walked (host -> Wasm activations with frames)
};

// Calls visit(slot) for every stack slot that holds a live reference in a suspended Wasm frame
// of the calling thread, innermost frame first; *slot is the reference (null is possible, and
// the visitor may overwrite it, e.g. to forward it). Call it from host code that runs inside
// Wasm (directly or indirectly below an EGRET_WASM_EXIT_SCOPE); with no exit on the thread it
// visits nothing. All stores' frames on this thread are visited: the caller filters what it does
// not own. `registry` is the code registry whose modules are walked (the global one at runtime).
StackWalkStats VisitWasmStackRefs(absl::FunctionRef<void(void** slot)> visit,
                                  const CodeRegistry& registry = CodeRegistry::Global());

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_STACK_WALK_H_
