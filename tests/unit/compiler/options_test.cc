// options_test.cc: the typed compile options and their defaults policy (compiler/options.h).
#include "compiler/options.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "compiler/compiler.h"
#include "regalloc/allocator.h"

namespace egret::compiler {
namespace {

TEST(Options, EveryAllocatorNameIsOneTheAllocatorKnows) {
  const auto known = regalloc::AllocatorNames();
  for (const NamedValue<Allocator>& a : kAllocators) {
    EXPECT_NE(std::find(known.begin(), known.end(), a.name), known.end()) << a.name;
    Expected<Allocator> parsed = ParseAllocator(a.name);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, a.value);
    EXPECT_EQ(Name(a.value), a.name);
  }
}

TEST(Options, NamesRoundTrip) {
  for (const NamedValue<Target>& t : kTargets) {
    ASSERT_TRUE(ParseTarget(t.name).ok());
    EXPECT_EQ(*ParseTarget(t.name), t.value);
    EXPECT_EQ(Name(t.value), t.name);
  }
  for (const auto& l : kOptLevels) {
    ASSERT_TRUE(ParseOptLevel(l.name).ok());
    EXPECT_EQ(*ParseOptLevel(l.name), l.value);
    EXPECT_EQ(Name(l.value), l.name);
  }
}

TEST(Options, UnknownWordsListTheAcceptedOnes) {
  Expected<Allocator> a = ParseAllocator("greedy");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message,
            "unknown register allocator 'greedy' (known: fast, linear, backtrack)");
  Expected<OptLevel> l = ParseOptLevel("size");
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().message, "unknown opt level 'size' (known: none, speed)");
  Expected<Target> t = ParseTarget("riscv64");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "unknown target 'riscv64' (known: x86_64, aarch64)");
  EXPECT_EQ(Choices(kAllocators), "fast|linear|backtrack");
}

TEST(Options, DefaultsPolicy) {
  EXPECT_EQ(DefaultOptLevel(), OptLevel::kSpeed);
  EXPECT_EQ(DefaultAllocator(OptLevel::kNone), Allocator::kFast);
  EXPECT_EQ(DefaultAllocator(OptLevel::kSpeed), Allocator::kBacktrack);
  EXPECT_GE(DefaultJobs(), 1u);
  // CompileOptions starts from the same policy as the command line.
  CompileOptions o;
  EXPECT_EQ(o.opt_level, DefaultOptLevel());
  EXPECT_EQ(o.target, HostTarget());
  EXPECT_EQ(o.allocator(), Allocator::kBacktrack);
  EXPECT_EQ(o.worker_threads(), DefaultJobs());
  o.opt_level = OptLevel::kNone;
  EXPECT_EQ(o.allocator(), Allocator::kFast);  // the level picks unless one is given
  o.regalloc = Allocator::kLinear;
  EXPECT_EQ(o.allocator(), Allocator::kLinear);
  o.jobs = 3;
  EXPECT_EQ(o.worker_threads(), 3u);
}

}  // namespace
}  // namespace egret::compiler
