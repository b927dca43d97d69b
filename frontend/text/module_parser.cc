// module_parser.cc: see module_parser.h. Pass 1 is ScanFields(); pass 2 is EncodeFields();
// instruction sequences are encoded by the code in instruction_parser.cc.
#include "frontend/text/module_parser.h"

#include <algorithm>
#include <unordered_set>

#include "frontend/text/binary_writer.h"
#include "frontend/text/literals.h"
#include "frontend/text/module_parser_internal.h"

namespace egret::text {
namespace internal {

const char* SpaceName(Space s) {
  switch (s) {
    case Space::kType:
      return "type";
    case Space::kFunc:
      return "func";
    case Space::kTable:
      return "table";
    case Space::kMemory:
      return "memory";
    case Space::kGlobal:
      return "global";
    case Space::kElem:
      return "elem";
    case Space::kData:
      return "data";
    case Space::kLocal:
      return "local";
    case Space::kLabel:
      return "label";
  }
  return "index";
}

bool Parser::Fail(const Token& t, std::string msg) {
  if (!error_) error_ = Error::AtLine(t.line, t.column, std::move(msg));
  return false;
}

bool IsKnownKeyword(std::string_view k) {
  // The words the reference interpreter's lexer knows besides instruction names; any other
  // keyword, like any reserved token or malformed number, is an "unknown operator" there.
  static const std::unordered_set<std::string_view> kWords = {"module",
                                                              "type",
                                                              "func",
                                                              "param",
                                                              "result",
                                                              "local",
                                                              "import",
                                                              "export",
                                                              "table",
                                                              "memory",
                                                              "global",
                                                              "mut",
                                                              "shared",
                                                              "elem",
                                                              "data",
                                                              "start",
                                                              "offset",
                                                              "item",
                                                              "declare",
                                                              "then",
                                                              "else",
                                                              "end",
                                                              "block",
                                                              "loop",
                                                              "if",
                                                              "funcref",
                                                              "externref",
                                                              "extern",
                                                              "ref",
                                                              "null",
                                                              "i32",
                                                              "i64",
                                                              "f32",
                                                              "f64",
                                                              "v128",
                                                              "i8x16",
                                                              "i16x8",
                                                              "i32x4",
                                                              "i64x2",
                                                              "f32x4",
                                                              "f64x2",
                                                              "binary",
                                                              "quote",
                                                              "register",
                                                              "invoke",
                                                              "get",
                                                              "assert_return",
                                                              "assert_trap",
                                                              "assert_exhaustion",
                                                              "assert_malformed",
                                                              "assert_invalid",
                                                              "assert_unlinkable",
                                                              "assert_uninstantiable",
                                                              "script",
                                                              "input",
                                                              "output",
                                                              "nan:canonical",
                                                              "nan:arithmetic",
                                                              "inf",
                                                              "nan",
                                                              "ref.extern",
                                                              "either",
                                                              "definition",
                                                              "instance"};
  return kWords.count(k) > 0 || FindTextOpcode(k) != nullptr || k.substr(0, 7) == "offset=" ||
         k.substr(0, 6) == "align=";
}

bool Parser::FailUnexpected() {
  const Token& t = Peek();
  if (t.kind == TokenKind::kEof) return Fail(t, "unexpected end of input");
  const std::string text(Text(t));
  // As the reference lexer: what is not a token at all is an unknown operator.
  if (t.kind == TokenKind::kReserved || (t.kind == TokenKind::kKeyword && !IsKnownKeyword(text)))
    return Fail(t, "unknown operator " + text);
  if (t.kind == TokenKind::kNumber && !ParseFloat64(text) && !ParseInt64(text))
    return Fail(t, "unknown operator " + text);
  if (t.kind == TokenKind::kKeyword || t.kind == TokenKind::kNumber)
    return Fail(t, "unexpected token '" + text + "'");
  return Fail(t, std::string("unexpected token ") + TokenKindName(t.kind));
}

bool Parser::IsLParenKeyword(std::string_view kw, size_t k) const {
  return Peek(k).kind == TokenKind::kLParen && Peek(k + 1).kind == TokenKind::kKeyword &&
         Text(Peek(k + 1)) == kw;
}

bool Parser::ExpectLParen() {
  if (Peek().kind != TokenKind::kLParen) return FailUnexpected();
  ++pos_;
  return true;
}

bool Parser::ExpectRParen() {
  if (Peek().kind != TokenKind::kRParen) return FailUnexpected();
  ++pos_;
  return true;
}

bool Parser::ExpectKeyword(std::string_view kw) {
  if (Peek().kind != TokenKind::kKeyword || Text(Peek()) != kw) return FailUnexpected();
  ++pos_;
  return true;
}

bool Parser::SkipToMatchingParen() {
  // At the token after a '('; consumes through the matching ')'.
  int depth = 1;
  while (true) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kEof) return FailUnexpected();
    ++pos_;
    if (t.kind == TokenKind::kLParen) ++depth;
    if (t.kind == TokenKind::kRParen && --depth == 0) return true;
  }
}

bool Parser::ParseString(std::string* out) {
  const Token& t = Peek();
  if (t.kind != TokenKind::kString) return FailUnexpected();
  ++pos_;
  *out = DecodeString(Text(t));
  return true;
}

bool Parser::ParseName(std::string* out) {
  const Token& t = Peek();
  if (!ParseString(out)) return false;
  if (!IsValidUtf8(*out)) return Fail(t, "malformed UTF-8 encoding");
  return true;
}

