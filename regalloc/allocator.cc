// allocator.cc: the factory and Allocate() (see allocator.h).
#include "regalloc/allocator.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "regalloc/backtrack.h"
#include "regalloc/checker.h"
#include "regalloc/walker.h"

namespace egret::regalloc {
namespace {

// fast: block-local. Every value that crosses a block boundary lives in its spill slot there;
// registers are assigned within each block only. One pass, no global decisions.
class FastAllocator final : public Allocator {
 public:
  std::string_view name() const override { return "fast"; }
  Status Run(const Function& f, const MachineEnv& env, const Liveness& live, Output* out) override {
    return ForwardWalker(f, env, live, ForwardWalker::Mode::kBlockLocal, out).Run();
  }
};

// linear: second-chance binpacking linear scan. Register assignments flow across block
// boundaries in layout order; live ranges are split at evictions and reloaded on demand; block
// parameters are coalesced with their arguments; edges are resolved afterwards.
class LinearAllocator final : public Allocator {
 public:
  std::string_view name() const override { return "linear"; }
  Status Run(const Function& f, const MachineEnv& env, const Liveness& live, Output* out) override {
    return ForwardWalker(f, env, live, ForwardWalker::Mode::kGlobal, out).Run();
  }
};

// backtrack: bundles of live ranges from a priority queue, with eviction, splitting around
// conflicts and loops, and spilling down to minimal ranges (backtrack.h).
class BacktrackAllocator final : public Allocator {
 public:
  std::string_view name() const override { return "backtrack"; }
  Status Run(const Function& f, const MachineEnv& env, const Liveness& live, Output* out) override {
    return RunBacktrack(f, env, live, out);
  }
};

constexpr std::string_view kNames[] = {"fast", "linear", "backtrack"};

}  // namespace

std::span<const std::string_view> AllocatorNames() { return kNames; }

Expected<std::unique_ptr<Allocator>> CreateAllocator(std::string_view name) {
  if (name == "fast") return std::unique_ptr<Allocator>(new FastAllocator());
  if (name == "linear") return std::unique_ptr<Allocator>(new LinearAllocator());
  if (name == "backtrack") return std::unique_ptr<Allocator>(new BacktrackAllocator());
  return Error(absl::StrCat("unknown register allocator '", std::string(name),
                            "' (choose fast, linear or backtrack)"));
}

namespace {

// Adds the function's name, if it has one, to an error about it.
Error Named(const Function& f, Error e) {
  if (!f.name.empty()) {
    const std::string prefix = "regalloc input: ";
    if (e.message.compare(0, prefix.size(), prefix) == 0)
      e.message = absl::StrCat(prefix, "function ", f.name, ": ", e.message.substr(prefix.size()));
    else
      e.message = absl::StrCat("function ", f.name, ": ", e.message);
  }
  return e;
}

}  // namespace

Expected<Output> Allocate(const Function& f, const MachineEnv& env, const Options& options) {
  using Clock = std::chrono::steady_clock;
  EGRET_ASSIGN_OR_RETURN(std::unique_ptr<Allocator> allocator, CreateAllocator(options.algorithm));
  if (Status s = f.Validate(env); !s.ok()) return Named(f, std::move(s).error());
  const auto start = Clock::now();
  Liveness live;
  if (Status s = live.Compute(f); !s.ok()) return Named(f, std::move(s).error());
  Output out;
  if (Status s = allocator->Run(f, env, live, &out); !s.ok()) return Named(f, std::move(s).error());
  const auto end = Clock::now();
  out.CountEdits();
  out.stats.insts = f.num_insts();
  out.stats.blocks = f.num_blocks();
  out.stats.vregs = f.num_vregs();
  out.stats.alloc_ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
  if (options.run_checker) {
    const Status s = CheckAllocation(f, env, out);
    out.stats.check_ns = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - end).count());
    if (!s.ok())
      Fatal(__FILE__, __LINE__,
            absl::StrCat(Named(f, s.error()).message, " (allocator ",
                         std::string(allocator->name()), ")\n", f.ToString(), out.ToString()));
  }
  return out;
}

}  // namespace egret::regalloc
