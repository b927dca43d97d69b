// jitdump_writer_test.cc: JitDumpWriter's bytes, parsed back field by field at the offsets the
// jitdump specification (tools/perf/Documentation/jitdump-specification.txt) gives.
#include "runtime/profiling/jitdump_writer.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/profiling/code_symbol.h"

namespace egret::runtime::profiling {
namespace {

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Little-endian reads at absolute offsets, independent of the writer's code.
uint32_t U32(const std::vector<uint8_t>& b, size_t at) {
  EXPECT_LE(at + 4, b.size());
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 |
         uint32_t(b[at + 3]) << 24;
}
uint64_t U64(const std::vector<uint8_t>& b, size_t at) {
  return uint64_t(U32(b, at)) | uint64_t(U32(b, at + 4)) << 32;
}
std::string CStr(const std::vector<uint8_t>& b, size_t at) {
  std::string s;
  while (at < b.size() && b[at] != 0) s.push_back(char(b[at++]));
  return s;
}

struct DebugEntry {
  uint64_t addr;
  uint32_t line, discrim;
  std::string file;
};
struct Record {
  uint32_t id = 0, size = 0;
  uint64_t timestamp = 0;
  // JIT_CODE_LOAD
  uint32_t pid = 0, tid = 0;
  uint64_t vma = 0, code_addr = 0, code_size = 0, code_index = 0;
  std::string name;
  std::vector<uint8_t> code;
  // JIT_CODE_DEBUG_INFO (code_addr above)
  std::vector<DebugEntry> entries;
};

std::vector<Record> ParseRecords(const std::vector<uint8_t>& b) {
  std::vector<Record> out;
  size_t at = 40;
  while (at < b.size()) {
    Record r;
    r.id = U32(b, at);
    r.size = U32(b, at + 4);
    r.timestamp = U64(b, at + 8);
    EXPECT_GE(r.size, 16u);
    EXPECT_LE(at + r.size, b.size());
    if (r.id == 0) {
      r.pid = U32(b, at + 16);
      r.tid = U32(b, at + 20);
      r.vma = U64(b, at + 24);
      r.code_addr = U64(b, at + 32);
      r.code_size = U64(b, at + 40);
      r.code_index = U64(b, at + 48);
      r.name = CStr(b, at + 56);
      // perf finds the code at the record's end minus code_size.
      const size_t code_at = at + r.size - r.code_size;
      EXPECT_EQ(code_at, at + 56 + r.name.size() + 1);
      r.code.assign(b.begin() + code_at, b.begin() + at + r.size);
    } else if (r.id == 2) {
      r.code_addr = U64(b, at + 16);
      const uint64_t n = U64(b, at + 24);
      size_t e = at + 32;
      for (uint64_t i = 0; i < n; ++i) {
        DebugEntry d{U64(b, e), U32(b, e + 8), U32(b, e + 12), CStr(b, e + 16)};
        e += 16 + d.file.size() + 1;
        r.entries.push_back(d);
      }
      EXPECT_EQ(e, at + r.size);
    }
    out.push_back(std::move(r));
    at += r.size ? r.size : b.size();
  }
  return out;
}

TEST(JitDumpWriter, HeaderLayout) {
  EXPECT_EQ(JitDumpWriter::DefaultPath("/x", 7), "/x/jit-7.dump");
  EXPECT_EQ(JitDumpWriter::DefaultPath("", 7), "./jit-7.dump");
  const std::string path = JitDumpWriter::DefaultPath(
      std::filesystem::temp_directory_path().string(), ::getpid() * 10 + 1);
  {
    auto w = JitDumpWriter::Open(path, jitdump::kEmX86_64);
    ASSERT_TRUE(w.ok()) << w.error().ToString();
    const std::vector<uint8_t> b = ReadBytes(path);
    ASSERT_EQ(b.size(), 40u);  // the header alone until something is loaded
    EXPECT_EQ(std::string(b.begin(), b.begin() + 4), "DTiJ");  // 'JiTD' as a LE u32
    EXPECT_EQ(U32(b, 0), 0x4A695444u);
    EXPECT_EQ(U32(b, 4), 1u);   // version
    EXPECT_EQ(U32(b, 8), 40u);  // total_size
    EXPECT_EQ(U32(b, 12), 62u);
    EXPECT_EQ(U32(b, 16), 0u);
    EXPECT_EQ(U32(b, 20), uint32_t(::getpid()));
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const uint64_t ns = uint64_t(now.tv_sec) * 1000000000u + now.tv_nsec;
    EXPECT_LE(U64(b, 24), ns);
    EXPECT_GT(U64(b, 24), ns - 10'000'000'000ull);
    EXPECT_EQ(U64(b, 32), 0u);  // flags: CLOCK_MONOTONIC timestamps
    // The marker: the file is mapped executable, so perf record logs an mmap of it.
    std::ifstream maps("/proc/self/maps");
    std::string line;
    bool mapped = false;
    while (std::getline(maps, line))
      if (line.find(path) != std::string::npos && line.find("r-x") != std::string::npos)
        mapped = true;
    EXPECT_TRUE(mapped) << "no r-x mapping of " << path;
  }
  // Destruction appends JIT_CODE_CLOSE (a bare 16-byte record).
  const std::vector<uint8_t> b = ReadBytes(path);
  ASSERT_EQ(b.size(), 56u);
  EXPECT_EQ(U32(b, 40), jitdump::kCodeClose);
  EXPECT_EQ(U32(b, 44), 16u);
  EXPECT_GE(U64(b, 48), U64(b, 24));
  std::filesystem::remove(path);
}

TEST(JitDumpWriter, CodeLoadAndDebugRecords) {
  // Text: three symbols; source locations in the first and third only.
  std::vector<uint8_t> text(0x60);
  for (size_t i = 0; i < text.size(); ++i) text[i] = uint8_t(i * 7);
  const std::vector<CodeSymbol> symbols = {
      {0x00, 0x20, CodeSymbolKind::kFunction, 0, "fib"},
      {0x20, 0x10, CodeSymbolKind::kFunction, 1, "func[1]"},
      {0x40, 0x20, CodeSymbolKind::kArrayCallTrampoline, 0, "array_call[fib]"},
  };
  const std::vector<artifact::SourceLoc> locs = {{0x00, 30}, {0x08, 33}, {0x1f, 40}, {0x44, 50}};
  const std::string path = JitDumpWriter::DefaultPath(
      std::filesystem::temp_directory_path().string(), ::getpid() * 10 + 2);
  {
    auto w = JitDumpWriter::Open(path, jitdump::kEmAarch64);
    ASSERT_TRUE(w.ok()) << w.error().ToString();
    ASSERT_TRUE((*w)->WriteModule(text.data(), symbols, locs, "mod").ok());
    ASSERT_TRUE((*w)->WriteModule(text.data(), std::span(symbols).first(1), {}, "mod").ok());
    EXPECT_EQ((*w)->code_loads(), 4u);
  }
  const std::vector<uint8_t> b = ReadBytes(path);
  EXPECT_EQ(U32(b, 12), 183u);
  const std::vector<Record> r = ParseRecords(b);
  // debug(fib) load(fib) load(func[1]) debug(tramp) load(tramp) load(fib) close
  ASSERT_EQ(r.size(), 7u);
  const uint64_t base = reinterpret_cast<uintptr_t>(text.data());
  const uint32_t ids[] = {2, 0, 0, 2, 0, 0, 3};
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].id, ids[i]) << i;
    if (i > 0) {
      EXPECT_GE(r[i].timestamp, r[i - 1].timestamp) << i;
    }
  }
  EXPECT_EQ(r[0].code_addr, base);
  // The three locations of fib, then one at its end repeating the last line.
  ASSERT_EQ(r[0].entries.size(), 4u);
  EXPECT_EQ(r[0].entries[0].addr, base + 0x00);
  EXPECT_EQ(r[0].entries[0].line, 30u);
  EXPECT_EQ(r[0].entries[1].addr, base + 0x08);
  EXPECT_EQ(r[0].entries[1].line, 33u);
  EXPECT_EQ(r[0].entries[2].addr, base + 0x1f);
  EXPECT_EQ(r[0].entries[2].line, 40u);
  EXPECT_EQ(r[0].entries[2].discrim, 0u);
  EXPECT_EQ(r[0].entries[2].file, "mod");
  EXPECT_EQ(r[0].entries[3].addr, base + 0x20);
  EXPECT_EQ(r[0].entries[3].line, 40u);
  const uint64_t tid = ::syscall(SYS_gettid);
  for (size_t i : {1, 2, 4, 5}) {
    EXPECT_EQ(r[i].pid, uint32_t(::getpid()));
    EXPECT_EQ(r[i].tid, tid);
    EXPECT_EQ(r[i].vma, r[i].code_addr);
  }
  EXPECT_EQ(r[1].name, "fib");
  EXPECT_EQ(r[1].code_addr, base);
  EXPECT_EQ(r[1].code_index, 0u);
  EXPECT_EQ(r[1].code, std::vector<uint8_t>(text.begin(), text.begin() + 0x20));
  EXPECT_EQ(r[2].name, "func[1]");
  EXPECT_EQ(r[2].code_addr, base + 0x20);
  EXPECT_EQ(r[2].code_size, 0x10u);
  EXPECT_EQ(r[2].code_index, 1u);
  EXPECT_EQ(r[3].code_addr, base + 0x40);
  // The trampoline's only location is at +4: an entry at its start comes first, with that line.
  ASSERT_EQ(r[3].entries.size(), 3u);
  EXPECT_EQ(r[3].entries[0].addr, base + 0x40);
  EXPECT_EQ(r[3].entries[0].line, 50u);
  EXPECT_EQ(r[3].entries[1].addr, base + 0x44);
  EXPECT_EQ(r[3].entries[1].line, 50u);
  EXPECT_EQ(r[3].entries[2].addr, base + 0x60);
  EXPECT_EQ(r[3].entries[2].line, 50u);
  EXPECT_EQ(r[4].name, "array_call[fib]");
  EXPECT_EQ(r[4].code, std::vector<uint8_t>(text.begin() + 0x40, text.end()));
  EXPECT_EQ(r[5].code_index, 3u);
  std::filesystem::remove(path);
}

TEST(JitDumpWriter, OpenFailureNamesTheFile) {
  auto w = JitDumpWriter::Open("/nonexistent-dir/jit-1.dump", jitdump::kEmX86_64);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("/nonexistent-dir/jit-1.dump"), std::string::npos);
}

}  // namespace
}  // namespace egret::runtime::profiling
