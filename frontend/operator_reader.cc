// operator_reader.cc: the binary encoding of instructions (spec section 5.4).
//
// The common case (opcodes and one-byte LEB128 immediates) is read inline from the byte array;
// anything longer goes through ByteReader, which implements the spec's strict LEB128 rules, so
// both paths accept exactly the same encodings.
#include "frontend/operator_reader.h"

#include "frontend/wasm_features.h"

namespace egret::wasm {

Status OperatorReader::SlowU32(uint32_t* v) {
  ByteReader r = Rest();
  EGRET_ASSIGN_OR_RETURN(*v, r.ReadU32());
  pos_ += r.pos();
  return Status::Ok();
}

Status OperatorReader::SlowS32(int32_t* v) {
  ByteReader r = Rest();
  EGRET_ASSIGN_OR_RETURN(*v, r.ReadS32());
  pos_ += r.pos();
  return Status::Ok();
}

Status OperatorReader::SlowS64(int64_t* v) {
  ByteReader r = Rest();
  EGRET_ASSIGN_OR_RETURN(*v, r.ReadS64());
  pos_ += r.pos();
  return Status::Ok();
}

Status OperatorReader::SlowU64(uint64_t* v) {
  ByteReader r = Rest();
  EGRET_ASSIGN_OR_RETURN(*v, r.ReadU64());
  pos_ += r.pos();
  return Status::Ok();
}

Status OperatorReader::SlowS33(int64_t* v) {
  ByteReader r = Rest();
  EGRET_ASSIGN_OR_RETURN(*v, r.ReadS33());
  pos_ += r.pos();
  return Status::Ok();
}

namespace {

// The payload of a LEB128 of one to five bytes at p (`left` bytes readable) and its length; 0
// for a longer one or one cut off by the end (Read's cases). Five bytes hold 35 bits: the
// caller checks the last byte's unused bits where the type is 32 bits wide.
inline size_t ShortLeb(const uint8_t* p, size_t left, uint64_t* v) {
  uint64_t x = 0;
  const size_t max = left < 5 ? left : 5;
  for (size_t i = 0; i < max; ++i) {
    x |= uint64_t{p[i] & 0x7fu} << (7 * i);
    if (p[i] < 0x80) {
      *v = x;
      return i + 1;
    }
  }
  return 0;
}

// A u32 LEB128 at p (ShortLeb, and the spec's rule for a fifth byte: payload bits 4-6 zero).
inline size_t ShortU32(const uint8_t* p, size_t left, uint32_t* v) {
  uint64_t x = 0;
  const size_t k = ShortLeb(p, left, &x);
  if (k == 5 && (p[4] & 0x70) != 0) return 0;
  *v = static_cast<uint32_t>(x);
  return k;
}

// `bytes` raw bytes at p, little-endian.
inline uint64_t LoadLe(const uint8_t* p, int bytes) {
  uint64_t x = 0;
  for (int i = 0; i < bytes; ++i) x |= uint64_t{p[i]} << (8 * i);
  return x;
}

}  // namespace

bool OperatorReader::ReadFastLonger(Operator* op, uint16_t index) {
  const size_t left = size_ - pos_;
  const uint8_t* p = data_ + pos_;
  EGRET_DCHECK(left > 0 && kSingleByteOp[p[0]] == index);
  size_t n = 1;
  switch (kOpInfoTable[index].imm) {
    case ImmKind::kIndex: {
      const size_t k = ShortU32(p + 1, left - 1, &op->index);
      if (k == 0) return false;
      n = 1 + k;
      break;
    }
    case ImmKind::kTwoIndices: {
      const size_t k = ShortU32(p + 1, left - 1, &op->index);
      if (k == 0) return false;
      const size_t k2 = ShortU32(p + 1 + k, left - 1 - k, &op->index2);
      if (k2 == 0) return false;
      n = 1 + k + k2;
      break;
    }
    case ImmKind::kI32:
    case ImmKind::kI64: {
      uint64_t raw = 0;
      const size_t k = ShortLeb(p + 1, left - 1, &raw);
      if (k == 0) return false;
      int64_t v;
      if (k == 5 && kOpInfoTable[index].imm == ImmKind::kI32) {
        // s32's fifth byte: payload bits 3-6 all copies of the sign (bit 31).
        const uint8_t high = (p[5] & 0x7f) >> 3;
        if (high != 0 && high != 0xf) return false;
        v = static_cast<int32_t>(static_cast<uint32_t>(raw));
      } else {
        // Sign-extend from the 7k payload bits (the last byte's bit 6 is the sign).
        const uint64_t sign = uint64_t{1} << (7 * k - 1);
        v = static_cast<int64_t>(raw ^ sign) - static_cast<int64_t>(sign);
      }
      op->bits = static_cast<uint64_t>(v);
      n = 1 + k;
      break;
    }
    case ImmKind::kF32:
      if (left < 5) return false;
      op->bits = LoadLe(p + 1, 4);
      n = 5;
      break;
    case ImmKind::kF64:
      if (left < 9) return false;
      op->bits = LoadLe(p + 1, 8);
      n = 9;
      break;
    case ImmKind::kMemArg: {
      // Alignment below 0x40: one byte, and no memory index (bit 6) follows; then the offset, a
      // u32 (memory64: a u64, whose limits only bite at ten bytes).
      if (left < 3 || p[1] >= 0x40) return false;
      uint64_t offset = 0;
      const size_t k = ShortLeb(p + 2, left - 2, &offset);
      if (k == 0) return false;
      if (k == 5 && (p[6] & 0x70) != 0 && !features_.has(WasmFeature::kMemory64)) return false;
      op->align = p[1];
      op->memory = 0;
      op->mem_offset = offset;
      n = 2 + k;
      break;
    }
    default:
      return false;
  }
  op->op = static_cast<Op>(index);
  op->offset = base_ + pos_;
  pos_ += n;
  return true;
}

Status OperatorReader::Fixed(uint64_t* v, int bytes) {
  if (size_ - pos_ < static_cast<size_t>(bytes)) return Error(offset(), "unexpected end");
  uint64_t x = 0;
  for (int i = 0; i < bytes; ++i) x |= uint64_t{data_[pos_ + i]} << (8 * i);
  pos_ += bytes;
  *v = x;
  return Status::Ok();
}

Status OperatorReader::ReadLocals(std::vector<LocalGroup>* groups, uint64_t* total) {
  groups->clear();
  *total = 0;
  uint32_t n = 0;
  EGRET_TRY(ReadU32(&n));
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t at = offset();
    uint32_t count = 0;
    EGRET_TRY(ReadU32(&count));
    *total += count;
    if (*total > UINT32_MAX) return Error(at, "too many locals");
    const uint64_t type_at = offset();
    uint8_t b = 0;
    EGRET_TRY(ReadU8(&b));
    std::optional<ValType> t = ValTypeFromByte(b);
    if (!t) return Error(type_at, "malformed value type");
    if (count) groups->push_back({count, *t});
  }
  return Status::Ok();
}

