// code_buffer.h: the growable byte array a MachBuffer emits into.
//
// Emission appends a few bytes per instruction, so the append is inline and copies byte by byte
// when it fits (std::vector::insert was an out-of-line call plus a memmove per instruction). The
// storage is per thread: a CodeBuffer takes the thread's spare storage when constructed and
// gives its own back when destroyed, so a worker that emits many functions one after another
// grows its buffer once instead of doubling it up from nothing for each function.
//
// Invariants: size() <= capacity() <= kMaxBytes; bytes [0, size()) are the code; resize() and
// the appends never leave a byte of [0, size()) unwritten (new bytes from resize are zero).
#ifndef EGRET_MACHBUFFER_CODE_BUFFER_H_
#define EGRET_MACHBUFFER_CODE_BUFFER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "support/error.h"

namespace egret {

class CodeBuffer {
 public:
  // Offsets are uint32_t and UINT32_MAX means "none": a buffer never holds more than this.
  static constexpr size_t kMaxBytes = UINT32_MAX - 1;

  CodeBuffer() { storage_.swap(Spare()); }
  ~CodeBuffer() {
    if (storage_.capacity() > Spare().capacity()) Spare().swap(storage_);
  }
  CodeBuffer(CodeBuffer&& other) noexcept
      : storage_(std::move(other.storage_)), size_(other.size_) {
    other.storage_.clear();
    other.size_ = 0;
  }
  CodeBuffer& operator=(CodeBuffer&& other) noexcept {
    storage_.swap(other.storage_);
    std::swap(size_, other.size_);
    return *this;
  }
  CodeBuffer(const CodeBuffer&) = delete;
  CodeBuffer& operator=(const CodeBuffer&) = delete;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return storage_.size(); }
  uint8_t* data() { return storage_.data(); }
  const uint8_t* data() const { return storage_.data(); }
  uint8_t& operator[](size_t i) { return storage_[i]; }
  uint8_t operator[](size_t i) const { return storage_[i]; }
  std::span<const uint8_t> view() const { return {storage_.data(), size_}; }

  void push_back(uint8_t b) {
    if (size_ == storage_.size()) Grow(size_ + 1);
    storage_[size_++] = b;
  }
  void append(const uint8_t* p, size_t n) {
    if (n > storage_.size() - size_) Grow(size_ + n);
    uint8_t* out = storage_.data() + size_;
    if (n <= 16) {
      for (size_t k = 0; k < n; ++k) out[k] = p[k];
    } else {
      std::memcpy(out, p, n);
    }
    size_ += n;
  }
  // In-place appends: Reserve(n) makes n bytes past size() writable and returns them; the
  // caller writes up to n bytes there and Commit(k), k <= n, appends the first k (an encoder
  // writing an instruction of unknown length straight into the code, with no copy).
  uint8_t* Reserve(size_t n) {
    if (n > storage_.size() - size_) Grow(size_ + n);
    return storage_.data() + size_;
  }
  void Commit(size_t k) {
    EGRET_DCHECK(k <= storage_.size() - size_);
    size_ += k;
  }
  // Room for `n` bytes in the allocation (a size known up front: a whole text section), so that
  // appends up to it never move the code; as with growth, no byte of it is touched until code
  // reaches it.
  void ReserveCapacity(size_t n) {
    n = std::min(n, kMaxBytes);
    if (n > storage_.capacity()) storage_.reserve(n);
  }
  // Shrinks, or grows with zero bytes.
  void resize(size_t n) {
    if (n > storage_.size()) Grow(n);
    if (n > size_) std::memset(storage_.data() + size_, 0, n - size_);
    size_ = n;
  }
  void clear() { size_ = 0; }
  // The code as a vector, leaving this buffer empty. Up to kCopyLimit bytes (a function) it is
  // copied out at exactly its size and the storage stays for reuse; above (a whole text
  // section) the storage itself is handed over, so the code never exists twice.
  static constexpr size_t kCopyLimit = size_t{1} << 18;
  std::vector<uint8_t> Release() {
    std::vector<uint8_t> out;
    if (size_ <= kCopyLimit) {
      out.assign(storage_.data(), storage_.data() + size_);
    } else {
      storage_.resize(size_);
      out.swap(storage_);
    }
    size_ = 0;
    return out;
  }

 private:
  // Makes at least `min_size` bytes writable. The allocation grows geometrically (reserve), the
  // writable region (storage_.size(), zero-filled by resize) only in steps of kGrowStep beyond
  // what is needed: pages of the allocation that no code reached are never touched, so they
  // cost no resident memory (a text section's buffer is up to twice its code).
  static constexpr size_t kGrowStep = 4096;
  void Grow(size_t min_size) {
    EGRET_CHECK(min_size <= kMaxBytes);
    if (min_size > storage_.capacity()) {
      size_t cap = storage_.capacity() < 256 ? 256 : storage_.capacity() * 2;
      if (cap < min_size) cap = min_size;
      if (cap > kMaxBytes) cap = kMaxBytes;
      storage_.reserve(cap);
    }
    storage_.resize(std::min(storage_.capacity(), min_size + kGrowStep));
  }
  // The thread's spare storage (the largest one given back so far).
  static std::vector<uint8_t>& Spare() {
    thread_local std::vector<uint8_t> spare;
    return spare;
  }

  std::vector<uint8_t> storage_;  // its size is the writable capacity (zeroed when made writable)
  size_t size_ = 0;
};

}  // namespace egret

#endif  // EGRET_MACHBUFFER_CODE_BUFFER_H_
