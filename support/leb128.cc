#include "support/leb128.h"

namespace egret {
namespace {
Error UnexpectedEnd(uint64_t offset) { return Error(offset, "unexpected end"); }
}  // namespace

Expected<uint8_t> ByteReader::ReadU8() {
  if (pos_ >= bytes_.size()) return UnexpectedEnd(offset());
  return bytes_[pos_++];
}

Expected<uint32_t> ByteReader::ReadFixedU32() {
  if (remaining() < 4) return UnexpectedEnd(offset());
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{bytes_[pos_ + i]} << (8 * i);
  pos_ += 4;
  return v;
}

Expected<uint64_t> ByteReader::ReadFixedU64() {
  if (remaining() < 8) return UnexpectedEnd(offset());
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{bytes_[pos_ + i]} << (8 * i);
  pos_ += 8;
  return v;
}

Expected<std::span<const uint8_t>> ByteReader::ReadBytes(size_t n) {
  if (remaining() < n) return UnexpectedEnd(offset());
  auto s = bytes_.subspan(pos_, n);
  pos_ += n;
  return s;
}

template <class T, int kBits>
Expected<T> ByteReader::ReadUnsigned() {
  constexpr int kMaxBytes = (kBits + 6) / 7;
  constexpr int kLastBits = kBits - 7 * (kMaxBytes - 1);  // payload bits in the last byte
  const uint64_t start = offset();
  uint64_t result = 0;
  for (int i = 0; i < kMaxBytes; ++i) {
    if (pos_ >= bytes_.size()) return UnexpectedEnd(offset());
    const uint8_t byte = bytes_[pos_++];
    if (i == kMaxBytes - 1) {
      if (byte & 0x80) return Error(start, "integer representation too long");
      if ((byte & 0x7f) >> kLastBits) return Error(start, "integer too large");
    }
    result |= uint64_t{byte & 0x7fu} << (7 * i);
    if (!(byte & 0x80)) break;
  }
  return static_cast<T>(result);
}

template <class T, int kBits>
Expected<T> ByteReader::ReadSigned() {
  constexpr int kMaxBytes = (kBits + 6) / 7;
  constexpr int kLastBits = kBits - 7 * (kMaxBytes - 1);
  const uint64_t start = offset();
  uint64_t result = 0;
  int shift = 0;
  uint8_t byte = 0;
  for (int i = 0; i < kMaxBytes; ++i) {
    if (pos_ >= bytes_.size()) return UnexpectedEnd(offset());
    byte = bytes_[pos_++];
    if (i == kMaxBytes - 1) {
      if (byte & 0x80) return Error(start, "integer representation too long");
      // Bits kLastBits-1 .. 6 must all equal the sign bit (bit kLastBits-1).
      const int high = (byte & 0x7f) >> (kLastBits - 1);
      const int all_ones = (1 << (8 - kLastBits)) - 1;
      if (high != 0 && high != all_ones) return Error(start, "integer too large");
    }
    result |= uint64_t{byte & 0x7fu} << shift;
    shift += 7;
    if (!(byte & 0x80)) break;
  }
  if (shift < 64 && (byte & 0x40)) result |= ~uint64_t{0} << shift;  // sign-extend
  return static_cast<T>(static_cast<int64_t>(result));
}

template Expected<uint32_t> ByteReader::ReadUnsigned<uint32_t, 32>();
template Expected<uint64_t> ByteReader::ReadUnsigned<uint64_t, 64>();
template Expected<int32_t> ByteReader::ReadSigned<int32_t, 32>();
template Expected<int64_t> ByteReader::ReadSigned<int64_t, 33>();
template Expected<int64_t> ByteReader::ReadSigned<int64_t, 64>();

void WriteU64(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    if (v != 0) byte |= 0x80;
    out.push_back(byte);
  } while (v != 0);
}

void WriteU32(std::vector<uint8_t>& out, uint32_t v) { WriteU64(out, v); }

void WriteS64(std::vector<uint8_t>& out, int64_t v) {
  bool more = true;
  while (more) {
    uint8_t byte = v & 0x7f;
    v >>= 7;  // arithmetic shift
    more = !((v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40)));
    if (more) byte |= 0x80;
    out.push_back(byte);
  }
}

void WriteS32(std::vector<uint8_t>& out, int32_t v) { WriteS64(out, v); }

}  // namespace egret