Status OperatorReader::ReadBlockType(BlockType* bt) {
  const uint64_t at = offset();
  if (at_end()) return Error(at, "unexpected end");
  const uint8_t b = data_[pos_];
  if (b == 0x40) {
    ++pos_;
    bt->kind = BlockType::Kind::kEmpty;
    return Status::Ok();
  }
  if (std::optional<ValType> t = ValTypeFromByte(b)) {
    ++pos_;
    bt->kind = BlockType::Kind::kValue;
    bt->value = *t;
    return Status::Ok();
  }
  int64_t index = 0;
  EGRET_TRY(SlowS33(&index));
  if (index < 0) return Error(at, "malformed block type");
  bt->kind = BlockType::Kind::kFuncType;
  bt->type_index = static_cast<uint32_t>(index);
  return Status::Ok();
}

Status OperatorReader::ReadMemArg(Operator* op) {
  EGRET_TRY(ReadU32(&op->align));
  op->memory = 0;
  if (features_.has(WasmFeature::kMultiMemory) &&
      (op->align & 0x40) != 0) {  // bit 6: a memory index follows
    op->align &= ~uint32_t{0x40};
    EGRET_TRY(ReadU32(&op->memory));
  }
  if (features_.has(WasmFeature::kMemory64)) {
    if (pos_ < size_ && data_[pos_] < 0x80) {
      op->mem_offset = data_[pos_++];
      return Status::Ok();
    }
    return SlowU64(&op->mem_offset);
  }
  uint32_t offset = 0;
  EGRET_TRY(ReadU32(&offset));
  op->mem_offset = offset;
  return Status::Ok();
}

Status OperatorReader::ReadMemIndex(uint32_t* memory) {
  if (features_.has(WasmFeature::kMultiMemory)) return ReadU32(memory);
  const uint64_t at = offset();
  uint8_t b = 0;
  EGRET_TRY(ReadU8(&b));
  if (b != 0) return Error(at, "zero byte expected");
  *memory = 0;
  return Status::Ok();
}

