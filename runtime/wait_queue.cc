// wait_queue.cc: see wait_queue.h.
#include "runtime/wait_queue.h"

#include <atomic>
#include <chrono>

namespace egret::runtime {

WaitQueue& WaitQueue::Global() {
  static WaitQueue* const queue = new WaitQueue();  // never destroyed: threads may outlive exit
  return *queue;
}

WaitQueue::Bucket& WaitQueue::BucketFor(const void* cell) {
  // Cells are at least 4-byte aligned; mix the bits above so neighbouring cells spread out.
  uint64_t x = reinterpret_cast<uintptr_t>(cell) >> 2;
  x *= 0x9e3779b97f4a7c15ull;
  return buckets_[x >> 58];  // the top 6 bits: kBuckets == 64
}

void WaitQueue::Unlink(Bucket& b, Waiter* w) {
  (w->prev ? w->prev->next : b.head) = w->next;
  (w->next ? w->next->prev : b.tail) = w->prev;
  w->prev = w->next = nullptr;
}

WaitQueue::WaitResult WaitQueue::Wait(const void* cell, uint32_t bytes, uint64_t expected,
                                      int64_t timeout_ns) {
  Bucket& b = BucketFor(cell);
  std::unique_lock<std::mutex> lock(b.mu);
  // Wasm code writes the cell with plain and atomic instructions; read it as an atomic.
  const uint64_t now =
      bytes == 4 ? std::atomic_ref<const uint32_t>(*static_cast<const uint32_t*>(cell)).load()
                 : std::atomic_ref<const uint64_t>(*static_cast<const uint64_t*>(cell)).load();
  if (now != expected) return kNotEqual;
  if (timeout_ns == 0) return kTimedOut;
  Waiter w{cell, b.tail, nullptr, {}, false};
  (b.tail ? b.tail->next : b.head) = &w;
  b.tail = &w;
  if (timeout_ns < 0) {
    w.cv.wait(lock, [&] { return w.woken; });
  } else {
    w.cv.wait_for(lock, std::chrono::nanoseconds(timeout_ns), [&] { return w.woken; });
  }
  if (w.woken) return kOk;  // Notify unlinked it
  Unlink(b, &w);
  return kTimedOut;
}

uint32_t WaitQueue::Notify(const void* cell, uint32_t count) {
  Bucket& b = BucketFor(cell);
  std::lock_guard<std::mutex> lock(b.mu);
  uint32_t woken = 0;
  for (Waiter* w = b.head; w != nullptr && woken < count;) {
    Waiter* next = w->next;
    if (w->cell == cell) {
      Unlink(b, w);
      w->woken = true;
      w->cv.notify_one();  // under the lock: the waiter cannot return and free `w` before
      ++woken;
    }
    w = next;
  }
  return woken;
}

uint32_t WaitQueue::NumWaiters(const void* cell) {
  Bucket& b = BucketFor(cell);
  std::lock_guard<std::mutex> lock(b.mu);
  uint32_t n = 0;
  for (Waiter* w = b.head; w != nullptr; w = w->next) n += w->cell == cell;
  return n;
}

}  // namespace egret::runtime
