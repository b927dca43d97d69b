// pass_manager.h: named IR passes, the analyses they share, and the pipelines that run them.
//
// A pass is a plain function `Status Run(ir::Function&, AnalysisCache&)` with a name and the set
// of analyses it preserves; the registry below lists every pass once, and the pipeline each opt
// level runs is a readable list of names in pass_manager.cc (`kSpeedPipeline`). Invariants the
// manager keeps:
//  - after every pass the function still verifies: when `verify` is set (the default in debug
//    and test builds) the IR verifier runs after each pass and a failure names the pass;
//  - analyses handed to a pass are current: after each pass the cache drops what the pass does
//    not declare it preserves (analysis_cache.h);
//  - passes run in list order on one function at a time, so the manager is reentrant and the
//    compiler may run it from several worker threads on different functions (statistics go to
//    a caller-owned PipelineStats, one per thread, merged afterwards).
#ifndef EGRET_OPT_PASS_MANAGER_H_
#define EGRET_OPT_PASS_MANAGER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/function.h"
#include "opt/analysis_cache.h"
#include "support/error.h"

namespace egret::opt {

using PassFn = Status (*)(ir::Function&, AnalysisCache&);

struct Pass {
  std::string_view name;
  std::string_view description;
  PassFn run;
  uint8_t preserves;  // AnalysisBits still valid after the pass
};

// The passes (one file each).
Status RunCfgSimplify(ir::Function& f, AnalysisCache& analyses);  // cfg_simplify.cc
Status RunDce(ir::Function& f, AnalysisCache& analyses);          // dce.cc
Status RunGvn(ir::Function& f, AnalysisCache& analyses);
Status RunIvReduce(ir::Function& f, AnalysisCache& analyses);  // iv_reduce.cc
Status RunLicm(ir::Function& f, AnalysisCache& analyses);      // licm.cc
Status RunLoadElim(ir::Function& f, AnalysisCache& analyses);  // load_elim.cc          // gvn.cc
Status RunSimplify(ir::Function& f, AnalysisCache& analyses);  // simplify.cc

// Every known pass, in a stable order.
std::span<const Pass> AllPasses();
// nullptr when no pass has that name.
const Pass* FindPass(std::string_view name);
// Checks a `--print-after` argument: a pass name or "all". The error lists the known names.
Status CheckPrintAfter(std::string_view name);
// "gvn, dce, ..." for messages.
std::string KnownPassNames();

// The optimisation levels. `kOptLevels` is the one table of their names; each level's pipeline
// is a list in pass_manager.cc.
enum class OptLevel : uint8_t { kNone, kSpeed };
struct OptLevelName {
  OptLevel value;
  std::string_view name;
  std::string_view help;
};
inline constexpr OptLevelName kOptLevels[] = {
    {OptLevel::kNone, "none", "no IR passes (quickest compile)"},
    {OptLevel::kSpeed, "speed", "the IR pass pipeline (docs/opt.md)"},
};
std::string_view Name(OptLevel level);
// "none" -> kNone; an unknown name is an error that lists the known ones.
Expected<OptLevel> ParseOptLevel(std::string_view name);

// The pass names of an opt level's pipeline (kNone: empty).
std::vector<std::string_view> PipelineFor(OptLevel level);
// The same by name; an error for unknown levels.
Expected<std::vector<std::string_view>> PipelineFor(std::string_view level);

// The calling thread's CPU time in nanoseconds (CLOCK_THREAD_CPUTIME_ID): what statistics
// measure, so that time spent descheduled on a loaded machine is not charged to a pass. About
// a system call per reading, so it is read only when statistics are requested.
uint64_t ThreadCpuNanoseconds();

// What each pass did, summed over the functions it ran on (`nanoseconds`: thread CPU time).
struct PassStats {
  std::string_view name;
  uint64_t runs = 0;
  uint64_t nanoseconds = 0;
  int64_t insts_removed = 0;  // layout instructions before minus after (negative: added)
  uint64_t insts_before = 0;  // layout instructions when the pass started, summed over runs
};
struct PipelineStats {
  std::vector<PassStats> passes;  // in first-run order, one entry per pass name
  uint64_t analysis_computations = 0;
  uint64_t insts_in = 0;  // layout instructions entering the pipeline, summed over functions
  uint64_t verify_nanoseconds = 0;  // the verifier after each pass (PassManagerOptions::verify)

  PassStats& For(std::string_view name);
  void Merge(const PipelineStats& other);
  // A table: pass, runs, time (ms and share of the total), instructions removed.
  std::string ToString() const;
};

struct PassManagerOptions {
#ifdef EGRET_DEBUG
  bool verify = true;
#else
  bool verify = false;
#endif
  // "" prints nothing, "all" after every pass, else after the pass of that name.
  std::string print_after;
  // Receives the function after each pass selected by print_after.
  std::function<void(std::string_view pass, const ir::Function&)> on_print;
};

class PassManager {
 public:
  // The pipeline of an opt level (kNone: empty).
  static Expected<PassManager> ForOptLevel(OptLevel level, PassManagerOptions options = {});
  // The same by name ("none", "speed"); other names are an error.
  static Expected<PassManager> ForOptLevel(std::string_view level, PassManagerOptions options = {});
  static Expected<PassManager> ForOptLevel(const char* level, PassManagerOptions options = {}) {
    return ForOptLevel(std::string_view(level), std::move(options));
  }
  // An explicit list of pass names (tests); unknown names are an error.
  static Expected<PassManager> FromNames(std::span<const std::string_view> names,
                                         PassManagerOptions options = {});

  // Runs the passes in order. When `stats` is given, adds each pass's CPU time, the verifier's,
  // and each pass's instruction count change to it.
  Status Run(ir::Function& f, PipelineStats* stats = nullptr) const;

  std::span<const Pass* const> passes() const { return passes_; }
  bool empty() const { return passes_.empty(); }

 private:
  std::vector<const Pass*> passes_;
  PassManagerOptions options_;
};

}  // namespace egret::opt

#endif  // EGRET_OPT_PASS_MANAGER_H_