bool Parser::ParseU32(uint32_t* out) {
  const Token& t = Peek();
  if (t.kind != TokenKind::kNumber) return FailUnexpected();
  bool range = false;
  std::optional<uint64_t> v = ParseNat(Text(t), &range);
  if (!v) {
    if (range) return Fail(t, "i32 constant out of range");
    return FailUnexpected();
  }
  if (*v > UINT32_MAX) return Fail(t, "i32 constant out of range");
  ++pos_;
  *out = static_cast<uint32_t>(*v);
  return true;
}

bool Parser::ParseValType(uint8_t* out) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kKeyword) {
    const std::string_view s = Text(t);
    uint8_t b = 0;
    if (s == "i32")
      b = 0x7f;
    else if (s == "i64")
      b = 0x7e;
    else if (s == "f32")
      b = 0x7d;
    else if (s == "f64")
      b = 0x7c;
    else if (s == "v128")
      b = 0x7b;
    else if (s == "funcref")
      b = 0x70;
    else if (s == "externref")
      b = 0x6f;
    if (b) {
      ++pos_;
      *out = b;
      return true;
    }
  }
  return FailUnexpected();
}

bool Parser::ParseRefType(uint8_t* out) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kKeyword) {
    if (Text(t) == "funcref") {
      ++pos_;
      *out = 0x70;
      return true;
    }
    if (Text(t) == "externref") {
      ++pos_;
      *out = 0x6f;
      return true;
    }
  }
  return FailUnexpected();
}

bool Parser::ParseHeapType(uint8_t* out) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kKeyword) {
    if (Text(t) == "func") {
      ++pos_;
      *out = 0x70;
      return true;
    }
    if (Text(t) == "extern") {
      ++pos_;
      *out = 0x6f;
      return true;
    }
  }
  return FailUnexpected();
}

bool Parser::BindId(Space space, uint32_t index) {
  if (Peek().kind != TokenKind::kId) return true;
  const Token& t = Next();
  auto [it, inserted] = names_[static_cast<int>(space)].emplace(Text(t), index);
  if (!inserted)
    return Fail(t, std::string("duplicate ") + SpaceName(space) + " " + std::string(Text(t)));
  space_names_[static_cast<int>(space)].emplace_back(index, Text(t).substr(1));
  return true;
}

bool Parser::ParseIndex(Space space, uint32_t* out) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kNumber) return ParseU32(out);
  if (t.kind != TokenKind::kId) return FailUnexpected();
  const auto& map = names_[static_cast<int>(space)];
  auto it = map.find(Text(t));
  if (it == map.end())
    return Fail(t, std::string("unknown ") + SpaceName(space) + " " + std::string(Text(t)));
  ++pos_;
  *out = it->second;
  return true;
}

uint32_t Parser::FindOrAddType(const FuncSig& sig) {
  std::string key(sig.params.begin(), sig.params.end());
  key.push_back('\xff');
  key.append(sig.results.begin(), sig.results.end());
  auto it = type_by_sig_.find(key);
  if (it != type_by_sig_.end()) return it->second;
  const uint32_t index = static_cast<uint32_t>(types_.size());
  types_.push_back(sig);
  type_by_sig_.emplace(std::move(key), index);
  return index;
}

bool Parser::ParseTypeUseParts(TypeUseMode mode, TypeUse* use) {
  use->at = pos_;
  if (IsLParenKeyword("type")) {
    pos_ += 2;
    if (!ParseIndex(Space::kType, &use->index) || !ExpectRParen()) return false;
    use->has_type = true;
  }
  while (IsLParenKeyword("param")) {
    use->inline_given = true;
    pos_ += 2;
    if (Peek().kind == TokenKind::kId) {
      if (mode != TypeUseMode::kNamedParams) return FailUnexpected();
      use->param_ids.push_back(Text(Next()));
      uint8_t t;
      if (!ParseValType(&t)) return false;
      use->sig.params.push_back(t);
    } else {
      while (Peek().kind != TokenKind::kRParen) {
        uint8_t t;
        if (!ParseValType(&t)) return false;
        use->sig.params.push_back(t);
        use->param_ids.emplace_back();
      }
    }
    if (!ExpectRParen()) return false;
  }
  while (IsLParenKeyword("result")) {
    use->inline_given = true;
    pos_ += 2;
    while (Peek().kind != TokenKind::kRParen) {
      uint8_t t;
      if (!ParseValType(&t)) return false;
      use->sig.results.push_back(t);
    }
    if (!ExpectRParen()) return false;
  }
  // Out of order (`(result ..) (param ..)`, `(param ..) (type ..)`): the reference parser
  // stops at the misplaced clause.
  if (IsLParenKeyword("param") || IsLParenKeyword("type")) {
    ++pos_;
    return FailUnexpected();
  }
  // `(type x)` with an inline signature must name an existing type to compare with; without
  // one, an unknown x is left to the validator ("unknown type" is then invalid, not malformed).
  if (use->has_type && use->inline_given && use->index >= types_.size())
    return Fail(tokens_[use->at], "unknown type");
  if (use->has_type && use->index < types_.size()) {
    if (use->inline_given && !(types_[use->index] == use->sig))
      return Fail(tokens_[use->at], "inline function type");
    if (!use->inline_given) use->param_ids.assign(types_[use->index].params.size(), {});
  }
  return true;
}

bool Parser::ParseTypeUse(TypeUseMode mode, uint32_t* type_index,
                          std::vector<std::string_view>* param_ids) {
  TypeUse use;
  if (!ParseTypeUseParts(mode, &use)) return false;
  *type_index = use.has_type ? use.index : FindOrAddType(use.sig);
  if (param_ids) *param_ids = std::move(use.param_ids);
  return true;
}

