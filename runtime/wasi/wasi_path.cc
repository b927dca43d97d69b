// wasi_path.cc: the path_* functions. Each one resolves its guest path(s) beneath the directory
// fd it was given (path_resolver.h), then makes one *at() call on the final component with
// symlink following disabled, so nothing the guest names can lead outside its preopens.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "runtime/wasi/host_errno.h"
#include "runtime/wasi/path_resolver.h"
#include "runtime/wasi/wasi_impl.h"

namespace egret::wasi::internal {
namespace {

// The directory fd a path is relative to, and the path text, both validated.
Errno DirAndPath(WasiCtx& ctx, GuestMemory mem, uint32_t fd, uint32_t path_ptr, uint32_t path_len,
                 FdEntry** dir, std::string_view* path) {
  FdEntry* e = ctx.Get(fd);
  if (e == nullptr) return Errno::kBadf;
  if (!mem.String(path_ptr, path_len, path)) return Errno::kFault;
  if (e->filetype != Filetype::kDirectory) return Errno::kNotDir;
  *dir = e;
  return Errno::kSuccess;
}

Errno Resolve(WasiCtx& ctx, GuestMemory mem, uint32_t fd, uint32_t path_ptr, uint32_t path_len,
              bool follow, ResolvedPath* out, FdEntry** dir = nullptr) {
  FdEntry* e;
  std::string_view path;
  EGRET_WASI_TRY_ERRNO(DirAndPath(ctx, mem, fd, path_ptr, path_len, &e, &path));
  if (dir != nullptr) *dir = e;
  return ResolvePath(e->host_fd, path, follow, out);
}

Errno HostResult(int r) { return r == 0 ? Errno::kSuccess : ErrnoFromHost(errno); }

// Rights that make path_open ask the host for write access (wasi-libc grants them exactly when
// the C open mode includes writing).
constexpr uint64_t kWriteRights =
    rights::kFdWrite | rights::kFdAllocate | rights::kFdFilestatSetSize | rights::kFdDatasync;
constexpr uint64_t kReadRights = rights::kFdRead | rights::kFdReaddir;

}  // namespace

uint32_t PathOpen(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  uint32_t dirflags = Arg32(args, 1);
  uint32_t oflags = Arg32(args, 4);
  uint64_t rights_base = args[5], rights_inheriting = args[6];
  uint32_t fdflags = Arg32(args, 7);
  uint32_t fd_ptr = Arg32(args, 8);
  if (!mem.InBounds(fd_ptr, 4)) return Ret(Errno::kFault);

  ResolvedPath rp;
  FdEntry* dir;
  EGRET_WASI_TRY_RET(Resolve(ctx, mem, Arg32(args, 0), Arg32(args, 2), Arg32(args, 3),
                             dirflags & kLookupSymlinkFollow, &rp, &dir));

  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagDirectory) flags |= O_DIRECTORY;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  bool write = (rights_base & kWriteRights) != 0 && !(oflags & kOflagDirectory);
  bool read = (rights_base & kReadRights) != 0;
  if (write) {
    flags |= read ? O_RDWR : O_WRONLY;
  } else {
    flags |= O_RDONLY;
  }
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdflagRsync) flags |= O_RSYNC;
  if (fdflags & kFdflagSync) flags |= O_SYNC;

  int host_fd = ::openat(rp.dir_fd, rp.name.c_str(), flags, 0666);
  if (host_fd < 0) return Ret(ErrnoFromHost(errno));

  FdEntry entry;
  entry.host_fd = host_fd;
  entry.filetype = FiletypeOfHostFd(host_fd);
  // Reported rights: what was asked for, limited by what the parent may hand down and by what
  // this kind of file supports.
  entry.rights_base = rights_base & dir->rights_inheriting & MaxRightsFor(entry.filetype);
  entry.rights_inheriting =
      entry.filetype == Filetype::kDirectory ? rights_inheriting & dir->rights_inheriting : 0;
  uint32_t guest_fd = ctx.Insert(std::move(entry));
  mem.StoreUnchecked<uint32_t>(fd_ptr, guest_fd);
  return Ret(Errno::kSuccess);
}

uint32_t PathCreateDirectory(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  ResolvedPath rp;
  EGRET_WASI_TRY_RET(Resolve(ctx, mem, Arg32(args, 0), Arg32(args, 1), Arg32(args, 2), false, &rp));
  return Ret(HostResult(::mkdirat(rp.dir_fd, rp.name.c_str(), 0777)));
}

uint32_t PathRemoveDirectory(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  ResolvedPath rp;
  EGRET_WASI_TRY_RET(Resolve(ctx, mem, Arg32(args, 0), Arg32(args, 1), Arg32(args, 2), false, &rp));
  return Ret(HostResult(::unlinkat(rp.dir_fd, rp.name.c_str(), AT_REMOVEDIR)));
}

uint32_t PathUnlinkFile(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  ResolvedPath rp;
  EGRET_WASI_TRY_RET(Resolve(ctx, mem, Arg32(args, 0), Arg32(args, 1), Arg32(args, 2), false, &rp));
  return Ret(HostResult(::unlinkat(rp.dir_fd, rp.name.c_str(), 0)));
}

