// code_memory.h: executable memory for compiled code, never writable and executable at once.
//
// Lifecycle: Allocate() maps fresh read+write pages; the loader copies the text section in and
// patches relocations through writable(); Publish() flips the pages to read+execute (and flushes
// the instruction cache where the architecture needs it). From then on the bytes are immutable
// and writable() is a checked error. The destructor unmaps.
//
// LoadCode() is the whole sequence for an artifact's text: copy, patch builtin addresses, publish.
#ifndef EGRET_RUNTIME_CODE_MEMORY_H_
#define EGRET_RUNTIME_CODE_MEMORY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "artifact/artifact.h"
#include "support/error.h"

namespace egret::runtime {

class CodeMemory {
 public:
  // Maps at least `size` bytes (rounded up to pages; at least one page) read+write.
  static Expected<std::unique_ptr<CodeMemory>> Allocate(size_t size);
  // Maps `size` bytes of file `fd` from `offset` (a multiple of the page size) privately: pages
  // come from the page cache and are shared with every other mapping of the file until written
  // (copy-on-write, only where relocations are patched). Read+write until Publish(). The bytes
  // after `size` up to the end of the last page are whatever the file holds there (or zeros).
  static Expected<std::unique_ptr<CodeMemory>> MapFile(int fd, uint64_t offset, size_t size);
  ~CodeMemory();
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;

  // Only before Publish().
  std::span<uint8_t> writable();
  // Makes the mapping read+execute. Once only.
  Status Publish();

  bool published() const { return published_; }
  const uint8_t* data() const { return base_; }
  size_t size() const { return size_; }  // the requested size, not the mapping's
  uintptr_t start() const { return reinterpret_cast<uintptr_t>(base_); }
  uintptr_t end() const { return start() + size_; }
  bool Contains(uintptr_t pc) const { return pc - start() < size_; }

 private:
  CodeMemory(uint8_t* base, size_t size, size_t mapped)
      : base_(base), size_(size), mapped_(mapped) {}
  uint8_t* base_;
  size_t size_;
  size_t mapped_;
  bool published_ = false;
};

// Copies `artifact.text` into new code memory, patches each relocation with
// `builtins[relocation.target]`, and publishes it. `builtins` must have artifact::kNumBuiltins
// entries when the artifact has relocations.
Expected<std::unique_ptr<CodeMemory>> LoadCode(const artifact::Artifact& artifact,
                                               std::span<const void* const> builtins);
// The same for code already in place (mapped from a file or copied there by the caller, the
// artifact's text being empty): patches the relocations and publishes.
Status PatchAndPublish(CodeMemory& code, const artifact::Artifact& artifact,
                       std::span<const void* const> builtins);

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_CODE_MEMORY_H_
