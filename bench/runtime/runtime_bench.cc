// runtime_bench.cc: the cost of crossing the host/Wasm boundary and of instantiation.
//
// Modules are small hand-assembled Wasm binaries compiled in-process with compiler::CompileBytes
// and loaded with runtime::Module::FromArtifact (the JIT path), so the benchmark measures the
// runtime, not file I/O.
//
// Calls (host -> Wasm), each through two paths:
//   typed    Store::Call(Func, span<const Val>): type-checks the arguments, allocates the ValRaw
//            slot vector, sets stack limit and fuel on every instance, packs the results into
//            a CallResult (what embedders and `egret run --invoke` use);
//   raw      Store::CallUnchecked(Func, span<ValRaw>): the array_call entry on the caller's
//            ValRaw slots under trap handling, with stack limit and fuel set as in Call, but no
//            type checks and no allocation.
//   nop   () -> ()                       an empty function
//   i64   () -> i64                      Wasm calls a host function returning an i64, returns it
//   many  (i32 x5) -> i32                sums its five parameters
//   host_loop (i32 n) -> ()              calls a host `nop` n times: Wasm -> host, per call
// Host functions only exist as HostCallback over span<ValRaw> (the untyped form).
//
// Instantiation: a module with one empty function, and one importing 100 host functions
// (Linker lookups, VMFunctionImport filling, funcrefs). Instances accumulate in a Store; every
// kInstancesPerStore the store is replaced with the clock paused.
//
// Run: <build>/bin/bench_runtime   (figures: docs/performance.md)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "runtime/engine.h"
#include "runtime/instance.h"
#include "runtime/instance_pre.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"
#include "runtime/trap_handler.h"
#include "runtime/typed_func.h"
#include "support/leb128.h"

