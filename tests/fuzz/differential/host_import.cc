// host_import.cc: see host_import.h.
#include "tests/fuzz/differential/host_import.h"

namespace egret::fuzz {
namespace {

uint64_t Mix(uint64_t x) {  // a bijective 64-bit finalizer: every input bit reaches every output
  x ^= x >> 31;
  x *= 0x7fb5d329728ea185ull;
  x ^= x >> 27;
  x *= 0x81dadef4bc2dd44dull;
  x ^= x >> 33;
  return x;
}

bool IsNumeric(wasm::ValType t) {
  return t == wasm::ValType::kI32 || t == wasm::ValType::kI64 || t == wasm::ValType::kF32 ||
         t == wasm::ValType::kF64;
}

uint64_t host_import_calls = 0;

}  // namespace

uint64_t HostImportCalls() { return host_import_calls; }

std::vector<uint64_t> HostImportResults(uint32_t import, const wasm::FuncType& type,
                                        std::span<const uint64_t> args, uint64_t call) {
  ++host_import_calls;
  uint64_t h = Mix((uint64_t{import} << 32) ^ call ^ 0x5bd1e995u);
  for (size_t i = 0; i < args.size() && i < type.params().size(); ++i)
    if (IsNumeric(type.params()[i])) h = Mix(h ^ args[i] ^ (uint64_t{i} << 56));
  std::vector<uint64_t> results;
  for (size_t j = 0; j < type.results().size(); ++j) {
    const uint64_t v = Mix(h + j);
    switch (type.results()[j]) {
      case wasm::ValType::kI32:
        results.push_back(v & 0xffffffffu);
        break;
      case wasm::ValType::kI64:
        results.push_back(v);
        break;
      case wasm::ValType::kF32:
        results.push_back(v & 0xbfffffffu);  // exponent below all-ones: finite
        break;
      case wasm::ValType::kF64:
        results.push_back(v & ~(uint64_t{1} << 62));
        break;
      default:
        results.push_back(0);  // null reference
        break;
    }
  }
  return results;
}

}  // namespace egret::fuzz
