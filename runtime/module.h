// module.h: a compiled module ready to instantiate: a validated artifact, its code mapped
// read+execute and registered for trap handling, its VMContext layout, and its signature ids.
//
// A Module is immutable and shared (std::shared_ptr) by all its instances; its code stays mapped
// and registered until the last owner releases it. The Engine must outlive it.
#ifndef EGRET_RUNTIME_MODULE_H_
#define EGRET_RUNTIME_MODULE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "artifact/artifact.h"
#include "artifact/vmoffsets.h"
#include "runtime/code_memory.h"
#include "runtime/code_registry.h"
#include "runtime/engine.h"
#include "runtime/memory_image.h"
#include "runtime/profiling/profiler.h"
#include "runtime/vmfuncref.h"
#include "support/error.h"

namespace egret::runtime {

// How Module::DeserializeFile loads an artifact file.
struct DeserializeOptions {
  // Checksum64 over the whole payload, code included: catches a damaged or truncated file, but
  // reads every code byte at load. A trusted cache (files this embedder wrote, on storage only it
  // writes) may turn it off: the structural checks of every metadata field still run, and the
  // code pages are then never touched at load (they fault in from the page cache when run).
  bool verify_checksum = true;
  // Map the text section from the file (the default). Off: copy it into anonymous memory, as
  // FromBytes does (the old path, kept for comparison and for files whose text is not
  // page-aligned, which are copied either way).
  bool map_code = true;
};

class Module {
 public:
  // Loads an artifact file: maps it read-only, validates the header and every metadata field
  // (ReadArtifact, without copying the text), then maps the text section from the file
  // privately (copy-on-write) and makes it executable in place; relocations are patched into
  // private copies of the pages they touch. Errors name the file. The file must not be
  // modified in place while the module lives: its unwritten code pages are the page cache's
  // (write a new file and rename it over the old one instead, as `egret compile -o` should).
  static Expected<std::shared_ptr<const Module>> DeserializeFile(
      Engine& engine, const std::string& path, const DeserializeOptions& options = {});
  // Reads and validates a serialized artifact, then loads it.
  static Expected<std::shared_ptr<const Module>> FromBytes(Engine& engine,
                                                           std::span<const uint8_t> bytes);
  // Loads an artifact (e.g. one the compiler just produced in memory: the JIT path). The
  // artifact must satisfy ReadArtifact's invariants; the compiler round-trips in debug builds.
  static Expected<std::shared_ptr<const Module>> FromArtifact(Engine& engine,
                                                              artifact::Artifact artifact);

  Engine& engine() const { return *engine_; }
  const artifact::Artifact& artifact() const { return artifact_; }
  const artifact::VMOffsets& offsets() const { return offsets_; }
  // Engine-wide signature id per module type index (VMContext::signature_ids points here).
  const std::vector<uint32_t>& signature_ids() const { return signature_ids_; }
  // The type of function `func_index` in the whole index space.
  const artifact::FuncType& FunctionType(uint32_t func_index) const;
  // The loaded code's size (artifact().text is empty when the code was mapped from a file).
  size_t code_size() const { return code_->size(); }
  uint32_t num_imported_functions() const { return offsets_.counts().imported_functions; }

  // Entry points of defined function `defined_index` (index into artifact().functions).
  const void* WasmCall(uint32_t defined_index) const;
  ArrayCallFn ArrayCall(uint32_t defined_index) const;  // nullptr if it has none
  // The module's wasm-to-array trampoline for `type_index`, or nullptr.
  const void* WasmToArrayTrampoline(uint32_t type_index) const;

  // The copy-on-write image of defined memory `memory_index`'s data segments (whole index
  // space), or nullptr if they are copied at instantiation (memory_image.h says when). Built
  // on first use, for all memories at once; thread-safe.
  const MemoryImage* memory_image(uint32_t memory_index) const;

  // O(1): exports are indexed by name at load.
  std::optional<artifact::Export> FindExport(std::string_view name) const;

 private:
  Module() = default;
  // The shared tail of every constructor: layout, signatures, exports, then the code (loaded
  // from artifact.text when `code` is null, else already in place and published by the caller)
  // registered for trap handling and announced to the profiler.
  static Expected<std::shared_ptr<const Module>> Create(Engine& engine, artifact::Artifact artifact,
                                                        std::unique_ptr<CodeMemory> code);
  Engine* engine_ = nullptr;
  artifact::Artifact artifact_;
  artifact::VMOffsets offsets_;
  std::vector<uint32_t> signature_ids_;
  std::vector<uint32_t> func_type_index_;  // whole function index space → type index
  std::unordered_map<std::string_view, uint32_t> export_index_;  // views into artifact_
  std::unique_ptr<CodeMemory> code_;
  CodeRegistration registration_;
  mutable std::once_flag images_once_;
  mutable std::vector<std::unique_ptr<MemoryImage>> images_;  // by memory index; null: copy
  // Declared after code_: destroyed (unregistered from gdb) before the code is unmapped.
  std::unique_ptr<profiling::ModuleProfile> profile_;
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_MODULE_H_
