// checksum.h: the 64-bit checksum that guards an artifact's payload.
//
// Not cryptographic: it catches truncation, bit rot and accidental edits, not tampering. The
// function mixes 8-byte little-endian words with multiply-rotate steps and ends with a full
// avalanche, so every input bit affects every output bit; it runs at several GB/s, which matters
// because the runtime checks it on every load. The value for a given input is part of the
// artifact format and must never change (tests pin known values).
#ifndef EGRET_ARTIFACT_CHECKSUM_H_
#define EGRET_ARTIFACT_CHECKSUM_H_

#include <cstdint>
#include <span>

namespace egret::artifact {

uint64_t Checksum64(std::span<const uint8_t> bytes, uint64_t seed = 0);

// Checksum64 of a byte string given in pieces (an artifact streamed to a file from its
// sections without concatenating them): Finish() after Update(p1), Update(p2), ... equals
// Checksum64(p1 + p2 + ..., seed). Holds at most 31 bytes of a partial stripe.
class Checksum64Stream {
 public:
  explicit Checksum64Stream(uint64_t seed = 0);
  void Update(std::span<const uint8_t> bytes);
  uint64_t Finish() const;

 private:
  uint64_t seed_;
  uint64_t lanes_[4];
  uint64_t total_ = 0;   // bytes given so far
  uint8_t pending_[32];  // the partial stripe: pending_size_ < 32 bytes
  uint32_t pending_size_ = 0;
};

}  // namespace egret::artifact

#endif  // EGRET_ARTIFACT_CHECKSUM_H_
