// ir_fuzz.cc: libFuzzer target comparing the optimizer and the backends against the IR
// interpreter on random verified IR modules (ir_generator.h).
//
// From the input bytes: an x64 feature set, whether stack slots are used, a cross-target
// configuration, a branch-range shrink factor for every compiled configuration (1 = real ranges;
// larger ones put islands and veneers into small functions: docs/machbuffer.md), a module (%callee,
// %main) and one to three argument lists for %main. The interpreter on the unoptimized module is
// the oracle. Each configuration must give the same outcome on every argument list:
//   - interp after <pass>, for every pass of opt::AllPasses() alone, and after the speed pipeline
//     (the pass manager verifies the IR after each pass);
//   - native <allocator> at <opt level>: both allocators (fast, linear) with the regalloc checker
//     on, at opt level none and speed, compiled for the host (x86-64, or aarch64 in the cross
//     build under qemu) and run by tests/fuzz/harness/native_module.h (for modules without stack
//     slots: neither backend lowers them yet).
// Every module uses SIMD (vector types and every vector op; kNativeSimd below).
// And one compile-only configuration for the other target (aarch64 on an x86-64 host, x86-64 on
// an aarch64 one), with a drawn opt level and allocator and the checker on: a lowering, verifier
// or checker failure there aborts like a mismatch.
// Outcomes match when both return bit-identical values or both trap with the same code. Native
// runs may return any NaN where the interpreter returns a NaN (x64 picks other NaN payloads and
// signs than the IR's deterministic rule); interpreter runs after passes must match NaN bits too. A
// mismatch, a pass or compile error, or an interpreter error prints the module, the arguments
// (as a `; run:` line for an .eir filetest), the configuration and both outcomes, then aborts.
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ir/interpreter.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/pass_manager.h"
#include "tests/fuzz/harness/native_module.h"
#include "tests/fuzz/ir/byte_source.h"
#include "tests/fuzz/ir/ir_generator.h"

