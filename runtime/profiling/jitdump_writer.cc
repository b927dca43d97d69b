// jitdump_writer.cc: see jitdump_writer.h.
#include "runtime/profiling/jitdump_writer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/profiling/perf_map_writer.h"

namespace egret::runtime::profiling {
namespace {

// WriteModule hands records to the kernel whenever this much is buffered.
constexpr size_t kFlushBytes = 256 * 1024;

uint64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

// Appends host-order integers and strings to a byte buffer.
class RecordBuffer {
 public:
  void U32(uint32_t v) { Raw(&v, sizeof v); }
  void U64(uint64_t v) { Raw(&v, sizeof v); }
  void CString(std::string_view s) {
    Raw(s.data(), s.size());
    bytes_.push_back(0);
  }
  void Raw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
  }
  size_t size() const { return bytes_.size(); }
  // Overwrites the u32 at `at` (a record's total size, known only at its end).
  void PatchU32(size_t at, uint32_t v) { std::memcpy(bytes_.data() + at, &v, sizeof v); }
  std::span<const uint8_t> bytes() const { return bytes_; }
  void Clear() { bytes_.clear(); }

 private:
  std::vector<uint8_t> bytes_;
};

// Starts a record; returns the offset of its size field for PatchU32 at the end.
size_t BeginRecord(RecordBuffer& b, uint32_t id, uint64_t timestamp) {
  b.U32(id);
  const size_t size_at = b.size();
  b.U32(0);
  b.U64(timestamp);
  return size_at;
}

void EndRecord(RecordBuffer& b, size_t size_at) {
  b.PatchU32(size_at, uint32_t(b.size() - (size_at - 4)));
}

}  // namespace

uint32_t ElfMachine(artifact::Target target) {
  return target == artifact::Target::kAarch64 ? jitdump::kEmAarch64 : jitdump::kEmX86_64;
}

std::string JitDumpWriter::DefaultPath(const std::string& dir, int pid) {
  std::string d = dir.empty() ? "." : dir;
  if (d.back() != '/') d += '/';
  return d + "jit-" + std::to_string(pid) + ".dump";
}

Expected<std::unique_ptr<JitDumpWriter>> JitDumpWriter::Open(const std::string& path,
                                                             uint32_t elf_machine) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return Error("profiling: cannot create '" + path + "': " + std::strerror(errno));
  RecordBuffer header;
  header.U32(jitdump::kMagic);
  header.U32(jitdump::kVersion);
  header.U32(jitdump::kFileHeaderSize);
  header.U32(elf_machine);
  header.U32(0);  // pad1
  header.U32(static_cast<uint32_t>(::getpid()));
  header.U64(MonotonicNanos());
  header.U64(0);  // flags: timestamps are CLOCK_MONOTONIC
  if (Status st = WriteAll(fd, header.bytes(), path); !st.ok()) {
    ::close(fd);
    return st.error();
  }
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  void* marker = ::mmap(nullptr, page, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (marker == MAP_FAILED) {
    const int err = errno;
    ::close(fd);
    return Error("profiling: cannot map '" + path + "' executable for perf's jitdump marker: " +
                 std::strerror(err) + " (is its file system mounted noexec?)");
  }
  return std::unique_ptr<JitDumpWriter>(new JitDumpWriter(fd, path, marker, page));
}

JitDumpWriter::~JitDumpWriter() {
  RecordBuffer b;
  EndRecord(b, BeginRecord(b, jitdump::kCodeClose, MonotonicNanos()));
  {
    std::lock_guard<std::mutex> lock(mu_);
    (void)WriteAll(fd_, b.bytes(), path_);  // best effort: perf accepts a dump without it
  }
  ::munmap(marker_, marker_size_);
  ::close(fd_);
}

uint64_t JitDumpWriter::code_loads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_code_index_;
}

Status JitDumpWriter::WriteModule(const uint8_t* code_base, std::span<const CodeSymbol> symbols,
                                  std::span<const artifact::SourceLoc> source_locs,
                                  std::string_view source_name) {
  const uint32_t pid = static_cast<uint32_t>(::getpid());
  const uint32_t tid = static_cast<uint32_t>(::syscall(SYS_gettid));
  const uintptr_t base = reinterpret_cast<uintptr_t>(code_base);
  RecordBuffer b;
  std::lock_guard<std::mutex> lock(mu_);
  for (const CodeSymbol& s : symbols) {
    const uint64_t addr = base + s.offset;
    const uint64_t now = MonotonicNanos();
    auto first = std::lower_bound(
        source_locs.begin(), source_locs.end(), s.offset,
        [](const artifact::SourceLoc& l, uint32_t off) { return l.text_offset < off; });
    auto last = std::lower_bound(
        first, source_locs.end(), s.end(),
        [](const artifact::SourceLoc& l, uint32_t off) { return l.text_offset < off; });
    // A record's size is a u32; a function whose entries would not fit gets no debug record.
    const uint64_t debug_size = jitdump::kCodeDebugInfoFixedSize +
                                (uint64_t(last - first) + 2) * (16 + source_name.size() + 1);
    if (first != last && debug_size <= UINT32_MAX) {
      // perf inject turns the entries into a DWARF line table whose sequence starts at the first
      // entry and ends at the last, so bracket the function: its start maps to the first
      // located instruction (the prologue belongs to it) and its end closes the last one's range.
      const bool lead = first->text_offset > s.offset;
      const auto entry = [&](uint64_t at_addr, uint32_t line) {
        b.U64(at_addr);
        b.U32(line);
        b.U32(0);  // discriminator
        b.CString(source_name);
      };
      const size_t at = BeginRecord(b, jitdump::kCodeDebugInfo, now);
      b.U64(addr);
      b.U64(uint64_t(last - first) + (lead ? 1 : 0) + 1);
      if (lead) entry(addr, first->wasm_offset);
      for (auto it = first; it != last; ++it) entry(base + it->text_offset, it->wasm_offset);
      entry(addr + s.size, (last - 1)->wasm_offset);
      EndRecord(b, at);
    }
    const size_t at = BeginRecord(b, jitdump::kCodeLoad, now);
    b.U32(pid);
    b.U32(tid);
    b.U64(addr);  // vma
    b.U64(addr);  // code_addr
    b.U64(s.size);
    b.U64(next_code_index_++);
    b.CString(s.name);
    b.Raw(code_base + s.offset, s.size);
    EndRecord(b, at);
    if (b.size() >= kFlushBytes) {  // bounded memory for large modules; still whole records
      EGRET_TRY(WriteAll(fd_, b.bytes(), path_));
      b.Clear();
    }
  }
  return WriteAll(fd_, b.bytes(), path_);
}

}  // namespace egret::runtime::profiling
