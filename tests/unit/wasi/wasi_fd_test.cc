// wasi_fd_test.cc: the fd_* functions on stdio pipes, regular files and directories, including
// EFAULT for every way a guest can pass a bad iovec array or result pointer.
#include <fcntl.h>
#include <unistd.h>

#include <set>

#include "tests/unit/wasi/wasi_fixture.h"

namespace egret::wasi::testing {
namespace {

class FdTest : public WasiFixture {
 protected:
  // Creates sandbox/<name> with `text` and opens it read+write (+seek/tell).
  uint32_t OpenFile(const std::string& name, std::string_view text) {
    WriteHostFile(sandbox_ + "/" + name, text);
    uint32_t fd = 0;
    EXPECT_EQ(Open(name, 0, rights::kFdRead | rights::kFdWrite | rights::kFdSeek, &fd), kOk);
    return fd;
  }
};

TEST_F(FdTest, WriteGathersIovecsToStdout) {
  Put(0x3000, "Hello, ");
  Put(0x3100, "world");
  Put(0x3200, "!\n");
  Iovec(0x2000, 0x3000, 7);
  Iovec(0x2008, 0x3100, 5);
  Iovec(0x2010, 0x3200, 0);  // empty buffers are allowed anywhere in the list
  Iovec(0x2018, 0x3200, 2);
  ASSERT_EQ(Call("fd_write", {1, 0x2000, 4, 0x100}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x100), 14u);
  EXPECT_EQ(Write(2, "err\n"), kOk);  // stderr shares the pipe in this fixture
  EXPECT_EQ(DrainStdout(), "Hello, world!\nerr\n");
}

TEST_F(FdTest, ReadScattersFromStdin) {
  ASSERT_EQ(::write(stdin_pipe_[1], "abcdefgh", 8), 8);
  Iovec(0x2000, 0x3000, 3);
  Iovec(0x2008, 0x3100, 10);
  ASSERT_EQ(Call("fd_read", {0, 0x2000, 2, 0x100}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x100), 8u);
  EXPECT_EQ(Get(0x3000, 3), "abc");
  EXPECT_EQ(Get(0x3100, 5), "defgh");
  ::close(stdin_pipe_[1]);
  stdin_pipe_[1] = -1;
  ASSERT_EQ(Call("fd_read", {0, 0x2000, 2, 0x100}), kOk);  // end of input
  EXPECT_EQ(Load<uint32_t>(0x100), 0u);
}

TEST_F(FdTest, BadIovecArraysAreEfault) {
  const uint32_t end = kMemorySize;
  Put(0x3000, "data");
  // The array itself runs past the end.
  Iovec(end - 8, 0x3000, 4);
  EXPECT_EQ(Call("fd_write", {1, end - 8, 2, 0x100}), E(Errno::kFault));
  EXPECT_EQ(Call("fd_write", {1, end - 4, 1, 0x100}), E(Errno::kFault));
  // A count whose byte size wraps to 0 in 32 bits.
  EXPECT_EQ(Call("fd_write", {1, 0x2000, 0x20000000u, 0x100}), E(Errno::kFault));
  EXPECT_EQ(Call("fd_write", {1, 0xFFFFFFF8u, 1, 0x100}), E(Errno::kFault));
  // A buffer past the end, and one whose ptr + len wraps around 2^32.
  Iovec(0x2000, end - 2, 4);
  EXPECT_EQ(Call("fd_write", {1, 0x2000, 1, 0x100}), E(Errno::kFault));
  Iovec(0x2000, 0xFFFFFFF0u, 0x20);
  EXPECT_EQ(Call("fd_write", {1, 0x2000, 1, 0x100}), E(Errno::kFault));
  // A good buffer followed by a bad one: nothing is written at all.
  Iovec(0x2000, 0x3000, 4);
  Iovec(0x2008, end, 1);
  EXPECT_EQ(Call("fd_write", {1, 0x2000, 2, 0x100}), E(Errno::kFault));
  // The result pointer.
  Iovec(0x2000, 0x3000, 4);
  EXPECT_EQ(Call("fd_write", {1, 0x2000, 1, end - 3}), E(Errno::kFault));
  EXPECT_EQ(DrainStdout(), "");
  // Reads: same checks before any byte is consumed.
  ASSERT_EQ(::write(stdin_pipe_[1], "xy", 2), 2);
  Iovec(0x2000, end - 1, 2);
  EXPECT_EQ(Call("fd_read", {0, 0x2000, 1, 0x100}), E(Errno::kFault));
  EXPECT_EQ(Read(0, 8), "xy");
}

TEST_F(FdTest, ManyIovecsUseTheHeapPathAndStayCorrect) {
  // 300 one-byte buffers: more than the inline capacity of the host iovec list.
  for (uint32_t i = 0; i < 300; ++i) {
    memory_[0x8000 + i] = static_cast<uint8_t>('a' + i % 26);
    Iovec(0x4000 + 8 * i, 0x8000 + i, 1);
  }
  ASSERT_EQ(Call("fd_write", {1, 0x4000, 300, 0x100}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x100), 300u);
  std::string out = DrainStdout();
  ASSERT_EQ(out.size(), 300u);
  EXPECT_EQ(out.substr(0, 3), "abc");
  EXPECT_EQ(out[299], static_cast<char>('a' + 299 % 26));
}

TEST_F(FdTest, BadFdsAreEbadf) {
  Iovec(0x2000, 0x3000, 1);
  for (uint32_t fd : {99u, 0xFFFFFFFFu}) {
    EXPECT_EQ(Call("fd_write", {fd, 0x2000, 1, 0x100}), E(Errno::kBadf));
    EXPECT_EQ(Call("fd_read", {fd, 0x2000, 1, 0x100}), E(Errno::kBadf));
    EXPECT_EQ(Call("fd_close", {fd}), E(Errno::kBadf));
    EXPECT_EQ(Call("fd_seek", {fd, 0, kWhenceSet, 0x100}), E(Errno::kBadf));
    EXPECT_EQ(Call("fd_fdstat_get", {fd, 0x100}), E(Errno::kBadf));
    EXPECT_EQ(Call("fd_filestat_get", {fd, 0x100}), E(Errno::kBadf));
    EXPECT_EQ(Call("fd_prestat_get", {fd, 0x100}), E(Errno::kBadf));
    EXPECT_EQ(Call("fd_sync", {fd}), E(Errno::kBadf));
  }
}

TEST_F(FdTest, SeekTellPreadPwrite) {
  uint32_t fd = OpenFile("f.txt", "0123456789");
  ASSERT_EQ(Call("fd_seek", {fd, 4, kWhenceSet, 0x100}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x100), 4u);
  EXPECT_EQ(Read(fd, 3), "456");
  ASSERT_EQ(Call("fd_tell", {fd, 0x108}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x108), 7u);
  ASSERT_EQ(Call("fd_seek", {fd, static_cast<uint64_t>(-2), kWhenceEnd, 0x100}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x100), 8u);
  ASSERT_EQ(Call("fd_seek", {fd, static_cast<uint64_t>(-1), kWhenceCur, 0x100}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x100), 7u);
  EXPECT_EQ(Call("fd_seek", {fd, 0, 3, 0x100}), E(Errno::kInval));
  EXPECT_EQ(Call("fd_seek", {fd, static_cast<uint64_t>(-100), kWhenceSet, 0x100}),
            E(Errno::kInval));
  EXPECT_EQ(Call("fd_seek", {fd, 0, kWhenceSet, kMemorySize - 7}), E(Errno::kFault));

  // pread/pwrite leave the file offset alone.
  Iovec(0x2000, 0x3000, 4);
  ASSERT_EQ(Call("fd_pread", {fd, 0x2000, 1, 1, 0x100}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x100), 4u);
  EXPECT_EQ(Get(0x3000, 4), "1234");
  Put(0x3000, "AB");
  Iovec(0x2000, 0x3000, 2);
  ASSERT_EQ(Call("fd_pwrite", {fd, 0x2000, 1, 8, 0x100}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x100), 2u);
  ASSERT_EQ(Call("fd_tell", {fd, 0x108}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x108), 7u);
  EXPECT_EQ(ReadHostFile(sandbox_ + "/f.txt"), "01234567AB");
  EXPECT_EQ(Call("fd_pread", {fd, 0x2000, 1, 1ull << 63, 0x100}), E(Errno::kInval));
  EXPECT_EQ(Call("fd_pwrite", {fd, 0x2000, 1, 0, kMemorySize}), E(Errno::kFault));
  // Pipes cannot seek.
  EXPECT_EQ(Call("fd_seek", {0, 0, kWhenceCur, 0x100}), E(Errno::kSpipe));
  EXPECT_EQ(Call("fd_pread", {0, 0x2000, 1, 0, 0x100}), E(Errno::kSpipe));
}

TEST_F(FdTest, CloseFreesTheNumberForReuse) {
  uint32_t a = OpenFile("a", "a");
  uint32_t b = OpenFile("b", "b");
  EXPECT_EQ(a, 4u);
  EXPECT_EQ(b, 5u);
  ASSERT_EQ(Call("fd_close", {a}), kOk);
  EXPECT_EQ(Call("fd_close", {a}), E(Errno::kBadf));
  EXPECT_EQ(Read(a, 1), "<error>");
  uint32_t c = OpenFile("c", "c");
  EXPECT_EQ(c, 4u);  // lowest free number
  EXPECT_EQ(Read(c, 1), "c");
}

TEST_F(FdTest, RenumberMovesAndClosesTheTarget) {
  uint32_t a = OpenFile("a", "A");
  uint32_t b = OpenFile("b", "B");
  size_t open_before = ctx_->open_count();
  ASSERT_EQ(Call("fd_renumber", {a, b}), kOk);
  EXPECT_EQ(Read(b, 1), "A");
  EXPECT_EQ(Read(a, 1), "<error>");
  EXPECT_EQ(ctx_->open_count(), open_before - 1);
  EXPECT_EQ(Call("fd_renumber", {a, b}), E(Errno::kBadf));
  EXPECT_EQ(Call("fd_renumber", {b, 77}), E(Errno::kBadf));
  EXPECT_EQ(OpenFile("c", "C"), a);  // the vacated number is reused
}

TEST_F(FdTest, FdstatReportsTypeFlagsAndRights) {
  uint32_t fd = 0;
  WriteHostFile(sandbox_ + "/log", "");
  ASSERT_EQ(Open("log", 0, rights::kFdWrite | rights::kFdSeek | rights::kPathOpen, &fd,
                 kLookupSymlinkFollow, kFdflagAppend),
            kOk);
  ASSERT_EQ(Call("fd_fdstat_get", {fd, 0x100}), kOk);
  EXPECT_EQ(Load<uint8_t>(0x100), static_cast<uint8_t>(Filetype::kRegularFile));
  EXPECT_EQ(Load<uint16_t>(0x102), kFdflagAppend);
  // Rights: what was asked for, minus what a regular file cannot have (path_open).
  EXPECT_EQ(Load<uint64_t>(0x108), rights::kFdWrite | rights::kFdSeek);
  EXPECT_EQ(Load<uint64_t>(0x110), 0u);

  ASSERT_EQ(Call("fd_fdstat_get", {kPreopenFd, 0x100}), kOk);
  EXPECT_EQ(Load<uint8_t>(0x100), static_cast<uint8_t>(Filetype::kDirectory));
  EXPECT_EQ(Load<uint64_t>(0x108), rights::kDirectory);
  EXPECT_NE(Load<uint64_t>(0x110) & rights::kFdRead, 0u);

  // A pipe is a stream: no seek or tell, which is what isatty() and buffering look at.
  ASSERT_EQ(Call("fd_fdstat_get", {1, 0x100}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x108) & (rights::kFdSeek | rights::kFdTell), 0u);
  EXPECT_NE(Load<uint64_t>(0x108) & rights::kFdWrite, 0u);
  EXPECT_EQ(Call("fd_fdstat_get", {1, kMemorySize - 23}), E(Errno::kFault));
}

TEST_F(FdTest, FdstatSetFlagsAndRights) {
  uint32_t fd = OpenFile("f", "x");
  ASSERT_EQ(Call("fd_fdstat_set_flags", {fd, kFdflagAppend | kFdflagNonblock}), kOk);
  ASSERT_EQ(Call("fd_fdstat_get", {fd, 0x100}), kOk);
  EXPECT_EQ(Load<uint16_t>(0x102), kFdflagAppend | kFdflagNonblock);
  EXPECT_EQ(Write(fd, "yz"), kOk);  // appends although the offset is 0
  EXPECT_EQ(ReadHostFile(sandbox_ + "/f"), "xyz");
  EXPECT_EQ(Call("fd_fdstat_set_flags", {fd, kFdflagSync}), E(Errno::kNotSup));

  ASSERT_EQ(Call("fd_fdstat_set_rights", {fd, rights::kFdRead, 0}), kOk);
  ASSERT_EQ(Call("fd_fdstat_get", {fd, 0x100}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x108), rights::kFdRead);
  // Rights can be dropped, never regained.
  EXPECT_EQ(Call("fd_fdstat_set_rights", {fd, rights::kFdRead | rights::kFdWrite, 0}),
            E(Errno::kNotCapable));
}

TEST_F(FdTest, FilestatGetSetSizeSetTimes) {
  uint32_t fd = OpenFile("f", "hello");
  ASSERT_EQ(Call("fd_filestat_get", {fd, 0x100}), kOk);
  struct stat st;
  ASSERT_EQ(::stat((sandbox_ + "/f").c_str(), &st), 0);
  EXPECT_EQ(Load<uint64_t>(0x100), static_cast<uint64_t>(st.st_dev));
  EXPECT_EQ(Load<uint64_t>(0x108), static_cast<uint64_t>(st.st_ino));
  EXPECT_EQ(Load<uint8_t>(0x110), static_cast<uint8_t>(Filetype::kRegularFile));
  EXPECT_EQ(Load<uint64_t>(0x118), 1u);  // nlink
  EXPECT_EQ(Load<uint64_t>(0x120), 5u);  // size

  ASSERT_EQ(Call("fd_filestat_set_size", {fd, 2}), kOk);
  EXPECT_EQ(ReadHostFile(sandbox_ + "/f"), "he");
  EXPECT_EQ(Call("fd_filestat_set_size", {fd, 1ull << 63}), E(Errno::kInval));

  const uint64_t atim = 1000000000ull * 1000 + 5, mtim = 1000000000ull * 2000 + 7;
  ASSERT_EQ(Call("fd_filestat_set_times", {fd, atim, mtim, kFstflagAtim | kFstflagMtim}), kOk);
  ASSERT_EQ(Call("fd_filestat_get", {fd, 0x100}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x128), atim);
  EXPECT_EQ(Load<uint64_t>(0x130), mtim);
  // Only mtim changes; atim is omitted.
  ASSERT_EQ(Call("fd_filestat_set_times", {fd, 0, mtim + 1, kFstflagMtim}), kOk);
  ASSERT_EQ(Call("fd_filestat_get", {fd, 0x100}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x128), atim);
  EXPECT_EQ(Load<uint64_t>(0x130), mtim + 1);
  EXPECT_EQ(Call("fd_filestat_set_times", {fd, 0, 0, kFstflagAtim | kFstflagAtimNow}),
            E(Errno::kInval));
  EXPECT_EQ(Call("fd_filestat_get", {fd, kMemorySize - 63}), E(Errno::kFault));
}

TEST_F(FdTest, SyncDatasyncAdviseAllocate) {
  uint32_t fd = OpenFile("f", "abc");
  EXPECT_EQ(Call("fd_sync", {fd}), kOk);
  EXPECT_EQ(Call("fd_datasync", {fd}), kOk);
  EXPECT_EQ(Call("fd_advise", {fd, 0, 3, kAdviceSequential}), kOk);
  EXPECT_EQ(Call("fd_advise", {fd, 0, 3, 6}), E(Errno::kInval));
  ASSERT_EQ(Call("fd_allocate", {fd, 0, 100}), kOk);
  ASSERT_EQ(Call("fd_filestat_get", {fd, 0x100}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x120), 100u);
}

TEST_F(FdTest, PrestatDescribesPreopens) {
  ASSERT_EQ(Call("fd_prestat_get", {kPreopenFd, 0x100}), kOk);
  EXPECT_EQ(Load<uint8_t>(0x100), kPreopenDir);
  EXPECT_EQ(Load<uint32_t>(0x104), 8u);  // "/sandbox"
  ASSERT_EQ(Call("fd_prestat_dir_name", {kPreopenFd, 0x200, 8}), kOk);
  EXPECT_EQ(Get(0x200, 8), "/sandbox");
  EXPECT_EQ(Call("fd_prestat_dir_name", {kPreopenFd, 0x200, 7}), E(Errno::kNameTooLong));
  EXPECT_EQ(Call("fd_prestat_dir_name", {kPreopenFd, kMemorySize - 4, 8}), E(Errno::kFault));
  EXPECT_EQ(Call("fd_prestat_get", {kPreopenFd, kMemorySize - 4}), E(Errno::kFault));
  // wasi-libc enumerates preopens from fd 3 until EBADF: stdio and fd 4 are not preopens.
  EXPECT_EQ(Call("fd_prestat_get", {1, 0x100}), E(Errno::kBadf));
  EXPECT_EQ(Call("fd_prestat_get", {4, 0x100}), E(Errno::kBadf));
}

// Walks fd_readdir output from `buf` and returns the names, checking d_next chaining.
std::vector<std::string> ParseDirents(const std::vector<uint8_t>& mem, uint32_t buf, uint32_t used,
                                      uint64_t* last_next) {
  std::vector<std::string> names;
  uint32_t at = buf;
  while (at + 24 <= buf + used) {
    uint64_t next;
    uint32_t namlen;
    std::memcpy(&next, &mem[at], 8);
    std::memcpy(&namlen, &mem[at + 16], 4);
    if (at + 24 + namlen > buf + used) break;  // truncated last entry
    names.emplace_back(reinterpret_cast<const char*>(&mem[at + 24]), namlen);
    *last_next = next;
    at += 24 + namlen;
  }
  return names;
}

TEST_F(FdTest, ReaddirListsEntriesAndPagesByCookie) {
  ASSERT_EQ(::mkdir((sandbox_ + "/d").c_str(), 0755), 0);
  std::set<std::string> expected = {".", ".."};
  for (int i = 0; i < 20; ++i) {
    std::string name = "file" + std::to_string(i);
    WriteHostFile(sandbox_ + "/d/" + name, "");
    expected.insert(name);
  }
  ASSERT_EQ(::mkdir((sandbox_ + "/d/sub").c_str(), 0755), 0);
  expected.insert("sub");
  uint32_t dir = 0;
  ASSERT_EQ(Open("d", kOflagDirectory, rights::kFdReaddir, &dir), kOk);

  // Whole listing in one call.
  ASSERT_EQ(Call("fd_readdir", {dir, 0x4000, 4096, 0, 0x100}), kOk);
  uint32_t used = Load<uint32_t>(0x100);
  EXPECT_LT(used, 4096u);  // bufused < buf_len: end of directory
  uint64_t next = 0;
  auto all = ParseDirents(memory_, 0x4000, used, &next);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), expected);
  EXPECT_EQ(next, all.size());

