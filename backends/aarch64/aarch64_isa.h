// aarch64_isa.h: the AArch64 TargetIsa: the per-function pipeline on the shared framework, the
// two trampolines, disassembly (capstone), the text builder over A64LabelUses and the artifact
// tag. Cross compilation works on any host: nothing here depends on the machine it runs on.
#ifndef EGRET_BACKENDS_AARCH64_AARCH64_ISA_H_
#define EGRET_BACKENDS_AARCH64_AARCH64_ISA_H_

#include <memory>
#include <string_view>

#include "backends/aarch64/cpu_features.h"
#include "backends/common/target_isa.h"

namespace egret::aarch64 {

class A64Isa final : public backend::TargetIsa {
 public:
  // `features`: empty for the host's extensions (CpuFeatures::Detect: getauxval on an aarch64
  // host, the ARMv8.0-A baseline on any other), otherwise a CpuFeatures::Parse string applied to
  // the baseline ("+lse,+fp16", "+all"); an unknown name is an error naming it.
  static Expected<std::unique_ptr<backend::TargetIsa>> Create(std::string_view features);
  explicit A64Isa(CpuFeatures features) : features_(features) {}

  // The extensions this ISA may assume. No lowering uses one yet (cpu_features.h).
  const CpuFeatures& features() const { return features_; }

  std::string_view name() const override { return "aarch64"; }
  artifact::Target artifact_target() const override;
  std::unique_ptr<backend::TextBuilder> NewTextBuilder(
      uint32_t num_functions, const TextSectionOptions& options) const override;
  Expected<backend::CompiledFunction> CompileFunction(
      const ir::Function& f, const backend::ModuleContext& module,
      const backend::CompileOptions& options) const override;
  MachCode ArrayToWasmTrampoline(const ir::Signature& sig, uint32_t callee) const override;
  MachCode WasmToArrayTrampoline(const ir::Signature& sig) const override;
  std::string Disassemble(std::span<const uint8_t> code, uint64_t address) const override;

 private:
  CpuFeatures features_;
};

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_AARCH64_ISA_H_
