// dwarf_sections.h: minimal DWARF 4 debug information that maps code addresses to Wasm byte
// offsets, for the gdb ELF image (elf_image.h).
//
// One compile unit named after the module (`source_name`, the same "file" jitdump uses) spans
// the text section; it has one DW_TAG_subprogram per CodeSymbol (name, low_pc, high_pc) and a
// line table with one sequence per symbol that has source locations. A "line" is the byte
// offset of the Wasm instruction in the original module, so gdb prints `inner () at wasm:57`
// and accepts `break wasm:57`. Each sequence starts at its function's first located instruction
// and ends one past the function's last byte. Unlike the jitdump records, the prologue before
// that instruction gets no line: gdb moves a breakpoint that lands mid-line to the next line, so
// a prologue row would push `break inner` past the function's first Wasm instruction.
//
// Invariant: addresses are absolute (the image is ET_EXEC at the code's real address); no CFI
// is emitted, so debuggers keep unwinding Wasm frames through frame pointers.
#ifndef EGRET_RUNTIME_PROFILING_DWARF_SECTIONS_H_
#define EGRET_RUNTIME_PROFILING_DWARF_SECTIONS_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "artifact/artifact.h"
#include "runtime/profiling/code_symbol.h"

namespace egret::runtime::profiling {

namespace dwarf {
inline constexpr uint16_t kVersion = 4;
inline constexpr uint8_t kTagCompileUnit = 0x11, kTagSubprogram = 0x2e;
inline constexpr uint8_t kAtName = 0x03, kAtStmtList = 0x10, kAtLowPc = 0x11, kAtHighPc = 0x12,
                         kAtLanguage = 0x13;
inline constexpr uint8_t kFormAddr = 0x01, kFormData2 = 0x05, kFormData8 = 0x07, kFormString = 0x08,
                         kFormSecOffset = 0x17;
inline constexpr uint16_t kLangC99 = 0x0c;  // the closest to "C-like names, no types"
inline constexpr uint8_t kLnsCopy = 0x01, kLnsAdvancePc = 0x02, kLnsAdvanceLine = 0x03;
inline constexpr uint8_t kLneEndSequence = 0x01, kLneSetAddress = 0x02;
inline constexpr uint8_t kOpcodeBase = 13;
}  // namespace dwarf

struct DwarfSections {
  std::vector<uint8_t> abbrev;  // .debug_abbrev
  std::vector<uint8_t> info;    // .debug_info
  std::vector<uint8_t> line;    // .debug_line

  // `source_locs` is the artifact's whole sorted list. Returns empty sections if there are no
  // symbols.
  static DwarfSections Build(uint64_t text_address, uint64_t text_size,
                             std::span<const CodeSymbol> symbols,
                             std::span<const artifact::SourceLoc> source_locs,
                             std::string_view source_name);
  bool empty() const { return info.empty(); }
};

}  // namespace egret::runtime::profiling

#endif  // EGRET_RUNTIME_PROFILING_DWARF_SECTIONS_H_