bool Parser::ParseBlockType(std::vector<uint8_t>& out) {
  TypeUse use;
  if (!ParseTypeUseParts(TypeUseMode::kAnonymousParams, &use)) return false;
  // As wat2wasm: a block type without parameters and with at most one result is written in
  // the short form (0x40 or the value type), even when given as `(type x)`.
  const FuncSig* sig = &use.sig;
  if (use.has_type) sig = use.index < types_.size() ? &types_[use.index] : nullptr;
  if (sig && sig->params.empty() && sig->results.size() <= 1) {
    out.push_back(sig->results.empty() ? 0x40 : sig->results[0]);
    return true;
  }
  const uint32_t index = use.has_type ? use.index : FindOrAddType(use.sig);
  WriteS64(out, static_cast<int64_t>(index));  // s33
  return true;
}

bool Parser::ParseLimits(Limits* out) {
  uint32_t v = 0;
  if (!ParseU32(&v)) return false;
  out->min = v;
  out->has_max = Peek().kind == TokenKind::kNumber;
  if (out->has_max && !ParseU32(&v)) return false;
  out->max = v;
  return true;
}

bool Parser::ParseMemoryType(Limits* out) {
  const Token& t = Peek();
  out->is64 = t.kind == TokenKind::kKeyword && Text(t) == "i64";
  if (t.kind == TokenKind::kKeyword && (Text(t) == "i64" || Text(t) == "i32")) ++pos_;
  out->u64 = true;
  auto u64 = [&](uint64_t* v) {
    const Token& n = Peek();
    if (n.kind != TokenKind::kNumber) return FailUnexpected();
    bool range = false;
    std::optional<uint64_t> parsed = ParseNat(Text(n), &range);
    if (!parsed) return range ? Fail(n, "i64 constant out of range") : FailUnexpected();
    ++pos_;
    *v = *parsed;
    return true;
  };
  if (!u64(&out->min)) return false;
  out->has_max = Peek().kind == TokenKind::kNumber;
  if (out->has_max && !u64(&out->max)) return false;
  // threads: `shared` after the limits (flag bit 1; a shared memory without maximum is invalid).
  if (Peek().kind == TokenKind::kKeyword && Text(Peek()) == "shared") {
    out->shared = true;
    ++pos_;
  }
  return true;
}

void Parser::NoteMemoryIndexType() {
  const Token& t = Peek();
  memory_is64_.push_back(t.kind == TokenKind::kKeyword && Text(t) == "i64");
}

void Parser::WriteLimits(BinaryWriter& w, const Limits& l) {
  w.U8(static_cast<uint8_t>((l.has_max ? 1 : 0) | (l.shared ? 2 : 0) | (l.is64 ? 4 : 0)));
  if (l.u64) {
    w.U64(l.min);
    if (l.has_max) w.U64(l.max);
    return;
  }
  w.U32(static_cast<uint32_t>(l.min));
  if (l.has_max) w.U32(static_cast<uint32_t>(l.max));
}

bool Parser::ParseGlobalType(uint8_t* type, bool* mut) {
  *mut = false;
  if (IsLParenKeyword("mut")) {
    pos_ += 2;
    *mut = true;
    return ParseValType(type) && ExpectRParen();
  }
  return ParseValType(type);
}

// ---------------------------------------------------------------------------------------------
// Pass 1: number every definition and bind its $id; read `(type ...)` definitions.

bool Parser::ParseInlineExports(Space space, uint32_t index) {
  while (IsLParenKeyword("export")) {
    pos_ += 2;
    Export e;
    if (!ParseName(&e.name) || !ExpectRParen()) return false;
    e.kind = space;
    e.index = index;
    exports_.push_back(std::move(e));
  }
  return true;
}

bool Parser::CheckImportOrder(const Token& at) {
  for (Space s : {Space::kFunc, Space::kTable, Space::kMemory, Space::kGlobal}) {
    if (defined_[static_cast<int>(s)])
      return Fail(at,
                  std::string("import after ") + (s == Space::kFunc ? "function" : SpaceName(s)));
  }
  return true;
}

bool Parser::ScanImportedDefinition(Space space, const Token& field_start) {
  // At `(import "m" "n")` inside a func/table/memory/global field.
  pos_ += 2;
  Import imp;
  if (!ParseName(&imp.module) || !ParseName(&imp.field) || !ExpectRParen()) return false;
  if (!CheckImportOrder(field_start)) return false;
  if (space == Space::kMemory) NoteMemoryIndexType();
  imp.kind = space;
  imp.desc_pos = pos_;
  imports_.push_back(std::move(imp));
  fields_.push_back({FieldKind::kImport, static_cast<uint32_t>(imports_.size() - 1), pos_});
  return SkipToMatchingParen();
}

