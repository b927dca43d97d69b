// guest_memory.h: a bounds-checked view of a wasm32 linear memory for host functions.
//
// A WASI host function receives guest pointers as u32 offsets. Every access to the bytes they
// name goes through GuestMemory, which checks `offset + length <= size` in 64-bit arithmetic
// (so `ptr + len` cannot wrap) before forming a host pointer. A failed check means the guest
// passed a bad pointer: the host function returns EFAULT and touches nothing.
//
// Invariants:
//  - A GuestMemory is a snapshot {base, size} taken by the runtime for one host call. Linear
//    memory can grow between calls (and move, when it is not a fixed reservation), so the runtime
//    re-reads base and size for every call; nothing here caches them across calls.
//  - Loads and stores are little-endian (the wasm byte order) and need no alignment.
//  - Host functions validate every output location before their first side effect when they
//    can, so a bad result pointer does not leave a half-done operation behind.
#ifndef EGRET_RUNTIME_WASI_GUEST_MEMORY_H_
#define EGRET_RUNTIME_WASI_GUEST_MEMORY_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

namespace egret::wasi {

static_assert(std::endian::native == std::endian::little,
              "guest memory accessors assume a little-endian host, like every egret target");

class GuestMemory {
 public:
  GuestMemory() = default;
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  uint8_t* base() const { return base_; }
  uint64_t size() const { return size_; }

  // True when [offset, offset + length) lies inside the memory. Works for any u64 inputs.
  bool InBounds(uint64_t offset, uint64_t length) const {
    return offset <= size_ && length <= size_ - offset;
  }

  // The bytes [offset, offset + length) as a span; false (and *out untouched) when out of
  // bounds. A zero-length range at offset == size is in bounds.
  bool Span(uint64_t offset, uint64_t length, std::span<uint8_t>* out) const {
    if (!InBounds(offset, length)) return false;
    *out = std::span<uint8_t>(base_ + offset, static_cast<size_t>(length));
    return true;
  }

  // An array of `count` elements of `elem_size` bytes at `offset`; the product is formed in 64
  // bits, so a huge count cannot wrap to a small length.
  bool ArrayInBounds(uint64_t offset, uint32_t count, uint32_t elem_size) const {
    return InBounds(offset, static_cast<uint64_t>(count) * elem_size);
  }

  // Reads a T at offset. The caller has checked the bounds (InBounds(offset, sizeof(T))).
  template <class T>
  T LoadUnchecked(uint64_t offset) const {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, base_ + offset, sizeof(T));
    return value;
  }
  template <class T>
  void StoreUnchecked(uint64_t offset, T value) const {
    static_assert(std::is_trivially_copyable_v<T>);
    std::memcpy(base_ + offset, &value, sizeof(T));
  }

  // Checked forms: false (and no access) when out of bounds.
  template <class T>
  bool Load(uint64_t offset, T* out) const {
    if (!InBounds(offset, sizeof(T))) return false;
    *out = LoadUnchecked<T>(offset);
    return true;
  }
  template <class T>
  bool Store(uint64_t offset, T value) const {
    if (!InBounds(offset, sizeof(T))) return false;
    StoreUnchecked<T>(offset, value);
    return true;
  }

  // A guest string (WASI passes pointer + length, no NUL terminator).
  bool String(uint64_t offset, uint32_t length, std::string_view* out) const {
    if (!InBounds(offset, length)) return false;
    *out = std::string_view(reinterpret_cast<const char*>(base_ + offset), length);
    return true;
  }

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace egret::wasi

#endif  // EGRET_RUNTIME_WASI_GUEST_MEMORY_H_
