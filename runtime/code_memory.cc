// code_memory.cc: see code_memory.h.
#include "runtime/code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "artifact/builtin.h"
#include "runtime/instruction_cache.h"

namespace egret::runtime {

Expected<std::unique_ptr<CodeMemory>> CodeMemory::Allocate(size_t size) {
  const size_t page = size_t(sysconf(_SC_PAGESIZE));
  if (size > (SIZE_MAX >> 1)) return Error("code memory: size too large");
  const size_t mapped = size == 0 ? page : (size + page - 1) / page * page;
  void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return Error("code memory: mmap of " + std::to_string(mapped) +
                 " bytes failed: " + std::strerror(errno));
  return std::unique_ptr<CodeMemory>(new CodeMemory(static_cast<uint8_t*>(p), size, mapped));
}

Expected<std::unique_ptr<CodeMemory>> CodeMemory::MapFile(int fd, uint64_t offset, size_t size) {
  const size_t page = size_t(sysconf(_SC_PAGESIZE));
  if (size == 0 || size > (SIZE_MAX >> 1)) return Error("code memory: bad mapping size");
  if (offset % page != 0) return Error("code memory: file offset is not page-aligned");
  const size_t mapped = (size + page - 1) / page * page;
  void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, off_t(offset));
  if (p == MAP_FAILED)
    return Error("code memory: mapping " + std::to_string(size) +
                 " bytes of the file failed: " + std::strerror(errno));
  return std::unique_ptr<CodeMemory>(new CodeMemory(static_cast<uint8_t*>(p), size, mapped));
}

CodeMemory::~CodeMemory() { munmap(base_, mapped_); }

std::span<uint8_t> CodeMemory::writable() {
  EGRET_CHECK(!published_);
  return {base_, size_};
}

Status CodeMemory::Publish() {
  EGRET_CHECK(!published_);
  // Make the written bytes visible to instruction fetch (aarch64 needs cache maintenance) while
  // the pages are still the loader's, then drop write before adding execute: there is no moment
  // with both.
  FlushInstructionCache(base_, size_);
  if (mprotect(base_, mapped_, PROT_READ | PROT_EXEC) != 0)
    return Error(std::string("code memory: mprotect(PROT_READ|PROT_EXEC) failed: ") +
                 std::strerror(errno));
  published_ = true;
  return Status::Ok();
}

Expected<std::unique_ptr<CodeMemory>> LoadCode(const artifact::Artifact& artifact,
                                               std::span<const void* const> builtins) {
  if (!artifact.relocations.empty() && builtins.size() < artifact::kNumBuiltins)
    return Error("code memory: the artifact has relocations but no builtin table was given");
  EGRET_ASSIGN_OR_RETURN(auto code, CodeMemory::Allocate(artifact.text.size()));
  std::span<uint8_t> w = code->writable();
  if (!artifact.text.empty()) std::memcpy(w.data(), artifact.text.data(), artifact.text.size());
  EGRET_TRY(PatchAndPublish(*code, artifact, builtins));
  return code;
}

Status PatchAndPublish(CodeMemory& code, const artifact::Artifact& artifact,
                       std::span<const void* const> builtins) {
  if (!artifact.relocations.empty() && builtins.size() < artifact::kNumBuiltins)
    return Error("code memory: the artifact has relocations but no builtin table was given");
  std::span<uint8_t> w = code.writable();
  for (const artifact::Relocation& r : artifact.relocations) {
    // The reader guarantees offset + 8 <= text size and target < kNumBuiltins.
    EGRET_CHECK(uint64_t(r.offset) + 8 <= w.size() && r.target < builtins.size());
    const uint64_t address = reinterpret_cast<uintptr_t>(builtins[r.target]);
    std::memcpy(w.data() + r.offset, &address, 8);
  }
  return code.Publish();
}

}  // namespace egret::runtime
