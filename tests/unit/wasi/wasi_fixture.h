// wasi_fixture.h: a simulated guest for the WASI unit tests.
//
// Each test gets a fresh temporary directory laid out as
//   <tmp>/sandbox/            preopened as guest fd 3 under the name "/sandbox"
//   <tmp>/outside/secret.txt  a file the guest must never reach
// a 64 KiB std::vector standing in for linear memory, and pipes in place of stdin/stdout, so
// tests can feed input and read output. Host functions are called through the registration
// table by name, exactly as the runtime will, which also checks each call's arity.
#ifndef EGRET_TESTS_UNIT_WASI_WASI_FIXTURE_H_
#define EGRET_TESTS_UNIT_WASI_WASI_FIXTURE_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/wasi/guest_memory.h"
#include "runtime/wasi/wasi_abi.h"
#include "runtime/wasi/wasi_ctx.h"
#include "runtime/wasi/wasi_functions.h"

namespace egret::wasi::testing {

inline uint32_t E(Errno e) { return static_cast<uint16_t>(e); }
inline constexpr uint32_t kOk = 0;
inline constexpr uint32_t kPreopenFd = 3;
inline constexpr size_t kMemorySize = 65536;

class WasiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    // Bazel gives each test its own TEST_TMPDIR; elsewhere /tmp.
    const char* tmp = ::getenv("TEST_TMPDIR");
    std::string tmpl =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/egret-wasi-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    sandbox_ = root_ + "/sandbox";
    ASSERT_EQ(::mkdir(sandbox_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root_ + "/outside").c_str(), 0755), 0);
    WriteHostFile(root_ + "/outside/secret.txt", "secret");
    ASSERT_EQ(::pipe(stdin_pipe_), 0);
    ASSERT_EQ(::pipe(stdout_pipe_), 0);
    memory_.assign(kMemorySize, 0);
    WasiConfig config;
    config.args = {"prog", "hello", "wörld"};
    config.env = {"HOME=/sandbox", "EMPTY="};
    config.preopens = {Preopen{sandbox_, "/sandbox"}};
    config.stdin_fd = stdin_pipe_[0];
    config.stdout_fd = stdout_pipe_[1];
    config.stderr_fd = stdout_pipe_[1];
    Customize(config);
    auto ctx = WasiCtx::Create(std::move(config));
    ASSERT_TRUE(ctx.ok()) << ctx.error().ToString();
    ctx_ = std::move(*ctx);
  }

  void TearDown() override {
    ctx_.reset();
    for (int fd : {stdin_pipe_[0], stdin_pipe_[1], stdout_pipe_[0], stdout_pipe_[1]}) {
      if (fd >= 0) ::close(fd);
    }
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  // Lets a test adjust the configuration before the context is created.
  virtual void Customize(WasiConfig&) {}

  GuestMemory mem() { return GuestMemory(memory_.data(), memory_.size()); }

  // Calls a preview1 function through the registration table.
  uint32_t Call(std::string_view name, std::initializer_list<uint64_t> args) {
    const WasiFunction* f = FindWasiFunction(name);
    EXPECT_NE(f, nullptr) << name;
    if (f == nullptr) return UINT32_MAX;
    EXPECT_EQ(args.size(), f->params.size()) << name;
    std::vector<uint64_t> a(args);
    a.resize(16, 0);
    return f->fn(*ctx_, mem(), a.data());
  }

  // Guest memory helpers.
  uint32_t Put(uint32_t at, std::string_view s) {
    std::memcpy(memory_.data() + at, s.data(), s.size());
    return static_cast<uint32_t>(s.size());
  }
  std::string Get(uint32_t at, uint32_t len) {
    return std::string(reinterpret_cast<const char*>(memory_.data() + at), len);
  }
  template <class T>
  T Load(uint32_t at) {
    T v;
    std::memcpy(&v, memory_.data() + at, sizeof(T));
    return v;
  }
  template <class T>
  void Store(uint32_t at, T v) {
    std::memcpy(memory_.data() + at, &v, sizeof(T));
  }
  // Writes one iovec {buf, len} at `at`.
  void Iovec(uint32_t at, uint32_t buf, uint32_t len) {
    Store<uint32_t>(at, buf);
    Store<uint32_t>(at + 4, len);
  }

  // path_open beneath the preopen; returns the errno and stores the new fd in *fd.
  uint32_t Open(std::string_view path, uint32_t oflags, uint64_t rights, uint32_t* fd,
                uint32_t lookup = kLookupSymlinkFollow, uint32_t fdflags = 0) {
    uint32_t len = Put(kPathBuf, path);
    uint32_t r = Call("path_open", {kPreopenFd, lookup, kPathBuf, len, oflags, rights, rights::kAll,
                                    fdflags, kFdOut});
    *fd = Load<uint32_t>(kFdOut);
    return r;
  }
  // Writes `text` through fd_write on a guest fd.
  uint32_t Write(uint32_t fd, std::string_view text) {
    Put(kDataBuf, text);
    Iovec(kIovBuf, kDataBuf, static_cast<uint32_t>(text.size()));
    return Call("fd_write", {fd, kIovBuf, 1, kResult});
  }
  // Reads up to `max` bytes through fd_read; returns what was read, "" on error.
  std::string Read(uint32_t fd, uint32_t max) {
    Iovec(kIovBuf, kDataBuf, max);
    if (Call("fd_read", {fd, kIovBuf, 1, kResult}) != kOk) return "<error>";
    return Get(kDataBuf, Load<uint32_t>(kResult));
  }

  // Host-side helpers.
  static void WriteHostFile(const std::string& path, std::string_view text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  static std::string ReadHostFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static bool HostExists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
  }
  // Everything written to the guest's stdout so far (non-blocking drain).
  std::string DrainStdout() {
    ::fcntl(stdout_pipe_[0], F_SETFL, O_NONBLOCK);
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = ::read(stdout_pipe_[0], buf, sizeof(buf))) > 0) out.append(buf, n);
    return out;
  }

  // Fixed guest addresses used by the helpers; tests use others freely.
  static constexpr uint32_t kPathBuf = 0x1000;
  static constexpr uint32_t kFdOut = 0x0ff0;
  static constexpr uint32_t kResult = 0x0ff8;
  static constexpr uint32_t kIovBuf = 0x2000;
  static constexpr uint32_t kDataBuf = 0x3000;

  std::string root_, sandbox_;
  int stdin_pipe_[2] = {-1, -1};
  int stdout_pipe_[2] = {-1, -1};
  std::vector<uint8_t> memory_;
  std::unique_ptr<WasiCtx> ctx_;
};

}  // namespace egret::wasi::testing

#endif  // EGRET_TESTS_UNIT_WASI_WASI_FIXTURE_H_
