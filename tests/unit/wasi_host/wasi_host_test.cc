// wasi_host_test.cc: the WASI glue end to end: .wat -> wat2wasm -> compiler -> runtime, with
// wasi_snapshot_preview1 defined by WasiHost, stdout injected as a pipe.
//
// Checks what only the glue can get wrong: the Wasm types of the imports, argument slots reaching
// the functions, the errno result, guest memory bound after instantiation and re-read after
// memory.grow, proc_exit unwinding without a trap, traps still reported as traps. Tests are
// skipped when wat2wasm is not installed.
#include "runtime/wasi/wasi_host.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "compiler/compiler.h"
#include "runtime/engine.h"
#include "runtime/host_target.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"

namespace egret {
namespace {

std::vector<uint8_t> Wat2Wasm(const std::string& wat) {
  char dir[] = "/tmp/egret_wasi_host_XXXXXX";
  if (mkdtemp(dir) == nullptr) return {};
  const std::string in = std::string(dir) + "/m.wat", out = std::string(dir) + "/m.wasm";
  {
    std::ofstream f(in);
    f << wat;
  }
  const std::string cmd = "wat2wasm " + in + " -o " + out + " 2>&1";
  std::vector<uint8_t> bytes;
  if (std::system(cmd.c_str()) == 0) {
    std::ifstream f(out, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  std::remove(in.c_str());
  std::remove(out.c_str());
  rmdir(dir);
  return bytes;
}

constexpr char kImports[] = R"(
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
)";

class WasiHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("wat2wasm --version > /dev/null 2>&1") != 0)
      GTEST_SKIP() << "wat2wasm not installed";
    const std::string_view host = artifact::TargetName(runtime::HostTarget());
    // They compile for x86_64 (the feature strings below are x64's), so the host must be it.
    const std::string target = "x86_64";
    if (host != target)
      GTEST_SKIP() << "runs code compiled for " << target << " (these tests' target), "
                   << "which this " << host << " host cannot execute";
    ASSERT_EQ(pipe(pipe_), 0);
    // Non-blocking read end: ReadStdout drains what is there without waiting.
    ASSERT_EQ(fcntl(pipe_[0], F_SETFL, O_NONBLOCK), 0);
  }
  void TearDown() override {
    if (pipe_[0] >= 0) close(pipe_[0]);
    if (pipe_[1] >= 0) close(pipe_[1]);
  }

  // Compiles `body` (module fields after the standard imports) and instantiates it with WASI.
  void Load(const std::string& body, std::vector<std::string> args = {"prog"}) {
    std::vector<uint8_t> wasm = Wat2Wasm("(module " + std::string(kImports) + body + ")");
    ASSERT_FALSE(wasm.empty()) << "wat2wasm failed";
    compiler::CompileOptions o;
    o.target = compiler::Target::kX86_64;
    o.regalloc_checker = true;
    Expected<compiler::CompileResult> r = compiler::CompileBytes(wasm, "test.wasm", o);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    auto m = runtime::Module::FromArtifact(engine_, std::move(r->artifact));
    ASSERT_TRUE(m.ok()) << m.error().ToString();
    wasi::WasiConfig config;
    config.args = std::move(args);
    config.stdout_fd = pipe_[1];
    auto host = wasi::WasiHost::Create(std::move(config));
    ASSERT_TRUE(host.ok()) << host.error().ToString();
    host_ = std::move(*host);
    linker_ = runtime::Linker();
    store_ = std::make_unique<runtime::Store>(engine_);
    ASSERT_TRUE(host_->Define(linker_, *store_).ok());
    auto inst = linker_.Instantiate(*store_, *m);
    ASSERT_TRUE(inst.ok()) << inst.error().ToString();
    instance_ = *inst;
    host_->Bind(*instance_);
  }

  std::string ReadStdout() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = read(pipe_[0], buf, sizeof buf)) > 0) out.append(buf, size_t(n));
    return out;
  }

  int32_t CallI32(const std::string& name) {
    Expected<runtime::CallResult> r = store_->Call(instance_->GetFunc(name), {});
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r->trap || r->results.size() != 1) {
      ADD_FAILURE() << name << " trapped or returned no i32";
      return -1;
    }
    return r->results[0].i32();
  }

  int pipe_[2] = {-1, -1};
  runtime::Engine engine_;
  runtime::Linker linker_;
  std::unique_ptr<wasi::WasiHost> host_;
  std::unique_ptr<runtime::Store> store_;
  runtime::Instance* instance_ = nullptr;
};

// A _start that writes "hi\n" from address 64 and returns.
constexpr char kHello[] = R"(
  (memory (export "memory") 1)
  (data (i32.const 64) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))";

TEST_F(WasiHostTest, StartWritesToStdoutAndExitsZero) {
  Load(kHello);
  Expected<wasi::CommandOutcome> out = host_->RunStart(*store_, *instance_);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_FALSE(out->trap);
  EXPECT_EQ(out->exit_code, 0u);
  EXPECT_EQ(ReadStdout(), "hi\n");
}

