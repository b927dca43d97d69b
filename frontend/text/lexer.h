// lexer.h: tokens of the WebAssembly text format (.wat) and script format (.wast).
//
// Lex() turns a whole source text into a token vector up front, so the parsers can look ahead
// and come back (the module parser makes two passes, see module_parser.h). Whitespace, line
// comments (`;;`), nested block comments (`(; ... ;)`) and annotations (`(@name ...)`, balanced)
// are dropped. Every token keeps its byte range and its 1-based line and column.
//
// Invariants: a kString token has had its escapes and, where it matters, its UTF-8 checked, so
// DecodeString() cannot fail; the token vector always ends with one kEof token. Tokens that are
// neither parentheses, strings nor ids are split only by class (keyword: starts with a-z;
// number: starts with a digit, '+' or '-'; reserved: anything else made of idchars); the parsers
// decide what a number or keyword means in context (literals.h).
#ifndef EGRET_FRONTEND_TEXT_LEXER_H_
#define EGRET_FRONTEND_TEXT_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/error.h"

namespace egret::text {

enum class TokenKind : uint8_t {
  kLParen,
  kRParen,
  kKeyword,   // a-z followed by idchars: `module`, `i32.add`, `offset=8`, `nan:0x1`, `inf`
  kNumber,    // digit, '+' or '-' followed by idchars: `12`, `-0x1p3`, `+inf`, `-nan`
  kId,        // `$name`
  kString,    // `"..."`, quotes included in text()
  kReserved,  // any other run of idchars; always an error where a token is expected
  kEof,
};

struct Token {
  TokenKind kind;
  uint32_t offset = 0;  // byte offset of the first character in the source
  uint32_t length = 0;
  uint32_t line = 0, column = 0;  // 1-based
};

struct TokenList {
  std::string_view source;
  std::vector<Token> tokens;

  std::string_view Text(const Token& t) const { return source.substr(t.offset, t.length); }
};

// Lexes `source` (which must outlive the result). Errors: "malformed UTF-8 encoding",
// "unclosed comment", "unclosed string", "illegal escape", "unclosed annotation",
// "unexpected character", each at the line:column where the problem is.
Expected<TokenList> Lex(std::string_view source);

// The bytes a kString token denotes (escapes resolved). `token_text` includes the quotes.
std::string DecodeString(std::string_view token_text);
void AppendDecodedString(std::string_view token_text, std::string* out);

// Whether `bytes` is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Names the kind for messages ("keyword", "string", ...).
const char* TokenKindName(TokenKind kind);

}  // namespace egret::text

#endif  // EGRET_FRONTEND_TEXT_LEXER_H_
