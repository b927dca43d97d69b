// wasi_fd.cc: the fd_* functions: I/O through iovec arrays, seeking, stat, sync, the preopen
// queries, and directory listing.
//
// Every guest iovec array is checked in two steps before any I/O: the array itself
// (iovs + 8 * iovs_len within memory, computed in 64 bits) and then each buffer it names. Only
// then are host iovecs formed, pointing into linear memory, and handed to readv/writev, so the
// kernel never sees an address outside the guest's memory.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/wasi/host_errno.h"
#include "runtime/wasi/unique_fd.h"
#include "runtime/wasi/wasi_impl.h"

namespace egret::wasi::internal {
namespace {

// Host iovecs for one call. Most calls pass one to three buffers, so the common case needs no
// heap allocation.
class IovecList {
 public:
  Errno Gather(GuestMemory mem, uint32_t iovs, uint32_t iovs_len) {
    if (!mem.ArrayInBounds(iovs, iovs_len, layout::kIovecSize)) return Errno::kFault;
    // The kernel takes at most IOV_MAX buffers; a shorter transfer is a valid answer (the guest
    // sees nread/nwritten), but every buffer is still checked.
    count_ = std::min<uint32_t>(iovs_len, IOV_MAX);
    if (count_ > kInline) {
      heap_.resize(count_);
      data_ = heap_.data();
    }
    for (uint32_t i = 0; i < iovs_len; ++i) {
      uint64_t rec = iovs + static_cast<uint64_t>(i) * layout::kIovecSize;
      uint32_t buf = mem.LoadUnchecked<uint32_t>(rec + layout::kIovecBuf);
      uint32_t len = mem.LoadUnchecked<uint32_t>(rec + layout::kIovecLen);
      std::span<uint8_t> bytes;
      if (!mem.Span(buf, len, &bytes)) return Errno::kFault;
      if (i < count_) data_[i] = iovec{bytes.data(), bytes.size()};
    }
    return Errno::kSuccess;
  }
  const iovec* data() const { return data_; }
  int count() const { return static_cast<int>(count_); }