bool Parser::ScanField() {
  const Token& open = Peek();
  if (!ExpectLParen()) return false;
  const Token& kw = Peek();
  if (kw.kind != TokenKind::kKeyword) return FailUnexpected();
  const std::string_view k = Text(kw);
  ++pos_;
  if (k == "type") {
    const uint32_t index = static_cast<uint32_t>(types_.size());
    if (!BindId(Space::kType, index)) return false;
    if (!ExpectLParen() || !ExpectKeyword("func")) return false;
    // Explicit types are always appended (duplicates included), and are the first match for
    // later implicit type uses.
    FuncSig sig;
    std::unordered_map<std::string_view, bool> seen;
    while (IsLParenKeyword("param")) {
      pos_ += 2;
      if (Peek().kind == TokenKind::kId) {
        const Token& id = Next();
        if (!seen.emplace(Text(id), true).second)
          return Fail(id, "duplicate local " + std::string(Text(id)));
        uint8_t t;
        if (!ParseValType(&t)) return false;
        sig.params.push_back(t);
      } else {
        while (Peek().kind != TokenKind::kRParen) {
          uint8_t t;
          if (!ParseValType(&t)) return false;
          sig.params.push_back(t);
        }
      }
      if (!ExpectRParen()) return false;
    }
    while (IsLParenKeyword("result")) {
      pos_ += 2;
      while (Peek().kind != TokenKind::kRParen) {
        uint8_t t;
        if (!ParseValType(&t)) return false;
        sig.results.push_back(t);
      }
      if (!ExpectRParen()) return false;
    }
    if (!ExpectRParen() || !ExpectRParen()) return false;
    std::string key(sig.params.begin(), sig.params.end());
    key.push_back('\xff');
    key.append(sig.results.begin(), sig.results.end());
    type_by_sig_.emplace(std::move(key), index);
    types_.push_back(std::move(sig));
    return true;
  }
  if (k == "import") {
    Import imp;
    if (!ParseName(&imp.module) || !ParseName(&imp.field)) return false;
    if (!ExpectLParen()) return false;
    const Token& dk = Peek();
    if (dk.kind != TokenKind::kKeyword) return FailUnexpected();
    const std::string_view d = Text(dk);
    Space space;
    if (d == "func")
      space = Space::kFunc;
    else if (d == "table")
      space = Space::kTable;
    else if (d == "memory")
      space = Space::kMemory;
    else if (d == "global")
      space = Space::kGlobal;
    else
      return FailUnexpected();
    ++pos_;
    if (!CheckImportOrder(open)) return false;
    if (!BindId(space, count_[static_cast<int>(space)]++)) return false;
    if (space == Space::kMemory) NoteMemoryIndexType();
    imp.kind = space;
    imp.desc_pos = pos_;
    imports_.push_back(std::move(imp));
    fields_.push_back({FieldKind::kImport, static_cast<uint32_t>(imports_.size() - 1), pos_});
    if (!SkipToMatchingParen()) return false;  // the description
    return ExpectRParen();
  }
  if (k == "func" || k == "table" || k == "memory" || k == "global") {
    const Space space = k == "func"     ? Space::kFunc
                        : k == "table"  ? Space::kTable
                        : k == "memory" ? Space::kMemory
                                        : Space::kGlobal;
    const uint32_t index = count_[static_cast<int>(space)]++;
    if (!BindId(space, index) || !ParseInlineExports(space, index)) return false;
    if (IsLParenKeyword("import")) return ScanImportedDefinition(space, open);
    defined_[static_cast<int>(space)] = true;
    const size_t body = pos_;
    if (space == Space::kTable) {
      // `(table id? export* reftype (elem ...))`: an inline segment at offset 0.
      if (Peek().kind == TokenKind::kKeyword && IsLParenKeyword("elem", 1)) {
        uint8_t reftype;
        if (!ParseRefType(&reftype)) return false;
        pos_ += 2;
        const size_t list = pos_;
        uint32_t n = 0;
        if (Peek().kind == TokenKind::kLParen) {
          while (Peek().kind == TokenKind::kLParen) {
            ++pos_;
            if (!SkipToMatchingParen()) return false;
            ++n;
          }
        } else {
          while (Peek().kind == TokenKind::kNumber || Peek().kind == TokenKind::kId) {
            ++pos_;
            ++n;
          }
        }
        if (!ExpectRParen()) return false;
        tables_.push_back({body, true, n, reftype});
        fields_.push_back({FieldKind::kTable, static_cast<uint32_t>(tables_.size() - 1), body});
        elems_.push_back({list, index, true, reftype});
        count_[static_cast<int>(Space::kElem)]++;
        fields_.push_back({FieldKind::kElem, static_cast<uint32_t>(elems_.size() - 1), list});
        return ExpectRParen();
      }
      tables_.push_back({body, false, 0, 0});
      fields_.push_back({FieldKind::kTable, static_cast<uint32_t>(tables_.size() - 1), body});
      return SkipToMatchingParen();
    }
    if (space == Space::kMemory) {
      NoteMemoryIndexType();
      // `(memory id? export* i64? (data ...))`: an inline segment at offset 0.
      const size_t type_tokens =
          Peek().kind == TokenKind::kKeyword && (Text(Peek()) == "i64" || Text(Peek()) == "i32");
      if (IsLParenKeyword("data", type_tokens)) {
        pos_ += type_tokens;
        pos_ += 2;
        const size_t list = pos_;
        uint64_t bytes = 0;
        while (Peek().kind == TokenKind::kString) {
          std::string s;
          if (!ParseString(&s)) return false;
          bytes += s.size();
        }
        if (!ExpectRParen()) return false;
        const uint32_t pages = static_cast<uint32_t>((bytes + 65535) / 65536);
        memories_.push_back({body, true, pages, memory_is64_.back()});
        fields_.push_back({FieldKind::kMemory, static_cast<uint32_t>(memories_.size() - 1), body});
        datas_.push_back({list, index, true});
        count_[static_cast<int>(Space::kData)]++;
        fields_.push_back({FieldKind::kData, static_cast<uint32_t>(datas_.size() - 1), list});
        return ExpectRParen();
      }
      memories_.push_back({body, false, 0, false});
      fields_.push_back({FieldKind::kMemory, static_cast<uint32_t>(memories_.size() - 1), body});
      return SkipToMatchingParen();
    }
    if (space == Space::kFunc) {
      funcs_.push_back({body});
      fields_.push_back({FieldKind::kFunc, static_cast<uint32_t>(funcs_.size() - 1), body});
      return SkipToMatchingParen();
    }
    globals_.push_back({body});
    fields_.push_back({FieldKind::kGlobal, static_cast<uint32_t>(globals_.size() - 1), body});
    return SkipToMatchingParen();
  }
  if (k == "export") {
    Export e;
    if (!ParseName(&e.name)) return false;
    e.desc_pos = pos_;
    e.index = UINT32_MAX;
    exports_.push_back(std::move(e));
    return SkipToMatchingParen();
  }
  if (k == "start") {
    if (start_pos_) return Fail(open, "multiple start sections");
    start_pos_ = pos_;
    return SkipToMatchingParen();
  }
  if (k == "elem") {
    const uint32_t index = count_[static_cast<int>(Space::kElem)]++;
    if (!BindId(Space::kElem, index)) return false;
    elems_.push_back({pos_, 0, false, 0x70});
    fields_.push_back({FieldKind::kElem, static_cast<uint32_t>(elems_.size() - 1), pos_});
    return SkipToMatchingParen();
  }
  if (k == "data") {
    const uint32_t index = count_[static_cast<int>(Space::kData)]++;
    if (!BindId(Space::kData, index)) return false;
    datas_.push_back({pos_, 0, false});
    fields_.push_back({FieldKind::kData, static_cast<uint32_t>(datas_.size() - 1), pos_});
    return SkipToMatchingParen();
  }
  --pos_;  // at the unknown field keyword
  return FailUnexpected();
}

