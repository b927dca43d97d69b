// wasm_features_test.cc: the --wasm-features list syntax, and how the validator rejects
// constructs of disabled and unimplemented proposals (kind, message, offset).
#include "frontend/wasm_features.h"

#include <gtest/gtest.h>

#include "frontend/validator.h"
#include "tests/unit/frontend/wasm_builder.h"

namespace egret::wasm {
namespace {

using namespace testing;

std::string Check(const Bytes& bytes, WasmFeatures features = WasmFeatures::Default()) {
  WasmError error;
  if (LoadModule(bytes, "m.wasm", &error, 1, features)) return "ok";
  return std::string(ErrorKindName(error.kind)) + ": " + error.error.ToString();
}

TEST(WasmFeatures, DefaultHasTheStandardizedProposals) {
  const WasmFeatures d = WasmFeatures::Default();
  for (WasmFeature f : {WasmFeature::kSimd, WasmFeature::kExtendedConst, WasmFeature::kTailCall,
                        WasmFeature::kThreads})
    EXPECT_TRUE(d.has(f)) << FeatureName(f);
  // Except the two that change what Wasm 2.0 modules mean (docs/cli.md).
  EXPECT_FALSE(d.has(WasmFeature::kMultiMemory));
  EXPECT_FALSE(d.has(WasmFeature::kMemory64));
  EXPECT_EQ(WasmFeatures::None().ToString(), "none");
  EXPECT_EQ(WasmFeatures::All().ToString(),
            "simd,extended-const,tail-call,multi-memory,memory64,threads");
}

TEST(WasmFeatures, ParseAppliesItemsLeftToRight) {
  WasmFeatures f = WasmFeatures::Default();
  ASSERT_TRUE(f.ParseInto("-tail-call,-threads").ok());
  EXPECT_FALSE(f.has(WasmFeature::kTailCall));
  EXPECT_FALSE(f.has(WasmFeature::kThreads));
  EXPECT_TRUE(f.has(WasmFeature::kSimd));
  ASSERT_TRUE(f.ParseInto("none,+extended-const,tail-call").ok());
  EXPECT_EQ(f.ToString(), "extended-const,tail-call");
  ASSERT_TRUE(f.ParseInto("all,-simd").ok());
  EXPECT_FALSE(f.has(WasmFeature::kSimd));
  EXPECT_TRUE(f.has(WasmFeature::kMemory64));
  ASSERT_TRUE(f.ParseInto("default").ok());
  EXPECT_EQ(f, WasmFeatures::Default());
}

TEST(WasmFeatures, ParseRejectsUnknownNamesAndEmptyItems) {
  WasmFeatures f;
  Status st = f.ParseInto("+exception-handling");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "unknown Wasm feature 'exception-handling' (known: all, none, default, simd, "
            "extended-const, tail-call, multi-memory, memory64, threads)");
  EXPECT_FALSE(f.ParseInto("simd,,threads").ok());
  EXPECT_FALSE(f.ParseInto("").ok());
  EXPECT_FALSE(f.ParseInto("+").ok());
}

TEST(WasmFeatures, FeatureNamesRoundTrip) {
  for (int i = 0; i < kNumWasmFeatures; ++i) {
    const auto f = static_cast<WasmFeature>(i);
    EXPECT_EQ(FeatureFromName(FeatureName(f)), f);
  }
  EXPECT_EQ(FeatureFromName("gc"), std::nullopt);
}

TEST(WasmFeatures, DisabledProposalIsUnsupportedAtItsOffset) {
  // (func (result i32) i32.const 7 return_call 0)
  const Bytes m = OneFunction({}, {kI32}, {0x41, 0x07, 0x12, 0x00, 0x0b});
  EXPECT_EQ(Check(m), "ok");
  WasmFeatures f = WasmFeatures::Default();
  f.set(WasmFeature::kTailCall, false);
  char expected[200];
  std::snprintf(expected, sizeof expected,
                "unsupported: m.wasm:0x%zx: error: return_call uses the tail-call proposal, "
                "which is disabled (--wasm-features=-tail-call) (func 0)",
                m.size() - 3);
  EXPECT_EQ(Check(m, f), expected);
}

TEST(WasmFeatures, ExtendedConstArithmeticWhenDisabled) {
  // (global i32 (i32.add (i32.const 1) (i32.const 1))): the add is at offset 0x11.
  const Bytes g =
      ModuleOf({Section(6, Bytes{0x01, kI32, 0x00, 0x41, 0x01, 0x41, 0x01, 0x6a, 0x0b})});
  EXPECT_EQ(Check(g), "ok");
  WasmFeatures f = WasmFeatures::Default();
  f.set(WasmFeature::kExtendedConst, false);
  EXPECT_EQ(Check(g, f),
            "unsupported: m.wasm:0x11: error: i32.add in global uses the extended-const proposal, "
            "which is disabled (--wasm-features=-extended-const)");
}

TEST(WasmFeatures, UnimplementedProposalsAreNamed) {
  // try (exception handling), a 0xfb operator (GC), a relaxed SIMD operator (0xfd 0x100).
  const Bytes eh = OneFunction({}, {}, {0x06, 0x40, 0x0b, 0x0b});
  char expected[200];
  std::snprintf(expected, sizeof expected,
                "unsupported: m.wasm:0x%zx: error: the exception-handling proposal is not "
                "supported (opcode 0x06 try) (func 0)",
                eh.size() - 4);
  EXPECT_EQ(Check(eh), expected);
  EXPECT_NE(Check(OneFunction({}, {}, {0xfb, 0x01, 0x0b})).find("the gc proposal"),
            std::string::npos);
  EXPECT_NE(Check(OneFunction({}, {}, {0xfd, 0x80, 0x02, 0x0b})).find("the relaxed-simd"),
            std::string::npos);
  // A plain unknown opcode stays malformed.
  EXPECT_NE(Check(OneFunction({}, {}, {0xf0, 0x0b})).find("malformed: "), std::string::npos);
}

TEST(WasmFeatures, TailCallResultsMustMatchTheCaller) {
  // Types: 0 = [] -> [], 1 = [] -> [i64]. Function 0 (type 0) tail-calls function 1 (type 1):
  // its results would become the caller's, which has none.
  const Bytes types = Section(1, Bytes{0x02, 0x60, 0x00, 0x00, 0x60, 0x00, 0x01, kI64});
  const Bytes funcs = Section(3, Bytes{0x02, 0x00, 0x01});
  const Bytes bad = ModuleOf(
      {types, funcs, CodeSection({Bytes{0x00, 0x12, 0x01, 0x0b}, Bytes{0x00, 0x42, 0x00, 0x0b}})});
  EXPECT_NE(Check(bad).find("invalid: m.wasm:0x"), std::string::npos) << Check(bad);
  EXPECT_NE(Check(bad).find("the callee's results [i64] differ from the caller's []"),
            std::string::npos)
      << Check(bad);
  // Function 1 tail-calling itself is fine, as is extra stack below the call (unreachable).
  const Bytes good = ModuleOf(
      {types, funcs, CodeSection({Bytes{0x00, 0x0b}, Bytes{0x00, 0x42, 0x05, 0x12, 0x01, 0x0b}})});
  EXPECT_EQ(Check(good), "ok");
}

}  // namespace
}  // namespace egret::wasm
