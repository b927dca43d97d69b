// dwarf_sections.cc: see dwarf_sections.h.
#include "runtime/profiling/dwarf_sections.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace egret::runtime::profiling {
namespace {

class Out {
 public:
  explicit Out(std::vector<uint8_t>& b) : b_(b) {}
  void U8(uint8_t v) { b_.push_back(v); }
  void U16(uint16_t v) { Raw(&v, 2); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void U64(uint64_t v) { Raw(&v, 8); }
  void Raw(const void* p, size_t n) {
    const auto* c = static_cast<const uint8_t*>(p);
    b_.insert(b_.end(), c, c + n);
  }
  void String(std::string_view s) {
    Raw(s.data(), s.size());
    U8(0);
  }
  void Uleb(uint64_t v) {
    do {
      uint8_t byte = v & 0x7f;
      v >>= 7;
      if (v != 0) byte |= 0x80;
      U8(byte);
    } while (v != 0);
  }
  void Sleb(int64_t v) {
    bool more = true;
    while (more) {
      uint8_t byte = v & 0x7f;
      v >>= 7;  // arithmetic shift
      more = !((v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40)));
      if (more) byte |= 0x80;
      U8(byte);
    }
  }
  size_t size() const { return b_.size(); }
  void PatchU32(size_t at, uint32_t v) { std::memcpy(b_.data() + at, &v, 4); }

 private:
  std::vector<uint8_t>& b_;
};

void BuildAbbrev(std::vector<uint8_t>& bytes) {
  Out o(bytes);
  o.Uleb(1);
  o.Uleb(dwarf::kTagCompileUnit);
  o.U8(1);  // DW_CHILDREN_yes
  for (auto [at, form] : {std::pair{dwarf::kAtName, dwarf::kFormString},
                          {dwarf::kAtLanguage, dwarf::kFormData2},
                          {dwarf::kAtStmtList, dwarf::kFormSecOffset},
                          {dwarf::kAtLowPc, dwarf::kFormAddr},
                          {dwarf::kAtHighPc, dwarf::kFormData8}}) {
    o.Uleb(at);
    o.Uleb(form);
  }
  o.U8(0);
  o.U8(0);
  o.Uleb(2);
  o.Uleb(dwarf::kTagSubprogram);
  o.U8(0);  // DW_CHILDREN_no
  for (auto [at, form] : {std::pair{dwarf::kAtName, dwarf::kFormString},
                          {dwarf::kAtLowPc, dwarf::kFormAddr},
                          {dwarf::kAtHighPc, dwarf::kFormData8}}) {
    o.Uleb(at);
    o.Uleb(form);
  }
  o.U8(0);
  o.U8(0);
  o.U8(0);  // end of abbreviations
}

void BuildInfo(std::vector<uint8_t>& bytes, uint64_t text_address, uint64_t text_size,
               std::span<const CodeSymbol> symbols, std::string_view source_name) {
  size_t names = 0;
  for (const CodeSymbol& s : symbols) names += s.name.size() + 1;
  bytes.reserve(32 + source_name.size() + names + 18 * symbols.size());
  Out o(bytes);
  const size_t length_at = o.size();
  o.U32(0);  // unit_length, patched
  o.U16(dwarf::kVersion);
  o.U32(0);  // debug_abbrev_offset
  o.U8(8);   // address_size
  o.Uleb(1);
  o.String(source_name);
  o.U16(dwarf::kLangC99);
  o.U32(0);  // DW_AT_stmt_list: the only line program, at offset 0
  o.U64(text_address);
  o.U64(text_size);  // DWARF 4: a constant high_pc is the length
  for (const CodeSymbol& s : symbols) {
    o.Uleb(2);
    o.String(s.name);
    o.U64(text_address + s.offset);
    o.U64(s.size);
  }
  o.U8(0);  // end of the compile unit's children
  o.PatchU32(length_at, uint32_t(o.size() - length_at - 4));
}

void BuildLine(std::vector<uint8_t>& bytes, uint64_t text_address,
               std::span<const CodeSymbol> symbols,
               std::span<const artifact::SourceLoc> source_locs, std::string_view source_name) {
  bytes.reserve(64 + source_name.size() + 16 * symbols.size() + 6 * source_locs.size());
  Out o(bytes);
  const size_t length_at = o.size();
  o.U32(0);  // unit_length, patched
  o.U16(dwarf::kVersion);
  const size_t header_length_at = o.size();
  o.U32(0);                   // header_length, patched
  o.U8(1);                    // minimum_instruction_length
  o.U8(1);                    // maximum_operations_per_instruction
  o.U8(1);                    // default_is_stmt
  o.U8(uint8_t(int8_t(-5)));  // line_base
  o.U8(14);                   // line_range
  o.U8(dwarf::kOpcodeBase);
  for (uint8_t n : {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1}) o.U8(n);  // standard_opcode_lengths
  o.U8(0);                                                         // include_directories: none
  o.String(source_name);
  o.Uleb(0);  // directory
  o.Uleb(0);  // mtime
  o.Uleb(0);  // length
  o.U8(0);    // end of file_names
  o.PatchU32(header_length_at, uint32_t(o.size() - header_length_at - 4));

  const auto set_address = [&](uint64_t addr) {
    o.U8(0);
    o.Uleb(9);
    o.U8(dwarf::kLneSetAddress);
    o.U64(addr);
  };
  for (const CodeSymbol& s : symbols) {
    auto first = std::lower_bound(
        source_locs.begin(), source_locs.end(), s.offset,
        [](const artifact::SourceLoc& l, uint32_t off) { return l.text_offset < off; });
    auto last = std::lower_bound(
        first, source_locs.end(), s.end(),
        [](const artifact::SourceLoc& l, uint32_t off) { return l.text_offset < off; });
    if (first == last) continue;
    // Registers reset to address 0, line 1 at the start of every sequence.
    int64_t line = 1;
    uint32_t offset = first->text_offset;
    set_address(text_address + offset);
    for (auto it = first; it != last; ++it) {
      if (it->text_offset != offset) {
        o.U8(dwarf::kLnsAdvancePc);
        o.Uleb(it->text_offset - offset);
        offset = it->text_offset;
      }
      o.U8(dwarf::kLnsAdvanceLine);
      o.Sleb(int64_t(it->wasm_offset) - line);
      line = it->wasm_offset;
      o.U8(dwarf::kLnsCopy);
    }
    o.U8(dwarf::kLnsAdvancePc);
    o.Uleb(s.end() - offset);
    o.U8(0);
    o.Uleb(1);
    o.U8(dwarf::kLneEndSequence);
  }
  o.PatchU32(length_at, uint32_t(o.size() - length_at - 4));
}

}  // namespace

DwarfSections DwarfSections::Build(uint64_t text_address, uint64_t text_size,
                                   std::span<const CodeSymbol> symbols,
                                   std::span<const artifact::SourceLoc> source_locs,
                                   std::string_view source_name) {
  DwarfSections d;
  if (symbols.empty()) return d;
  BuildAbbrev(d.abbrev);
  BuildInfo(d.info, text_address, text_size, symbols, source_name);
  BuildLine(d.line, text_address, symbols, source_locs, source_name);
  return d;
}

}  // namespace egret::runtime::profiling
