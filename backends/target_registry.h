// target_registry.h: finds a TargetIsa by name, so that no code outside backends/ names a target.
//
// The pipeline (compiler/), the driver (tools/) and the benchmarks ask for a target by the name
// the command line uses ("x86_64") and a feature string in that target's own syntax (for x64,
// CpuFeatures::Parse: "+all,-lzcnt"); an empty string means "the host's features". This is the
// only file that includes every target's TargetIsa header.
#ifndef EGRET_BACKENDS_TARGET_REGISTRY_H_
#define EGRET_BACKENDS_TARGET_REGISTRY_H_

#include <memory>
#include <string_view>

#include "backends/common/target_isa.h"
#include "support/error.h"

namespace egret::backend {

// "x86_64" -> the x64 ISA with the host's CPU features, or `features` applied to the baseline.
// Errors: an unknown or not yet supported target, a feature string the target cannot parse.
Expected<std::unique_ptr<TargetIsa>> LookupTargetIsa(std::string_view target,
                                                     std::string_view features = "");

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_TARGET_REGISTRY_H_
