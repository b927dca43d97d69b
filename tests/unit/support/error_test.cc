#include "support/error.h"

#include <gtest/gtest.h>

namespace egret {
namespace {

TEST(Error, FormatsBinaryOffset) {
  Error e(0x2f, "type mismatch in i32.add");
  e.InFile("prog.wasm");
  EXPECT_EQ(e.ToString(), "prog.wasm:0x2f: error: type mismatch in i32.add");
}

TEST(Error, FormatsLineAndColumn) {
  Error e = Error::AtLine(3, 7, "expected ','");
  e.InFile("f.eir");
  EXPECT_EQ(e.ToString(), "f.eir:3:7: error: expected ','");
}

TEST(Error, InFileKeepsFirstName) {
  Error e(1, "x");
  e.InFile("a").InFile("b");
  EXPECT_EQ(e.file, "a");
  EXPECT_EQ(Error("plain").ToString(), "error: plain");
}

Expected<int> Half(int x) {
  if (x % 2) return Error(uint64_t(x), "odd");
  return x / 2;
}

Expected<int> Quarter(int x) {
  EGRET_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

Status CheckEven(int x) {
  EGRET_TRY(Half(x));
  return Status::Ok();
}

TEST(Error, ExpectedPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  auto bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().offset, 3u);
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).error().message, "odd");
}

}  // namespace
}  // namespace egret
