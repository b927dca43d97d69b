// perf_map_writer.cc: see perf_map_writer.h.
#include "runtime/profiling/perf_map_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace egret::runtime::profiling {

Status WriteAll(int fd, std::span<const uint8_t> bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error("profiling: cannot write '" + path + "': " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

std::string PerfMapWriter::DefaultPath(int pid) {
  return "/tmp/perf-" + std::to_string(pid) + ".map";
}

Expected<std::unique_ptr<PerfMapWriter>> PerfMapWriter::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return Error("profiling: cannot create '" + path + "': " + std::strerror(errno));
  return std::unique_ptr<PerfMapWriter>(new PerfMapWriter(fd, path));
}

PerfMapWriter::~PerfMapWriter() { ::close(fd_); }

std::string PerfMapWriter::FormatLine(uintptr_t start, size_t size, std::string_view name) {
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, "%" PRIxPTR " %zx ", start, size);
  std::string line(buf, static_cast<size_t>(n));
  line += name;
  line += '\n';
  return line;
}

Status PerfMapWriter::WriteSymbols(uintptr_t code_base, std::span<const CodeSymbol> symbols) {
  std::string text;
  text.reserve(symbols.size() * 40);
  for (const CodeSymbol& s : symbols) text += FormatLine(code_base + s.offset, s.size, s.name);
  std::lock_guard<std::mutex> lock(mu_);
  return WriteAll(fd_, {reinterpret_cast<const uint8_t*>(text.data()), text.size()}, path_);
}

}  // namespace egret::runtime::profiling
