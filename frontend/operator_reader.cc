// operator_reader.cc: the binary encoding of instructions (spec section 5.4).
#include "frontend/operator_reader.h"

namespace egret::wasm {

Status OperatorReader::ReadLocals(std::vector<LocalGroup>* groups, uint64_t* total) {
  groups->clear();
  *total = 0;
  EGRET_ASSIGN_OR_RETURN(uint32_t n, reader_.ReadU32());
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t at = reader_.offset();
    EGRET_ASSIGN_OR_RETURN(uint32_t count, reader_.ReadU32());
    *total += count;
    if (*total > UINT32_MAX) return Error(at, "too many locals");
    const uint64_t type_at = reader_.offset();
    EGRET_ASSIGN_OR_RETURN(uint8_t b, reader_.ReadU8());
    std::optional<ValType> t = ValTypeFromByte(b);
    if (!t) return Error(type_at, "malformed value type");
    if (count) groups->push_back({count, *t});
  }
  return Status::Ok();
}

Status OperatorReader::ReadBlockType(BlockType* bt) {
  const uint64_t at = reader_.offset();
  if (reader_.at_end()) return Error(at, "unexpected end");
  const uint8_t b = reader_.bytes()[reader_.pos()];
  if (b == 0x40) {
    (void)reader_.ReadU8();
    bt->kind = BlockType::Kind::kEmpty;
    return Status::Ok();
  }
  if (std::optional<ValType> t = ValTypeFromByte(b)) {
    (void)reader_.ReadU8();
    bt->kind = BlockType::Kind::kValue;
    bt->value = *t;
    return Status::Ok();
  }
  EGRET_ASSIGN_OR_RETURN(int64_t index, reader_.ReadS33());
  if (index < 0) return Error(at, "malformed block type");
  bt->kind = BlockType::Kind::kFuncType;
  bt->type_index = static_cast<uint32_t>(index);
  return Status::Ok();
}

Status OperatorReader::ReadMemArg(Operator* op) {
  EGRET_ASSIGN_OR_RETURN(op->align, reader_.ReadU32());
  EGRET_ASSIGN_OR_RETURN(op->mem_offset, reader_.ReadU32());
  return Status::Ok();
}

Status OperatorReader::Read(Operator* op) {
  op->offset = reader_.offset();
  EGRET_ASSIGN_OR_RETURN(uint8_t first, reader_.ReadU8());
  uint8_t prefix = 0;
  uint32_t code = first;
  if (first == 0xfc || first == 0xfd) {
    prefix = first;
    EGRET_ASSIGN_OR_RETURN(code, reader_.ReadU32());
  }
  if (!LookupOp(prefix, code, &op->op)) return Error(op->offset, "illegal opcode");
  switch (GetOpInfo(op->op).imm) {
    case ImmKind::kNone:
      break;
    case ImmKind::kBlockType:
      EGRET_TRY(ReadBlockType(&op->block));
      break;
    case ImmKind::kIndex: {
      EGRET_ASSIGN_OR_RETURN(op->index, reader_.ReadU32());
      break;
    }
    case ImmKind::kBrTable: {
      EGRET_ASSIGN_OR_RETURN(uint32_t n, reader_.ReadU32());
      // Each target takes at least one byte: reject absurd counts before reserving.
      if (n > reader_.remaining()) return Error(reader_.offset(), "unexpected end");
      br_targets_.clear();
      for (uint32_t i = 0; i <= n; ++i) {
        EGRET_ASSIGN_OR_RETURN(uint32_t depth, reader_.ReadU32());
        br_targets_.push_back(depth);
      }
      op->index = n;
      break;
    }
    case ImmKind::kTwoIndices: {
      EGRET_ASSIGN_OR_RETURN(op->index, reader_.ReadU32());
      EGRET_ASSIGN_OR_RETURN(op->index2, reader_.ReadU32());
      break;
    }
    case ImmKind::kSelectT: {
      EGRET_ASSIGN_OR_RETURN(op->index, reader_.ReadU32());
      if (op->index > reader_.remaining()) return Error(reader_.offset(), "unexpected end");
      for (uint32_t i = 0; i < op->index; ++i) {
        const uint64_t at = reader_.offset();
        EGRET_ASSIGN_OR_RETURN(uint8_t b, reader_.ReadU8());
        std::optional<ValType> t = ValTypeFromByte(b);
        if (!t) return Error(at, "malformed value type");
        if (i == 0) op->type = *t;
      }
      break;
    }
    case ImmKind::kMemArg:
      EGRET_TRY(ReadMemArg(op));
      break;
    case ImmKind::kMemIdx: {
      const uint64_t at = reader_.offset();
      EGRET_ASSIGN_OR_RETURN(uint8_t b, reader_.ReadU8());
      if (b != 0) return Error(at, "zero byte expected");
      break;
    }
    case ImmKind::kMemoryInit: {
      EGRET_ASSIGN_OR_RETURN(op->index, reader_.ReadU32());
      const uint64_t at = reader_.offset();
      EGRET_ASSIGN_OR_RETURN(uint8_t b, reader_.ReadU8());
      if (b != 0) return Error(at, "zero byte expected");
      break;
    }
    case ImmKind::kMemoryCopy:
      for (int i = 0; i < 2; ++i) {
        const uint64_t at = reader_.offset();
        EGRET_ASSIGN_OR_RETURN(uint8_t b, reader_.ReadU8());
        if (b != 0) return Error(at, "zero byte expected");
      }
      break;
    case ImmKind::kI32: {
      EGRET_ASSIGN_OR_RETURN(int32_t v, reader_.ReadS32());
      op->bits = static_cast<uint64_t>(static_cast<int64_t>(v));
      break;
    }
    case ImmKind::kI64: {
      EGRET_ASSIGN_OR_RETURN(int64_t v, reader_.ReadS64());
      op->bits = static_cast<uint64_t>(v);
      break;
    }
    case ImmKind::kF32: {
      EGRET_ASSIGN_OR_RETURN(uint32_t v, reader_.ReadFixedU32());
      op->bits = v;
      break;
    }
    case ImmKind::kF64: {
      EGRET_ASSIGN_OR_RETURN(op->bits, reader_.ReadFixedU64());
      break;
    }
    case ImmKind::kRefType: {
      const uint64_t at = reader_.offset();
      EGRET_ASSIGN_OR_RETURN(uint8_t b, reader_.ReadU8());
      std::optional<ValType> t = ValTypeFromByte(b);
      if (!t || !IsRefType(*t)) return Error(at, "malformed reference type");
      op->type = *t;
      break;
    }
    case ImmKind::kV128:
    case ImmKind::kShuffle: {
      EGRET_ASSIGN_OR_RETURN(op->bits, reader_.ReadFixedU64());
      EGRET_ASSIGN_OR_RETURN(op->bits_hi, reader_.ReadFixedU64());
      break;
    }
    case ImmKind::kLane: {
      EGRET_ASSIGN_OR_RETURN(op->lane, reader_.ReadU8());
      break;
    }
    case ImmKind::kMemArgLane: {
      EGRET_TRY(ReadMemArg(op));
      EGRET_ASSIGN_OR_RETURN(op->lane, reader_.ReadU8());
      break;
    }
  }
  return Status::Ok();
}

}  // namespace egret::wasm
