// cpu_features_test.cc: feature detection agrees with the compiler's own cpuid probe, and the
// +feat/-feat parser can force every fallback.
#include "backends/x64/cpu_features.h"

#include <gtest/gtest.h>

namespace egret::x64 {
namespace {

TEST(X64CpuFeatures, DetectMatchesCompilerBuiltins) {
  const CpuFeatures f = CpuFeatures::Detect();
#if defined(__x86_64__)
  __builtin_cpu_init();
  EXPECT_EQ(f.sse41, __builtin_cpu_supports("sse4.1") != 0);
  EXPECT_EQ(f.sse42, __builtin_cpu_supports("sse4.2") != 0);
  EXPECT_EQ(f.popcnt, __builtin_cpu_supports("popcnt") != 0);
  EXPECT_EQ(f.bmi1, __builtin_cpu_supports("bmi") != 0);
  EXPECT_EQ(f.bmi2, __builtin_cpu_supports("bmi2") != 0);
  EXPECT_EQ(f.avx, __builtin_cpu_supports("avx") != 0);
#else
  EXPECT_EQ(f, CpuFeatures::Baseline());
#endif
}

TEST(X64CpuFeatures, ParseForcesFallbacks) {
  Expected<CpuFeatures> none = CpuFeatures::Parse("-all", CpuFeatures::All());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, CpuFeatures::Baseline());

  Expected<CpuFeatures> some = CpuFeatures::Parse("+all,-lzcnt,-bmi1");
  ASSERT_TRUE(some.ok());
  EXPECT_TRUE(some->sse41);
  EXPECT_TRUE(some->popcnt);
  EXPECT_FALSE(some->lzcnt);
  EXPECT_FALSE(some->bmi1);
  EXPECT_TRUE(some->avx);
  EXPECT_EQ(some->ToString(), "+sse4.1,-lzcnt,-bmi1,+popcnt,+avx,+bmi2,+sse4.2");
  Expected<CpuFeatures> no_avx = CpuFeatures::Parse("+all,-avx");
  ASSERT_TRUE(no_avx.ok());
  EXPECT_FALSE(no_avx->avx);
  EXPECT_TRUE(no_avx->sse41);

  // ToString() parses back to the same set.
  Expected<CpuFeatures> again = CpuFeatures::Parse(some->ToString());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *some);
}

TEST(X64CpuFeatures, ParseErrorsNameTheFeature) {
  Expected<CpuFeatures> bad = CpuFeatures::Parse("+sse4.1,+avx512");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("avx512"), std::string::npos);
  Expected<CpuFeatures> no_sign = CpuFeatures::Parse("popcnt");
  ASSERT_FALSE(no_sign.ok());
  EXPECT_NE(no_sign.error().message.find("+ or -"), std::string::npos);
}

}  // namespace
}  // namespace egret::x64
