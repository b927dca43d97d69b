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

#include "compiler/options.h"
#include "tools/cli.h"

namespace egret::tools {

// --target (unless `target` is null), --opt-level, --regalloc and --jobs. `regalloc` stays nullopt
// unless given (then the opt level picks); `jobs` stays 0 unless given (then every online CPU).
void AddCompileChoices(cli::ArgParser& parser, compiler::Target* target,
                       compiler::OptLevel* opt_level, std::optional<compiler::Allocator>* regalloc,
                       int64_t* jobs);

// --jobs must be in [0, 1024]; otherwise prints `command: error: ...` and returns false.
bool CheckJobs(const char* command, int64_t jobs);

}  // namespace egret::tools

#endif  // EGRET_TOOLS_COMPILE_FLAGS_H_
