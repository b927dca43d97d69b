// memory_pool.h: reserved linear-memory address space reused between instances (pooling).
//
// Without a pool every linear memory maps its reservation (8 GiB of PROT_NONE address space for
// a 32-bit memory with guard pages) and unmaps it when its Store dies. With a pool
// (EngineConfig::pooled_memories > 0) a dying memory hands its reservation back instead, reset:
// its committed pages are discarded with madvise(MADV_DONTNEED) (the kernel gives zero pages on
// the next touch) and made PROT_NONE again, or, where a copy-on-write data image was mapped over
// them, replaced by fresh anonymous memory. The next memory of the same reservation size takes
// it: no mmap, no munmap, and no page of the previous owner's data is ever visible (the test
// MemoryPool.ReuseLeavesNoDataBehind).
//
// Invariant: every reservation in the free list is entirely PROT_NONE and reads as zeros once
// committed. Thread-safe (a mutex around the free list; taking and giving are not on any call
// path, only instantiation and store destruction).
#ifndef EGRET_RUNTIME_MEMORY_POOL_H_
#define EGRET_RUNTIME_MEMORY_POOL_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

namespace egret::runtime {

class MemoryPool {
 public:
  // Keeps at most `max_free` reservations for reuse; more are unmapped.
  explicit MemoryPool(size_t max_free) : max_free_(max_free) {}
  ~MemoryPool();
  MemoryPool(const MemoryPool&) = delete;
  MemoryPool& operator=(const MemoryPool&) = delete;

  // A free reservation of exactly `bytes`, or nullptr (the caller maps a new one).
  uint8_t* Take(uint64_t bytes);
  // Takes back a reservation whose first `committed` bytes were read+write (`imaged`: a data
  // image may be mapped over some of them), resets it, and keeps it if there is room;
  // otherwise unmaps it.
  void Give(uint8_t* base, uint64_t bytes, uint64_t committed, bool imaged);

  size_t free_count() const;
  uint64_t reused() const;  // Take calls that found a reservation

 private:
  const size_t max_free_;
  mutable std::mutex mu_;
  std::vector<std::pair<uint8_t*, uint64_t>> free_;
  uint64_t reused_ = 0;
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_MEMORY_POOL_H_