TEST_F(WasiHostTest, ProcExitUnwindsWithItsStatusAndNoTrap) {
  Load(R"(
    (memory (export "memory") 1)
    (global $after (export "after") (mut i32) (i32.const 0))
    (func (export "_start")
      (call $proc_exit (i32.const 7))
      (global.set $after (i32.const 1))))");
  Expected<wasi::CommandOutcome> out = host_->RunStart(*store_, *instance_);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_FALSE(out->trap);
  EXPECT_EQ(out->exit_code, 7u);
  // No Wasm code ran after proc_exit.
  EXPECT_EQ(instance_->GetExport("after")->global.Get().i32(), 0);
}

TEST_F(WasiHostTest, TrapsAreReportedAsTraps) {
  Load(R"((memory (export "memory") 1) (func (export "_start") unreachable))");
  Expected<wasi::CommandOutcome> out = host_->RunStart(*store_, *instance_);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out->trap);
  EXPECT_EQ(out->trap->code, TrapCode::kUnreachable);
}

TEST_F(WasiHostTest, ErrnoIsTheResultAndBadPointersAreEfault) {
  Load(R"(
    (memory (export "memory") 1)
    (func (export "bad_fd") (result i32)
      (call $fd_write (i32.const 99) (i32.const 0) (i32.const 0) (i32.const 8)))
    (func (export "bad_iovec") (result i32)
      (call $fd_write (i32.const 1) (i32.const 65530) (i32.const 1) (i32.const 8))))");
  EXPECT_EQ(CallI32("bad_fd"), 8);      // EBADF
  EXPECT_EQ(CallI32("bad_iovec"), 21);  // EFAULT: the iovec crosses the end of memory
}

TEST_F(WasiHostTest, WithoutAnExportedMemoryEveryPointerIsEfault) {
  Load(R"(
    (memory 1)
    (func (export "write") (result i32)
      (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))");
  EXPECT_EQ(CallI32("write"), 21);
  EXPECT_EQ(ReadStdout(), "");
}

TEST_F(WasiHostTest, GrownMemoryIsVisibleToTheNextCall) {
  // Writes "ok\n" from the second page, which exists only after memory.grow.
  Load(R"(
    (memory (export "memory") 1)
    (func (export "grow_and_write") (result i32)
      (drop (memory.grow (i32.const 1)))
      (i32.store (i32.const 65600) (i32.const 0x0a6b6f))  ;; "ok\n"
      (i32.store (i32.const 0) (i32.const 65600))
      (i32.store (i32.const 4) (i32.const 3))
      (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))");
  EXPECT_EQ(CallI32("grow_and_write"), 0);
  EXPECT_EQ(ReadStdout(), "ok\n");
}

TEST_F(WasiHostTest, RunStartNeedsAStartOfTheRightType) {
  Load(R"((memory (export "memory") 1) (func (export "main") (result i32) i32.const 0))");
  Expected<wasi::CommandOutcome> out = host_->RunStart(*store_, *instance_);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("_start"), std::string::npos);

  Load(R"((memory (export "memory") 1) (func (export "_start") (param i32)))");
  out = host_->RunStart(*store_, *instance_);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("expected () -> ()"), std::string::npos);
}

TEST_F(WasiHostTest, UnknownWasiFunctionIsALinkError) {
  std::vector<uint8_t> wasm = Wat2Wasm(R"((module
    (import "wasi_snapshot_preview1" "no_such_function" (func (param i32) (result i32)))))");
  ASSERT_FALSE(wasm.empty());
  Expected<compiler::CompileResult> r = compiler::CompileBytes(wasm, "t.wasm", {});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  auto m = runtime::Module::FromArtifact(engine_, std::move(r->artifact));
  ASSERT_TRUE(m.ok());
  auto host = wasi::WasiHost::Create({});
  ASSERT_TRUE(host.ok());
  runtime::Store store(engine_);
  runtime::Linker linker;
  ASSERT_TRUE((*host)->Define(linker, store).ok());
  auto inst = linker.Instantiate(store, *m);
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.error().message.find("no_such_function"), std::string::npos);
}

TEST_F(WasiHostTest, ImportWithTheWrongTypeIsALinkError) {
  std::vector<uint8_t> wasm = Wat2Wasm(R"((module
    (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32)))))");
  ASSERT_FALSE(wasm.empty());
  Expected<compiler::CompileResult> r = compiler::CompileBytes(wasm, "t.wasm", {});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  auto m = runtime::Module::FromArtifact(engine_, std::move(r->artifact));
  ASSERT_TRUE(m.ok());
  auto host = wasi::WasiHost::Create({});
  ASSERT_TRUE(host.ok());
  runtime::Store store(engine_);
  runtime::Linker linker;
  ASSERT_TRUE((*host)->Define(linker, store).ok());
  EXPECT_FALSE(linker.Instantiate(store, *m).ok());
}

}  // namespace
}  // namespace egret
