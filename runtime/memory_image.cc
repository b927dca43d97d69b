// memory_image.cc: see memory_image.h.
#include "runtime/memory_image.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "runtime/linear_memory.h"

namespace egret::runtime {

std::optional<uint64_t> MemoryImage::ConstantOffset(const artifact::DataSegment& segment,
                                                    bool is64) {
  if (segment.offset.ops.size() != 1) return std::nullopt;
  const artifact::ConstOp& op = segment.offset.ops[0];
  if (!is64 && op.kind == artifact::ConstOp::Kind::kI32Const) return uint32_t(op.lo);
  if (is64 && op.kind == artifact::ConstOp::Kind::kI64Const) return op.lo;
  return std::nullopt;
}

std::unique_ptr<MemoryImage> MemoryImage::Build(const artifact::Artifact& a,
                                                uint32_t memory_index) {
  const uint32_t imported = a.NumImported(artifact::ExternKind::kMemory);
  if (memory_index < imported || memory_index - imported >= a.memories.size()) return nullptr;
  const artifact::MemoryType& type = a.memories[memory_index - imported];
  if (type.limits.min > (uint64_t{1} << 47) / LinearMemory::kPageSize) return nullptr;
  const uint64_t min_bytes = type.limits.min * LinearMemory::kPageSize;
  uint64_t lo = UINT64_MAX, hi = 0, total = 0;
  for (const artifact::DataSegment& seg : a.data) {
    if (seg.mode != artifact::SegmentMode::kActive || seg.memory_index != memory_index) continue;
    const std::optional<uint64_t> at = ConstantOffset(seg, type.is64);
    if (!at || seg.bytes.size() > min_bytes || *at > min_bytes - seg.bytes.size()) return nullptr;
    if (seg.bytes.empty()) continue;
    lo = std::min(lo, *at);
    hi = std::max(hi, *at + seg.bytes.size());
    total += seg.bytes.size();
  }
  if (total < kMinImageBytes) return nullptr;
  const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
  if (LinearMemory::kPageSize % page != 0) return nullptr;
  lo = lo / page * page;
  hi = (hi + page - 1) / page * page;  // still <= min_bytes: min_bytes is a multiple of page
  // A sparse file of the range's size: pages no segment touches stay holes (zeros) and cost
  // nothing; each segment is written once at its place, in order (a later one overwrites).
  const int fd = memfd_create("egret-memory-image", MFD_CLOEXEC);
  if (fd < 0) return nullptr;
  bool ok = ftruncate(fd, off_t(hi - lo)) == 0;
  for (const artifact::DataSegment& seg : a.data) {
    if (!ok) break;
    if (seg.mode != artifact::SegmentMode::kActive || seg.memory_index != memory_index ||
        seg.bytes.empty())
      continue;
    const uint64_t at = *ConstantOffset(seg, type.is64) - lo;
    size_t written = 0;
    while (ok && written < seg.bytes.size()) {
      const ssize_t n =
          pwrite(fd, seg.bytes.data() + written, seg.bytes.size() - written, off_t(at + written));
      ok = n > 0;
      if (ok) written += size_t(n);
    }
  }
  if (!ok) {
    close(fd);
    return nullptr;
  }
  return std::unique_ptr<MemoryImage>(new MemoryImage(fd, lo, hi - lo));
}

MemoryImage::~MemoryImage() { close(fd_); }

}  // namespace egret::runtime
