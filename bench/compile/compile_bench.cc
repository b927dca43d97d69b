// compile_bench.cc: compile throughput in MB/s of Wasm, per stage, for each benchmark program
// (../shared/bench/programs, or $EGRET_BENCH_PROGRAMS) and for a large generated module.
//
// The pipeline is driven here stage by stage, with the same calls compiler::CompileModule makes
// (frontend LoadModule, FunctionTranslator, ir::Verify, then the target's CompileFunction, whose
// lower/regalloc/emit stages report to a backend::StageObserver), so each stage gets its own clock;
// the per-stage figures are counters
// `<stage>_MBps` = module bytes / CPU time spent in that stage. "optimize" has no column: opt/ has
// no passes yet (the pipeline goes from translation straight to lowering). A second family,
// BM_CompileModule, times compiler::CompileModule end to end on one thread (text-section layout
// and artifact metadata included), which is what `egret compile` costs after reading the file.
//
// The generated module (GenerateLargeModule) is > 10 MB: 14,000 functions shaped like compiled
// C (nested loops, ifs, i32/i64/f64 arithmetic, loads/stores, calls) plus 4 very large functions
// (~250 KB of bytecode each, thousands of blocks) that catch anything superlinear in function
// size (liveness, allocation, branch fixups).
//
// Run: <build>/bin/bench_compile [--benchmark_filter=Stages/fib]  (figures: docs/performance.md)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "artifact/builtin.h"
#include "artifact/vmoffsets.h"
#include "backends/target_registry.h"
#include "compiler/compiler.h"
#include "frontend/translator.h"
#include "frontend/validator.h"
#include "frontend/vmctx_layout.h"
#include "ir/verifier.h"
#include "regalloc/allocator.h"
#include "support/leb128.h"

namespace egret::bench {
namespace {

using Bytes = std::vector<uint8_t>;
// Stage clocks read the thread's CPU time, not wall time: on a shared machine the wall clock
// also counts the time other processes ran (2x on a loaded 2-core box), and the stages are
// single-threaded compute. A read costs well under 1 us, against ~100 us per function.
struct Clock {
  using time_point = std::chrono::duration<double>;
  static time_point now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec));
  }
};

struct NamedModule {
  std::string name;
  Bytes bytes;
};

std::vector<NamedModule> LoadPrograms() {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("EGRET_BENCH_PROGRAMS")) dirs.emplace_back(env);
#ifdef EGRET_SOURCE_DIR
  dirs.emplace_back(std::string(EGRET_SOURCE_DIR) + "/../shared/bench/programs");
#endif
  dirs.emplace_back("../shared/bench/programs");
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    std::vector<NamedModule> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".wasm") continue;
      std::ifstream in(e.path(), std::ios::binary);
      out.push_back({e.path().stem().string(),
                     Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>())});
    }
    std::sort(out.begin(), out.end(),
              [](const NamedModule& a, const NamedModule& b) { return a.name < b.name; });
    if (!out.empty()) return out;
  }
  return {};
}