// ---------------------------------------------------------------------------------------------
// Pass 2: encode.

bool Parser::EncodeImport(const Import& imp) {
  pos_ = imp.desc_pos;
  BinaryWriter w(&import_section_);
  w.Name(imp.module);
  w.Name(imp.field);
  switch (imp.kind) {
    case Space::kFunc: {
      // `(func $id? (export ..)* typeuse)` or, from an inline import, the rest of the func.
      uint32_t type;
      std::vector<std::string_view> param_ids;
      if (!ParseTypeUse(TypeUseMode::kNamedParams, &type, &param_ids)) return false;
      w.U8(0x00);
      w.U32(type);
      std::vector<std::pair<uint32_t, std::string_view>>& names = local_names_[next_func_++];
      for (uint32_t i = 0; i < param_ids.size(); ++i)
        if (!param_ids[i].empty()) names.emplace_back(i, param_ids[i].substr(1));
      break;
    }
    case Space::kTable: {
      Limits l;
      uint8_t rt;
      if (!ParseLimits(&l) || !ParseRefType(&rt)) return false;
      w.U8(0x01);
      w.U8(rt);
      WriteLimits(w, l);
      break;
    }
    case Space::kMemory: {
      Limits l;
      if (!ParseMemoryType(&l)) return false;
      w.U8(0x02);
      WriteLimits(w, l);
      break;
    }
    default: {
      uint8_t t;
      bool mut;
      if (!ParseGlobalType(&t, &mut)) return false;
      w.U8(0x03);
      w.U8(t);
      w.U8(mut ? 1 : 0);
      break;
    }
  }
  ++num_imports_;
  return ExpectRParen();
}

bool Parser::EncodeFunc(const Func& f) {
  pos_ = f.pos;
  FuncContext ctx;
  uint32_t type;
  std::vector<std::string_view> param_ids;
  if (!ParseTypeUse(TypeUseMode::kNamedParams, &type, &param_ids)) return false;
  BinaryWriter(&function_section_).U32(type);
  ++num_funcs_;
  uint32_t next_local = 0;
  std::vector<std::pair<uint32_t, std::string_view>>& names = local_names_[next_func_++];
  auto bind_local = [&](std::string_view id, const Token& at) {
    const uint32_t index = next_local++;
    if (id.empty()) return true;
    if (!ctx.locals.emplace(id, index).second)
      return Fail(at, "duplicate local " + std::string(id));
    names.emplace_back(index, id.substr(1));
    return true;
  };
  for (std::string_view id : param_ids)
    if (!bind_local(id, tokens_[f.pos])) return false;
  // Locals, grouped into runs of one type for the binary.
  std::vector<std::pair<uint32_t, uint8_t>> groups;
  auto add_local = [&](uint8_t t) {
    if (!groups.empty() && groups.back().second == t)
      ++groups.back().first;
    else
      groups.push_back({1, t});
  };
  while (IsLParenKeyword("local")) {
    pos_ += 2;
    if (Peek().kind == TokenKind::kId) {
      const Token& id = Next();
      uint8_t t;
      if (!ParseValType(&t) || !bind_local(Text(id), id)) return false;
      add_local(t);
    } else {
      while (Peek().kind != TokenKind::kRParen) {
        uint8_t t;
        if (!ParseValType(&t)) return false;
        add_local(t);
        ++next_local;
      }
    }
    if (!ExpectRParen()) return false;
  }
  body_.clear();
  BinaryWriter b(&body_);
  b.U32(static_cast<uint32_t>(groups.size()));
  for (auto [n, t] : groups) {
    b.U32(n);
    b.U8(t);
  }
  ctx.labels.emplace_back();  // the function's own block
  if (!ParseInstrList(ctx, body_)) return false;
  if (!ExpectRParen()) return false;
  b.U8(0x0b);
  BinaryWriter code(&code_section_);
  code.U32(static_cast<uint32_t>(body_.size()));
  code.Bytes(body_);
  return true;
}