 private:
  static constexpr uint32_t kInline = 8;
  iovec inline_[kInline];
  std::vector<iovec> heap_;
  iovec* data_ = inline_;
  uint32_t count_ = 0;
};

uint64_t Nanos(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// The two timespecs futimens/utimensat take, from WASI's (atim, mtim, fst_flags).
Errno MakeTimes(uint64_t atim, uint64_t mtim, uint16_t flags, timespec times[2]) {
  if (((flags & kFstflagAtim) && (flags & kFstflagAtimNow)) ||
      ((flags & kFstflagMtim) && (flags & kFstflagMtimNow))) {
    return Errno::kInval;
  }
  auto one = [](uint64_t t, bool set, bool now, timespec* out) {
    if (now) {
      *out = timespec{0, UTIME_NOW};
    } else if (set) {
      *out = timespec{static_cast<time_t>(t / 1000000000ull), static_cast<long>(t % 1000000000ull)};
    } else {
      *out = timespec{0, UTIME_OMIT};
    }
  };
  one(atim, flags & kFstflagAtim, flags & kFstflagAtimNow, &times[0]);
  one(mtim, flags & kFstflagMtim, flags & kFstflagMtimNow, &times[1]);
  return Errno::kSuccess;
}

uint16_t FdflagsOfHost(int fl) {
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= kFdflagAppend;
  if (fl & O_NONBLOCK) flags |= kFdflagNonblock;
  // On Linux O_SYNC includes the O_DSYNC bit; report the stronger one only.
  if ((fl & O_SYNC) == O_SYNC) {
    flags |= kFdflagSync;
  } else if (fl & O_DSYNC) {
    flags |= kFdflagDsync;
  }
  return flags;
}

Filetype FiletypeOfDirent(int dir_fd, const dirent& d) {
  switch (d.d_type) {
    case DT_REG:
      return Filetype::kRegularFile;
    case DT_DIR:
      return Filetype::kDirectory;
    case DT_LNK:
      return Filetype::kSymbolicLink;
    case DT_CHR:
      return Filetype::kCharacterDevice;
    case DT_BLK:
      return Filetype::kBlockDevice;
    case DT_SOCK:
      return Filetype::kSocketStream;
    case DT_UNKNOWN: {
      struct stat st;
      if (::fstatat(dir_fd, d.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return Filetype::kUnknown;
      return FiletypeOfMode(st.st_mode);
    }
    default:
      return Filetype::kUnknown;
  }
}

// Reads the whole directory into dirent records sorted by name (a stable order across calls and
// file systems). Uses a fresh descriptor so the guest's fd offset is untouched.
Errno BuildListing(int dir_fd, DirListing* listing) {
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoFromHost(errno);
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    int e = errno;
    ::close(fd);
    return ErrnoFromHost(e);
  }
  struct Item {
    std::string name;
    uint64_t ino;
    Filetype type;
  };
  std::vector<Item> items;
  while (true) {
    errno = 0;
    dirent* d = ::readdir(dir);
    if (d == nullptr) break;
    items.push_back(Item{d->d_name, d->d_ino, FiletypeOfDirent(fd, *d)});
  }
  int read_errno = errno;
  ::closedir(dir);
  if (read_errno != 0) return ErrnoFromHost(read_errno);
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.name < b.name; });

  listing->bytes.clear();
  listing->offsets.clear();
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    size_t at = listing->bytes.size();
    listing->offsets.push_back(static_cast<uint32_t>(at));
    listing->bytes.resize(at + layout::kDirentSize + it.name.size());
    uint8_t* rec = listing->bytes.data() + at;
    GuestMemory view(rec, layout::kDirentSize + it.name.size());
    std::memset(rec, 0, layout::kDirentSize);
    view.StoreUnchecked<uint64_t>(layout::kDirentNext, i + 1);
    view.StoreUnchecked<uint64_t>(layout::kDirentIno, it.ino);
    view.StoreUnchecked<uint32_t>(layout::kDirentNamlen, static_cast<uint32_t>(it.name.size()));
    view.StoreUnchecked<uint8_t>(layout::kDirentType, static_cast<uint8_t>(it.type));
    std::memcpy(rec + layout::kDirentSize, it.name.data(), it.name.size());
  }
  return Errno::kSuccess;
}

// fd_read, fd_write, fd_pread and fd_pwrite share one shape: (fd, iovs, iovs_len, [offset,]
// result_ptr). Checks, in the order the tests pin: the descriptor (EBADF), then `arg_error` (the
// caller's own argument check, e.g. EINVAL for an offset past INT64_MAX), then the result
// pointer (EFAULT), then the iovecs; runs `io(host_fd, iov)` until it is not interrupted and
// stores the byte count it returns.
template <class Io>
uint32_t VectoredIo(WasiCtx& ctx, GuestMemory mem, const uint64_t* args, int result_arg,
                    Errno arg_error, Io io) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  if (arg_error != Errno::kSuccess) return Ret(arg_error);
  const uint32_t result_ptr = Arg32(args, result_arg);
  if (!mem.InBounds(result_ptr, 4)) return Ret(Errno::kFault);
  IovecList iov;
  if (Errno err = iov.Gather(mem, Arg32(args, 1), Arg32(args, 2)); err != Errno::kSuccess) {
    return Ret(err);
  }
  ssize_t n;
  do {
    n = io(e->host_fd, iov);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Ret(ErrnoFromHost(errno));
  mem.StoreUnchecked<uint32_t>(result_ptr, static_cast<uint32_t>(n));
  return Ret(Errno::kSuccess);
}

Errno OffsetError(uint64_t offset) {
  return offset > static_cast<uint64_t>(INT64_MAX) ? Errno::kInval : Errno::kSuccess;
}

}  // namespace

Filetype FiletypeOfMode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return Filetype::kRegularFile;
    case S_IFDIR:
      return Filetype::kDirectory;
    case S_IFLNK:
      return Filetype::kSymbolicLink;
    case S_IFCHR:
      return Filetype::kCharacterDevice;
    case S_IFBLK:
      return Filetype::kBlockDevice;
    case S_IFSOCK:
      return Filetype::kSocketStream;
    default:
      return Filetype::kUnknown;
  }
}

