// checksum.cc: see checksum.h. Four independent lanes over 32-byte stripes keep the multiplier
// pipeline busy; short inputs and the tail fall back to one lane.
#include "artifact/checksum.h"

#include <cstring>

namespace egret::artifact {
namespace {

constexpr uint64_t kK1 = 0x9E3779B185EBCA87ull;  // odd constants with well-spread bits
constexpr uint64_t kK2 = 0xC2B2AE3D27D4EB4Full;
constexpr uint64_t kK3 = 0x165667B19E3779F9ull;
constexpr uint64_t kK4 = 0xD6E8FEB86659FD93ull;

inline uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // the hosts we support are little-endian (static_assert in format.h)
}

inline uint64_t Step(uint64_t acc, uint64_t word) {
  acc += word * kK2;
  acc = Rotl(acc, 31);
  return acc * kK1;
}

inline uint64_t Avalanche(uint64_t h) {
  h ^= h >> 33;
  h *= kK2;
  h ^= h >> 29;
  h *= kK3;
  h ^= h >> 32;
  return h;
}

}  // namespace

uint64_t Checksum64(std::span<const uint8_t> bytes, uint64_t seed) {
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  uint64_t h;
  if (n >= 32) {
    uint64_t a = seed + kK1 + kK2, b = seed + kK2, c = seed, d = seed - kK1;
    while (n >= 32) {
      a = Step(a, Load64(p));
      b = Step(b, Load64(p + 8));
      c = Step(c, Load64(p + 16));
      d = Step(d, Load64(p + 24));
      p += 32;
      n -= 32;
    }
    h = Rotl(a, 1) + Rotl(b, 7) + Rotl(c, 12) + Rotl(d, 18);
    for (uint64_t lane : {a, b, c, d}) h = (h ^ Step(0, lane)) * kK1 + kK4;
  } else {
    h = seed + kK3;
  }
  h += uint64_t(bytes.size());
  while (n >= 8) {
    h ^= Step(0, Load64(p));
    h = Rotl(h, 27) * kK1 + kK4;
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    h ^= uint64_t(*p) * kK3;
    h = Rotl(h, 11) * kK1;
    ++p;
    --n;
  }
  return Avalanche(h);
}

}  // namespace egret::artifact
