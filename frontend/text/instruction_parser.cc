// instruction_parser.cc: instruction sequences, flat and folded, to binary code.
//
// Folded instructions are written operands first: `(i32.add (local.get 0) (i32.const 1))`
// encodes the two operand instructions, then `i32.add`. `(if bt cond* (then ..) (else ..))`
// encodes the conditions before `if`. Labels are resolved against FuncContext::labels, whose
// first entry is the function's own (unnamed) block, so `br 0` at top level leaves the body.
// Invariant: on success every ParseX leaves pos_ just past what it consumed and has appended
// exactly the binary encoding of that text to `out`.
#include <cstring>

#include "frontend/text/literals.h"
#include "frontend/text/module_parser_internal.h"

namespace egret::text::internal {

bool Parser::ParseInstrList(FuncContext& ctx, std::vector<uint8_t>& out) {
  // Flat blocks (`block ... end`) are kept on an explicit stack rather than recursed into, so
  // their nesting is bounded by memory only; `else`/`end` with no flat block of this list open
  // end the list for the caller.
  struct FlatBlock {
    bool is_if;
    std::string_view label;
    size_t else_start;  // output size after an `else` opcode; 0: no else yet
  };
  std::vector<FlatBlock> open;
  while (true) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kLParen) {
      if (!ParseFoldedInstr(ctx, out)) return false;
      continue;
    }
    const std::string_view k = t.kind == TokenKind::kKeyword ? Text(t) : std::string_view();
    if (k == "block" || k == "loop" || k == "if") {
      ++pos_;
      FlatBlock b{k == "if", {}, 0};
      if (Peek().kind == TokenKind::kId) b.label = Text(Next());
      out.push_back(k == "block" ? 0x02 : k == "loop" ? 0x03 : 0x04);
      if (!ParseBlockType(out)) return false;
      ctx.labels.push_back(b.label);
      open.push_back(b);
      continue;
    }
    if (k == "else" && !open.empty()) {
      FlatBlock& b = open.back();
      if (!b.is_if || b.else_start != 0) return FailUnexpected();
      ++pos_;
      if (!ParseEndLabel(b.label)) return false;
      out.push_back(0x05);
      b.else_start = out.size();
      continue;
    }
    if (k == "end" && !open.empty()) {
      ++pos_;
      const FlatBlock b = open.back();
      open.pop_back();
      if (!ParseEndLabel(b.label)) return false;
      if (b.else_start != 0 && out.size() == b.else_start)
        out.pop_back();  // an empty else is omitted, as wat2wasm does
      ctx.labels.pop_back();
      out.push_back(0x0b);
      continue;
    }
    if (t.kind != TokenKind::kKeyword || k == "end" || k == "else") {
      if (!open.empty()) return FailUnexpected();  // a flat block without its `end`
      return true;
    }
    if (!ParsePlainInstr(ctx, out)) return false;
  }
}

bool Parser::ParseEndLabel(std::string_view label) {
  if (Peek().kind != TokenKind::kId) return true;
  const Token& t = Next();
  if (Text(t) != label) return Fail(t, "mismatching label");
  return true;
}

bool Parser::ParseLabelRef(FuncContext& ctx, uint32_t* depth) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kNumber) return ParseU32(depth);
  if (t.kind != TokenKind::kId) return FailUnexpected();
  const std::string_view name = Text(t);
  for (size_t i = ctx.labels.size(); i-- > 0;) {
    if (ctx.labels[i] == name) {
      ++pos_;
      *depth = static_cast<uint32_t>(ctx.labels.size() - 1 - i);
      return true;
    }
  }
  return Fail(t, "unknown label " + std::string(name));
}

bool Parser::ParseLocalRef(FuncContext& ctx, uint32_t* index) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kNumber) return ParseU32(index);
  if (t.kind != TokenKind::kId) return FailUnexpected();
  auto it = ctx.locals.find(Text(t));
  if (it == ctx.locals.end()) return Fail(t, "unknown local " + std::string(Text(t)));
  ++pos_;
  *index = it->second;
  return true;
}

bool Parser::ParseOptionalIndex(Space space, uint32_t* out) {
  const TokenKind k = Peek().kind;
  if (k == TokenKind::kNumber || k == TokenKind::kId) return ParseIndex(space, out);
  *out = 0;
  return true;
}

