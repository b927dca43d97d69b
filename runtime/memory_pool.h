// memory_pool.h: the pooling allocator: linear-memory reservations (MemoryPool), and table and
// VMContext slots (SlotPool), reused between instances.
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
//
// SlotPool: `count` fixed-size slots in one read+write, MAP_NORESERVE region (pages are
// committed when first touched). The Engine keeps one for tables (each defined table of an
// instance lives in a slot of EngineConfig::pooled_table_elements elements) and one for
// VMContexts (EngineConfig::pooled_vmctx_bytes each). Unlike MemoryPool the number of slots is a
// limit: when all are in use, Take fails with an error naming the pool and the setting to raise,
// and so does a request larger than a slot. Give resets the bytes the user wrote (it says how
// many): memset below kMadviseBytes (1 MiB), madvise(MADV_DONTNEED) of the whole pages above (the
// kernel drops them and gives zero pages on the next touch, so a large slot costs no memory while
// free). Invariant: every free slot reads as zeros (SlotPool.ReuseLeavesNoDataBehind).
#ifndef EGRET_RUNTIME_MEMORY_POOL_H_
#define EGRET_RUNTIME_MEMORY_POOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "support/error.h"

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

class SlotPool {
 public:
  // Resets of at least this many bytes use madvise instead of memset. Below it memset wins: the
  // next user of a slot usually touches what the last one did, and after madvise every page of it
  // faults again (a 10,000-element table: 3.5 us per store with memset, 24 us with madvise).
  static constexpr uint64_t kMadviseBytes = 1024 * 1024;

  // `what` names the pool in errors ("table", "VMContext") and `setting` the EngineConfig fields
  // that size it. Slots are rounded up to whole pages. Fails if the region cannot be mapped.
  static Expected<std::unique_ptr<SlotPool>> Create(std::string what, std::string setting,
                                                    size_t count, uint64_t slot_bytes);
  ~SlotPool();
  SlotPool(const SlotPool&) = delete;
  SlotPool& operator=(const SlotPool&) = delete;

  // A zeroed slot with room for `bytes`, or an error: the request is larger than a slot, or
  // every slot is in use.
  Expected<uint8_t*> Take(uint64_t bytes);
  // Returns a slot whose first `used` bytes may be non-zero; they are zeroed (memset or madvise)
  // before the slot can be taken again. `zeroed`: the user already wrote zeros over them (a
  // table's Clear), so only a large slot is madvised, to give its memory back.
  void Give(uint8_t* slot, uint64_t used, bool zeroed = false);

  uint64_t slot_bytes() const { return slot_bytes_; }
  size_t count() const { return count_; }
  size_t in_use() const;
  uint64_t madvised() const;  // Give calls that reset with madvise

 private:
  SlotPool() = default;

  std::string what_, setting_;
  uint8_t* base_ = nullptr;
  size_t count_ = 0;
  uint64_t slot_bytes_ = 0;
  uint64_t region_bytes_ = 0;
  mutable std::mutex mu_;
  std::vector<uint32_t> free_;  // slot indices; the last returned on top (reused first: warm)
  uint64_t madvised_ = 0;
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_MEMORY_POOL_H_