void StoreFilestat(GuestMemory mem, uint32_t ptr, const struct stat& st) {
  std::memset(mem.base() + ptr, 0, layout::kFilestatSize);  // padding bytes are defined too
  mem.StoreUnchecked<uint64_t>(ptr + layout::kFilestatDev, static_cast<uint64_t>(st.st_dev));
  mem.StoreUnchecked<uint64_t>(ptr + layout::kFilestatIno, static_cast<uint64_t>(st.st_ino));
  mem.StoreUnchecked<uint8_t>(ptr + layout::kFilestatFiletype,
                              static_cast<uint8_t>(FiletypeOfMode(st.st_mode)));
  mem.StoreUnchecked<uint64_t>(ptr + layout::kFilestatNlink, static_cast<uint64_t>(st.st_nlink));
  mem.StoreUnchecked<uint64_t>(ptr + layout::kFilestatSizeField, static_cast<uint64_t>(st.st_size));
  mem.StoreUnchecked<uint64_t>(ptr + layout::kFilestatAtim, Nanos(st.st_atim));
  mem.StoreUnchecked<uint64_t>(ptr + layout::kFilestatMtim, Nanos(st.st_mtim));
  mem.StoreUnchecked<uint64_t>(ptr + layout::kFilestatCtim, Nanos(st.st_ctim));
}

uint32_t FdRead(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  return VectoredIo(ctx, mem, args, 3, Errno::kSuccess,
                    [](int fd, IovecList& iov) { return ::readv(fd, iov.data(), iov.count()); });
}

uint32_t FdWrite(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  return VectoredIo(ctx, mem, args, 3, Errno::kSuccess,
                    [](int fd, IovecList& iov) { return ::writev(fd, iov.data(), iov.count()); });
}

uint32_t FdPread(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  const uint64_t offset = args[3];
  return VectoredIo(ctx, mem, args, 4, OffsetError(offset), [offset](int fd, IovecList& iov) {
    return ::preadv(fd, iov.data(), iov.count(), static_cast<off_t>(offset));
  });
}

uint32_t FdPwrite(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  const uint64_t offset = args[3];
  return VectoredIo(ctx, mem, args, 4, OffsetError(offset), [offset](int fd, IovecList& iov) {
    return ::pwritev(fd, iov.data(), iov.count(), static_cast<off_t>(offset));
  });
}

uint32_t FdSeek(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  auto delta = static_cast<int64_t>(args[1]);
  uint32_t whence = Arg32(args, 2);
  uint32_t newoffset_ptr = Arg32(args, 3);
  int host_whence;
  switch (whence) {
    case kWhenceSet:
      host_whence = SEEK_SET;
      break;
    case kWhenceCur:
      host_whence = SEEK_CUR;
      break;
    case kWhenceEnd:
      host_whence = SEEK_END;
      break;
    default:
      return Ret(Errno::kInval);
  }
  if (!mem.InBounds(newoffset_ptr, 8)) return Ret(Errno::kFault);
  if (e->filetype == Filetype::kDirectory) return Ret(Errno::kBadf);  // no fd_seek right
  off_t pos = ::lseek(e->host_fd, static_cast<off_t>(delta), host_whence);
  if (pos < 0) return Ret(ErrnoFromHost(errno));
  mem.StoreUnchecked<uint64_t>(newoffset_ptr, static_cast<uint64_t>(pos));
  return Ret(Errno::kSuccess);
}

uint32_t FdTell(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  uint32_t ptr = Arg32(args, 1);
  if (!mem.InBounds(ptr, 8)) return Ret(Errno::kFault);
  if (e->filetype == Filetype::kDirectory) return Ret(Errno::kBadf);
  off_t pos = ::lseek(e->host_fd, 0, SEEK_CUR);
  if (pos < 0) return Ret(ErrnoFromHost(errno));
  mem.StoreUnchecked<uint64_t>(ptr, static_cast<uint64_t>(pos));
  return Ret(Errno::kSuccess);
}

