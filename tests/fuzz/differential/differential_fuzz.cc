// differential_fuzz.cc: libFuzzer target comparing compiled code against the IR interpreter.
//
// One input = one configuration + one module + the arguments of its calls:
//   byte 0      the executed configuration: opt level (bit 0: speed), allocator (bit 1: linear),
//               heap strategy (bit 2: bounds checks), fuel budget (bits 3-4: 40, 400, 4000 or
//               20000 units); the compile-only configuration for the other target: opt level
//               (bit 5), allocator (bit 6), heap strategy (bit 7)
//   byte 1      x64 features to turn off (bits 0-3: sse4.1, lzcnt, bmi1, popcnt), for whichever
//               configuration targets x64; when it is executed, features the host lacks are
//               always off, so the code can run here (aarch64 has a single feature set); the
//               branch-range shrink factor of the executed (bits 4-5) and the compile-only (bits
//               6-7) configuration: 1, 2^12, 2^19 or 2^22 (docs/machbuffer.md: islands and
//               veneers in small functions)
//   the rest    the module (tests/fuzz/wasmgen, NaNs canonicalised), then the arguments
//
// Three executions of the same module, on the host's target (x86-64, or aarch64 in the cross
// build under qemu):
//   oracle    the frontend's IR in the IR interpreter (oracle_instance.h)
//   native    compiled with the drawn configuration, run by the runtime (native_instance.h)
//   baseline  compiled with opt=none regalloc=fast heap=guard and the host's features, when that
//             differs from the drawn configuration: the second oracle (compiled vs compiled)
// After instantiation and after each exported function, called in export order with fuel,
// they must agree on the outcome (results bit for bit, or the trap kind), on the whole linear
// memory, on every global and on every table element. A stack overflow on a compiled side makes
// the rest of the module inconclusive (the engines' depths differ); an oracle limit (its call
// depth, its sandbox size) ends only the oracle's part. On a disagreement the harness prints the
// configuration, the module (as WAT when wasm2wat is on PATH, else hex), the call and every
// outcome, then aborts, so libFuzzer keeps the input.
//
// And one compilation that is not run: the module for the other target (aarch64 on an x86-64
// host, x86-64 on an aarch64 one) with the drawn compile-only configuration and the checker on,
// written as an artifact and read back (CompileForTarget). A compile error, a checker failure or
// an artifact the reader rejects aborts the same way.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/x64/cpu_features.h"
#include "frontend/opcodes.h"
#include "frontend/operator_reader.h"
#include "frontend/validator.h"
#include "tests/fuzz/differential/host_import.h"
#include "tests/fuzz/differential/native_instance.h"
#include "tests/fuzz/differential/oracle_instance.h"
#include "tests/fuzz/differential/outcome.h"
#include "tests/fuzz/wasmgen/module_generator.h"

