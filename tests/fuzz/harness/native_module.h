// native_module.h: compiles an IR module to machine code for the host (x86-64 or aarch64) in
// this process and calls its functions, with the interpreter's value and result types, so tests
// can compare the two bit for bit. CompileForTarget compiles the same way for any target without
// running anything (the cross-target, compile-only configuration of the fuzz targets).
//
//   ir::Module m = ...;                            // functions in the Wasm calling convention
//   Expected<std::unique_ptr<fuzz::NativeModule>> nm =
//       fuzz::NativeModule::Compile(m, {.regalloc = "linear"});
//   ir::InterpResult r = (*nm)->Call("f", args);  // args without the vmctx
//
// Calling convention: every function's first parameter is the VMContext (i64), as the frontend
// emits them (wasm::WasmSignature); the backend's prologue reads the stack limit through it.
// Call() supplies it, so `args` are the remaining parameters; the interpreter, which knows
// nothing of a VMContext, is given any i64 in that position by the caller.
//
// The VMContext is a real zeroed block (artifact/vmoffsets.h layout, no instance behind it): the
// magic, a stack limit set per call from runtime::StackLimitForEntry, and the runtime's builtin
// table (the x64 backend calls floor/ceil/trunc/nearest builtins without SSE4.1). So functions
// must not touch a heap, globals, tables or imports: there are none. Direct calls resolve by name
// among the module's functions only; any other callee is a compile error.
//
// Execution goes through the backend's own array-to-wasm trampolines, under the runtime's trap
// handling (runtime/trap_handler.h): the text section is registered in the CodeRegistry with a
// minimal artifact (text, function ranges, trap table), so a fault at a recorded trap site comes
// back as InterpResult::kTrapped with its TrapCode, and any other fault still kills the process
// (a miscompile must not pass silently).
//
// Not thread-safe per object; separate NativeModules may run on separate threads.
#ifndef EGRET_TESTS_FUZZ_HARNESS_NATIVE_MODULE_H_
#define EGRET_TESTS_FUZZ_HARNESS_NATIVE_MODULE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/function.h"
#include "ir/interpreter.h"
#include "support/error.h"

namespace egret::fuzz {

struct NativeOptions {
  std::string regalloc = "fast";  // "fast" or "linear"
  bool regalloc_checker = true;   // the symbolic checker runs on every function
  // The target's own feature syntax (backend::LookupTargetIsa): "" = the host's (x64: cpuid;
  // aarch64: the base, its only set); for x64 CpuFeatures::Parse, e.g. "+all,-lzcnt".
  std::string features;
  size_t max_stack = 512 * 1024;  // bytes of stack the compiled code may use per Call
  // Test mode (docs/machbuffer.md, "Range shrinking"): branch and call ranges divided by this,
  // so small functions get islands and veneers. 1: real ranges.
  uint32_t branch_range_shrink = 1;
};

// The target this process executes ("x86_64" or "aarch64"), in LookupTargetIsa's spelling.
std::string_view HostTargetName();

// Compiles every function of `module` and its array-to-wasm trampoline for `target` into one
// text section, as NativeModule::Compile does for the host, and maps nothing: a compile-only
// configuration that catches lowering, verifier and regalloc-checker failures of a target this
// host cannot run. Returns the text size; errors as for NativeModule::Compile.
Expected<size_t> CompileForTarget(const ir::Module& module, std::string_view target,
                                  const NativeOptions& options = {});

class NativeModule {
 public:
  // Compiles every function of `module` (each must verify) and maps the code. Errors: a function
  // without the vmctx parameter, a call to a function outside the module, a backend error
  // (unsupported instruction, regalloc checker failure), or a mapping failure.
  static Expected<std::unique_ptr<NativeModule>> Compile(const ir::Module& module,
                                                         const NativeOptions& options = {});
  ~NativeModule();
  NativeModule(const NativeModule&) = delete;
  NativeModule& operator=(const NativeModule&) = delete;

  // Calls `name` with `args` (the parameters after the vmctx). Returns the results (integers
  // zero-extended, as the interpreter does), a trap with its code, or kError for an unknown name
  // or arguments that do not match the signature.
  ir::InterpResult Call(std::string_view name, std::span<const ir::DataValue> args);

  // Size of the text section (functions and trampolines), for statistics.
  size_t code_size() const;

 private:
  struct Impl;
  explicit NativeModule(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace egret::fuzz

#endif  // EGRET_TESTS_FUZZ_HARNESS_NATIVE_MODULE_H_
