// frontend_bench.cc: frontend throughput in MB/s of module bytes: decode, decode + validate,
// and decode + validate + translate to IR (+ verify), on the benchmark programs
// (../shared/bench/programs relative to the repository, or $EGRET_BENCH_PROGRAMS) and on a large
// generated module (2,000 functions shaped like compiled C: locals, nested loops and ifs,
// arithmetic, loads/stores and calls; about 2.6 MB).
//
// Validation throughput (issue 24): BM_Module_Validate/<jobs> decodes and validates one large
// module, $EGRET_BENCH_MODULE (e.g. Flite), or, without it, every benchmark program in turn,
// on 1 thread (MB/s of CPU time: per core) and 2 threads (MB/s of wall time); the counter
// `code_MB/s` counts function-body bytes only. BM_Module_ValidateBodies/1 is the body pass
// alone (decode excluded). bench/frontend/validate_vs_v8.sh sets these side by side with V8's
// WebAssembly.validate on the same bytes.
//
// Run: build/bin/bench_frontend   (figures in docs/frontend.md, "Performance", and
// docs/performance.md, "Compile speed")
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "frontend/decoder.h"
#include "frontend/translator.h"
#include "frontend/validator.h"
#include "ir/verifier.h"
#include "support/leb128.h"

namespace egret::wasm {
namespace {

using Bytes = std::vector<uint8_t>;

std::vector<Bytes> LoadPrograms() {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("EGRET_BENCH_PROGRAMS")) dirs.emplace_back(env);
#ifdef EGRET_SOURCE_DIR
  dirs.emplace_back(std::string(EGRET_SOURCE_DIR) + "/../shared/bench/programs");
#endif
  dirs.emplace_back("../shared/bench/programs");
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    std::vector<Bytes> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".wasm") continue;
      std::ifstream in(e.path(), std::ios::binary);
      out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (!out.empty()) return out;
  }
  return {};
}