bool Parser::ParseConstExpr(std::vector<uint8_t>& out) {
  FuncContext ctx;
  if (!ParseInstrList(ctx, out)) return false;
  out.push_back(0x0b);
  return true;
}

bool Parser::EncodeTable(const Table& t) {
  pos_ = t.pos;
  BinaryWriter w(&table_section_);
  ++num_tables_;
  if (t.inline_elem) {
    uint8_t rt;
    if (!ParseRefType(&rt)) return false;
    w.U8(rt);
    WriteLimits(w, {t.inline_count, true, t.inline_count});
    return true;  // the segment is its own field
  }
  Limits l;
  uint8_t rt;
  if (!ParseLimits(&l) || !ParseRefType(&rt) || !ExpectRParen()) return false;
  w.U8(rt);
  WriteLimits(w, l);
  return true;
}

bool Parser::EncodeMemory(const Memory& m) {
  pos_ = m.pos;
  BinaryWriter w(&memory_section_);
  ++num_memories_;
  if (m.inline_data) {
    WriteLimits(w, {m.inline_pages, true, m.inline_pages, m.is64, true});
    return true;
  }
  Limits l;
  if (!ParseMemoryType(&l) || !ExpectRParen()) return false;
  WriteLimits(w, l);
  return true;
}

bool Parser::EncodeGlobal(const Global& g) {
  pos_ = g.pos;
  uint8_t t;
  bool mut;
  if (!ParseGlobalType(&t, &mut)) return false;
  BinaryWriter w(&global_section_);
  w.U8(t);
  w.U8(mut ? 1 : 0);
  ++num_globals_;
  return ParseConstExpr(global_section_) && ExpectRParen();
}

bool Parser::EncodeExport(const Export& e) {
  BinaryWriter w(&export_section_);
  w.Name(e.name);
  ++num_exports_;
  Space space = e.kind;
  uint32_t index = e.index;
  if (index == UINT32_MAX) {
    pos_ = e.desc_pos;
    if (!ExpectLParen()) return false;
    const Token& k = Peek();
    const std::string_view s = k.kind == TokenKind::kKeyword ? Text(k) : std::string_view();
    if (s == "func")
      space = Space::kFunc;
    else if (s == "table")
      space = Space::kTable;
    else if (s == "memory")
      space = Space::kMemory;
    else if (s == "global")
      space = Space::kGlobal;
    else
      return FailUnexpected();
    ++pos_;
    if (!ParseIndex(space, &index) || !ExpectRParen() || !ExpectRParen()) return false;
  }
  w.U8(space == Space::kFunc ? 0 : space == Space::kTable ? 1 : space == Space::kMemory ? 2 : 3);
  w.U32(index);
  return true;
}

// An offset: `(offset instr*)` or one folded instruction.
bool Parser::ParseOffset(std::vector<uint8_t>& out) {
  if (IsLParenKeyword("offset")) {
    pos_ += 2;
    return ParseConstExpr(out) && ExpectRParen();
  }
  FuncContext ctx;
  if (!ParseFoldedInstr(ctx, out)) return false;
  out.push_back(0x0b);
  return true;
}

// True when `expr` is exactly `ref.func x end`; sets *func.
static bool IsRefFuncExpr(const std::vector<uint8_t>& expr, uint32_t* func) {
  if (expr.size() < 3 || expr[0] != 0xd2 || expr.back() != 0x0b) return false;
  uint32_t v = 0;
  size_t i = 1;
  for (int shift = 0; i < expr.size() - 1; ++i, shift += 7) {
    v |= uint32_t(expr[i] & 0x7f) << shift;
    if (!(expr[i] & 0x80)) break;
  }
  if (i + 2 != expr.size()) return false;
  *func = v;
  return true;
}

