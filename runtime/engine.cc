// engine.cc: see engine.h.
#include "runtime/engine.h"

#include "runtime/builtins.h"
#include "runtime/profiling/profiler.h"

namespace egret::runtime {

Engine::Engine(EngineConfig config)
    : config_(std::move(config)), builtins_(builtins::BuiltinTable()) {
  if (config_.profiling != profiling::ProfilingMode::kNone)
    profiler_ = std::make_unique<profiling::Profiler>(
        profiling::ProfilerOptions{config_.profiling, config_.jitdump_dir, ""});
  if (config_.pooled_memories > 0) {
    memory_pool_ = std::make_unique<MemoryPool>(config_.pooled_memories);
    config_.memory.pool = memory_pool_.get();
  }
  if (config_.pooled_tables > 0)
    table_pool_ = SlotPool::Create("table", "EngineConfig::pooled_tables/pooled_table_elements",
                                   config_.pooled_tables,
                                   config_.pooled_table_elements > (uint64_t(1) << 40)
                                       ? UINT64_MAX
                                       : config_.pooled_table_elements * sizeof(void*));
  if (config_.pooled_vmctxs > 0)
    vmctx_pool_ = SlotPool::Create("VMContext", "EngineConfig::pooled_vmctxs/pooled_vmctx_bytes",
                                   config_.pooled_vmctxs, config_.pooled_vmctx_bytes);
}

Engine::~Engine() = default;

}  // namespace egret::runtime
