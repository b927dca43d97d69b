// dwarf_sections_test.cc: the DWARF 4 line table and compile unit of the gdb image, decoded by
// an independent reader: a line-number state machine and a DIE walker driven by the abbrevs.
#include "runtime/profiling/dwarf_sections.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "runtime/profiling/elf_image.h"
#include "runtime/profiling/jitdump_writer.h"

namespace egret::runtime::profiling {
namespace {

class Reader {
 public:
  Reader(const std::vector<uint8_t>& b, size_t at = 0) : b_(b), at_(at) {}
  uint64_t Fixed(int n) {
    EXPECT_LE(at_ + n, b_.size());
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(b_[at_ + i]) << (8 * i);
    at_ += n;
    return v;
  }
  uint64_t Uleb() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t byte = uint8_t(Fixed(1));
      v |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
  }
  int64_t Sleb() {
    int64_t v = 0;
    int shift = 0;
    uint8_t byte;
    do {
      byte = uint8_t(Fixed(1));
      v |= int64_t(byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    if (shift < 64 && (byte & 0x40)) v |= -(int64_t(1) << shift);
    return v;
  }
  std::string Str() {
    std::string s;
    while (char c = char(Fixed(1))) s.push_back(c);
    return s;
  }
  size_t at() const { return at_; }

 private:
  const std::vector<uint8_t>& b_;
  size_t at_;
};

struct Row {
  uint64_t addr;
  int64_t line;
  bool end_sequence;
  friend bool operator==(const Row&, const Row&) = default;
};

std::vector<Row> DecodeLineProgram(const std::vector<uint8_t>& b, std::string* file) {
  Reader r(b);
  const uint64_t unit_length = r.Fixed(4);
  EXPECT_EQ(unit_length + 4, b.size());
  EXPECT_EQ(r.Fixed(2), 4u);  // version
  const uint64_t header_length = r.Fixed(4);
  const size_t program_at = r.at() + header_length;
  EXPECT_EQ(r.Fixed(1), 1u);          // minimum_instruction_length
  EXPECT_EQ(r.Fixed(1), 1u);          // maximum_operations_per_instruction
  EXPECT_EQ(r.Fixed(1), 1u);          // default_is_stmt
  EXPECT_EQ(int8_t(r.Fixed(1)), -5);  // line_base
  EXPECT_EQ(r.Fixed(1), 14u);         // line_range
  const uint64_t opcode_base = r.Fixed(1);
  EXPECT_EQ(opcode_base, 13u);
  const uint8_t lengths[] = {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1};
  for (uint8_t n : lengths) EXPECT_EQ(r.Fixed(1), n);
  EXPECT_EQ(r.Fixed(1), 0u);  // no include directories
  *file = r.Str();
  EXPECT_EQ(r.Uleb(), 0u);
  EXPECT_EQ(r.Uleb(), 0u);
  EXPECT_EQ(r.Uleb(), 0u);
  EXPECT_EQ(r.Fixed(1), 0u);  // end of file names
  EXPECT_EQ(r.at(), program_at);

  std::vector<Row> rows;
  uint64_t addr = 0;
  int64_t line = 1;
  while (r.at() < b.size()) {
    const uint8_t op = uint8_t(r.Fixed(1));
    if (op == 0) {
      const uint64_t len = r.Uleb();
      const uint8_t sub = uint8_t(r.Fixed(1));
      if (sub == 1) {  // DW_LNE_end_sequence
        rows.push_back({addr, line, true});
        addr = 0;
        line = 1;
      } else if (sub == 2) {  // DW_LNE_set_address
        EXPECT_EQ(len, 9u);
        addr = r.Fixed(8);
      } else {
        ADD_FAILURE() << "unexpected extended opcode " << int(sub);
        return rows;
      }
    } else if (op == 1) {  // DW_LNS_copy
      rows.push_back({addr, line, false});
    } else if (op == 2) {  // DW_LNS_advance_pc
      addr += r.Uleb();
    } else if (op == 3) {  // DW_LNS_advance_line
      line += r.Sleb();
    } else {
      ADD_FAILURE() << "unexpected opcode " << int(op);
      return rows;
    }
  }
  return rows;
}

struct Die {
  uint64_t tag = 0;
  std::map<uint64_t, uint64_t> values;  // constant and address attributes
  std::map<uint64_t, std::string> strings;
};

// Walks .debug_info's one compile unit using .debug_abbrev; returns the CU first, then its
// children in order.
std::vector<Die> DecodeInfo(const std::vector<uint8_t>& abbrev, const std::vector<uint8_t>& info) {
  struct Abbrev {
    uint64_t tag;
    bool children;
    std::vector<std::pair<uint64_t, uint64_t>> specs;
  };
  std::map<uint64_t, Abbrev> abbrevs;
  Reader a(abbrev);
  while (uint64_t code = a.Uleb()) {
    Abbrev ab{a.Uleb(), a.Fixed(1) != 0, {}};
    while (true) {
      const uint64_t at = a.Uleb(), form = a.Uleb();
      if (at == 0 && form == 0) break;
      ab.specs.push_back({at, form});
    }
    abbrevs[code] = ab;
  }
  EXPECT_EQ(a.at(), abbrev.size());
  Reader r(info);
  EXPECT_EQ(r.Fixed(4) + 4, info.size());
  EXPECT_EQ(r.Fixed(2), 4u);  // version
  EXPECT_EQ(r.Fixed(4), 0u);  // abbrev offset
  EXPECT_EQ(r.Fixed(1), 8u);  // address size
  std::vector<Die> dies;
  int depth = 0;
  while (r.at() < info.size()) {
    const uint64_t code = r.Uleb();
    if (code == 0) {
      --depth;
      continue;
    }
    EXPECT_TRUE(abbrevs.count(code)) << code;
    const Abbrev& ab = abbrevs[code];
    Die d;
    d.tag = ab.tag;
    for (auto [at, form] : ab.specs) {
      switch (form) {
        case dwarf::kFormString:
          d.strings[at] = r.Str();
          break;
        case dwarf::kFormAddr:
          d.values[at] = r.Fixed(8);
          break;
        case dwarf::kFormData8:
          d.values[at] = r.Fixed(8);
          break;
        case dwarf::kFormData2:
          d.values[at] = r.Fixed(2);
          break;
        case dwarf::kFormSecOffset:
          d.values[at] = r.Fixed(4);
          break;
        default:
          ADD_FAILURE() << "unexpected form " << form;
          return dies;
      }
    }
    dies.push_back(d);
    if (ab.children) ++depth;
  }
  EXPECT_EQ(depth, 0);
  return dies;
}

const uint64_t kBase = 0x7f0000100000;
const std::vector<CodeSymbol> kSymbols = {
    {0x00, 0x20, CodeSymbolKind::kFunction, 0, "fib"},
    {0x20, 0x10, CodeSymbolKind::kFunction, 1, "func[1]"},
    {0x40, 0x20, CodeSymbolKind::kArrayCallTrampoline, 0, "array_call[fib]"},
};
const std::vector<artifact::SourceLoc> kLocs = {{0x04, 30}, {0x10, 25}, {0x1f, 400}, {0x44, 50}};

TEST(DwarfSections, LineTableMapsLocatedFunctionsToWasmOffsets) {
  const DwarfSections d = DwarfSections::Build(kBase, 0x60, kSymbols, kLocs, "mod");
  std::string file;
  const std::vector<Row> rows = DecodeLineProgram(d.line, &file);
  EXPECT_EQ(file, "mod");
  // One sequence per located symbol, from its first location to one past its end; a line that
  // goes down (30 -> 25) is a negative advance. func[1] has no locations and no sequence.
  const std::vector<Row> want = {
      {kBase + 0x04, 30, false}, {kBase + 0x10, 25, false}, {kBase + 0x1f, 400, false},
      {kBase + 0x20, 400, true}, {kBase + 0x44, 50, false}, {kBase + 0x60, 50, true},
  };
  EXPECT_EQ(rows, want);
}

TEST(DwarfSections, CompileUnitHasOneSubprogramPerSymbol) {
  const DwarfSections d = DwarfSections::Build(kBase, 0x60, kSymbols, kLocs, "mod");
  const std::vector<Die> dies = DecodeInfo(d.abbrev, d.info);
  ASSERT_EQ(dies.size(), 1 + kSymbols.size());
  EXPECT_EQ(dies[0].tag, dwarf::kTagCompileUnit);
  EXPECT_EQ(dies[0].strings.at(dwarf::kAtName), "mod");
  EXPECT_EQ(dies[0].values.at(dwarf::kAtStmtList), 0u);
  EXPECT_EQ(dies[0].values.at(dwarf::kAtLowPc), kBase);
  EXPECT_EQ(dies[0].values.at(dwarf::kAtHighPc), 0x60u);
  for (size_t i = 0; i < kSymbols.size(); ++i) {
    const Die& s = dies[i + 1];
    EXPECT_EQ(s.tag, dwarf::kTagSubprogram);
    EXPECT_EQ(s.strings.at(dwarf::kAtName), kSymbols[i].name);
    EXPECT_EQ(s.values.at(dwarf::kAtLowPc), kBase + kSymbols[i].offset);
    EXPECT_EQ(s.values.at(dwarf::kAtHighPc), kSymbols[i].size);  // DWARF 4: a length
  }
}

TEST(DwarfSections, NoSymbolsNoSections) {
  EXPECT_TRUE(DwarfSections::Build(kBase, 0, {}, {}, "mod").empty());
}

TEST(DwarfSections, ElfImageCarriesThemAsDebugSections) {
  const DwarfSections d = DwarfSections::Build(kBase, 0x60, kSymbols, kLocs, "mod");
  const std::vector<uint8_t> b =
      ElfImage::Build(jitdump::kEmX86_64, kBase, 0x60, kSymbols, &d).bytes();
  const auto u16 = [&](size_t at) { return uint16_t(b[at] | b[at + 1] << 8); };
  const auto u32 = [&](size_t at) { return uint32_t(u16(at) | uint32_t(u16(at + 2)) << 16); };
  const auto u64 = [&](size_t at) { return uint64_t(u32(at)) | uint64_t(u32(at + 4)) << 32; };
  const uint64_t shoff = u64(0x28);
  const uint16_t shnum = u16(0x3c), shstrndx = u16(0x3e);
  ASSERT_EQ(shnum, 8);
  const auto shdr = [&](int i) { return shoff + i * 64; };
  const uint64_t names = u64(shdr(shstrndx) + 24);
  std::map<std::string, std::vector<uint8_t>> found;
  for (int i = 0; i < shnum; ++i) {
    const std::string name(reinterpret_cast<const char*>(b.data() + names + u32(shdr(i))));
    if (name.rfind(".debug_", 0) != 0) continue;
    EXPECT_EQ(u32(shdr(i) + 4), 1u);  // SHT_PROGBITS
    EXPECT_EQ(u64(shdr(i) + 8), 0u);  // no flags: not loaded
    const uint64_t off = u64(shdr(i) + 24), size = u64(shdr(i) + 32);
    ASSERT_LE(off + size, b.size());
    found[name].assign(b.begin() + off, b.begin() + off + size);
  }
  EXPECT_EQ(found[".debug_abbrev"], d.abbrev);
  EXPECT_EQ(found[".debug_info"], d.info);
  EXPECT_EQ(found[".debug_line"], d.line);
}

}  // namespace
}  // namespace egret::runtime::profiling
