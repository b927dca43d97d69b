// target_registry.cc: the table of targets (see target_registry.h).
//
// Feature strings are each target's own syntax (`+name,-name`), parsed by that target. A name that
// belongs to another target (`--target=aarch64 --target-features=+lzcnt`) is refused here first,
// with a message saying whose feature it is and which names the chosen target takes.
#include "backends/target_registry.h"

#include <string>
#include <vector>

#include "backends/aarch64/aarch64_isa.h"
#include "backends/aarch64/cpu_features.h"
#include "backends/x64/cpu_features.h"
#include "backends/x64/x64_isa.h"

namespace egret::backend {
namespace {

// The feature names of each target, in its own ToString() order.
std::vector<std::string> X64FeatureNames() {
  std::vector<std::string> names;
  const std::string all = x64::CpuFeatures::All().ToString();  // "+sse4.1,+lzcnt,..."
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find(',', pos);
    if (end == std::string::npos) end = all.size();
    names.push_back(all.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return names;
}

std::vector<std::string> A64FeatureNames() {
  std::vector<std::string> names;
  for (std::string_view n : aarch64::CpuFeatures::Names()) names.emplace_back(n);
  return names;
}

std::string Join(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names)
    if (n == name) return true;
  return false;
}

// An error if an item of `spec` names a feature of `other` but not of `target`.
Status CheckForeignFeatures(std::string_view target, const std::vector<std::string>& own,
                            std::string_view other, const std::vector<std::string>& foreign,
                            std::string_view spec) {
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view name = spec.substr(pos, end - pos);
    pos = end + 1;
    if (!name.empty() && (name[0] == '+' || name[0] == '-')) name.remove_prefix(1);
    if (name.empty() || name == "all" || Contains(own, name) || !Contains(foreign, name)) continue;
    return Error("target feature '" + std::string(name) + "' is an " + std::string(other) +
                 " feature, but the target is " + std::string(target) +
                 " (its features: " + Join(own) + ", all)");
  }
  return Status::Ok();
}

}  // namespace

Expected<std::unique_ptr<TargetIsa>> LookupTargetIsa(std::string_view target,
                                                     std::string_view features) {
  if (target == "x86_64") {
    EGRET_TRY(
        CheckForeignFeatures(target, X64FeatureNames(), "aarch64", A64FeatureNames(), features));
    return x64::X64Isa::Create(features);
  }
  if (target == "aarch64") {
    EGRET_TRY(
        CheckForeignFeatures(target, A64FeatureNames(), "x86_64", X64FeatureNames(), features));
    return aarch64::A64Isa::Create(features);
  }
  return Error("target " + std::string(target) + " is not supported (x86_64, aarch64)");
}

}  // namespace egret::backend
