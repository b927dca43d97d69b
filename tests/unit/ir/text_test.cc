// text_test.cc: printer and parser: exact round trips, float literal forms, error positions,
// and the verifier's messages on hand-made invalid functions.
#include <gtest/gtest.h>

#include <random>

#include "ir/builder.h"
#include "ir/graphviz.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "tests/unit/ir/random_function.h"

namespace egret::ir {
namespace {

std::string RoundTrip(const std::string& text) {
  auto m = ParseModule(text, "t.eir");
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().ToString());
  if (!m.ok()) return "";
  return PrintModule(*m);
}

TEST(Printer, BuilderFunctionRoundTripsExactly) {
  Function f("sum", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable i = b.DeclareVar(Type::kI32), sum = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), loop = b.CreateBlock(), exit = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value n = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  b.DefVar(i, n);
  b.DefVar(sum, b.Iconst(Type::kI32, 0));
  b.Jump(loop);
  b.SwitchToBlock(loop);
  b.SetSrcLoc(0x2a);
  Value s = b.UseVar(sum);  // sequenced: parameter numbers follow the order of reads
  Value iv = b.UseVar(i);
  b.DefVar(sum, b.Binary(Opcode::kIadd, s, iv));
  Value next = b.BinaryImm(Opcode::kIaddImm, b.UseVar(i), -1);
  b.DefVar(i, next);
  b.Brif(next, loop, {}, exit, {});
  b.SealBlock(loop);
  b.SwitchToBlock(exit);
  b.SealBlock(exit);
  b.Return({b.UseVar(sum)});
  b.Finalize();
  ASSERT_TRUE(Verify(f).ok()) << Verify(f).error().message;
  const std::string text = PrintFunction(f);
  EXPECT_EQ(text,
            "function %sum(i32) -> i32 {\n"
            "block0(v0: i32):\n"
            "    v1 = iconst.i32 0\n"
            "    jump block1(v1, v0)\n"
            "block1(v2: i32, v3: i32):\n"
            "@002a v4 = iadd v2, v3\n"
            "@002a v5 = iadd_imm v3, -1\n"
            "@002a brif v5, block1(v4, v5), block2\n"
            "block2:\n"
            "@002a return v4\n"
            "}\n");
  EXPECT_EQ(RoundTrip(text), text);
}

TEST(Printer, RandomFunctionsRoundTrip) {
  std::mt19937 rng(5);
  for (int iter = 0; iter < 100; ++iter) {
    Function f = testing::BuildRandomFunction(rng, testing::MakeRandomCfg(rng, 15));
    const std::string text = PrintFunction(f);
    ASSERT_EQ(RoundTrip(text), text);
  }
}

TEST(Printer, FloatLiteralsRoundTripEveryClass) {
  const uint32_t f32s[] = {0,          0x80000000, 0x3fc00000, 0x7f800000, 0xff800000, 0x7fc00000,
                           0xffc00000, 0x7f800001, 0x7fffffff, 0x00000001, 0x7f7fffff};
  for (uint32_t bits : f32s) {
    auto back = ParseF32(FormatF32(bits));
    ASSERT_TRUE(back.has_value()) << FormatF32(bits);
    EXPECT_EQ(*back, bits) << FormatF32(bits);
  }
  const uint64_t f64s[] = {0,
                           0x8000000000000000,
                           0x3ff8000000000000,
                           0x7ff0000000000000,
                           0x7ff8000000000000,
                           0xfff8000000000001,
                           0x0000000000000001,
                           0x7fefffffffffffff};
  for (uint64_t bits : f64s) {
    auto back = ParseF64(FormatF64(bits));
    ASSERT_TRUE(back.has_value()) << FormatF64(bits);
    EXPECT_EQ(*back, bits) << FormatF64(bits);
  }
  EXPECT_EQ(FormatF32(0x7fc00000), "nan");
  EXPECT_EQ(FormatF32(0xff800000), "-inf");
  EXPECT_EQ(FormatF64(0x7ff0000000000001), "nan:0x1");
  EXPECT_FALSE(ParseF32("1e39").has_value());  // overflow must be written as inf
  EXPECT_FALSE(ParseF32("nan:0x800000").has_value());
  EXPECT_EQ(*ParseF32("0.1"), 0x3dcccccdu);  // decimal literals round once, to f32
}

TEST(Parser, IntegersAcceptHexAndNegativeAndRejectOverflow) {
  EXPECT_EQ(*ParseInt("0xffffffffffffffff"), -1);
  EXPECT_EQ(*ParseInt("-9223372036854775808"), INT64_MIN);
  EXPECT_FALSE(ParseInt("18446744073709551616").has_value());
  EXPECT_FALSE(ParseInt("-9223372036854775809").has_value());
  EXPECT_FALSE(ParseInt("12a").has_value());
}

TEST(Parser, ErrorsCarryFileLineAndColumn) {
  auto m = ParseModule("function %f() {\nblock0:\n    v0 = iconst.i32\n}\n", "x.eir");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().ToString(), "x.eir:4:1: error: expected an integer for iconst, found '}'");
  auto m2 = ParseModule("function %f() {\nblock0:\n    jump block9\n}\n", "x.eir");
  ASSERT_FALSE(m2.ok());
  EXPECT_EQ(m2.error().ToString(), "x.eir:3:10: error: block9 is used but never defined");
  auto m3 =
      ParseModule("function %f() {\nblock0:\n    v1, v2 = iconst.i32 1\n    return\n}\n", "x.eir");
  ASSERT_FALSE(m3.ok());
  EXPECT_EQ(m3.error().ToString(), "x.eir:3:5: error: iconst produces 1 result(s) but 2 are named");
}