void Section(Bytes& out, uint8_t id, const Bytes& payload) {
  out.push_back(id);
  WriteU32(out, static_cast<uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
}

// A deterministic module of `n` functions of type (i32 i32) -> i32 with 8 extra locals.
Bytes GenerateModule(uint32_t n) {
  uint32_t seed = 2024;
  auto rnd = [&](uint32_t m) { return ((seed = seed * 1103515245u + 12345u) >> 8) % m; };
  Bytes types = {0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f};
  Bytes funcs;
  WriteU32(funcs, n);
  for (uint32_t i = 0; i < n; ++i) funcs.push_back(0);
  Bytes memory = {0x01, 0x00, 0x01};
  Bytes code;
  WriteU32(code, n);
  for (uint32_t f = 0; f < n; ++f) {
    Bytes body = {0x01, 0x08, 0x7f};  // 8 i32 locals (locals 2..9)
    auto get = [&](uint32_t l) { body.insert(body.end(), {0x20, static_cast<uint8_t>(l)}); };
    auto set = [&](uint32_t l) { body.insert(body.end(), {0x21, static_cast<uint8_t>(l)}); };
    auto arith = [&](int count) {
      static constexpr uint8_t kOps[] = {0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x76};
      for (int k = 0; k < count; ++k) {
        get(rnd(10));
        if (rnd(4) == 0) {
          body.push_back(0x41);
          WriteS32(body, static_cast<int32_t>(rnd(1000)));
        } else {
          get(rnd(10));
        }
        body.push_back(kOps[rnd(8)]);
        if (rnd(5) == 0) body.insert(body.end(), {0x28, 0x02, 0x10});  // i32.load offset=16
        set(2 + rnd(8));
      }
    };
    for (int outer = 0; outer < 3; ++outer) {
      body.insert(body.end(), {0x02, 0x40, 0x03, 0x40});  // block loop
      arith(12);
      get(0);
      body.insert(body.end(), {0x04, 0x7f});  // if (result i32)
      arith(4);
      get(3);
      body.push_back(0x05);  // else
      get(1);
      get(4);
      body.insert(body.end(), {0x36, 0x02, 0x00});  // i32.store
      get(5);
      body.push_back(0x0b);
      set(6);
      if (f > 0 && rnd(2) == 0) {
        get(6);
        get(7);
        body.push_back(0x10);
        WriteU32(body, rnd(f));  // call an earlier function
        set(8);
      }
      get(0);
      body.insert(body.end(), {0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00});  // br_if 0 (loop)
      body.insert(body.end(), {0x0b, 0x0b});                                // end loop, block
    }
    get(8);
    body.push_back(0x0b);
    WriteU32(code, static_cast<uint32_t>(body.size()));
    code.insert(code.end(), body.begin(), body.end());
  }
  Bytes m = {0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00};
  Section(m, 1, types);
  Section(m, 3, funcs);
  Section(m, 5, memory);
  Section(m, 10, code);
  return m;
}

enum class Stage { kDecode, kValidate, kTranslate };

void RunStage(benchmark::State& state, const std::vector<Bytes>& modules, Stage stage) {
  if (modules.empty()) {
    state.SkipWithError("no .wasm programs found (set EGRET_BENCH_PROGRAMS)");
    return;
  }
  size_t bytes = 0, functions = 0;
  for (auto _ : state) {
    for (const Bytes& m : modules) {
      bytes += m.size();
      Expected<ModuleEnv> env = DecodeModule(m);
      if (!env.ok()) {
        state.SkipWithError(env.error().ToString().c_str());
        return;
      }
      if (stage == Stage::kDecode) continue;
      if (std::optional<WasmError> e = ValidateModule(*env)) {
        state.SkipWithError(e->error.ToString().c_str());
        return;
      }
      if (stage == Stage::kValidate) continue;
      Expected<std::vector<ir::Function>> funcs = TranslateModule(*env);
      if (!funcs.ok()) {
        state.SkipWithError(funcs.error().ToString().c_str());
        return;
      }
      functions += funcs->size();
      benchmark::DoNotOptimize(funcs->data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  if (functions) state.counters["functions"] = static_cast<double>(functions) / state.iterations();
}

// $EGRET_BENCH_MODULE, else the benchmark programs.
const std::vector<Bytes>& ValidationInput() {
  static const std::vector<Bytes> input = [] {
    if (const char* path = std::getenv("EGRET_BENCH_MODULE")) {
      std::ifstream in(path, std::ios::binary);
      Bytes m((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!m.empty()) return std::vector<Bytes>{std::move(m)};
    }
    return LoadPrograms();
  }();
  return input;
}

size_t CodeBytes(const ModuleEnv& env) {
  size_t n = 0;
  for (uint32_t f = env.num_imported_functions; f < env.functions.size(); ++f)
    n += env.functions[f].body_size;
  return n;
}

// Decode + validate on state.range(0) threads (ValidateModule's jobs).
void BM_Module_Validate(benchmark::State& state) {
  const std::vector<Bytes>& modules = ValidationInput();
  if (modules.empty()) {
    state.SkipWithError("no module: set EGRET_BENCH_MODULE or EGRET_BENCH_PROGRAMS");
    return;
  }
  const uint32_t jobs = static_cast<uint32_t>(state.range(0));
  size_t bytes = 0, code = 0;
  for (auto _ : state) {
    for (const Bytes& m : modules) {
      // The decoder takes ownership of the bytes (`egret validate` moves the file's buffer in);
      // copying them is not validation, so it is left out of the timing.
      state.PauseTiming();
      Bytes copy = m;
      state.ResumeTiming();
      Expected<ModuleEnv> env = DecodeModule(std::move(copy));
      if (!env.ok()) {
        state.SkipWithError(env.error().ToString().c_str());
        return;
      }
      if (std::optional<WasmError> e = ValidateModule(*env, jobs)) {
        state.SkipWithError(e->error.ToString().c_str());
        return;
      }
      bytes += m.size();
      code += CodeBytes(*env);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["code_MB/s"] =
      benchmark::Counter(static_cast<double>(code) / 1e6, benchmark::Counter::kIsRate);
}

// The body pass alone, one thread: every function of the decoded modules.
void BM_Module_ValidateBodies(benchmark::State& state) {
  std::vector<ModuleEnv> envs;
  for (const Bytes& m : ValidationInput()) {
    Expected<ModuleEnv> env = DecodeModule(m);
    if (!env.ok()) {
      state.SkipWithError(env.error().ToString().c_str());
      return;
    }
    envs.push_back(std::move(*env));
  }
  if (envs.empty()) {
    state.SkipWithError("no module: set EGRET_BENCH_MODULE or EGRET_BENCH_PROGRAMS");
    return;
  }
  size_t code = 0;
  for (auto _ : state) {
    for (const ModuleEnv& env : envs) {
      FunctionValidator v(env);
      for (uint32_t f = env.num_imported_functions; f < env.functions.size(); ++f) {
        if (Status st = v.Validate(f); !st.ok()) {
          state.SkipWithError(st.error().ToString().c_str());
          return;
        }
      }
      code += CodeBytes(env);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(code));
}

const std::vector<Bytes>& Programs() {
  static const std::vector<Bytes> programs = LoadPrograms();
  return programs;
}
const std::vector<Bytes>& Generated() {
  static const std::vector<Bytes> generated = {GenerateModule(2000)};
  return generated;
}

void BM_Programs_Decode(benchmark::State& s) { RunStage(s, Programs(), Stage::kDecode); }
void BM_Programs_Validate(benchmark::State& s) { RunStage(s, Programs(), Stage::kValidate); }
void BM_Programs_Translate(benchmark::State& s) { RunStage(s, Programs(), Stage::kTranslate); }
void BM_Generated_Decode(benchmark::State& s) { RunStage(s, Generated(), Stage::kDecode); }
void BM_Generated_Validate(benchmark::State& s) { RunStage(s, Generated(), Stage::kValidate); }
void BM_Generated_Translate(benchmark::State& s) { RunStage(s, Generated(), Stage::kTranslate); }

// Translation plus the IR verifier on every function (what `egret wast` does per module).
void BM_Generated_TranslateVerify(benchmark::State& state) {
  const Bytes& m = Generated()[0];
  size_t bytes = 0;
  for (auto _ : state) {
    bytes += m.size();
    Expected<ModuleEnv> env = DecodeModule(m);
    Expected<std::vector<ir::Function>> funcs = TranslateModule(*env);
    for (const ir::Function& f : *funcs) benchmark::DoNotOptimize(ir::Verify(f).ok());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

// One thread: MB/s per core from CPU time. Two threads: wall time (CPU time would count only
// the calling thread), which a loaded machine inflates.
BENCHMARK(BM_Module_Validate)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Module_Validate)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Module_ValidateBodies)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Programs_Decode)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Programs_Validate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Programs_Translate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Generated_Decode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Generated_Validate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Generated_Translate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Generated_TranslateVerify)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace egret::wasm
