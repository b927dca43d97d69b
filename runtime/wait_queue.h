// wait_queue.h: the parking lot behind memory.atomic.wait32/wait64 and memory.atomic.notify.
//
// Waiters are keyed by the host address of the watched cell, so every instance (on any thread)
// that shares a memory meets in the same queue. The address space is split into kBuckets
// buckets, each a mutex and an intrusive FIFO list of waiters; a waiter is a node on the
// waiting thread's own stack, so waiting allocates nothing.
//
// Invariant (no lost wake-up): Wait reads the cell and enqueues under the bucket's lock, and
// Notify dequeues under the same lock. A thread that changes the cell and then notifies either
// runs its Notify after the waiter is queued (and wakes it), or changed the cell before the
// waiter's read (which then sees the new value and returns kNotEqual).
#ifndef EGRET_RUNTIME_WAIT_QUEUE_H_
#define EGRET_RUNTIME_WAIT_QUEUE_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace egret::runtime {

class WaitQueue {
 public:
  // The results of memory.atomic.wait*, as the spec numbers them.
  enum WaitResult : uint32_t { kOk = 0, kNotEqual = 1, kTimedOut = 2 };

  // The process-wide queue (memories may be shared between stores and engines).
  static WaitQueue& Global();

  // If the naturally aligned `bytes`-byte cell at `cell` (4 or 8) holds `expected`, sleeps until
  // notified (kOk) or until `timeout_ns` nanoseconds passed (kTimedOut; a negative timeout is
  // infinite). Otherwise returns kNotEqual at once.
  WaitResult Wait(const void* cell, uint32_t bytes, uint64_t expected, int64_t timeout_ns);
  // Wakes up to `count` waiters on `cell`, oldest first; returns how many were woken.
  uint32_t Notify(const void* cell, uint32_t count);
  // Waiters currently queued on `cell` (tests).
  uint32_t NumWaiters(const void* cell);

 private:
  static constexpr int kBuckets = 64;
  struct Waiter {
    const void* cell;
    Waiter* prev;
    Waiter* next;
    std::condition_variable cv;
    bool woken = false;
  };
  struct alignas(64) Bucket {
    std::mutex mu;
    Waiter* head = nullptr;  // oldest
    Waiter* tail = nullptr;
  };
  Bucket& BucketFor(const void* cell);
  static void Unlink(Bucket& b, Waiter* w);

  Bucket buckets_[kBuckets];
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_WAIT_QUEUE_H_
