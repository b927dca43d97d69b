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
}

Engine::~Engine() = default;

}  // namespace egret::runtime
