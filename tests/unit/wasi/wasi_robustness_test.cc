// wasi_robustness_test.cc: every host function, called with adversarial arguments (pointers at
// and past the end of memory, lengths that wrap, huge counts, random bytes as paths and
// structures), returns an errno and never touches host memory outside linear memory.
//
// The guest memory sits between two canary regions inside one host allocation; after each call
// the canaries must be intact (this catches writes by the kernel, e.g. readv, as well as by host
// code), and ASan catches reads. The argument values come from a fixed-seed generator, so a
// failure reproduces.
#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "tests/unit/wasi/wasi_fixture.h"

namespace egret::wasi::testing {
namespace {

constexpr size_t kCanary = 4096;
constexpr uint8_t kCanaryByte = 0xA5;

class RobustnessTest : public WasiFixture {
 protected:
  void Customize(WasiConfig& config) override {
    // Nothing drains the pipes here: write to /dev/null so fd_write never blocks, and read from
    // a pipe whose writer is closed so fd_read returns end-of-file at once.
    devnull_ = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    config.stdout_fd = devnull_;
    config.stderr_fd = devnull_;
    ::close(stdin_pipe_[1]);
    stdin_pipe_[1] = -1;
    config_ = config;
  }
  void TearDown() override {
    WasiFixture::TearDown();
    if (devnull_ >= 0) ::close(devnull_);
  }

  int devnull_ = -1;
  WasiConfig config_;
};

// Where the test plants valid-looking paths and iovec arrays in guest memory.
constexpr uint32_t kPaths = 0x100;
constexpr uint32_t kIovecs = 0x200;

// Values a hostile guest would pick for an i32 argument; the first argument is often an fd.
uint64_t Interesting32(std::mt19937_64& rng, uint32_t memory_size, size_t index) {
  static constexpr uint32_t kFixed[] = {
      0, 1, 3, 4, 8, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFF8, 0x20000000, 0x10000000};
  if (index == 0 && rng() % 2) return rng() % 8;
  switch (rng() % 8) {
    case 6:
      return kPaths + rng() % 14;  // somewhere in "f\0d\0..\0d/../f\0"
    case 7:
      return kIovecs + 8 * (rng() % 16);  // a suffix of a plausible iovec array
    case 0:
      return kFixed[rng() % std::size(kFixed)];
    case 1:
      return memory_size - (rng() % 64);  // just inside or at the end
    case 2:
      return memory_size + (rng() % 64);  // just past the end
    case 3:
      return rng() % 16;  // small: fds, flags, counts
    case 4:
      return rng() % memory_size;
    case 5:
      return static_cast<uint32_t>(rng());
    default:
      return rng() % 16;
  }
}

uint64_t Interesting64(std::mt19937_64& rng) {
  static constexpr uint64_t kFixed[] = {
      0, 1, 1ull << 63, UINT64_MAX, (1ull << 63) - 1, 0xFFFFFFFF, 1000000};
  return rng() % 2 ? kFixed[rng() % std::size(kFixed)] : rng() % 4096;
}

TEST_F(RobustnessTest, AdversarialArgumentsNeverEscapeLinearMemory) {
  // Functions that could block or consume unbounded host resources with arbitrary arguments
  // (sleeping in poll_oneoff, fd_allocate reserving gigabytes) have their own tests.
  const std::set<std::string_view> skip = {"poll_oneoff", "fd_allocate"};
  // Some structure to point into: a few files and directories, and an iovec array.
  WriteHostFile(sandbox_ + "/f", "contents");
  ASSERT_EQ(::mkdir((sandbox_ + "/d").c_str(), 0755), 0);

  const uint32_t size = kMemorySize;
  std::vector<uint8_t> host(kCanary + size + kCanary, kCanaryByte);
  uint8_t* base = host.data() + kCanary;
  std::mt19937_64 rng(20261121);
  // Random guest contents, with a few valid-looking paths and iovecs sprinkled in.
  for (uint32_t i = 0; i < size; ++i) base[i] = static_cast<uint8_t>(rng());
  std::memcpy(base + kPaths, "f\0d\0..\0d/../f\0", 14);
  for (uint32_t i = 0; i < 16; ++i) {
    uint32_t rec[2] = {static_cast<uint32_t>(rng() % size), static_cast<uint32_t>(rng() % 256)};
    std::memcpy(base + kIovecs + 8 * i, rec, 8);
  }
  GuestMemory guest(base, size);

  const std::vector<uint8_t> canary(kCanary, kCanaryByte);
  std::map<std::string, int> succeeded;
  int calls = 0;
  for (int round = 0; round < 600; ++round) {
    // A fresh fd table now and then: random fd_close/fd_renumber calls empty it quickly.
    if (round % 10 == 0) {
      ctx_.reset();
      auto ctx = WasiCtx::Create(config_);
      ASSERT_TRUE(ctx.ok());
      ctx_ = std::move(*ctx);
    }
    for (const WasiFunction& f : WasiFunctions()) {
      if (skip.count(f.name)) continue;
      uint64_t args[16] = {};
      for (size_t i = 0; i < f.params.size(); ++i) {
        args[i] =
            f.params[i] == WasiValType::kI32 ? Interesting32(rng, size, i) : Interesting64(rng);
      }
      uint32_t r = f.fn(*ctx_, guest, args);
      ++calls;
      if (f.name == "proc_exit") {
        EXPECT_EQ(r, kProcExit);
      } else {
        EXPECT_LE(r, static_cast<uint32_t>(Errno::kNotCapable)) << f.name;
      }
      ASSERT_EQ(std::memcmp(host.data(), canary.data(), kCanary), 0)
          << f.name << " wrote below linear memory";
      ASSERT_EQ(std::memcmp(host.data() + kCanary + size, canary.data(), kCanary), 0)
          << f.name << " wrote past linear memory";
      if (r == kOk) ++succeeded[std::string(f.name)];
    }
  }
  EXPECT_GT(calls, 5000);
  // The arguments are not all rejected up front: most functions get past the checks sometimes.
  for (const char* name : {"fd_write", "fd_read", "fd_fdstat_get", "fd_filestat_get", "args_get",
                           "random_get", "clock_time_get", "fd_prestat_get"}) {
    EXPECT_GT(succeeded[name], 0) << name;
  }
  // The sandbox's parent is untouched whatever the random paths did.
  EXPECT_EQ(ReadHostFile(root_ + "/outside/secret.txt"), "secret");
  std::set<std::string> top;
  for (const auto& entry : std::filesystem::directory_iterator(root_)) {
    top.insert(entry.path().filename().string());
  }
  EXPECT_EQ(top, (std::set<std::string>{"outside", "sandbox"}));
}

}  // namespace
}  // namespace egret::wasi::testing
