// gdb_jit_registration.h: gdb's JIT compilation interface.
//
// gdb (and lldb) find JIT code through two symbols the process defines: the descriptor
// `__jit_debug_descriptor`, the head of a doubly linked list of in-memory object files, and the
// function `__jit_debug_register_code`, on which the debugger sets a breakpoint. To announce a
// change, the process links or unlinks an entry, stores the entry in `relevant_entry` and the
// action in `action_flag`, and calls the function; the debugger, stopped there, reads the
// object file from memory (see the gdb manual, "JIT Compilation Interface"). The layouts below
// are that ABI and must not change.
//
// A GdbJitRegistration owns one entry and its object file: constructing it registers, destroying
// it unregisters. Invariant: the list and the descriptor are modified only under one process-wide
// mutex, so modules may load and unload on any thread; the list is never observed half-linked by
// a debugger, which reads it only while the process is stopped in __jit_debug_register_code.
#ifndef EGRET_RUNTIME_PROFILING_GDB_JIT_REGISTRATION_H_
#define EGRET_RUNTIME_PROFILING_GDB_JIT_REGISTRATION_H_

#include <cstdint>
#include <memory>
#include <vector>

namespace egret::runtime::profiling {

enum JitAction : uint32_t { kJitNoAction = 0, kJitRegisterFn = 1, kJitUnregisterFn = 2 };

struct JitCodeEntry {
  JitCodeEntry* next_entry;
  JitCodeEntry* prev_entry;
  const char* symfile_addr;
  uint64_t symfile_size;
};

struct JitDescriptor {
  uint32_t version;      // 1
  uint32_t action_flag;  // JitAction
  JitCodeEntry* relevant_entry;
  JitCodeEntry* first_entry;
};

class GdbJitRegistration {
 public:
  // Registers `object_file` (an ELF image, see elf_image.h) and keeps it alive.
  static std::unique_ptr<GdbJitRegistration> Register(std::vector<uint8_t> object_file);
  ~GdbJitRegistration();
  GdbJitRegistration(const GdbJitRegistration&) = delete;
  GdbJitRegistration& operator=(const GdbJitRegistration&) = delete;

  const JitCodeEntry& entry() const { return entry_; }

  // The process's descriptor (what a debugger reads), for tests.
  static const JitDescriptor& Descriptor();

 private:
  explicit GdbJitRegistration(std::vector<uint8_t> object_file);
  std::vector<uint8_t> object_file_;
  JitCodeEntry entry_{};
};

}  // namespace egret::runtime::profiling

#endif  // EGRET_RUNTIME_PROFILING_GDB_JIT_REGISTRATION_H_