namespace egret::bench {
namespace {

using Bytes = std::vector<uint8_t>;
using runtime::ValRaw;

void AppendSection(Bytes& out, uint8_t id, const Bytes& payload) {
  out.push_back(id);
  WriteU32(out, static_cast<uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
}

void AppendName(Bytes& out, const std::string& s) {
  WriteU32(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

// "f<k>"; appending (rather than "f" + std::string) avoids a g++-12 -O3 -Wrestrict false alarm.
std::string ImportName(uint32_t k) {
  std::string name = "f";
  name += std::to_string(k);
  return name;
}

Bytes Header() { return {0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}; }

// types: 0 () -> (), 1 () -> i64, 2 (i32 x5) -> i32, 3 (i32) -> ()
// imports: func 0 host.nop (type 0), func 1 host.i64 (type 1)
// exports: nop (2), i64 (3), many (4), host_loop (5)
Bytes CallsModule() {
  Bytes types = {0x04, 0x60, 0x00, 0x00, 0x60, 0x00, 0x01, 0x7e, 0x60, 0x05, 0x7f,
                 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00};
  Bytes imports;
  WriteU32(imports, 2);
  AppendName(imports, "host");
  AppendName(imports, "nop");
  imports.insert(imports.end(), {0x00, 0x00});
  AppendName(imports, "host");
  AppendName(imports, "i64");
  imports.insert(imports.end(), {0x00, 0x01});
  Bytes funcs = {0x04, 0x00, 0x01, 0x02, 0x03};
  Bytes exports;
  WriteU32(exports, 4);
  const char* names[] = {"nop", "i64", "many", "host_loop"};
  for (uint8_t i = 0; i < 4; ++i) {
    AppendName(exports, names[i]);
    exports.insert(exports.end(), {0x00, static_cast<uint8_t>(2 + i)});
  }
  const std::vector<Bytes> bodies = {
      {0x00, 0x0b},
      {0x00, 0x10, 0x01, 0x0b},
      {0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x20, 0x02, 0x6a, 0x20, 0x03, 0x6a, 0x20, 0x04, 0x6a,
       0x0b},
      // block loop (br_if 1 (i32.eqz n)) call 0; n = n - 1; br 0 end end
      {0x00, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x45, 0x0d, 0x01, 0x10, 0x00,
       0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b, 0x0b},
  };
  Bytes code;
  WriteU32(code, static_cast<uint32_t>(bodies.size()));
  for (const Bytes& b : bodies) {
    WriteU32(code, static_cast<uint32_t>(b.size()));
    code.insert(code.end(), b.begin(), b.end());
  }
  Bytes m = Header();
  AppendSection(m, 1, types);
  AppendSection(m, 2, imports);
  AppendSection(m, 3, funcs);
  AppendSection(m, 7, exports);
  AppendSection(m, 10, code);
  return m;
}

// `imports` functions env.f<k> of type () -> (), and one exported empty function "f".
Bytes InstantiateModule(uint32_t imports) {
  Bytes types = {0x01, 0x60, 0x00, 0x00};
  Bytes imp;
  WriteU32(imp, imports);
  for (uint32_t k = 0; k < imports; ++k) {
    AppendName(imp, "env");
    AppendName(imp, ImportName(k));
    imp.insert(imp.end(), {0x00, 0x00});
  }
  Bytes funcs = {0x01, 0x00};
  Bytes exports;
  WriteU32(exports, 1);
  AppendName(exports, "f");
  exports.push_back(0x00);
  WriteU32(exports, imports);
  Bytes code = {0x01, 0x02, 0x00, 0x0b};
  Bytes m = Header();
  AppendSection(m, 1, types);
  if (imports > 0) AppendSection(m, 2, imp);
  AppendSection(m, 3, funcs);
  AppendSection(m, 7, exports);
  AppendSection(m, 10, code);
  return m;
}

// Setup failures are bugs in this file or in the pipeline: print the error and stop.
template <class T>
T Must(Expected<T> e) {
  if (!e.ok()) {
    std::fprintf(stderr, "bench_runtime: %s\n", e.error().ToString().c_str());
    std::abort();
  }
  return std::move(*e);
}
void Must(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "bench_runtime: %s\n", s.error().ToString().c_str());
    std::abort();
  }
}

runtime::Engine& TheEngine() {
  static runtime::Engine* engine = new runtime::Engine();
  return *engine;
}

constexpr int kInstancesPerStore = 2048;

// Pooling everything: memory reservations, and slots for the tables and VMContexts of as many
// instances as the instantiation benchmarks keep in one store. images: copy-on-write data images.
runtime::Engine& PoolingEngine(bool images = true) {
  static runtime::Engine* engines[2] = {};
  if (engines[images] == nullptr) {
    runtime::EngineConfig config;
    config.memory_images = images;
    config.pooled_memories = 64;
    config.pooled_tables = kInstancesPerStore;
    config.pooled_table_elements = 10'000;
    config.pooled_vmctxs = kInstancesPerStore;
    engines[images] = new runtime::Engine(config);
  }
  return *engines[images];
}

std::shared_ptr<const runtime::Module> Compile(const Bytes& bytes, const char* name,
                                               runtime::Engine& engine = TheEngine()) {
  compiler::CompileOptions options;
  options.regalloc_checker = false;
  compiler::CompileResult r = Must(compiler::CompileBytes(bytes, name, options));
  return Must(runtime::Module::FromArtifact(engine, std::move(r.artifact)));
}

// One store with the calls module instantiated against two host functions.
struct CallsFixture {
  runtime::Store store{TheEngine()};
  runtime::Instance* instance = nullptr;
  uint64_t host_nop_calls = 0;  // counted, so a loop that does not loop is caught

  CallsFixture() {
    static const std::shared_ptr<const runtime::Module> module = Compile(CallsModule(), "calls");
    runtime::Linker linker;
    const artifact::FuncType nop_type{{}, {}};
    const artifact::FuncType i64_type{{}, {artifact::ValType::kI64}};
    Must(linker.Define("host", "nop",
                       runtime::Extern::Of(store.NewHostFunc(
                           nop_type, [this](std::span<ValRaw>) -> std::optional<TrapCode> {
                             ++host_nop_calls;
                             return std::nullopt;
                           }))));
    Must(linker.Define("host", "i64",
                       runtime::Extern::Of(store.NewHostFunc(
                           i64_type, [](std::span<ValRaw> io) -> std::optional<TrapCode> {
                             io[0].i64 = 0x123456789;
                             return std::nullopt;
                           }))));
    instance = Must(linker.Instantiate(store, module));
    // One typed call sets the stack limit and fuel counter the raw path then relies on.
    Must(store.Call(instance->GetFunc("nop"), {}));
  }
};

void BM_Call_Typed(benchmark::State& state, const char* name, std::vector<runtime::Val> args) {
  CallsFixture fx;
  const runtime::Func f = fx.instance->GetFunc(name);
  for (auto _ : state) {
    Expected<runtime::CallResult> r = fx.store.Call(f, args);
    benchmark::DoNotOptimize(r->results.data());
  }
}

// The checked path without allocation: Store::Call(Func, args, results).
void BM_Call_Checked(benchmark::State& state, const char* name, std::vector<runtime::Val> args) {
  CallsFixture fx;
  const runtime::Func f = fx.instance->GetFunc(name);
  runtime::Val results[1];
  const size_t num_results = fx.store.TypeOf(f).results.size();
  for (auto _ : state) {
    Expected<std::optional<runtime::Trap>> r =
        fx.store.Call(f, args, std::span<runtime::Val>(results, num_results));
    if (!r.ok() || r->has_value()) state.SkipWithError("call failed");
    benchmark::DoNotOptimize(results[0].raw.i64);
  }
}

// TypedFunc: the signature checked once, C++ arguments packed on the stack.
template <class Sig, class... Args>
void BM_Call_TypedFunc(benchmark::State& state, const char* name, Args... args) {
  CallsFixture fx;
  auto f = Must(runtime::TypedFunc<Sig>::Create(fx.store, fx.instance->GetFunc(name)));
  for (auto _ : state) {
    auto r = f.Call(fx.store, args...);
    if (r.trap) state.SkipWithError("trap");
    benchmark::DoNotOptimize(r);
  }
}

void BM_Call_TypedFunc_nop(benchmark::State& state, const char* name) {
  BM_Call_TypedFunc<void()>(state, name);
}
void BM_Call_TypedFunc_i64(benchmark::State& state, const char* name) {
  BM_Call_TypedFunc<int64_t()>(state, name);
}
void BM_Call_TypedFunc_many(benchmark::State& state, const char* name) {
  BM_Call_TypedFunc<int32_t(int32_t, int32_t, int32_t, int32_t, int32_t)>(state, name, 1, 2, 3, 4,
                                                                          5);
}

void BM_Call_Raw(benchmark::State& state, const char* name, std::vector<ValRaw> slots) {
  CallsFixture fx;
  const runtime::Func f = fx.instance->GetFunc(name);
  std::vector<ValRaw> io = slots;
  if (io.empty()) io.resize(1);
  for (auto _ : state) {
    std::copy(slots.begin(), slots.end(), io.begin());
    if (fx.store.CallUnchecked(f, io)) state.SkipWithError("trap");
    benchmark::DoNotOptimize(io[0].i64);
  }
}

ValRaw I32(int32_t v) {
  ValRaw r{};
  r.i32 = v;
  return r;
}

constexpr int32_t kLoopCalls = 1000;

void BM_HostLoop(benchmark::State& state, bool typed) {
  CallsFixture fx;
  const runtime::Func f = fx.instance->GetFunc("host_loop");
  const runtime::Val arg = runtime::Val::I32(kLoopCalls);
  for (auto _ : state) {
    if (typed) {
      benchmark::DoNotOptimize(fx.store.Call(f, {&arg, 1}).ok());
    } else {
      ValRaw slot = I32(kLoopCalls);
      fx.store.CallUnchecked(f, std::span<ValRaw>(&slot, 1));
    }
  }
  if (fx.host_nop_calls != static_cast<uint64_t>(state.iterations()) * kLoopCalls)
    state.SkipWithError("the host function was not called kLoopCalls times per iteration");
  // Seconds per Wasm -> host call (the one host -> Wasm entry is amortized over kLoopCalls).
  state.counters["per_host_call"] = benchmark::Counter(
      kLoopCalls, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

BENCHMARK_CAPTURE(BM_Call_Typed, nop, "nop", {})->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Call_Checked, nop, "nop", {})->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Call_TypedFunc_nop, nop, "nop")->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Call_Raw, nop, "nop", {})->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Call_Typed, i64, "i64", {})->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Call_Checked, i64, "i64", {})->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Call_TypedFunc_i64, i64, "i64")->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Call_Raw, i64, "i64", {})->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Call_Typed, many, "many",
                  {runtime::Val::I32(1), runtime::Val::I32(2), runtime::Val::I32(3),
                   runtime::Val::I32(4), runtime::Val::I32(5)})
    ->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Call_Checked, many, "many",
                  {runtime::Val::I32(1), runtime::Val::I32(2), runtime::Val::I32(3),
                   runtime::Val::I32(4), runtime::Val::I32(5)})
    ->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Call_TypedFunc_many, many, "many")->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_Call_Raw, many, "many", {I32(1), I32(2), I32(3), I32(4), I32(5)})
    ->Unit(benchmark::kNanosecond);
