// x64_isa.h: the x64 TargetIsa: its stages of the shared per-function pipeline
// (backends/common/function_pipeline.h), the trampolines, disassembly, its text-section builder
// and artifact tag. Found by name through backends/target_registry.h.
//
// CompileFunction is a pure function of its inputs (no state kept between calls), so the
// pipeline may call it from several threads at once.
#ifndef EGRET_BACKENDS_X64_X64_ISA_H_
#define EGRET_BACKENDS_X64_X64_ISA_H_

#include <memory>

#include "backends/common/target_isa.h"
#include "backends/x64/cpu_features.h"

namespace egret::x64 {

class X64Isa final : public backend::TargetIsa {
 public:
  explicit X64Isa(CpuFeatures features) : features_(features) {}
  // The host's features when `features` is empty, else CpuFeatures::Parse(features).
  static Expected<std::unique_ptr<backend::TargetIsa>> Create(std::string_view features);

  std::string_view name() const override { return "x86_64"; }
  artifact::Target artifact_target() const override;
  std::unique_ptr<backend::TextBuilder> NewTextBuilder(
      uint32_t num_functions, const TextSectionOptions& options) const override;
  Expected<backend::CompiledFunction> CompileFunction(
      const ir::Function& f, const backend::ModuleContext& module,
      const backend::CompileOptions& options) const override;
  MachCode ArrayToWasmTrampoline(const ir::Signature& sig, uint32_t callee) const override;
  MachCode WasmToArrayTrampoline(const ir::Signature& sig) const override;
  std::string Disassemble(std::span<const uint8_t> code, uint64_t address) const override;
  std::string DisassembleFunction(std::span<const uint8_t> code, uint64_t address,
                                  std::span<const MachData> data) const override;

 private:
  CpuFeatures features_;
};

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_X64_ISA_H_
