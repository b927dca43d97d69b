// stack_walk.cc: see stack_walk.h.
#include "runtime/stack_walk.h"

#include "runtime/backtrace.h"

namespace egret::runtime {

namespace {
thread_local WasmExitScope* tls_exit = nullptr;
}  // namespace

WasmExitScope::WasmExitScope(uintptr_t fp) noexcept : fp_(fp), prev_(tls_exit) { tls_exit = this; }

WasmExitScope::~WasmExitScope() { tls_exit = prev_; }

WasmExitScope* CurrentWasmExit() { return tls_exit; }

void RestoreWasmExit(WasmExitScope* exit) { tls_exit = exit; }

// Reads frame records and spill slots of compiled code (never poisoned, but ASan need not know).
__attribute__((no_sanitize_address)) StackWalkStats VisitWasmStackRefs(
    absl::FunctionRef<void(void** slot)> visit, const CodeRegistry& registry) {
  StackWalkStats stats;
  const StackBounds& stack = CurrentThreadStack();
  // A frame record is two words at fp: on this thread's stack, aligned.
  auto record_ok = [&](uintptr_t at) {
    return stack.hi >= 16 && at % 8 == 0 && at >= stack.lo && at <= stack.hi - 16;
  };
  // Exits below this function's own frame are left over from a call that has returned (a trap
  // restores the list, so this only guards against misuse).
  const uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  uintptr_t floor = here;  // every record read lies strictly above the previous one
  for (const WasmExitScope* exit = tls_exit; exit != nullptr; exit = exit->prev()) {
    uintptr_t fp = exit->fp();
    if (fp <= floor || !record_ok(fp)) continue;
    ++stats.segments;
    while (record_ok(fp)) {
      const uintptr_t caller_fp = reinterpret_cast<const uintptr_t*>(fp)[0];
      const uintptr_t ret = reinterpret_cast<const uintptr_t*>(fp)[1];
      const std::optional<CodeEntry> entry = registry.Lookup(ret - 1);
      if (!entry) break;  // back in the host that entered Wasm: this segment is done
      const artifact::Artifact& a = *entry->artifact;
      const uint32_t ret_offset = uint32_t(ret - entry->start);
      if (a.FunctionAt(ret_offset - 1)) {
        ++stats.wasm_frames;
        if (const artifact::StackMap* m = a.LookupStackMap(ret_offset)) {
          // The reader checked every slot lies below frame_size; the caller's frame record must
          // itself be on the stack for the slots between its sp and fp to be.
          if (record_ok(caller_fp) && caller_fp >= m->frame_size &&
              caller_fp - m->frame_size > fp) {
            const uintptr_t sp = caller_fp - m->frame_size;
            for (uint32_t slot : a.StackMapSlots(*m)) {
              ++stats.slots;
              visit(reinterpret_cast<void**>(sp + 8 * uintptr_t(slot)));
            }
          } else {
            ++stats.unmapped_frames;
          }
        } else {
          ++stats.unmapped_frames;
        }
      }
      if (caller_fp <= fp) break;  // the stack grows down: callers' frames are strictly higher
      fp = caller_fp;
    }
    floor = fp;
  }
  return stats;
}

}  // namespace egret::runtime