BENCHMARK_CAPTURE(BM_HostLoop, typed, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_HostLoop, raw, false)->Unit(benchmark::kMicrosecond);

// range(1): 0 = Linker::Instantiate (lookups and checks per instance), 1 = InstancePre;
// range(2): 1 = the pooling engine (VMContexts from a slot pool). Stores are replaced, untimed,
// every kInstancesPerStore instances.
void BM_Instantiate(benchmark::State& state) {
  const uint32_t imports = static_cast<uint32_t>(state.range(0));
  const bool prelinked = state.range(1) != 0;
  runtime::Engine& engine = state.range(2) != 0 ? PoolingEngine() : TheEngine();
  const std::shared_ptr<const runtime::Module> module =
      Compile(InstantiateModule(imports), "instantiate", engine);
  std::unique_ptr<runtime::Store> store;
  std::unique_ptr<runtime::Linker> linker;
  auto fresh_store = [&] {
    linker.reset();
    store.reset();
    store = std::make_unique<runtime::Store>(engine);
    linker = std::make_unique<runtime::Linker>();
    for (uint32_t k = 0; k < imports; ++k) {
      runtime::Func f = store->NewHostFunc(
          {{}, {}}, [](std::span<ValRaw>) -> std::optional<TrapCode> { return std::nullopt; });
      Must(linker->Define("env", ImportName(k), runtime::Extern::Of(f)));
    }
  };
  std::optional<runtime::InstancePre> pre;
  auto relink = [&] {
    fresh_store();
    if (prelinked) pre = Must(runtime::InstancePre::Create(*linker, *store, module));
  };
  relink();
  int in_store = 0;
  for (auto _ : state) {
    if (in_store == kInstancesPerStore) {
      state.PauseTiming();
      pre.reset();
      relink();
      in_store = 0;
      state.ResumeTiming();
    }
    Expected<runtime::Instance*> inst =
        prelinked ? pre->Instantiate(*store) : linker->Instantiate(*store, module);
    if (!inst.ok()) {
      state.SkipWithError(inst.error().ToString().c_str());
      return;
    }
    ++in_store;
    benchmark::DoNotOptimize(*inst);
  }
}

