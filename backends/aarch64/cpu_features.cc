// cpu_features.cc: see cpu_features.h.
#include "backends/aarch64/cpu_features.h"

#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace egret::aarch64 {
namespace {

struct FeatureName {
  std::string_view name;
  bool CpuFeatures::*field;
};

constexpr FeatureName kFeatures[] = {
    {"lse", &CpuFeatures::lse},         {"lse2", &CpuFeatures::lse2},
    {"rcpc", &CpuFeatures::rcpc},       {"fp16", &CpuFeatures::fp16},
    {"dotprod", &CpuFeatures::dotprod}, {"frintts", &CpuFeatures::frintts},
};

std::string KnownNames() {
  std::string s;
  for (const FeatureName& fn : kFeatures) {
    if (!s.empty()) s += ", ";
    s += fn.name;
  }
  return s + ", all";
}

}  // namespace

CpuFeatures CpuFeatures::Detect() {
  CpuFeatures f;
#if defined(__aarch64__) && defined(__linux__)
  const unsigned long hwcap = getauxval(AT_HWCAP);
  const unsigned long hwcap2 = getauxval(AT_HWCAP2);
  f.lse = (hwcap & HWCAP_ATOMICS) != 0;
  f.lse2 = (hwcap & HWCAP_USCAT) != 0;
  f.rcpc = (hwcap & HWCAP_LRCPC) != 0;
  f.fp16 = (hwcap & HWCAP_FPHP) != 0 && (hwcap & HWCAP_ASIMDHP) != 0;
  f.dotprod = (hwcap & HWCAP_ASIMDDP) != 0;
  f.frintts = (hwcap2 & HWCAP2_FRINT) != 0;
#endif
  return f;
}

Expected<CpuFeatures> CpuFeatures::Parse(std::string_view spec, CpuFeatures base) {
  CpuFeatures f = base;
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    const std::string_view item = spec.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    if (item[0] != '+' && item[0] != '-')
      return Error("aarch64 target feature '" + std::string(item) +
                   "' must start with + or - (e.g. +lse,-fp16)");
    const bool on = item[0] == '+';
    const std::string_view name = item.substr(1);
    if (name == "all") {
      f = on ? All() : Baseline();
      continue;
    }
    bool found = false;
    for (const FeatureName& fn : kFeatures) {
      if (fn.name == name) {
        f.*fn.field = on;
        found = true;
      }
    }
    if (!found)
      return Error("unknown aarch64 target feature '" + std::string(name) +
                   "' (known: " + KnownNames() + ")");
  }
  return f;
}

std::vector<std::string_view> CpuFeatures::Names() {
  std::vector<std::string_view> names;
  for (const FeatureName& fn : kFeatures) names.push_back(fn.name);
  return names;
}

std::string CpuFeatures::ToString() const {
  std::string s;
  for (const FeatureName& fn : kFeatures) {
    if (!s.empty()) s += ',';
    s += this->*fn.field ? '+' : '-';
    s += fn.name;
  }
  return s;
}

}  // namespace egret::aarch64
