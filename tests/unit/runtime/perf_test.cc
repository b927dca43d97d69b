// Timing figures for docs/runtime.md, not correctness tests: disabled by default. Run them on a
// Release build with
//   build/tests/runtime_test --gtest_also_run_disabled_tests --gtest_filter='RuntimePerf.*'
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "artifact/artifact_reader.h"
#include "artifact/artifact_writer.h"
#include "runtime/linear_memory.h"
#include "runtime/trap_handler.h"
#include "tests/unit/runtime/a64_encoding.h"
#include "tests/unit/runtime/test_module.h"

namespace egret::runtime {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

TEST(RuntimePerf, DISABLED_ReadArtifact) {
  // A large module: 20k functions in 4 MiB of text, a trap entry every 16 bytes.
  artifact::Artifact a;
  a.types = {artifact::FuncType{}};
  a.text.assign(4 << 20, 0x90);
  for (uint32_t f = 0; f < 20000; ++f)
    a.functions.push_back({0, {f * 200, 180}, {f * 200 + 180, 20}});
  for (uint32_t off = 0; off < 20000 * 200; off += 16)  // inside the functions' code
    a.traps.push_back({off, TrapCode::kHeapOutOfBounds});
  for (uint32_t f = 0; f < 20000; ++f) a.function_names.push_back({f, "func" + std::to_string(f)});
  const auto bytes = artifact::WriteArtifact(a);
  const int kRounds = 20;
  auto t0 = Clock::now();
  for (int i = 0; i < kRounds; ++i) ASSERT_TRUE(artifact::ReadArtifact(bytes).ok());
  const double s = SecondsSince(t0) / kRounds;
  std::printf("ReadArtifact: %.1f MiB file, %zu traps, %zu functions: %.2f ms (%.0f MiB/s)\n",
              bytes.size() / 1048576.0, a.traps.size(), a.functions.size(), s * 1e3,
              bytes.size() / 1048576.0 / s);
}

TEST(RuntimePerf, DISABLED_CallAndTrap) {
  testing::TestModuleBuilder b;
#if defined(__x86_64__)
  const uint32_t ret = b.Add("ret", {0xC3});
  const uint32_t ud2 = b.Add("ud2", {0x0F, 0x0B}, {{0, TrapCode::kUnreachable}});
#else
  const uint32_t ret = b.Add("ret", testing::a64::Bytes({testing::a64::Ret()}));
  const uint32_t ud2 =
      b.Add("ud2", testing::a64::Bytes({testing::a64::Udf(0)}), {{0, TrapCode::kUnreachable}});
#endif
  auto m = b.Load();
  auto ret_fn = m->Entry<void (*)()>(ret);
  auto ud2_fn = m->Entry<void (*)()>(ud2);
  const int kCalls = 2'000'000;
  auto t0 = Clock::now();
  for (int i = 0; i < kCalls; ++i) ASSERT_FALSE(CallWithTrapHandling([&] { ret_fn(); }));
  const double call_ns = SecondsSince(t0) / kCalls * 1e9;
  const int kTraps = 100'000;
  t0 = Clock::now();
  for (int i = 0; i < kTraps; ++i) ASSERT_TRUE(CallWithTrapHandling([&] { ud2_fn(); }));
  const double trap_us = SecondsSince(t0) / kTraps * 1e6;
  std::printf(
      "CallWithTrapHandling: %.1f ns per call; trap round trip (SIGILL, symbolized): "
      "%.2f us\n",
      call_ns, trap_us);
}

TEST(RuntimePerf, DISABLED_MemoryCreateGrow) {
  const int kRounds = 2000;
  auto t0 = Clock::now();
  for (int i = 0; i < kRounds; ++i) {
    auto mem = LinearMemory::Create({{1, {}}, false, false});
    ASSERT_TRUE(mem.ok());
    ASSERT_EQ((*mem)->Grow(15), 1);
  }
  std::printf("LinearMemory create (8 GiB reservation) + grow + destroy: %.1f us\n",
              SecondsSince(t0) / kRounds * 1e6);
}

}  // namespace
}  // namespace egret::runtime