namespace egret::fuzz {
namespace {

constexpr uint64_t kFuelBudgets[] = {40, 400, 4000, 20000};
// Real ranges; aarch64's conditional branches and literal loads at the 512-byte floor (x64's
// small code unchanged); x64 branches at 4 KiB as well; every shrinkable kind at 512 bytes.
constexpr uint32_t kShrinkFactors[] = {1, 1u << 12, 1u << 19, 1u << 22};

// Campaign figures, printed at exit when EGRET_DIFF_STATS is set (README.md quotes them).
struct Stats {
  uint64_t modules = 0, instantiated = 0, calls = 0, returned = 0, trapped = 0, out_of_fuel = 0;
  uint64_t inconclusive = 0, oracle_dropped = 0, with_baseline = 0;
  uint64_t float_results = 0, nan_results = 0;
  uint64_t cross_compiles = 0, cross_bytes = 0;
  uint64_t islands = 0, veneers = 0, cross_islands = 0, cross_veneers = 0;
  uint64_t with_imports = 0;
  uint64_t shared_memories = 0;           // modules whose memory is shared (GenOptions::atomics)
  uint64_t atomic_ops = 0, simd_ops = 0;  // threads / SIMD instructions in the modules' bodies
  uint64_t traps[kNumTrapCodes] = {};
  std::map<std::string, uint64_t> notes;  // why sides were inconclusive
  bool printed = false;
  ~Stats() {
    if (std::getenv("EGRET_DIFF_STATS") == nullptr || modules == 0 || printed) return;
    Print();
  }
  void Print() {
    printed = true;
    std::fprintf(stderr,
                 "differential: %llu modules (%llu instantiated, %llu also against the baseline), "
                 "%llu calls compared: %llu returned, %llu trapped (%llu out of fuel); "
                 "%llu modules cut short as inconclusive, oracle dropped in %llu\n",
                 (unsigned long long)modules, (unsigned long long)instantiated,
                 (unsigned long long)with_baseline, (unsigned long long)calls,
                 (unsigned long long)returned, (unsigned long long)trapped,
                 (unsigned long long)out_of_fuel, (unsigned long long)inconclusive,
                 (unsigned long long)oracle_dropped);
    std::fprintf(stderr, "float results: %llu, of which NaN: %llu\n",
                 (unsigned long long)float_results, (unsigned long long)nan_results);
    std::fprintf(stderr,
                 "islands / veneers: executed %llu / %llu; compiled for the other target only: "
                 "%llu modules, %llu artifact bytes, %llu / %llu\n",
                 (unsigned long long)islands, (unsigned long long)veneers,
                 (unsigned long long)cross_compiles, (unsigned long long)cross_bytes,
                 (unsigned long long)cross_islands, (unsigned long long)cross_veneers);
    std::fprintf(stderr,
                 "modules with imported functions: %llu; host calls (all sides): %llu; modules "
                 "with a shared memory: %llu\n",
                 (unsigned long long)with_imports, (unsigned long long)HostImportCalls(),
                 (unsigned long long)shared_memories);
    std::fprintf(stderr, "instructions generated: %llu atomic (threads), %llu SIMD\n",
                 (unsigned long long)atomic_ops, (unsigned long long)simd_ops);
    std::fprintf(stderr, "traps:");
    for (int c = 0; c < kNumTrapCodes; ++c)
      if (traps[c])
        std::fprintf(stderr, " %s=%llu", std::string(TrapCodeName(TrapCode(c))).c_str(),
                     (unsigned long long)traps[c]);
    std::fprintf(stderr, "\n");
    for (const auto& [note, n] : notes)
      std::fprintf(stderr, "inconclusive: %s: %llu\n", note.c_str(), (unsigned long long)n);
  }
};
Stats stats;

// What wasmgen generates besides Wasm 2.0 without SIMD. SIMD and atomics are on by default (both
// backends lower them); EGRET_DIFF_NO_SIMD / EGRET_DIFF_NO_ATOMICS turn them off, which also
// changes which module an input makes. Tail calls stay opt-in (EGRET_DIFF_TAIL_CALLS).
bool SimdOn() {
  static const bool on = std::getenv("EGRET_DIFF_NO_SIMD") == nullptr;
  return on;
}
bool AtomicsOn() {
  static const bool on = std::getenv("EGRET_DIFF_NO_ATOMICS") == nullptr;
  return on;
}

// x64 features as CpuFeatures::Parse reads them: those of `available` minus `off_mask`'s.
std::string X64Features(const x64::CpuFeatures& host, uint8_t off_mask) {
  const struct {
    const char* name;
    bool on;
  } features[] = {{"sse4.1", host.sse41 && !(off_mask & 1)},
                  {"lzcnt", host.lzcnt && !(off_mask & 2)},
                  {"bmi1", host.bmi1 && !(off_mask & 4)},
                  {"popcnt", host.popcnt && !(off_mask & 8)}};
  std::string s = "-all";
  for (const auto& f : features)
    if (f.on) s += std::string(",+") + f.name;
  return s;
}

// The feature string of `target` for byte 1 = `x64_off`: an executed x64 configuration may use
// only what the host has, a compile-only one anything.
std::string FeaturesFor(const std::string& target, uint8_t x64_off, bool executed) {
  if (target != "x86_64") return "";
  // SIMD modules need x64's SIMD baseline, SSE4.1: never turned off then.
  if (SimdOn()) x64_off &= ~uint8_t{1};
  static const x64::CpuFeatures host = x64::CpuFeatures::Detect();
  static const x64::CpuFeatures all = *x64::CpuFeatures::Parse("+all");
  return X64Features(executed ? host : all, x64_off);
}

std::string OtherTarget(const std::string& target) {
  return target == "x86_64" ? "aarch64" : "x86_64";
}

// The executed configuration and the other target's compile-only one (see the file comment).
NativeConfig DrawConfig(ByteSource& src, uint64_t* fuel, NativeConfig* cross) {
  const uint8_t c0 = src.U8(), c1 = src.U8();
  NativeConfig c;
  c.opt_level = c0 & 1 ? "speed" : "none";
  c.regalloc = c0 & 2 ? "linear" : "fast";
  c.heap = c0 & 4 ? wasm::HeapStrategy::kBoundsCheck : wasm::HeapStrategy::kGuardPages;
  *fuel = kFuelBudgets[(c0 >> 3) & 3];
  c.features = FeaturesFor(c.target, c1, /*executed=*/true);
  c.branch_range_shrink = kShrinkFactors[(c1 >> 4) & 3];
  cross->target = OtherTarget(c.target);
  cross->opt_level = c0 & 0x20 ? "speed" : "none";
  cross->regalloc = c0 & 0x40 ? "linear" : "fast";
  cross->heap = c0 & 0x80 ? wasm::HeapStrategy::kBoundsCheck : wasm::HeapStrategy::kGuardPages;
  cross->features = FeaturesFor(cross->target, c1, /*executed=*/false);
  cross->branch_range_shrink = kShrinkFactors[c1 >> 6];
  return c;
}

NativeConfig BaselineConfig() {
  NativeConfig c;
  c.features = FeaturesFor(c.target, 0, /*executed=*/true);
  return c;
}

std::vector<uint64_t> DrawArgs(ByteSource& src, const wasm::FuncType& type, uint32_t num_funcs) {
  std::vector<uint64_t> args;
  for (wasm::ValType t : type.params()) {
    const uint32_t pick = src.Below(8);
    uint64_t v = 0;
    switch (t) {
      case wasm::ValType::kF32: {
        static constexpr uint32_t kSpecial[] = {0,          0x80000000, 0x3f800000, 0x7f800000,
                                                0xff800000, 0x7fc00000, 0x4f000000, 0x3fc00000};
        v = pick < 5 ? kSpecial[src.Below(8)] : src.U32();
        break;
      }
      case wasm::ValType::kF64: {
        static constexpr uint64_t kSpecial[] = {0,
                                                uint64_t{1} << 63,
                                                0x3ff0000000000000,
                                                0x7ff0000000000000,
                                                0xfff0000000000000,
                                                0x7ff8000000000000,
                                                0x43e0000000000000,
                                                0x3ff8000000000000};
        v = pick < 5 ? kSpecial[src.Below(8)] : src.U64();
        break;
      }
      case wasm::ValType::kI32:
        v = pick < 3 ? src.Below(17) : pick < 4 ? 0xffffffffu : pick < 5 ? 0x80000000u : src.U32();
        break;
      case wasm::ValType::kI64:
        v = pick < 3   ? src.Below(17)
            : pick < 4 ? ~uint64_t{0}
            : pick < 5 ? uint64_t{1} << 63
                       : src.U64();
        break;
      case wasm::ValType::kFuncRef:
        v = src.Below(num_funcs + 1);  // 0 is null, else function v - 1
        break;
      default:
        v = src.Below(4);  // externref: null or a small host value
        break;
    }
    args.push_back(v);
  }
  return args;
}

// Adds the module's threads and SIMD instructions to the statistics.
void CountOps(const wasm::ModuleEnv& env) {
  for (uint32_t f = env.num_imported_functions; f < env.functions.size(); ++f) {
    wasm::OperatorReader r(env.body(f), env.functions[f].body_offset);
    std::vector<wasm::LocalGroup> groups;
    uint64_t total = 0;
    if (!r.ReadLocals(&groups, &total).ok()) return;
    wasm::Operator op;
    while (!r.at_end() && r.Read(&op).ok()) {
      stats.atomic_ops += wasm::IsAtomicOp(op.op);
      stats.simd_ops += wasm::IsSimdOp(op.op);
    }
  }
}

std::string ModuleText(const std::vector<uint8_t>& bytes) {
  char path[] = "/tmp/egret_differential_XXXXXX";
  const int fd = mkstemp(path);
  std::string text;
  if (fd >= 0) {
    if (write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size())) {
      const std::string cmd =
          std::string("wasm2wat --enable-tail-call --enable-threads ") + path + " 2>/dev/null";
      if (FILE* p = popen(cmd.c_str(), "r")) {
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
        if (pclose(p) != 0) text.clear();
      }
    }
    close(fd);
    unlink(path);
  }
  if (!text.empty()) return text;
  text = "(wasm2wat unavailable; module bytes in hex)\n";
  char b[4];
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::snprintf(b, sizeof b, "%02x", bytes[i]);
    text += b;
    if (i % 32 == 31) text += "\n";
  }
  return text + "\n";
}

