// frontend_fuzz.cc: libFuzzer target over the whole frontend: decode, validate, translate every
// function into the IR and run the IR verifier on the result.
//
// Bad input must come back as an error, never a crash, hang or sanitizer report; a module that
// validates must translate (SIMD included; the only refusal is a function with more than 2^20
// locals) into IR that verifies. Any other translation error or a verifier failure is a
// translator bug, so it aborts with the error or the function's IR.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "frontend/translator.h"
#include "frontend/validator.h"
#include "ir/printer.h"
#include "ir/verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace egret;
  std::vector<uint8_t> bytes(data, data + size);
  wasm::WasmError error;
  std::optional<wasm::ModuleEnv> env = wasm::LoadModule(std::move(bytes), "fuzz.wasm", &error);
  if (!env) return 0;
  Expected<wasm::VMContextLayout> layout = wasm::VMContextLayout::Compute(*env);
  if (!layout.ok()) return 0;
  const std::vector<std::string> symbols = wasm::FunctionSymbols(*env);
  wasm::TranslateOptions options;
  // Odd-sized inputs also exercise the explicit bounds-check strategy.
  if (size & 1) options.heap = wasm::HeapStrategy::kBoundsCheck;
  wasm::FunctionTranslator translator(*env, *layout, symbols, options);
  for (uint32_t i = env->num_imported_functions; i < env->functions.size(); ++i) {
    Expected<ir::Function> f = translator.Translate(i);
    if (!f.ok()) {
      if (f.error().message.find("not yet supported: more than") != std::string::npos) continue;
      std::fprintf(stderr, "translation failed on func %u: %s\n", i, f.error().ToString().c_str());
      std::abort();
    }
    if (Status st = ir::Verify(*f); !st.ok()) {
      std::fprintf(stderr, "IR verifier failed on func %u: %s\n%s", i,
                   st.error().ToString().c_str(), ir::PrintFunction(*f).c_str());
      std::abort();
    }
  }
  return 0;
}
