// text_opcodes_test.cc: the text table mirrors frontend/opcodes.h exactly (text_opcodes.h).
#include "frontend/text/text_opcodes.h"

#include <gtest/gtest.h>

#include "frontend/opcodes.h"

namespace egret::text {
namespace {

TEST(TextOpcodes, MirrorFrontendTable) {
  std::span<const TextOpcode> ops = AllTextOpcodes();
  ASSERT_EQ(ops.size(), static_cast<size_t>(wasm::kNumOps));
  for (int i = 0; i < wasm::kNumOps; ++i) {
    const wasm::OpInfo& f = wasm::GetOpInfo(static_cast<wasm::Op>(i));
    const TextOpcode& t = ops[i];
    EXPECT_EQ(t.name, f.name) << i;
    EXPECT_EQ(t.prefix, f.prefix) << f.name;
    EXPECT_EQ(t.code, f.code) << f.name;
    EXPECT_EQ(static_cast<int>(t.imm), static_cast<int>(f.imm)) << f.name;
    EXPECT_EQ(t.extra, f.extra) << f.name;
  }
}

TEST(TextOpcodes, Lookup) {
  ASSERT_NE(FindTextOpcode("i32.add"), nullptr);
  EXPECT_EQ(FindTextOpcode("i32.add")->code, 0x6au);
  EXPECT_EQ(FindTextOpcode("select")->code, 0x1bu);  // the untyped form
  EXPECT_EQ(FindTextOpcode("memory.copy")->prefix, 0xfcu);
  EXPECT_EQ(FindTextOpcode("i8x16.shuffle")->imm, TextImm::kShuffle);
  EXPECT_EQ(FindTextOpcode("i32.add_x"), nullptr);
}

}  // namespace
}  // namespace egret::text
