// compiler.h: the module -> artifact pipeline, shared by `egret compile`, `egret wast
// --mode=compile`, JIT-style embedding and the benchmarks (hence its own folder, not tools/).
//
//   wasm::ModuleEnv (validated) --translate--> IR per function --TargetIsa--> MachCode per
//   function --TextSectionBuilder--> one text section --> artifact::Artifact
//
// Functions are compiled independently by `jobs` worker threads that take function indices from
// one atomic counter; results land in a vector indexed by function, and everything after that
// is sequential, so the artifact is byte-identical whatever `jobs` is.
#ifndef EGRET_COMPILER_COMPILER_H_
#define EGRET_COMPILER_COMPILER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifact/artifact.h"
#include "backends/common/target_isa.h"
#include "compiler/options.h"
#include "frontend/module_env.h"
#include "frontend/translator.h"
#include "opt/pass_manager.h"
#include "support/error.h"

namespace egret::compiler {

// Initial values follow the defaults policy of options.h (the command line's defaults).
struct CompileOptions {
  Target target = HostTarget();
  OptLevel opt_level = DefaultOptLevel();  // the IR passes (opt/pass_manager.h)
  // nullopt: the one the opt level picks (DefaultAllocator).
  std::optional<Allocator> regalloc;
  // CPU features to compile for: "" detects the host's; otherwise CpuFeatures::Parse syntax
  // applied to the baseline, e.g. "+all,-lzcnt" (filetests pin this so output is host-independent).
  std::string features;
#ifdef EGRET_DEBUG
  bool regalloc_checker = true;
#else
  bool regalloc_checker = false;
#endif
  wasm::HeapStrategy heap = wasm::HeapStrategy::kGuardPages;
  // The WebAssembly proposals a module may use (--wasm-features; frontend/wasm_features.h).
  wasm::WasmFeatures wasm_features = wasm::WasmFeatures::Default();
  bool fuel = false;       // emit fuel accounting (wasm::TranslateOptions::fuel)
  uint32_t jobs = 0;       // worker threads; 0: DefaultJobs() (every online CPU)
  bool keep_text = false;  // fill per-function VCode text for --emit=vcode
  // Fill CompileStats::time (--stats). Off, the pipeline reads no clock per function.
  bool time_stages = false;
  IrVerification verify_ir = DefaultIrVerification();
  // A pass name or "all": FunctionReport::pass_log gets the IR after that pass (or each pass).
  std::string print_after;
  bool keep_opt_ir = false;  // fill FunctionReport::opt_ir (--emit=opt-ir)
  bool ir_srclocs = true;    // print `@offset` source locations in opt_ir and pass_log
  // Test mode (`--debug-branch-range-shrink=N`, docs/machbuffer.md): every shrinkable
  // label-use range is divided by N in the functions' MachBuffers and in the text section, so
  // small modules get islands and veneers. 1: real ranges; 0 is an error.
  uint32_t debug_branch_range_shrink = 1;
  // `--align-loops=N`: loop tops start on a multiple of N bytes (a power of two, 1 = none);
  // nullopt: the opt level's default (DefaultLoopAlign).
  std::optional<uint32_t> align_loops;
  // False: the artifact's data segments are left without their bytes (FillModuleMetadata's
  // copy_data), for a caller that writes the artifact with DataSegmentBytes(env) straight from
  // the module (`egret compile -o FILE`: the data is then never held twice; Flite's 17 MB).
  bool copy_data_segments = true;

