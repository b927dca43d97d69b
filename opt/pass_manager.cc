// pass_manager.cc: the pass registry, the opt-level pipelines, and running them with the
// analysis cache, verification, statistics and --print-after hooks. See pass_manager.h.
#include "opt/pass_manager.h"

#include <time.h>

#include <cstdio>
#include <string>

#include "ir/verifier.h"

namespace egret::opt {
namespace {

constexpr Pass kPasses[] = {
    {"simplify",
     "constant folding and algebraic simplification (identities, reassociation, strength "
     "reduction, compares, selects, extensions) with exact Wasm semantics",
     &RunSimplify, kCfgShapeAnalyses | kNoCondTrapsAnalysis | kNoMergeAnalysis},
    {"cfg_simplify",
     "fold constant branches, drop unreachable blocks, remove redundant block parameters, "
     "forward empty blocks and merge straight-line blocks",
     &RunCfgSimplify, kUseCountAnalysis | kNoCondTrapsAnalysis},
    {"gvn", "global value numbering of pure instructions and readonly notrap loads", &RunGvn,
     kCfgShapeAnalyses | kCfgIndependentAnalyses | kNoMergeAnalysis},
    {"licm",
     "hoist loop-invariant pure values, readonly loads and loads of memory the loop does not "
     "write into preheaders; trapping ones only from the header's side-effect-free prefix",
     &RunLicm,
     kCfgShapeAnalyses | kCfgIndependentAnalyses | kNoMergeAnalysis | kNoRepeatedLocationsAnalysis},
    {"load_elim",
     "remove loads whose value is available along dominance (earlier load or store of the same "
     "bytes, alias classes from the memory flags) and non-heap stores overwritten in their block",
     &RunLoadElim, kCfgShapeAnalyses | kCfgIndependentAnalyses | kNoMergeAnalysis},
    {"iv_reduce",
     "give each loop-invariant offset (inv + i, i - inv, inv - i) of an induction variable its own "
     "induction variable when that lets the original one go",
     &RunIvReduce, kCfgShapeAnalyses | kCfgIndependentAnalyses | kNoMergeAnalysis},
    {"dce", "remove instructions without side effects whose results are unused", &RunDce,
     kCfgShapeAnalyses | kNoCondTrapsAnalysis | kNoMergeAnalysis},
};

// What `--opt-level=speed` runs, in order:
//  - simplify first, so that later passes see canonical forms (x + 1 and 1 + x are both
//    iadd_imm) and branch conditions that became constants;
//  - cfg_simplify folds those branches, drops what they made unreachable, merges the
//    frontend's straight-line and forwarding blocks and removes redundant block parameters;
//  - gvn merges duplicates (readonly loads included) along dominance;
//  - licm then hoists what is left invariant in loops into preheaders (after gvn, so one copy
//    of each value moves);
//  - load_elim removes loads whose value is available, now also from the preheaders;
//  - iv_reduce turns offsets of induction variables into induction variables of their own
//    (after licm, which made the preheaders and the invariants);
//  - cfg_simplify again removes the preheaders licm made that stayed empty and the block
//    parameters that only forward values;
//  - dce last, sweeping what the passes before left unused (including the arguments of
//    removed block parameters).
constexpr std::string_view kSpeedPipeline[] = {"simplify",  "cfg_simplify", "gvn",          "licm",
                                               "load_elim", "iv_reduce",    "cfg_simplify", "dce"};

}  // namespace

std::string KnownPassNames() {
  std::string s;
  for (const Pass& p : kPasses) {
    if (!s.empty()) s += ", ";
    s += p.name;
  }
  return s;
}

std::span<const Pass> AllPasses() { return kPasses; }

const Pass* FindPass(std::string_view name) {
  for (const Pass& p : kPasses) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Status CheckPrintAfter(std::string_view name) {
  if (name == "all" || FindPass(name) != nullptr) return Status::Ok();
  return Error("unknown pass '" + std::string(name) + "' (known: " + KnownPassNames() +
               ", or all)");
}

std::string_view Name(OptLevel level) {
  for (const OptLevelName& l : kOptLevels)
    if (l.value == level) return l.name;
  return "?";
}

Expected<OptLevel> ParseOptLevel(std::string_view name) {
  std::string known;
  for (const OptLevelName& l : kOptLevels) {
    if (l.name == name) return l.value;
    known += (known.empty() ? "" : ", ") + std::string(l.name);
  }
  return Error("unknown opt level '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<std::string_view> PipelineFor(OptLevel level) {
  switch (level) {
    case OptLevel::kNone:
      return {};
    case OptLevel::kSpeed:
      return std::vector<std::string_view>(std::begin(kSpeedPipeline), std::end(kSpeedPipeline));
  }
  return {};
}

Expected<std::vector<std::string_view>> PipelineFor(std::string_view level) {
  EGRET_ASSIGN_OR_RETURN(OptLevel l, ParseOptLevel(level));
  return PipelineFor(l);
}

Expected<PassManager> PassManager::FromNames(std::span<const std::string_view> names,
                                             PassManagerOptions options) {
  if (!options.print_after.empty()) EGRET_TRY(CheckPrintAfter(options.print_after));
  PassManager pm;
  for (std::string_view n : names) {
    const Pass* p = FindPass(n);
    if (p == nullptr) {
      return Error("unknown pass '" + std::string(n) + "' (known: " + KnownPassNames() + ")");
    }
    pm.passes_.push_back(p);
  }
  pm.options_ = std::move(options);
  return pm;
}

Expected<PassManager> PassManager::ForOptLevel(OptLevel level, PassManagerOptions options) {
  const std::vector<std::string_view> names = PipelineFor(level);
  return FromNames(names, std::move(options));
}

Expected<PassManager> PassManager::ForOptLevel(std::string_view level, PassManagerOptions options) {
  EGRET_ASSIGN_OR_RETURN(OptLevel l, ParseOptLevel(level));
  return ForOptLevel(l, std::move(options));
}

uint64_t ThreadCpuNanoseconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

Status PassManager::Run(ir::Function& f, PipelineStats* stats) const {
  // One cache per thread, reset per function: its analyses' vectors keep their capacity.
  thread_local AnalysisCache analyses;
  analyses.Reset(f);
  return Run(f, analyses, stats);
}

Status PassManager::Run(ir::Function& f, AnalysisCache& analyses, PipelineStats* stats) const {
  const uint32_t computations_before = analyses.computations();
  if (stats) stats->insts_in += f.NumLayoutInsts();
  for (const Pass* p : passes_) {
    const size_t before = stats ? f.NumLayoutInsts() : 0;
    const uint64_t t0 = stats ? ThreadCpuNanoseconds() : 0;
    EGRET_TRY(p->run(f, analyses));
    analyses.EndPass(p->preserves);
    if (stats) {
      const uint64_t t1 = ThreadCpuNanoseconds();
      PassStats& s = stats->For(p->name);
      ++s.runs;
      s.nanoseconds += t1 - t0;
      s.insts_before += before;
      s.insts_removed += static_cast<int64_t>(before) - static_cast<int64_t>(f.NumLayoutInsts());
    }
    if (options_.verify) {
      const uint64_t v0 = stats ? ThreadCpuNanoseconds() : 0;
      Status s = ir::Verify(f);
      if (stats) stats->verify_nanoseconds += ThreadCpuNanoseconds() - v0;
      if (!s.ok()) {
        return Error("IR verifier failed after pass '" + std::string(p->name) +
                     "': " + s.error().message);
      }
    }
    if (options_.on_print && (options_.print_after == "all" || options_.print_after == p->name)) {
      options_.on_print(p->name, f);
    }
  }
  if (stats) stats->analysis_computations += analyses.computations() - computations_before;
  return Status::Ok();
}

PassStats& PipelineStats::For(std::string_view name) {
  for (PassStats& s : passes) {
    if (s.name == name) return s;
  }
  passes.push_back(PassStats{name});
  return passes.back();
}

void PipelineStats::Merge(const PipelineStats& other) {
  for (const PassStats& o : other.passes) {
    PassStats& s = For(o.name);
    s.runs += o.runs;
    s.nanoseconds += o.nanoseconds;
    s.insts_removed += o.insts_removed;
    s.insts_before += o.insts_before;
  }
  analysis_computations += other.analysis_computations;
  insts_in += other.insts_in;
  verify_nanoseconds += other.verify_nanoseconds;
}

std::string PipelineStats::ToString() const {
  uint64_t total_ns = 0;
  int64_t total_removed = 0;
  for (const PassStats& s : passes) {
    total_ns += s.nanoseconds;
    total_removed += s.insts_removed;
  }
  std::string out = "pass            runs    time ms   share   insts removed\n";
  char line[160];
  // Instructions removed are shown as a share of the instructions entering the pipeline.
  auto row = [&](std::string_view name, uint64_t runs, uint64_t ns, int64_t removed) {
    const double share = total_ns ? 100.0 * static_cast<double>(ns) / total_ns : 0.0;
    const double pct = insts_in ? 100.0 * static_cast<double>(removed) / insts_in : 0.0;
    std::snprintf(line, sizeof line, "%-14s %5llu %10.3f %6.1f%% %10lld (%5.1f%%)\n",
                  std::string(name).c_str(), static_cast<unsigned long long>(runs), ns / 1e6, share,
                  static_cast<long long>(removed), pct);
    out += line;
  };
  for (const PassStats& s : passes) row(s.name, s.runs, s.nanoseconds, s.insts_removed);
  row("total", 0, total_ns, total_removed);
  std::snprintf(line, sizeof line, "analyses computed: %llu\n",
                static_cast<unsigned long long>(analysis_computations));
  out += line;
  return out;
}

}  // namespace egret::opt
