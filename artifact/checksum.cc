// checksum.cc: see checksum.h. xxHash is compiled into this file alone (XXH_INLINE_ALL makes
// every XXH_* function static here), so it needs only the header, for the host and the aarch64
// cross build alike; XXH_VECTOR is chosen from the target's predefined macros (SSE2 / NEON).
#include "artifact/checksum.h"

#include <new>
#include <type_traits>

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

}  // namespace

uint64_t Checksum64(std::span<const uint8_t> bytes, uint64_t seed) {
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
  XXH3_64bits_update(State(state_), bytes.data(), bytes.size());
}

uint64_t Checksum64Stream::Finish() const { return XXH3_64bits_digest(State(state_)); }

}  // namespace egret::artifact
