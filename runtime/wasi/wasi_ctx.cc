// wasi_ctx.cc: see wasi_ctx.h.
#include "runtime/wasi/wasi_ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

namespace egret::wasi {

Expected<Preopen> ParsePreopen(std::string_view spec) {
  Preopen p;
  size_t sep = spec.find("::");
  if (sep == std::string_view::npos) {
    p.host_path = std::string(spec);
    p.guest_path = std::string(spec);
  } else {
    p.host_path = std::string(spec.substr(0, sep));
    p.guest_path = std::string(spec.substr(sep + 2));
  }
  if (p.host_path.empty() || p.guest_path.empty()) {
    return Error("--dir " + std::string(spec) + ": expected HOST or HOST::GUEST");
  }
  return p;
}

Filetype FiletypeOfHostFd(int host_fd) {
  struct stat st;
  if (::fstat(host_fd, &st) != 0) return Filetype::kUnknown;
  switch (st.st_mode & S_IFMT) {
    case S_IFREG:
      return Filetype::kRegularFile;
    case S_IFDIR:
      return Filetype::kDirectory;
    case S_IFCHR:
      return Filetype::kCharacterDevice;
    case S_IFBLK:
      return Filetype::kBlockDevice;
    case S_IFLNK:
      return Filetype::kSymbolicLink;
    case S_IFSOCK:
      return Filetype::kSocketStream;
    default:
      return Filetype::kUnknown;  // FIFOs have no preview1 file type
  }
}

uint64_t MaxRightsFor(Filetype type) {
  switch (type) {
    case Filetype::kRegularFile:
    case Filetype::kBlockDevice:
      return rights::kRegularFile;
    case Filetype::kDirectory:
      return rights::kDirectory;
    default:
      return rights::kStream;
  }
}

Expected<std::unique_ptr<WasiCtx>> WasiCtx::Create(WasiConfig config) {
  std::unique_ptr<WasiCtx> ctx(new WasiCtx(std::move(config)));
  const int stdio[3] = {ctx->config_.stdin_fd, ctx->config_.stdout_fd, ctx->config_.stderr_fd};
  ctx->fds_.resize(3);
  for (uint32_t i = 0; i < 3; ++i) {
    if (stdio[i] < 0) {
      ctx->free_.push(i);
      continue;
    }
    FdEntry e;
    e.host_fd = stdio[i];
    e.owned = false;
    e.filetype = FiletypeOfHostFd(stdio[i]);
    e.rights_base = MaxRightsFor(e.filetype);
    e.rights_inheriting = 0;
    ctx->fds_[i] = std::move(e);
  }
  for (const Preopen& p : ctx->config_.preopens) {
    int fd = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      return Error("--dir " + p.host_path + ": cannot open directory: " + ::strerror(errno));
    }
    FdEntry e;
    e.host_fd = fd;
    e.filetype = Filetype::kDirectory;
    e.rights_base = rights::kDirectory;
    e.rights_inheriting = rights::kRegularFile | rights::kDirectory;
    e.preopen_name = p.guest_path;
    ctx->fds_.emplace_back(std::move(e));
  }
  return ctx;
}

WasiCtx::~WasiCtx() {
  for (auto& slot : fds_) {
    if (slot) Release(*slot);
  }
}

void WasiCtx::Release(FdEntry& entry) {
  if (entry.owned && entry.host_fd >= 0) ::close(entry.host_fd);
  entry.host_fd = -1;
}

FdEntry* WasiCtx::Get(uint32_t fd) {
  if (fd >= fds_.size() || !fds_[fd]) return nullptr;
  return &*fds_[fd];
}

uint32_t WasiCtx::Insert(FdEntry entry) {
  // Skip heap entries that Renumber has since filled.
  while (!free_.empty() && (free_.top() >= fds_.size() || fds_[free_.top()])) free_.pop();
  uint32_t fd;
  if (!free_.empty()) {
    fd = free_.top();
    free_.pop();
  } else {
    fd = static_cast<uint32_t>(fds_.size());
    fds_.emplace_back();
  }
  fds_[fd] = std::move(entry);
  return fd;
}

Errno WasiCtx::Close(uint32_t fd) {
  FdEntry* e = Get(fd);
  if (e == nullptr) return Errno::kBadf;
  Release(*e);
  fds_[fd].reset();
  free_.push(fd);
  return Errno::kSuccess;
}

Errno WasiCtx::Renumber(uint32_t from, uint32_t to) {
  if (Get(from) == nullptr || Get(to) == nullptr) return Errno::kBadf;
  if (from == to) return Errno::kSuccess;
  Release(*fds_[to]);
  fds_[to] = std::move(fds_[from]);
  fds_[from].reset();
  free_.push(from);
  return Errno::kSuccess;
}

size_t WasiCtx::open_count() const {
  size_t n = 0;
  for (const auto& slot : fds_) n += slot.has_value();
  return n;
}

}  // namespace egret::wasi
