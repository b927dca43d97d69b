// checksum.cc: see checksum.h. xxHash is compiled into this file alone (XXH_INLINE_ALL makes
// every XXH_* function static here), so it needs only the header, for the host and the aarch64
// cross build alike. XXH_VECTOR is chosen from the target's predefined macros: SSE2 on x86-64
// (the baseline every x86-64 has), NEON on aarch64.
//
// On x86-64 the AVX2 kernels are compiled too (XXH_DISPATCH_AVX2 with a target attribute, the way
// xxHash's own xxh_x86dispatch.c builds them) and taken for inputs past 240 bytes when the CPU
// has AVX2: 32-byte vectors halve the instructions per byte (0.68 -> 0.32 with GCC 12). XXH3's
// value does not depend on the kernel, so a file written with one verifies with the other.
#include "artifact/checksum.h"

#include <atomic>
#include <new>
#include <type_traits>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>  // the AVX2 types; xxhash.h includes only what XXH_VECTOR needs

#define EGRET_CHECKSUM_AVX2 1
// XXH_X86DISPATCH aligns the accumulators and the derived secret to 64 bytes (the SSE2 build
// alone aligns them to 16), which the AVX2 kernels' aligned 32-byte loads and stores need.
#define XXH_X86DISPATCH 1
#define XXH_DISPATCH_AVX2 1
#define XXH_TARGET_AVX2 __attribute__((__target__("avx2")))
#else
#define EGRET_CHECKSUM_AVX2 0
#endif
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace egret::artifact {
namespace {

static_assert(XXH_VERSION_NUMBER >= 800, "the artifact checksum is XXH3, from xxHash 0.8");

XXH3_state_t* State(std::byte* storage) {
  return std::launder(reinterpret_cast<XXH3_state_t*>(storage));
}
const XXH3_state_t* State(const std::byte* storage) {
  return std::launder(reinterpret_cast<const XXH3_state_t*>(storage));
}

#if EGRET_CHECKSUM_AVX2
bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

// Set once from the CPU, then only by tests (internal::SetChecksumKernelForTesting).
std::atomic<int> kernel_override{-1};

bool UseAvx2() {
  const int forced = kernel_override.load(std::memory_order_relaxed);
  return forced < 0 ? CpuHasAvx2() : forced == int(internal::ChecksumKernel::kAvx2);
}

// XXH3_hashLong_64b_withSeed with the AVX2 kernels (the input is longer than 240 bytes).
XXH_NO_INLINE XXH_TARGET_AVX2 XXH64_hash_t HashLongAvx2(const void* input, size_t len,
                                                        XXH64_hash_t seed, const xxh_u8*, size_t) {
  return XXH3_hashLong_64b_withSeed_internal(input, len, seed, XXH3_accumulate_512_avx2,
                                             XXH3_scrambleAcc_avx2, XXH3_initCustomSecret_avx2);
}

// XXH3_64bits_update with the AVX2 kernels.
XXH_NO_INLINE XXH_TARGET_AVX2 void UpdateAvx2(XXH3_state_t* state, const uint8_t* input,
                                              size_t len) {
  XXH3_update(state, input, len, XXH3_accumulate_512_avx2, XXH3_scrambleAcc_avx2);
}
#endif

}  // namespace

uint64_t Checksum64(std::span<const uint8_t> bytes, uint64_t seed) {
#if EGRET_CHECKSUM_AVX2
  if (bytes.size() > XXH3_MIDSIZE_MAX && UseAvx2())
    return XXH3_64bits_internal(bytes.data(), bytes.size(), seed, XXH3_kSecret,
                                sizeof(XXH3_kSecret), HashLongAvx2);
#endif
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

Checksum64Stream::Checksum64Stream(uint64_t seed) {
  static_assert(sizeof(XXH3_state_t) <= sizeof state_ && alignof(XXH3_state_t) <= 64);
  static_assert(std::is_trivially_copyable_v<XXH3_state_t>);
  XXH3_state_t* state = new (state_) XXH3_state_t;
  XXH3_INITSTATE(state);
  XXH3_64bits_reset_withSeed(state, seed);  // cannot fail on a non-null state
}

void Checksum64Stream::Update(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return;  // an empty span may have a null data()
#if EGRET_CHECKSUM_AVX2
  if (UseAvx2()) return UpdateAvx2(State(state_), bytes.data(), bytes.size());
#endif
  XXH3_64bits_update(State(state_), bytes.data(), bytes.size());
}

uint64_t Checksum64Stream::Finish() const { return XXH3_64bits_digest(State(state_)); }

namespace internal {

ChecksumKernel ActiveChecksumKernel() {
#if EGRET_CHECKSUM_AVX2
  if (UseAvx2()) return ChecksumKernel::kAvx2;
#endif
  return ChecksumKernel::kBaseline;
}

bool SetChecksumKernelForTesting(ChecksumKernel kernel) {
#if EGRET_CHECKSUM_AVX2
  if (kernel == ChecksumKernel::kAvx2 && !CpuHasAvx2()) return false;
  kernel_override.store(int(kernel), std::memory_order_relaxed);
  return true;
#else
  return kernel == ChecksumKernel::kBaseline;
#endif
}

}  // namespace internal
}  // namespace egret::artifact
