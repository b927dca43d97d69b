// externref_bench.cc: what counted host references cost (docs/performance.md, "externref").
//
// Per call, an externref into and out of Wasm next to an i32 (the function returns its argument):
//   BM_ExternRef_Call/checked   Store::Call(Func, args, results): the argument enters the
//                               activations table (one count), the result Val is cloned
//                               (one count), the argument Val is the caller's;
//   BM_ExternRef_Call/raw       Store::CallUnchecked with Store::ExternRefToRaw (one count and
//                               a bump per call; a collection every 512 calls);
//   BM_I32_Call/checked, /raw   the same calls with an i32.
//   BM_ExternRef_TableRoundTrip Wasm table.set then table.get of an externref (builtins:
//                               count the new, release the old; activate the read).
//   BM_ExternRef_GlobalPair     global.set + global.get of an externref global inside Wasm
//                               (two builtin calls) next to BM_I64_GlobalPair (inline
//                               store + load), per pair.
// Collections: BM_ExternRef_GC/depth/entries: Wasm recurses `depth` frames, each holding a
// reference across its call, then a host function fills the activations table (`entries`
// entries) and times one Store::GC() (manual time: only the collection is measured), which
// walks every frame's stack map, keeps the `depth` roots and releases the rest.
//
// Run: <build>/bin/bench_runtime --benchmark_filter='ExternRef|I32_Call'
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <vector>

#include "compiler/compiler.h"
#include "frontend/text/module_parser.h"
#include "runtime/engine.h"
#include "runtime/extern_ref.h"
#include "runtime/instance.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"

namespace egret::bench {
namespace {

using artifact::FuncType;
using artifact::ValType;
using runtime::ExternRef;
using runtime::Val;
using runtime::ValRaw;

constexpr const char* kModule = R"((module
  (import "host" "probe" (func $probe))
  (table $t 1 externref)
  (global $gr (mut externref) (ref.null extern))
  (global $gi (mut i64) (i64.const 0))
  ;; n rounds of global.set + global.get: externref (builtins) against i64 (inline).
  (func (export "ref_globals") (param i32 externref) (result externref)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (global.set $gr (local.get 1))
      (local.set 1 (global.get $gr))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (local.get 1))
  (func (export "i64_globals") (param i32 i64) (result i64)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (global.set $gi (local.get 1))
      (local.set 1 (global.get $gi))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (local.get 1))
  (func (export "ref_id") (param externref) (result externref) (local.get 0))
  (func (export "i32_id") (param i32) (result i32) (local.get 0))
  (func (export "table_rt") (param externref) (result externref)
    (table.set $t (i32.const 0) (local.get 0))
    (table.get $t (i32.const 0)))
  ;; Each level keeps x live across its call.
  (func $rec (export "rec") (param i32 externref) (result externref)
    (if (i32.eqz (local.get 0))
      (then (call $probe))
      (else (drop (call $rec (i32.sub (local.get 0) (i32.const 1)) (local.get 1)))))
    (local.get 1))
))";

template <class T>
T Must(Expected<T> e) {
  if (!e.ok()) {
    std::fprintf(stderr, "externref_bench: %s\n", e.error().ToString().c_str());
    std::abort();
  }
  return std::move(*e);
}

struct Fixture {
  runtime::Engine engine;
  runtime::Store store{engine};
  runtime::Instance* instance = nullptr;
  std::function<void()> probe = [] {};

  explicit Fixture(size_t activations = 512) : engine(Config(activations)) {
    auto wasm = Must(text::WatToWasm(kModule));
    auto compiled = Must(compiler::CompileBytes(std::move(wasm), "externref_bench", {}));
    auto module = Must(runtime::Module::FromArtifact(engine, std::move(compiled.artifact)));
    runtime::Linker linker;
    Status st = linker.Define(
        "host", "probe",
        runtime::Extern::Of(store.NewHostFunc(FuncType{{}, {}}, [this](std::span<ValRaw>) {
          probe();
          return std::optional<TrapCode>();
        })));
    EGRET_CHECK(st.ok());
    instance = Must(linker.Instantiate(store, module));
  }
  static runtime::EngineConfig Config(size_t activations) {
    runtime::EngineConfig c;
    c.externref_activations = activations;
    return c;
  }
};

