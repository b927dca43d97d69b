// elf_image.h: a minimal in-memory ELF object describing one module's code, for debuggers.
//
// gdb's JIT interface reads such an object from the debuggee's memory as if it were a file on
// disk and adds its symbols. The image holds no code: .text is SHT_NOBITS with sh_addr at the
// real address of the module's text section, so symbol addresses are where the code really is.
// Layout (ELF64, little-endian, ET_EXEC, no program headers):
//
//   [0] null   [1] .text  SHT_NOBITS, SHF_ALLOC|SHF_EXECINSTR, sh_addr = code start
//   [2] .symtab  null symbol, then one STB_GLOBAL STT_FUNC symbol per CodeSymbol, st_shndx 1,
//                st_value the absolute address, st_size its size
//   [3] .strtab  [4] .shstrtab
//   [5] .debug_abbrev  [6] .debug_info  [7] .debug_line   only when DWARF is given
//       (dwarf_sections.h): Wasm byte offsets as line numbers
//
// Invariant: every symbol lies inside [text_address, text_address + text_size), because
// CodeSymbols lie inside the text section.
#ifndef EGRET_RUNTIME_PROFILING_ELF_IMAGE_H_
#define EGRET_RUNTIME_PROFILING_ELF_IMAGE_H_

#include <cstdint>
#include <span>
#include <vector>

#include "runtime/profiling/code_symbol.h"
#include "runtime/profiling/dwarf_sections.h"

namespace egret::runtime::profiling {

namespace elf {
inline constexpr uint16_t kEtExec = 2;
inline constexpr uint32_t kShtNull = 0, kShtProgbits = 1, kShtSymtab = 2, kShtStrtab = 3,
                          kShtNobits = 8;
inline constexpr uint64_t kShfAlloc = 0x2, kShfExecinstr = 0x4;
inline constexpr uint8_t kStbGlobal = 1, kSttFunc = 2;
inline constexpr uint16_t kEhdrSize = 64, kShdrSize = 64, kSymSize = 24;
inline constexpr uint16_t kTextIndex = 1, kSymtabIndex = 2, kStrtabIndex = 3, kShstrtabIndex = 4;
inline constexpr uint16_t kDebugAbbrevIndex = 5, kDebugInfoIndex = 6, kDebugLineIndex = 7;
inline constexpr uint16_t kNumSections = 5, kNumSectionsWithDwarf = 8;
}  // namespace elf

class ElfImage {
 public:
  // `machine` is the ELF e_machine (jitdump::kEmX86_64, ...); symbols are at
  // `text_address + symbol.offset`. `dwarf` may be null or empty (no debug sections).
  static ElfImage Build(uint16_t machine, uint64_t text_address, uint64_t text_size,
                        std::span<const CodeSymbol> symbols, const DwarfSections* dwarf = nullptr);

  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t> Release() { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace egret::runtime::profiling

#endif  // EGRET_RUNTIME_PROFILING_ELF_IMAGE_H_