bool Parser::EncodeElem(const Elem& e) {
  pos_ = e.pos;
  enum { kPassive, kActive, kDeclarative } mode = kPassive;
  uint32_t table = e.table;
  std::vector<uint8_t> offset;
  uint8_t reftype = e.reftype;
  bool exprs_form = false;  // elements given as expressions (else function indices)
  std::vector<std::vector<uint8_t>> items;
  std::vector<uint32_t> funcs;
  if (e.inline_table) {
    mode = kActive;
    offset = {0x41, 0x00, 0x0b};
    exprs_form = Peek().kind == TokenKind::kLParen;
  } else {
    if (Peek().kind == TokenKind::kKeyword && Text(Peek()) == "declare") {
      ++pos_;
      mode = kDeclarative;
    } else {
      if (IsLParenKeyword("table")) {
        pos_ += 2;
        if (!ParseIndex(Space::kTable, &table) || !ExpectRParen()) return false;
        mode = kActive;
        if (Peek().kind != TokenKind::kLParen) return FailUnexpected();
      } else if (Peek().kind == TokenKind::kNumber && Peek(1).kind == TokenKind::kLParen) {
        // The MVP form `(elem 0 (offset) ...)`: a bare table index (a name would be the
        // segment's own id), as older testsuites (proposals/threads) still write it.
        if (!ParseIndex(Space::kTable, &table)) return false;
        mode = kActive;
      }
      if (Peek().kind == TokenKind::kLParen) {
        mode = kActive;
        if (!ParseOffset(offset)) return false;
      }
    }
    // The element list.
    const Token& t = Peek();
    if (t.kind == TokenKind::kKeyword && Text(t) == "func") {
      ++pos_;
      reftype = 0x70;
    } else if (t.kind == TokenKind::kKeyword && (Text(t) == "funcref" || Text(t) == "externref")) {
      if (!ParseRefType(&reftype)) return false;
      exprs_form = true;
    } else if (mode != kActive || (t.kind != TokenKind::kNumber && t.kind != TokenKind::kId &&
                                   t.kind != TokenKind::kRParen)) {
      return FailUnexpected();
    }
  }
  if (exprs_form) {
    while (Peek().kind == TokenKind::kLParen) {
      std::vector<uint8_t> expr;
      if (IsLParenKeyword("item")) {
        pos_ += 2;
        if (!ParseConstExpr(expr) || !ExpectRParen()) return false;
      } else {
        FuncContext ctx;
        if (!ParseFoldedInstr(ctx, expr)) return false;
        expr.push_back(0x0b);
      }
      items.push_back(std::move(expr));
    }
  } else {
    while (Peek().kind == TokenKind::kNumber || Peek().kind == TokenKind::kId) {
      uint32_t f;
      if (!ParseIndex(Space::kFunc, &f)) return false;
      funcs.push_back(f);
    }
  }
  if (!ExpectRParen()) return false;
  // As wat2wasm: function indices when every element is `ref.func x` of a funcref segment.
  if (exprs_form && reftype == 0x70) {
    std::vector<uint32_t> fs;
    bool all = true;
    for (const auto& it : items) {
      uint32_t f;
      if (!IsRefFuncExpr(it, &f)) {
        all = false;
        break;
      }
      fs.push_back(f);
    }
    if (all) {
      exprs_form = false;
      funcs = std::move(fs);
    }
  }
  BinaryWriter w(&elem_section_);
  ++num_elems_;
  const bool explicit_table = mode == kActive && (table != 0 || (exprs_form && reftype != 0x70));
  uint32_t flags = exprs_form ? 4 : 0;
  if (mode == kPassive) flags |= 1;
  if (mode == kDeclarative) flags |= 3;
  if (explicit_table) flags |= 2;
  w.U32(flags);
  if (explicit_table) w.U32(table);
  if (mode == kActive) w.Bytes(offset);
  if (mode != kActive || explicit_table) {
    if (exprs_form)
      w.U8(reftype);
    else
      w.U8(0x00);  // elemkind funcref
  }
  if (exprs_form) {
    w.U32(static_cast<uint32_t>(items.size()));
    for (const auto& it : items) w.Bytes(it);
  } else {
    w.U32(static_cast<uint32_t>(funcs.size()));
    for (uint32_t f : funcs) w.U32(f);
  }
  return true;
}

bool Parser::EncodeData(const Data& d) {
  pos_ = d.pos;
  std::vector<uint8_t> offset;
  uint32_t memory = d.memory;
  bool active = d.inline_memory;
  if (d.inline_memory) {
    const bool is64 = d.memory < memory_is64_.size() && memory_is64_[d.memory];
    offset = {static_cast<uint8_t>(is64 ? 0x42 : 0x41), 0x00, 0x0b};
  } else {
    if (IsLParenKeyword("memory")) {
      pos_ += 2;
      if (!ParseIndex(Space::kMemory, &memory) || !ExpectRParen()) return false;
      if (Peek().kind != TokenKind::kLParen) return FailUnexpected();
    } else if (Peek().kind == TokenKind::kNumber && Peek(1).kind == TokenKind::kLParen) {
      // The MVP form `(data 0 (offset) "...")`: a bare memory index (see EncodeElem).
      if (!ParseIndex(Space::kMemory, &memory)) return false;
    }
    if (Peek().kind == TokenKind::kLParen) {
      active = true;
      if (!ParseOffset(offset)) return false;
    }
  }
  std::string bytes;
  while (Peek().kind == TokenKind::kString) AppendDecodedString(Text(Next()), &bytes);
  if (!ExpectRParen()) return false;
  BinaryWriter w(&data_section_);
  ++num_datas_;
  if (!active) {
    w.U8(1);
  } else if (memory != 0) {
    w.U8(2);
    w.U32(memory);
    w.Bytes(offset);
  } else {
    w.U8(0);
    w.Bytes(offset);
  }
  w.Name(bytes);
  return true;
}

