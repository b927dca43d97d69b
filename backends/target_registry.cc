// target_registry.cc: the table of targets (see target_registry.h).
#include "backends/target_registry.h"

#include <string>

#include "backends/aarch64/aarch64_isa.h"
#include "backends/x64/x64_isa.h"

namespace egret::backend {

Expected<std::unique_ptr<TargetIsa>> LookupTargetIsa(std::string_view target,
                                                     std::string_view features) {
  if (target == "x86_64") return x64::X64Isa::Create(features);
  if (target == "aarch64") return aarch64::A64Isa::Create(features);
  return Error("target " + std::string(target) + " is not supported (x86_64, aarch64)");
}

}  // namespace egret::backend