Status OperatorReader::Read(Operator* op) {
  op->offset = offset();
  if (pos_ == size_) return Error(op->offset, "unexpected end");
  const uint8_t first = data_[pos_++];
  uint8_t prefix = 0;
  uint32_t code = first;
  // 0xfb (GC) and 0xfe (threads) are prefixes too: read their sub-opcode so that an
  // unsupported proposal's operator is named.
  if (first == 0xfc || first == 0xfd || first == 0xfb || first == 0xfe) {
    prefix = first;
    EGRET_TRY(ReadU32(&code));
  }
  if (!LookupOp(prefix, code, &op->op)) [[unlikely]] {
    if (std::optional<std::string> m = UnsupportedOpcode(prefix, code)) {
      unsupported_ = true;
      return Error(op->offset, std::move(*m));
    }
    return Error(op->offset, "illegal opcode");
  }
  switch (GetOpInfo(op->op).imm) {
    case ImmKind::kNone:
      break;
    case ImmKind::kBlockType:
      return ReadBlockType(&op->block);
    case ImmKind::kIndex:
      return ReadU32(&op->index);
    case ImmKind::kBrTable: {
      uint32_t n = 0;
      EGRET_TRY(ReadU32(&n));
      // Each target takes at least one byte: reject absurd counts before reserving.
      if (n > size_ - pos_) return Error(offset(), "unexpected end");
      br_targets_.resize(size_t{n} + 1);
      for (uint32_t i = 0; i <= n; ++i) EGRET_TRY(ReadU32(&br_targets_[i]));
      op->index = n;
      break;
    }
    case ImmKind::kTwoIndices:
      EGRET_TRY(ReadU32(&op->index));
      return ReadU32(&op->index2);
    case ImmKind::kSelectT: {
      EGRET_TRY(ReadU32(&op->index));
      if (op->index > size_ - pos_) return Error(offset(), "unexpected end");
      for (uint32_t i = 0; i < op->index; ++i) {
        const uint64_t at = offset();
        uint8_t b = 0;
        EGRET_TRY(ReadU8(&b));
        std::optional<ValType> t = ValTypeFromByte(b);
        if (!t) return Error(at, "malformed value type");
        if (i == 0) op->type = *t;
      }
      break;
    }
    case ImmKind::kMemArg:
      return ReadMemArg(op);
    case ImmKind::kMemIdx:
      return ReadMemIndex(&op->memory);
    case ImmKind::kMemoryInit:
      EGRET_TRY(ReadU32(&op->index));
      return ReadMemIndex(&op->memory);
    case ImmKind::kMemoryCopy:
      EGRET_TRY(ReadMemIndex(&op->memory));
      return ReadMemIndex(&op->memory2);
    case ImmKind::kI32: {
      int32_t v = 0;
      EGRET_TRY(ReadS32(&v));
      op->bits = static_cast<uint64_t>(static_cast<int64_t>(v));
      break;
    }
    case ImmKind::kI64: {
      int64_t v = 0;
      if (pos_ < size_ && data_[pos_] < 0x80) {
        const uint8_t b = data_[pos_++];
        v = (b & 0x40) ? static_cast<int64_t>(b) - 0x80 : b;
      } else {
        EGRET_TRY(SlowS64(&v));
      }
      op->bits = static_cast<uint64_t>(v);
      break;
    }
    case ImmKind::kF32:
      return Fixed(&op->bits, 4);
    case ImmKind::kF64:
      return Fixed(&op->bits, 8);
    case ImmKind::kRefType: {
      const uint64_t at = offset();
      uint8_t b = 0;
      EGRET_TRY(ReadU8(&b));
      std::optional<ValType> t = ValTypeFromByte(b);
      if (!t || !IsRefType(*t)) return Error(at, "malformed reference type");
      op->type = *t;
      break;
    }
    case ImmKind::kV128:
    case ImmKind::kShuffle:
      EGRET_TRY(Fixed(&op->bits, 8));
      return Fixed(&op->bits_hi, 8);
    case ImmKind::kLane:
      return ReadU8(&op->lane);
    case ImmKind::kMemArgLane:
      EGRET_TRY(ReadMemArg(op));
      return ReadU8(&op->lane);
  }
  return Status::Ok();
}

}  // namespace egret::wasm
