// target_registry_test.cc: targets are found by name; unknown targets and bad feature strings
// are errors that name them, never a crash.
#include "backends/target_registry.h"

#include <gtest/gtest.h>

#include "artifact/artifact.h"

namespace egret::backend {
namespace {

TEST(TargetRegistry, FindsX64WithPinnedFeatures) {
  Expected<std::unique_ptr<TargetIsa>> isa = LookupTargetIsa("x86_64", "+all,-lzcnt");
  ASSERT_TRUE(isa.ok()) << isa.error().message;
  EXPECT_EQ((*isa)->name(), "x86_64");
  EXPECT_EQ((*isa)->artifact_target(), artifact::Target::kX86_64);
  std::unique_ptr<TextBuilder> text = (*isa)->NewTextBuilder(1);
  ASSERT_NE(text, nullptr);
  ir::Signature sig;
  sig.params = {ir::Type::kI64};
  ASSERT_TRUE(text->Append(0, (*isa)->WasmToArrayTrampoline(sig)).ok());
  Expected<TextSection> section = text->Finish();
  ASSERT_TRUE(section.ok());
  EXPECT_GT(section->bytes.size(), 0u);
}

TEST(TargetRegistry, FindsAarch64) {
  Expected<std::unique_ptr<TargetIsa>> isa = LookupTargetIsa("aarch64", "");
  ASSERT_TRUE(isa.ok()) << isa.error().message;
  EXPECT_EQ((*isa)->name(), "aarch64");
  EXPECT_EQ((*isa)->artifact_target(), artifact::Target::kAarch64);
  std::unique_ptr<TextBuilder> text = (*isa)->NewTextBuilder(1);
  ir::Signature sig;
  sig.params = {ir::Type::kI64, ir::Type::kI32, ir::Type::kF64};
  sig.results = {ir::Type::kF32};
  ASSERT_TRUE(text->Append(0, (*isa)->WasmToArrayTrampoline(sig)).ok());
  Expected<TextSection> section = text->Finish();
  ASSERT_TRUE(section.ok());
  EXPECT_EQ(section->bytes.size() % 4, 0u);
}

TEST(TargetRegistry, UnknownTargetsAndFeaturesAreErrors) {
  Expected<std::unique_ptr<TargetIsa>> a = LookupTargetIsa("riscv64");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("riscv64"), std::string::npos);
  EXPECT_FALSE(LookupTargetIsa("aarch64", "+nonsense").ok());
  EXPECT_FALSE(LookupTargetIsa("x86_64", "+nonsense").ok());
}

TEST(TargetRegistry, FeaturesOfTheOtherTargetAreErrorsSayingWhose) {
  Expected<std::unique_ptr<TargetIsa>> a = LookupTargetIsa("aarch64", "+lse,-lzcnt");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message,
            "target feature 'lzcnt' is an x86_64 feature, but the target is aarch64 (its "
            "features: lse, lse2, rcpc, fp16, dotprod, frintts, all)");
  Expected<std::unique_ptr<TargetIsa>> x = LookupTargetIsa("x86_64", "+all,+dotprod");
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.error().message.rfind("target feature 'dotprod' is an aarch64 feature, but the "
                                    "target is x86_64 (its features: sse4.1, lzcnt, bmi1, popcnt",
                                    0),
            0u)
      << x.error().message;
  EXPECT_TRUE(LookupTargetIsa("aarch64", "+all,-lse").ok());
  EXPECT_TRUE(LookupTargetIsa("x86_64", "+all,-popcnt").ok());
}

}  // namespace
}  // namespace egret::backend
