// compile_flags.cc: see compile_flags.h.
#include "tools/compile_flags.h"

#include <cstdio>
#include <string>

namespace egret::tools {

void CompileFlags::ApplyTo(compiler::CompileOptions* options) const {
  options->target = target;
  options->opt_level = opt_level;
  options->regalloc = regalloc;
  options->jobs = static_cast<uint32_t>(jobs);
  if (verify_each) options->verify_ir = compiler::IrVerification::kEachPass;
  options->wasm_features = wasm_features;
  options->align_loops = align_loops;
}

void AddWasmFeaturesFlag(cli::ArgParser& parser, wasm::WasmFeatures* features) {
  std::string help =
      "enable (+name or name) or disable (-name) WebAssembly proposals, left to right; 'all', "
      "'none' and 'default' set the whole list (default: " +
      wasm::WasmFeatures::Default().ToString() + "). Proposals:";
  for (int i = 0; i < wasm::kNumWasmFeatures; ++i) {
    const auto f = static_cast<wasm::WasmFeature>(i);
    help += " " + std::string(wasm::FeatureName(f)) + " (" + std::string(wasm::FeatureHelp(f)) +
            ")" + (i + 1 < wasm::kNumWasmFeatures ? ";" : "");
  }
  parser.Custom("wasm-features", "LIST", help,
                [features](const std::string& v) -> std::optional<std::string> {
                  if (Status st = features->ParseInto(v); !st.ok()) return st.error().message;
                  return std::nullopt;
                });
}

void AddCompileFlags(cli::ArgParser& parser, CompileFlags* flags, bool with_target) {
  using compiler::Name;
  const compiler::OptLevel none = compiler::OptLevel::kNone;
  const compiler::OptLevel speed = compiler::OptLevel::kSpeed;
  if (with_target) {
    parser.Choice("target", &flags->target, compiler::kTargets,
                  "target architecture (default: the host's, " +
                      std::string(Name(compiler::HostTarget())) + ")");
  }
  parser.Choice("opt-level", &flags->opt_level, compiler::kOptLevels,
                "none: no IR passes, quickest compile; speed: the IR passes (docs/opt.md) "
                "(default: " +
                    std::string(Name(compiler::DefaultOptLevel())) + ")");
  parser.Choice(
      "regalloc", &flags->regalloc, compiler::kAllocators,
      "register allocator (default: " + std::string(Name(compiler::DefaultAllocator(none))) +
          " at --opt-level=" + std::string(Name(none)) + ", " +
          std::string(Name(compiler::DefaultAllocator(speed))) + " at " + std::string(Name(speed)) +
          ")");
  parser.Option("jobs", &flags->jobs, "N",
                "compile functions on N threads; the output does not depend on N (default: 0, "
                "every online CPU: " +
                    std::to_string(compiler::DefaultJobs()) + " here)");
  AddWasmFeaturesFlag(parser, &flags->wasm_features);
  parser.Custom("align-loops", "N",
                "start every innermost loop on a multiple of N bytes, with nops before it: 1 "
                "(no alignment), 2, 4, ..., 64 (default: " +
                    (compiler::DefaultLoopAlign(none) == compiler::DefaultLoopAlign(speed)
                         ? std::to_string(compiler::DefaultLoopAlign(speed))
                         : std::to_string(compiler::DefaultLoopAlign(none)) +
                               " at --opt-level=" + std::string(Name(none)) + ", " +
                               std::to_string(compiler::DefaultLoopAlign(speed)) + " at " +
                               std::string(Name(speed))) +
                    ")",
                [flags](const std::string& v) -> std::optional<std::string> {
                  Expected<uint32_t> n = compiler::ParseLoopAlign(v);
                  if (!n.ok()) return n.error().message;
                  flags->align_loops = *n;
                  return std::nullopt;
                });
  const bool each_by_default =
      compiler::DefaultIrVerification() == compiler::IrVerification::kEachPass;
  parser.Flag(
      "verify-each", &flags->verify_each,
      std::string("run the IR verifier after translation and after every IR pass (default ") +
          (each_by_default ? "in this Debug build" : "in Debug builds") +
          "; otherwise once, after the last pass)");
}

bool CheckJobs(const char* command, int64_t jobs) {
  if (jobs >= 0 && jobs <= 1024) return true;
  std::fprintf(stderr,
               "%s: error: --jobs must be between 0 (every online CPU) and 1024, got %lld\n",
               command, static_cast<long long>(jobs));
  return false;
}

}  // namespace egret::tools