  Allocator allocator() const { return regalloc ? *regalloc : DefaultAllocator(opt_level); }
  uint32_t worker_threads() const { return jobs == 0 ? DefaultJobs() : jobs; }
};

// Checks a --debug-branch-range-shrink value given on a command line: 1 <= n <= UINT32_MAX.
Expected<uint32_t> ParseBranchRangeShrink(int64_t n);

// The loop alignment an opt level uses unless --align-loops says otherwise: 1 (none) at both
// levels for now. 16 (one fetch block, what LLVM and GCC use on x86-64) costs about 2 compile
// instructions per Wasm byte and showed no gain on ../shared/bench (docs/x64.md, "Loop
// alignment").
uint32_t DefaultLoopAlign(OptLevel level);
// Parses an --align-loops value: a power of two from 1 to 64 (aarch64 code stays 4-aligned, so
// 1 and 2 mean no alignment there).
Expected<uint32_t> ParseLoopAlign(std::string_view text);

struct FunctionReport {
  std::string name;
  std::string vcode_before, vcode_after, dot;
  std::string opt_ir;    // the IR after the passes, when keep_opt_ir
  std::string pass_log;  // "; after PASS\n" + IR, per pass selected by print_after
  uint32_t text_offset = 0, size = 0;
  MachBufferStats buffer;      // the function's MachBuffer: islands, veneers, branch simplification
  std::vector<MachData> data;  // data stretches in its code (jump tables, constants, islands)
};

// CPU time per stage of the pipeline, in nanoseconds, filled when CompileOptions::time_stages
// is set. Each stage of each function is timed on its worker thread with the thread's CPU clock
// (opt::ThreadCpuNanoseconds) and summed over functions and workers, so time spent descheduled
// on a loaded machine is not counted; decode/validate and link run on one thread.
struct StageTimes {
  uint64_t decode_validate = 0;  // wasm::LoadModule: decoding and validating the whole module
  uint64_t translate = 0;        // Wasm -> IR
  uint64_t verify = 0;           // the IR verifier (once or after every pass: IrVerification)
  opt::PipelineStats passes;     // each IR pass by name (its `nanoseconds`)
  uint64_t lower = 0, regalloc = 0, emit = 0;  // backend::PipelineStage
  uint64_t link = 0;  // trampolines, the text section (call veneers), the artifact's tables

  void Merge(const StageTimes& other);
};

struct CompileStats {
  StageTimes time;
  uint64_t peak_rss_kb = 0;  // the process's peak resident memory so far (getrusage ru_maxrss)
  uint64_t functions = 0, vcode_insts = 0, code_bytes = 0;
  uint64_t spills = 0, reloads = 0, moves = 0, remats = 0;
  // Defined functions emitted without a frame record (leaves: docs/x64.md "Leaf prologues").
  uint64_t frameless_functions = 0;
  // Islands and veneers (docs/machbuffer.md). Inside functions, summed over their MachBuffers:
  // islands in the middle of the code, the bytes they took (jump, alignment, constants,
  // veneers), the constants they held, and the veneers. In the text section: call veneers and
  // the islands between functions that hold them.
  uint32_t debug_branch_range_shrink = 1;
  uint64_t islands = 0, island_bytes = 0, island_constants = 0;
  uint64_t veneers = 0, veneer_bytes = 0;
  uint64_t call_islands = 0, call_veneers = 0, call_veneer_bytes = 0;
  // Per function, those with an island or a veneer, in index order.
  struct FunctionIslands {
    std::string name;
    MachBufferStats buffer;
  };
  std::vector<FunctionIslands> island_functions;
  std::string ToString() const;
  // The aligned table of StageTimes and the peak memory (part of ToString):
  //   stage                 time ms   share
  //   decode/validate         0.412    3.1%
  //   ...
  std::string StageTable() const;
};

struct CompileResult {
  artifact::Artifact artifact;
  std::vector<FunctionReport> functions;  // defined functions, in index order
  CompileStats stats;
};

// backend::LookupTargetIsa (backends/target_registry.h): the target's ISA with the host's CPU
// features, or `features` in the target's syntax (an error if it does not parse).
Expected<std::unique_ptr<backend::TargetIsa>> LookupIsa(Target target,
                                                        std::string_view features = "");

// Compiles a validated module.
Expected<CompileResult> CompileModule(const wasm::ModuleEnv& env, const CompileOptions& options);

// The CPU time of the whole process (every thread) in nanoseconds: stage timing of work that
// runs on several threads while nothing else does (parallel validation).
uint64_t ProcessCpuNanoseconds();

// Decodes, validates and compiles; the error names the file and offset.
Expected<CompileResult> CompileBytes(std::vector<uint8_t> bytes, const std::string& file,
                                     const CompileOptions& options);

}  // namespace egret::compiler

#endif  // EGRET_COMPILER_COMPILER_H_
