// wasi_functions_test.cc: the registration table is complete, sorted and typed as the preview1
// witx says; every import of the benchmark programs is implemented; unimplemented functions
// return ENOSYS; host errnos map by name.
#include "runtime/wasi/wasi_functions.h"

#include <errno.h>
#include <gtest/gtest.h>
#include <string.h>

#include <set>
#include <string>

#include "runtime/wasi/host_errno.h"
#include "tests/unit/wasi/wasi_fixture.h"

namespace egret::wasi::testing {
namespace {

// Every function of wasi_snapshot_preview1, with its core Wasm signature (i = i32, I = i64).
struct Preview1Fn {
  const char* name;
  const char* params;
};
constexpr Preview1Fn kPreview1[] = {
    {"args_get", "ii"},
    {"args_sizes_get", "ii"},
    {"clock_res_get", "ii"},
    {"clock_time_get", "iIi"},
    {"environ_get", "ii"},
    {"environ_sizes_get", "ii"},
    {"fd_advise", "iIIi"},
    {"fd_allocate", "iII"},
    {"fd_close", "i"},
    {"fd_datasync", "i"},
    {"fd_fdstat_get", "ii"},
    {"fd_fdstat_set_flags", "ii"},
    {"fd_fdstat_set_rights", "iII"},
    {"fd_filestat_get", "ii"},
    {"fd_filestat_set_size", "iI"},
    {"fd_filestat_set_times", "iIIi"},
    {"fd_pread", "iiiIi"},
    {"fd_prestat_dir_name", "iii"},
    {"fd_prestat_get", "ii"},
    {"fd_pwrite", "iiiIi"},
    {"fd_read", "iiii"},
    {"fd_readdir", "iiiIi"},
    {"fd_renumber", "ii"},
    {"fd_seek", "iIii"},
    {"fd_sync", "i"},
    {"fd_tell", "ii"},
    {"fd_write", "iiii"},
    {"path_create_directory", "iii"},
    {"path_filestat_get", "iiiii"},
    {"path_filestat_set_times", "iiiiIIi"},
    {"path_link", "iiiiiii"},
    {"path_open", "iiiiiIIii"},
    {"path_readlink", "iiiiii"},
    {"path_remove_directory", "iii"},
    {"path_rename", "iiiiii"},
    {"path_symlink", "iiiii"},
    {"path_unlink_file", "iii"},
    {"poll_oneoff", "iiii"},
    {"proc_exit", "i"},
    {"proc_raise", "i"},
    {"random_get", "ii"},
    {"sched_yield", ""},
    {"sock_accept", "iii"},
    {"sock_recv", "iiiiii"},
    {"sock_send", "iiiii"},
    {"sock_shutdown", "ii"},
};

std::string Shape(std::span<const WasiValType> types) {
  std::string s;
  for (WasiValType t : types) s += t == WasiValType::kI32 ? 'i' : 'I';
  return s;
}

TEST(WasiFunctions, TableMatchesPreview1) {
  auto table = WasiFunctions();
  ASSERT_EQ(table.size(), std::size(kPreview1));
  for (size_t i = 0; i < table.size(); ++i) {
    SCOPED_TRACE(kPreview1[i].name);
    EXPECT_EQ(table[i].name, kPreview1[i].name);
    EXPECT_EQ(Shape(table[i].params), kPreview1[i].params);
    if (table[i].name == "proc_exit") {
      EXPECT_TRUE(table[i].results.empty());
    } else {
      EXPECT_EQ(Shape(table[i].results), "i");
    }
    EXPECT_NE(table[i].fn, nullptr);
    if (i > 0) {
      EXPECT_LT(table[i - 1].name, table[i].name);
    }
  }
}

TEST(WasiFunctions, FindByName) {
  ASSERT_NE(FindWasiFunction("fd_write"), nullptr);
  EXPECT_EQ(FindWasiFunction("fd_write")->name, "fd_write");
  EXPECT_EQ(FindWasiFunction("fd_writ"), nullptr);
  EXPECT_EQ(FindWasiFunction("zzz"), nullptr);
  EXPECT_EQ(FindWasiFunction(""), nullptr);
}

TEST(WasiFunctions, BenchmarkProgramImportsAreImplemented) {
  // What /work/shared/bench/programs/*.wasm import (wasi-libc's startup, printf, clock, exit).
  for (const char* name : {"args_get", "args_sizes_get", "clock_time_get", "fd_close",
                           "fd_fdstat_get", "fd_seek", "fd_write", "proc_exit"}) {
    const WasiFunction* f = FindWasiFunction(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_TRUE(f->implemented) << name;
  }
}

TEST(WasiFunctions, OnlySocketsAndProcRaiseAreUnimplemented) {
  std::set<std::string> unimplemented;
  for (const WasiFunction& f : WasiFunctions()) {
    if (!f.implemented) unimplemented.insert(std::string(f.name));
  }
  EXPECT_EQ(unimplemented, (std::set<std::string>{"proc_raise", "sock_accept", "sock_recv",
                                                  "sock_send", "sock_shutdown"}));
}

class UnimplementedTest : public WasiFixture {};

TEST_F(UnimplementedTest, ReturnEnosysWithoutTouchingAnything) {
  for (const WasiFunction& f : WasiFunctions()) {
    if (f.implemented) continue;
    // Arguments that would be garbage pointers if anything looked at them.
    uint64_t args[16];
    for (auto& a : args) a = 0xFFFFFFFFu;
    EXPECT_EQ(f.fn(*ctx_, mem(), args), E(Errno::kNoSys)) << f.name;
  }
}

TEST(HostErrno, MapsByName) {
  EXPECT_EQ(ErrnoFromHost(0), Errno::kSuccess);
  EXPECT_EQ(ErrnoFromHost(ENOENT), Errno::kNoEnt);
  EXPECT_EQ(ErrnoFromHost(EBADF), Errno::kBadf);
  EXPECT_EQ(ErrnoFromHost(EACCES), Errno::kAcces);
  EXPECT_EQ(ErrnoFromHost(ELOOP), Errno::kLoop);
  EXPECT_EQ(ErrnoFromHost(ENOTEMPTY), Errno::kNotEmpty);
  EXPECT_EQ(ErrnoFromHost(ESPIPE), Errno::kSpipe);
  EXPECT_EQ(ErrnoFromHost(EXDEV), Errno::kXdev);
  EXPECT_EQ(ErrnoFromHost(E2BIG), Errno::k2Big);
  EXPECT_EQ(ErrnoFromHost(EWOULDBLOCK), Errno::kAgain);
  EXPECT_EQ(ErrnoFromHost(EOPNOTSUPP), Errno::kNotSup);
  EXPECT_EQ(ErrnoFromHost(123456), Errno::kIo);  // unknown: never leak a host number
}

TEST(HostErrno, EveryPreview1ErrnoIsReachableAndMatchesTheHostName) {
  // Walk every host errno glibc names: a mapped one must carry the same name; all 75 WASI errnos
  // with a POSIX counterpart (all but ESUCCESS and ENOTCAPABLE) must be reachable.
  std::set<uint16_t> reached;
  for (int e = 1; e < 256; ++e) {
    const char* host_name = ::strerrorname_np(e);
    if (host_name == nullptr) continue;
    Errno w = ErrnoFromHost(e);
    reached.insert(static_cast<uint16_t>(w));
    if (w == Errno::kIo && e != EIO) continue;  // no preview1 counterpart
    std::string expected = host_name;
    if (expected == "EOPNOTSUPP") expected = "ENOTSUP";  // the same number on Linux
    EXPECT_EQ(ErrnoName(w), expected) << e;
  }
  EXPECT_EQ(reached.size(), 75u);
}

TEST(HostErrno, Names) {
  EXPECT_STREQ(ErrnoName(Errno::kSuccess), "ESUCCESS");
  EXPECT_STREQ(ErrnoName(Errno::kFault), "EFAULT");
  EXPECT_STREQ(ErrnoName(Errno::kNotCapable), "ENOTCAPABLE");
  EXPECT_STREQ(ErrnoName(static_cast<Errno>(999)), "E?");
}

}  // namespace
}  // namespace egret::wasi::testing