BENCHMARK(BM_Instantiate)
    ->ArgNames({"imports", "prelinked", "pool"})
    ->Args({0, 0, 0})
    ->Args({0, 1, 0})
    ->Args({0, 0, 1})
    ->Args({0, 1, 1})
    ->Args({100, 0, 0})
    ->Args({100, 1, 0})
    ->Args({100, 1, 1})
    ->Unit(benchmark::kMicrosecond);

// A module with one memory whose active data segments hold `mib` MiB (four segments, one at a
// non-page offset), and one exported empty function.
Bytes DataModule(uint32_t mib) {
  const uint32_t bytes = mib << 20;
  const uint32_t pages = (bytes + 65535) / 65536 + 1;
  Bytes types = {0x01, 0x60, 0x00, 0x00};
  Bytes funcs = {0x01, 0x00};
  Bytes memory = {0x01, 0x00};
  WriteU32(memory, pages);
  Bytes exports;
  WriteU32(exports, 1);
  AppendName(exports, "f");
  exports.insert(exports.end(), {0x00, 0x00});
  Bytes code = {0x01, 0x02, 0x00, 0x0b};
  Bytes data;
  WriteU32(data, 4);
  for (uint32_t k = 0; k < 4; ++k) {
    data.insert(data.end(), {0x00, 0x41});  // active, memory 0, i32.const
    WriteS32(data, int32_t(k * (bytes / 4) + (k == 2 ? 100 : 0)));
    data.push_back(0x0b);
    WriteU32(data, bytes / 4 - 200);
    for (uint32_t i = 0; i < bytes / 4 - 200; ++i) data.push_back(uint8_t(i * 31 + k));
  }
  Bytes m = Header();
  AppendSection(m, 1, types);
  AppendSection(m, 3, funcs);
  AppendSection(m, 5, memory);
  AppendSection(m, 7, exports);
  AppendSection(m, 10, code);
  AppendSection(m, 11, data);
  return m;
}

