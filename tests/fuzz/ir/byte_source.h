// byte_source.h: the fuzzer's input bytes as a stream of small decisions.
//
// Every choice the IR generator makes is read from here, so the same bytes always give the same
// module and libFuzzer's mutations map to local changes of it (a byte flipped changes one
// decision, not the seed of a whole PRNG stream). Past the end, every read returns zero: a short
// input still yields a complete (small) module, because the generator's zero choice is always
// the smallest one (fewest blocks, fewest instructions, return).
#ifndef EGRET_TESTS_FUZZ_IR_BYTE_SOURCE_H_
#define EGRET_TESTS_FUZZ_IR_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace egret::fuzz {

class ByteSource {
 public:
  explicit ByteSource(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  uint8_t Byte() { return pos_ < bytes_.size() ? bytes_[pos_++] : 0; }
  bool Bool() { return Byte() & 1; }
  // A value in [0, n) for n >= 1 (one byte when n <= 256, else two).
  uint32_t Below(uint32_t n) {
    if (n <= 1) return 0;
    if (n <= 256) return Byte() % n;
    return ((uint32_t{Byte()} << 8) | Byte()) % n;
  }
  // True with probability about 1/n.
  bool OneIn(uint32_t n) { return Below(n) == 0; }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | Byte();
    return v;
  }
  uint64_t U64() { return (uint64_t{U32()} << 32) | U32(); }

  bool exhausted() const { return pos_ >= bytes_.size(); }
  size_t consumed() const { return pos_; }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

}  // namespace egret::fuzz

#endif  // EGRET_TESTS_FUZZ_IR_BYTE_SOURCE_H_
