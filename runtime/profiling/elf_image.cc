// elf_image.cc: see elf_image.h.
#include "runtime/profiling/elf_image.h"

#include <bit>
#include <cstring>
#include <string>
#include <string_view>

namespace egret::runtime::profiling {
namespace {

class Bytes {
 public:
  explicit Bytes(std::vector<uint8_t>& out) : out_(out) {}
  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v) { Raw(&v, 2); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void U64(uint64_t v) { Raw(&v, 8); }
  void Raw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  void AlignTo(size_t a) {
    while (out_.size() % a != 0) out_.push_back(0);
  }
  size_t size() const { return out_.size(); }

 private:
  std::vector<uint8_t>& out_;
};

// A string table: starts with the empty string at offset 0.
class StringTable {
 public:
  StringTable() : text_(1, '\0') {}
  uint32_t Add(std::string_view s) {
    const uint32_t at = static_cast<uint32_t>(text_.size());
    text_.append(s);
    text_.push_back('\0');
    return at;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

struct SectionHeader {
  uint32_t name = 0, type = elf::kShtNull;
  uint64_t flags = 0, addr = 0, offset = 0, size = 0;
  uint32_t link = 0, info = 0;
  uint64_t addralign = 0, entsize = 0;
};

}  // namespace

ElfImage ElfImage::Build(uint16_t machine, uint64_t text_address, uint64_t text_size,
                         std::span<const CodeSymbol> symbols, const DwarfSections* dwarf) {
  static_assert(std::endian::native == std::endian::little, "ELF images are built little-endian");
  StringTable strtab, shstrtab;
  const bool with_dwarf = dwarf != nullptr && !dwarf->empty();
  const uint16_t num_sections = with_dwarf ? elf::kNumSectionsWithDwarf : elf::kNumSections;
  SectionHeader sh[elf::kNumSectionsWithDwarf];
  sh[elf::kTextIndex] = {shstrtab.Add(".text"),
                         elf::kShtNobits,
                         elf::kShfAlloc | elf::kShfExecinstr,
                         text_address,
                         0,
                         text_size,
                         0,
                         0,
                         16,
                         0};
  sh[elf::kSymtabIndex].name = shstrtab.Add(".symtab");
  sh[elf::kStrtabIndex].name = shstrtab.Add(".strtab");
  sh[elf::kShstrtabIndex].name = shstrtab.Add(".shstrtab");
  if (with_dwarf) {
    sh[elf::kDebugAbbrevIndex].name = shstrtab.Add(".debug_abbrev");
    sh[elf::kDebugInfoIndex].name = shstrtab.Add(".debug_info");
    sh[elf::kDebugLineIndex].name = shstrtab.Add(".debug_line");
  }

  ElfImage image;
  Bytes b(image.bytes_);
  size_t names = 0;
  for (const CodeSymbol& s : symbols) names += s.name.size() + 1;
  const size_t debug_bytes =
      with_dwarf ? dwarf->abbrev.size() + dwarf->info.size() + dwarf->line.size() : 0;
  image.bytes_.reserve(elf::kEhdrSize + (symbols.size() + 1) * elf::kSymSize + names + debug_bytes +
                       elf::kNumSectionsWithDwarf * elf::kShdrSize + 256);
  b.Raw(
      "\x7f"
      "ELF",
      4);
  b.U8(2);  // ELFCLASS64
  b.U8(1);  // ELFDATA2LSB
  b.U8(1);  // EV_CURRENT
  b.U8(0);  // ELFOSABI_SYSV
  for (int i = 8; i < 16; ++i) b.U8(0);
  b.U16(elf::kEtExec);
  b.U16(machine);
  b.U32(1);  // e_version
  b.U64(0);  // e_entry
  b.U64(0);  // e_phoff
  const size_t shoff_at = b.size();
  b.U64(0);  // e_shoff, patched below
  b.U32(0);  // e_flags
  b.U16(elf::kEhdrSize);
  b.U16(0);  // e_phentsize
  b.U16(0);  // e_phnum
  b.U16(elf::kShdrSize);
  b.U16(num_sections);
  b.U16(elf::kShstrtabIndex);

  // .symtab: the null symbol, then the functions and trampolines.
  sh[elf::kSymtabIndex].offset = b.size();
  for (int i = 0; i < elf::kSymSize; ++i) b.U8(0);
  for (const CodeSymbol& s : symbols) {
    b.U32(strtab.Add(s.name));
    b.U8(uint8_t(elf::kStbGlobal << 4 | elf::kSttFunc));
    b.U8(0);  // STV_DEFAULT
    b.U16(elf::kTextIndex);
    b.U64(text_address + s.offset);
    b.U64(s.size);
  }
  sh[elf::kSymtabIndex].type = elf::kShtSymtab;
  sh[elf::kSymtabIndex].size = b.size() - sh[elf::kSymtabIndex].offset;
  sh[elf::kSymtabIndex].link = elf::kStrtabIndex;
  sh[elf::kSymtabIndex].info = 1;  // index of the first non-local symbol
  sh[elf::kSymtabIndex].addralign = 8;
  sh[elf::kSymtabIndex].entsize = elf::kSymSize;

  for (uint16_t i : {elf::kStrtabIndex, elf::kShstrtabIndex}) {
    const std::string& text = i == elf::kStrtabIndex ? strtab.text() : shstrtab.text();
    sh[i].type = elf::kShtStrtab;
    sh[i].offset = b.size();
    sh[i].size = text.size();
    sh[i].addralign = 1;
    b.Raw(text.data(), text.size());
  }
  if (with_dwarf) {
    const std::pair<uint16_t, const std::vector<uint8_t>*> debug[] = {
        {elf::kDebugAbbrevIndex, &dwarf->abbrev},
        {elf::kDebugInfoIndex, &dwarf->info},
        {elf::kDebugLineIndex, &dwarf->line}};
    for (auto [i, bytes] : debug) {
      sh[i].type = elf::kShtProgbits;
      sh[i].offset = b.size();
      sh[i].size = bytes->size();
      sh[i].addralign = 1;
      b.Raw(bytes->data(), bytes->size());
    }
  }
  b.AlignTo(8);
  const uint64_t shoff = b.size();
  std::memcpy(image.bytes_.data() + shoff_at, &shoff, 8);
  for (uint16_t i = 0; i < num_sections; ++i) {
    const SectionHeader& h = sh[i];
    b.U32(h.name);
    b.U32(h.type);
    b.U64(h.flags);
    b.U64(h.addr);
    b.U64(h.offset);
    b.U64(h.size);
    b.U32(h.link);
    b.U32(h.info);
    b.U64(h.addralign);
    b.U64(h.entsize);
  }
  return image;
}

}  // namespace egret::runtime::profiling
