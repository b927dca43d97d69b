// linear_memory.cc: see linear_memory.h.
#include "runtime/linear_memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "artifact/format.h"
#include "runtime/memory_image.h"
#include "runtime/memory_pool.h"

namespace egret::runtime {

Expected<std::unique_ptr<LinearMemory>> LinearMemory::Create(const artifact::MemoryType& type,
                                                             const LinearMemoryConfig& config) {
  std::unique_ptr<LinearMemory> m(new LinearMemory());
  m->type_ = type;
  const uint64_t type_max = type.limits.max.value_or(type.is64 ? artifact::kMaxMemory64Pages
                                                               : artifact::kMaxMemory32Pages);
  m->max_pages_ = std::min(type_max, config.max_pages_cap);
  if (type.limits.min > m->max_pages_)
    return Error("memory: minimum of " + std::to_string(type.limits.min) +
                 " pages exceeds the limit of " + std::to_string(m->max_pages_) + " pages");
  if (m->max_pages_ > (uint64_t{1} << 47) / kPageSize)
    return Error("memory: maximum of " + std::to_string(m->max_pages_) +
                 " pages is more than this host can reserve");
  m->guard_ = config.guard_pages && !type.is64;
  if (m->guard_) {
    if (config.guard_bytes > (uint64_t{1} << 40)) return Error("memory: guard region too large");
    m->reserved_ = k4GiB + config.guard_bytes;
  } else {
    m->reserved_ = std::max<uint64_t>(m->max_pages_ * kPageSize, kPageSize);
  }
  m->pool_ = config.pool;
  void* p = m->pool_ != nullptr ? m->pool_->Take(m->reserved_) : nullptr;
  if (p == nullptr)
    p = mmap(nullptr, m->reserved_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return Error("memory: reserving " + std::to_string(m->reserved_) +
                 " bytes of address space failed: " + std::strerror(errno));
  m->base_ = static_cast<uint8_t*>(p);
  m->def_->base = m->base_;
  m->def_->current_length = 0;
  if (type.limits.min > 0 && m->Grow(type.limits.min) != 0)
    return Error("memory: committing " + std::to_string(type.limits.min) + " pages failed");
  return m;
}

LinearMemory::~LinearMemory() {
  if (base_ == nullptr) return;
  if (pool_ != nullptr)
    pool_->Give(base_, reserved_, size_bytes(), imaged_);
  else
    munmap(base_, reserved_);
}

int64_t LinearMemory::Grow(uint64_t delta_pages) {
  std::lock_guard<std::mutex> lock(grow_mu_);
  const uint64_t old = pages_.load(std::memory_order_relaxed);
  if (delta_pages > max_pages_ - old) return -1;
  if (delta_pages == 0) return int64_t(old);
  const uint64_t new_pages = old + delta_pages;
  if (mprotect(base_ + old * kPageSize, delta_pages * kPageSize, PROT_READ | PROT_WRITE) != 0)
    return -1;
  pages_.store(new_pages, std::memory_order_release);
  // Compiled code on other threads reads current_length with plain loads (aligned 8-byte
  // loads are atomic on x86-64 and aarch64); publish it after the pages are accessible.
  std::atomic_ref<uint64_t>(def_->current_length)
      .store(new_pages * kPageSize, std::memory_order_release);
  return int64_t(old);
}

Status LinearMemory::MapImage(const MemoryImage& image) {
  if (image.size() > size_bytes() || image.offset() > size_bytes() - image.size())
    return Error("memory: the image does not fit the memory's current size");
  void* p = mmap(base_ + image.offset(), image.size(), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_FIXED, image.fd(), 0);
  if (p == MAP_FAILED)
    return Error(std::string("memory: mapping the data image failed: ") + std::strerror(errno));
  imaged_ = true;
  return Status::Ok();
}

void LinearMemory::RelocateDefinition(VMMemoryDefinition* where) {
  EGRET_CHECK(where != nullptr);
  *where = *def_;
  def_ = where;
}

uint8_t* LinearMemory::Checked(uint64_t offset, uint64_t len) const {
  return InBounds(offset, len) ? base_ + offset : nullptr;
}

std::optional<TrapCode> LinearMemory::Fill(uint64_t dst, uint8_t value, uint64_t len) {
  if (!InBounds(dst, len)) return TrapCode::kHeapOutOfBounds;
  if (len > 0) std::memset(base_ + dst, value, len);
  return std::nullopt;
}

std::optional<TrapCode> LinearMemory::Copy(uint64_t dst, uint64_t src, uint64_t len) {
  return CopyBetween(*this, dst, *this, src, len);
}

std::optional<TrapCode> LinearMemory::CopyBetween(LinearMemory& dst_memory, uint64_t dst,
                                                  const LinearMemory& src_memory, uint64_t src,
                                                  uint64_t len) {
  if (!dst_memory.InBounds(dst, len) || !src_memory.InBounds(src, len))
    return TrapCode::kHeapOutOfBounds;
  if (len > 0) std::memmove(dst_memory.base_ + dst, src_memory.base_ + src, len);
  return std::nullopt;
}

std::optional<TrapCode> LinearMemory::Init(uint64_t dst, std::span<const uint8_t> segment,
                                           uint64_t src, uint64_t len) {
  if (!InBounds(dst, len) || len > segment.size() || src > segment.size() - len)
    return TrapCode::kHeapOutOfBounds;
  if (len > 0) std::memcpy(base_ + dst, segment.data() + src, len);
  return std::nullopt;
}

}  // namespace egret::runtime