void AppendSection(Bytes& out, uint8_t id, const Bytes& payload) {
  out.push_back(id);
  WriteU32(out, static_cast<uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
}

// Writes function bodies of type (i32 i32) -> i32 with locals 2..9 i32, 10..11 i64, 12..13 f64.
class BodyWriter {
 public:
  explicit BodyWriter(uint32_t seed) : seed_(seed) {}

  uint32_t Rand(uint32_t m) { return ((seed_ = seed_ * 1664525u + 1013904223u) >> 8) % m; }

  // One "statement group": a loop over `stmts` arithmetic statements with an if/else and,
  // when `callees` > 0, a call to a function with a smaller index.
  void LoopNest(Bytes& b, int stmts, uint32_t callees) {
    b.insert(b.end(), {0x02, 0x40, 0x03, 0x40});  // block loop
    for (int k = 0; k < stmts; ++k) Statement(b);
    Get(b, 0);
    b.insert(b.end(), {0x04, 0x40});  // if
    for (int k = 0; k < stmts / 3; ++k) Statement(b);
    b.push_back(0x05);  // else
    Get(b, 1);
    Get(b, 2 + Rand(8));
    b.insert(b.end(), {0x36, 0x02, 0x08});  // i32.store offset=8
    b.push_back(0x0b);
    if (callees > 0) {
      Get(b, 2 + Rand(8));
      Get(b, 2 + Rand(8));
      b.push_back(0x10);
      WriteU32(b, Rand(callees));
      Set(b, 2 + Rand(8));
    }
    // Loop back while local 0 (decremented) is nonzero.
    Get(b, 0);
    b.insert(b.end(), {0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x0b});
  }

 private:
  static void Get(Bytes& b, uint32_t l) { b.insert(b.end(), {0x20, static_cast<uint8_t>(l)}); }
  static void Set(Bytes& b, uint32_t l) { b.insert(b.end(), {0x21, static_cast<uint8_t>(l)}); }

  void Statement(Bytes& b) {
    switch (Rand(8)) {
      case 0: {  // i64 arithmetic
        Get(b, 10 + Rand(2));
        Get(b, 2 + Rand(8));
        b.push_back(0xad);  // i64.extend_i32_u
        static constexpr uint8_t kOps[] = {0x7c, 0x7d, 0x7e, 0x83, 0x85, 0x89};
        b.push_back(kOps[Rand(6)]);
        Set(b, 10 + Rand(2));
        break;
      }
      case 1: {  // f64 arithmetic
        Get(b, 12 + Rand(2));
        Get(b, 2 + Rand(8));
        b.push_back(0xb7);  // f64.convert_i32_s
        static constexpr uint8_t kOps[] = {0xa0, 0xa1, 0xa2};
        b.push_back(kOps[Rand(3)]);
        Set(b, 12 + Rand(2));
        break;
      }
      case 2:  // load
        Get(b, 2 + Rand(8));
        b.insert(b.end(), {0x41, 0xfc, 0xff, 0x03, 0x71});  // i32.const 65532, i32.and
        b.insert(b.end(), {0x28, 0x02, 0x00});              // i32.load
        Set(b, 2 + Rand(8));
        break;
      default: {  // i32 arithmetic, sometimes with a constant
        static constexpr uint8_t kOps[] = {0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x76, 0x77};
        Get(b, Rand(10));
        if (Rand(3) == 0) {
          b.push_back(0x41);
          WriteS32(b, static_cast<int32_t>(Rand(100000)) - 50000);
        } else {
          Get(b, Rand(10));
        }
        b.push_back(kOps[Rand(9)]);
        Set(b, 2 + Rand(8));
        break;
      }
    }
  }

  uint32_t seed_;
};

// > 10 MB of code section: `small` functions of ~700 bytes and `large` functions of ~250 KB.
Bytes GenerateLargeModule(uint32_t small, uint32_t large) {
  const uint32_t n = small + large;
  Bytes types = {0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f};
  Bytes funcs;
  WriteU32(funcs, n);
  for (uint32_t i = 0; i < n; ++i) funcs.push_back(0);
  Bytes memory = {0x01, 0x00, 0x01};
  Bytes exports;
  WriteU32(exports, 1);
  exports.insert(exports.end(), {0x03, 'r', 'u', 'n', 0x00});
  WriteU32(exports, n - 1);
  Bytes code;
  WriteU32(code, n);
  BodyWriter w(12345);
  for (uint32_t f = 0; f < n; ++f) {
    Bytes body = {0x03, 0x08, 0x7f, 0x02, 0x7e, 0x02, 0x7c};  // 8 x i32, 2 x i64, 2 x f64
    const bool is_large = f >= small;
    const int groups = is_large ? 2400 : 6;
    for (int g = 0; g < groups; ++g) w.LoopNest(body, 8, f);
    body.insert(body.end(), {0x20, 0x02, 0x20, 0x0a, 0xa7, 0x6a, 0x0b});  // l2 + wrap(l10); end
    WriteU32(code, static_cast<uint32_t>(body.size()));
    code.insert(code.end(), body.begin(), body.end());
  }
  Bytes m = {0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00};
  AppendSection(m, 1, types);
  AppendSection(m, 3, funcs);
  AppendSection(m, 5, memory);
  AppendSection(m, 7, exports);
  AppendSection(m, 10, code);
  return m;
}

const std::vector<NamedModule>& Modules() {
  static const std::vector<NamedModule> modules = [] {
    std::vector<NamedModule> m = LoadPrograms();
    m.push_back({"generated", GenerateLargeModule(14000, 4)});
    return m;
  }();
  return modules;
}

// What compiler::CompileModule hands every function: callees by IR symbol.
backend::ModuleContext MakeModuleContext(const wasm::ModuleEnv& env,
                                         const std::vector<std::string>& symbols) {
  backend::ModuleContext module;
  const uint32_t nimp = env.num_imported_functions;
  for (uint32_t i = nimp; i < env.functions.size(); ++i)
    module.callees[symbols[i]] = {backend::CallTarget::Kind::kFunction, i - nimp};
  for (uint32_t b = 0; b < artifact::kNumBuiltins; ++b) {
    std::string name = "egret_builtin_";
    name += artifact::BuiltinName(artifact::Builtin(b));
    module.callees[name] = {backend::CallTarget::Kind::kBuiltin, b};
  }
  module.builtins_offset = artifact::VMOffsets::builtins();
  module.store_limits_offset = artifact::VMOffsets::store_limits();
  module.stack_limit_offset = artifact::kVMStoreLimitsStackLimit;
  return module;
}

enum Stage { kDecodeValidate, kTranslate, kVerify, kLower, kRegalloc, kEmit, kNumStages };
constexpr const char* kStageNames[kNumStages] = {"decode_validate", "translate", "verify_ir",
                                                 "lower",           "regalloc",  "emit"};

// Args: module index, allocator index (AllocatorNames()).
void BM_Stages(benchmark::State& state) {
  const NamedModule& m = Modules()[state.range(0)];
  const std::string algorithm(regalloc::AllocatorNames()[state.range(1)]);
  Expected<std::unique_ptr<backend::TargetIsa>> isa = backend::LookupTargetIsa("x86_64");
  if (!isa.ok()) {
    state.SkipWithError(isa.error().ToString().c_str());
    return;
  }
  double seconds[kNumStages] = {};
  uint64_t code_bytes = 0;
  auto lap = [](Clock::time_point& t, double& acc) {
    const Clock::time_point now = Clock::now();
    acc += (now - t).count();
    t = now;
  };
  for (auto _ : state) {
    Clock::time_point t = Clock::now();
    wasm::WasmError error;
    std::optional<wasm::ModuleEnv> env = wasm::LoadModule(m.bytes, m.name, &error);
    lap(t, seconds[kDecodeValidate]);
    if (!env) {
      state.SkipWithError(error.error.ToString().c_str());
      return;
    }
    Expected<wasm::VMContextLayout> layout = wasm::VMContextLayout::Compute(*env);
    if (!layout.ok()) {
      state.SkipWithError(layout.error().ToString().c_str());
      return;
    }
    const std::vector<std::string> symbols = wasm::FunctionSymbols(*env);
    const backend::ModuleContext module = MakeModuleContext(*env, symbols);
    const wasm::FunctionTranslator translator(*env, *layout, symbols);
    // The backend's stages end inside CompileFunction; each lap closes the stage that ended.
    struct Laps final : backend::StageObserver {
      Clock::time_point* t;
      double* seconds;
      void (*lap)(Clock::time_point&, double&);
      void StageDone(backend::PipelineStage stage) override {
        switch (stage) {
          case backend::PipelineStage::kLower:
            return lap(*t, seconds[kLower]);
          case backend::PipelineStage::kRegalloc:
            return lap(*t, seconds[kRegalloc]);
          case backend::PipelineStage::kEmit:
            return lap(*t, seconds[kEmit]);
        }
      }
    } laps;
    laps.t = &t;
    laps.seconds = seconds;
    laps.lap = lap;
    backend::CompileOptions bopts;
    bopts.regalloc = algorithm;
    bopts.regalloc_checker = false;
    bopts.observer = &laps;
    t = Clock::now();
    for (uint32_t k = 0; k < env->num_defined_functions(); ++k) {
      Expected<ir::Function> f = translator.Translate(env->num_imported_functions + k);
      lap(t, seconds[kTranslate]);
      Status verified = f.ok() ? ir::Verify(*f) : Status(f.error());
      lap(t, seconds[kVerify]);
      if (!verified.ok()) {
        state.SkipWithError(verified.error().ToString().c_str());
        return;
      }
      Expected<backend::CompiledFunction> compiled = (*isa)->CompileFunction(*f, module, bopts);
      if (!compiled.ok()) {
        state.SkipWithError(compiled.error().ToString().c_str());
        return;
      }
      code_bytes += compiled->code.bytes.size();
      benchmark::DoNotOptimize(compiled->code.bytes.data());
    }
  }
  const double mb = static_cast<double>(m.bytes.size()) * state.iterations() / 1e6;
  double total = 0;
  for (int s = 0; s < kNumStages; ++s) {
    total += seconds[s];
    state.counters[std::string(kStageNames[s]) + "_MBps"] = seconds[s] > 0 ? mb / seconds[s] : 0;
  }
  state.counters["total_MBps"] = mb / total;
  state.counters["wasm_KB"] = static_cast<double>(m.bytes.size()) / 1e3;
  state.counters["code_KB"] = static_cast<double>(code_bytes) / state.iterations() / 1e3;
  state.SetLabel(m.name + "/" + algorithm);
}

// compiler::CompileModule end to end (decode + validate included), one thread.
void BM_CompileModule(benchmark::State& state) {
  const NamedModule& m = Modules()[state.range(0)];
  compiler::CompileOptions options;
  const std::string_view allocator = regalloc::AllocatorNames()[state.range(1)];
  options.regalloc = *compiler::ParseAllocator(allocator);
  options.regalloc_checker = false;
  options.jobs = 1;
  options.opt_level =
      compiler::OptLevel::kNone;  // the allocators alone, as before the default changed
  for (auto _ : state) {
    Expected<compiler::CompileResult> r = compiler::CompileBytes(m.bytes, m.name, options);
    if (!r.ok()) {
      state.SkipWithError(r.error().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(r->artifact.text.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(m.bytes.size() * state.iterations()));
  state.SetLabel(m.name + "/" + std::string(allocator));
}

void ModuleArgs(benchmark::internal::Benchmark* b) {
  for (size_t i = 0; i < Modules().size(); ++i)
    for (size_t a = 0; a < regalloc::AllocatorNames().size(); ++a)
      b->Args({static_cast<int64_t>(i), static_cast<int64_t>(a)});
}

BENCHMARK(BM_Stages)->Apply(ModuleArgs)->Unit(benchmark::kMillisecond)->MinTime(0.5);
BENCHMARK(BM_CompileModule)->Apply(ModuleArgs)->Unit(benchmark::kMillisecond)->MinTime(0.5);

}  // namespace
}  // namespace egret::bench
