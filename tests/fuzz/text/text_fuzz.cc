// text_fuzz.cc: libFuzzer target over the text format: the .wast script parser (which runs the
// lexer, the literal parsers and the module parser on every module, `quote` ones included) and
// the .wat entry point.
//
// Properties: no crash, hang or sanitizer report; every rejection is an Error located at a
// line and column (both >= 1); a module that parses starts with the binary header, and parsing
// the same text twice gives the same bytes (the parser keeps no state between calls).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "frontend/text/module_parser.h"
#include "frontend/text/script_parser.h"

namespace {

void CheckLocated(const egret::Error& e, const char* what) {
  if (e.line == 0 || e.column == 0) {
    std::fprintf(stderr, "%s error without a position: %s\n", what, e.ToString().c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace egret;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Odd-sized inputs also write the name section.
  const text::TextOptions options{.debug_names = (size & 1) != 0};
  Expected<std::vector<uint8_t>> wasm = text::WatToWasm(text, options);
  if (!wasm.ok()) {
    CheckLocated(wasm.error(), "module");
  } else {
    static const uint8_t kHeader[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
    if (wasm->size() < 8 || !std::equal(kHeader, kHeader + 8, wasm->begin())) std::abort();
    Expected<std::vector<uint8_t>> again = text::WatToWasm(text, options);
    if (!again.ok() || *again != *wasm) std::abort();
  }
  Expected<text::Script> script = text::ParseScript(text, options);
  if (!script.ok()) {
    CheckLocated(script.error(), "script");
    return 0;
  }
  for (const text::ScriptCommand& c : script->commands)
    if (c.module.error) CheckLocated(*c.module.error, "script module");
  return 0;
}
