// binary_writer.h: appends WebAssembly binary encodings to a byte vector.
//
// Every integer is written in its shortest LEB128 form, sections are written with their exact
// sizes, and nothing is padded, so the output is the canonical encoding that wabt's wat2wasm
// also produces (the conformance test compares the two byte for byte).
#ifndef EGRET_FRONTEND_TEXT_BINARY_WRITER_H_
#define EGRET_FRONTEND_TEXT_BINARY_WRITER_H_

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "support/leb128.h"

namespace egret::text {

class BinaryWriter {
 public:
  explicit BinaryWriter(std::vector<uint8_t>* out) : out_(out) {}

  void U8(uint8_t b) { out_->push_back(b); }
  void U32(uint32_t v) { WriteU32(*out_, v); }
  void U64(uint64_t v) { WriteU64(*out_, v); }
  void S32(int32_t v) { WriteS32(*out_, v); }
  void S64(int64_t v) { WriteS64(*out_, v); }
  void Fixed32(uint32_t bits) {
    for (int i = 0; i < 4; ++i) out_->push_back(static_cast<uint8_t>(bits >> (8 * i)));
  }
  void Fixed64(uint64_t bits) {
    for (int i = 0; i < 8; ++i) out_->push_back(static_cast<uint8_t>(bits >> (8 * i)));
  }
  void Bytes(const uint8_t* data, size_t n) { out_->insert(out_->end(), data, data + n); }
  void Bytes(const std::vector<uint8_t>& v) { out_->insert(out_->end(), v.begin(), v.end()); }
  // A name or data string: its length, then its bytes.
  void Name(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_->insert(out_->end(), s.begin(), s.end());
  }
  // An opcode: one byte, or a prefix byte and a LEB128 sub-opcode.
  void Opcode(uint8_t prefix, uint32_t code) {
    if (prefix == 0) {
      U8(static_cast<uint8_t>(code));
    } else {
      U8(prefix);
      U32(code);
    }
  }
  // A section: id, size, contents (omitted by the caller when empty).
  void Section(uint8_t id, const std::vector<uint8_t>& contents) {
    U8(id);
    U32(static_cast<uint32_t>(contents.size()));
    Bytes(contents);
  }

 private:
  std::vector<uint8_t>* out_;
};

}  // namespace egret::text

#endif  // EGRET_FRONTEND_TEXT_BINARY_WRITER_H_
