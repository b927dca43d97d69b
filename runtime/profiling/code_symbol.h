// code_symbol.h: the named code ranges of a loaded module, as profilers and debuggers see them.
//
// Every byte range of the text section that is a function body or a trampoline becomes one
// CodeSymbol, so the perf map, the jitdump file and the gdb ELF image all name the same ranges
// with the same names. Names:
//   function body             the name section's name, else `func[N]` (N in the whole index space)
//   array_call trampoline     `array_call[F]`, F the function's name as above
//   wasm_to_array trampoline  `wasm_to_array[type N]`
// each preceded by `prefix` (e.g. "mod::"). Bytes below 0x20 and 0x7f in names become '?', so a
// name is one line in a perf map and one NUL-terminated string in ELF and jitdump.
//
// Invariant: the result is sorted by offset, ranges are non-empty, inside the text section and
// pairwise disjoint (the artifact reader guarantees that of the artifact's ranges).
#ifndef EGRET_RUNTIME_PROFILING_CODE_SYMBOL_H_
#define EGRET_RUNTIME_PROFILING_CODE_SYMBOL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "artifact/artifact.h"

namespace egret::runtime::profiling {

enum class CodeSymbolKind : uint8_t { kFunction, kArrayCallTrampoline, kWasmToArrayTrampoline };

struct CodeSymbol {
  uint32_t offset = 0;  // in the text section
  uint32_t size = 0;
  CodeSymbolKind kind = CodeSymbolKind::kFunction;
  // kFunction, kArrayCallTrampoline: the function's index in the whole index space;
  // kWasmToArrayTrampoline: the type index.
  uint32_t index = 0;
  std::string name;
  uint32_t end() const { return offset + size; }
};

std::vector<CodeSymbol> CollectCodeSymbols(const artifact::Artifact& artifact,
                                           std::string_view prefix);

// `name` with control bytes replaced by '?'.
std::string SanitizeSymbolName(std::string_view name);

}  // namespace egret::runtime::profiling

#endif  // EGRET_RUNTIME_PROFILING_CODE_SYMBOL_H_
