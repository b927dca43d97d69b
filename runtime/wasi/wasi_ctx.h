// wasi_ctx.h: the per-instance WASI state: arguments, environment, the guest's file descriptor
// table (stdio, preopened directories, files it opened) and the exit status.
//
// Guest fds are small integers the guest sees; each maps to a host fd the context owns (or, for
// stdio, borrows). Fds 0-2 are stdin/stdout/stderr (host fds chosen by the embedder, so tests can
// inject pipes); preopened directories follow from 3 in the order given. New fds take the lowest
// free number, as POSIX does, found with a min-heap so allocation is O(log n).
//
// Rights are tracked and reported (fd_fdstat_get) but enforced only by the host kernel and the
// sandbox: a guest that asks for fewer rights gets fewer reported, and fd_fdstat_set_rights can
// only drop rights. See docs/wasi.md.
#ifndef EGRET_RUNTIME_WASI_WASI_CTX_H_
#define EGRET_RUNTIME_WASI_WASI_CTX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/wasi/wasi_abi.h"
#include "support/error.h"

namespace egret::wasi {

// A host directory made visible to the guest under `guest_path` (`--dir HOST[::GUEST]`).
struct Preopen {
  std::string host_path;
  std::string guest_path;
};

// Parses `HOST` or `HOST::GUEST`; an empty half is an error.
Expected<Preopen> ParsePreopen(std::string_view spec);

struct WasiConfig {
  std::vector<std::string> args;  // args[0] is the program name, by convention
  std::vector<std::string> env;   // "KEY=VALUE" strings
  std::vector<Preopen> preopens;
  // Host fds backing guest fds 0, 1, 2. They are borrowed (never closed by the context); -1 leaves
  // the guest fd closed.
  int stdin_fd = 0;
  int stdout_fd = 1;
  int stderr_fd = 2;
};

// The serialized result of one host directory read, which fd_readdir pages through by cookie:
// the dirent records back to back, and where each starts. Entry i has d_next = i + 1.
struct DirListing {
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> offsets;
};

struct FdEntry {
  int host_fd = -1;
  bool owned = true;  // false for borrowed stdio fds
  Filetype filetype = Filetype::kUnknown;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  std::optional<std::string> preopen_name;  // set for preopened directories
  std::unique_ptr<DirListing> listing;      // fd_readdir cache, rebuilt at cookie 0
};

class WasiCtx {
 public:
  // Opens the preopened directories; fails with a message naming the directory.
  static Expected<std::unique_ptr<WasiCtx>> Create(WasiConfig config);
  ~WasiCtx();
  WasiCtx(const WasiCtx&) = delete;
  WasiCtx& operator=(const WasiCtx&) = delete;

  const std::vector<std::string>& args() const { return config_.args; }
  const std::vector<std::string>& env() const { return config_.env; }

  // The entry for a guest fd, or nullptr when it is not open.
  FdEntry* Get(uint32_t fd);
  // Installs an entry under the lowest free guest fd and returns that fd.
  uint32_t Insert(FdEntry entry);
  // Closes a guest fd (and its host fd when owned).
  Errno Close(uint32_t fd);
  // Moves `from` onto `to`, closing what `to` held. Both must be open.
  Errno Renumber(uint32_t from, uint32_t to);
  size_t open_count() const;

  // proc_exit: records the status; the host function then returns kProcExit (wasi_functions.h).
  void RequestExit(uint32_t code) { exit_code_ = code; }
  std::optional<uint32_t> exit_code() const { return exit_code_; }

 private:
  explicit WasiCtx(WasiConfig config) : config_(std::move(config)) {}
  void Release(FdEntry& entry);

  WasiConfig config_;
  std::vector<std::optional<FdEntry>> fds_;
  std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<uint32_t>> free_;
  std::optional<uint32_t> exit_code_;
};

// Describes a host fd as WASI sees it: its file type from fstat.
Filetype FiletypeOfHostFd(int host_fd);
// The rights an fd of this type can have at most.
uint64_t MaxRightsFor(Filetype type);

}  // namespace egret::wasi

#endif  // EGRET_RUNTIME_WASI_WASI_CTX_H_
