// compile_flags.h: the compile options that `egret compile`, `egret run` and `egret wast` share,
// declared once so that their spellings, accepted words, help and defaults agree.
//
// The words become compiler enums here (ArgParser::Choice over compiler::kTargets,
// opt::kOptLevels, compiler::kAllocators); the defaults come from the policy in
// compiler/options.h and --help prints them.
#ifndef EGRET_TOOLS_COMPILE_FLAGS_H_
#define EGRET_TOOLS_COMPILE_FLAGS_H_

#include <cstdint>
#include <optional>

#include "compiler/compiler.h"
#include "compiler/options.h"
#include "frontend/wasm_features.h"
#include "tools/cli.h"

namespace egret::tools {

struct CompileFlags {
  compiler::Target target = compiler::HostTarget();
  compiler::OptLevel opt_level = compiler::DefaultOptLevel();
  std::optional<compiler::Allocator> regalloc;  // nullopt: the one the opt level picks
  int64_t jobs = 0;                             // 0: every online CPU
  bool verify_each = false;                     // --verify-each
  wasm::WasmFeatures wasm_features = wasm::WasmFeatures::Default();  // --wasm-features
  std::optional<uint32_t> align_loops;  // --align-loops; nullopt: the opt level's default

  // Copies the flags into `options` (jobs must have passed CheckJobs).
  void ApplyTo(compiler::CompileOptions* options) const;
};

// Declares --opt-level, --regalloc, --jobs, --verify-each, --wasm-features, --align-loops, and
// --target when `with_target`.
void AddCompileFlags(cli::ArgParser& parser, CompileFlags* flags, bool with_target);

// Declares --wasm-features=LIST (wasm_features.h: WasmFeatures::ParseInto), applied to
// `*features` in order; --help lists the proposals and the default set. Every command that reads
// Wasm declares it (through AddCompileFlags, or directly).
void AddWasmFeaturesFlag(cli::ArgParser& parser, wasm::WasmFeatures* features);

// --jobs must be in [0, 1024]; otherwise prints `command: error: ...` and returns false.
bool CheckJobs(const char* command, int64_t jobs);

}  // namespace egret::tools

#endif  // EGRET_TOOLS_COMPILE_FLAGS_H_
