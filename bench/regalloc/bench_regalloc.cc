// bench_regalloc.cc: allocation throughput and quality on generated functions.
//
// Each benchmark allocates one LargeFunction (straight-line code, diamonds, loops, calls with
// clobbers and safepoints; x64-like registers) of 1k, 10k, 100k or 1M instructions. Throughput is
// `insts_per_s`; near-linear scaling means it stays flat as the size grows. Quality counters
// (spills, reloads, moves and their sum `cost`, spill slots) are per allocation of the same input,
// so the allocators can be compared line by line; `loop_cost` weighs each edit by 10 per
// enclosing loop, an estimate of how often it runs. BM_Check measures the checker.
//
//   build/bin/bench_regalloc --benchmark_counters_tabular=true
#include <cmath>
#include <vector>

#include "benchmark/benchmark.h"
#include "regalloc/allocator.h"
#include "regalloc/checker.h"
#include "regalloc/random_function.h"

namespace egret::regalloc {
namespace {

// An estimate of executed edits: each edit weighs 10^d where d is the number of loops around its
// block. Loops are found from the layout: a back edge from block l to block h <= l encloses
// blocks h..l (exact for LargeFunction, whose loops are laid out contiguously).
double WeightedCost(const Function& f, const Output& out) {
  std::vector<int> depth(f.num_blocks() + 1, 0);  // difference array over block indices
  for (uint32_t l = 0; l < f.num_blocks(); ++l) {
    for (const SuccEdge& e : f.Succs(Block(l))) {
      if (e.block.index > l) continue;
      ++depth[e.block.index];
      --depth[l + 1];
    }
  }
  std::vector<uint32_t> block_of(f.num_insts());
  int d = 0;
  std::vector<double> weight(f.num_blocks());
  for (uint32_t b = 0; b < f.num_blocks(); ++b) {
    d += depth[b];
    weight[b] = std::pow(10.0, d);
    for (uint32_t i = f.blocks[b].inst_begin; i < f.blocks[b].inst_end; ++i) block_of[i] = b;
  }
  double cost = 0;
  for (const Edit& e : out.edits) cost += weight[block_of[e.point.inst()]];
  return cost;
}

void BM_Allocate(benchmark::State& state, const char* algorithm) {
  const MachineEnv env = X64LikeEnv();
  const Function f = LargeFunction(1, static_cast<uint32_t>(state.range(0)), env);
  Options options;
  options.algorithm = algorithm;
  options.run_checker = false;
  Stats stats;
  double weighted = 0;
  for (auto _ : state) {
    Expected<Output> out = Allocate(f, env, options);
    if (!out.ok()) {
      state.SkipWithError(out.error().message.c_str());
      return;
    }
    stats = out->stats;
    benchmark::DoNotOptimize(out);
    state.PauseTiming();
    weighted = WeightedCost(f, *out);
    state.ResumeTiming();
  }
  state.counters["loop_cost"] = weighted;
  state.counters["insts"] = static_cast<double>(f.num_insts());
  state.counters["insts_per_s"] =
      benchmark::Counter(static_cast<double>(f.num_insts()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kIsIterationInvariant);
  state.counters["spills"] = static_cast<double>(stats.spills);
  state.counters["reloads"] = static_cast<double>(stats.reloads);
  state.counters["moves"] = static_cast<double>(stats.moves);
  state.counters["cost"] = static_cast<double>(stats.Cost());
  state.counters["slots"] = static_cast<double>(stats.spill_slots);
  state.counters["edge"] = static_cast<double>(stats.edge_moves);
}
// 1k to 1M instructions: throughput must stay flat (near-linear allocation time).
BENCHMARK_CAPTURE(BM_Allocate, fast, "fast")
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Allocate, linear, "linear")
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Allocate, backtrack, "backtrack")
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);

void BM_Check(benchmark::State& state) {
  const MachineEnv env = X64LikeEnv();
  const Function f = LargeFunction(1, static_cast<uint32_t>(state.range(0)), env);
  Options options;
  options.run_checker = false;
  const Output out = *Allocate(f, env, options);
  for (auto _ : state) {
    Status s = CheckAllocation(f, env, out);
    if (!s.ok()) {
      state.SkipWithError(s.error().message.c_str());
      return;
    }
  }
  state.counters["insts_per_s"] =
      benchmark::Counter(static_cast<double>(f.num_insts()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kIsIterationInvariant);
}
BENCHMARK(BM_Check)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace egret::regalloc