runtime::Engine& CopyingEngine() {
  static runtime::Engine* engine = [] {
    runtime::EngineConfig config;
    config.memory_images = false;
    return new runtime::Engine(config);
  }();
  return *engine;
}

// range(0): MiB of data; range(1): 1 = copy-on-write image (the default), 0 = copy;
// range(2): 1 = the pooling engine (memory reservations, VMContext slots).
void BM_InstantiateData(benchmark::State& state) {
  const uint32_t mib = uint32_t(state.range(0));
  const bool images = state.range(1) != 0;
  runtime::Engine& engine = state.range(2) != 0 ? PoolingEngine(images)
                            : images            ? TheEngine()
                                                : CopyingEngine();
  compiler::CompileOptions options;
  options.regalloc_checker = false;
  compiler::CompileResult r = Must(compiler::CompileBytes(DataModule(mib), "data", options));
  const auto module = Must(runtime::Module::FromArtifact(engine, std::move(r.artifact)));
  auto store = std::make_unique<runtime::Store>(engine);
  int in_store = 0;
  for (auto _ : state) {
    if (in_store == 16) {  // each instance holds `mib` MiB when copied: release them often
      state.PauseTiming();
      store = std::make_unique<runtime::Store>(engine);
      in_store = 0;
      state.ResumeTiming();
    }
    Expected<runtime::Instance*> inst = runtime::Instance::Instantiate(*store, module, {});
    if (!inst.ok()) {
      state.SkipWithError(inst.error().ToString().c_str());
      return;
    }
    ++in_store;
    benchmark::DoNotOptimize(*inst);
  }
}

BENCHMARK(BM_InstantiateData)
    ->ArgNames({"MiB", "cow", "pool"})
    ->Args({4, 0, 0})
    ->Args({4, 1, 0})
    ->Args({4, 0, 1})
    ->Args({4, 1, 1})
    ->Args({32, 0, 0})
    ->Args({32, 1, 0})
    ->Args({32, 1, 1})
    ->Unit(benchmark::kMicrosecond);

// A module with one funcref table of `elements` elements, one active element segment filling
// its first 16 slots, and one exported empty function.
Bytes TableModule(uint32_t elements) {
  Bytes types = {0x01, 0x60, 0x00, 0x00};
  Bytes funcs = {0x01, 0x00};
  Bytes table = {0x01, 0x70, 0x00};
  WriteU32(table, elements);
  Bytes exports;
  WriteU32(exports, 1);
  AppendName(exports, "f");
  exports.insert(exports.end(), {0x00, 0x00});
  Bytes elem = {0x01, 0x00, 0x41, 0x00, 0x0b, 0x10};  // active, table 0, offset 0, 16 items
  for (int i = 0; i < 16; ++i) elem.push_back(0x00);
  Bytes code = {0x01, 0x02, 0x00, 0x0b};
  Bytes m = Header();
  AppendSection(m, 1, types);
  AppendSection(m, 3, funcs);
  AppendSection(m, 4, table);
  AppendSection(m, 7, exports);
  AppendSection(m, 9, elem);
  AppendSection(m, 10, code);
  return m;
}

