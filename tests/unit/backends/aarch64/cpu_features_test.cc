// cpu_features_test.cc: the aarch64 feature set: detection agrees with the kernel's own report,
// and the +feat/-feat parser accepts every name and refuses anything else with a message naming it.
#include "backends/aarch64/cpu_features.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace egret::aarch64 {
namespace {

#if defined(__aarch64__) && defined(__linux__)
// The kernel's names in /proc/cpuinfo's "Features" line, or nothing (qemu-user shows the host's
// /proc/cpuinfo, which has no such line).
std::set<std::string> ProcCpuinfoFeatures() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Features", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    std::set<std::string> names;
    for (std::string w; words >> w;) names.insert(w);
    return names;
  }
  return {};
}
#endif

TEST(A64CpuFeatures, DetectMatchesTheKernel) {
  const CpuFeatures f = CpuFeatures::Detect();
#if defined(__aarch64__) && defined(__linux__)
  const std::set<std::string> cpuinfo = ProcCpuinfoFeatures();
  if (!cpuinfo.empty()) {
    EXPECT_EQ(f.lse, cpuinfo.contains("atomics"));
    EXPECT_EQ(f.lse2, cpuinfo.contains("uscat"));
    EXPECT_EQ(f.rcpc, cpuinfo.contains("lrcpc"));
    EXPECT_EQ(f.fp16, cpuinfo.contains("fphp") && cpuinfo.contains("asimdhp"));
    EXPECT_EQ(f.dotprod, cpuinfo.contains("asimddp"));
    EXPECT_EQ(f.frintts, cpuinfo.contains("frint"));
  } else {
    const unsigned long hwcap = getauxval(AT_HWCAP);
    EXPECT_EQ(f.lse, (hwcap & HWCAP_ATOMICS) != 0);
    EXPECT_EQ(f.rcpc, (hwcap & HWCAP_LRCPC) != 0);
    EXPECT_EQ(f.dotprod, (hwcap & HWCAP_ASIMDDP) != 0);
    EXPECT_EQ(f.frintts, (getauxval(AT_HWCAP2) & HWCAP2_FRINT) != 0);
  }
#else
  EXPECT_EQ(f, CpuFeatures::Baseline());
#endif
  Expected<CpuFeatures> back = CpuFeatures::Parse(f.ToString());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, f);
}

TEST(A64CpuFeatures, ParseAppliesItemsInOrder) {
  EXPECT_EQ(CpuFeatures::Parse("")->ToString(), CpuFeatures::Baseline().ToString());
  EXPECT_EQ(*CpuFeatures::Parse("+all"), CpuFeatures::All());
  EXPECT_EQ(*CpuFeatures::Parse("-all", CpuFeatures::All()), CpuFeatures::Baseline());
  Expected<CpuFeatures> some = CpuFeatures::Parse("+all,-fp16,,-lse2");
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(some->ToString(), "+lse,-lse2,+rcpc,-fp16,+dotprod,+frintts");
  for (std::string_view name : CpuFeatures::Names()) {
    Expected<CpuFeatures> one = CpuFeatures::Parse("+" + std::string(name));
    ASSERT_TRUE(one.ok()) << name;
    EXPECT_NE(*one, CpuFeatures::Baseline()) << name;
    EXPECT_EQ(*CpuFeatures::Parse("-" + std::string(name), *one), CpuFeatures::Baseline());
  }
  EXPECT_EQ(CpuFeatures::Names().size(), 6u);
}

TEST(A64CpuFeatures, BadItemsAreErrorsNamingThem) {
  Expected<CpuFeatures> unknown = CpuFeatures::Parse("+lse,+sve2");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown aarch64 target feature 'sve2'"),
            std::string::npos);
  EXPECT_NE(unknown.error().message.find("known: lse, lse2"), std::string::npos);
  Expected<CpuFeatures> unsigned_item = CpuFeatures::Parse("fp16");
  ASSERT_FALSE(unsigned_item.ok());
  EXPECT_NE(unsigned_item.error().message.find("'fp16' must start with + or -"), std::string::npos);
  EXPECT_FALSE(CpuFeatures::Parse("+").ok());
}

}  // namespace
}  // namespace egret::aarch64
