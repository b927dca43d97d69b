// script_parser.cc: see script_parser.h.
#include "frontend/text/script_parser.h"

#include "frontend/text/lexer.h"
#include "frontend/text/literals.h"
#include "frontend/text/module_parser.h"

namespace egret::text {
namespace {

class ScriptParser {
 public:
  ScriptParser(const TokenList& tokens, const TextOptions& options)
      : l_(tokens), t_(tokens.tokens), options_(options) {}

  Expected<Script> Run();

 private:
  const Token& Peek(size_t k = 0) const { return pos_ + k < t_.size() ? t_[pos_ + k] : t_.back(); }
  std::string_view Text(const Token& t) const { return l_.Text(t); }
  bool IsLParenKeyword(std::string_view kw) const {
    return Peek().kind == TokenKind::kLParen && Peek(1).kind == TokenKind::kKeyword &&
           Text(Peek(1)) == kw;
  }
  Error At(const Token& t, std::string msg) const {
    return Error::AtLine(t.line, t.column, std::move(msg));
  }
  Error Unexpected() const {
    const Token& t = Peek();
    if (t.kind == TokenKind::kEof) return At(t, "unexpected end of input");
    return At(t, "unexpected token '" + std::string(Text(t)) + "'");
  }
  Status Expect(TokenKind kind) {
    if (Peek().kind != kind) return Unexpected();
    ++pos_;
    return Status::Ok();
  }
  Expected<std::string> String() {
    if (Peek().kind != TokenKind::kString) return Unexpected();
    return DecodeString(Text(t_[pos_++]));
  }
  // From the token after a '(' through its matching ')'.
  Status SkipToMatchingParen();

  Expected<ScriptModule> Module();
  Expected<ScriptAction> Action();
  Expected<ScriptValue> Value(bool expected);
  Expected<ScriptCommand> Command();

  const TokenList& l_;
  const std::vector<Token>& t_;
  TextOptions options_;
  size_t pos_ = 0;
};

Status ScriptParser::SkipToMatchingParen() {
  int depth = 1;
  while (true) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kEof) return Unexpected();
    ++pos_;
    if (t.kind == TokenKind::kLParen) ++depth;
    if (t.kind == TokenKind::kRParen && --depth == 0) return Status::Ok();
  }
}

Expected<ScriptModule> ScriptParser::Module() {
  ScriptModule m;
  const size_t start = pos_;
  m.line = Peek().line;
  if (!IsLParenKeyword("module")) return Unexpected();
  size_t p = pos_ + 2;
  if (t_[p].kind == TokenKind::kId) m.id = std::string(Text(t_[p++]));
  const Token& form = t_[p];
  if (form.kind == TokenKind::kKeyword && (Text(form) == "binary" || Text(form) == "quote")) {
    const bool binary = Text(form) == "binary";
    m.form = binary ? ScriptModule::Form::kBinary : ScriptModule::Form::kQuote;
    pos_ = p + 1;
    std::string bytes;
    while (Peek().kind == TokenKind::kString) AppendDecodedString(Text(t_[pos_++]), &bytes);
    EGRET_TRY(Expect(TokenKind::kRParen));
    if (binary) {
      m.wasm.assign(bytes.begin(), bytes.end());
    } else {
      Expected<std::vector<uint8_t>> wasm = WatToWasm(bytes, options_);
      if (wasm.ok())
        m.wasm = std::move(*wasm);
      else
        m.error = std::move(wasm).error();
    }
    return m;
  }
  size_t q = start;
  Expected<ParsedModule> parsed = ParseModuleAt(l_, &q, options_);
  if (parsed.ok()) {
    m.wasm = std::move(parsed->wasm);
    pos_ = q;
  } else {
    m.error = std::move(parsed).error();
    pos_ = start + 1;
    EGRET_TRY(SkipToMatchingParen());
  }
  return m;
}