struct Side {
  const char* name;
  CallOutcome outcome;
  InstanceState state;
  bool live = true;
};

[[noreturn]] void ReportMismatch(const std::string& what, const NativeConfig& config, uint64_t fuel,
                                 const std::vector<uint8_t>& module, const std::string& call,
                                 const wasm::FuncType* type, const std::vector<Side*>& sides) {
  std::fprintf(stderr, "\n=== differential mismatch: %s\n", what.c_str());
  std::fprintf(stderr, "configuration: %s fuel=%llu\n", config.ToString().c_str(),
               static_cast<unsigned long long>(fuel));
  std::fprintf(stderr, "baseline:      %s\n", BaselineConfig().ToString().c_str());
  std::fprintf(stderr, "module:\n%s", ModuleText(module).c_str());
  std::fprintf(stderr, "call: %s\n", call.c_str());
  std::vector<wasm::ValType> results;
  if (type) results.assign(type->results().begin(), type->results().end());
  for (const Side* s : sides) {
    if (!s->live) continue;
    std::fprintf(stderr, "  %-8s %s\n", s->name, s->outcome.ToString(results).c_str());
  }
  std::fflush(stderr);
  std::abort();
}

// Compares every live side with the native one; returns false if any side is inconclusive.
bool Agree(Side& oracle, Side& native, Side& baseline, bool compare_state,
           const NativeConfig& config, uint64_t fuel, const std::vector<uint8_t>& module,
           const std::string& call, const wasm::FuncType* type) {
  const std::vector<Side*> sides = {&oracle, &native, &baseline};
  for (const Side* s : sides)
    if (s->live && s->outcome.kind == CallOutcome::Kind::kInconclusive)
      ++stats.notes[s->name + (": " + s->outcome.note)];
  if (native.outcome.kind == CallOutcome::Kind::kInconclusive) return false;
  if (baseline.live && baseline.outcome.kind == CallOutcome::Kind::kInconclusive) return false;
  if (oracle.outcome.kind == CallOutcome::Kind::kInconclusive) {
    if (oracle.outcome.note.rfind("interpreter error", 0) == 0)
      ReportMismatch("the oracle failed: " + oracle.outcome.note, config, fuel, module, call, type,
                     sides);
    oracle.live = false;  // a documented limit: keep comparing the compiled sides
  }
  for (Side* s : {&oracle, &baseline}) {
    if (!s->live) continue;
    if (!(s->outcome == native.outcome))
      ReportMismatch(std::string("outcome: ") + s->name + " vs native", config, fuel, module, call,
                     type, sides);
    if (!compare_state) continue;
    const std::string diff = DescribeStateDifference(s->state, native.state);
    if (!diff.empty())
      ReportMismatch(std::string("state after the call: ") + s->name + " vs native: " + diff,
                     config, fuel, module, call, type, sides);
  }
  return true;
}

