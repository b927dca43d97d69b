// memory_image.h: a linear memory's initial contents as a file, mapped copy-on-write.
//
// When every active data segment of a defined memory has a constant offset and lies inside the
// memory's minimum size, the module can build the memory's initial contents once: the bytes of
// all those segments, applied in order, over the host pages they touch, written to an anonymous
// in-memory file (memfd). Each instance then maps that file MAP_PRIVATE | MAP_FIXED over the
// same range of its fresh memory instead of copying the segments: instantiation costs one mmap
// whatever the data size, and pages are copied only when an instance writes them.
//
// Invariants: `offset` and `size` are multiples of the host page size and offset + size is at
// most the memory's minimum size in bytes (64 KiB pages are whole host pages on every supported
// host), so the mapping lies inside the committed, read+write part of the memory, and growing
// the memory (mprotect over the reservation) works across it. Bytes of the range not covered
// by a segment are zero, as in a fresh memory.
#ifndef EGRET_RUNTIME_MEMORY_IMAGE_H_
#define EGRET_RUNTIME_MEMORY_IMAGE_H_

#include <cstdint>
#include <memory>
#include <optional>

#include "artifact/artifact.h"

namespace egret::runtime {

class MemoryImage {
 public:
  // Below this many segment bytes a memory is initialized by copying (cheaper than a mapping).
  static constexpr uint64_t kMinImageBytes = 4096;

  // The image for memory `memory_index` (whole index space; must be a defined memory), or
  // nullptr when its segments must be copied: an offset that is not a constant, a segment
  // outside the minimum size (it traps at instantiation, in spec order), fewer than
  // kMinImageBytes of data, or no memfd on this system.
  static std::unique_ptr<MemoryImage> Build(const artifact::Artifact& artifact,
                                            uint32_t memory_index);
  ~MemoryImage();
  MemoryImage(const MemoryImage&) = delete;
  MemoryImage& operator=(const MemoryImage&) = delete;

  int fd() const { return fd_; }
  uint64_t offset() const { return offset_; }  // in the memory, bytes
  uint64_t size() const { return size_; }

  // The constant offset of an active segment, if it is one (i32.const or i64.const).
  static std::optional<uint64_t> ConstantOffset(const artifact::DataSegment& segment, bool is64);

 private:
  MemoryImage(int fd, uint64_t offset, uint64_t size) : fd_(fd), offset_(offset), size_(size) {}
  int fd_;
  uint64_t offset_;
  uint64_t size_;
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_MEMORY_IMAGE_H_
