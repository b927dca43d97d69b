// allocator.cc: the factory and Allocate() (see allocator.h).
#include "regalloc/allocator.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

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
  // It reads live-out sets (building ranges), NumLiveIn and DefBlock only.
  Liveness::Sets LivenessSets() const override { return Liveness::Sets::kLiveOutOnly; }
};

constexpr std::string_view kNames[] = {"fast", "linear", "backtrack"};

// The allocators hold no state (backtrack keeps its containers per thread, RunBacktrack), so
// Allocate() runs these shared instances instead of creating one per function.
FastAllocator shared_fast;
LinearAllocator shared_linear;
BacktrackAllocator shared_backtrack;

// The shared instance named `name`, or null (CreateAllocator then gives the error).
Allocator* SharedAllocator(std::string_view name) {
  if (name == "backtrack") return &shared_backtrack;
  if (name == "linear") return &shared_linear;
  if (name == "fast") return &shared_fast;
  return nullptr;
}

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

namespace {

// A thread's Liveness keeps at most this much capacity between functions.
constexpr size_t kMaxLivenessBytes = size_t{16} << 20;

// `commute`: the same function, mutable, when the caller lets ChooseCommutedReuse() run.
Expected<Output> AllocateImpl(const Function& f, Function* commute, const MachineEnv& env,
                              const Options& options) {
  using Clock = std::chrono::steady_clock;
  Allocator* const allocator = SharedAllocator(options.algorithm);
  if (allocator == nullptr) return CreateAllocator(options.algorithm).error();
  // Validation policy: the input is the backend's own output, so its full check goes with the
  // checker (both prove the backend and allocator correct; Debug and test builds, the spec
  // suite and `--regalloc-checker` run them). Otherwise only the structure is checked, which
  // keeps liveness and the allocators within the tables (like regalloc2's validate_ssa, off by
  // default; the rest of Validate() is linear in the operands and cost 2% of a Release
  // compile).
  const Status valid = options.run_checker ? f.Validate(env) : f.ValidateStructure(env);
  if (!valid.ok()) return Named(f, valid.error());
  const auto start = Clock::now();
  // One Liveness per thread, computed for function after function: its arrays keep their
  // capacity (a compile worker allocates many functions in a row), up to kMaxLivenessBytes.
  thread_local Liveness live;
  struct Trim {  // on every return
    ~Trim() {
      if (live.RetainedBytes() > kMaxLivenessBytes) live = Liveness();
    }
  } trim;
  if (Status s = live.Compute(f, Liveness::Method::kAuto, allocator->LivenessSets()); !s.ok())
    return Named(f, std::move(s).error());
  // Swapping which input is reused changes no vreg's liveness, only constraints.
  if (commute != nullptr) ChooseCommutedReuse(commute, live);
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

}  // namespace

namespace {

// The block parameter each vreg is passed to as a branch argument (the first one, if several):
// the allocators coalesce an argument with its parameter (backtrack merges their bundles, linear
// hints the argument towards the parameter's register).
class ParamOf {
 public:
  // The edges in the order of their blocks (the successor table holds each block's edges after
  // the previous block's), so "first" is in that order; edges without arguments (most) are
  // skipped before their successor's parameters are looked up.
  explicit ParamOf(const Function& f) {
    const VReg* const args = f.branch_args.data();
    for (const SuccEdge& e : f.succs) {
      if (e.arg_begin == e.arg_end) continue;
      const BlockData& s = f.blocks[e.block.index];
      const VReg* const params = f.block_params.data() + s.param_begin;
      const uint32_t n = std::min(e.arg_end - e.arg_begin, s.param_end - s.param_begin);
      if (n > 0 && param_.empty()) param_.assign(f.num_vregs(), UINT32_MAX);
      for (uint32_t k = 0; k < n; ++k) {
        uint32_t& first = param_[args[e.arg_begin + k].index];
        if (first == UINT32_MAX) first = params[k].index;
      }
    }
  }
  // True if `arg` is passed to parameter `param` on some edge (the first one it is passed to).
  bool PassedTo(VReg arg, VReg param) const {
    return !param_.empty() && param_[arg.index] == param.index;
  }