void RunOne(const uint8_t* data, size_t size) {
  ByteSource src({data, size});
  uint64_t fuel = 0;
  NativeConfig cross;
  const NativeConfig config = DrawConfig(src, &fuel, &cross);
  GenOptions gen;
  gen.canonicalize_nans = std::getenv("EGRET_DIFF_NO_CANON") == nullptr;  // see README
  gen.max_imported_functions = 2;  // host_import.h defines them on both sides
  // EGRET_DIFF_TAIL_CALLS: also return_call* (off by default so the corpus keeps its modules).
  gen.tail_calls = std::getenv("EGRET_DIFF_TAIL_CALLS") != nullptr;
  gen.simd = SimdOn();
  gen.atomics = AtomicsOn();
  const std::vector<uint8_t> bytes = GenerateModule(src, gen);
  wasm::WasmError err;
  std::optional<wasm::ModuleEnv> env = wasm::LoadModule(bytes, "generated.wasm", &err);
  if (!env) {
    std::fprintf(stderr, "wasmgen produced an invalid module: %s\n%s", err.error.ToString().c_str(),
                 ModuleText(bytes).c_str());
    std::abort();
  }
  // EGRET_DIFF_PRINT: show each module and every call's outcome (to look at what is generated).
  static const bool print = std::getenv("EGRET_DIFF_PRINT") != nullptr;
  if (print)
    std::fprintf(stderr, "--- %s fuel=%llu\n%s", config.ToString().c_str(),
                 static_cast<unsigned long long>(fuel), ModuleText(bytes).c_str());
  const NativeConfig base_config = BaselineConfig();
  {
    std::string why;
    std::optional<CodeFigures> figures = CompileForTarget(*env, cross, &why);
    if (!figures) {
      std::fprintf(stderr, "\n=== differential: compile-only %s failed: %s\nmodule:\n%s",
                   cross.ToString().c_str(), why.c_str(), ModuleText(bytes).c_str());
      std::fflush(stderr);
      std::abort();
    }
    ++stats.cross_compiles;
    stats.cross_bytes += figures->artifact_bytes;
    stats.cross_islands += figures->islands;
    stats.cross_veneers += figures->veneers;
  }
  Side oracle{"oracle", {}, {}}, native{"native", {}, {}}, baseline{"baseline", {}, {}};
  baseline.live = !(config == base_config);
  const std::vector<Side*> sides = {&oracle, &native, &baseline};
  std::string why;
  std::unique_ptr<OracleInstance> oi = OracleInstance::Create(*env, fuel, &oracle.outcome, &why);
  if (!oi)
    ReportMismatch("the oracle cannot host the module: " + why, config, fuel, bytes, "instantiate",
                   nullptr, sides);
  std::unique_ptr<NativeInstance> ni =
      NativeInstance::Create(*env, config, fuel, &native.outcome, &why);
  if (!ni) ReportMismatch("native: " + why, config, fuel, bytes, "instantiate", nullptr, sides);
  stats.islands += ni->figures().islands;
  stats.veneers += ni->figures().veneers;
  std::unique_ptr<NativeInstance> bi;
  if (baseline.live) {
    bi = NativeInstance::Create(*env, base_config, fuel, &baseline.outcome, &why);
    if (!bi) ReportMismatch("baseline: " + why, config, fuel, bytes, "instantiate", nullptr, sides);
  }
  auto snapshot = [&] {
    if (oracle.live && oracle.outcome.kind != CallOutcome::Kind::kInconclusive)
      oracle.state = oi->State();
    native.state = ni->State();
    if (baseline.live) baseline.state = bi->State();
  };
  const bool instantiated = native.outcome.kind == CallOutcome::Kind::kReturned;
  ++stats.modules;
  stats.with_imports += env->num_imported_functions > 0;
  stats.shared_memories += !env->memories.empty() && env->memories[0].type.limits.shared;
  CountOps(*env);
  stats.with_baseline += baseline.live;
  if (instantiated) snapshot();
  if (!Agree(oracle, native, baseline, instantiated, config, fuel, bytes, "instantiate", nullptr)) {
    ++stats.inconclusive;
    return;
  }
  if (!instantiated) return;
  ++stats.instantiated;

  const uint32_t num_funcs = static_cast<uint32_t>(env->functions.size());
  for (const wasm::Export& e : env->exports) {
    if (e.kind != wasm::ExternKind::kFunc) continue;
    const wasm::FuncType& type = env->function_type(e.index);
    const std::vector<uint64_t> args = DrawArgs(src, type, num_funcs);
    std::string call = e.name + "(";
    for (size_t i = 0; i < args.size(); ++i)
      call += (i ? " " : "") + FormatValue(type.params()[i], args[i]);
    call += ")";
    if (oracle.live) oracle.outcome = oi->Call(e.index, args, fuel);
    native.outcome = ni->Call(e.index, args, fuel);
    if (baseline.live) baseline.outcome = bi->Call(e.index, args, fuel);
    snapshot();
    if (print) {
      const std::vector<wasm::ValType> results(type.results().begin(), type.results().end());
      std::fprintf(stderr, "%s -> %s\n", call.c_str(), native.outcome.ToString(results).c_str());
    }
    const bool oracle_was_live = oracle.live;
    if (!Agree(oracle, native, baseline, true, config, fuel, bytes, call, &type)) {
      ++stats.inconclusive;
      return;
    }
    stats.oracle_dropped += oracle_was_live && !oracle.live;
    ++stats.calls;
    if (native.outcome.kind == CallOutcome::Kind::kReturned) {
      ++stats.returned;
      for (size_t i = 0; i < native.outcome.values.size(); ++i) {
        const uint64_t v = native.outcome.values[i];
        if (type.results()[i] == wasm::ValType::kF32) {
          ++stats.float_results;
          stats.nan_results += (v & 0x7fffffff) > 0x7f800000;
        } else if (type.results()[i] == wasm::ValType::kF64) {
          ++stats.float_results;
          stats.nan_results += (v & ~(uint64_t{1} << 63)) > 0x7ff0000000000000;
        }
      }
    } else {
      ++stats.trapped;
      ++stats.traps[static_cast<int>(native.outcome.trap)];
      stats.out_of_fuel += native.outcome.trap == TrapCode::kOutOfFuel;
    }
  }
}

}  // namespace
}  // namespace egret::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  egret::fuzz::RunOne(data, size);
  return 0;
}

// The corpus replay's summary (tests/fuzz/harness/corpus_replay.cc): the campaign figures, and a
// failure when nothing was compared, so a replay that silently skips everything cannot pass.
extern "C" int EgretFuzzReplayFinish(int inputs) {
  egret::fuzz::Stats& s = egret::fuzz::stats;
  std::fprintf(stderr, "replayed %d inputs on %s\n", inputs,
               std::string(egret::artifact::TargetName(egret::runtime::HostTarget())).c_str());
  if (s.modules == 0) return 1;
  s.Print();
  return s.calls > 0 && s.cross_compiles > 0 ? 0 : 1;
}