namespace egret::fuzz {
namespace {

// x64 feature sets: the host's (all of them when x64 is only cross-compiled), none beyond SSE2
// (every fallback, including the rounding builtins), and two partial sets. aarch64 has one set.
constexpr const char* kX64FeatureSets[] = {"", "-all", "+all,-sse4.1", "+all,-lzcnt,-bmi1,-popcnt"};

// The feature string for `target` drawn from `pick` (0-3).
const char* FeaturesFor(std::string_view target, uint32_t pick) {
  if (target != "x86_64") return "";
  if (pick == 0 && HostTargetName() != "x86_64") return "+all";
  return kX64FeatureSets[pick];
}

std::string_view OtherTarget() { return HostTargetName() == "x86_64" ? "aarch64" : "x86_64"; }

// Range shrink factors: real ranges; aarch64's conditional branches and literal loads at the
// 512-byte floor (x64's small code unchanged); x64 branches at 4 KiB as well; every shrinkable
// kind of both targets at 512 bytes.
constexpr uint32_t kShrinkFactors[] = {1, 1u << 12, 1u << 19, 1u << 22};

// SIMD in natively run modules. The interpreter-only modules (those with stack slots) always
// have vector types and ops (GeneratorOptions::simd); the natively run ones too, now that both
// backends lower every vector op (issue 18). Their vectors stay inside the functions (the
// harness passes scalar arguments and results only) and x64 keeps SSE4.1, which its SIMD
// lowering needs. (EGRET_IR_FUZZ_NATIVE_SIMD=1 forces it on if this is ever turned off.)
constexpr bool kNativeSimd = true;

bool IsNan(ir::DataValue v) {
  if (v.type == ir::Type::kF32) return (v.bits & 0x7f800000) == 0x7f800000 && (v.bits & 0x7fffff);
  if (v.type == ir::Type::kF64)
    return (v.bits & 0x7ff0000000000000) == 0x7ff0000000000000 && (v.bits & 0xfffffffffffff);
  return false;
}

bool SameValue(ir::DataValue a, ir::DataValue b, bool exact_nan) {
  if (a.type != b.type) return false;
  if (ir::IsFloatVector(a.type) && !exact_nan) {
    // Lane by lane, like float scalars.
    const ir::Type lane = ir::LaneType(a.type);
    const uint32_t bits = ir::TypeBits(lane);
    for (uint32_t k = 0; k < ir::LaneCount(a.type); ++k) {
      const ir::DataValue x{lane, a.vec().Lane(bits, k)}, y{lane, b.vec().Lane(bits, k)};
      if (!SameValue(x, y, exact_nan)) return false;
    }
    return true;
  }
  if (!exact_nan && IsNan(a) && IsNan(b)) return true;
  return a.bits == b.bits && a.hi == b.hi;
}

bool SameOutcome(const ir::InterpResult& want, const ir::InterpResult& got, bool exact_nan) {
  if (want.kind != got.kind) return false;
  if (want.kind == ir::InterpResult::Kind::kTrapped) return want.trap == got.trap;
  if (want.kind == ir::InterpResult::Kind::kError) return true;
  if (want.values.size() != got.values.size()) return false;
  for (size_t i = 0; i < want.values.size(); ++i)
    if (!SameValue(want.values[i], got.values[i], exact_nan)) return false;
  return true;
}

std::string FormatOutcome(const ir::InterpResult& r) {
  switch (r.kind) {
    case ir::InterpResult::Kind::kTrapped:
      return "traps " + std::string(TrapCodeName(r.trap));
    case ir::InterpResult::Kind::kError:
      return "error: " + r.error;
    case ir::InterpResult::Kind::kReturned:
      break;
  }
  std::string s = "== ";
  for (size_t i = 0; i < r.values.size(); ++i) {
    if (i) s += ", ";
    s += ir::FormatDataValue(r.values[i]);
  }
  return s;
}

// The `; run:` line of an .eir filetest for this call (the vmctx is passed as 0).
std::string RunLine(const std::vector<ir::DataValue>& args, const ir::InterpResult& want) {
  std::string s = "; run: %main(0";
  for (const ir::DataValue& a : args) s += ", " + ir::FormatDataValue(a);
  return s + ") " + FormatOutcome(want);
}

// What the inputs so far exercised (printed by the corpus replay, which fails if no input ran
// natively or was cross-compiled: a replay that compared nothing must not pass).
struct IrFuzzStats {
  uint64_t returns = 0;  // oracle calls that returned
  uint64_t traps = 0;    // oracle calls that trapped
  uint64_t traps_by_code[kNumTrapCodes] = {};
  uint64_t comparisons = 0;     // configuration outcomes compared with the oracle
  uint64_t native_calls = 0;    // of which natively compiled calls
  uint64_t cross_compiles = 0;  // modules compiled for the other target
  uint64_t atomics = 0;         // atomic instructions and fences generated (stack-slot modules)
};
IrFuzzStats stats;

struct Case {
  const ir::Module& module;
  const char* features;
  uint32_t shrink;  // branch_range_shrink of every compiled configuration
  const std::vector<std::vector<ir::DataValue>>& arg_sets;
  std::vector<ir::InterpResult> oracle;
};

[[noreturn]] void Fail(const Case& c, const std::string& config, const std::string& what) {
  std::fprintf(stderr,
               "ir_fuzz: %s\nconfiguration: %s (target features \"%s\", branch range shrink "
               "%u)\n%s\n",
               what.c_str(), config.c_str(), c.features, c.shrink,
               ir::PrintModule(c.module).c_str());
  std::fflush(stderr);
  std::abort();
}

// `exact_nan`: NaN results must have the oracle's bits (interpreter configurations: IR semantics
// fix every NaN, so a pass that folds fadd must produce the interpreter's NaN).
void Compare(const Case& c, const std::string& config, size_t k, const ir::InterpResult& got,
             bool exact_nan) {
  ++stats.comparisons;
  if (SameOutcome(c.oracle[k], got, exact_nan)) return;
  Fail(c, config,
       "mismatch\n" + RunLine(c.arg_sets[k], c.oracle[k]) + "\n  interpreter: " +
           FormatOutcome(c.oracle[k]) + "\n  " + config + ": " + FormatOutcome(got));
}

// Runs `pm` over every function of a copy of the module.
ir::Module Optimized(const Case& c, const opt::PassManager& pm, const std::string& config) {
  ir::Module m = c.module;
  for (ir::Function& f : m.functions)
    if (Status st = pm.Run(f); !st.ok()) Fail(c, config, "pass error: " + st.error().message);
  return m;
}

opt::PassManagerOptions VerifyingOptions() {
  opt::PassManagerOptions o;
  o.verify = true;
  return o;
}

void RunInterpreterConfigs(const Case& c, const ir::InterpOptions& iopts) {
  std::vector<std::pair<std::string, opt::PassManager>> configs;
  for (const opt::Pass& p : opt::AllPasses()) {
    const std::string_view names[] = {p.name};
    Expected<opt::PassManager> pm = opt::PassManager::FromNames(names, VerifyingOptions());
    if (!pm.ok()) Fail(c, std::string(p.name), pm.error().message);
    configs.emplace_back("interp after " + std::string(p.name), std::move(*pm));
  }
  Expected<opt::PassManager> speed = opt::PassManager::ForOptLevel("speed", VerifyingOptions());
  if (!speed.ok()) Fail(c, "speed", speed.error().message);
  configs.emplace_back("interp after the speed pipeline", std::move(*speed));
  for (const auto& [config, pm] : configs) {
    const ir::Module m = Optimized(c, pm, config);
    ir::Interpreter interp(m, iopts);
    for (size_t k = 0; k < c.arg_sets.size(); ++k) {
      std::vector<ir::DataValue> args = {{ir::Type::kI64, 0}};
      args.insert(args.end(), c.arg_sets[k].begin(), c.arg_sets[k].end());
      Compare(c, config, k, interp.Call("main", args), /*exact_nan=*/true);
    }
  }
}

// The compile-only configuration for the target this host does not run.
void RunCrossConfig(const Case& c, const char* level, const char* regalloc, const char* features) {
  const std::string config = "compile-only " + std::string(OtherTarget()) + " " + regalloc +
                             " at " + level + " (features \"" + features + "\")";
  Expected<opt::PassManager> pm = opt::PassManager::ForOptLevel(level, VerifyingOptions());
  if (!pm.ok()) Fail(c, level, pm.error().message);
  const ir::Module m = Optimized(c, *pm, std::string("opt ") + level);
  NativeOptions o;
  o.regalloc = regalloc;
  o.regalloc_checker = true;
  o.features = features;
  o.branch_range_shrink = c.shrink;
  Expected<size_t> size = CompileForTarget(m, OtherTarget(), o);
  if (!size.ok()) Fail(c, config, "compile error: " + size.error().message);
  ++stats.cross_compiles;
}

void RunNativeConfigs(const Case& c) {
  for (const char* level : {"none", "speed"}) {
    Expected<opt::PassManager> pm = opt::PassManager::ForOptLevel(level, VerifyingOptions());
    if (!pm.ok()) Fail(c, level, pm.error().message);
    const ir::Module m = Optimized(c, *pm, std::string("opt ") + level);
    for (const char* regalloc : {"fast", "linear"}) {
      const std::string config = std::string("native ") + regalloc + " at " + level;
      NativeOptions o;
      o.regalloc = regalloc;
      o.regalloc_checker = true;
      o.features = c.features;
      o.branch_range_shrink = c.shrink;
      Expected<std::unique_ptr<NativeModule>> nm = NativeModule::Compile(m, o);
      if (!nm.ok()) Fail(c, config, "compile error: " + nm.error().message);
      for (size_t k = 0; k < c.arg_sets.size(); ++k) {
        Compare(c, config, k, (*nm)->Call("main", c.arg_sets[k]), /*exact_nan=*/false);
        ++stats.native_calls;
      }
    }
  }
}

}  // namespace
}  // namespace egret::fuzz