Expected<ScriptValue> ScriptParser::Value(bool expected) {
  ScriptValue v;
  EGRET_TRY(Expect(TokenKind::kLParen));
  const Token& kw = Peek();
  if (kw.kind != TokenKind::kKeyword) return Unexpected();
  const std::string_view k = Text(kw);
  ++pos_;
  auto nan_class = [&](std::string_view s) {
    if (!expected) return ScriptValue::Nan::kNone;
    if (s == "nan:canonical") return ScriptValue::Nan::kCanonical;
    if (s == "nan:arithmetic") return ScriptValue::Nan::kArithmetic;
    return ScriptValue::Nan::kNone;
  };
  auto number = [&](int bits, bool is_float, uint64_t* out, ScriptValue::Nan* nan) -> Status {
    const Token& t = Peek();
    if (t.kind != TokenKind::kNumber && t.kind != TokenKind::kKeyword) return Unexpected();
    const std::string_view s = Text(t);
    *nan = nan_class(s);
    ++pos_;
    if (*nan != ScriptValue::Nan::kNone) return Status::Ok();
    bool range = false;
    std::optional<uint64_t> r;
    if (is_float && bits == 32)
      r = ParseFloat32(s, &range);
    else if (is_float)
      r = ParseFloat64(s, &range);
    else if (bits == 64)
      r = ParseInt64(s, &range);
    else
      r = ParseIntN(s, bits, &range);
    if (!r || (!is_float && t.kind != TokenKind::kNumber))
      return At(
          t, range ? std::string("constant out of range") : "unknown operator " + std::string(s));
    *out = *r;
    return Status::Ok();
  };
  using T = ScriptValue::Type;
  if (k == "i32.const" || k == "i64.const" || k == "f32.const" || k == "f64.const") {
    const bool is_float = k[0] == 'f';
    const int bits = k[1] == '3' ? 32 : 64;
    v.type = is_float ? (bits == 32 ? T::kF32 : T::kF64) : (bits == 32 ? T::kI32 : T::kI64);
    EGRET_TRY(number(bits, is_float, &v.bits, &v.nan));
  } else if (k == "v128.const") {
    v.type = T::kV128;
    const Token& shape = Peek();
    const std::string_view s = shape.kind == TokenKind::kKeyword ? Text(shape) : "";
    int lanes = 0, bits = 0;
    const bool is_float = !s.empty() && s[0] == 'f';
    if (s == "i8x16") lanes = 16, bits = 8;
    if (s == "i16x8") lanes = 8, bits = 16;
    if (s == "i32x4" || s == "f32x4") lanes = 4, bits = 32;
    if (s == "i64x2" || s == "f64x2") lanes = 2, bits = 64;
    if (lanes == 0) return Unexpected();
    ++pos_;
    v.lane_type = std::string(s.substr(0, s.find('x')));
    for (int i = 0; i < lanes; ++i) {
      uint64_t lane = 0;
      ScriptValue::Nan nan;
      EGRET_TRY(number(bits, is_float, &lane, &nan));
      v.lanes.push_back(lane);
      v.lane_nan.push_back(nan);
    }
  } else if (k == "ref.null") {
    const Token& h = Peek();
    if (h.kind != TokenKind::kKeyword || (Text(h) != "func" && Text(h) != "extern"))
      return Unexpected();
    v.type = Text(h) == "func" ? T::kFuncRef : T::kExternRef;
    v.is_null = true;
    ++pos_;
  } else if (k == "ref.extern" || k == "ref.func") {
    v.type = k == "ref.extern" ? T::kExternRef : T::kFuncRef;
    if (Peek().kind == TokenKind::kNumber) {
      std::optional<uint64_t> n = ParseNat(Text(Peek()));
      if (!n) return Unexpected();
      v.bits = *n;
      ++pos_;
    } else if (expected) {
      v.has_value = false;
    } else {
      return Unexpected();
    }
  } else if (k == "either" && expected) {
    v.type = T::kEither;
    if (Peek().kind == TokenKind::kLParen && Text(Peek(1)) == "either")
      return At(Peek(), "nested either");  // also bounds the recursion
    while (Peek().kind == TokenKind::kLParen) {
      EGRET_ASSIGN_OR_RETURN(ScriptValue alt, Value(true));
      v.alternatives.push_back(std::move(alt));
    }
  } else {
    return At(kw, "unknown operator " + std::string(k));
  }
  EGRET_TRY(Expect(TokenKind::kRParen));
  return v;
}

Expected<ScriptAction> ScriptParser::Action() {
  ScriptAction a;
  EGRET_TRY(Expect(TokenKind::kLParen));
  const Token& kw = Peek();
  if (kw.kind != TokenKind::kKeyword || (Text(kw) != "invoke" && Text(kw) != "get"))
    return Unexpected();
  a.kind = Text(kw) == "invoke" ? ScriptAction::Kind::kInvoke : ScriptAction::Kind::kGet;
  ++pos_;
  if (Peek().kind == TokenKind::kId) a.module = std::string(Text(t_[pos_++]));
  const Token& name = Peek();
  EGRET_ASSIGN_OR_RETURN(a.field, String());
  if (!IsValidUtf8(a.field)) return At(name, "malformed UTF-8 encoding");
  if (a.kind == ScriptAction::Kind::kInvoke) {
    while (Peek().kind == TokenKind::kLParen) {
      EGRET_ASSIGN_OR_RETURN(ScriptValue v, Value(false));
      a.args.push_back(std::move(v));
    }
  }
  EGRET_TRY(Expect(TokenKind::kRParen));
  return a;
}

