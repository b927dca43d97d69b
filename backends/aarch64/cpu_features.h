// cpu_features.h: the optional AArch64 extensions egret knows, for `--target-features` and the
// host's detection.
//
// The baseline is ARMv8.0-A with FP and Advanced SIMD (NEON), which every AArch64 Linux has and
// which is all the backend emits: no lowering depends on an extension yet. The set exists so that a
// feature string is parsed and validated once at the command-line edge (an unknown name, or an
// x64 name given to the aarch64 target, is an error naming it), and so that code that will use an
// extension asks one place. Each extension is listed with the Wasm feature it would serve:
//   lse      FEAT_LSE: atomic read-modify-write (ldadd, cas, swp)        threads (atomics)
//   lse2     FEAT_LSE2: unaligned single-copy atomicity (HWCAP_USCAT)    threads (atomics)
//   rcpc     FEAT_LRCPC: ldapr, load-acquire RCpc                       threads (atomic loads)
//   fp16     FEAT_FP16: half-precision scalar and vector arithmetic      fp16 proposal
//   dotprod  FEAT_DotProd: sdot/udot                                     relaxed SIMD dot products
//   frintts  FEAT_FRINTTS: frint32z/frint64z (round to an integer range) float -> int conversions
// Detect() reads getauxval(AT_HWCAP/AT_HWCAP2) on an aarch64 host (Linux's HWCAP bits, which
// qemu-aarch64 reports for the CPU it emulates); elsewhere it is the baseline.
#ifndef EGRET_BACKENDS_AARCH64_CPU_FEATURES_H_
#define EGRET_BACKENDS_AARCH64_CPU_FEATURES_H_

#include <string>
#include <string_view>
#include <vector>

#include "support/error.h"

namespace egret::aarch64 {

struct CpuFeatures {
  bool lse = false;
  bool lse2 = false;
  bool rcpc = false;
  bool fp16 = false;  // scalar (HWCAP_FPHP) and vector (HWCAP_ASIMDHP) together
  bool dotprod = false;
  bool frintts = false;

  // ARMv8.0-A with FP and NEON, nothing optional.
  static CpuFeatures Baseline() { return {}; }
  // Every extension named above.
  static CpuFeatures All() { return {true, true, true, true, true, true}; }
  // The host's extensions on an aarch64 host (getauxval); Baseline() on any other.
  static CpuFeatures Detect();
  // Applies a comma-separated list of `+name` / `-name` (names as in ToString(), or `all`) to
  // `base`. An unknown name is an error naming it and listing the known ones.
  static Expected<CpuFeatures> Parse(std::string_view spec, CpuFeatures base = Baseline());
  // The names Parse() accepts (without `all`), in ToString() order.
  static std::vector<std::string_view> Names();

  // `+lse,-lse2,+rcpc,...`: every extension, in a fixed order.
  std::string ToString() const;
  bool operator==(const CpuFeatures&) const = default;
};

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_CPU_FEATURES_H_