uint32_t PathRename(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  ResolvedPath from, to;
  EGRET_WASI_TRY_RET(
      Resolve(ctx, mem, Arg32(args, 0), Arg32(args, 1), Arg32(args, 2), false, &from));
  EGRET_WASI_TRY_RET(Resolve(ctx, mem, Arg32(args, 3), Arg32(args, 4), Arg32(args, 5), false, &to));
  return Ret(HostResult(::renameat(from.dir_fd, from.name.c_str(), to.dir_fd, to.name.c_str())));
}

uint32_t PathLink(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  ResolvedPath from, to;
  bool follow = Arg32(args, 1) & kLookupSymlinkFollow;
  EGRET_WASI_TRY_RET(
      Resolve(ctx, mem, Arg32(args, 0), Arg32(args, 2), Arg32(args, 3), follow, &from));
  EGRET_WASI_TRY_RET(Resolve(ctx, mem, Arg32(args, 4), Arg32(args, 5), Arg32(args, 6), false, &to));
  // Flags 0: link the final component itself; a symlink there was already expanded if asked.
  return Ret(HostResult(::linkat(from.dir_fd, from.name.c_str(), to.dir_fd, to.name.c_str(), 0)));
}

uint32_t PathFilestatGet(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  uint32_t buf = Arg32(args, 4);
  if (!mem.InBounds(buf, layout::kFilestatSize)) return Ret(Errno::kFault);
  ResolvedPath rp;
  bool follow = Arg32(args, 1) & kLookupSymlinkFollow;
  EGRET_WASI_TRY_RET(
      Resolve(ctx, mem, Arg32(args, 0), Arg32(args, 2), Arg32(args, 3), follow, &rp));
  struct stat st;
  if (::fstatat(rp.dir_fd, rp.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return Ret(ErrnoFromHost(errno));
  }
  StoreFilestat(mem, buf, st);
  return Ret(Errno::kSuccess);
}

uint32_t PathFilestatSetTimes(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  uint16_t fst = static_cast<uint16_t>(args[6]);
  if (((fst & kFstflagAtim) && (fst & kFstflagAtimNow)) ||
      ((fst & kFstflagMtim) && (fst & kFstflagMtimNow))) {
    return Ret(Errno::kInval);
  }
  ResolvedPath rp;
  bool follow = Arg32(args, 1) & kLookupSymlinkFollow;
  EGRET_WASI_TRY_RET(
      Resolve(ctx, mem, Arg32(args, 0), Arg32(args, 2), Arg32(args, 3), follow, &rp));
  auto make = [](uint64_t t, bool set, bool now) {
    if (now) return timespec{0, UTIME_NOW};
    if (!set) return timespec{0, UTIME_OMIT};
    return timespec{static_cast<time_t>(t / 1000000000ull), static_cast<long>(t % 1000000000ull)};
  };
  timespec times[2] = {make(args[4], fst & kFstflagAtim, fst & kFstflagAtimNow),
                       make(args[5], fst & kFstflagMtim, fst & kFstflagMtimNow)};
  return Ret(HostResult(::utimensat(rp.dir_fd, rp.name.c_str(), times, AT_SYMLINK_NOFOLLOW)));
}

uint32_t PathReadlink(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  uint32_t buf = Arg32(args, 3), buf_len = Arg32(args, 4), bufused_ptr = Arg32(args, 5);
  std::span<uint8_t> out;
  if (!mem.Span(buf, buf_len, &out) || !mem.InBounds(bufused_ptr, 4)) return Ret(Errno::kFault);
  ResolvedPath rp;
  EGRET_WASI_TRY_RET(Resolve(ctx, mem, Arg32(args, 0), Arg32(args, 1), Arg32(args, 2), false, &rp));
  char target[PATH_MAX];
  ssize_t n = ::readlinkat(rp.dir_fd, rp.name.c_str(), target, sizeof(target));
  if (n < 0) return Ret(ErrnoFromHost(errno));
  // A too-small buffer gets the truncated contents, as readlink(2) does.
  size_t used = std::min<size_t>(static_cast<size_t>(n), buf_len);
  if (used != 0) std::memcpy(out.data(), target, used);
  mem.StoreUnchecked<uint32_t>(bufused_ptr, static_cast<uint32_t>(used));
  return Ret(Errno::kSuccess);
}

uint32_t PathSymlink(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  std::string_view contents;
  if (!mem.String(Arg32(args, 0), Arg32(args, 1), &contents)) return Ret(Errno::kFault);
  if (contents.empty()) return Ret(Errno::kNoEnt);
  if (contents.size() >= PATH_MAX) return Ret(Errno::kNameTooLong);
  if (contents.find('\0') != std::string_view::npos) return Ret(Errno::kInval);
  // An absolute target could never be followed inside the sandbox; refuse to create one so the
  // guest cannot plant links for host programs to follow.
  if (contents.front() == '/') return Ret(Errno::kNotCapable);
  ResolvedPath rp;
  EGRET_WASI_TRY_RET(Resolve(ctx, mem, Arg32(args, 2), Arg32(args, 3), Arg32(args, 4), false, &rp));
  std::string target(contents);
  return Ret(HostResult(::symlinkat(target.c_str(), rp.dir_fd, rp.name.c_str())));
}

}  // namespace egret::wasi::internal
