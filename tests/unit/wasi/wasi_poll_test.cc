// wasi_poll_test.cc: poll_oneoff with clock and fd subscriptions. Timeouts are a few
// milliseconds so the suite stays fast.
#include <time.h>
#include <unistd.h>

#include "tests/unit/wasi/wasi_fixture.h"

namespace egret::wasi::testing {
namespace {

class PollTest : public WasiFixture {
 protected:
  static constexpr uint32_t kIn = 0x4000;
  static constexpr uint32_t kOut = 0x6000;

  void ClockSub(uint32_t index, uint64_t userdata, uint32_t clock, uint64_t timeout,
                uint16_t flags = 0) {
    uint32_t at = kIn + 48 * index;
    std::memset(&memory_[at], 0, 48);
    Store<uint64_t>(at, userdata);
    Store<uint8_t>(at + 8, kEventClock);
    Store<uint32_t>(at + 16, clock);
    Store<uint64_t>(at + 24, timeout);
    Store<uint64_t>(at + 32, 0);
    Store<uint16_t>(at + 40, flags);
  }
  void FdSub(uint32_t index, uint64_t userdata, uint8_t type, uint32_t fd) {
    uint32_t at = kIn + 48 * index;
    std::memset(&memory_[at], 0, 48);
    Store<uint64_t>(at, userdata);
    Store<uint8_t>(at + 8, type);
    Store<uint32_t>(at + 16, fd);
  }
  struct Event {
    uint64_t userdata;
    uint16_t error;
    uint8_t type;
    uint64_t nbytes;
    uint16_t flags;
  };
  Event EventAt(uint32_t i) {
    uint32_t at = kOut + 32 * i;
    return Event{Load<uint64_t>(at), Load<uint16_t>(at + 8), Load<uint8_t>(at + 10),
                 Load<uint64_t>(at + 16), Load<uint16_t>(at + 24)};
  }
  static uint64_t NowNs(clockid_t c) {
    timespec ts;
    ::clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000ull + ts.tv_nsec;
  }
};

TEST_F(PollTest, RelativeClockSleepsAtLeastTheTimeout) {
  ClockSub(0, 7, kClockMonotonic, 3000000);  // 3 ms
  uint64_t before = NowNs(CLOCK_MONOTONIC);
  ASSERT_EQ(Call("poll_oneoff", {kIn, kOut, 1, 0x100}), kOk);
  EXPECT_GE(NowNs(CLOCK_MONOTONIC) - before, 3000000u);
  ASSERT_EQ(Load<uint32_t>(0x100), 1u);
  Event e = EventAt(0);
  EXPECT_EQ(e.userdata, 7u);
  EXPECT_EQ(e.error, 0);
  EXPECT_EQ(e.type, kEventClock);
}

TEST_F(PollTest, AbsoluteClockInThePastFiresImmediately) {
  ClockSub(0, 1, kClockRealtime, NowNs(CLOCK_REALTIME) - 1000000000ull, kSubclockAbstime);
  // 5 s ahead: must not fire, and must not be waited for either (the expired one is ready).
  ClockSub(1, 2, kClockMonotonic, NowNs(CLOCK_MONOTONIC) + 5000000000ull, kSubclockAbstime);
  uint64_t before = NowNs(CLOCK_MONOTONIC);
  ASSERT_EQ(Call("poll_oneoff", {kIn, kOut, 2, 0x100}), kOk);
  EXPECT_LT(NowNs(CLOCK_MONOTONIC) - before, 1000000000u);
  ASSERT_EQ(Load<uint32_t>(0x100), 1u);  // only the expired one
  EXPECT_EQ(EventAt(0).userdata, 1u);
}

TEST_F(PollTest, EarliestOfSeveralClocksWins) {
  ClockSub(0, 10, kClockMonotonic, 5000000000ull);  // 5 s: must not be waited for
  ClockSub(1, 11, kClockMonotonic, 1000000);
  uint64_t before = NowNs(CLOCK_MONOTONIC);
  ASSERT_EQ(Call("poll_oneoff", {kIn, kOut, 2, 0x100}), kOk);
  EXPECT_LT(NowNs(CLOCK_MONOTONIC) - before, 1000000000u);
  ASSERT_EQ(Load<uint32_t>(0x100), 1u);
  EXPECT_EQ(EventAt(0).userdata, 11u);
}

TEST_F(PollTest, WritableAndReadableFds) {
  FdSub(0, 1, kEventFdWrite, 1);  // the stdout pipe has room
  ASSERT_EQ(Call("poll_oneoff", {kIn, kOut, 1, 0x100}), kOk);
  ASSERT_EQ(Load<uint32_t>(0x100), 1u);
  EXPECT_EQ(EventAt(0).type, kEventFdWrite);
  EXPECT_EQ(EventAt(0).error, 0);

  // stdin has nothing yet: a read subscription with a short clock times out.
  FdSub(0, 2, kEventFdRead, 0);
  ClockSub(1, 3, kClockMonotonic, 2000000);
  ASSERT_EQ(Call("poll_oneoff", {kIn, kOut, 2, 0x100}), kOk);
  ASSERT_EQ(Load<uint32_t>(0x100), 1u);
  EXPECT_EQ(EventAt(0).userdata, 3u);

  // Once data arrives, the read subscription fires and reports how much is there.
  ASSERT_EQ(::write(stdin_pipe_[1], "hello", 5), 5);
  ClockSub(1, 3, kClockMonotonic, 5000000000ull);
  ASSERT_EQ(Call("poll_oneoff", {kIn, kOut, 2, 0x100}), kOk);
  ASSERT_EQ(Load<uint32_t>(0x100), 1u);
  EXPECT_EQ(EventAt(0).userdata, 2u);
  EXPECT_EQ(EventAt(0).type, kEventFdRead);
  EXPECT_EQ(EventAt(0).nbytes, 5u);

  // Closing the writer is a hangup.
  EXPECT_EQ(Read(0, 16), "hello");
  ::close(stdin_pipe_[1]);
  stdin_pipe_[1] = -1;
  ASSERT_EQ(Call("poll_oneoff", {kIn, kOut, 2, 0x100}), kOk);
  ASSERT_GE(Load<uint32_t>(0x100), 1u);
  EXPECT_EQ(EventAt(0).flags, kEventRwHangup);
}

TEST_F(PollTest, BadFdAndBadClockBecomeErrorEventsWithoutBlocking) {
  FdSub(0, 1, kEventFdRead, 99);
  ClockSub(1, 2, 42, 1000);
  ClockSub(2, 3, kClockMonotonic, 5000000000ull);
  uint64_t before = NowNs(CLOCK_MONOTONIC);
  ASSERT_EQ(Call("poll_oneoff", {kIn, kOut, 3, 0x100}), kOk);
  EXPECT_LT(NowNs(CLOCK_MONOTONIC) - before, 1000000000u);
  ASSERT_EQ(Load<uint32_t>(0x100), 2u);
  EXPECT_EQ(EventAt(0).userdata, 1u);
  EXPECT_EQ(EventAt(0).error, E(Errno::kBadf));
  EXPECT_EQ(EventAt(1).userdata, 2u);
  EXPECT_EQ(EventAt(1).error, E(Errno::kInval));
}

TEST_F(PollTest, HugeTimeoutsNeverFireEarly) {
  // A relative timeout near 2^64 ns must not wrap into "already expired".
  ClockSub(0, 1, kClockMonotonic, UINT64_MAX);
  FdSub(1, 2, kEventFdWrite, 1);
  ASSERT_EQ(Call("poll_oneoff", {kIn, kOut, 2, 0x100}), kOk);
  ASSERT_EQ(Load<uint32_t>(0x100), 1u);
  EXPECT_EQ(EventAt(0).userdata, 2u);
  ClockSub(0, 1, kClockMonotonic, UINT64_MAX - 5);
  FdSub(1, 3, kEventFdRead, 1234);  // bad fd: an error event, so the call must not block
  ASSERT_EQ(Call("poll_oneoff", {kIn, kOut, 2, 0x100}), kOk);
  ASSERT_EQ(Load<uint32_t>(0x100), 1u);
  EXPECT_EQ(EventAt(0).userdata, 3u);
  EXPECT_EQ(EventAt(0).error, E(Errno::kBadf));
}

TEST_F(PollTest, InvalidCallsAreRejected) {
  EXPECT_EQ(Call("poll_oneoff", {kIn, kOut, 0, 0x100}), E(Errno::kInval));
  ClockSub(0, 1, kClockMonotonic, 0);
  Store<uint8_t>(kIn + 8, 9);  // unknown event type
  EXPECT_EQ(Call("poll_oneoff", {kIn, kOut, 1, 0x100}), E(Errno::kInval));
  ClockSub(0, 1, kClockMonotonic, 0);
  EXPECT_EQ(Call("poll_oneoff", {kMemorySize - 47, kOut, 1, 0x100}), E(Errno::kFault));
  EXPECT_EQ(Call("poll_oneoff", {kIn, kMemorySize - 31, 1, 0x100}), E(Errno::kFault));
  EXPECT_EQ(Call("poll_oneoff", {kIn, kOut, 1, kMemorySize - 3}), E(Errno::kFault));
  EXPECT_EQ(Call("poll_oneoff", {kIn, kOut, 0x10000000u, 0x100}), E(Errno::kFault));
}

TEST_F(PollTest, InAndOutMayOverlap) {
  ClockSub(0, 5, kClockMonotonic, 0);
  ClockSub(1, 6, kClockMonotonic, 0);
  ASSERT_EQ(Call("poll_oneoff", {kIn, kIn, 2, 0x100}), kOk);
  ASSERT_EQ(Load<uint32_t>(0x100), 2u);
  EXPECT_EQ(Load<uint64_t>(kIn), 5u);
  EXPECT_EQ(Load<uint64_t>(kIn + 32), 6u);
}

}  // namespace
}  // namespace egret::wasi::testing
