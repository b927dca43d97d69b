// ir_bench.cc: IR construction and verification throughput on a generated 100k-instruction
// function shaped like translated Wasm (16 locals as SSA variables, diamonds and loops).
//
// Reported as items/s = instructions per second. Run: build/bin/bench_ir
// (figures in docs/ir.md, "Performance").
#include <benchmark/benchmark.h>

#include <cstdint>

#include "ir/builder.h"
#include "ir/cfg.h"
#include "ir/dominator_tree.h"
#include "ir/liveness.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace egret::ir {
namespace {

constexpr int kVars = 16;
constexpr size_t kTargetInsts = 100'000;

// Builds the generated function; deterministic (a fixed linear congruential sequence).
Function BuildBig() {
  Function f("big", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  uint32_t seed = 12345;
  auto rnd = [&] { return (seed = seed * 1103515245u + 12345u) >> 8; };
  Variable vars[kVars];
  for (auto& v : vars) v = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value p = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  for (int k = 0; k < kVars; ++k) b.DefVar(vars[k], k == 0 ? p : b.Iconst(Type::kI32, k));
  auto straight = [&](int n) {
    static constexpr Opcode kOps[] = {Opcode::kIadd, Opcode::kImul, Opcode::kBxor,
                                      Opcode::kIsub, Opcode::kBand, Opcode::kBor};
    for (int i = 0; i < n; ++i) {
      Value x = b.UseVar(vars[rnd() % kVars]);
      Value y = b.UseVar(vars[rnd() % kVars]);
      Value r = i % 3 == 2 ? b.BinaryImm(Opcode::kIaddImm, x, static_cast<int64_t>(rnd() % 100))
                           : b.Binary(kOps[rnd() % 6], x, y);
      b.DefVar(vars[rnd() % kVars], r);
    }
  };
  while (f.dfg.NumInsts() < kTargetInsts) {
    // A loop of 8 diamonds: header (unsealed until the back edge), body, latch.
    Block header = b.CreateBlock(), exit = b.CreateBlock();
    b.Jump(header);
    b.SwitchToBlock(header);
    for (int d = 0; d < 8; ++d) {
      straight(10);
      Block then_b = b.CreateBlock(), else_b = b.CreateBlock(), join = b.CreateBlock();
      Value c = b.IcmpImm(IntCC::kSlt, b.UseVar(vars[rnd() % kVars]), 50);
      b.Brif(c, then_b, {}, else_b, {});
      b.SealBlock(then_b);
      b.SealBlock(else_b);
      b.SwitchToBlock(then_b);
      straight(6);
      b.Jump(join);
      b.SwitchToBlock(else_b);
      straight(6);
      b.Jump(join);
      b.SealBlock(join);
      b.SwitchToBlock(join);
    }
    Value counter = b.BinaryImm(Opcode::kIaddImm, b.UseVar(vars[0]), -1);
    b.DefVar(vars[0], counter);
    b.Brif(counter, header, {}, exit, {});
    b.SealBlock(header);
    b.SealBlock(exit);
    b.SwitchToBlock(exit);
  }
  b.Return({b.UseVar(vars[1])});
  b.Finalize();
  return f;
}

void BM_BuildWithSsa(benchmark::State& state) {
  size_t insts = 0;
  for (auto _ : state) {
    Function f = BuildBig();
    insts = f.dfg.NumInsts();
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * insts));
  state.counters["insts"] = static_cast<double>(insts);
}
BENCHMARK(BM_BuildWithSsa)->Unit(benchmark::kMillisecond);

void BM_Verify(benchmark::State& state) {
  Function f = BuildBig();
  if (!VerifyFunction(f).empty()) state.SkipWithError("generated function does not verify");
  for (auto _ : state) benchmark::DoNotOptimize(VerifyFunction(f));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.dfg.NumInsts()));
}
BENCHMARK(BM_Verify)->Unit(benchmark::kMillisecond);

void BM_BuildAndVerify(benchmark::State& state) {
  size_t insts = 0;
  for (auto _ : state) {
    Function f = BuildBig();
    insts = f.dfg.NumInsts();
    benchmark::DoNotOptimize(VerifyFunction(f));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * insts));
}
BENCHMARK(BM_BuildAndVerify)->Unit(benchmark::kMillisecond);

void BM_Liveness(benchmark::State& state) {
  Function f = BuildBig();
  for (auto _ : state) {
    ControlFlowGraph cfg(f);
    DominatorTree dt(f, cfg);
    Liveness lv;
    lv.Compute(f, cfg, dt);
    benchmark::DoNotOptimize(lv);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.dfg.NumInsts()));
}
BENCHMARK(BM_Liveness)->Unit(benchmark::kMillisecond);

void BM_PrintAndParse(benchmark::State& state) {
  Function f = BuildBig();
  for (auto _ : state) {
    std::string text = PrintFunction(f);
    auto m = ParseModule(text);
    if (!m.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.dfg.NumInsts()));
}
BENCHMARK(BM_PrintAndParse)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace egret::ir
