// lexer_test.cc: tokens, positions, comments, annotations, strings and their errors.
#include "frontend/text/lexer.h"

#include <gtest/gtest.h>

namespace egret::text {
namespace {

std::vector<std::string> Kinds(std::string_view src) {
  Expected<TokenList> t = Lex(src);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().ToString());
  std::vector<std::string> out;
  if (!t.ok()) return out;
  for (const Token& tok : t->tokens)
    out.push_back(std::string(TokenKindName(tok.kind)) + ":" + std::string(t->Text(tok)));
  return out;
}

std::string LexError(std::string_view src) {
  Expected<TokenList> t = Lex(src);
  if (t.ok()) return "ok";
  return std::to_string(t.error().line) + ":" + std::to_string(t.error().column) + " " +
         t.error().message;
}

TEST(Lexer, TokenClasses) {
  EXPECT_EQ(
      Kinds("(module $m i32.add 12 -0x1p3 +inf offset=8 \"s\" @x)"),
      (std::vector<std::string>{"'(':(", "keyword:module", "identifier:$m", "keyword:i32.add",
                                "number:12", "number:-0x1p3", "number:+inf", "keyword:offset=8",
                                "string:\"s\"", "reserved token:@x", "')':)", "end of input:"}));
}

TEST(Lexer, CommentsAndAnnotationsAreSkipped) {
  EXPECT_EQ(Kinds("a ;; line ( comment\nb (; block (; nested ;) ;) c (@ann (x \"y)\") z) d"),
            (std::vector<std::string>{"keyword:a", "keyword:b", "keyword:c", "keyword:d",
                                      "end of input:"}));
}

TEST(Lexer, LineAndColumn) {
  Expected<TokenList> t = Lex("(module\n  (func)\n\t$x)");
  ASSERT_TRUE(t.ok());
  const Token& func = t->tokens[3];
  EXPECT_EQ(t->Text(func), "func");
  EXPECT_EQ(func.line, 2u);
  EXPECT_EQ(func.column, 4u);
  const Token& id = t->tokens[5];
  EXPECT_EQ(id.line, 3u);
  EXPECT_EQ(id.column, 2u);
}

TEST(Lexer, StringEscapes) {
  EXPECT_EQ(DecodeString(R"("a\tb\n\r\"\'\\\41\u{48}\u{e9}\u{1F600}")"),
            "a\tb\n\r\"'\\AH\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(DecodeString(R"("\00\ff")"), std::string("\0\xff", 2));
}

TEST(Lexer, StringErrors) {
  EXPECT_EQ(LexError("(data \"abc"), "1:7 unclosed string");
  EXPECT_EQ(LexError("\"\\q\""), "1:2 illegal escape");
  EXPECT_EQ(LexError("\"\\u{d800}\""), "1:2 illegal escape");
  EXPECT_EQ(LexError("\"\\u{110000}\""), "1:2 illegal escape");
  EXPECT_EQ(LexError("\"\x01\""), "1:2 illegal control character in string");
  EXPECT_EQ(LexError("\n  \"\xc3\x28\""), "2:4 malformed UTF-8 encoding");
  EXPECT_EQ(LexError("\"\xe0\x80\x80\""), "1:2 malformed UTF-8 encoding");  // overlong
  EXPECT_EQ(LexError("\"\xed\xa0\x80\""), "1:2 malformed UTF-8 encoding");  // surrogate
}

TEST(Lexer, CommentErrors) {
  EXPECT_EQ(LexError("(module (; never closed"), "1:9 unclosed comment");
  EXPECT_EQ(LexError("(; (; ;)"), "1:1 unclosed comment");
  EXPECT_EQ(LexError(";; \xff"), "1:4 malformed UTF-8 encoding");
  EXPECT_EQ(LexError("(@a (b)"), "1:1 unclosed annotation");
}

TEST(Lexer, GluedTokensAndStrayCharacters) {
  EXPECT_EQ(LexError("\"a\"\"b\""), "1:4 unknown operator");
  EXPECT_EQ(LexError("x\"a\""), "1:1 unknown operator");
  EXPECT_EQ(LexError("(module [)"), "1:9 unexpected character");
  EXPECT_EQ(LexError("a ; b"), "1:3 unexpected character ';'");
}

TEST(Lexer, Utf8Validity) {
  EXPECT_TRUE(IsValidUtf8("plain \xc3\xa9 \xf4\x8f\xbf\xbf"));
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));
}

}  // namespace
}  // namespace egret::text
