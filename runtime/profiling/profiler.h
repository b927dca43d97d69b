// profiler.h: the Engine's observability hooks: announce each loaded module's code to perf
// (perf map, jitdump) and to debuggers (the GDB JIT interface).
//
// An Engine with EngineConfig::profiling != kNone owns a Profiler; Module::FromArtifact calls
// AddModule() once its code is published and keeps the returned ModuleProfile for as long as the
// code stays mapped. Destroying the ModuleProfile unregisters the module from gdb; perf map and
// jitdump records are never withdrawn (perf orders them by time, and a later load at the same
// address supersedes them).
//
// Sinks are per process, not per engine, because perf and gdb look per process: the perf map
// (one path per PID) and the jitdump file are opened on the first module that needs them, shared
// by every engine, and kept open until the process exits; so a second engine never truncates
// the first one's records. A sink that cannot be opened fails the module load with an error
// that names the file.
//
// Names: CodeSymbol names (code_symbol.h). While another profiled module is loaded, a new
// module's names get a `module::` prefix: its name-section module name, else `module[K]` with K
// the process-wide load count, so `perf report` and gdb can tell two modules' `main` apart.
#ifndef EGRET_RUNTIME_PROFILING_PROFILER_H_
#define EGRET_RUNTIME_PROFILING_PROFILER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "artifact/artifact.h"
#include "runtime/profiling/profiling_mode.h"
#include "support/error.h"

namespace egret::runtime::profiling {

class GdbJitRegistration;

struct ProfilerOptions {
  ProfilingMode mode = ProfilingMode::kNone;
  std::string jitdump_dir;    // where jit-PID.dump goes; empty: the current directory
  std::string perf_map_path;  // empty: /tmp/perf-PID.map (perf looks nowhere else)
};

// Held by a loaded module; see the file comment.
class ModuleProfile {
 public:
  ~ModuleProfile();
  ModuleProfile(const ModuleProfile&) = delete;
  ModuleProfile& operator=(const ModuleProfile&) = delete;
  // The prefix given to this module's names ("" or e.g. "mod::").
  const std::string& prefix() const { return prefix_; }

 private:
  friend class Profiler;
  ModuleProfile() = default;
  std::string prefix_;
  std::unique_ptr<GdbJitRegistration> gdb_;
};

class Profiler {
 public:
  explicit Profiler(ProfilerOptions options);
  ProfilingMode mode() const { return options_.mode; }
  const ProfilerOptions& options() const { return options_; }

  // Announces `artifact`'s text section, published at `code`, to every sink of mode().
  Expected<std::unique_ptr<ModuleProfile>> AddModule(const artifact::Artifact& artifact,
                                                     const uint8_t* code) {
    return AddModule(artifact, code, artifact.text.size());
  }
  // For code mapped from a file, whose Artifact::text is empty: `code_size` bytes at `code`.
  Expected<std::unique_ptr<ModuleProfile>> AddModule(const artifact::Artifact& artifact,
                                                     const uint8_t* code, size_t code_size);

 private:
  ProfilerOptions options_;
};

}  // namespace egret::runtime::profiling

#endif  // EGRET_RUNTIME_PROFILING_PROFILER_H_
