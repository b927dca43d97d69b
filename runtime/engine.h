// engine.h: process-level configuration and state shared by every store and module.
//
// An Engine owns the SignatureRegistry (so type ids agree across modules), the table of builtin
// function pointers that every VMContext points to, and the limits new memories, tables and
// stacks get. It is immutable after construction apart from the (internally locked) registry, so
// it may be shared between threads.
#ifndef EGRET_RUNTIME_ENGINE_H_
#define EGRET_RUNTIME_ENGINE_H_

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "artifact/builtin.h"
#include "runtime/linear_memory.h"
#include "runtime/memory_pool.h"
#include "runtime/profiling/profiling_mode.h"
#include "runtime/signature_registry.h"
#include "runtime/table.h"

namespace egret::runtime {

namespace profiling {
class Profiler;
}

struct EngineConfig {
  LinearMemoryConfig memory;
  uint64_t max_table_elements = Table::kDefaultMaxElements;
  size_t max_wasm_stack = 512 * 1024;  // bytes of native stack Wasm may use per host entry
  // Initialize linear memories from copy-on-write images of their data segments where possible
  // (memory_image.h); off: always copy the segments.
  bool memory_images = true;
  // Pooling: up to this many linear-memory reservations are kept when their Store dies and
  // reused by later instances (memory_pool.h); 0 (the default) maps and unmaps each one.
  size_t pooled_memories = 0;
  // Pooling of tables and VMContexts (memory_pool.h's SlotPool): when pooled_tables > 0, each
  // table an instance defines lives in one of pooled_tables slots of pooled_table_elements
  // elements (its maximum is capped there: table.grow beyond returns -1); when pooled_vmctxs > 0,
  // each VMContext in one of pooled_vmctxs slots of pooled_vmctx_bytes. Slots return to the pool,
  // reset, when their Store dies. A full pool, or a table or VMContext larger than a slot, makes
  // instantiation fail with an error naming the setting. Tables the host creates
  // (Store::NewTable) are not pooled.
  size_t pooled_tables = 0;
  uint64_t pooled_table_elements = 10'000;
  size_t pooled_vmctxs = 0;
  uint64_t pooled_vmctx_bytes = 16 * 1024;
  // Announce every loaded module's code to perf and/or gdb (runtime/profiling/, docs/profiling.md).
  profiling::ProfilingMode profiling = profiling::ProfilingMode::kNone;
  std::string jitdump_dir;  // where kJitDump writes jit-PID.dump; empty: the current directory
  // Entries of each store's externref activations table (extern_ref.h): a collection runs when
  // it is full. Smaller means more frequent, shorter collections.
  size_t externref_activations = 512;
};

class Engine {
 public:
  explicit Engine(EngineConfig config = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineConfig& config() const { return config_; }
  SignatureRegistry& signatures() { return signatures_; }
  const SignatureRegistry& signatures() const { return signatures_; }
  // kNumBuiltins entries, indexed by artifact::Builtin; VMContext::builtins points here.
  std::span<const void* const> builtins() const { return builtins_; }
  // nullptr when config().profiling is kNone.
  profiling::Profiler* profiler() const { return profiler_.get(); }
  // nullptr unless config().pooled_memories > 0.
  MemoryPool* memory_pool() const { return memory_pool_.get(); }
  // nullptr unless config().pooled_tables (pooled_vmctxs) > 0; an error if the pool could not
  // be made (its region not mapped, or the sizes out of range).
  Expected<SlotPool*> table_pool() const { return Pool(table_pool_); }
  Expected<SlotPool*> vmctx_pool() const { return Pool(vmctx_pool_); }

 private:
  EngineConfig config_;
  SignatureRegistry signatures_;
  std::array<const void*, artifact::kNumBuiltins> builtins_;
  std::unique_ptr<profiling::Profiler> profiler_;
  std::unique_ptr<MemoryPool> memory_pool_;
  // A slot pool, or the error that creating it gave (reported by every instantiation).
  using PoolOrError = std::optional<Expected<std::unique_ptr<SlotPool>>>;
  static Expected<SlotPool*> Pool(const PoolOrError& p) {
    if (!p) return static_cast<SlotPool*>(nullptr);
    if (!p->ok()) return p->error();
    return p->value().get();
  }
  PoolOrError table_pool_, vmctx_pool_;
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_ENGINE_H_
