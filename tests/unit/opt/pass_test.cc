// pass_test.cc: DCE, GVN and the pass manager on hand-written IR (parse -> pass -> print), plus
// a differential check: random functions give the same interpreter results before and after the
// speed pipeline.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

#include "ir/interpreter.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/ir_edit.h"
#include "opt/pass_manager.h"

namespace egret::opt {
namespace {

ir::Module Parse(std::string_view text) {
  Expected<ir::Module> m = ir::ParseModule(text);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().ToString());
  return std::move(m).value();
}

// Runs the named passes over the single function of `text` and returns the printed result.
std::string RunPasses(std::string_view text, std::span<const std::string_view> names) {
  ir::Module m = Parse(text);
  PassManagerOptions o;
  o.verify = true;
  Expected<PassManager> pm = PassManager::FromNames(names, o);
  EXPECT_TRUE(pm.ok());
  Status s = pm->Run(m.functions[0]);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().ToString());
  return ir::PrintFunction(m.functions[0]);
}

constexpr std::string_view kDce[] = {"dce"};
constexpr std::string_view kGvn[] = {"gvn"};

TEST(Dce, RemovesUnusedPureChains) {
  const std::string out = RunPasses(R"(
function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iadd v0, v1
    v3 = imul v2, v2
    v4 = isub v0, v1
    return v4
}
)",
                                    kDce);
  EXPECT_EQ(out.find("iadd"), std::string::npos) << out;
  EXPECT_EQ(out.find("imul"), std::string::npos) << out;
  EXPECT_NE(out.find("isub"), std::string::npos) << out;
}

TEST(Dce, KeepsTrappingAndMemoryEffects) {
  const std::string out = RunPasses(R"(
function %f(i32, i32, i64) -> i32 {
block0(v0: i32, v1: i32, v2: i64):
    v3 = sdiv v0, v1
    v4 = load.i32 heap v2+4
    v5 = load.i32 heap notrap v2+8
    store heap v0, v2+12
    return v0
}
)",
                                    kDce);
  EXPECT_NE(out.find("sdiv"), std::string::npos) << out;
  EXPECT_NE(out.find("v2+4"), std::string::npos) << out;
  EXPECT_EQ(out.find("v2+8"), std::string::npos) << out;  // notrap load, unused: removed
  EXPECT_NE(out.find("store"), std::string::npos) << out;
}

TEST(Dce, BranchArgumentsAreUses) {
  const std::string out = RunPasses(R"(
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd_imm v0, 1
    jump block1(v1)
block1(v2: i32):
    return v2
}
)",
                                    kDce);
  EXPECT_NE(out.find("iadd_imm"), std::string::npos) << out;
}

TEST(Gvn, MergesDuplicatesInOneBlock) {
  const std::string out = RunPasses(R"(
function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iadd v0, v1
    v3 = iadd v0, v1
    v4 = imul v2, v3
    return v4
}
)",
                                    kGvn);
  EXPECT_EQ(out.find("v3 = iadd"), std::string::npos) << out;
  EXPECT_NE(out.find("imul v2, v2"), std::string::npos) << out;
}

TEST(Gvn, CommutativeIntegerOperandsMatchInEitherOrder) {
  const std::string out = RunPasses(R"(
function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = imul v0, v1
    v3 = imul v1, v0
    v4 = isub v0, v1
    v5 = isub v1, v0
    v6 = iadd v2, v3
    v7 = iadd v4, v5
    v8 = iadd v6, v7
    return v8
}
)",
                                    kGvn);
  EXPECT_EQ(out.find("v3 = imul"), std::string::npos) << out;
  EXPECT_NE(out.find("iadd v2, v2"), std::string::npos) << out;
  EXPECT_NE(out.find("v5 = isub v1, v0"), std::string::npos) << out;  // not commutative
}

