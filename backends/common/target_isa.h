// target_isa.h: what the compile pipeline needs from a target, on one screen.
//
// The pipeline (compiler/) translates each Wasm function to IR, then hands it to a TargetIsa,
// which lowers it to VCode, allocates registers and emits machine code into a MachCode (bytes,
// trap records, call sites). The ISA also emits the trampolines between the host's array calling
// convention and its own Wasm convention. Everything a function needs to know about the rest of
// the module comes in a ModuleContext, which is read-only and shared by all worker threads: a
// TargetIsa must keep no mutable state between calls, so functions compile in parallel and the
// output does not depend on which thread compiled what.
//
// A target also owns what the module-level pipeline must not hard-code: the text-section builder
// over its label-use kinds and the artifact's architecture tag. Targets are found by name through
// backend::LookupTargetIsa (backends/target_registry.h), so the pipeline includes no target
// header.
#ifndef EGRET_BACKENDS_COMMON_TARGET_ISA_H_
#define EGRET_BACKENDS_COMMON_TARGET_ISA_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "backends/common/text_builder.h"
#include "ir/function.h"
#include "machbuffer/mach_code.h"
#include "regalloc/output.h"
#include "support/error.h"

namespace egret::ir {
class LoopSource;
}  // namespace egret::ir

namespace egret::artifact {
enum class Target : uint8_t;  // artifact/artifact.h; declared here so targets name their tag
}  // namespace egret::artifact

namespace egret::backend {

// How a call to an IR external function is resolved.
struct CallTarget {
  enum class Kind : uint8_t { kFunction, kBuiltin };
  Kind kind = Kind::kFunction;
  uint32_t index = 0;  // kFunction: defined-function index (text entry); kBuiltin: builtin id
};

// Read-only facts about the module, shared by every function compiled from it.
struct ModuleContext {
  // IR external function name -> what a `call` of it means.
  std::unordered_map<std::string, CallTarget> callees;
  uint32_t builtins_offset = 32;  // VMContext offset of the builtin table pointer
  // The prologue's stack check: SP against [[vmctx + store_limits_offset] + stack_limit_offset]
  // (the store-wide limits record, artifact/vmoffsets.h).
  uint32_t store_limits_offset = 8;
  uint32_t stack_limit_offset = 0;
};

// The stages of CompileFunction, in order.
enum class PipelineStage : uint8_t { kLower, kRegalloc, kEmit };

// Told when each stage of CompileFunction ends, on the compiling thread (the benchmarks' per-stage
// clocks read the thread's CPU time here, without naming a target).
class StageObserver {
 public:
  virtual ~StageObserver() = default;
  virtual void StageDone(PipelineStage stage) = 0;
};

struct CompileOptions {
  std::string regalloc = "fast";  // "fast" or "linear"
  bool regalloc_checker = false;
  bool keep_text = false;             // fill CompiledFunction::vcode_* and asm for --emit
  StageObserver* observer = nullptr;  // optional; must outlive the call
  // Test mode (`--debug-branch-range-shrink=N`): the function's MachBuffer shrinks every
  // shrinkable label-use range by N (MachBufferOptions), so small functions get islands and
  // veneers. 1: real ranges.
  uint32_t debug_branch_range_shrink = 1;
  // Tail duplication of dispatch blocks at emission (dispatch_copies.h; `--opt-level=speed`).
  bool duplicate_dispatch = false;
  // Loop tops start on a multiple of this many bytes (nops before them; emit_order.h's
  // loop_top); 0 or 1: no alignment. The compiler sets it from `--align-loops`.
  uint32_t loop_align = 0;
  // Where lowering takes the loops of the function being compiled from, when the caller holds
  // them (the compiler's analysis cache, after the IR passes and the verifier); they must
  // describe the function as it is. Null: lowering computes them. The output is the same.
  ir::LoopSource* loops = nullptr;
};

// What the emission loop does beyond emitting each block once (emit_loop.h). The pipeline sets
// it from CompileOptions; the compiler duplicates dispatch blocks at `speed` (dispatch_copies.h).
struct EmitOptions {
  bool duplicate_dispatch = false;
  uint32_t loop_align = 0;  // CompileOptions::loop_align
};

struct CompiledFunction {
  MachCode code;
  regalloc::Stats regalloc_stats;
  uint32_t num_vcode_insts = 0;
  std::string vcode_before;  // VCode over vregs (only with CompileOptions::keep_text)
  std::string vcode_after;   // with the allocation applied
  std::string dot;           // Graphviz CFG with allocations (only with keep_text)
};

class TargetIsa {
 public:
  virtual ~TargetIsa() = default;
  virtual std::string_view name() const = 0;
  // The architecture tag written into artifacts compiled for this target.
  virtual artifact::Target artifact_target() const = 0;
  // A builder that lays out `num_functions` MachCodes of this target in one text section and
  // resolves the calls between them with this target's label-use kinds (`options` as given:
  // alignment, and under range shrinking the largest function and call count).
  virtual std::unique_ptr<TextBuilder> NewTextBuilder(uint32_t num_functions,
                                                      const TextSectionOptions& options) const = 0;
  std::unique_ptr<TextBuilder> NewTextBuilder(uint32_t num_functions) const {
    return NewTextBuilder(num_functions, TextSectionOptions{});
  }
  // Compiles one function (a verified IR function in the Wasm calling convention).
  virtual Expected<CompiledFunction> CompileFunction(const ir::Function& f,
                                                     const ModuleContext& module,
                                                     const CompileOptions& options) const = 0;
  // Host -> Wasm: (callee_vmctx, caller_vmctx, ValRaw* args_results, size_t n), calling the
  // defined function `callee` (a text index resolved by the text-section builder).
  virtual MachCode ArrayToWasmTrampoline(const ir::Signature& sig, uint32_t callee) const = 0;
  // Wasm -> host: a Wasm-convention entry that calls the array_call of the host context in the
  // vmctx argument.
  virtual MachCode WasmToArrayTrampoline(const ir::Signature& sig) const = 0;
  // Disassembles text for --emit=asm.
  virtual std::string Disassemble(std::span<const uint8_t> code, uint64_t address) const = 0;
  // Disassembles one function whose data stretches (MachCode::data, function-relative) are
  // printed as data (`.long`, `.quad`) and islands marked; a target that does not override this
  // disassembles everything as instructions.
  virtual std::string DisassembleFunction(std::span<const uint8_t> code, uint64_t address,
                                          std::span<const MachData> data) const {
    (void)data;
    return Disassemble(code, address);
  }
};

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_TARGET_ISA_H_
