// elf_image_test.cc: the in-memory ELF object gdb reads, parsed back: the header, the section
// headers, and one STT_FUNC symbol per function and trampoline at its real address.
#include "runtime/profiling/elf_image.h"

#include <elf.h>  // the system's definitions, independent of elf_image.h's constants
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "runtime/profiling/code_symbol.h"
#include "runtime/profiling/jitdump_writer.h"

namespace egret::runtime::profiling {
namespace {

template <class T>
T Read(const std::vector<uint8_t>& b, size_t at) {
  EXPECT_LE(at + sizeof(T), b.size());
  T v;
  std::memcpy(&v, b.data() + at, sizeof(T));
  return v;
}

std::string StrAt(const std::vector<uint8_t>& b, const Elf64_Shdr& table, uint32_t off) {
  EXPECT_LT(off, table.sh_size);
  return std::string(reinterpret_cast<const char*>(b.data() + table.sh_offset + off));
}

TEST(ElfImage, SectionsAndSymbolsParseBack) {
  const uint64_t text_address = 0x7f0012340000;
  const std::vector<CodeSymbol> symbols = {
      {0x00, 0x20, CodeSymbolKind::kFunction, 0, "fib"},
      {0x20, 0x30, CodeSymbolKind::kFunction, 1, "mod::func[1]"},
      {0x80, 0x10, CodeSymbolKind::kArrayCallTrampoline, 0, "array_call[fib]"},
  };
  const std::vector<uint8_t> b =
      ElfImage::Build(jitdump::kEmX86_64, text_address, 0x90, symbols).bytes();
  const auto eh = Read<Elf64_Ehdr>(b, 0);
  EXPECT_EQ(std::memcmp(eh.e_ident, ELFMAG, SELFMAG), 0);
  EXPECT_EQ(eh.e_ident[EI_CLASS], ELFCLASS64);
  EXPECT_EQ(eh.e_ident[EI_DATA], ELFDATA2LSB);
  EXPECT_EQ(eh.e_ident[EI_VERSION], EV_CURRENT);
  EXPECT_EQ(eh.e_type, ET_EXEC);
  EXPECT_EQ(eh.e_machine, EM_X86_64);
  EXPECT_EQ(eh.e_ehsize, sizeof(Elf64_Ehdr));
  EXPECT_EQ(eh.e_phnum, 0);
  EXPECT_EQ(eh.e_shentsize, sizeof(Elf64_Shdr));
  ASSERT_EQ(eh.e_shnum, 5);
  ASSERT_LT(eh.e_shstrndx, eh.e_shnum);
  ASSERT_EQ(eh.e_shoff % 8, 0u);
  ASSERT_LE(eh.e_shoff + eh.e_shnum * sizeof(Elf64_Shdr), b.size());

  std::vector<Elf64_Shdr> sh;
  for (int i = 0; i < eh.e_shnum; ++i)
    sh.push_back(Read<Elf64_Shdr>(b, eh.e_shoff + i * sizeof(Elf64_Shdr)));
  EXPECT_EQ(sh[0].sh_type, SHT_NULL);
  std::map<std::string, Elf64_Shdr> by_name;
  for (const Elf64_Shdr& s : sh) {
    if (s.sh_type != SHT_NOBITS && s.sh_type != SHT_NULL) {
      EXPECT_LE(s.sh_offset + s.sh_size, b.size());
    }
    by_name[StrAt(b, sh[eh.e_shstrndx], s.sh_name)] = s;
  }
  ASSERT_TRUE(by_name.count(".text"));
  ASSERT_TRUE(by_name.count(".symtab"));
  ASSERT_TRUE(by_name.count(".strtab"));
  ASSERT_TRUE(by_name.count(".shstrtab"));
  const Elf64_Shdr text = by_name[".text"];
  EXPECT_EQ(text.sh_type, SHT_NOBITS);
  EXPECT_EQ(text.sh_flags, uint64_t(SHF_ALLOC | SHF_EXECINSTR));
  EXPECT_EQ(text.sh_addr, text_address);
  EXPECT_EQ(text.sh_size, 0x90u);
  const Elf64_Shdr symtab = by_name[".symtab"];
  EXPECT_EQ(symtab.sh_type, SHT_SYMTAB);
  EXPECT_EQ(symtab.sh_entsize, sizeof(Elf64_Sym));
  ASSERT_EQ(symtab.sh_size, (symbols.size() + 1) * sizeof(Elf64_Sym));
  EXPECT_EQ(symtab.sh_info, 1u);  // only the null symbol is local
  ASSERT_LT(symtab.sh_link, sh.size());
  const Elf64_Shdr strtab = sh[symtab.sh_link];
  EXPECT_EQ(strtab.sh_type, SHT_STRTAB);
  EXPECT_EQ(b[strtab.sh_offset], 0);  // string tables start with the empty string

  const auto null_sym = Read<Elf64_Sym>(b, symtab.sh_offset);
  EXPECT_EQ(null_sym.st_name, 0u);
  EXPECT_EQ(null_sym.st_value, 0u);
  const uint16_t text_index = uint16_t(&sh[1] - &sh[0]);
  ASSERT_EQ(StrAt(b, sh[eh.e_shstrndx], sh[text_index].sh_name), ".text");
  for (size_t i = 0; i < symbols.size(); ++i) {
    const auto s = Read<Elf64_Sym>(b, symtab.sh_offset + (i + 1) * sizeof(Elf64_Sym));
    EXPECT_EQ(StrAt(b, strtab, s.st_name), symbols[i].name);
    EXPECT_EQ(ELF64_ST_TYPE(s.st_info), STT_FUNC);
    EXPECT_EQ(ELF64_ST_BIND(s.st_info), STB_GLOBAL);
    EXPECT_EQ(s.st_shndx, text_index);
    EXPECT_EQ(s.st_value, text_address + symbols[i].offset);
    EXPECT_EQ(s.st_size, symbols[i].size);
    EXPECT_GE(s.st_value, text.sh_addr);
    EXPECT_LE(s.st_value + s.st_size, text.sh_addr + text.sh_size);
  }
}

TEST(ElfImage, EmptyModuleIsStillAWellFormedObject) {
  const std::vector<uint8_t> b = ElfImage::Build(jitdump::kEmAarch64, 0x1000, 0, {}).bytes();
  const auto eh = Read<Elf64_Ehdr>(b, 0);
  EXPECT_EQ(eh.e_machine, EM_AARCH64);
  const auto symtab = Read<Elf64_Shdr>(b, eh.e_shoff + 2 * sizeof(Elf64_Shdr));
  EXPECT_EQ(symtab.sh_type, SHT_SYMTAB);
  EXPECT_EQ(symtab.sh_size, sizeof(Elf64_Sym));
}

}  // namespace
}  // namespace egret::runtime::profiling