TEST(Gvn, RespectsDominance) {
  // v3 (block1) and v4 (block2) are siblings: neither dominates the other. v5 in block3 is
  // dominated by v2 in block0 and merges with it.
  const std::string out = RunPasses(R"(
function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = isub v0, v1
    brif v0, block1, block2
block1:
    v3 = iadd v0, v1
    jump block3(v3)
block2:
    v4 = iadd v0, v1
    jump block3(v4)
block3(v6: i32):
    v5 = isub v0, v1
    v7 = iadd v5, v6
    return v7
}
)",
                                    kGvn);
  EXPECT_NE(out.find("v3 = iadd v0, v1"), std::string::npos) << out;
  EXPECT_NE(out.find("v4 = iadd v0, v1"), std::string::npos) << out;
  EXPECT_EQ(out.find("v5 = isub"), std::string::npos) << out;
  EXPECT_NE(out.find("iadd v2, v6"), std::string::npos) << out;
}

TEST(Gvn, DistinguishesImmediatesTypesAndConditions) {
  const std::string out = RunPasses(R"(
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd_imm v0, 1
    v2 = iadd_imm v0, 2
    v3 = icmp slt v1, v2
    v4 = icmp ult v1, v2
    v5 = iadd v3, v4
    v6 = iadd v5, v1
    v7 = iadd v6, v2
    return v7
}
)",
                                    kGvn);
  EXPECT_NE(out.find("v2 = iadd_imm v0, 2"), std::string::npos) << out;
  EXPECT_NE(out.find("v4 = icmp ult"), std::string::npos) << out;
}

TEST(Gvn, MergesReadonlyNotrapLoadsButNotOthers) {
  const std::string out = RunPasses(R"(
function %f(i64) -> i64 {
block0(v0: i64):
    v1 = load.i64 vmctx notrap readonly v0+8
    store heap v0, v0+0
    v2 = load.i64 vmctx notrap readonly v0+8
    v3 = load.i64 vmctx notrap v0+16
    v4 = load.i64 vmctx notrap v0+16
    v5 = iadd v1, v2
    v6 = iadd v3, v4
    v7 = iadd v5, v6
    return v7
}
)",
                                    kGvn);
  EXPECT_EQ(out.find("v2 = load"), std::string::npos) << out;
  EXPECT_NE(out.find("v4 = load"), std::string::npos)
      << out;  // not readonly: a store may change it
}

TEST(PassManager, UnknownNamesAreErrors) {
  constexpr std::string_view bad[] = {"gvn", "nosuch"};
  Expected<PassManager> pm = PassManager::FromNames(bad);
  ASSERT_FALSE(pm.ok());
  EXPECT_NE(pm.error().message.find("unknown pass 'nosuch'"), std::string::npos);
  EXPECT_FALSE(CheckPrintAfter("nope").ok());
  EXPECT_TRUE(CheckPrintAfter("all").ok());
  EXPECT_TRUE(CheckPrintAfter("dce").ok());
  EXPECT_FALSE(PassManager::ForOptLevel("fast").ok());
  Expected<PassManager> none = PassManager::ForOptLevel("none");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(PassManager, PrintAfterCallsBackPerPass) {
  ir::Module m = Parse(R"(
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd_imm v0, 1
    v2 = iadd_imm v0, 1
    return v0
}
)");
  PassManagerOptions o;
  o.print_after = "all";
  std::string log;
  o.on_print = [&](std::string_view pass, const ir::Function& f) {
    log += "; after " + std::string(pass) + "\n" + ir::PrintFunction(f);
  };
  Expected<PassManager> pm = PassManager::ForOptLevel("speed", o);
  ASSERT_TRUE(pm.ok());
  ASSERT_TRUE(pm->Run(m.functions[0]).ok());
  EXPECT_NE(log.find("; after gvn"), std::string::npos) << log;
  EXPECT_NE(log.find("; after dce"), std::string::npos) << log;
  EXPECT_EQ(ir::PrintFunction(m.functions[0]).find("iadd_imm"), std::string::npos);
}

