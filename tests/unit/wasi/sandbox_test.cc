// sandbox_test.cc: a guest cannot reach outside its preopened directory, whatever path it
// sends: `..`, absolute paths, or symlinks (relative, absolute, chained, looping, in the middle
// or at the end of a path). Each escape attempt targets <tmp>/outside/secret.txt, which exists,
// so a resolver that let the path through would succeed instead of failing.
#include <fcntl.h>
#include <unistd.h>

#include "runtime/wasi/path_resolver.h"
#include "tests/unit/wasi/wasi_fixture.h"

namespace egret::wasi::testing {
namespace {

class SandboxTest : public WasiFixture {
 protected:
  void SetUp() override {
    WasiFixture::SetUp();
    ASSERT_EQ(::mkdir((sandbox_ + "/a").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((sandbox_ + "/a/b").c_str(), 0755), 0);
    WriteHostFile(sandbox_ + "/a/b/inner.txt", "inner");
    WriteHostFile(sandbox_ + "/top.txt", "top");
  }
  void Symlink(const std::string& target, const std::string& link) {
    ASSERT_EQ(::symlink(target.c_str(), (sandbox_ + "/" + link).c_str()), 0) << link;
  }
  // Opens `path` for reading with symlink following; returns the errno.
  uint32_t TryOpen(std::string_view path, uint32_t lookup = kLookupSymlinkFollow) {
    uint32_t fd = 0;
    return Open(path, 0, rights::kFdRead, &fd, lookup);
  }
  // Opens, reads and closes; returns the contents or "errno N".
  std::string Cat(std::string_view path) {
    uint32_t fd = 0;
    uint32_t r = Open(path, 0, rights::kFdRead, &fd);
    if (r != kOk) {
      std::string err("errno ");
      err.append(std::to_string(r));  // not "a" + b: GCC 12 -O3 warns falsely (-Wrestrict)
      return err;
    }
    std::string s = Read(fd, 64);
    EXPECT_EQ(Call("fd_close", {fd}), kOk);
    return s;
  }
};

TEST_F(SandboxTest, PlainPathsInsideWork) {
  EXPECT_EQ(Cat("top.txt"), "top");
  EXPECT_EQ(Cat("a/b/inner.txt"), "inner");
  EXPECT_EQ(Cat("./a/./b//inner.txt"), "inner");
  EXPECT_EQ(Cat("a/b/../../top.txt"), "top");  // `..` that stays inside is fine
  EXPECT_EQ(Cat("a/../a/b/inner.txt"), "inner");
}

TEST_F(SandboxTest, DotDotAtTheRootIsRefused) {
  EXPECT_EQ(TryOpen("../outside/secret.txt"), E(Errno::kNotCapable));
  EXPECT_EQ(TryOpen(".."), E(Errno::kNotCapable));
  EXPECT_EQ(TryOpen("a/../../outside/secret.txt"), E(Errno::kNotCapable));
  EXPECT_EQ(TryOpen("a/b/../../../outside/secret.txt"), E(Errno::kNotCapable));
  EXPECT_EQ(TryOpen("./../sandbox/top.txt"), E(Errno::kNotCapable));
}

TEST_F(SandboxTest, AbsolutePathsAreRefused) {
  EXPECT_EQ(TryOpen("/etc/passwd"), E(Errno::kNotCapable));
  EXPECT_EQ(TryOpen(root_ + "/outside/secret.txt"), E(Errno::kNotCapable));
  EXPECT_EQ(TryOpen("/"), E(Errno::kNotCapable));
}

TEST_F(SandboxTest, EmptyPathAndEmbeddedNul) {
  EXPECT_EQ(TryOpen(""), E(Errno::kNoEnt));
  EXPECT_EQ(TryOpen(std::string_view("top.txt\0/../x", 13)), E(Errno::kInval));
}

TEST_F(SandboxTest, OverlongPathsAreRefusedBeforeAnyWork) {
  std::string deep;
  for (int i = 0; i < 3000; ++i) deep += "a/";
  EXPECT_EQ(TryOpen(deep + "x"), E(Errno::kNameTooLong));
  std::string dots;
  for (int i = 0; i < 1000; ++i) dots += "./";
  EXPECT_EQ(Cat(dots + "top.txt"), "top");  // long but under PATH_MAX
}

TEST_F(SandboxTest, RelativeSymlinkPointingOutsideIsRefused) {
  Symlink("../outside/secret.txt", "leak");
  EXPECT_EQ(TryOpen("leak"), E(Errno::kNotCapable));
  // Without following, the final symlink is the object itself and O_NOFOLLOW refuses to open it.
  EXPECT_EQ(TryOpen("leak", 0), E(Errno::kLoop));
}

TEST_F(SandboxTest, SymlinkToAbsolutePathIsRefused) {
  Symlink(root_ + "/outside/secret.txt", "abs");
  Symlink("/etc", "etc");
  EXPECT_EQ(TryOpen("abs"), E(Errno::kNotCapable));
  EXPECT_EQ(TryOpen("etc/passwd"), E(Errno::kNotCapable));  // as an intermediate component
}

TEST_F(SandboxTest, SymlinkedDirectoryPointingOutsideIsRefusedMidPath) {
  Symlink("..", "up");
  Symlink("a/../..", "up2");
  EXPECT_EQ(TryOpen("up/outside/secret.txt"), E(Errno::kNotCapable));
  EXPECT_EQ(TryOpen("up2/outside/secret.txt"), E(Errno::kNotCapable));
  EXPECT_EQ(TryOpen("a/b/../../up/outside/secret.txt"), E(Errno::kNotCapable));
}

TEST_F(SandboxTest, SymlinkChainEndingOutsideIsRefused) {
  Symlink("link2", "link1");
  Symlink("a/link3", "link2");
  ASSERT_EQ(::symlink("../../outside/secret.txt", (sandbox_ + "/a/link3").c_str()), 0);
  EXPECT_EQ(TryOpen("link1"), E(Errno::kNotCapable));
}

TEST_F(SandboxTest, SymlinkChainStayingInsideIsFollowed) {
  Symlink("a", "toa");
  ASSERT_EQ(::symlink("b/inner.txt", (sandbox_ + "/a/in").c_str()), 0);
  Symlink("toa/in", "chain");
  ASSERT_EQ(::symlink("../../top.txt", (sandbox_ + "/a/b/up").c_str()), 0);
  EXPECT_EQ(Cat("chain"), "inner");
  EXPECT_EQ(Cat("toa/b/inner.txt"), "inner");
  EXPECT_EQ(Cat("a/b/up"), "top");  // `..` inside a symlink target, still inside
}

TEST_F(SandboxTest, SymlinkLoopIsEloop) {
  Symlink("loop2", "loop1");
  Symlink("loop1", "loop2");
  Symlink("self/x", "self");
  EXPECT_EQ(TryOpen("loop1"), E(Errno::kLoop));
  EXPECT_EQ(TryOpen("self/x"), E(Errno::kLoop));
}

TEST_F(SandboxTest, EscapesAreRefusedByEveryPathFunction) {
  Symlink("../outside", "out");
  uint32_t len = Put(kPathBuf, "../outside/new");
  EXPECT_EQ(Call("path_create_directory", {kPreopenFd, kPathBuf, len}), E(Errno::kNotCapable));
  len = Put(kPathBuf, "out/new");
  EXPECT_EQ(Call("path_create_directory", {kPreopenFd, kPathBuf, len}), E(Errno::kNotCapable));
  EXPECT_FALSE(HostExists(root_ + "/outside/new"));

  len = Put(kPathBuf, "out/secret.txt");
  EXPECT_EQ(Call("path_unlink_file", {kPreopenFd, kPathBuf, len}), E(Errno::kNotCapable));
  EXPECT_EQ(Call("path_filestat_get", {kPreopenFd, 0, kPathBuf, len, 0x5000}),
            E(Errno::kNotCapable));
  EXPECT_TRUE(HostExists(root_ + "/outside/secret.txt"));

  uint32_t len2 = Put(kPathBuf + 0x100, "stolen");
  EXPECT_EQ(Call("path_rename", {kPreopenFd, kPathBuf, len, kPreopenFd, kPathBuf + 0x100, len2}),
            E(Errno::kNotCapable));
  EXPECT_EQ(Call("path_link", {kPreopenFd, 0, kPathBuf, len, kPreopenFd, kPathBuf + 0x100, len2}),
            E(Errno::kNotCapable));
  EXPECT_FALSE(HostExists(sandbox_ + "/stolen"));

  len = Put(kPathBuf, "../outside");
  EXPECT_EQ(Call("path_remove_directory", {kPreopenFd, kPathBuf, len}), E(Errno::kNotCapable));
  EXPECT_TRUE(HostExists(root_ + "/outside"));
}

TEST_F(SandboxTest, CreatingAbsoluteSymlinksIsRefused) {
  uint32_t target = Put(0x4000, "/etc/passwd");
  uint32_t len = Put(kPathBuf, "pw");
  EXPECT_EQ(Call("path_symlink", {0x4000, target, kPreopenFd, kPathBuf, len}),
            E(Errno::kNotCapable));
  EXPECT_FALSE(HostExists(sandbox_ + "/pw"));
}

TEST_F(SandboxTest, DirectoryFdIsItsOwnRoot) {
  // A directory opened inside the preopen confines paths relative to it as well.
  uint32_t dir = 0;
  ASSERT_EQ(Open("a", kOflagDirectory, rights::kFdReaddir, &dir), kOk);
  uint32_t len = Put(kPathBuf, "../top.txt");
  EXPECT_EQ(Call("path_open", {dir, 1, kPathBuf, len, 0, rights::kFdRead, 0, 0, kFdOut}),
            E(Errno::kNotCapable));
  len = Put(kPathBuf, "b/inner.txt");
  EXPECT_EQ(Call("path_open", {dir, 1, kPathBuf, len, 0, rights::kFdRead, 0, 0, kFdOut}), kOk);
  EXPECT_EQ(Read(Load<uint32_t>(kFdOut), 64), "inner");
}

TEST_F(SandboxTest, ResolverReturnsParentAndFinalName) {
  int root = ::open(sandbox_.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(root, 0);
  ResolvedPath rp;
  ASSERT_EQ(ResolvePath(root, "a/b/inner.txt", false, &rp), Errno::kSuccess);
  EXPECT_EQ(rp.name, "inner.txt");
  EXPECT_NE(rp.dir_fd, root);
  ResolvedPath top;
  ASSERT_EQ(ResolvePath(root, "top.txt", false, &top), Errno::kSuccess);
  EXPECT_EQ(top.dir_fd, root);
  EXPECT_FALSE(top.owned.valid());
  ResolvedPath dot;
  ASSERT_EQ(ResolvePath(root, "a/..", false, &dot), Errno::kSuccess);
  EXPECT_EQ(dot.name, ".");
  ResolvedPath slash;
  ASSERT_EQ(ResolvePath(root, "a/b/", false, &slash), Errno::kSuccess);
  EXPECT_EQ(slash.name, "b/");
  ResolvedPath missing;
  EXPECT_EQ(ResolvePath(root, "nope/x", false, &missing), Errno::kNoEnt);
  EXPECT_EQ(ResolvePath(root, "top.txt/x", false, &missing), Errno::kNotDir);
  ::close(root);
}

TEST_F(SandboxTest, TrailingSlashOnSymlinkFollowsItInside) {
  Symlink("a", "toa");
  Symlink("../outside", "out");
  uint32_t len = Put(kPathBuf, "toa/");
  EXPECT_EQ(Call("path_filestat_get", {kPreopenFd, 0, kPathBuf, len, 0x5000}), kOk);
  EXPECT_EQ(Load<uint8_t>(0x5000 + 16), static_cast<uint8_t>(Filetype::kDirectory));
  len = Put(kPathBuf, "out/");
  EXPECT_EQ(Call("path_filestat_get", {kPreopenFd, 0, kPathBuf, len, 0x5000}),
            E(Errno::kNotCapable));
  len = Put(kPathBuf, "out/");
  EXPECT_EQ(Call("path_remove_directory", {kPreopenFd, kPathBuf, len}), E(Errno::kNotCapable));
}

}  // namespace
}  // namespace egret::wasi::testing
