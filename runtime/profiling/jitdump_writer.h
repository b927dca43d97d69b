// jitdump_writer.h: writes a jitdump file (jit-PID.dump) for `perf inject --jit`.
//
// The format is the one specified in the Linux perf tree (tools/perf/Documentation/
// jitdump-specification.txt), version 1, all integers in host byte order:
//
//   file header (40 bytes)   u32 magic 'JiTD' (0x4A695444), u32 version 1, u32 header size 40,
//                            u32 ELF machine, u32 pad 0, u32 pid, u64 timestamp, u64 flags 0
//   record header (16 bytes) u32 id, u32 total record size (header included), u64 timestamp
//   JIT_CODE_LOAD (id 0)     u32 pid, u32 tid, u64 vma, u64 code_addr, u64 code_size,
//                            u64 code_index, NUL-terminated name, then code_size code bytes
//   JIT_CODE_DEBUG_INFO (2)  u64 code_addr, u64 entry count, entries of
//                            {u64 addr, u32 line, u32 discriminator, NUL-terminated file name}
//   JIT_CODE_CLOSE (3)       the header only, written when the writer is destroyed
//
// Timestamps are CLOCK_MONOTONIC nanoseconds (flags bit 0, "arch timestamp", is clear), so the
// perf.data must be recorded with `perf record -k mono`. A function's debug record precedes its
// load record, as perf requires. egret's "line" is the byte offset of the Wasm instruction in
// the original module (the artifact's source locations), the file name the module's name. The
// entries of a function are its source locations, preceded by one at the function's start (if
// its first location is later) and followed by one at its end, both repeating the nearest line:
// perf's line table covers exactly the span from the first entry to the last.
//
// Open() maps the first page of the file PROT_READ|PROT_EXEC and keeps it mapped: perf record
// sees that mmap event, and perf inject finds the dump file through it (the "marker").
//
// Invariant: WriteModule() appends whole records (in writes of about 256 KiB) while holding the
// writer's mutex, so records of modules loaded on different threads never interleave, and
// code_index counts load records from 0 in file order.
#ifndef EGRET_RUNTIME_PROFILING_JITDUMP_WRITER_H_
#define EGRET_RUNTIME_PROFILING_JITDUMP_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "artifact/artifact.h"
#include "runtime/profiling/code_symbol.h"
#include "support/error.h"

namespace egret::runtime::profiling {

namespace jitdump {
inline constexpr uint32_t kMagic = 0x4A695444;  // "JiTD" read as a little-endian u32
inline constexpr uint32_t kVersion = 1;
inline constexpr uint32_t kFileHeaderSize = 40;
inline constexpr uint32_t kRecordHeaderSize = 16;
inline constexpr uint32_t kCodeLoad = 0;
inline constexpr uint32_t kCodeMove = 1;
inline constexpr uint32_t kCodeDebugInfo = 2;
inline constexpr uint32_t kCodeClose = 3;
inline constexpr uint32_t kCodeLoadFixedSize = kRecordHeaderSize + 40;       // before the name
inline constexpr uint32_t kCodeDebugInfoFixedSize = kRecordHeaderSize + 16;  // before entries
inline constexpr uint32_t kEmX86_64 = 62;                                    // ELF e_machine
inline constexpr uint32_t kEmAarch64 = 183;
}  // namespace jitdump

// ELF e_machine for an artifact's target.
uint32_t ElfMachine(artifact::Target target);

class JitDumpWriter {
 public:
  // "DIR/jit-PID.dump" (perf inject recognizes the file by this name).
  static std::string DefaultPath(const std::string& dir, int pid);
  // Creates or truncates `path`, writes the file header, and maps the marker page.
  static Expected<std::unique_ptr<JitDumpWriter>> Open(const std::string& path,
                                                       uint32_t elf_machine);
  // Writes JIT_CODE_CLOSE, unmaps the marker and closes the file.
  ~JitDumpWriter();
  JitDumpWriter(const JitDumpWriter&) = delete;
  JitDumpWriter& operator=(const JitDumpWriter&) = delete;

  // For each symbol: a JIT_CODE_DEBUG_INFO record with the source locations inside it (none if
  // it has none), then a JIT_CODE_LOAD record with its bytes, read from `code_base +
  // symbol.offset`. `source_locs` is the artifact's whole list (sorted by text offset);
  // `source_name` is the file name in debug entries.
  Status WriteModule(const uint8_t* code_base, std::span<const CodeSymbol> symbols,
                     std::span<const artifact::SourceLoc> source_locs,
                     std::string_view source_name);

  const std::string& path() const { return path_; }
  // Load records written so far.
  uint64_t code_loads() const;

 private:
  JitDumpWriter(int fd, std::string path, void* marker, size_t marker_size)
      : fd_(fd), path_(std::move(path)), marker_(marker), marker_size_(marker_size) {}

  mutable std::mutex mu_;
  int fd_;
  std::string path_;
  void* marker_;
  size_t marker_size_;
  uint64_t next_code_index_ = 0;  // guarded by mu_
};

}  // namespace egret::runtime::profiling

#endif  // EGRET_RUNTIME_PROFILING_JITDUMP_WRITER_H_