void BM_Call(benchmark::State& state, bool externref, bool raw) {
  Fixture fx;
  const runtime::Func f = fx.instance->GetFunc(externref ? "ref_id" : "i32_id");
  ExternRef obj = ExternRef::New<int>(42);
  Val args[1] = {externref ? Val::ExternRef(obj) : Val::I32(42)};
  Val results[1];
  for (auto _ : state) {
    if (raw) {
      ValRaw io[1];
      if (externref)
        io[0].ref = fx.store.ExternRefToRaw(obj);
      else
        io[0].i32 = 42;
      if (fx.store.CallUnchecked(f, io)) state.SkipWithError("trap");
      benchmark::DoNotOptimize(io[0].i64);
    } else {
      auto r = fx.store.Call(f, args, results);
      if (!r.ok() || r->has_value()) state.SkipWithError("call failed");
      benchmark::DoNotOptimize(results[0].raw.i64);
    }
  }
}
BENCHMARK_CAPTURE(BM_Call, ExternRef_checked, true, false)->Name("BM_ExternRef_Call/checked");
BENCHMARK_CAPTURE(BM_Call, ExternRef_raw, true, true)->Name("BM_ExternRef_Call/raw");
BENCHMARK_CAPTURE(BM_Call, I32_checked, false, false)->Name("BM_I32_Call/checked");
BENCHMARK_CAPTURE(BM_Call, I32_raw, false, true)->Name("BM_I32_Call/raw");

void BM_ExternRef_TableRoundTrip(benchmark::State& state) {
  Fixture fx;
  const runtime::Func f = fx.instance->GetFunc("table_rt");
  ExternRef obj = ExternRef::New<int>(42);
  Val args[1] = {Val::ExternRef(obj)};
  Val results[1];
  for (auto _ : state) {
    auto r = fx.store.Call(f, args, results);
    if (!r.ok() || r->has_value()) state.SkipWithError("call failed");
  }
}
BENCHMARK(BM_ExternRef_TableRoundTrip);

// Per global.set + global.get pair inside Wasm (1000 pairs per call; the figure is per pair).
void BM_GlobalPair(benchmark::State& state, bool externref) {
  Fixture fx;
  const runtime::Func f = fx.instance->GetFunc(externref ? "ref_globals" : "i64_globals");
  ExternRef obj = ExternRef::New<int>(42);
  constexpr int32_t kPairs = 1000;
  Val args[2] = {Val::I32(kPairs), externref ? Val::ExternRef(obj) : Val::I64(42)};
  Val results[1];
  for (auto _ : state) {
    auto r = fx.store.Call(f, args, results);
    if (!r.ok() || r->has_value()) state.SkipWithError("call failed");
  }
  state.SetItemsProcessed(state.iterations() * kPairs);
}
BENCHMARK_CAPTURE(BM_GlobalPair, externref, true)->Name("BM_ExternRef_GlobalPair");
BENCHMARK_CAPTURE(BM_GlobalPair, i64, false)->Name("BM_I64_GlobalPair");

void BM_ExternRef_GC(benchmark::State& state) {
  const int32_t depth = int32_t(state.range(0));
  const size_t entries = size_t(state.range(1));
  Fixture fx(entries);
  ExternRef held = ExternRef::New<int>(1);
  std::vector<ExternRef> filler;
  for (size_t i = 0; i < 64; ++i) filler.push_back(ExternRef::New<int>(int(i)));
  double seconds = 0;
  size_t roots = 0;
  fx.probe = [&] {
    // Fill the chunk (the recursion's own argument took one entry), then collect once.
    while (fx.store.activations().size() < entries)
      fx.store.ExternRefToRaw(filler[fx.store.activations().size() % filler.size()]);
    const auto t0 = std::chrono::steady_clock::now();
    runtime::ExternRefActivations::CollectStats s = fx.store.GC();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    roots = s.roots;
  };
  const runtime::Func rec = fx.instance->GetFunc("rec");
  Val args[2] = {Val::I32(depth), Val::ExternRef(held)};
  Val results[1];
  for (auto _ : state) {
    fx.store.GC();  // empty, outside the timed collection
    auto r = fx.store.Call(rec, args, results);
    if (!r.ok() || r->has_value()) state.SkipWithError("call failed");
    state.SetIterationTime(seconds);
  }
  state.counters["roots"] = double(roots);
}
BENCHMARK(BM_ExternRef_GC)
    ->ArgNames({"depth", "entries"})
    ->ArgsProduct({{1, 10, 100, 1000}, {64, 512, 4096}})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace egret::bench