// One store per request, the pattern pooling is for: a new Store, instantiate, touch the
// instance, destroy the Store (its memory, tables and VMContext freed, or reset and returned to
// the pools), all timed. range(0): the module: 0 = one empty function, 1 = a table of 10,000
// elements, 2 = 4 MiB of data (copy-on-write image; one page is written); range(1): 1 = pooled.
void BM_StorePerRequest(benchmark::State& state) {
  const int kind = int(state.range(0));
  runtime::Engine& engine = state.range(1) != 0 ? PoolingEngine(true) : TheEngine();
  const Bytes bytes = kind == 0   ? InstantiateModule(0)
                      : kind == 1 ? TableModule(10'000)
                                  : DataModule(4);
  const auto module = Compile(bytes, "request", engine);
  for (auto _ : state) {
    runtime::Store store(engine);
    runtime::Instance* inst = Must(runtime::Instance::Instantiate(store, module, {}));
    if (kind == 2) inst->memory(0)->base()[12345] = 1;
    if (kind == 1) EGRET_CHECK(inst->table(0)->Set(9000, inst->funcref(0)) == std::nullopt);
    benchmark::DoNotOptimize(inst);
  }
}
BENCHMARK(BM_StorePerRequest)
    ->ArgNames({"module", "pool"})
    ->Args({0, 0})
    ->Args({0, 1})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Args({2, 0})
    ->Args({2, 1})
    ->Unit(benchmark::kMicrosecond);

// Loading an artifact file, old path against new, on files named by EGRET_BENCH_ARTIFACTS
// (colon-separated; e.g. an `egret compile -o` of Flite and of the bench programs):
//   read    read the file into a vector, Module::FromBytes (ReadArtifact copies the text out,
//           LoadCode copies it again into anonymous code memory), checksum verified;
//   map     Module::DeserializeFile: the file mapped, metadata validated in place, the text
//           mapped from the file and made executable where it is, checksum verified;
//   trusted the same without the checksum (DeserializeOptions::verify_checksum = false): no
//           code byte is read at load.
// The module is destroyed with the clock paused. The file is in the page cache after the first
// iteration, so this measures the CPU cost of loading, not the disk.
enum class LoadPath { kRead, kMap, kTrusted };

std::vector<uint8_t> ReadWholeFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return {};
  std::fseek(f, 0, SEEK_END);
  std::vector<uint8_t> bytes(size_t(std::ftell(f)));
  std::fseek(f, 0, SEEK_SET);
  const size_t got = std::fread(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  bytes.resize(got);
  return bytes;
}

void BM_LoadArtifact(benchmark::State& state, std::string path, LoadPath how) {
  for (auto _ : state) {
    Expected<std::shared_ptr<const runtime::Module>> m = Error("unset");
    if (how == LoadPath::kRead) {
      m = runtime::Module::FromBytes(TheEngine(), ReadWholeFile(path));
    } else {
      runtime::DeserializeOptions options;
      options.verify_checksum = how == LoadPath::kMap;
      m = runtime::Module::DeserializeFile(TheEngine(), path, options);
    }
    if (!m.ok()) {
      state.SkipWithError(m.error().ToString().c_str());
      return;
    }
    state.PauseTiming();
    m = Error("released");
    state.ResumeTiming();
  }
}

[[maybe_unused]] const bool kLoadBenchmarksRegistered = [] {
  const char* list = std::getenv("EGRET_BENCH_ARTIFACTS");
  if (list == nullptr) return false;
  std::string all = list;
  size_t start = 0;
  while (start <= all.size()) {
    const size_t end = std::min(all.find(':', start), all.size());
    const std::string path = all.substr(start, end - start);
    start = end + 1;
    if (path.empty()) continue;
    const std::string base = path.substr(path.find_last_of('/') + 1);
    const std::pair<const char*, LoadPath> paths[] = {
        {"read", LoadPath::kRead}, {"map", LoadPath::kMap}, {"trusted", LoadPath::kTrusted}};
    for (auto [name, how] : paths)
      benchmark::RegisterBenchmark(("BM_LoadArtifact/" + base + "/" + name).c_str(),
                                   BM_LoadArtifact, path, how)
          ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
}  // namespace egret::bench
