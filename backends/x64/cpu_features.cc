// cpu_features.cc: cpuid-based detection and the +feat/-feat parser.
#include "backends/x64/cpu_features.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace egret::x64 {
namespace {

struct FeatureName {
  std::string_view name;
  bool CpuFeatures::*field;
};
// clang-format off
constexpr FeatureName kFeatures[] = {
    {"sse4.1", &CpuFeatures::sse41},
    {"lzcnt", &CpuFeatures::lzcnt},
    {"bmi1", &CpuFeatures::bmi1},
    {"popcnt", &CpuFeatures::popcnt},
    {"avx", &CpuFeatures::avx},
    {"bmi2", &CpuFeatures::bmi2},
    {"sse4.2", &CpuFeatures::sse42},
};
// clang-format on

}  // namespace

CpuFeatures CpuFeatures::Detect() {
  CpuFeatures f;
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
    f.sse41 = (ecx >> 19) & 1;
    f.sse42 = (ecx >> 20) & 1;
    f.popcnt = (ecx >> 23) & 1;
    // AVX needs the OS to save the ymm state too: OSXSAVE, then XCR0 bits 1 (SSE) and 2 (AVX).
    if (((ecx >> 27) & 1) && ((ecx >> 28) & 1)) {
      unsigned xcr0_lo, xcr0_hi;
      __asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
      f.avx = (xcr0_lo & 6) == 6;
    }
  }
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
    f.bmi1 = (ebx >> 3) & 1;
    f.bmi2 = (ebx >> 8) & 1;
  }
  if (__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx)) f.lzcnt = (ecx >> 5) & 1;
#endif
  return f;
}

Expected<CpuFeatures> CpuFeatures::Parse(std::string_view spec, CpuFeatures base) {
  CpuFeatures f = base;
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view item = spec.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    if (item[0] != '+' && item[0] != '-') {
      return Error("x64 target feature '" + std::string(item) + "' must start with + or -");
    }
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
    if (!found) return Error("unknown x64 target feature '" + std::string(name) + "'");
  }
  return f;
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

}  // namespace egret::x64