// The corpus replay's summary (tests/fuzz/harness/corpus_replay.cc).
extern "C" int EgretFuzzReplayFinish(int inputs) {
  const egret::fuzz::IrFuzzStats& s = egret::fuzz::stats;
  std::printf("replayed %d inputs: %" PRIu64 " calls returned and %" PRIu64
              " trapped in the interpreter; %" PRIu64 " outcomes compared, %" PRIu64
              " of them native (%s); %" PRIu64 " modules compiled for %s only\n",
              inputs, s.returns, s.traps, s.comparisons, s.native_calls,
              std::string(egret::fuzz::HostTargetName()).c_str(), s.cross_compiles,
              std::string(egret::fuzz::OtherTarget()).c_str());
  std::printf("atomic instructions and fences generated: %" PRIu64 "\n", s.atomics);
  std::printf("traps:");
  for (int c = 0; c < egret::kNumTrapCodes; ++c)
    if (s.traps_by_code[c] != 0)
      std::printf(" %s %" PRIu64,
                  std::string(egret::TrapCodeName(static_cast<egret::TrapCode>(c))).c_str(),
                  s.traps_by_code[c]);
  std::printf("\n");
  return inputs > 0 && s.native_calls > 0 && s.cross_compiles > 0 ? 0 : 1;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace egret;
  using namespace egret::fuzz;
  ByteSource in({data, size});
  // First byte: bits 0-1 the x64 feature set, bits 2-3 == 0 (one input in four) a module with
  // stack slots, which only the interpreter configurations run (no backend lowers them yet),
  // bits 4-5 the cross-target configuration (opt level speed, allocator linear), bits 6-7 the
  // branch-range shrink factor.
  const uint8_t head = in.Byte();
  GeneratorOptions gopts;
  gopts.stack_slots = ((head >> 2) & 3) == 0;
  static const bool native_simd =
      kNativeSimd || std::getenv("EGRET_IR_FUZZ_NATIVE_SIMD") != nullptr;
  gopts.simd = gopts.stack_slots || native_simd;
  // Atomics go with stack slots (interpreter configurations; the differential target runs them
  // natively). EGRET_IR_FUZZ_NO_ATOMICS turns them off.
  static const bool atomics = std::getenv("EGRET_IR_FUZZ_NO_ATOMICS") == nullptr;
  gopts.atomics = gopts.stack_slots && atomics;
  // The native harness (tests/fuzz/harness/native_module.cc) passes scalars only, so natively
  // run modules keep vectors inside their functions until it passes v128 values.
  gopts.simd_signatures = gopts.stack_slots;
  // x64 SIMD needs SSE4.1: natively run SIMD modules draw only among the sets that keep it.
  uint32_t feature_pick = head & 3;
  if (gopts.simd && !gopts.stack_slots && (feature_pick == 1 || feature_pick == 2))
    feature_pick = 3;
  const char* features = FeaturesFor(HostTargetName(), feature_pick);
  static const bool avoid_known_bugs = std::getenv("EGRET_IR_FUZZ_AVOID_KNOWN_BUGS") != nullptr;
  gopts.avoid_known_bugs = avoid_known_bugs;
  IrGenerator gen(in, gopts);
  const ir::Module module = gen.GenerateModule();
  std::vector<std::vector<ir::DataValue>> arg_sets;
  const uint32_t nsets = 1 + in.Below(3);
  for (uint32_t k = 0; k < nsets; ++k)
    arg_sets.push_back(gen.GenerateArgs(module.functions[1].signature));
  Case c{module, features, kShrinkFactors[head >> 6], arg_sets, {}};
  for (const ir::Function& f : module.functions) {
    if (Status st = ir::Verify(f); !st.ok())
      Fail(c, "generator", "the generated IR does not verify: " + st.error().message);
    if (gopts.atomics)
      for (ir::Block b : f.layout.Blocks())
        for (ir::Inst i : f.layout.Insts(b))
          stats.atomics += ir::IsAtomicFormat(ir::Info(f.dfg[i].opcode).format) ||
                           f.dfg[i].opcode == ir::Opcode::kFence;
  }

  ir::InterpOptions iopts;
  iopts.heap_size = 0;  // no heap: the functions touch only their stack slot
  ir::Interpreter oracle(module, iopts);
  for (const auto& args : arg_sets) {
    std::vector<ir::DataValue> full = {{ir::Type::kI64, 0}};
    full.insert(full.end(), args.begin(), args.end());
    c.oracle.push_back(oracle.Call("main", full));
    if (c.oracle.back().kind == ir::InterpResult::Kind::kError)
      Fail(c, "interpreter", "interpreter error: " + c.oracle.back().error);
    if (c.oracle.back().kind == ir::InterpResult::Kind::kTrapped) {
      ++stats.traps;
      ++stats.traps_by_code[static_cast<int>(c.oracle.back().trap)];
    } else {
      ++stats.returns;
    }
  }
  RunInterpreterConfigs(c, iopts);
  if (!gopts.stack_slots) {
    RunNativeConfigs(c);
    RunCrossConfig(c, head & 0x10 ? "speed" : "none", head & 0x20 ? "linear" : "fast",
                   FeaturesFor(OtherTarget(), feature_pick));
  }
  return 0;
}
