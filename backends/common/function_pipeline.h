// function_pipeline.h: the per-function pipeline every target runs, in one place:
//
//   ir::Function --Lower--> VCode<I> --regalloc::Allocate (+ checker)--> Output
//                --(keep_text: --emit=vcode/dot text)--> Emit --> MachCode
//
// A target supplies the three target-specific stages as a `Target` with
//   Expected<VCode<I>> Lower(const ir::Function&, const ModuleContext&) const;
//   const regalloc::MachineEnv& MachineEnv() const;
//   std::string VCodeText(const VCode<I>&, const std::vector<regalloc::Allocation>*) const;
//   MachCode Emit(const VCode<I>&, const regalloc::Output&, const ModuleContext&,
//                 const MachBufferOptions&,    // the options of the function's MachBuffer
//                 const EmitOptions&) const;   // and of the emission loop (emit_loop.h)
//   std::string_view ErrorPrefix() const;   // "x64"
// and calls CompileFunctionPipeline from its TargetIsa::CompileFunction, so the template is
// instantiated once, in that target's .cc.
//
// Invariant: the pipeline is a pure function of its inputs (TargetIsa's thread-safety contract);
// the allocator's checker, when on, proves every allocation before any byte is emitted.
#ifndef EGRET_BACKENDS_COMMON_FUNCTION_PIPELINE_H_
#define EGRET_BACKENDS_COMMON_FUNCTION_PIPELINE_H_

#include <string>

#include "backends/common/lower_order.h"
#include "backends/common/target_isa.h"
#include "backends/common/vcode.h"
#include "backends/common/vcode_printer.h"
#include "machbuffer/machbuffer.h"
#include "regalloc/allocator.h"
#include "regalloc/liveness.h"

namespace egret::backend {

// The stages after allocation: emission into the CompiledFunction inside the result (its one
// return is the named result, which the caller returns as it is: the CompiledFunction is moved
// once, into the result, where filling a local and returning it moved it twice, through
// Expected's by-value constructor).
// Afterwards the VCode is recycled (`done` is told when emission is done, before that).
template <class Target, class VCodeT, class Done>
Expected<CompiledFunction> EmitCompiledFunction(const Target& target, VCodeT& v,
                                                const regalloc::Output& ra, const ir::Function& f,
                                                const ModuleContext& module,
                                                const CompileOptions& options, const Done& done) {
  Expected<CompiledFunction> result{CompiledFunction()};
  CompiledFunction& out = *result;
  out.num_vcode_insts = v.size();
  out.regalloc_stats = ra.stats;
  if (options.keep_text) {
    out.vcode_before = target.VCodeText(v, nullptr);
    out.vcode_after = target.VCodeText(v, &ra.allocs);
    // Live-in/live-out sets for the dot view; the allocator already proved them computable.
    regalloc::Liveness live;
    const bool have_live = live.Compute(v.ra).ok();
    out.dot = PrintVCodeDot(out.vcode_after, v.ra, f.name, have_live ? &live : nullptr);
  }
  MachBufferOptions buffer_options;
  buffer_options.debug_branch_range_shrink = options.debug_branch_range_shrink;
  EmitOptions emit_options;
  emit_options.duplicate_dispatch = options.duplicate_dispatch;
  emit_options.loop_align = options.loop_align;
  out.code = target.Emit(v, ra, module, buffer_options, emit_options);
  done(PipelineStage::kEmit);
  RecycleVCode(std::move(v));  // the next function's lowering on this thread starts from it
  return result;
}

template <class Target>
Expected<CompiledFunction> CompileFunctionPipeline(const Target& target, const ir::Function& f,
                                                   const ModuleContext& module,
                                                   const CompileOptions& options) {
  auto done = [&](PipelineStage stage) {
    if (options.observer != nullptr) options.observer->StageDone(stage);
  };
  // Lowering takes the caller's loops of f, if any (lower_order.h), for this call only. The
  // VCode is used where lowering returned it, inside its Expected (not moved out of it).
  auto lowered = [&] {
    const ScopedProvidedLoops loops(f, options.loops);
    return target.Lower(f, module);
  }();
  if (!lowered.ok()) return std::move(lowered).error();
  auto& v = *lowered;
  done(PipelineStage::kLower);
  regalloc::Options ra_options;
  ra_options.algorithm = options.regalloc;
  ra_options.run_checker = options.regalloc_checker;
  Expected<regalloc::Output> ra = regalloc::Allocate(&v.ra, target.MachineEnv(), ra_options);
  done(PipelineStage::kRegalloc);
  if (!ra.ok()) {
    return Error(std::string(target.ErrorPrefix()) + ": register allocation failed for function " +
                 f.name + ": " + ra.error().message);
  }
  return EmitCompiledFunction(target, v, *ra, f, module, options, done);
}

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_FUNCTION_PIPELINE_H_
