// wasi_process.cc: the process-level preview1 functions: arguments, environment, clocks,
// randomness, proc_exit, sched_yield, and the ENOSYS stand-in for unimplemented functions.
//
// args_get/environ_get write an array of u32 pointers and a buffer of NUL-terminated strings;
// both regions are checked in full before the first byte is written.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "runtime/wasi/host_errno.h"
#include "runtime/wasi/wasi_functions.h"
#include "runtime/wasi/wasi_impl.h"

namespace egret::wasi::internal {
namespace {

// The (count, total bytes with NULs) pair that *_sizes_get reports.
Errno StringsSizes(const std::vector<std::string>& strings, GuestMemory mem, uint32_t count_ptr,
                   uint32_t size_ptr) {
  uint64_t total = 0;
  for (const std::string& s : strings) total += s.size() + 1;
  if (total > UINT32_MAX || strings.size() > UINT32_MAX) return Errno::kOverflow;
  if (!mem.InBounds(count_ptr, 4) || !mem.InBounds(size_ptr, 4)) return Errno::kFault;
  mem.StoreUnchecked<uint32_t>(count_ptr, static_cast<uint32_t>(strings.size()));
  mem.StoreUnchecked<uint32_t>(size_ptr, static_cast<uint32_t>(total));
  return Errno::kSuccess;
}

Errno StringsGet(const std::vector<std::string>& strings, GuestMemory mem, uint32_t array_ptr,
                 uint32_t buf_ptr) {
  uint64_t total = 0;
  for (const std::string& s : strings) total += s.size() + 1;
  if (total > UINT32_MAX || strings.size() > UINT32_MAX) return Errno::kOverflow;
  if (!mem.ArrayInBounds(array_ptr, static_cast<uint32_t>(strings.size()), 4) ||
      !mem.InBounds(buf_ptr, total)) {
    return Errno::kFault;
  }
  uint64_t at = buf_ptr;
  for (size_t i = 0; i < strings.size(); ++i) {
    const std::string& s = strings[i];
    mem.StoreUnchecked<uint32_t>(array_ptr + 4 * static_cast<uint64_t>(i),
                                 static_cast<uint32_t>(at));
    std::memcpy(mem.base() + at, s.data(), s.size());
    mem.base()[at + s.size()] = 0;
    at += s.size() + 1;
  }
  return Errno::kSuccess;
}

bool HostClock(uint32_t id, clockid_t* out) {
  switch (id) {
    case kClockRealtime:
      *out = CLOCK_REALTIME;
      return true;
    case kClockMonotonic:
      *out = CLOCK_MONOTONIC;
      return true;
    case kClockProcessCputime:
      *out = CLOCK_PROCESS_CPUTIME_ID;
      return true;
    case kClockThreadCputime:
      *out = CLOCK_THREAD_CPUTIME_ID;
      return true;
    default:
      return false;
  }
}

uint64_t ToNanos(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

uint32_t ArgsSizesGet(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  return Ret(StringsSizes(ctx.args(), mem, Arg32(args, 0), Arg32(args, 1)));
}
uint32_t ArgsGet(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  return Ret(StringsGet(ctx.args(), mem, Arg32(args, 0), Arg32(args, 1)));
}
uint32_t EnvironSizesGet(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  return Ret(StringsSizes(ctx.env(), mem, Arg32(args, 0), Arg32(args, 1)));
}
uint32_t EnvironGet(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  return Ret(StringsGet(ctx.env(), mem, Arg32(args, 0), Arg32(args, 1)));
}

uint32_t ClockResGet(WasiCtx&, GuestMemory mem, const uint64_t* args) {
  clockid_t clock;
  if (!HostClock(Arg32(args, 0), &clock)) return Ret(Errno::kInval);
  uint32_t res_ptr = Arg32(args, 1);
  if (!mem.InBounds(res_ptr, 8)) return Ret(Errno::kFault);
  timespec ts;
  if (::clock_getres(clock, &ts) != 0) return Ret(ErrnoFromHost(errno));
  mem.StoreUnchecked<uint64_t>(res_ptr, ToNanos(ts));
  return Ret(Errno::kSuccess);
}

uint32_t ClockTimeGet(WasiCtx&, GuestMemory mem, const uint64_t* args) {
  // args[1] is the requested precision; the host clocks are always read at full precision.
  clockid_t clock;
  if (!HostClock(Arg32(args, 0), &clock)) return Ret(Errno::kInval);
  uint32_t time_ptr = Arg32(args, 2);
  if (!mem.InBounds(time_ptr, 8)) return Ret(Errno::kFault);
  timespec ts;
  if (::clock_gettime(clock, &ts) != 0) return Ret(ErrnoFromHost(errno));
  mem.StoreUnchecked<uint64_t>(time_ptr, ToNanos(ts));
  return Ret(Errno::kSuccess);
}

uint32_t RandomGet(WasiCtx&, GuestMemory mem, const uint64_t* args) {
  uint32_t buf = Arg32(args, 0), len = Arg32(args, 1);
  std::span<uint8_t> out;
  if (!mem.Span(buf, len, &out)) return Ret(Errno::kFault);
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Ret(ErrnoFromHost(errno));
    }
    done += static_cast<size_t>(n);
  }
  return Ret(Errno::kSuccess);
}

uint32_t ProcExit(WasiCtx& ctx, GuestMemory, const uint64_t* args) {
  ctx.RequestExit(Arg32(args, 0));
  return kProcExit;
}

uint32_t SchedYield(WasiCtx&, GuestMemory, const uint64_t*) {
  ::sched_yield();
  return Ret(Errno::kSuccess);
}

uint32_t NotImplemented(WasiCtx&, GuestMemory, const uint64_t*) { return Ret(Errno::kNoSys); }

}  // namespace egret::wasi::internal