bool Parser::ParsePlainInstr(FuncContext& ctx, std::vector<uint8_t>& out) {
  // Everything but the block instructions, which ParseInstrList handles.
  const Token& kw = Next();
  const std::string_view k = Text(kw);
  const TextOpcode* op = FindTextOpcode(k);
  if (op == nullptr || op->imm == TextImm::kBlockType || k == "else" || k == "end") {
    --pos_;
    return FailUnexpected();
  }
  return ParseImmediates(*op, kw, ctx, out);
}

bool Parser::ParseFoldedInstr(FuncContext& ctx, std::vector<uint8_t>& out) {
  if (++depth_ > kMaxNesting) return Fail(Peek(), "nesting too deep");
  struct Leave {
    int& d;
    ~Leave() { --d; }
  } leave{depth_};
  if (!ExpectLParen()) return false;
  const Token& kw = Peek();
  if (kw.kind != TokenKind::kKeyword) return FailUnexpected();
  const std::string_view k = Text(kw);
  ++pos_;
  if (k == "block" || k == "loop") {
    std::string_view label;
    if (Peek().kind == TokenKind::kId) label = Text(Next());
    out.push_back(k == "block" ? 0x02 : 0x03);
    if (!ParseBlockType(out)) return false;
    ctx.labels.push_back(label);
    if (!ParseInstrList(ctx, out) || !ExpectRParen()) return false;
    ctx.labels.pop_back();
    out.push_back(0x0b);
    return true;
  }
  if (k == "if") {
    std::string_view label;
    if (Peek().kind == TokenKind::kId) label = Text(Next());
    std::vector<uint8_t> head{0x04};
    if (!ParseBlockType(head)) return false;
    // The condition (and any other operands) come first.
    while (Peek().kind == TokenKind::kLParen && !IsLParenKeyword("then"))
      if (!ParseFoldedInstr(ctx, out)) return false;
    out.insert(out.end(), head.begin(), head.end());
    ctx.labels.push_back(label);
    if (!IsLParenKeyword("then")) return FailUnexpected();
    pos_ += 2;
    if (!ParseInstrList(ctx, out) || !ExpectRParen()) return false;
    if (IsLParenKeyword("else")) {
      pos_ += 2;
      out.push_back(0x05);
      const size_t else_start = out.size();
      if (!ParseInstrList(ctx, out) || !ExpectRParen()) return false;
      if (out.size() == else_start) out.pop_back();  // an empty else is omitted, as wat2wasm does
    }
    if (!ExpectRParen()) return false;
    ctx.labels.pop_back();
    out.push_back(0x0b);
    return true;
  }
  const TextOpcode* op = FindTextOpcode(k);
  if (op == nullptr || op->imm == TextImm::kBlockType || k == "else" || k == "end") {
    --pos_;
    return FailUnexpected();  // `(param ..)` out of place is unexpected, `(i32.ad)` unknown
  }
  std::vector<uint8_t> self;
  if (!ParseImmediates(*op, kw, ctx, self)) return false;
  while (Peek().kind == TokenKind::kLParen)
    if (!ParseFoldedInstr(ctx, out)) return false;
  if (!ExpectRParen()) return false;
  out.insert(out.end(), self.begin(), self.end());
  return true;
}

// `memidx? offset=N? align=N?`. A memory other than 0 sets bit 6 of the alignment field and
// follows it with the index (multi-memory). Offsets are u64 LEB128 as in memory64: the decoder
// rejects one above 2^32 - 1 as malformed without memory64, the validator as invalid for a
// 32-bit memory. Lane accesses (`lane`) end in a lane index, so a lone number there is the lane.
bool Parser::ParseMemArg(const TextOpcode& op, std::vector<uint8_t>& out, bool lane) {
  uint32_t memory = 0;
  const Token& first = Peek();
  const bool is_memory =
      first.kind == TokenKind::kId ||
      (first.kind == TokenKind::kNumber &&
       (!lane || Peek(1).kind == TokenKind::kNumber ||
        (Peek(1).kind == TokenKind::kKeyword &&
         (Text(Peek(1)).substr(0, 7) == "offset=" || Text(Peek(1)).substr(0, 6) == "align="))));
  if (is_memory && !ParseIndex(Space::kMemory, &memory)) return false;
  uint64_t offset = 0;
  uint32_t align_log2 = op.NaturalAlignLog2();
  const Token* t = &Peek();
  if (t->kind == TokenKind::kKeyword && Text(*t).substr(0, 7) == "offset=") {
    bool range = false;
    std::optional<uint64_t> v = ParseNat(Text(*t).substr(7), &range);
    if (!v) return Fail(*t, range ? "i64 constant out of range" : "unknown operator");
    offset = *v;
    ++pos_;
    t = &Peek();
  }
  if (t->kind == TokenKind::kKeyword && Text(*t).substr(0, 6) == "align=") {
    bool range = false;
    std::optional<uint64_t> v = ParseNat(Text(*t).substr(6), &range);
    if (!v) return Fail(*t, range ? "i32 constant out of range" : "unknown operator");
    if (*v == 0 || (*v & (*v - 1)) != 0) return Fail(*t, "alignment must be a power of two");
    if (*v > UINT32_MAX) return Fail(*t, "i32 constant out of range");
    align_log2 = 0;
    while ((uint64_t{1} << align_log2) < *v) ++align_log2;
    ++pos_;
  }
  BinaryWriter w(&out);
  if (memory != 0) {
    w.U32(align_log2 | 0x40);
    w.U32(memory);
  } else {
    w.U32(align_log2);
  }
  w.U64(offset);
  return true;
}

