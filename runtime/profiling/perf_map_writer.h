// perf_map_writer.h: writes perf's map file for JIT code, /tmp/perf-PID.map.
//
// `perf report` symbolizes samples in anonymous executable memory by reading /tmp/perf-PID.map
// after the run: one line per symbol, `START SIZE name`, START and SIZE in hexadecimal without a
// prefix, name up to the end of the line (spaces allowed). The file is append-only and has no
// way to say "unloaded": if a later module reuses an unloaded one's addresses, both lines stay
// and perf may name either (jitdump, whose records are timestamped, has no such ambiguity).
//
// Invariant: each WriteSymbols() call appends its whole lines while holding the writer's mutex,
// so lines from modules loaded on different threads never interleave.
#ifndef EGRET_RUNTIME_PROFILING_PERF_MAP_WRITER_H_
#define EGRET_RUNTIME_PROFILING_PERF_MAP_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "runtime/profiling/code_symbol.h"
#include "support/error.h"

namespace egret::runtime::profiling {

class PerfMapWriter {
 public:
  // "/tmp/perf-PID.map": the only place perf looks.
  static std::string DefaultPath(int pid);
  // Creates or truncates `path` (refusing to follow a symlink there).
  static Expected<std::unique_ptr<PerfMapWriter>> Open(const std::string& path);
  ~PerfMapWriter();
  PerfMapWriter(const PerfMapWriter&) = delete;
  PerfMapWriter& operator=(const PerfMapWriter&) = delete;

  // Appends one line per symbol, at `code_base + symbol.offset`.
  Status WriteSymbols(uintptr_t code_base, std::span<const CodeSymbol> symbols);

  // "7f12a0001000 2c fib\n"
  static std::string FormatLine(uintptr_t start, size_t size, std::string_view name);

  const std::string& path() const { return path_; }

 private:
  PerfMapWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  std::mutex mu_;
  int fd_;
  std::string path_;
};

// Writes all of `bytes` to `fd`, retrying on EINTR and short writes.
Status WriteAll(int fd, std::span<const uint8_t> bytes, const std::string& path);

}  // namespace egret::runtime::profiling

#endif  // EGRET_RUNTIME_PROFILING_PERF_MAP_WRITER_H_
