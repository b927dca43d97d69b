// native_instance.h: the differential target's execution under test: the module compiled by
// egret's compiler (compiler/compiler.h) with one configuration, written as an artifact, loaded
// and instantiated by the runtime, and called through the embedding API (runtime/store.h), as
// `egret run` does.
//
// Everything is built per instance (engine, store), so one module's run cannot leak into the
// next. Imported functions are runtime host functions computing host_import.h's results. Fuel: the
// code is compiled with fuel accounting and Store::SetFuel gives each call (and the start function)
// the same budget the oracle gets.
#ifndef EGRET_TESTS_FUZZ_DIFFERENTIAL_NATIVE_INSTANCE_H_
#define EGRET_TESTS_FUZZ_DIFFERENTIAL_NATIVE_INSTANCE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "artifact/artifact.h"
#include "frontend/module_env.h"
#include "frontend/translator.h"
#include "runtime/engine.h"
#include "runtime/host_target.h"
#include "runtime/instance.h"
#include "runtime/store.h"
#include "tests/fuzz/differential/outcome.h"

namespace egret::fuzz {

// One compiler configuration; the differential target draws it from the input.
struct NativeConfig {
  // "x86_64" or "aarch64"; NativeInstance runs only the host's (runtime/host_target.h).
  std::string target = std::string(artifact::TargetName(runtime::HostTarget()));
  std::string opt_level = "none";  // none | speed
  std::string regalloc = "fast";   // fast | linear
  wasm::HeapStrategy heap = wasm::HeapStrategy::kGuardPages;
  // The target's feature syntax. x64: CpuFeatures::Parse over the baseline ("-all,+sse4.1");
  // when executed, only features the host has. aarch64: "" (its only feature set).
  std::string features;
  // Test mode (docs/machbuffer.md, "Range shrinking"): branch and call ranges divided by this,
  // so small functions get islands and veneers. 1: real ranges.
  uint32_t branch_range_shrink = 1;

  // "target=x86_64 opt=speed regalloc=linear heap=bounds-check features=-all,+sse4.1,+lzcnt",
  // then " shrink=N" when N is not 1
  std::string ToString() const;
  bool operator==(const NativeConfig&) const = default;
};

// What a compilation produced, for the campaign figures.
struct CodeFigures {
  size_t artifact_bytes = 0;
  uint64_t islands = 0, veneers = 0;  // inside functions and between them (call veneers)
};

class NativeInstance {
 public:
  // Compiles and instantiates `env` (which must outlive the instance). `*init` tells how
  // instantiation went, as for OracleInstance::Create. nullptr with `*why` if compilation or
  // loading fails (a bug for a valid module: the harness reports it).
  static std::unique_ptr<NativeInstance> Create(const wasm::ModuleEnv& env,
                                                const NativeConfig& config, uint64_t fuel,
                                                CallOutcome* init, std::string* why);

  CallOutcome Call(uint32_t func_index, std::span<const uint64_t> args, uint64_t fuel);
  InstanceState State() const;
  const CodeFigures& figures() const { return figures_; }

 private:
  NativeInstance() = default;
  uint64_t Normalise(wasm::ValType t, runtime::ValRaw raw) const;

  const wasm::ModuleEnv* env_ = nullptr;
  std::unique_ptr<runtime::Engine> engine_;
  std::unique_ptr<runtime::Store> store_;
  runtime::Instance* instance_ = nullptr;
  CodeFigures figures_;
  uint64_t host_calls_ = 0;  // imported-function calls so far (host_import.h)
};

// The compile-only configuration: compiles `env` for `config.target` (any target, whatever the
// host), writes the artifact, reads it back with the artifact reader's checks and requires the
// reader's artifact to write the same bytes. nullopt with `*why` on failure (a bug for a valid
// module: compile errors, regalloc-checker failures, a reader rejection).
std::optional<CodeFigures> CompileForTarget(const wasm::ModuleEnv& env, const NativeConfig& config,
                                            std::string* why);

// The trap named in a runtime error message ("... wasm trap: integer divide by zero ..."), or
// nullopt. Used for traps during instantiation, which the runtime reports as errors.
std::optional<TrapCode> TrapInMessage(const std::string& message);

}  // namespace egret::fuzz

#endif  // EGRET_TESTS_FUZZ_DIFFERENTIAL_NATIVE_INSTANCE_H_
