// code_symbol.cc: see code_symbol.h.
#include "runtime/profiling/code_symbol.h"

#include <algorithm>

namespace egret::runtime::profiling {

std::string SanitizeSymbolName(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

std::vector<CodeSymbol> CollectCodeSymbols(const artifact::Artifact& a, std::string_view prefix) {
  std::vector<CodeSymbol> out;
  out.reserve(2 * a.functions.size() + a.wasm_to_array.size());
  const uint32_t imported = a.NumImported(artifact::ExternKind::kFunc);
  const std::string pre = SanitizeSymbolName(prefix);
  for (uint32_t k = 0; k < a.functions.size(); ++k) {
    const artifact::Function& f = a.functions[k];
    const uint32_t index = imported + k;
    const std::string_view wasm_name = a.FunctionNameOf(index);
    const std::string base =
        wasm_name.empty() ? "func[" + std::to_string(index) + "]" : SanitizeSymbolName(wasm_name);
    if (!f.body.empty())
      out.push_back({f.body.offset, f.body.size, CodeSymbolKind::kFunction, index, pre + base});
    if (!f.array_call.empty())
      out.push_back({f.array_call.offset, f.array_call.size, CodeSymbolKind::kArrayCallTrampoline,
                     index, pre + "array_call[" + base + "]"});
  }
  for (const artifact::WasmToArrayTrampoline& t : a.wasm_to_array) {
    if (t.code.empty()) continue;
    out.push_back({t.code.offset, t.code.size, CodeSymbolKind::kWasmToArrayTrampoline, t.type_index,
                   pre + "wasm_to_array[type " + std::to_string(t.type_index) + "]"});
  }
  std::sort(out.begin(), out.end(),
            [](const CodeSymbol& x, const CodeSymbol& y) { return x.offset < y.offset; });
  return out;
}

}  // namespace egret::runtime::profiling
