// machine_env_test.cc: the x64 register environment (abi.h, X64MachineEnv): every general
// register but rsp and rbp and every xmm register is allocatable, there is no scratch register,
// calls clobber r10, r11 and xmm15 like the other caller-saved registers, and random functions
// allocated over exactly this environment pass the checker with every allocator (move resolution
// without a scratch register: regalloc/parallel_move.h).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "backends/x64/abi.h"
#include "regalloc/allocator.h"
#include "regalloc/checker.h"
#include "regalloc/random_function.h"

namespace egret::x64 {
namespace {

using regalloc::PReg;
using regalloc::RegClass;

int Count(const regalloc::MachineEnv& env, RegClass cls) {
  const int c = static_cast<int>(cls);
  return static_cast<int>(env.preferred[c].size() + env.non_preferred[c].size());
}

TEST(X64MachineEnv, AllSixteenGprsButRspRbpAndAllXmmsAreAllocatable) {
  const regalloc::MachineEnv& env = X64MachineEnv();
  ASSERT_TRUE(env.Validate().ok());
  EXPECT_EQ(Count(env, RegClass::kInt), 14);
  EXPECT_EQ(Count(env, RegClass::kFloat), 16);
  EXPECT_FALSE(env.scratch[0].valid());
  EXPECT_FALSE(env.scratch[1].valid());
  regalloc::PRegSet all;
  for (int c = 0; c < regalloc::kNumRegClasses; ++c) {
    for (PReg r : env.preferred[c]) all.Add(r);
    for (PReg r : env.non_preferred[c]) all.Add(r);
  }
  EXPECT_TRUE(all.Contains(IntPReg(Gpr::kR10)));
  EXPECT_TRUE(all.Contains(IntPReg(Gpr::kR11)));
  EXPECT_TRUE(all.Contains(FloatPReg(Xmm::kXmm15)));
  EXPECT_FALSE(all.Contains(IntPReg(Gpr::kRsp)));
  EXPECT_FALSE(all.Contains(IntPReg(Gpr::kRbp)));
}

TEST(X64MachineEnv, CallsClobberEveryCallerSavedRegister) {
  const regalloc::PRegSet clobbers = CallClobbers();
  for (Gpr r : {Gpr::kRax, Gpr::kRcx, Gpr::kRdx, Gpr::kRsi, Gpr::kRdi, Gpr::kR8, Gpr::kR9,
                Gpr::kR10, Gpr::kR11})
    EXPECT_TRUE(clobbers.Contains(IntPReg(r))) << GprName(r, OpSize::k64);
  for (Gpr r : kCalleeSaved) EXPECT_FALSE(clobbers.Contains(IntPReg(r)));
  for (int x = 0; x < 16; ++x) EXPECT_TRUE(clobbers.Contains(FloatPReg(XmmFromEnc(x))));
}

// 10,000 random functions (EGRET_X64_ENV_PROPERTY_COUNT changes it) over the real x64
// environment, through every allocator and the checker.
TEST(X64MachineEnv, RandomFunctionsAllocateCorrectlyWithoutScratch) {
  const regalloc::MachineEnv& env = X64MachineEnv();
  const char* count_env = std::getenv("EGRET_X64_ENV_PROPERTY_COUNT");
  const uint64_t count = count_env ? std::strtoull(count_env, nullptr, 10) : 10000;
  for (std::string_view a : regalloc::AllocatorNames()) {
    int failures = 0;
    for (uint64_t seed = 0; seed < count && failures < 3; ++seed) {
      const regalloc::Function f = regalloc::RandomFunction(seed, env);
      ASSERT_TRUE(f.Validate(env).ok()) << f.Validate(env).error().message;
      regalloc::Options options;
      options.algorithm = std::string(a);
      options.run_checker = false;  // checked below, to name the seed
      Expected<regalloc::Output> out = regalloc::Allocate(f, env, options);
      ASSERT_TRUE(out.ok()) << a << " seed " << seed << ": " << out.error().message;
      const Status s = regalloc::CheckAllocation(f, env, *out);
      if (!s.ok()) {
        ++failures;
        ADD_FAILURE() << a << " seed " << seed << ": " << s.error().message << "\n"
                      << f.ToString() << out->ToString();
      }
    }
  }
}

}  // namespace
}  // namespace egret::x64