bool Parser::ParseModuleBody(std::vector<uint8_t>* out) {
  // Pass 1.
  while (Peek().kind == TokenKind::kLParen)
    if (!ScanField()) return false;
  const size_t end = pos_;
  // Pass 2, in textual order.
  local_names_.resize(count_[static_cast<int>(Space::kFunc)]);
  for (const FieldRef& f : fields_) {
    bool ok = true;
    switch (f.kind) {
      case FieldKind::kImport:
        ok = EncodeImport(imports_[f.index]);
        break;
      case FieldKind::kFunc:
        ok = EncodeFunc(funcs_[f.index]);
        break;
      case FieldKind::kTable:
        ok = EncodeTable(tables_[f.index]);
        break;
      case FieldKind::kMemory:
        ok = EncodeMemory(memories_[f.index]);
        break;
      case FieldKind::kGlobal:
        ok = EncodeGlobal(globals_[f.index]);
        break;
      case FieldKind::kElem:
        ok = EncodeElem(elems_[f.index]);
        break;
      case FieldKind::kData:
        ok = EncodeData(datas_[f.index]);
        break;
    }
    if (!ok) return false;
  }
  // Exports, inline and explicit, in textual order (pass 1 recorded them so).
  for (const Export& e : exports_)
    if (!EncodeExport(e)) return false;
  std::vector<uint8_t> start;
  if (start_pos_) {
    pos_ = start_pos_;
    uint32_t f;
    if (!ParseIndex(Space::kFunc, &f) || !ExpectRParen()) return false;
    BinaryWriter(&start).U32(f);
  }
  pos_ = end;
  // Assemble.
  BinaryWriter w(out);
  const uint8_t header[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  w.Bytes(header, sizeof header);
  auto section = [&](uint8_t id, uint32_t count, const std::vector<uint8_t>& contents) {
    if (count == 0) return;
    std::vector<uint8_t> s;
    BinaryWriter sw(&s);
    sw.U32(count);
    sw.Bytes(contents);
    w.Section(id, s);
  };
  std::vector<uint8_t> types;
  BinaryWriter tw(&types);
  for (const FuncSig& sig : types_) {
    tw.U8(0x60);
    tw.U32(static_cast<uint32_t>(sig.params.size()));
    tw.Bytes(sig.params);
    tw.U32(static_cast<uint32_t>(sig.results.size()));
    tw.Bytes(sig.results);
  }
  section(1, static_cast<uint32_t>(types_.size()), types);
  section(2, num_imports_, import_section_);
  section(3, num_funcs_, function_section_);
  section(4, num_tables_, table_section_);
  section(5, num_memories_, memory_section_);
  section(6, num_globals_, global_section_);
  section(7, num_exports_, export_section_);
  if (start_pos_) w.Section(8, start);
  section(9, num_elems_, elem_section_);
  if (num_datas_ > 0 && uses_data_count_) {
    std::vector<uint8_t> dc;
    BinaryWriter(&dc).U32(num_datas_);
    w.Section(12, dc);
  }
  section(10, num_funcs_, code_section_);
  section(11, num_datas_, data_section_);
  if (options_.debug_names) WriteNameSection(w);
  return true;
}

void Parser::WriteNameSection(BinaryWriter& w) {
  // Subsections in id order: 0 module, 1 functions, 2 locals (always, one entry per function),
  // then 4 types, 5 tables, 6 memories, 7 globals, 8 elem segments, 9 data segments (each only
  // when something is named), as wat2wasm --debug-names writes them.
  std::vector<uint8_t> body;
  BinaryWriter b(&body);
  b.Name("name");
  auto subsection = [&](uint8_t id, const std::vector<uint8_t>& contents) {
    b.U8(id);
    b.U32(static_cast<uint32_t>(contents.size()));
    b.Bytes(contents);
  };
  auto name_map = [&](uint8_t id, Space space) {
    const auto& names = space_names_[static_cast<int>(space)];
    if (names.empty()) return;
    std::vector<uint8_t> s;
    BinaryWriter sw(&s);
    sw.U32(static_cast<uint32_t>(names.size()));
    for (const auto& [index, name] : names) {
      sw.U32(index);
      sw.Name(name);
    }
    subsection(id, s);
  };
  if (!module_id_.empty()) {
    std::vector<uint8_t> s;
    BinaryWriter(&s).Name(module_id_.substr(1));
    subsection(0, s);
  }
  name_map(1, Space::kFunc);
  std::vector<uint8_t> locals;
  BinaryWriter lw(&locals);
  lw.U32(static_cast<uint32_t>(local_names_.size()));
  for (uint32_t f = 0; f < local_names_.size(); ++f) {
    lw.U32(f);
    lw.U32(static_cast<uint32_t>(local_names_[f].size()));
    for (const auto& [index, name] : local_names_[f]) {
      lw.U32(index);
      lw.Name(name);
    }
  }
  subsection(2, locals);
  name_map(4, Space::kType);
  name_map(5, Space::kTable);
  name_map(6, Space::kMemory);
  name_map(7, Space::kGlobal);
  name_map(8, Space::kElem);
  name_map(9, Space::kData);
  w.Section(0, body);
}

}  // namespace internal

Expected<std::vector<uint8_t>> ParseModuleFields(const TokenList& tokens, size_t* pos,
                                                 const TextOptions& options) {
  internal::Parser p(tokens, *pos, options);
  std::vector<uint8_t> out;
  const bool ok = p.ParseModuleBody(&out);
  *pos = p.pos();
  if (!ok) return p.TakeError();
  return out;
}

Expected<ParsedModule> ParseModuleAt(const TokenList& tokens, size_t* pos,
                                     const TextOptions& options) {
  internal::Parser p(tokens, *pos, options);
  ParsedModule m;
  if (!p.ExpectLParen() || !p.ExpectKeyword("module")) return p.TakeError();
  if (p.Peek().kind == TokenKind::kId) {
    m.id = std::string(tokens.Text(p.Peek()));
    p.set_module_id(tokens.Text(p.Next()));
  }
  if (!p.ParseModuleBody(&m.wasm) || !p.ExpectRParen()) return p.TakeError();
  *pos = p.pos();
  return m;
}

Expected<std::vector<uint8_t>> WatToWasm(std::string_view source, const TextOptions& options) {
  EGRET_ASSIGN_OR_RETURN(TokenList tokens, Lex(source));
  size_t pos = 0;
  const std::vector<Token>& t = tokens.tokens;
  std::vector<uint8_t> wasm;
  if (t.size() > 2 && t[0].kind == TokenKind::kLParen && t[1].kind == TokenKind::kKeyword &&
      tokens.Text(t[1]) == "module") {
    EGRET_ASSIGN_OR_RETURN(ParsedModule m, ParseModuleAt(tokens, &pos, options));
    wasm = std::move(m.wasm);
  } else {
    EGRET_ASSIGN_OR_RETURN(wasm, ParseModuleFields(tokens, &pos, options));
  }
  if (t[pos].kind != TokenKind::kEof) {
    const Token& x = t[pos];
    return Error::AtLine(x.line, x.column, "unexpected token after the module");
  }
  return wasm;
}

}  // namespace egret::text
