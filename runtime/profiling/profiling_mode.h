// profiling_mode.h: which observability hooks an Engine runs when it loads a module.
//
// The modes are independent bits and may be combined ("perfmap,jitdump,gdb"): each writes to its
// own sink (a perf map file, a jitdump file, gdb's JIT descriptor) and none depends on another.
// `none` is the empty set and costs nothing at load time. Parsing happens once, at the edge (the
// command line or the embedder); everything else passes the enum.
#ifndef EGRET_RUNTIME_PROFILING_PROFILING_MODE_H_
#define EGRET_RUNTIME_PROFILING_PROFILING_MODE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "support/error.h"

namespace egret::runtime::profiling {

enum class ProfilingMode : uint8_t {
  kNone = 0,
  kPerfMap = 1 << 0,  // /tmp/perf-PID.map: one `START SIZE name` line per function
  kJitDump = 1 << 1,  // jit-PID.dump for `perf inject --jit`: code bytes and source offsets
  kGdb = 1 << 2,      // an in-memory ELF object per module, registered with gdb's JIT interface
};
inline constexpr ProfilingMode operator|(ProfilingMode a, ProfilingMode b) {
  return ProfilingMode(uint8_t(a) | uint8_t(b));
}
inline constexpr ProfilingMode& operator|=(ProfilingMode& a, ProfilingMode b) { return a = a | b; }
// True if every bit of `bit` is set in `mode` (and `bit` is not empty).
inline constexpr bool HasMode(ProfilingMode mode, ProfilingMode bit) {
  return uint8_t(bit) != 0 && (uint8_t(mode) & uint8_t(bit)) == uint8_t(bit);
}

// "none", "perfmap", "jitdump", "gdb", or a comma-separated combination of the last three.
// Errors name the bad word and list the accepted ones.
Expected<ProfilingMode> ParseProfilingMode(std::string_view text);
// The canonical spelling: "none" or e.g. "perfmap,gdb".
std::string ProfilingModeName(ProfilingMode mode);

// For --help texts.
inline constexpr const char* kProfilingModeHelp =
    "none (default), perfmap (/tmp/perf-PID.map), jitdump (./jit-PID.dump for perf inject "
    "--jit), gdb (GDB JIT interface), or a comma-separated combination; see docs/profiling.md";

}  // namespace egret::runtime::profiling

#endif  // EGRET_RUNTIME_PROFILING_PROFILING_MODE_H_
