// wasi_poll.cc: poll_oneoff: wait for clock timeouts and fd readiness.
//
// All subscriptions are read before anything is written, so the guest may pass overlapping `in`
// and `out` arrays. Each clock subscription is turned into "nanoseconds from now" on its own
// clock (absolute timeouts minus the clock's current value), the wait itself runs on the
// monotonic clock, and afterwards every clock whose delay has elapsed fires. Fd subscriptions
// go to the host's ppoll() on the fd's host descriptor. A subscription that cannot be
// honoured (bad fd, unknown clock) produces an event carrying the error rather than failing
// the call, as the preview1 spec asks; such an event also means the call does not block.
#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <time.h>

#include <algorithm>
#include <vector>

#include "runtime/wasi/host_errno.h"
#include "runtime/wasi/wasi_impl.h"

namespace egret::wasi::internal {
namespace {

struct Subscription {
  uint64_t userdata;
  uint8_t type;
  uint64_t delay_ns = 0;  // clock: time left from the start of the call
  int pollfd_index = -1;  // fd: index into the pollfd array, or -1
  Errno error = Errno::kSuccess;
};

bool HostClockId(uint32_t id, clockid_t* out) {
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

uint64_t Now(clockid_t clock) {
  timespec ts;
  ::clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

timespec ToTimespec(uint64_t ns) {
  return timespec{static_cast<time_t>(ns / 1000000000ull), static_cast<long>(ns % 1000000000ull)};
}

void StoreEvent(GuestMemory mem, uint64_t at, const Subscription& sub, Errno error, uint64_t nbytes,
                uint16_t flags) {
  std::memset(mem.base() + at, 0, layout::kEventSize);
  mem.StoreUnchecked<uint64_t>(at + layout::kEventUserdata, sub.userdata);
  mem.StoreUnchecked<uint16_t>(at + layout::kEventError, static_cast<uint16_t>(error));
  mem.StoreUnchecked<uint8_t>(at + layout::kEventType, sub.type);
  mem.StoreUnchecked<uint64_t>(at + layout::kEventNbytes, nbytes);
  mem.StoreUnchecked<uint16_t>(at + layout::kEventFlags, flags);
}

}  // namespace

uint32_t PollOneoff(WasiCtx& ctx, GuestMemory mem, const uint64_t* args) {
  uint32_t in = Arg32(args, 0), out = Arg32(args, 1), nsubs = Arg32(args, 2);
  uint32_t nevents_ptr = Arg32(args, 3);
  if (nsubs == 0) return Ret(Errno::kInval);  // would block forever
  if (!mem.ArrayInBounds(in, nsubs, layout::kSubscriptionSize) ||
      !mem.ArrayInBounds(out, nsubs, layout::kEventSize) || !mem.InBounds(nevents_ptr, 4)) {
    return Ret(Errno::kFault);
  }

  const uint64_t start = Now(CLOCK_MONOTONIC);
  std::vector<Subscription> subs(nsubs);
  std::vector<pollfd> pollfds;
  bool any_clock = false;
  bool any_immediate = false;
  uint64_t min_delay = UINT64_MAX;
  for (uint32_t i = 0; i < nsubs; ++i) {
    uint64_t rec = in + static_cast<uint64_t>(i) * layout::kSubscriptionSize;
    Subscription& s = subs[i];
    s.userdata = mem.LoadUnchecked<uint64_t>(rec + layout::kSubscriptionUserdata);
    s.type = mem.LoadUnchecked<uint8_t>(rec + layout::kSubscriptionTag);
    if (s.type == kEventClock) {
      uint32_t id = mem.LoadUnchecked<uint32_t>(rec + layout::kSubscriptionClockId);
      uint64_t timeout = mem.LoadUnchecked<uint64_t>(rec + layout::kSubscriptionClockTimeout);
      uint16_t flags = mem.LoadUnchecked<uint16_t>(rec + layout::kSubscriptionClockFlags);
      clockid_t clock;
      if (!HostClockId(id, &clock)) {
        s.error = Errno::kInval;
        any_immediate = true;
        continue;
      }
      if (flags & kSubclockAbstime) {
        uint64_t now = clock == CLOCK_MONOTONIC ? start : Now(clock);
        s.delay_ns = timeout > now ? timeout - now : 0;
      } else {
        s.delay_ns = timeout;
      }
      any_clock = true;
      min_delay = std::min(min_delay, s.delay_ns);
    } else if (s.type == kEventFdRead || s.type == kEventFdWrite) {
      FdEntry* e = ctx.Get(mem.LoadUnchecked<uint32_t>(rec + layout::kSubscriptionFd));
      if (e == nullptr) {
        s.error = Errno::kBadf;
        any_immediate = true;
        continue;
      }
      s.pollfd_index = static_cast<int>(pollfds.size());
      pollfds.push_back(
          pollfd{e->host_fd, static_cast<short>(s.type == kEventFdRead ? POLLIN : POLLOUT), 0});
    } else {
      return Ret(Errno::kInval);
    }
  }

  // Wait. An immediate error event means "return now"; otherwise block until an fd is ready or
  // the earliest clock expires. `timed_out` records that the earliest clock's full delay was
  // waited, which fires it even if the monotonic reading below comes out a hair short.
  bool timed_out = false;
  const bool block = !any_immediate;
  if (!pollfds.empty()) {
    int r;
    while (true) {
      timespec wait{0, 0};
      if (block && any_clock) {
        uint64_t spent = Now(CLOCK_MONOTONIC) - start;
        wait = ToTimespec(min_delay > spent ? min_delay - spent : 0);
      }
      r = ::ppoll(pollfds.data(), pollfds.size(), block && !any_clock ? nullptr : &wait, nullptr);
      if (r >= 0 || errno != EINTR) break;  // EINTR: retry with what is left of the delay
    }
    if (r < 0) return Ret(ErrnoFromHost(errno));
    timed_out = r == 0 && block && any_clock;
  } else if (any_clock && block) {
    // An absolute deadline on the monotonic clock, so EINTR resumes with what is left. A delay
    // beyond the clock's range saturates (it would never expire anyway).
    uint64_t deadline_ns = min_delay > UINT64_MAX - start ? UINT64_MAX : start + min_delay;
    timespec deadline = ToTimespec(deadline_ns);
    int rc;
    while ((rc = ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr)) == EINTR) {
    }
    if (rc != 0) return Ret(ErrnoFromHost(rc));
    timed_out = true;
  }
  const uint64_t elapsed = Now(CLOCK_MONOTONIC) - start;

  // Collect events in subscription order.
  uint32_t n = 0;
  for (const Subscription& s : subs) {
    uint64_t at = out + static_cast<uint64_t>(n) * layout::kEventSize;
    if (s.error != Errno::kSuccess) {
      StoreEvent(mem, at, s, s.error, 0, 0);
      ++n;
    } else if (s.type == kEventClock) {
      if (s.delay_ns <= elapsed || (timed_out && s.delay_ns == min_delay)) {
        StoreEvent(mem, at, s, Errno::kSuccess, 0, 0);
        ++n;
      }
    } else {
      const pollfd& p = pollfds[s.pollfd_index];
      if (p.revents == 0) continue;
      Errno error = Errno::kSuccess;
      if (p.revents & POLLNVAL) error = Errno::kBadf;
      uint64_t nbytes = 0;
      if (s.type == kEventFdRead) {
        int avail = 0;
        if (::ioctl(p.fd, FIONREAD, &avail) == 0 && avail > 0) {
          nbytes = static_cast<uint64_t>(avail);
        }
      }
      uint16_t flags = (p.revents & POLLHUP) ? kEventRwHangup : 0;
      StoreEvent(mem, at, s, error, nbytes, flags);
      ++n;
    }
  }
  mem.StoreUnchecked<uint32_t>(nevents_ptr, n);
  return Ret(Errno::kSuccess);
}

}  // namespace egret::wasi::internal
