// checksum.h: the 64-bit checksum that guards an artifact's payload.
//
// Not cryptographic: it catches truncation, bit rot and accidental edits, not tampering. It is
// XXH3-64 (xxHash 0.8, the system's libxxhash-dev, used header-only so nothing is linked), whose
// output for a given input and seed is fixed by the xxHash specification: the value is part of
// the artifact format from format version 7 on (tests pin XXH3's published values). XXH3 runs
// on 128-bit vectors (SSE2 on every x86-64, NEON on aarch64; AVX2's 256-bit ones where the CPU
// has them), which matters because the runtime checks it on every load and the compiler over
// every byte it writes, and an artifact is mostly data segments and code.
#ifndef EGRET_ARTIFACT_CHECKSUM_H_
#define EGRET_ARTIFACT_CHECKSUM_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace egret::artifact {

// XXH3_64bits_withSeed(bytes, seed).
uint64_t Checksum64(std::span<const uint8_t> bytes, uint64_t seed = 0);

// Checksum64 of a byte string given in pieces (an artifact streamed to a file from its
// sections without concatenating them): Finish() after Update(p1), Update(p2), ... equals
// Checksum64(p1 + p2 + ..., seed). Copyable: the XXH3 state holds no pointer into itself.
class Checksum64Stream {
 public:
  explicit Checksum64Stream(uint64_t seed = 0);
  void Update(std::span<const uint8_t> bytes);
  uint64_t Finish() const;

 private:
  // An XXH3_state_t (checksum.cc checks that it fits): kept opaque so that xxhash.h stays out
  // of every file that includes this header.
  alignas(64) std::byte state_[640] = {};
};

namespace internal {

// The vector kernels behind Checksum64 (all give the same values): kBaseline is SSE2 on x86-64
// and NEON on aarch64; kAvx2 is taken on x86-64 CPUs that have AVX2.
enum class ChecksumKernel { kBaseline, kAvx2 };
ChecksumKernel ActiveChecksumKernel();
// Tests only: use `kernel` from now on in this process. False (and nothing changes) when this
// CPU or build lacks it.
bool SetChecksumKernelForTesting(ChecksumKernel kernel);

}  // namespace internal
}  // namespace egret::artifact

#endif  // EGRET_ARTIFACT_CHECKSUM_H_
