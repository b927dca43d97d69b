// wasm_builder.h: hand-assembled Wasm binaries for the frontend's unit tests.
//
// Tests describe a module as sections of raw bytes; the helpers add the LEB128 lengths, so a
// test states exactly the bytes it is about (including deliberately broken ones).
#ifndef EGRET_TESTS_UNIT_FRONTEND_WASM_BUILDER_H_
#define EGRET_TESTS_UNIT_FRONTEND_WASM_BUILDER_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "support/leb128.h"

namespace egret::wasm::testing {

using Bytes = std::vector<uint8_t>;

inline Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes U32(uint32_t v) {
  Bytes out;
  WriteU32(out, v);
  return out;
}

inline Bytes Name(const std::string& s) {
  return Cat({U32(static_cast<uint32_t>(s.size())), Bytes(s.begin(), s.end())});
}

// A section: id, LEB128 size, payload.
inline Bytes Section(uint8_t id, const Bytes& payload) {
  return Cat({Bytes{id}, U32(static_cast<uint32_t>(payload.size())), payload});
}

inline Bytes Header() { return {0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}; }

inline Bytes ModuleOf(std::initializer_list<Bytes> sections) {
  Bytes out = Header();
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

// A type section with one function type.
inline Bytes TypeSection(const Bytes& params, const Bytes& results) {
  return Section(1, Cat({U32(1), Bytes{0x60}, U32(static_cast<uint32_t>(params.size())), params,
                         U32(static_cast<uint32_t>(results.size())), results}));
}

// A function section declaring `n` functions of type 0.
inline Bytes FunctionSection(uint32_t n) {
  Bytes payload = U32(n);
  for (uint32_t i = 0; i < n; ++i) payload.push_back(0);
  return Section(3, payload);
}

// A code section with the given bodies (each: local declarations + code, without the size).
inline Bytes CodeSection(std::initializer_list<Bytes> bodies) {
  Bytes payload = U32(static_cast<uint32_t>(bodies.size()));
  for (const Bytes& b : bodies) {
    Bytes sized = Cat({U32(static_cast<uint32_t>(b.size())), b});
    payload.insert(payload.end(), sized.begin(), sized.end());
  }
  return Section(10, payload);
}

// A module with one function of type params -> results and the given body code (no locals).
inline Bytes OneFunction(const Bytes& params, const Bytes& results, const Bytes& code,
                         std::initializer_list<Bytes> extra_sections_before_code = {}) {
  Bytes out = Cat({Header(), TypeSection(params, results), FunctionSection(1)});
  for (const Bytes& s : extra_sections_before_code) out.insert(out.end(), s.begin(), s.end());
  Bytes code_sec = CodeSection({Cat({Bytes{0x00}, code})});
  out.insert(out.end(), code_sec.begin(), code_sec.end());
  return out;
}

inline constexpr uint8_t kI32 = 0x7f, kI64 = 0x7e, kF32 = 0x7d, kF64 = 0x7c, kV128 = 0x7b;

}  // namespace egret::wasm::testing

#endif  // EGRET_TESTS_UNIT_FRONTEND_WASM_BUILDER_H_
