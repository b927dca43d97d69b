// native_ir_module.h: compiles the functions of an .eir file for the host's target and calls them,
// so `egret ir run` can execute `; run:` lines on compiled code (docs/testing.md, "IR runtests").
//
// IR filetests are written for the interpreter (ir/interpreter.h), whose functions take their
// parameters directly and whose heap is the address range [0, heap_size). The backends compile
// the Wasm calling convention: parameter 0 is the VMContext, whose stack limit every prologue
// checks. So each function is first adapted, and the adaptation is the whole difference between
// what the interpreter runs and what the backend compiles:
//
//   - parameter 0 becomes an i64 VMContext (the entry block gets it in front of its parameters)
//     and every `call` passes it on; run lines still give only the original arguments;
//   - an i8/i16 parameter is passed as an i32 and reduced on entry, an i8/i16 result is
//     zero-extended before each return (the array-call trampolines move Wasm values only);
//   - every load and store adds the heap base, read from the VMContext like a Wasm memory base
//     (`load.i64 vmctx notrap aligned readonly`), to its address: interpreter address A is host
//     address base + A.
//
// Heap layout: a PROT_NONE reservation with the heap's pages readable and writable, placed so that
// the heap ends exactly at the end of its last page; below it a 64 KiB guard, above it 8 GiB. An
// access past the heap's end faults (exactly at heap_size, as in the interpreter); an access below
// address 0 faults when heap_size is a multiple of the page size (otherwise the slack below the
// heap on its first page is readable). Faults at recorded trap sites come back as traps with the
// instruction's trap code (runtime/trap_handler.h); a fault anywhere else kills the process, so a
// miscompile cannot pass silently. The heap is zeroed before each call, as each run line gets a
// fresh interpreter.
//
// Not run natively, with an error naming the function: stack slots (`stack_addr` would make an
// address the rebasing must not touch), `func_addr` and `call_indirect` (the interpreter checks
// signatures and null callees inside call_indirect; compiled code relies on the checks the Wasm
// frontend emits in IR), calls whose callee has i8/i16 in its signature (widening happens only at
// the run line's boundary), and whatever the target's backend refuses. A run line whose
// function cannot be compiled, or calls (transitively) one that cannot, reports that error
// instead of executing.
#ifndef EGRET_TOOLS_NATIVE_IR_MODULE_H_
#define EGRET_TOOLS_NATIVE_IR_MODULE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "backends/common/target_isa.h"
#include "ir/function.h"
#include "ir/interpreter.h"
#include "machbuffer/mach_code.h"
#include "support/error.h"

namespace egret::tools {

struct NativeIrOptions {
  std::string regalloc = "fast";   // "fast" or "linear"
  bool regalloc_checker = true;    // prove every allocation (a test tool: always affordable)
  uint64_t heap_size = 64 * 1024;  // interpreter addresses [0, heap_size) are the heap
  size_t max_stack = 1024 * 1024;  // bytes of stack compiled code may use per call
  uint32_t debug_branch_range_shrink = 1;  // CompileOptions::debug_branch_range_shrink
};

// Rewrites `f` into the Wasm calling convention as described above; `heap_base_offset` is the
// VMContext offset of the heap base pointer. Errors name the function and what is not supported.
Status AdaptForNativeRun(ir::Function& f, uint32_t heap_base_offset);

class NativeIrModule {
 public:
  // Adapts and compiles every function of `module` (each must verify) with `isa`, which must be
  // the host's target, and maps the code. A function that cannot be adapted or compiled does not
  // make this fail: calls to it report the error (see CompileError). Fails only when the target
  // cannot run here, or the text section or its mapping cannot be made.
  static Expected<std::unique_ptr<NativeIrModule>> Compile(const ir::Module& module,
                                                           const backend::TargetIsa& isa,
                                                           const NativeIrOptions& options);
  ~NativeIrModule();
  NativeIrModule(const NativeIrModule&) = delete;
  NativeIrModule& operator=(const NativeIrModule&) = delete;

  // Why `name` cannot run ("" if it can): its own adaptation or compile error, or the error of a
  // function it calls, directly or not.
  const std::string& CompileError(std::string_view name) const;

  // Calls `name` with `args` (its original parameters, without the VMContext). Results are
  // zero-extended like the interpreter's; kError for an unknown name, mismatched arguments, or a
  // function that was not compiled (CompileError).
  ir::InterpResult Call(std::string_view name, std::span<const ir::DataValue> args);

  size_t code_size() const;  // bytes of the text section (functions and trampolines)
  // What the functions' MachBuffers did, summed (islands and veneers under range shrinking).
  const MachBufferStats& buffer_stats() const;

 private:
  struct Impl;
  explicit NativeIrModule(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace egret::tools

#endif  // EGRET_TOOLS_NATIVE_IR_MODULE_H_
