// cpu_features.h: the optional x86-64 instruction-set extensions the lowering cares about.
//
// The baseline is x86-64 with SSE2 (every x86-64 CPU). Lowering asks CpuFeatures which
// instructions it may use and otherwise emits the fallback:
//   sse41  -> roundss/roundsd (f32/f64 ceil, floor, trunc, nearest); fallback: a libcall/sequence
//   lzcnt  -> lzcnt (i32/i64.clz);   fallback: bsr + cmov
//   bmi1   -> tzcnt (i32/i64.ctz);   fallback: bsf + cmov
//   popcnt -> popcnt (i32/i64.popcnt); fallback: the bit-twiddling sequence
//   avx    -> three-operand VEX scalar arithmetic (vaddsd d, a, b); fallback: two-address SSE
//   bmi2   -> rorx, shlx/shrx/sarx (three-address, any count register); fallback: rol/shl + %cl
// Detect() reads cpuid on the host; Parse() builds a set from a `+feat,-feat` string so tests and
// `--target-features` can force the fallbacks on any machine.
#ifndef EGRET_BACKENDS_X64_CPU_FEATURES_H_
#define EGRET_BACKENDS_X64_CPU_FEATURES_H_

#include <string>
#include <string_view>

#include "support/error.h"

namespace egret::x64 {

struct CpuFeatures {
  bool sse41 = false;
  bool lzcnt = false;   // CPUID.80000001H:ECX.ABM/LZCNT[bit 5]
  bool bmi1 = false;    // CPUID.(EAX=07H,ECX=0):EBX.BMI1[bit 3], gives tzcnt
  bool popcnt = false;  // CPUID.01H:ECX.POPCNT[bit 23]
  bool avx = false;     // CPUID.01H:ECX.AVX[bit 28] with OSXSAVE[bit 27] and XCR0 saving xmm/ymm
  bool bmi2 = false;    // CPUID.(EAX=07H,ECX=0):EBX.BMI2[bit 8]
  bool sse42 = false;   // CPUID.01H:ECX.SSE4_2[bit 20], gives pcmpgtq

  // Nothing beyond SSE2: every fallback is taken.
  static CpuFeatures Baseline() { return {}; }
  // Everything this backend can use.
  static CpuFeatures All() { return {true, true, true, true, true, true, true}; }
  // The host's features (Baseline() on a non-x86-64 host).
  static CpuFeatures Detect();
  // Applies a comma-separated list of `+name` / `-name` (names as in ToString(), or `all`) to
  // `base`. An unknown name is an error naming it.
  static Expected<CpuFeatures> Parse(std::string_view spec, CpuFeatures base = Baseline());

  // `+sse4.1,+lzcnt,-bmi1,+popcnt,+avx,+bmi2`.
  std::string ToString() const;
  bool operator==(const CpuFeatures&) const = default;
};

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_CPU_FEATURES_H_
