// leb128.h: LEB128 readers and writers with the WebAssembly spec's strictness.
//
// An N-bit LEB128 uses at most ceil(N/7) bytes. In the last allowed byte, the bits beyond N must
// be zero (unsigned) or copies of the sign bit (signed); otherwise the spec calls the module
// malformed with "integer too large". A continuation bit on the last allowed byte is
// "integer representation too long"; running out of input is "unexpected end".
#ifndef EGRET_SUPPORT_LEB128_H_
#define EGRET_SUPPORT_LEB128_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "support/error.h"

namespace egret {

// A cursor over a byte buffer. Every read checks bounds; errors carry the absolute offset
// (base_offset + position) where the bad encoding starts.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> bytes, uint64_t base_offset = 0)
      : bytes_(bytes), base_(base_offset) {}

  size_t pos() const { return pos_; }
  uint64_t offset() const { return base_ + pos_; }  // absolute offset of the next byte
  size_t remaining() const { return bytes_.size() - pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }
  std::span<const uint8_t> bytes() const { return bytes_; }

  Expected<uint8_t> ReadU8();
  Expected<uint32_t> ReadFixedU32();  // little-endian
  Expected<uint64_t> ReadFixedU64();  // little-endian
  // Returns `n` bytes without copying; fails with "unexpected end" if fewer remain.
  Expected<std::span<const uint8_t>> ReadBytes(size_t n);

  Expected<uint32_t> ReadU32() { return ReadUnsigned<uint32_t, 32>(); }
  Expected<uint64_t> ReadU64() { return ReadUnsigned<uint64_t, 64>(); }
  Expected<int32_t> ReadS32() { return ReadSigned<int32_t, 32>(); }
  Expected<int64_t> ReadS33() { return ReadSigned<int64_t, 33>(); }
  Expected<int64_t> ReadS64() { return ReadSigned<int64_t, 64>(); }

 private:
  template <class T, int kBits>
  Expected<T> ReadUnsigned();
  template <class T, int kBits>
  Expected<T> ReadSigned();

  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  uint64_t base_;
};

// Writers append the shortest encoding.
void WriteU32(std::vector<uint8_t>& out, uint32_t v);
void WriteU64(std::vector<uint8_t>& out, uint64_t v);
void WriteS32(std::vector<uint8_t>& out, int32_t v);
void WriteS64(std::vector<uint8_t>& out, int64_t v);

}  // namespace egret

#endif  // EGRET_SUPPORT_LEB128_H_
