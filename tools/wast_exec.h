// wast_exec.h: `egret wast --mode=run`: executes a wast2json script on compiled code.
//
// Every module in the script is compiled in memory by the real pipeline (frontend, IR, x64
// backend) and instantiated by the runtime, in one Store and one Linker for the whole script so
// that `register` and cross-module imports work as the spec interpreter does. The linker starts
// with the `spectest` host module (runtime/spectest.h). Commands:
//
//   module                 compile + instantiate; becomes the current module (and `$name`)
//   register               every export of a module becomes importable as "as"."field"
//   action                 invoke or get; passes when it does not trap
//   assert_return          results compared bit for bit, except `nan:canonical` /
//                          `nan:arithmetic` (NaN classes) and `either` (any alternative)
//   assert_trap            the call (or instantiation) must trap with the expected message
//   assert_exhaustion      the call must trap with "call stack exhausted"
//   assert_invalid/        binary modules must be rejected by the frontend with the right
//   assert_malformed       category; text-format ones are skipped and counted as skipped
//   assert_unlinkable      compiles, but instantiation must fail (imports do not match)
//   assert_uninstantiable  compiles, but instantiation must trap (segments, start)
//
// Commands on a module that failed to load fail too ("no module"), so a compile failure is
// never hidden. Values: wast2json writes integers and float bits as unsigned decimal strings;
// `ref.extern N` is a host reference (runtime::ExternRef) holding N, one object per N for the
// whole script, so that results compare by identity; `(ref.extern)` expects any non-null one.
// Failures print `file.wast:LINE: FAIL reason`; entries in the expected-failures list count as
// passed with a note. The last line is `N passed, N failed, N skipped`.
#ifndef EGRET_TOOLS_WAST_EXEC_H_
#define EGRET_TOOLS_WAST_EXEC_H_

#include <filesystem>
#include <set>
#include <string>

#include "compiler/compiler.h"
#include "runtime/profiling/profiling_mode.h"

namespace egret::tools {

struct WastExecOptions {
  // Target, opt level, allocator, jobs, verification (tools/compile_flags.h); the executor
  // adds debug_branch_range_shrink below and turns the regalloc checker off.
  compiler::CompileOptions compile;
  // false (`egret wast --mode=compile`): modules are compiled but not instantiated, and every
  // command that needs an instance (register, actions, assertions on results, traps, linking)
  // is counted as skipped; assert_invalid/assert_malformed are still checked.
  bool execute = true;
  // EngineConfig::profiling for the script's engine (`egret wast --profile`).
  runtime::profiling::ProfilingMode profiling = runtime::profiling::ProfilingMode::kNone;
  // compiler::CompileOptions::debug_branch_range_shrink (`egret wast --debug-branch-range-shrink`).
  uint32_t debug_branch_range_shrink = 1;
};

// Runs the script; returns the process exit code (0 iff nothing failed unexpectedly).
int RunWastScript(const std::filesystem::path& json_path, const WastExecOptions& options,
                  const std::set<std::string>& expected_failures);

}  // namespace egret::tools

#endif  // EGRET_TOOLS_WAST_EXEC_H_
