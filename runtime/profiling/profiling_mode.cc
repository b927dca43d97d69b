// profiling_mode.cc: see profiling_mode.h.
#include "runtime/profiling/profiling_mode.h"

namespace egret::runtime::profiling {
namespace {

struct ModeWord {
  std::string_view name;
  ProfilingMode mode;
};
constexpr ModeWord kWords[] = {
    {"perfmap", ProfilingMode::kPerfMap},
    {"jitdump", ProfilingMode::kJitDump},
    {"gdb", ProfilingMode::kGdb},
};

}  // namespace

Expected<ProfilingMode> ParseProfilingMode(std::string_view text) {
  if (text == "none") return ProfilingMode::kNone;
  ProfilingMode mode = ProfilingMode::kNone;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    const std::string_view word =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    const ModeWord* found = nullptr;
    for (const ModeWord& w : kWords)
      if (w.name == word) found = &w;
    if (found == nullptr)
      return Error("unknown profiling mode '" + std::string(word) +
                   "' (expected none, perfmap, jitdump, gdb, or a comma-separated combination "
                   "such as perfmap,gdb)");
    mode |= found->mode;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return mode;
}

std::string ProfilingModeName(ProfilingMode mode) {
  std::string out;
  for (const ModeWord& w : kWords) {
    if (!HasMode(mode, w.mode)) continue;
    if (!out.empty()) out += ',';
    out += w.name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace egret::runtime::profiling
