// wasi_impl.h: internal to runtime/wasi: declarations of the host functions that the table in
// wasi_functions.cc lists, and small helpers they share. Not for use outside this folder; the
// runtime goes through WasiFunctions().
#ifndef EGRET_RUNTIME_WASI_WASI_IMPL_H_
#define EGRET_RUNTIME_WASI_WASI_IMPL_H_

#include <sys/stat.h>

#include <cstdint>

#include "runtime/wasi/guest_memory.h"
#include "runtime/wasi/wasi_abi.h"
#include "runtime/wasi/wasi_ctx.h"

namespace egret::wasi::internal {

inline uint32_t Ret(Errno e) { return static_cast<uint16_t>(e); }
inline uint32_t Arg32(const uint64_t* args, int i) { return static_cast<uint32_t>(args[i]); }

// In a host function: returns the errno (as the function's u32 result) unless kSuccess.
#define EGRET_WASI_TRY_RET(expr)                               \
  do {                                                         \
    ::egret::wasi::Errno egret_wasi_errno_ = (expr);           \
    if (egret_wasi_errno_ != ::egret::wasi::Errno::kSuccess) { \
      return ::egret::wasi::internal::Ret(egret_wasi_errno_);  \
    }                                                          \
  } while (0)

// Filetype of a stat result.
Filetype FiletypeOfMode(mode_t mode);
// Writes a filestat record at `ptr` (bounds already checked).
void StoreFilestat(GuestMemory mem, uint32_t ptr, const struct stat& st);

// Declares or defines a host function with the WasiHostFn signature.
#define EGRET_WASI_FN(name) uint32_t name(WasiCtx& ctx, GuestMemory mem, const uint64_t* args)

// wasi_process.cc
EGRET_WASI_FN(ArgsGet);
EGRET_WASI_FN(ArgsSizesGet);
EGRET_WASI_FN(EnvironGet);
EGRET_WASI_FN(EnvironSizesGet);
EGRET_WASI_FN(ClockResGet);
EGRET_WASI_FN(ClockTimeGet);
EGRET_WASI_FN(RandomGet);
EGRET_WASI_FN(ProcExit);
EGRET_WASI_FN(SchedYield);
EGRET_WASI_FN(NotImplemented);

// wasi_poll.cc
EGRET_WASI_FN(PollOneoff);

// wasi_fd.cc
EGRET_WASI_FN(FdAdvise);
EGRET_WASI_FN(FdAllocate);
EGRET_WASI_FN(FdClose);
EGRET_WASI_FN(FdDatasync);
EGRET_WASI_FN(FdFdstatGet);
EGRET_WASI_FN(FdFdstatSetFlags);
EGRET_WASI_FN(FdFdstatSetRights);
EGRET_WASI_FN(FdFilestatGet);
EGRET_WASI_FN(FdFilestatSetSize);
EGRET_WASI_FN(FdFilestatSetTimes);
EGRET_WASI_FN(FdPread);
EGRET_WASI_FN(FdPrestatGet);
EGRET_WASI_FN(FdPrestatDirName);
EGRET_WASI_FN(FdPwrite);
EGRET_WASI_FN(FdRead);
EGRET_WASI_FN(FdReaddir);
EGRET_WASI_FN(FdRenumber);
EGRET_WASI_FN(FdSeek);
EGRET_WASI_FN(FdSync);
EGRET_WASI_FN(FdTell);
EGRET_WASI_FN(FdWrite);

// wasi_path.cc
EGRET_WASI_FN(PathCreateDirectory);
EGRET_WASI_FN(PathFilestatGet);
EGRET_WASI_FN(PathFilestatSetTimes);
EGRET_WASI_FN(PathLink);
EGRET_WASI_FN(PathOpen);
EGRET_WASI_FN(PathReadlink);
EGRET_WASI_FN(PathRemoveDirectory);
EGRET_WASI_FN(PathRename);
EGRET_WASI_FN(PathSymlink);
EGRET_WASI_FN(PathUnlinkFile);

}  // namespace egret::wasi::internal

#endif  // EGRET_RUNTIME_WASI_WASI_IMPL_H_
