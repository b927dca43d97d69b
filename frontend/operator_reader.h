// operator_reader.h: decodes a function body (or constant expression) one operator at a time.
//
// Bodies are never turned into a tree: the validator and the translator each walk the bytes with
// an OperatorReader, which fills one flat Operator struct per call and allocates nothing per
// operator (br_table targets go into a vector the reader reuses). Everything the binary format
// itself requires is checked here and reported as malformed (unknown opcodes, LEB128 limits,
// reserved zero bytes, bad type bytes); typing rules are the validator's job.
#ifndef EGRET_FRONTEND_OPERATOR_READER_H_
#define EGRET_FRONTEND_OPERATOR_READER_H_

#include <cstdint>
#include <span>
#include <vector>

#include "frontend/opcodes.h"
#include "frontend/wasm_features.h"
#include "frontend/wasm_types.h"
#include "support/error.h"
#include "support/leb128.h"

namespace egret::wasm {

struct BlockType {
  enum class Kind : uint8_t { kEmpty, kValue, kFuncType };
  Kind kind = Kind::kEmpty;
  ValType value = ValType::kBottom;  // kValue
  uint32_t type_index = 0;           // kFuncType
};

// One decoded operator. Only the fields its ImmKind names are meaningful.
struct Operator {
  Op op = Op::kNop;
  uint64_t offset = 0;  // absolute byte offset of the opcode in the module
  BlockType block;      // kBlockType
  uint32_t index = 0;   // kIndex, first of kTwoIndices, kMemoryInit's data index, kSelectT count
  uint32_t index2 = 0;  // second of kTwoIndices
  uint32_t align = 0;   // kMemArg/kMemArgLane: log2 alignment (without the memory-index bit)
  uint64_t mem_offset = 0;  // kMemArg/kMemArgLane (u64 with memory64, else u32)
  // The memory of kMemArg, kMemArgLane, kMemIdx and kMemoryInit; kMemoryCopy's destination.
  uint32_t memory = 0;
  uint32_t memory2 = 0;             // kMemoryCopy's source
  uint8_t lane = 0;                 // kLane, kMemArgLane
  ValType type = ValType::kBottom;  // kRefType; kSelectT's first type
  uint64_t bits = 0;     // kI32 (sign-extended), kI64, kF32, kF64, low half of kV128/kShuffle
  uint64_t bits_hi = 0;  // high half of kV128/kShuffle
};

// A run of locals of one type, as declared.
struct LocalGroup {
  uint32_t count;
  ValType type;
};

class OperatorReader {
 public:
  // `bytes` is the code to read; `base_offset` the absolute offset of bytes[0] in the module.
  // `features` change immediates: multi-memory makes memory indices LEB128 u32s (and lets bit 6
  // of a memarg's alignment announce one), memory64 makes memarg offsets u64.
  OperatorReader(std::span<const uint8_t> bytes, uint64_t base_offset,
                 WasmFeatures features = WasmFeatures::None())
      : data_(bytes.data()), size_(bytes.size()), base_(base_offset), features_(features) {}

  bool at_end() const { return pos_ == size_; }
  uint64_t offset() const { return base_ + pos_; }
  // Position within `bytes`; Seek moves it (to an operator's first byte, for a caller that
  // decodes the common operators itself and hands the others to Read).
  size_t pos() const { return pos_; }
  // The bytes being read (`bytes` of the constructor), for a caller that skips over operators
  // itself (the translator's loop read-ahead).
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  void Seek(size_t pos) { pos_ = pos; }

  // Reads the local declarations at the start of a function body. Fails (malformed) with "too
  // many locals" when the declared total exceeds 2^32 - 1.
  Status ReadLocals(std::vector<LocalGroup>* groups, uint64_t* total);