Expected<ScriptCommand> ScriptParser::Command() {
  ScriptCommand c;
  const Token& open = Peek();
  c.line = open.line;
  if (open.kind != TokenKind::kLParen || Peek(1).kind != TokenKind::kKeyword) return Unexpected();
  const std::string_view k = Text(Peek(1));
  using K = ScriptCommand::Kind;
  if (k == "module") {
    c.kind = K::kModule;
    EGRET_ASSIGN_OR_RETURN(c.module, Module());
    return c;
  }
  if (k == "invoke" || k == "get") {
    c.kind = K::kAction;
    EGRET_ASSIGN_OR_RETURN(c.action, Action());
    return c;
  }
  pos_ += 2;
  if (k == "register") {
    c.kind = K::kRegister;
    EGRET_ASSIGN_OR_RETURN(c.text, String());
    if (Peek().kind == TokenKind::kId) c.register_module = std::string(Text(t_[pos_++]));
  } else if (k == "assert_return") {
    c.kind = K::kAssertReturn;
    EGRET_ASSIGN_OR_RETURN(c.action, Action());
    while (Peek().kind == TokenKind::kLParen) {
      EGRET_ASSIGN_OR_RETURN(ScriptValue v, Value(true));
      c.expected.push_back(std::move(v));
    }
  } else if (k == "assert_trap" || k == "assert_exhaustion") {
    if (k == "assert_trap" && IsLParenKeyword("module")) {
      c.kind = K::kAssertUninstantiable;
      EGRET_ASSIGN_OR_RETURN(c.module, Module());
    } else {
      c.kind = k == "assert_trap" ? K::kAssertTrap : K::kAssertExhaustion;
      EGRET_ASSIGN_OR_RETURN(c.action, Action());
    }
    EGRET_ASSIGN_OR_RETURN(c.text, String());
  } else if (k == "assert_malformed" || k == "assert_invalid" || k == "assert_unlinkable" ||
             k == "assert_uninstantiable") {
    c.kind = k == "assert_malformed"    ? K::kAssertMalformed
             : k == "assert_invalid"    ? K::kAssertInvalid
             : k == "assert_unlinkable" ? K::kAssertUnlinkable
                                        : K::kAssertUninstantiable;
    EGRET_ASSIGN_OR_RETURN(c.module, Module());
    EGRET_ASSIGN_OR_RETURN(c.text, String());
  } else {
    return At(open, "unknown command " + std::string(k));
  }
  EGRET_TRY(Expect(TokenKind::kRParen));
  return c;
}

Expected<Script> ScriptParser::Run() {
  Script s;
  // A file that is a bare module body (fields only) is one module command.
  if (Peek().kind == TokenKind::kLParen && Peek(1).kind == TokenKind::kKeyword) {
    const std::string_view k = Text(Peek(1));
    static constexpr std::string_view kFields[] = {"type",   "import", "func",  "table", "memory",
                                                   "global", "export", "start", "elem",  "data"};
    for (std::string_view f : kFields) {
      if (k != f) continue;
      ScriptCommand c;
      c.line = Peek().line;
      c.module.line = c.line;
      Expected<std::vector<uint8_t>> wasm = ParseModuleFields(l_, &pos_, options_);
      if (!wasm.ok()) return std::move(wasm).error();
      c.module.wasm = std::move(*wasm);
      s.commands.push_back(std::move(c));
      if (Peek().kind != TokenKind::kEof) return Unexpected();
      return s;
    }
  }
  while (Peek().kind != TokenKind::kEof) {
    EGRET_ASSIGN_OR_RETURN(ScriptCommand c, Command());
    s.commands.push_back(std::move(c));
  }
  return s;
}

}  // namespace

Expected<Script> ParseScript(std::string_view source) { return ParseScript(source, {}); }

Expected<Script> ParseScript(std::string_view source, const TextOptions& options) {
  EGRET_ASSIGN_OR_RETURN(TokenList tokens, Lex(source));
  return ScriptParser(tokens, options).Run();
}

const char* ScriptCommandName(ScriptCommand::Kind kind) {
  using K = ScriptCommand::Kind;
  switch (kind) {
    case K::kModule:
      return "module";
    case K::kRegister:
      return "register";
    case K::kAction:
      return "action";
    case K::kAssertReturn:
      return "assert_return";
    case K::kAssertTrap:
      return "assert_trap";
    case K::kAssertExhaustion:
      return "assert_exhaustion";
    case K::kAssertMalformed:
      return "assert_malformed";
    case K::kAssertInvalid:
      return "assert_invalid";
    case K::kAssertUnlinkable:
      return "assert_unlinkable";
    case K::kAssertUninstantiable:
      return "assert_uninstantiable";
  }
  return "command";
}

}  // namespace egret::text