  // The type of "sub" is directory, of a file regular file.
  uint32_t at = 0x4000;
  for (const std::string& name : all) {
    uint8_t type = memory_[at + 20];
    if (name == "sub") {
      EXPECT_EQ(type, static_cast<uint8_t>(Filetype::kDirectory));
    }
    if (name == "file3") {
      EXPECT_EQ(type, static_cast<uint8_t>(Filetype::kRegularFile));
    }
    at += 24 + static_cast<uint32_t>(name.size());
  }

  // Small buffers: resume from the last complete entry's d_next, as wasi-libc does.
  std::vector<std::string> paged;
  uint64_t cookie = 0;
  for (int guard = 0; guard < 100; ++guard) {
    ASSERT_EQ(Call("fd_readdir", {dir, 0x4000, 64, cookie, 0x100}), kOk);
    uint32_t u = Load<uint32_t>(0x100);
    auto names = ParseDirents(memory_, 0x4000, u, &cookie);
    paged.insert(paged.end(), names.begin(), names.end());
    if (u < 64) break;
  }
  EXPECT_EQ(paged, all);

  // A cookie past the end reads nothing.
  ASSERT_EQ(Call("fd_readdir", {dir, 0x4000, 64, 1000, 0x100}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x100), 0u);
  EXPECT_EQ(Call("fd_readdir", {dir, kMemorySize - 10, 64, 0, 0x100}), E(Errno::kFault));
  EXPECT_EQ(Call("fd_readdir", {dir, 0x4000, 64, 0, kMemorySize}), E(Errno::kFault));
  EXPECT_EQ(Call("fd_readdir", {1, 0x4000, 64, 0, 0x100}), E(Errno::kNotDir));
}

TEST_F(FdTest, ReaddirCookieZeroSeesNewEntries) {
  uint32_t dir = kPreopenFd;
  ASSERT_EQ(Call("fd_readdir", {dir, 0x4000, 4096, 0, 0x100}), kOk);
  uint64_t next;
  size_t before = ParseDirents(memory_, 0x4000, Load<uint32_t>(0x100), &next).size();
  WriteHostFile(sandbox_ + "/new", "");
  ASSERT_EQ(Call("fd_readdir", {dir, 0x4000, 4096, 0, 0x100}), kOk);
  EXPECT_EQ(ParseDirents(memory_, 0x4000, Load<uint32_t>(0x100), &next).size(), before + 1);
}

}  // namespace
}  // namespace egret::wasi::testing
