// bench_regalloc.cc: allocation throughput and quality on generated functions.
//
// Each benchmark allocates one LargeFunction (straight-line code, diamonds, loops, calls with
// clobbers and safepoints; x64-like registers) of 1k, 10k or 100k instructions. Throughput is
// `insts_per_s`; near-linear scaling means it stays flat as the size grows. Quality counters
// (spills, reloads, moves and their sum `cost`, spill slots) are per allocation of the same input,
// so the two allocators can be compared line by line. BM_Check measures the checker.
//
//   build/bin/bench_regalloc --benchmark_counters_tabular=true
#include "benchmark/benchmark.h"
#include "regalloc/allocator.h"
#include "regalloc/checker.h"
#include "regalloc/random_function.h"

namespace egret::regalloc {
namespace {

void BM_Allocate(benchmark::State& state, const char* algorithm) {
  const MachineEnv env = X64LikeEnv();
  const Function f = LargeFunction(1, static_cast<uint32_t>(state.range(0)), env);
  Options options;
  options.algorithm = algorithm;
  options.run_checker = false;
  Stats stats;
  for (auto _ : state) {
    Expected<Output> out = Allocate(f, env, options);
    if (!out.ok()) {
      state.SkipWithError(out.error().message.c_str());
      return;
    }
    stats = out->stats;
    benchmark::DoNotOptimize(out);
  }
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
BENCHMARK_CAPTURE(BM_Allocate, fast, "fast")
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Allocate, linear, "linear")
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
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