uint32_t FdClose(WasiCtx& ctx, GuestMemory, const uint64_t* args) {
  return Ret(ctx.Close(Arg32(args, 0)));
}

uint32_t FdRenumber(WasiCtx& ctx, GuestMemory, const uint64_t* args) {
  return Ret(ctx.Renumber(Arg32(args, 0), Arg32(args, 1)));
}

uint32_t FdSync(WasiCtx& ctx, GuestMemory, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  if (::fsync(e->host_fd) != 0) return Ret(ErrnoFromHost(errno));
  return Ret(Errno::kSuccess);
}

uint32_t FdDatasync(WasiCtx& ctx, GuestMemory, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  if (::fdatasync(e->host_fd) != 0) return Ret(ErrnoFromHost(errno));
  return Ret(Errno::kSuccess);
}

uint32_t FdAdvise(WasiCtx& ctx, GuestMemory, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  static constexpr int kHostAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                                        POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                                        POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  uint32_t advice = Arg32(args, 3);
  if (advice > kAdviceNoReuse) return Ret(Errno::kInval);
  if (args[1] > static_cast<uint64_t>(INT64_MAX) || args[2] > static_cast<uint64_t>(INT64_MAX)) {
    return Ret(Errno::kInval);
  }
  int r = ::posix_fadvise(e->host_fd, static_cast<off_t>(args[1]), static_cast<off_t>(args[2]),
                          kHostAdvice[advice]);
  return Ret(ErrnoFromHost(r));  // posix_fadvise returns the error number itself
}

uint32_t FdAllocate(WasiCtx& ctx, GuestMemory, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  if (args[1] > static_cast<uint64_t>(INT64_MAX) || args[2] > static_cast<uint64_t>(INT64_MAX)) {
    return Ret(Errno::kInval);
  }
  int r = ::posix_fallocate(e->host_fd, static_cast<off_t>(args[1]), static_cast<off_t>(args[2]));
  return Ret(ErrnoFromHost(r));
}

uint32_t FdFdstatGet(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  uint32_t ptr = Arg32(args, 1);
  if (!mem.InBounds(ptr, layout::kFdstatSize)) return Ret(Errno::kFault);
  int fl = ::fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return Ret(ErrnoFromHost(errno));
  std::memset(mem.base() + ptr, 0, layout::kFdstatSize);
  mem.StoreUnchecked<uint8_t>(ptr + layout::kFdstatFiletype, static_cast<uint8_t>(e->filetype));
  mem.StoreUnchecked<uint16_t>(ptr + layout::kFdstatFlags, FdflagsOfHost(fl));
  mem.StoreUnchecked<uint64_t>(ptr + layout::kFdstatRightsBase, e->rights_base);
  mem.StoreUnchecked<uint64_t>(ptr + layout::kFdstatRightsInheriting, e->rights_inheriting);
  return Ret(Errno::kSuccess);
}

uint32_t FdFdstatSetFlags(WasiCtx& ctx, GuestMemory, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  uint32_t flags = Arg32(args, 1);
  // fcntl(F_SETFL) can change only append and nonblock; the sync flags are fixed at open.
  if (flags & ~static_cast<uint32_t>(kFdflagAppend | kFdflagNonblock)) {
    return Ret(Errno::kNotSup);
  }
  int fl = ::fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return Ret(ErrnoFromHost(errno));
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) fl |= O_APPEND;
  if (flags & kFdflagNonblock) fl |= O_NONBLOCK;
  if (::fcntl(e->host_fd, F_SETFL, fl) != 0) return Ret(ErrnoFromHost(errno));
  return Ret(Errno::kSuccess);
}

uint32_t FdFdstatSetRights(WasiCtx& ctx, GuestMemory, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  uint64_t base = args[1], inheriting = args[2];
  // Rights can only be dropped, never gained.
  if ((base & ~e->rights_base) || (inheriting & ~e->rights_inheriting)) {
    return Ret(Errno::kNotCapable);
  }
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return Ret(Errno::kSuccess);
}