bool Parser::ParseLaneIndex(std::vector<uint8_t>& out, bool in_shuffle) {
  // As the reference: a shuffle's 16 literals are all lane indices ("malformed lane index"
  // for any that is not a u8); elsewhere only a too-large natural number is.
  const Token& t = Peek();
  if (t.kind != TokenKind::kNumber && t.kind != TokenKind::kKeyword) return FailUnexpected();
  std::optional<uint64_t> v = ParseNat(Text(t));
  if (!v && !in_shuffle) return FailUnexpected();
  if (!v || *v > 255) return Fail(t, "malformed lane index");
  ++pos_;
  out.push_back(static_cast<uint8_t>(*v));
  return true;
}

bool Parser::IsNotAToken(const Token& t) const {
  return t.kind == TokenKind::kReserved ||
         (t.kind == TokenKind::kKeyword && !IsKnownKeyword(Text(t)));
}

bool Parser::IsLaneLiteral(const Token& t) const {
  if (t.kind == TokenKind::kNumber) return true;
  if (t.kind != TokenKind::kKeyword) return false;
  const std::string_view k = Text(t);
  return k == "inf" || k == "nan" || k.substr(0, 4) == "nan:";
}

bool Parser::ParseV128Const(std::vector<uint8_t>& out) {
  const Token& shape = Peek();
  if (shape.kind != TokenKind::kKeyword) return FailUnexpected();
  const std::string_view s = Text(shape);
  int lanes, bits;
  bool is_float = false;
  if (s == "i8x16") {
    lanes = 16, bits = 8;
  } else if (s == "i16x8") {
    lanes = 8, bits = 16;
  } else if (s == "i32x4") {
    lanes = 4, bits = 32;
  } else if (s == "i64x2") {
    lanes = 2, bits = 64;
  } else if (s == "f32x4") {
    lanes = 4, bits = 32, is_float = true;
  } else if (s == "f64x2") {
    lanes = 2, bits = 64, is_float = true;
  } else {
    return FailUnexpected();
  }
  ++pos_;
  // The literals are counted before any is converted, as in the reference parser.
  int given = 0;
  while (IsLaneLiteral(Peek(given))) ++given;
  if (IsNotAToken(Peek(given))) {  // `.0`: the reference lexer fails before any counting
    pos_ += given;
    return FailUnexpected();
  }
  if (given != lanes)
    return Fail(Peek(given < lanes ? given : lanes), "wrong number of lane literals");
  BinaryWriter w(&out);
  for (int i = 0; i < lanes; ++i) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kNumber && t.kind != TokenKind::kKeyword) return FailUnexpected();
    const std::string_view x = Text(t);
    bool range = false;
    if (is_float && bits == 32) {
      std::optional<uint32_t> v = ParseFloat32(x, &range);
      if (!v) return range ? Fail(t, "constant out of range") : FailUnexpected();
      w.Fixed32(*v);
    } else if (is_float) {
      std::optional<uint64_t> v = ParseFloat64(x, &range);
      if (!v) return range ? Fail(t, "constant out of range") : FailUnexpected();
      w.Fixed64(*v);
    } else if (bits == 64) {
      std::optional<uint64_t> v = ParseInt64(x, &range);
      if (!v || t.kind != TokenKind::kNumber)
        return range ? Fail(t, "constant out of range") : FailUnexpected();
      w.Fixed64(*v);
    } else {
      std::optional<uint32_t> v = ParseIntN(x, bits, &range);
      if (!v || t.kind != TokenKind::kNumber)
        return range ? Fail(t, "constant out of range") : FailUnexpected();
      for (int b = 0; b < bits / 8; ++b) out.push_back(static_cast<uint8_t>(*v >> (8 * b)));
    }
    ++pos_;
  }
  return true;
}