  // Reads the next operator. Errors are malformed, except an operator of a proposal egret does
  // not implement (wasm_features.h: UnsupportedOpcode), after which last_error_unsupported().
  Status Read(Operator* op);
  // Read's common case, without a Status: a single-byte opcode whose immediates are absent,
  // a one-byte block type (empty or a number type), valid LEB128s of at most five bytes (an
  // index, two indices, an i32/i64 constant; linkers pad relocated ones to five), raw f32/f64
  // bytes, or a memarg whose alignment is one byte without a memory index and whose offset has
  // at most five bytes. Fills exactly the fields Read would and returns true; otherwise reads
  // nothing and returns false, and the caller calls Read (which also reports every error).
  // `if (!r.ReadFast(&op)) TRY(r.Read(&op))` therefore behaves as Read alone. One-byte
  // immediates are read inline; the longer ones by ReadFastLonger, out of line, which applies
  // the spec's rule for a fifth byte of a 32-bit LEB128 (leb128.h) and leaves anything else,
  // valid or not, to Read.
  [[gnu::always_inline]] bool ReadFast(Operator* op) {
    const size_t left = size_ - pos_;
    if (left == 0) return false;
    const uint8_t* p = data_ + pos_;
    const uint16_t index = kSingleByteOp[p[0]];
    if (index == kNoSingleByteOp) return false;
    size_t n = 1;
    switch (kOpInfoTable[index].imm) {
      case ImmKind::kNone:
        break;
      case ImmKind::kIndex:
        if (left < 2 || p[1] >= 0x80) return ReadFastLonger(op, index);
        op->index = p[1];
        n = 2;
        break;
      case ImmKind::kI32:
      case ImmKind::kI64:
        // A one-byte signed LEB128: bit 6 is the sign.
        if (left < 2 || p[1] >= 0x80) return ReadFastLonger(op, index);
        op->bits = static_cast<uint64_t>(static_cast<int64_t>(p[1] & 0x40 ? p[1] - 0x80 : p[1]));
        n = 2;
        break;
      case ImmKind::kBlockType:
        if (left < 2) return false;
        if (p[1] == 0x40) {
          op->block.kind = BlockType::Kind::kEmpty;
        } else if (p[1] >= 0x7c && p[1] <= 0x7f) {  // i32, i64, f32, f64 (ValType's encodings)
          op->block.kind = BlockType::Kind::kValue;
          op->block.value = static_cast<ValType>(p[1]);
        } else {
          return false;
        }
        n = 2;
        break;
      case ImmKind::kMemArg:
        // Alignment below 0x40: one byte, and no memory index (bit 6) follows; a one-byte
        // offset reads the same as a u32 or (memory64) a u64.
        if (left < 3 || p[1] >= 0x40 || p[2] >= 0x80) return ReadFastLonger(op, index);
        op->align = p[1];
        op->memory = 0;
        op->mem_offset = p[2];
        n = 3;
        break;
      default:
        return ReadFastLonger(op, index);
    }
    op->op = static_cast<Op>(index);
    op->offset = base_ + pos_;
    pos_ += n;
    return true;
  }
  bool last_error_unsupported() const { return unsupported_; }

  // The label depths of the last br_table, default last.
  std::span<const uint32_t> br_targets() const { return br_targets_; }

 private:
  // ReadFast's cases with longer immediates (its contract); false for anything else. Called by
  // ReadFast only, with the single-byte opcode's table index it looked up (so at least one
  // byte is left and kSingleByteOp[data_[pos_]] == index).
  [[gnu::noinline]] bool ReadFastLonger(Operator* op, uint16_t index);
  Status ReadBlockType(BlockType* bt);
  Status ReadMemArg(Operator* op);
  // A memory index: a LEB128 u32 with multi-memory, else a single 0x00 byte.
  Status ReadMemIndex(uint32_t* memory);

  // Most immediates are one byte; these read it inline and fall back to ByteReader's strict
  // LEB128 decoding (through a reader positioned at pos_) for everything else.
  Status ReadU32(uint32_t* v) {
    if (pos_ < size_ && data_[pos_] < 0x80) {
      *v = data_[pos_++];
      return Status::Ok();
    }
    return SlowU32(v);
  }
  Status ReadS32(int32_t* v) {
    if (pos_ < size_ && data_[pos_] < 0x80) {
      const uint8_t b = data_[pos_++];
      *v = (b & 0x40) ? static_cast<int32_t>(b) - 0x80 : b;
      return Status::Ok();
    }
    return SlowS32(v);
  }
  Status ReadU8(uint8_t* v) {
    if (pos_ < size_) {
      *v = data_[pos_++];
      return Status::Ok();
    }
    return Error(offset(), "unexpected end");
  }
  Status SlowU32(uint32_t* v);
  Status SlowS32(int32_t* v);
  Status SlowS64(int64_t* v);
  Status SlowU64(uint64_t* v);
  Status SlowS33(int64_t* v);
  Status Fixed(uint64_t* v, int bytes);
  // A ByteReader over the unread bytes, for the slow paths; Advance() commits what it read.
  ByteReader Rest() const {
    return ByteReader(std::span<const uint8_t>(data_ + pos_, size_ - pos_), offset());
  }

  const uint8_t* data_;
  size_t size_;
  uint64_t base_;
  size_t pos_ = 0;
  WasmFeatures features_;
  std::vector<uint32_t> br_targets_;
  bool unsupported_ = false;
};

}  // namespace egret::wasm

#endif  // EGRET_FRONTEND_OPERATOR_READER_H_
