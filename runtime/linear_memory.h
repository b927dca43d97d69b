// linear_memory.h: a WebAssembly linear memory backed by a guard-page reservation.
//
// With guard pages (the default for 32-bit memories), the memory reserves 4 GiB of address
// space plus a guard region, all PROT_NONE, and makes the first `pages * 64 KiB` read+write.
// Compiled code then adds a 32-bit index and a 32-bit static offset to the base without any
// bounds check: the sum is below base + 8 GiB, inside the reservation, so an access past the
// current size faults in PROT_NONE memory and the trap handler reports heap_oob. Growing is an
// mprotect of more pages; the base never moves, so compiled code may keep it in a register.
//
// Without guard pages (memory64, or when configured off), the reservation is just the maximum
// size and compiled code must check bounds against VMMemoryDefinition::current_length.
//
// Invariant: definition()->base == base() and definition()->current_length == pages() * 64 KiB
// at all times; the VMContext reads the definition, wherever RelocateDefinition() put it.
//
// Shared memories (threads) are one object imported by instances on several threads. Their
// base never moves (the whole reservation is made up front, as for every memory here), Grow
// serializes on a mutex, and the page count and current_length only ever increase and are
// published with release stores, so a thread that sees the new length also sees the pages
// committed. Host code on another thread reads pages() with an acquire load.
#ifndef EGRET_RUNTIME_LINEAR_MEMORY_H_
#define EGRET_RUNTIME_LINEAR_MEMORY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>

#include "artifact/artifact.h"
#include "runtime/vmfuncref.h"
#include "support/error.h"
#include "support/trap_code.h"

namespace egret::runtime {

struct LinearMemoryConfig {
  bool guard_pages = true;
  uint64_t guard_bytes = uint64_t{4} << 30;  // beyond the 4 GiB of addressable memory
  uint64_t max_pages_cap = 65536;            // the embedder's limit, below the type's maximum
  // Reuse reservations through this pool (memory_pool.h; the Engine's, when pooling is on).
  class MemoryPool* pool = nullptr;
};

class LinearMemory {
 public:
  static constexpr uint64_t kPageSize = 65536;
  static constexpr uint64_t k4GiB = uint64_t{1} << 32;

  static Expected<std::unique_ptr<LinearMemory>> Create(const artifact::MemoryType& type,
                                                        const LinearMemoryConfig& config = {});
  ~LinearMemory();
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;

  uint8_t* base() const { return base_; }
  uint64_t pages() const { return pages_.load(std::memory_order_acquire); }
  uint64_t size_bytes() const { return pages() * kPageSize; }
  uint64_t max_pages() const { return max_pages_; }  // effective: type max, capped by config
  uint64_t reserved_bytes() const { return reserved_; }
  bool has_guard_pages() const { return guard_; }
  const artifact::MemoryType& type() const { return type_; }

  // memory.grow: returns the old page count, or -1 (and changes nothing) if the result would
  // exceed max_pages() or the pages cannot be committed. Thread-safe (see the file comment).
  int64_t Grow(uint64_t delta_pages);

  // Maps `image` over its range of this memory, copy-on-write, replacing what was there (the
  // caller's memory is fresh: instantiation does this instead of copying the data segments).
  // Errors if the range is not inside the current size or the mapping fails.
  Status MapImage(const class MemoryImage& image);

  VMMemoryDefinition* definition() { return def_; }
  // Moves the definition into a VMContext's inline slot (copying the current values).
  void RelocateDefinition(VMMemoryDefinition* where);

  // Host access: a pointer to [offset, offset + len), or nullptr if out of bounds.
  uint8_t* Checked(uint64_t offset, uint64_t len) const;

  // Bulk-memory operations with the spec's bounds checks (checked before any byte is written).
  // They return nullopt on success or TrapCode::kHeapOutOfBounds.
  std::optional<TrapCode> Fill(uint64_t dst, uint8_t value, uint64_t len);
  std::optional<TrapCode> Copy(uint64_t dst, uint64_t src, uint64_t len);  // may overlap
  static std::optional<TrapCode> CopyBetween(LinearMemory& dst_memory, uint64_t dst,
                                             const LinearMemory& src_memory, uint64_t src,
                                             uint64_t len);
  // memory.init: copies segment[src, src + len) to [dst, dst + len). A dropped segment is an
  // empty span.
  std::optional<TrapCode> Init(uint64_t dst, std::span<const uint8_t> segment, uint64_t src,
                               uint64_t len);

 private:
  LinearMemory() = default;
  bool InBounds(uint64_t offset, uint64_t len) const {
    return len <= size_bytes() && offset <= size_bytes() - len;
  }

  artifact::MemoryType type_;
  uint8_t* base_ = nullptr;
  uint64_t reserved_ = 0;
  std::atomic<uint64_t> pages_{0};
  std::mutex grow_mu_;  // serializes Grow (shared memories grow from several threads)
  uint64_t max_pages_ = 0;
  bool guard_ = false;
  class MemoryPool* pool_ = nullptr;  // where the reservation goes back to, if anywhere
  bool imaged_ = false;               // a data image was mapped over part of it
  VMMemoryDefinition own_def_;
  VMMemoryDefinition* def_ = &own_def_;
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_LINEAR_MEMORY_H_
