// gdb_jit_registration.cc: see gdb_jit_registration.h.
#include "runtime/profiling/gdb_jit_registration.h"

#include <mutex>

using egret::runtime::profiling::JitDescriptor;

// The ABI symbols, with C linkage and default visibility so a debugger finds them by name. The
// function must not be inlined or removed: the debugger's breakpoint is the whole protocol. They
// are weak so that a process which also embeds another JIT defining them (LLVM's ORC, say) links,
// and both JITs then share that one descriptor, as debuggers expect: there is only one per
// process.
extern "C" {
__attribute__((weak, noinline, used, visibility("default"))) void __jit_debug_register_code() {
  asm volatile("" ::: "memory");
}
__attribute__((weak, used, visibility("default"))) JitDescriptor __jit_debug_descriptor = {
    1, egret::runtime::profiling::kJitNoAction, nullptr, nullptr};
}

namespace egret::runtime::profiling {
namespace {

std::mutex& ListMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

const JitDescriptor& GdbJitRegistration::Descriptor() { return __jit_debug_descriptor; }

std::unique_ptr<GdbJitRegistration> GdbJitRegistration::Register(std::vector<uint8_t> object_file) {
  return std::unique_ptr<GdbJitRegistration>(new GdbJitRegistration(std::move(object_file)));
}

GdbJitRegistration::GdbJitRegistration(std::vector<uint8_t> object_file)
    : object_file_(std::move(object_file)) {
  entry_.symfile_addr = reinterpret_cast<const char*>(object_file_.data());
  entry_.symfile_size = object_file_.size();
  std::lock_guard<std::mutex> lock(ListMutex());
  entry_.prev_entry = nullptr;
  entry_.next_entry = __jit_debug_descriptor.first_entry;
  if (entry_.next_entry != nullptr) entry_.next_entry->prev_entry = &entry_;
  __jit_debug_descriptor.first_entry = &entry_;
  __jit_debug_descriptor.relevant_entry = &entry_;
  __jit_debug_descriptor.action_flag = kJitRegisterFn;
  __jit_debug_register_code();
  __jit_debug_descriptor.action_flag = kJitNoAction;
  __jit_debug_descriptor.relevant_entry = nullptr;
}

GdbJitRegistration::~GdbJitRegistration() {
  std::lock_guard<std::mutex> lock(ListMutex());
  if (entry_.prev_entry != nullptr)
    entry_.prev_entry->next_entry = entry_.next_entry;
  else
    __jit_debug_descriptor.first_entry = entry_.next_entry;
  if (entry_.next_entry != nullptr) entry_.next_entry->prev_entry = entry_.prev_entry;
  __jit_debug_descriptor.relevant_entry = &entry_;
  __jit_debug_descriptor.action_flag = kJitUnregisterFn;
  __jit_debug_register_code();
  __jit_debug_descriptor.action_flag = kJitNoAction;
  __jit_debug_descriptor.relevant_entry = nullptr;
}

}  // namespace egret::runtime::profiling
