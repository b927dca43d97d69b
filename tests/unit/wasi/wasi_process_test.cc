// wasi_process_test.cc: args, environ, clocks, random_get, proc_exit, sched_yield, and the
// context's configuration (preopen specs, stdio injection).
#include <time.h>

#include "tests/unit/wasi/wasi_fixture.h"

namespace egret::wasi::testing {
namespace {

class ProcessTest : public WasiFixture {};

TEST_F(ProcessTest, ArgsSizesAndContents) {
  ASSERT_EQ(Call("args_sizes_get", {0x100, 0x104}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x100), 3u);
  // "prog\0hello\0wörld\0": ö is two bytes in UTF-8.
  EXPECT_EQ(Load<uint32_t>(0x104), 5u + 6u + 7u);
  ASSERT_EQ(Call("args_get", {0x200, 0x300}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x200), 0x300u);
  EXPECT_EQ(Load<uint32_t>(0x204), 0x305u);
  EXPECT_EQ(Load<uint32_t>(0x208), 0x30Bu);
  EXPECT_EQ(Get(0x300, 18), std::string("prog\0hello\0w\xC3\xB6rld\0", 18));
}

TEST_F(ProcessTest, EnvironSizesAndContents) {
  ASSERT_EQ(Call("environ_sizes_get", {0x100, 0x104}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x100), 2u);
  EXPECT_EQ(Load<uint32_t>(0x104), 14u + 7u);
  ASSERT_EQ(Call("environ_get", {0x200, 0x300}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x204), 0x300u + 14);
  EXPECT_EQ(Get(0x300, 21), std::string("HOME=/sandbox\0EMPTY=\0", 21));
}

TEST_F(ProcessTest, ArgsBadPointersAreEfaultAndWriteNothing) {
  const uint32_t end = kMemorySize;
  EXPECT_EQ(Call("args_sizes_get", {end - 2, 0x104}), E(Errno::kFault));
  EXPECT_EQ(Call("args_sizes_get", {0x100, 0xFFFFFFFFu}), E(Errno::kFault));
  // The string buffer needs 18 bytes; 17 fit.
  EXPECT_EQ(Call("args_get", {0x200, end - 17}), E(Errno::kFault));
  EXPECT_EQ(Load<uint32_t>(0x200), 0u);  // the pointer array was not written either
  EXPECT_EQ(Call("args_get", {end - 8, 0x300}), E(Errno::kFault));  // 3 pointers need 12
  EXPECT_EQ(Call("args_get", {0x200, end - 18}), kOk);              // exactly fits
  EXPECT_EQ(Call("environ_get", {0xFFFFFFF0u, 0x300}), E(Errno::kFault));
  EXPECT_EQ(Call("environ_sizes_get", {0x100, end}), E(Errno::kFault));
}

TEST_F(ProcessTest, ClockTimeMatchesHostClocks) {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t before = ts.tv_sec * 1000000000ull + ts.tv_nsec;
  ASSERT_EQ(Call("clock_time_get", {kClockMonotonic, 1, 0x100}), kOk);
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t after = ts.tv_sec * 1000000000ull + ts.tv_nsec;
  uint64_t t = Load<uint64_t>(0x100);
  EXPECT_LE(before, t);
  EXPECT_LE(t, after);

  ASSERT_EQ(Call("clock_time_get", {kClockRealtime, 0, 0x108}), kOk);
  EXPECT_GT(Load<uint64_t>(0x108), 1600000000ull * 1000000000ull);  // after 2020
  EXPECT_EQ(Call("clock_time_get", {kClockProcessCputime, 0, 0x110}), kOk);
  EXPECT_EQ(Call("clock_time_get", {kClockThreadCputime, 0, 0x110}), kOk);
  EXPECT_EQ(Call("clock_time_get", {4, 0, 0x110}), E(Errno::kInval));
  EXPECT_EQ(Call("clock_time_get", {kClockMonotonic, 0, kMemorySize - 4}), E(Errno::kFault));
}

TEST_F(ProcessTest, ClockRes) {
  ASSERT_EQ(Call("clock_res_get", {kClockMonotonic, 0x100}), kOk);
  EXPECT_GT(Load<uint64_t>(0x100), 0u);
  EXPECT_LE(Load<uint64_t>(0x100), 1000000000u);
  EXPECT_EQ(Call("clock_res_get", {99, 0x100}), E(Errno::kInval));
  EXPECT_EQ(Call("clock_res_get", {kClockRealtime, kMemorySize}), E(Errno::kFault));
}

TEST_F(ProcessTest, RandomGetFillsExactlyTheBuffer) {
  ASSERT_EQ(Call("random_get", {0x1000, 256}), kOk);
  int nonzero = 0;
  for (int i = 0; i < 256; ++i) nonzero += memory_[0x1000 + i] != 0;
  EXPECT_GT(nonzero, 200);  // 256 random bytes with fewer than 200 non-zero: p < 1e-40
  EXPECT_EQ(memory_[0x1000 + 256], 0);
  EXPECT_EQ(memory_[0x0fff], 0);
  EXPECT_EQ(Call("random_get", {0x1000, 0}), kOk);
  EXPECT_EQ(Call("random_get", {kMemorySize - 10, 11}), E(Errno::kFault));
  EXPECT_EQ(Call("random_get", {10, 0xFFFFFFFFu}), E(Errno::kFault));
}

TEST_F(ProcessTest, ProcExitReportsTheStatusAsADistinctOutcome) {
  EXPECT_FALSE(ctx_->exit_code().has_value());
  EXPECT_EQ(Call("proc_exit", {42}), kProcExit);
  ASSERT_TRUE(ctx_->exit_code().has_value());
  EXPECT_EQ(*ctx_->exit_code(), 42u);
  static_assert(kProcExit > 0xFFFF, "must not collide with an errno");
}

TEST_F(ProcessTest, SchedYield) { EXPECT_EQ(Call("sched_yield", {}), kOk); }

TEST(WasiCtxConfig, ParsePreopen) {
  auto p = ParsePreopen("/tmp/x::/data");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host_path, "/tmp/x");
  EXPECT_EQ(p->guest_path, "/data");
  auto same = ParsePreopen("dir");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->guest_path, "dir");
  EXPECT_FALSE(ParsePreopen("::/data").ok());
  EXPECT_FALSE(ParsePreopen("/tmp::").ok());
  EXPECT_FALSE(ParsePreopen("").ok());
}

TEST(WasiCtxConfig, MissingPreopenDirectoryIsAnError) {
  WasiConfig config;
  config.preopens = {Preopen{"/nonexistent/egret-wasi", "/x"}};
  auto ctx = WasiCtx::Create(std::move(config));
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.error().message.find("/nonexistent/egret-wasi"), std::string::npos);
}

TEST(WasiCtxConfig, ClosedStdioSlotIsReusedFirst) {
  WasiConfig config;
  config.stdin_fd = -1;
  auto ctx = WasiCtx::Create(std::move(config));
  ASSERT_TRUE(ctx.ok());
  EXPECT_EQ((*ctx)->Get(0), nullptr);
  ASSERT_NE((*ctx)->Get(1), nullptr);
  EXPECT_FALSE((*ctx)->Get(1)->owned);
  FdEntry e;
  e.owned = false;
  EXPECT_EQ((*ctx)->Insert(std::move(e)), 0u);
}

}  // namespace
}  // namespace egret::wasi::testing
