// lexer.cc: see lexer.h.
#include "frontend/text/lexer.h"

#include <array>

namespace egret::text {
namespace {

// idchar: the printable ASCII characters a keyword, number, id or reserved token may contain.
constexpr std::array<bool, 256> MakeIdChars() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-./:<=>?@\\^_`|~")) t[static_cast<uint8_t>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kIdChar = MakeIdChars();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the UTF-8 sequence starting at s[i], or 0 if it is malformed.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const uint8_t b0 = static_cast<uint8_t>(s[i]);
  if (b0 < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    cp = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const uint8_t b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : s_(src) {}

  Expected<TokenList> Run();

 private:
  Error ErrorAt(size_t pos, std::string msg) const {
    // Column counts bytes from the start of the line, 1-based.
    return Error::AtLine(LineAt(pos), static_cast<uint32_t>(pos - LineStartAt(pos) + 1),
                         std::move(msg));
  }
  uint32_t LineAt(size_t pos) const {
    // Lines are tracked incrementally for tokens; errors are rare, so recount here.
    uint32_t line = 1;
    for (size_t i = 0; i < pos && i < s_.size(); ++i) line += s_[i] == '\n';
    return line;
  }
  size_t LineStartAt(size_t pos) const {
    size_t i = pos;
    while (i > 0 && s_[i - 1] != '\n') --i;
    return i;
  }
  void Newline(size_t pos_after) {
    ++line_;
    line_start_ = pos_after;
  }
  Status SkipBlockComment();      // at "(;"
  Status SkipAnnotation();        // at "(@"
  Status LexString(size_t* end);  // at '"'; *end is one past the closing quote
  Status SkipUtf8(size_t* i) const;

  std::string_view s_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
};

Status Lexer::SkipUtf8(size_t* i) const {
  const size_t n = Utf8SequenceLength(s_, *i);
  if (n == 0) return ErrorAt(*i, "malformed UTF-8 encoding");
  *i += n;
  return Status::Ok();
}

Status Lexer::SkipBlockComment() {
  const size_t start = pos_;
  int depth = 0;
  while (pos_ < s_.size()) {
    const char c = s_[pos_];
    if (c == '(' && pos_ + 1 < s_.size() && s_[pos_ + 1] == ';') {
      ++depth;
      pos_ += 2;
    } else if (c == ';' && pos_ + 1 < s_.size() && s_[pos_ + 1] == ')') {
      pos_ += 2;
      if (--depth == 0) return Status::Ok();
    } else if (c == '\n') {
      ++pos_;
      Newline(pos_);
    } else if (static_cast<uint8_t>(c) >= 0x80) {
      EGRET_TRY(SkipUtf8(&pos_));
    } else {
      ++pos_;
    }
  }
  return ErrorAt(start, "unclosed comment");
}

Status Lexer::LexString(size_t* end) {
  size_t i = pos_ + 1;
  while (true) {
    if (i >= s_.size()) return ErrorAt(pos_, "unclosed string");
    const char c = s_[i];
    const uint8_t u = static_cast<uint8_t>(c);
    if (c == '"') {
      *end = i + 1;
      return Status::Ok();
    }
    if (c == '\n') return ErrorAt(pos_, "unclosed string");
    if (u < 0x20 || u == 0x7f) return ErrorAt(i, "illegal control character in string");
    if (u >= 0x80) {
      EGRET_TRY(SkipUtf8(&i));
      continue;
    }
    if (c != '\\') {
      ++i;
      continue;
    }
    if (i + 1 >= s_.size()) return ErrorAt(pos_, "unclosed string");
    const char e = s_[i + 1];
    switch (e) {
      case 't':
      case 'n':
      case 'r':
      case '"':
      case '\'':
      case '\\':
        i += 2;
        continue;
      case 'u': {
        size_t k = i + 2;
        if (k >= s_.size() || s_[k] != '{') return ErrorAt(i, "illegal escape");
        ++k;
        uint64_t v = 0;
        size_t digits = 0;
        bool underscore_ok = false;
        while (k < s_.size() && s_[k] != '}') {
          if (s_[k] == '_' && underscore_ok) {
            underscore_ok = false;
            ++k;
            continue;
          }
          const int h = HexValue(s_[k]);
          if (h < 0) return ErrorAt(i, "illegal escape");
          v = v * 16 + h;
          if (v > 0x10ffff) return ErrorAt(i, "illegal escape");
          ++digits;
          underscore_ok = true;
          ++k;
        }
        if (k >= s_.size() || digits == 0 || !underscore_ok) return ErrorAt(i, "illegal escape");
        if (v >= 0xd800 && v < 0xe000) return ErrorAt(i, "illegal escape");
        i = k + 1;
        continue;
      }
      default:
        if (HexValue(e) >= 0 && i + 2 < s_.size() && HexValue(s_[i + 2]) >= 0) {
          i += 3;
          continue;
        }
        return ErrorAt(i, "illegal escape");
    }
  }
}

Status Lexer::SkipAnnotation() {
  // "(@" idchar+ then balanced tokens up to the matching ')'.
  const size_t start = pos_;
  pos_ += 2;
  if (pos_ >= s_.size() || !kIdChar[static_cast<uint8_t>(s_[pos_])])
    return ErrorAt(start, "malformed annotation");
  int depth = 1;
  while (pos_ < s_.size()) {
    const char c = s_[pos_];
    if (c == '"') {
      size_t end;
      EGRET_TRY(LexString(&end));
      pos_ = end;
    } else if (c == '(' && pos_ + 1 < s_.size() && s_[pos_ + 1] == ';') {
      EGRET_TRY(SkipBlockComment());
    } else if (c == ';' && pos_ + 1 < s_.size() && s_[pos_ + 1] == ';') {
      while (pos_ < s_.size() && s_[pos_] != '\n') {
        if (static_cast<uint8_t>(s_[pos_]) >= 0x80) {
          EGRET_TRY(SkipUtf8(&pos_));
        } else {
          ++pos_;
        }
      }
    } else if (c == '(') {
      ++depth;
      ++pos_;
    } else if (c == ')') {
      ++pos_;
      if (--depth == 0) return Status::Ok();
    } else if (c == '\n') {
      ++pos_;
      Newline(pos_);
    } else if (static_cast<uint8_t>(c) >= 0x80) {
      EGRET_TRY(SkipUtf8(&pos_));
    } else {
      ++pos_;
    }
  }
  return ErrorAt(start, "unclosed annotation");
}

Expected<TokenList> Lexer::Run() {
  TokenList out;
  out.source = s_;
  out.tokens.reserve(s_.size() / 4 + 1);
  auto push = [&](TokenKind kind, size_t start, size_t end) {
    out.tokens.push_back(Token{kind, static_cast<uint32_t>(start),
                               static_cast<uint32_t>(end - start), line_,
                               static_cast<uint32_t>(start - line_start_ + 1)});
  };
  if (s_.size() >= UINT32_MAX) return Error("source text larger than 4 GiB");
  while (pos_ < s_.size()) {
    const char c = s_[pos_];
    switch (c) {
      case ' ':
      case '\t':
      case '\r':
        ++pos_;
        continue;
      case '\n':
        ++pos_;
        Newline(pos_);
        continue;
      case ';':
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == ';') {
          while (pos_ < s_.size() && s_[pos_] != '\n') {
            if (static_cast<uint8_t>(s_[pos_]) >= 0x80) {
              EGRET_TRY(SkipUtf8(&pos_));
            } else {
              ++pos_;
            }
          }
          continue;
        }
        return ErrorAt(pos_, "unexpected character ';'");
      case '(':
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == ';') {
          EGRET_TRY(SkipBlockComment());
          continue;
        }
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '@') {
          EGRET_TRY(SkipAnnotation());
          continue;
        }
        push(TokenKind::kLParen, pos_, pos_ + 1);
        ++pos_;
        continue;
      case ')':
        push(TokenKind::kRParen, pos_, pos_ + 1);
        ++pos_;
        continue;
      case '"': {
        size_t end;
        EGRET_TRY(LexString(&end));
        push(TokenKind::kString, pos_, end);
        pos_ = end;
        // A string glued to an idchar run is one reserved token in the spec's grammar.
        if (pos_ < s_.size() && (kIdChar[static_cast<uint8_t>(s_[pos_])] || s_[pos_] == '"'))
          return ErrorAt(pos_, "unknown operator");
        continue;
      }
      default:
        break;
    }
    const uint8_t u = static_cast<uint8_t>(c);
    if (!kIdChar[u]) {
      if (u >= 0x80) {
        size_t i = pos_;
        EGRET_TRY(SkipUtf8(&i));
      }
      return ErrorAt(pos_, "unexpected character");
    }
    const size_t start = pos_;
    while (pos_ < s_.size() && kIdChar[static_cast<uint8_t>(s_[pos_])]) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '"') return ErrorAt(start, "unknown operator");
    TokenKind kind;
    if (c >= 'a' && c <= 'z')
      kind = TokenKind::kKeyword;
    else if ((c >= '0' && c <= '9') || c == '+' || c == '-')
      kind = TokenKind::kNumber;
    else if (c == '$' && pos_ - start > 1)
      kind = TokenKind::kId;
    else
      kind = TokenKind::kReserved;
    push(kind, start, pos_);
  }
  push(TokenKind::kEof, pos_, pos_);
  return out;
}

}  // namespace

Expected<TokenList> Lex(std::string_view source) { return Lexer(source).Run(); }

void AppendDecodedString(std::string_view t, std::string* out) {
  // t includes the quotes and was checked by the lexer.
  for (size_t i = 1; i + 1 < t.size();) {
    const char c = t[i];
    if (c != '\\') {
      out->push_back(c);
      ++i;
      continue;
    }
    const char e = t[i + 1];
    switch (e) {
      case 't':
        out->push_back('\t');
        i += 2;
        break;
      case 'n':
        out->push_back('\n');
        i += 2;
        break;
      case 'r':
        out->push_back('\r');
        i += 2;
        break;
      case '"':
      case '\'':
      case '\\':
        out->push_back(e);
        i += 2;
        break;
      case 'u': {
        size_t k = i + 3;
        uint32_t v = 0;
        for (; t[k] != '}'; ++k)
          if (t[k] != '_') v = v * 16 + HexValue(t[k]);
        i = k + 1;
        if (v < 0x80) {
          out->push_back(static_cast<char>(v));
        } else if (v < 0x800) {
          out->push_back(static_cast<char>(0xc0 | (v >> 6)));
          out->push_back(static_cast<char>(0x80 | (v & 0x3f)));
        } else if (v < 0x10000) {
          out->push_back(static_cast<char>(0xe0 | (v >> 12)));
          out->push_back(static_cast<char>(0x80 | ((v >> 6) & 0x3f)));
          out->push_back(static_cast<char>(0x80 | (v & 0x3f)));
        } else {
          out->push_back(static_cast<char>(0xf0 | (v >> 18)));
          out->push_back(static_cast<char>(0x80 | ((v >> 12) & 0x3f)));
          out->push_back(static_cast<char>(0x80 | ((v >> 6) & 0x3f)));
          out->push_back(static_cast<char>(0x80 | (v & 0x3f)));
        }
        break;
      }
      default:
        out->push_back(static_cast<char>(HexValue(e) * 16 + HexValue(t[i + 2])));
        i += 3;
        break;
    }
  }
}

std::string DecodeString(std::string_view token_text) {
  std::string out;
  out.reserve(token_text.size());
  AppendDecodedString(token_text, &out);
  return out;
}

bool IsValidUtf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    const size_t n = Utf8SequenceLength(bytes, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kLParen:
      return "'('";
    case TokenKind::kRParen:
      return "')'";
    case TokenKind::kKeyword:
      return "keyword";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kId:
      return "identifier";
    case TokenKind::kString:
      return "string";
    case TokenKind::kReserved:
      return "reserved token";
    case TokenKind::kEof:
      return "end of input";
  }
  return "token";
}

}  // namespace egret::text
