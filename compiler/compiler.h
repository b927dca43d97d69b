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
#include <string>
#include <string_view>
#include <vector>

#include "artifact/artifact.h"
#include "backends/common/target_isa.h"
#include "frontend/module_env.h"
#include "frontend/translator.h"
#include "support/error.h"

namespace egret::compiler {

// The architecture egret itself runs on: the default target, so `egret run x.wasm` compiles code
// this host can execute (hosts other than the two targets default to x86_64, as a cross compiler).
#if defined(__aarch64__)
inline constexpr const char* kHostTarget = "aarch64";
#else
inline constexpr const char* kHostTarget = "x86_64";
#endif

struct CompileOptions {
  std::string target = kHostTarget;
  std::string regalloc = "fast";
  // CPU features to compile for: "" detects the host's; otherwise CpuFeatures::Parse syntax
  // applied to the baseline, e.g. "+all,-lzcnt" (filetests pin this so output is host-independent).
  std::string features;
#ifdef EGRET_DEBUG
  bool regalloc_checker = true;
#else
  bool regalloc_checker = false;
#endif
  wasm::HeapStrategy heap = wasm::HeapStrategy::kGuardPages;
  bool fuel = false;       // emit fuel accounting (wasm::TranslateOptions::fuel)
  uint32_t jobs = 1;       // 0: all cores
  bool keep_text = false;  // fill per-function VCode text for --emit=vcode
  bool verify_ir = true;
  // IR passes (opt/pass_manager.h): "none" runs none, "speed" the speed pipeline.
  std::string opt_level = "none";
  // A pass name or "all": FunctionReport::pass_log gets the IR after that pass (or each pass).
  std::string print_after;
  bool keep_opt_ir = false;  // fill FunctionReport::opt_ir (--emit=opt-ir)
  bool ir_srclocs = true;    // print `@offset` source locations in opt_ir and pass_log
  // Test mode (`--debug-branch-range-shrink=N`, docs/machbuffer.md): every shrinkable
  // label-use range is divided by N in the functions' MachBuffers and in the text section, so
  // small modules get islands and veneers. 1: real ranges; 0 is an error.
  uint32_t debug_branch_range_shrink = 1;
};

// Checks a --debug-branch-range-shrink value given on a command line: 1 <= n <= UINT32_MAX.
Expected<uint32_t> ParseBranchRangeShrink(int64_t n);

struct FunctionReport {
  std::string name;
  std::string vcode_before, vcode_after, dot;
  std::string opt_ir;    // the IR after the passes, when keep_opt_ir
  std::string pass_log;  // "; after PASS\n" + IR, per pass selected by print_after
  uint32_t text_offset = 0, size = 0;
  MachBufferStats buffer;      // the function's MachBuffer: islands, veneers, branch simplification
  std::vector<MachData> data;  // data stretches in its code (jump tables, constants, islands)
};

struct CompileStats {
  double translate_ms = 0, compile_ms = 0, link_ms = 0;  // wall time per stage
  uint64_t functions = 0, vcode_insts = 0, code_bytes = 0;
  uint64_t spills = 0, reloads = 0, moves = 0;
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
};

struct CompileResult {
  artifact::Artifact artifact;
  std::vector<FunctionReport> functions;  // defined functions, in index order
  CompileStats stats;
};

// backend::LookupTargetIsa (backends/target_registry.h): "x86_64" -> the x64 ISA (host CPU
// features, or `features`); "aarch64" -> "not supported yet".
Expected<std::unique_ptr<backend::TargetIsa>> LookupIsa(std::string_view target,
                                                        std::string_view features = "");

// Compiles a validated module.
Expected<CompileResult> CompileModule(const wasm::ModuleEnv& env, const CompileOptions& options);

// Decodes, validates and compiles; the error names the file and offset.
Expected<CompileResult> CompileBytes(std::vector<uint8_t> bytes, const std::string& file,
                                     const CompileOptions& options);

}  // namespace egret::compiler

#endif  // EGRET_COMPILER_COMPILER_H_
