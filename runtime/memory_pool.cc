// memory_pool.cc: see memory_pool.h.
#include "runtime/memory_pool.h"

#include <sys/mman.h>

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

}  // namespace egret::runtime