TEST(Parser, HugeEntityNumbersAreRejectedNotAllocated) {
  auto m = ParseModule("function %f() {\nblock0:\n    v4000000000 = iconst.i32 1\n    return\n}\n");
  ASSERT_FALSE(m.ok());
  auto m2 = ParseModule("function %f() {\nblock99999999:\n    return\n}\n");
  ASSERT_FALSE(m2.ok());
  EXPECT_NE(m2.error().message.find("too large"), std::string::npos);
}

// Each result's type depends on a value defined further down: the type inference must not need
// one pass per instruction (20,000 passes would take minutes under ASan).
TEST(Parser, LongChainOfForwardReferencesIsInferredQuickly) {
  constexpr int kChain = 20000;
  std::string text = "function %f(i32) {\nblock0(v0: i32):\n";
  for (int k = 1; k < kChain; ++k)
    text += "    v" + std::to_string(k) + " = iadd v" + std::to_string(k + 1) + ", v0\n";
  text += "    v" + std::to_string(kChain) + " = iadd v0, v0\n    return\n}\n";
  auto m = ParseModule(text);
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  EXPECT_EQ(m->functions[0].dfg.ValueType(Value(1)), Type::kI32);
}

TEST(Parser, SourceMapRecordsInstructionOffsets) {
  const std::string text = "function %f() {\nblock0:\n    return\n}\n";
  SourceMap map;
  auto m = ParseModule(text, "", &map);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(map.inst_offsets.size(), 1u);
  auto [line, col] = SourceMap::LineColumn(text, map.inst_offsets[0][0]);
  EXPECT_EQ(line, 3u);
  EXPECT_EQ(col, 5u);
}

TEST(Verifier, RandomFunctionsAreValid) {
  std::mt19937 rng(11);
  for (int iter = 0; iter < 100; ++iter) {
    Function f = testing::BuildRandomFunction(rng, testing::MakeRandomCfg(rng, 15));
    ASSERT_TRUE(VerifyFunction(f).empty()) << PrintFunction(f);
  }
}

TEST(Verifier, NamesTheValueAndBlocksOnDominanceErrors) {
  auto m = ParseModule(R"(
function %f(i32) -> i32 {
block0(v0: i32):
    brif v0, block5, block3
block5:
    v7 = iconst.i32 1
    jump block3
block3:
    return v7
}
)");
  ASSERT_TRUE(m.ok());
  auto errors = VerifyFunction(m->functions[0]);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "v7 used in block3 is not dominated by its definition in block5");
  EXPECT_EQ(errors[0].block, Block(3));
  EXPECT_TRUE(errors[0].inst.valid());
}

TEST(Verifier, UnresolvedAliasIsReported) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value p = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  Value c = b.Iconst(Type::kI32, 1);
  b.Return({c});
  f.dfg.MakeAlias(c, p);  // as if Finalize had not run after a parameter removal
  bool found = false;
  for (const auto& e : VerifyFunction(f))
    found |= e.message.find("unresolved alias") != std::string::npos;
  EXPECT_TRUE(found);
}

TEST(Predicates, RefineOpcodeFlagsPerInstruction) {
  auto m = ParseModule(R"(
function %f(i64, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i32 heap v0
    v3 = load.i32 heap notrap readonly v0
    v4 = load.i32 heap notrap v0
    v5 = iadd v2, v3
    v6 = sdiv v5, v1
    store heap notrap v6, v0
    return v4
}
)");
  ASSERT_TRUE(m.ok());
  const Function& f = m->functions[0];
  std::vector<Inst> insts;
  for (Inst i : f.layout.Insts(f.EntryBlock())) insts.push_back(i);
  auto d = [&](int k) -> const InstData& { return f.dfg[insts[k]]; };
  EXPECT_TRUE(InstCanTrap(d(0)));          // load without notrap
  EXPECT_FALSE(InstCanTrap(d(1)));         // notrap
  EXPECT_TRUE(InstIsMovable(d(1)));        // notrap readonly load
  EXPECT_FALSE(InstIsMovable(d(2)));       // a store could change what it reads
  EXPECT_FALSE(InstHasSideEffects(d(2)));  // but it can be deleted if unused
  EXPECT_TRUE(InstIsMovable(d(3)));        // iadd
  EXPECT_TRUE(InstHasSideEffects(d(4)));   // sdiv may trap
  EXPECT_TRUE(InstHasSideEffects(d(5)));   // store
  EXPECT_TRUE(InstHasSideEffects(d(6)));   // return
}

TEST(Graphviz, EscapesRecordMetacharacters) {
  EXPECT_EQ(EscapeRecordLabel("a{b}|<c>\"d\\"), "a\\{b\\}\\|\\<c\\>\\\"d\\\\");
  Function f("f\"q", {{}, {}});
  FunctionBuilder b(f);
  Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  b.SealBlock(entry);
  b.Return({});
  b.Finalize();
  const std::string dot = WriteDot(f);
  EXPECT_NE(dot.find("block0 [label=\"{block0|return\\l}\"];"), std::string::npos) << dot;
}

}  // namespace
}  // namespace egret::ir
