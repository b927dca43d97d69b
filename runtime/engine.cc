// engine.cc: see engine.h.
#include "runtime/engine.h"

#include "runtime/builtins.h"

namespace egret::runtime {

Engine::Engine(EngineConfig config)
    : config_(std::move(config)), builtins_(builtins::BuiltinTable()) {}

}  // namespace egret::runtime
