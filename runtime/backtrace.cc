// backtrace.cc: see backtrace.h.
#include "runtime/backtrace.h"

#include <pthread.h>

#include <cstdio>
#include <utility>

namespace egret::runtime {

const StackBounds& CurrentThreadStack() {
  thread_local StackBounds bounds;
  if (bounds.hi == 0) {
    pthread_attr_t attr;
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &addr, &size);
      pthread_attr_destroy(&attr);
    }
    bounds.lo = reinterpret_cast<uintptr_t>(addr);
    bounds.hi = bounds.lo + size;
  }
  return bounds;
}

namespace {

// The defined function whose body contains `pc`, as (artifact, index); {nullptr, 0} if `pc` is
// not inside a function body (a trampoline, or not Wasm code at all).
std::pair<const artifact::Artifact*, uint32_t> BodyAt(const CodeRegistry& registry, uintptr_t pc) {
  if (auto entry = registry.Lookup(pc))
    if (auto defined = entry->artifact->FunctionAt(uint32_t(pc - entry->start)))
      return {entry->artifact, *defined};
  return {nullptr, 0};
}

}  // namespace

// Reads frame records of host frames too; they are never poisoned, but ASan need not know.
__attribute__((no_sanitize_address)) size_t CollectWasmFrames(
    uintptr_t pc, uintptr_t fp, const StackBounds& stack, const CodeRegistry& registry,
    bool skip_host_frames, std::span<uintptr_t> out, uintptr_t lr, uintptr_t sp) {
  if (out.empty()) return 0;
  size_t n = 0;
  if (!skip_host_frames) out[n++] = pc;
  if constexpr (!kBacktracesEnabled) return n;
  // A frame record is two words at fp: it must lie on this thread's stack, aligned.
  auto record_ok = [&](uintptr_t at) {
    return stack.hi >= 16 && at % 8 == 0 && at >= stack.lo && at < stack.hi - 16;
  };
  auto word_ok = [&](uintptr_t at) {
    return stack.hi >= 8 && at % 8 == 0 && at >= stack.lo && at < stack.hi - 8;
  };
  // Where the artifact's frame ranges say the faulting function has no record on the chain (a
  // frameless leaf, a prologue before the record is set up, an epilogue after it is torn down),
  // the return address into its caller is at [sp], [sp + 8] or in lr, and fp is still the
  // caller's record: record that return address, then walk the chain from fp as usual.
  bool range_known = false;
  if (!skip_host_frames && n < out.size()) {
    if (auto entry = registry.Lookup(pc)) {
      if (const artifact::FrameRange* r =
              entry->artifact->FrameRangeAt(uint32_t(pc - entry->start))) {
        range_known = true;
        uintptr_t ret = 0;
        switch (r->kind) {
          case artifact::FrameKind::kReturnAtSp:
            if (word_ok(sp)) ret = reinterpret_cast<const uintptr_t*>(sp)[0];
            break;
          case artifact::FrameKind::kReturnAtSp8:
            if (word_ok(sp + 8)) ret = reinterpret_cast<const uintptr_t*>(sp)[1];
            break;
          case artifact::FrameKind::kReturnInLr:
            ret = lr;
            break;
        }
        if (ret != 0 && registry.Lookup(ret - 1).has_value()) out[n++] = ret;
      }
    }
  }
  // Without a frame range at pc (code from an artifact without them, or hand-assembled), the
  // link register names the immediate caller when the faulting function has no record of
  // its own on the chain (a trap in its prologue before the record is stored, or after its
  // epilogue reloaded fp and lr): then lr is a return address into another Wasm function, and it
  // differs from the return address in the record at fp (which is the caller's own). After the
  // function stored its record, lr is either that same return address (no call yet) or points
  // into the function itself (after a call), and nothing is added.
  if (!range_known && lr != 0 && !skip_host_frames && n < out.size()) {
    const auto here = BodyAt(registry, pc);
    const auto caller = BodyAt(registry, lr - 1);
    const bool differs_from_record =
        !record_ok(fp) || reinterpret_cast<const uintptr_t*>(fp)[1] != lr;
    if (here.first != nullptr && caller.first != nullptr && here != caller && differs_from_record)
      out[n++] = lr;
  }
  int host_frames_left = skip_host_frames ? 8 : 0;
  while (n < out.size()) {
    if (!record_ok(fp)) break;
    const uintptr_t next_fp = reinterpret_cast<const uintptr_t*>(fp)[0];
    const uintptr_t ret = reinterpret_cast<const uintptr_t*>(fp)[1];
    if (registry.Lookup(ret - 1).has_value()) {
      out[n++] = ret;
      host_frames_left = 0;  // once in Wasm, the first host frame ends the walk
    } else if (host_frames_left-- <= 0) {
      break;
    }
    if (next_fp <= fp) break;  // the stack grows down: callers' frames are strictly higher
    fp = next_fp;
  }
  return n;
}

std::vector<BacktraceFrame> Symbolize(std::span<const uintptr_t> pcs, const CodeRegistry& registry,
                                      bool first_is_return_address) {
  std::vector<BacktraceFrame> frames;
  frames.reserve(pcs.size());
  for (size_t i = 0; i < pcs.size(); ++i) {
    BacktraceFrame f;
    f.pc = pcs[i];
    const bool faulting_pc = i == 0 && !first_is_return_address;
    const uintptr_t lookup_pc = faulting_pc ? pcs[i] : pcs[i] - 1;
    if (auto entry = registry.Lookup(lookup_pc)) {
      const artifact::Artifact& a = *entry->artifact;
      const uint32_t text_offset = uint32_t(lookup_pc - entry->start);
      if (auto defined = a.FunctionAt(text_offset)) {
        f.func_index = a.NumImported(artifact::ExternKind::kFunc) + *defined;
        f.offset = text_offset - a.functions[*defined].body.offset;
        f.name = std::string(a.FunctionNameOf(f.func_index));
      }
      f.module_name = a.module_name;
    }
    // Return addresses into trampolines (the array_call entry the host called, a wasm-to-array
    // trampoline a host function was called through) are glue, not Wasm frames: the backtrace
    // lists Wasm functions only and ends at the last one. A fault inside a trampoline keeps
    // its frame, so the trap still says where it happened.
    if (f.func_index == UINT32_MAX && !faulting_pc) continue;
    frames.push_back(std::move(f));
  }
  return frames;
}

std::string FormatBacktrace(std::span<const BacktraceFrame> frames) {
  std::string out;
  char buf[64];
  for (size_t i = 0; i < frames.size(); ++i) {
    const BacktraceFrame& f = frames[i];
    std::snprintf(buf, sizeof buf, "  %zu: ", i);
    out += buf;
    if (!f.module_name.empty()) out += f.module_name + "!";
    if (f.func_index == UINT32_MAX) {
      std::snprintf(buf, sizeof buf, "<trampoline> pc=0x%zx\n", size_t(f.pc));
      out += buf;
      continue;
    }
    if (f.name.empty()) {
      std::snprintf(buf, sizeof buf, "<wasm function %u>", f.func_index);
      out += buf;
    } else {
      out += f.name;
    }
    std::snprintf(buf, sizeof buf, " (func %u) +0x%x\n", f.func_index, f.offset);
    out += buf;
  }
  return out;
}

}  // namespace egret::runtime