uint32_t FdFilestatGet(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  uint32_t ptr = Arg32(args, 1);
  if (!mem.InBounds(ptr, layout::kFilestatSize)) return Ret(Errno::kFault);
  struct stat st;
  if (::fstat(e->host_fd, &st) != 0) return Ret(ErrnoFromHost(errno));
  StoreFilestat(mem, ptr, st);
  return Ret(Errno::kSuccess);
}

uint32_t FdFilestatSetSize(WasiCtx& ctx, GuestMemory, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  if (args[1] > static_cast<uint64_t>(INT64_MAX)) return Ret(Errno::kInval);
  if (::ftruncate(e->host_fd, static_cast<off_t>(args[1])) != 0) {
    return Ret(ErrnoFromHost(errno));
  }
  return Ret(Errno::kSuccess);
}

uint32_t FdFilestatSetTimes(WasiCtx& ctx, GuestMemory, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  timespec times[2];
  EGRET_WASI_TRY_RET(MakeTimes(args[1], args[2], static_cast<uint16_t>(args[3]), times));
  if (::futimens(e->host_fd, times) != 0) return Ret(ErrnoFromHost(errno));
  return Ret(Errno::kSuccess);
}

uint32_t FdPrestatGet(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr || !e->preopen_name) return Ret(Errno::kBadf);
  uint32_t ptr = Arg32(args, 1);
  if (!mem.InBounds(ptr, layout::kPrestatSize)) return Ret(Errno::kFault);
  std::memset(mem.base() + ptr, 0, layout::kPrestatSize);
  mem.StoreUnchecked<uint8_t>(ptr + layout::kPrestatTag, kPreopenDir);
  mem.StoreUnchecked<uint32_t>(ptr + layout::kPrestatNameLen,
                               static_cast<uint32_t>(e->preopen_name->size()));
  return Ret(Errno::kSuccess);
}

uint32_t FdPrestatDirName(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr || !e->preopen_name) return Ret(Errno::kBadf);
  uint32_t ptr = Arg32(args, 1), len = Arg32(args, 2);
  const std::string& name = *e->preopen_name;
  if (len < name.size()) return Ret(Errno::kNameTooLong);
  std::span<uint8_t> out;
  if (!mem.Span(ptr, name.size(), &out)) return Ret(Errno::kFault);
  std::memcpy(out.data(), name.data(), name.size());
  return Ret(Errno::kSuccess);
}

uint32_t FdReaddir(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  FdEntry* e = ctx.Get(Arg32(args, 0));
  if (e == nullptr) return Ret(Errno::kBadf);
  uint32_t buf = Arg32(args, 1), buf_len = Arg32(args, 2);
  uint64_t cookie = args[3];
  uint32_t bufused_ptr = Arg32(args, 4);
  std::span<uint8_t> out;
  if (!mem.Span(buf, buf_len, &out) || !mem.InBounds(bufused_ptr, 4)) return Ret(Errno::kFault);
  if (e->filetype != Filetype::kDirectory) return Ret(Errno::kNotDir);
  // Cookie 0 starts a new scan and sees the directory as it is now; later cookies page through
  // the same snapshot, so a scan is O(entries) overall, not per call.
  if (cookie == 0 || e->listing == nullptr) {
    auto listing = std::make_unique<DirListing>();
    EGRET_WASI_TRY_RET(BuildListing(e->host_fd, listing.get()));
    e->listing = std::move(listing);
  }
  const DirListing& l = *e->listing;
  uint32_t used = 0;
  if (cookie < l.offsets.size()) {
    size_t start = l.offsets[cookie];
    used = static_cast<uint32_t>(std::min<size_t>(l.bytes.size() - start, buf_len));
    if (used != 0) std::memcpy(out.data(), l.bytes.data() + start, used);
  }
  mem.StoreUnchecked<uint32_t>(bufused_ptr, used);
  return Ret(Errno::kSuccess);
}

}  // namespace egret::wasi::internal