 private:
  std::vector<uint32_t> param_;  // empty: the function has no block parameters
};

}  // namespace

namespace {

// ChooseCommutedReuse's per-vreg arrays, kept by each thread from function to function (a
// compile worker runs it for every function): the epoch counts on across functions, so an entry
// left by an earlier block or function never equals the current epoch, and the arrays are
// cleared only when they grow or the epoch wraps around.
struct CommuteTemps {
  std::vector<uint32_t> stamp, last_use, live_out;
  uint32_t epoch = 0;
  static constexpr size_t kMaxRetained = size_t{1} << 20;  // entries per array kept
};

}  // namespace

void ChooseCommutedReuse(Function* f, const Liveness& live) {
  const uint32_t nv = f->num_vregs();
  thread_local CommuteTemps temps;
  std::vector<uint32_t>& stamp = temps.stamp;
  std::vector<uint32_t>& last_use = temps.last_use;  // read only where stamp is the epoch
  std::vector<uint32_t>& live_out = temps.live_out;
  uint32_t& epoch = temps.epoch;
  bool sized = false;               // on the first candidate block
  std::optional<ParamOf> param_of;  // built on the first def whose inputs both die
  // Most blocks have no commutative def: liveness's walk over the operands noted the ones that
  // do.
  for (uint32_t b : live.CommutativeBlocks()) {
    const BlockData& bd = f->blocks[b];
    if (!sized) {
      sized = true;
      if (stamp.size() < nv) {
        stamp.assign(nv, 0);
        last_use.resize(nv);
        live_out.assign(nv, 0);
      }
    }
    if (++epoch == 0) {  // wrapped around: no entry may hold the new epoch
      std::fill(stamp.begin(), stamp.end(), 0);
      std::fill(live_out.begin(), live_out.end(), 0);
      epoch = 1;
    }
    live.ForEachLiveOut(Block(b), [&](VReg v) { live_out[v.index] = epoch; });
    for (uint32_t i = bd.inst_begin; i < bd.inst_end; ++i)
      for (const Operand& op : f->InstOperands(i))
        if (op.is_use()) {
          stamp[op.vreg.index] = epoch;
          last_use[op.vreg.index] = i;
        }
    auto dies_at = [&](VReg v, uint32_t i) {
      return live_out[v.index] != epoch && stamp[v.index] == epoch && last_use[v.index] == i;
    };
    for (uint32_t i = bd.inst_begin; i < bd.inst_end; ++i) {
      const uint32_t base = f->insts[i].operand_begin;
      const uint32_t n = f->insts[i].operand_end - base;
      for (uint32_t k = 0; k < n; ++k) {
        Operand& d = f->operands[base + k];
        if (d.commutes_with == Operand::kNoCommute) continue;
        const VReg kept = f->operands[base + d.reuse_index].vreg;
        const VReg other = f->operands[base + d.commutes_with].vreg;
        bool partner_reused = false;  // by another def: then it stays that def's
        for (uint32_t j = 0; j < n; ++j)
          partner_reused |= j != k && f->operands[base + j].constraint == Constraint::kReuse &&
                            f->operands[base + j].reuse_index == d.commutes_with;
        if (kept == other || partner_reused || !dies_at(other, i)) continue;
        bool swap = !dies_at(kept, i);
        if (!swap) {
          // Both inputs die: reuse the block parameter the def is passed to (a loop-carried
          // accumulator whose back-edge argument is the def). The def then shares
          // the accumulator's register and the back edge needs no move; reusing the other input
          // (say a call's result in rax) would leave the def in that register and copy it into
          // the parameter's on every iteration.
          if (!param_of) param_of.emplace(*f);
          swap = param_of->PassedTo(d.vreg, other);
        }
        if (swap) std::swap(d.reuse_index, d.commutes_with);
      }
    }
  }
  if (stamp.capacity() > CommuteTemps::kMaxRetained) temps = CommuteTemps();
}

Expected<Output> Allocate(const Function& f, const MachineEnv& env, const Options& options) {
  return AllocateImpl(f, nullptr, env, options);
}

Expected<Output> Allocate(Function* f, const MachineEnv& env, const Options& options) {
  return AllocateImpl(*f, f, env, options);
}

}  // namespace egret::regalloc
