// wasi_path_test.cc: the path_* functions inside the sandbox: open with each oflag, directories,
// unlink, rename, link, symlink/readlink, filestat, and EFAULT for bad path pointers.
#include <unistd.h>

#include "tests/unit/wasi/wasi_fixture.h"

namespace egret::wasi::testing {
namespace {

class PathTest : public WasiFixture {
 protected:
  // Calls a path function taking (fd, path, path_len) on the preopen.
  uint32_t OnPath(std::string_view fn, std::string_view path) {
    uint32_t len = Put(kPathBuf, path);
    return Call(fn, {kPreopenFd, kPathBuf, len});
  }
  uint32_t Rename(std::string_view from, std::string_view to) {
    uint32_t a = Put(0x1100, from), b = Put(0x1200, to);
    return Call("path_rename", {kPreopenFd, 0x1100, a, kPreopenFd, 0x1200, b});
  }
  static constexpr uint64_t kRw = rights::kFdRead | rights::kFdWrite;
};

TEST_F(PathTest, OpenCreateWriteReadBack) {
  uint32_t fd = 0;
  EXPECT_EQ(Open("new.txt", 0, kRw, &fd), E(Errno::kNoEnt));
  ASSERT_EQ(Open("new.txt", kOflagCreat, kRw, &fd), kOk);
  EXPECT_EQ(Write(fd, "payload"), kOk);
  EXPECT_EQ(Call("fd_close", {fd}), kOk);
  EXPECT_EQ(ReadHostFile(sandbox_ + "/new.txt"), "payload");
  ASSERT_EQ(Open("new.txt", 0, rights::kFdRead, &fd), kOk);
  EXPECT_EQ(Read(fd, 100), "payload");
  // Opened without write rights: the host descriptor is read-only.
  EXPECT_EQ(Write(fd, "x"), E(Errno::kBadf));
}

TEST_F(PathTest, OpenExclAndTrunc) {
  WriteHostFile(sandbox_ + "/f", "old contents");
  uint32_t fd = 0;
  EXPECT_EQ(Open("f", kOflagCreat | kOflagExcl, kRw, &fd), E(Errno::kExist));
  ASSERT_EQ(Open("f", kOflagTrunc, kRw, &fd), kOk);
  EXPECT_EQ(ReadHostFile(sandbox_ + "/f"), "");
}

TEST_F(PathTest, OpenDirectoryFlag) {
  ASSERT_EQ(::mkdir((sandbox_ + "/d").c_str(), 0755), 0);
  WriteHostFile(sandbox_ + "/f", "");
  uint32_t fd = 0;
  ASSERT_EQ(Open("d", kOflagDirectory, rights::kAll, &fd), kOk);
  ASSERT_EQ(Call("fd_fdstat_get", {fd, 0x100}), kOk);
  EXPECT_EQ(Load<uint8_t>(0x100), static_cast<uint8_t>(Filetype::kDirectory));
  EXPECT_EQ(Load<uint64_t>(0x108), rights::kDirectory);  // all asked, directory rights granted
  EXPECT_EQ(Open("f", kOflagDirectory, 0, &fd), E(Errno::kNotDir));
  EXPECT_EQ(Open(".", kOflagDirectory, 0, &fd), kOk);
}

TEST_F(PathTest, OpenAppendFlag) {
  WriteHostFile(sandbox_ + "/log", "a");
  uint32_t fd = 0;
  ASSERT_EQ(Open("log", 0, rights::kFdWrite, &fd, kLookupSymlinkFollow, kFdflagAppend), kOk);
  EXPECT_EQ(Write(fd, "b"), kOk);
  EXPECT_EQ(ReadHostFile(sandbox_ + "/log"), "ab");
}

TEST_F(PathTest, OpenOnAFileFdIsEnotdir) {
  WriteHostFile(sandbox_ + "/f", "");
  uint32_t fd = 0;
  ASSERT_EQ(Open("f", 0, rights::kFdRead, &fd), kOk);
  uint32_t len = Put(kPathBuf, "x");
  EXPECT_EQ(Call("path_open", {fd, 0, kPathBuf, len, 0, 0, 0, 0, kFdOut}), E(Errno::kNotDir));
  EXPECT_EQ(Call("path_open", {99, 0, kPathBuf, len, 0, 0, 0, 0, kFdOut}), E(Errno::kBadf));
}

TEST_F(PathTest, BadPathPointersAreEfault) {
  EXPECT_EQ(Call("path_open", {kPreopenFd, 0, kMemorySize - 2, 3, 0, 0, 0, 0, kFdOut}),
            E(Errno::kFault));
  EXPECT_EQ(Call("path_open", {kPreopenFd, 0, 0xFFFFFFFFu, 2, 0, 0, 0, 0, kFdOut}),
            E(Errno::kFault));
  uint32_t len = Put(kPathBuf, "x");
  EXPECT_EQ(Call("path_open", {kPreopenFd, 0, kPathBuf, len, kOflagCreat, 0, 0, 0, kMemorySize}),
            E(Errno::kFault));
  EXPECT_FALSE(HostExists(sandbox_ + "/x"));  // checked before anything was created
  EXPECT_EQ(Call("path_create_directory", {kPreopenFd, kMemorySize, 1}), E(Errno::kFault));
  EXPECT_EQ(Call("path_unlink_file", {kPreopenFd, 10, 0xFFFFFFFFu}), E(Errno::kFault));
  EXPECT_EQ(Call("path_filestat_get", {kPreopenFd, 0, kPathBuf, len, kMemorySize - 63}),
            E(Errno::kFault));
  EXPECT_EQ(Call("path_symlink", {kMemorySize, 1, kPreopenFd, kPathBuf, len}), E(Errno::kFault));
  EXPECT_EQ(Call("path_readlink", {kPreopenFd, kPathBuf, len, kMemorySize - 1, 2, 0x100}),
            E(Errno::kFault));
}

TEST_F(PathTest, CreateAndRemoveDirectories) {
  ASSERT_EQ(OnPath("path_create_directory", "d"), kOk);
  EXPECT_EQ(OnPath("path_create_directory", "d"), E(Errno::kExist));
  ASSERT_EQ(OnPath("path_create_directory", "d/e/"), kOk);  // a trailing slash is fine
  EXPECT_EQ(OnPath("path_create_directory", "missing/e"), E(Errno::kNoEnt));
  EXPECT_EQ(OnPath("path_remove_directory", "d"), E(Errno::kNotEmpty));
  ASSERT_EQ(OnPath("path_remove_directory", "d/e"), kOk);
  ASSERT_EQ(OnPath("path_remove_directory", "d/"), kOk);
  EXPECT_FALSE(HostExists(sandbox_ + "/d"));
  WriteHostFile(sandbox_ + "/f", "");
  EXPECT_EQ(OnPath("path_remove_directory", "f"), E(Errno::kNotDir));
}

TEST_F(PathTest, UnlinkFile) {
  WriteHostFile(sandbox_ + "/f", "");
  ASSERT_EQ(::mkdir((sandbox_ + "/d").c_str(), 0755), 0);
  ASSERT_EQ(OnPath("path_unlink_file", "f"), kOk);
  EXPECT_FALSE(HostExists(sandbox_ + "/f"));
  EXPECT_EQ(OnPath("path_unlink_file", "f"), E(Errno::kNoEnt));
  EXPECT_EQ(OnPath("path_unlink_file", "d"), E(Errno::kIsDir));
  // Unlinking a symlink removes the link, not its target.
  WriteHostFile(sandbox_ + "/target", "t");
  ASSERT_EQ(::symlink("target", (sandbox_ + "/link").c_str()), 0);
  ASSERT_EQ(OnPath("path_unlink_file", "link"), kOk);
  EXPECT_TRUE(HostExists(sandbox_ + "/target"));
}

TEST_F(PathTest, RenameFilesAndDirectories) {
  WriteHostFile(sandbox_ + "/a", "A");
  ASSERT_EQ(::mkdir((sandbox_ + "/d").c_str(), 0755), 0);
  ASSERT_EQ(Rename("a", "d/b"), kOk);
  EXPECT_EQ(ReadHostFile(sandbox_ + "/d/b"), "A");
  EXPECT_FALSE(HostExists(sandbox_ + "/a"));
  ASSERT_EQ(Rename("d", "e"), kOk);
  EXPECT_TRUE(HostExists(sandbox_ + "/e/b"));
  EXPECT_EQ(Rename("nope", "x"), E(Errno::kNoEnt));
  // Across two directory fds.
  uint32_t e = 0;
  ASSERT_EQ(Open("e", kOflagDirectory, 0, &e), kOk);
  uint32_t a = Put(0x1100, "b"), b = Put(0x1200, "c");
  ASSERT_EQ(Call("path_rename", {e, 0x1100, a, kPreopenFd, 0x1200, b}), kOk);
  EXPECT_EQ(ReadHostFile(sandbox_ + "/c"), "A");
}

TEST_F(PathTest, HardLink) {
  WriteHostFile(sandbox_ + "/a", "A");
  uint32_t a = Put(0x1100, "a"), b = Put(0x1200, "b");
  ASSERT_EQ(Call("path_link", {kPreopenFd, 0, 0x1100, a, kPreopenFd, 0x1200, b}), kOk);
  EXPECT_EQ(ReadHostFile(sandbox_ + "/b"), "A");
  ASSERT_EQ(Call("path_filestat_get", {kPreopenFd, 0, 0x1100, a, 0x100}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x118), 2u);  // nlink
  EXPECT_EQ(Call("path_link", {kPreopenFd, 0, 0x1100, a, kPreopenFd, 0x1200, b}), E(Errno::kExist));
}

TEST_F(PathTest, SymlinkReadlinkAndFilestatFollow) {
  WriteHostFile(sandbox_ + "/target", "12345");
  uint32_t t = Put(0x1100, "target"), l = Put(0x1200, "link");
  ASSERT_EQ(Call("path_symlink", {0x1100, t, kPreopenFd, 0x1200, l}), kOk);
  EXPECT_EQ(Call("path_symlink", {0x1100, t, kPreopenFd, 0x1200, l}), E(Errno::kExist));

  ASSERT_EQ(Call("path_readlink", {kPreopenFd, 0x1200, l, 0x300, 64, 0x100}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x100), 6u);
  EXPECT_EQ(Get(0x300, 6), "target");
  // A short buffer receives a truncated target.
  ASSERT_EQ(Call("path_readlink", {kPreopenFd, 0x1200, l, 0x300, 3, 0x100}), kOk);
  EXPECT_EQ(Load<uint32_t>(0x100), 3u);
  EXPECT_EQ(Call("path_readlink", {kPreopenFd, 0x1100, t, 0x300, 64, 0x100}), E(Errno::kInval));

  // Without follow, filestat describes the link; with follow, the target.
  ASSERT_EQ(Call("path_filestat_get", {kPreopenFd, 0, 0x1200, l, 0x400}), kOk);
  EXPECT_EQ(Load<uint8_t>(0x410), static_cast<uint8_t>(Filetype::kSymbolicLink));
  ASSERT_EQ(Call("path_filestat_get", {kPreopenFd, kLookupSymlinkFollow, 0x1200, l, 0x400}), kOk);
  EXPECT_EQ(Load<uint8_t>(0x410), static_cast<uint8_t>(Filetype::kRegularFile));
  EXPECT_EQ(Load<uint64_t>(0x420), 5u);

  // path_open follows only when asked.
  uint32_t fd = 0;
  EXPECT_EQ(Open("link", 0, rights::kFdRead, &fd, 0), E(Errno::kLoop));
  ASSERT_EQ(Open("link", 0, rights::kFdRead, &fd, kLookupSymlinkFollow), kOk);
  EXPECT_EQ(Read(fd, 10), "12345");
}

TEST_F(PathTest, FilestatSetTimes) {
  WriteHostFile(sandbox_ + "/f", "");
  uint32_t len = Put(kPathBuf, "f");
  const uint64_t mtim = 1234567890123456789ull;
  ASSERT_EQ(Call("path_filestat_set_times", {kPreopenFd, 0, kPathBuf, len, 0, mtim, kFstflagMtim}),
            kOk);
  ASSERT_EQ(Call("path_filestat_get", {kPreopenFd, 0, kPathBuf, len, 0x100}), kOk);
  EXPECT_EQ(Load<uint64_t>(0x130), mtim);
  EXPECT_EQ(Call("path_filestat_set_times",
                 {kPreopenFd, 0, kPathBuf, len, 0, 0, kFstflagMtim | kFstflagMtimNow}),
            E(Errno::kInval));
  ASSERT_EQ(Call("path_filestat_set_times", {kPreopenFd, 0, kPathBuf, len, 0, 0, kFstflagMtimNow}),
            kOk);
  ASSERT_EQ(Call("path_filestat_get", {kPreopenFd, 0, kPathBuf, len, 0x100}), kOk);
  EXPECT_GT(Load<uint64_t>(0x130), 1600000000ull * 1000000000ull);
}

TEST_F(PathTest, FilestatOfDirectoryAndMissing) {
  uint32_t len = Put(kPathBuf, ".");
  ASSERT_EQ(Call("path_filestat_get", {kPreopenFd, 0, kPathBuf, len, 0x100}), kOk);
  EXPECT_EQ(Load<uint8_t>(0x110), static_cast<uint8_t>(Filetype::kDirectory));
  len = Put(kPathBuf, "missing");
  EXPECT_EQ(Call("path_filestat_get", {kPreopenFd, 0, kPathBuf, len, 0x100}), E(Errno::kNoEnt));
}

}  // namespace
}  // namespace egret::wasi::testing