// Differential: a function with plenty of redundancy, checked over many inputs.
TEST(Differential, SpeedPipelinePreservesResults) {
  constexpr std::string_view kText = R"(
function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iadd v0, v1
    v3 = imul v2, v0
    v4 = iadd v0, v1
    v5 = icmp_imm eq v1, 0
    brif v5, block2(v4), block1
block1:
    v6 = udiv v3, v1
    v7 = imul v2, v0
    v8 = isub v6, v7
    v9 = bxor v8, v4
    jump block2(v9)
block2(v10: i32):
    v11 = iadd v0, v1
    v12 = iadd v10, v11
    v13 = imul v12, v3
    return v13
}
)";
  ir::Module before = Parse(kText);
  ir::Module after = Parse(kText);
  Expected<PassManager> pm = PassManager::ForOptLevel("speed");
  ASSERT_TRUE(pm.ok());
  ASSERT_TRUE(pm->Run(after.functions[0]).ok());
  ASSERT_TRUE(ir::Verify(after.functions[0]).ok());
  EXPECT_LT(after.functions[0].NumLayoutInsts(), before.functions[0].NumLayoutInsts());
  ir::Interpreter ib(before), ia(after);
  std::mt19937 rng(7);
  for (int n = 0; n < 500; ++n) {
    const uint32_t a = n < 8 ? static_cast<uint32_t>(n) : rng();
    const uint32_t b = n % 5 == 0 ? 0u : rng() % (n < 250 ? 16u : 0xffffffffu);
    const ir::DataValue args[] = {{ir::Type::kI32, a}, {ir::Type::kI32, b}};
    const ir::InterpResult rb = ib.Call("f", args);
    const ir::InterpResult ra = ia.Call("f", args);
    ASSERT_EQ(static_cast<int>(rb.kind), static_cast<int>(ra.kind));
    EXPECT_EQ(rb.values, ra.values);
  }
}

TEST(IrEdit, ResolveOperandAliasesWithABoundStopsAfterTheLastAlias) {
  constexpr std::string_view kText = R"(
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd_imm v0, 1
    v2 = iadd_imm v1, 2
    v3 = iadd v2, v1
    jump block1
block1:
    v4 = iadd v3, v1
    return v4
}
)";
  // v1 becomes an alias of v0 (its instruction removed): three operand slots name it.
  auto replace_v1 = [](ir::Function& f) {
    f.layout.RemoveInst(f.layout.FirstInst(f.EntryBlock()));
    ReplaceValue(f, ir::Value(1), ir::Value(0));
  };
  // A bound of 3 (v1's use count) resolves every slot, as the unbounded walk does.
  ir::Module m = Parse(kText);
  ir::Function& f = m.functions[0];
  replace_v1(f);
  ResolveOperandAliases(f, 3);
  EXPECT_TRUE(ir::Verify(f).ok());
  const std::string out = ir::PrintFunction(f);
  EXPECT_NE(out.find("v2 = iadd_imm v0, 2"), std::string::npos) << out;
  EXPECT_NE(out.find("v3 = iadd v2, v0"), std::string::npos) << out;
  EXPECT_NE(out.find("v4 = iadd v3, v0"), std::string::npos) << out;
  // A bound of 1 stops after the first rewrite: later slots still name the alias.
  ir::Module m2 = Parse(kText);
  ir::Function& g = m2.functions[0];
  replace_v1(g);
  ResolveOperandAliases(g, 1);
  EXPECT_FALSE(ir::Verify(g).ok());
  // Started at block1, the walk goes on to the end and then from the first block up to block1:
  // the same three slots, whatever the start.
  ir::Module m3 = Parse(kText);
  ir::Function& h = m3.functions[0];
  replace_v1(h);
  ResolveOperandAliases(h, 3, ir::Block(1));
  EXPECT_TRUE(ir::Verify(h).ok());
  EXPECT_EQ(ir::PrintFunction(h), out);
  // With a bound of 1 from block1 only block1's slot is rewritten.
  ir::Module m4 = Parse(kText);
  ir::Function& k = m4.functions[0];
  replace_v1(k);
  ResolveOperandAliases(k, 1, ir::Block(1));
  EXPECT_EQ(k.dfg[k.layout.FirstInst(ir::Block(1))].args[1], ir::Value(0));
  EXPECT_FALSE(ir::Verify(k).ok());
}

}  // namespace
}  // namespace egret::opt