bool Parser::ParseImmediates(const TextOpcode& op, const Token& at, FuncContext& ctx,
                             std::vector<uint8_t>& out) {
  BinaryWriter w(&out);
  const std::string_view name = op.name;
  switch (op.imm) {
    case TextImm::kNone:
      if (name == "select") {
        // `select (result t)*` is the typed form 0x1c.
        if (!IsLParenKeyword("result")) {
          w.U8(0x1b);
          return true;
        }
        std::vector<uint8_t> types;
        while (IsLParenKeyword("result")) {
          pos_ += 2;
          while (Peek().kind != TokenKind::kRParen) {
            uint8_t t;
            if (!ParseValType(&t)) return false;
            types.push_back(t);
          }
          if (!ExpectRParen()) return false;
        }
        w.U8(0x1c);
        w.U32(static_cast<uint32_t>(types.size()));
        w.Bytes(types);
        return true;
      }
      w.Opcode(op.prefix, op.code);
      return true;
    case TextImm::kBlockType:
      return Fail(at, "unknown operator");
    case TextImm::kIndex: {
      uint32_t index = 0;
      bool ok;
      if (name == "br" || name == "br_if") {
        ok = ParseLabelRef(ctx, &index);
      } else if (name == "call" || name == "return_call" || name == "ref.func") {
        ok = ParseIndex(Space::kFunc, &index);
      } else if (name.substr(0, 6) == "local.") {
        ok = ParseLocalRef(ctx, &index);
      } else if (name.substr(0, 7) == "global.") {
        ok = ParseIndex(Space::kGlobal, &index);
      } else if (name.substr(0, 6) == "table.") {
        ok = ParseOptionalIndex(Space::kTable, &index);
      } else if (name == "elem.drop") {
        ok = ParseIndex(Space::kElem, &index);
      } else if (name == "data.drop") {
        ok = ParseIndex(Space::kData, &index);
        uses_data_count_ = true;
      } else {
        return Fail(at, "unknown operator");
      }
      if (!ok) return false;
      w.Opcode(op.prefix, op.code);
      w.U32(index);
      return true;
    }
    case TextImm::kBrTable: {
      std::vector<uint32_t> labels;
      while (Peek().kind == TokenKind::kNumber || Peek().kind == TokenKind::kId) {
        uint32_t d;
        if (!ParseLabelRef(ctx, &d)) return false;
        labels.push_back(d);
      }
      if (labels.empty()) return FailUnexpected();
      w.Opcode(op.prefix, op.code);
      w.U32(static_cast<uint32_t>(labels.size() - 1));
      for (uint32_t d : labels) w.U32(d);
      return true;
    }
    case TextImm::kTwoIndices: {
      if (name == "call_indirect" || name == "return_call_indirect") {
        uint32_t table, type;
        if (!ParseOptionalIndex(Space::kTable, &table) ||
            !ParseTypeUse(TypeUseMode::kAnonymousParams, &type, nullptr))
          return false;
        w.Opcode(op.prefix, op.code);
        w.U32(type);
        w.U32(table);
        return true;
      }
      auto is_index = [&](size_t k) {
        return Peek(k).kind == TokenKind::kNumber || Peek(k).kind == TokenKind::kId;
      };
      if (name == "table.init") {
        uint32_t table = 0, elem;
        if (is_index(0) && is_index(1) && !ParseIndex(Space::kTable, &table)) return false;
        if (!ParseIndex(Space::kElem, &elem)) return false;
        w.Opcode(op.prefix, op.code);
        w.U32(elem);
        w.U32(table);
        return true;
      }
      // table.copy: both indices or neither.
      uint32_t dst = 0, src = 0;
      if (is_index(0)) {
        if (!ParseIndex(Space::kTable, &dst) || !ParseIndex(Space::kTable, &src)) return false;
      }
      w.Opcode(op.prefix, op.code);
      w.U32(dst);
      w.U32(src);
      return true;
    }
    case TextImm::kSelectT:
      return Fail(at, "unknown operator");
    case TextImm::kMemArg:
      w.Opcode(op.prefix, op.code);
      return ParseMemArg(op, out);
    case TextImm::kMemIdx: {
      uint32_t memory = 0;
      if (!ParseOptionalIndex(Space::kMemory, &memory)) return false;
      w.Opcode(op.prefix, op.code);
      w.U32(memory);
      return true;
    }
    case TextImm::kMemoryInit: {  // memory.init memidx? dataidx
      auto is_index = [&](size_t k) {
        return Peek(k).kind == TokenKind::kNumber || Peek(k).kind == TokenKind::kId;
      };
      uint32_t memory = 0, data;
      if (is_index(0) && is_index(1) && !ParseIndex(Space::kMemory, &memory)) return false;
      if (!ParseIndex(Space::kData, &data)) return false;
      uses_data_count_ = true;
      w.Opcode(op.prefix, op.code);
      w.U32(data);
      w.U32(memory);
      return true;
    }
    case TextImm::kMemoryCopy: {  // memory.copy (dst src)?
      uint32_t dst = 0, src = 0;
      if (Peek().kind == TokenKind::kNumber || Peek().kind == TokenKind::kId) {
        if (!ParseIndex(Space::kMemory, &dst) || !ParseIndex(Space::kMemory, &src)) return false;
      }
      w.Opcode(op.prefix, op.code);
      w.U32(dst);
      w.U32(src);
      return true;
    }
    case TextImm::kI32:
    case TextImm::kI64: {
      const Token& t = Peek();
      if (t.kind != TokenKind::kNumber) return FailUnexpected();
      bool range = false;
      w.Opcode(op.prefix, op.code);
      if (op.imm == TextImm::kI32) {
        std::optional<uint32_t> v = ParseInt32(Text(t), &range);
        if (!v) return range ? Fail(t, "constant out of range") : FailUnexpected();
        w.S32(static_cast<int32_t>(*v));
      } else {
        std::optional<uint64_t> v = ParseInt64(Text(t), &range);
        if (!v) return range ? Fail(t, "constant out of range") : FailUnexpected();
        w.S64(static_cast<int64_t>(*v));
      }
      ++pos_;
      return true;
    }
    case TextImm::kF32:
    case TextImm::kF64: {
      const Token& t = Peek();
      if (t.kind != TokenKind::kNumber && t.kind != TokenKind::kKeyword) return FailUnexpected();
      bool range = false;
      w.Opcode(op.prefix, op.code);
      if (op.imm == TextImm::kF32) {
        std::optional<uint32_t> v = ParseFloat32(Text(t), &range);
        if (!v) return range ? Fail(t, "constant out of range") : FailUnexpected();
        w.Fixed32(*v);
      } else {
        std::optional<uint64_t> v = ParseFloat64(Text(t), &range);
        if (!v) return range ? Fail(t, "constant out of range") : FailUnexpected();
        w.Fixed64(*v);
      }
      ++pos_;
      return true;
    }
    case TextImm::kRefType: {
      uint8_t heap;
      if (!ParseHeapType(&heap)) return false;
      w.Opcode(op.prefix, op.code);
      w.U8(heap);
      return true;
    }
    case TextImm::kV128:
      w.Opcode(op.prefix, op.code);
      return ParseV128Const(out);
    case TextImm::kShuffle: {
      int given = 0;
      while (IsLaneLiteral(Peek(given))) ++given;
      if (IsNotAToken(Peek(given))) {
        pos_ += given;
        return FailUnexpected();
      }
      if (given != 16) return Fail(Peek(given < 16 ? given : 16), "invalid lane length");
      w.Opcode(op.prefix, op.code);
      for (int i = 0; i < 16; ++i)
        if (!ParseLaneIndex(out, /*in_shuffle=*/true)) return false;
      return true;
    }
    case TextImm::kLane:
      w.Opcode(op.prefix, op.code);
      return ParseLaneIndex(out);
    case TextImm::kMemArgLane:
      w.Opcode(op.prefix, op.code);
      return ParseMemArg(op, out, /*lane=*/true) && ParseLaneIndex(out);
  }
  return Fail(at, "unknown operator");
}

}  // namespace egret::text::internal
