// memory_pool.cc: see memory_pool.h.
#include "runtime/memory_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace egret::runtime {

MemoryPool::~MemoryPool() {
  for (auto [base, bytes] : free_) munmap(base, bytes);
}

uint8_t* MemoryPool::Take(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < free_.size(); ++i) {
    if (free_[i].second != bytes) continue;
    uint8_t* base = free_[i].first;
    free_[i] = free_.back();
    free_.pop_back();
    ++reused_;
    return base;
  }
  return nullptr;
}

void MemoryPool::Give(uint8_t* base, uint64_t bytes, uint64_t committed, bool imaged) {
  bool reset = true;
  if (committed > 0) {
    if (imaged) {
      // Fresh anonymous pages over the image's file mapping (and the rest): zero, PROT_NONE.
      reset = mmap(base, committed, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) != MAP_FAILED;
    } else {
      reset =
          madvise(base, committed, MADV_DONTNEED) == 0 && mprotect(base, committed, PROT_NONE) == 0;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (reset && free_.size() < max_free_) {
      free_.emplace_back(base, bytes);
      return;
    }
  }
  munmap(base, bytes);
}

size_t MemoryPool::free_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return free_.size();
}

uint64_t MemoryPool::reused() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reused_;
}

Expected<std::unique_ptr<SlotPool>> SlotPool::Create(std::string what, std::string setting,
                                                     size_t count, uint64_t slot_bytes) {
  const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
  if (count == 0 || slot_bytes == 0 || count > UINT32_MAX)
    return Error("pooling: the " + what + " pool needs 1 to 2^32-1 slots of at least 1 byte (" +
                 setting + ")");
  const uint64_t rounded = (slot_bytes + page - 1) / page * page;
  if (rounded < slot_bytes || rounded > (uint64_t(1) << 47) / count)
    return Error("pooling: the " + what + " pool of " + std::to_string(count) + " slots of " +
                 std::to_string(slot_bytes) + " bytes is too large (" + setting + ")");
  std::unique_ptr<SlotPool> p(new SlotPool());
  p->what_ = std::move(what);
  p->setting_ = std::move(setting);
  p->count_ = count;
  p->slot_bytes_ = rounded;
  p->region_bytes_ = rounded * count;
  void* base = mmap(nullptr, p->region_bytes_, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED)
    return Error("pooling: cannot map " + std::to_string(p->region_bytes_) + " bytes for the " +
                 p->what_ + " pool (" + std::strerror(errno) + ")");
  p->base_ = static_cast<uint8_t*>(base);
  p->free_.reserve(count);
  for (size_t i = count; i-- > 0;) p->free_.push_back(uint32_t(i));
  return p;
}

SlotPool::~SlotPool() {
  if (base_ != nullptr) munmap(base_, region_bytes_);
}

Expected<uint8_t*> SlotPool::Take(uint64_t bytes) {
  if (bytes > slot_bytes_)
    return Error("pooling: a " + what_ + " of " + std::to_string(bytes) +
                 " bytes does not fit the pool's slots of " + std::to_string(slot_bytes_) +
                 " bytes (raise " + setting_ + ")");
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.empty())
    return Error("pooling: the " + what_ + " pool is exhausted: all " + std::to_string(count_) +
                 " slots are in use (raise " + setting_ + ", or destroy stores)");
  const uint32_t i = free_.back();
  free_.pop_back();
  return base_ + uint64_t(i) * slot_bytes_;
}

void SlotPool::Give(uint8_t* slot, uint64_t used, bool zeroed) {
  EGRET_CHECK(slot >= base_ && slot < base_ + region_bytes_ &&
              uint64_t(slot - base_) % slot_bytes_ == 0);
  used = std::min(used, slot_bytes_);
  bool advised = false;
  if (used >= kMadviseBytes) {
    // Whole pages: dropped, zero on the next touch. Slots are page-aligned and whole pages.
    const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
    advised = madvise(slot, (used + page - 1) / page * page, MADV_DONTNEED) == 0;
  }
  if (!advised && !zeroed) std::memset(slot, 0, used);
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(uint32_t(uint64_t(slot - base_) / slot_bytes_));
  if (advised) ++madvised_;
}

size_t SlotPool::in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_ - free_.size();
}

uint64_t SlotPool::madvised() const {
  std::lock_guard<std::mutex> lock(mu_);
  return madvised_;
}

}  // namespace egret::runtime
