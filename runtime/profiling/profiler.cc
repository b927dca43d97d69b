// profiler.cc: see profiler.h.
#include "runtime/profiling/profiler.h"

#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>

#include "runtime/profiling/code_symbol.h"
#include "runtime/profiling/dwarf_sections.h"
#include "runtime/profiling/elf_image.h"
#include "runtime/profiling/gdb_jit_registration.h"
#include "runtime/profiling/jitdump_writer.h"
#include "runtime/profiling/perf_map_writer.h"

namespace egret::runtime::profiling {
namespace {

// Process-wide sinks by path, opened once and deliberately never closed: a module may be loaded
// on any thread until exit, and perf reads both files only after the process is gone.
struct Sinks {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<PerfMapWriter>> perf_maps;
  std::map<std::string, std::unique_ptr<JitDumpWriter>> jitdumps;
};
Sinks& ProcessSinks() {
  static Sinks* sinks = new Sinks;
  return *sinks;
}

Expected<PerfMapWriter*> SharedPerfMap(const std::string& path) {
  Sinks& s = ProcessSinks();
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.perf_maps.find(path);
  if (it != s.perf_maps.end()) return it->second.get();
  EGRET_ASSIGN_OR_RETURN(std::unique_ptr<PerfMapWriter> w, PerfMapWriter::Open(path));
  return s.perf_maps.emplace(path, std::move(w)).first->second.get();
}

Expected<JitDumpWriter*> SharedJitDump(const std::string& path, uint32_t machine) {
  Sinks& s = ProcessSinks();
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.jitdumps.find(path);
  if (it != s.jitdumps.end()) return it->second.get();
  EGRET_ASSIGN_OR_RETURN(std::unique_ptr<JitDumpWriter> w, JitDumpWriter::Open(path, machine));
  return s.jitdumps.emplace(path, std::move(w)).first->second.get();
}

// The "file" of jitdump and DWARF line entries: the module's name, "wasm" without one.
std::string SourceName(const artifact::Artifact& a) {
  return a.module_name.empty() ? std::string("wasm") : a.module_name;
}

std::atomic<uint32_t> live_modules{0};    // profiled modules currently loaded, all engines
std::atomic<uint32_t> loaded_modules{0};  // profiled modules ever loaded

}  // namespace

ModuleProfile::~ModuleProfile() { live_modules.fetch_sub(1); }

Profiler::Profiler(ProfilerOptions options) : options_(std::move(options)) {}

Expected<std::unique_ptr<ModuleProfile>> Profiler::AddModule(const artifact::Artifact& artifact,
                                                             const uint8_t* code,
                                                             size_t code_size) {
  std::unique_ptr<ModuleProfile> profile(new ModuleProfile());
  const uint32_t sequence = loaded_modules.fetch_add(1);
  if (live_modules.fetch_add(1) > 0)
    profile->prefix_ = (artifact.module_name.empty() ? "module[" + std::to_string(sequence) + "]"
                                                     : artifact.module_name) +
                       "::";
  if (options_.mode == ProfilingMode::kNone || code_size == 0) return profile;
  const std::vector<CodeSymbol> symbols = CollectCodeSymbols(artifact, profile->prefix_);
  const uintptr_t base = reinterpret_cast<uintptr_t>(code);
  const uint32_t machine = ElfMachine(artifact.target);
  const int pid = static_cast<int>(::getpid());
  if (HasMode(options_.mode, ProfilingMode::kPerfMap)) {
    const std::string path =
        options_.perf_map_path.empty() ? PerfMapWriter::DefaultPath(pid) : options_.perf_map_path;
    EGRET_ASSIGN_OR_RETURN(PerfMapWriter * w, SharedPerfMap(path));
    EGRET_TRY(w->WriteSymbols(base, symbols));
  }
  if (HasMode(options_.mode, ProfilingMode::kJitDump)) {
    EGRET_ASSIGN_OR_RETURN(
        JitDumpWriter * w,
        SharedJitDump(JitDumpWriter::DefaultPath(options_.jitdump_dir, pid), machine));
    EGRET_TRY(w->WriteModule(code, symbols, artifact.source_locs, SourceName(artifact)));
  }
  if (HasMode(options_.mode, ProfilingMode::kGdb)) {
    const DwarfSections dwarf =
        DwarfSections::Build(base, code_size, symbols, artifact.source_locs, SourceName(artifact));
    ElfImage image =
        ElfImage::Build(static_cast<uint16_t>(machine), base, code_size, symbols, &dwarf);
    profile->gdb_ = GdbJitRegistration::Register(image.Release());
  }
  return profile;
}

}  // namespace egret::runtime::profiling
