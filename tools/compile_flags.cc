// compile_flags.cc: see compile_flags.h.
#include "tools/compile_flags.h"

#include <cstdio>
#include <string>

namespace egret::tools {

void AddCompileChoices(cli::ArgParser& parser, compiler::Target* target,
                       compiler::OptLevel* opt_level, std::optional<compiler::Allocator>* regalloc,
                       int64_t* jobs) {
  using compiler::Name;
  const compiler::OptLevel none = compiler::OptLevel::kNone;
  const compiler::OptLevel speed = compiler::OptLevel::kSpeed;
  if (target != nullptr)
    parser.Choice("target", target, compiler::kTargets,
                  "target architecture (default: the host's, " +
                      std::string(Name(compiler::HostTarget())) + ")");
  parser.Choice("opt-level", opt_level, compiler::kOptLevels,
                "none: no IR passes, quickest compile; speed: the IR passes (docs/opt.md) "
                "(default: " +
                    std::string(Name(compiler::DefaultOptLevel())) + ")");
  parser.Choice(
      "regalloc", regalloc, compiler::kAllocators,
      "register allocator (default: " + std::string(Name(compiler::DefaultAllocator(none))) +
          " at --opt-level=" + std::string(Name(none)) + ", " +
          std::string(Name(compiler::DefaultAllocator(speed))) + " at " + std::string(Name(speed)) +
          ")");
  parser.Option("jobs", jobs, "N",
                "compile functions on N threads; the output does not depend on N (default: 0, "
                "every online CPU: " +
                    std::to_string(compiler::DefaultJobs()) + " here)");
}

bool CheckJobs(const char* command, int64_t jobs) {
  if (jobs >= 0 && jobs <= 1024) return true;
  std::fprintf(stderr,
               "%s: error: --jobs must be between 0 (every online CPU) and 1024, got %lld\n",
               command, static_cast<long long>(jobs));
  return false;
}

}  // namespace egret::tools
