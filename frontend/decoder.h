// decoder.h: the binary format of a Wasm module (spec chapter 5), section by section.
//
// DecodeModule checks everything the binary format requires outside function bodies: magic and
// version, section ids, order and sizes, LEB128 limits, UTF-8 names, vector counts against the
// bytes left, the function/code and data-count/data agreements, and trailing bytes. Its errors
// are always malformed (ErrorKind::kMalformed). Function bodies are only delimited here; their
// operators are decoded by whoever walks them (validator, translator) with an OperatorReader.
//
// Cost: one pass over the module outside code bodies; no allocation proportional to code size.
#ifndef EGRET_FRONTEND_DECODER_H_
#define EGRET_FRONTEND_DECODER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "frontend/module_env.h"
#include "support/error.h"

namespace egret::wasm {

// Decodes `bytes` (which the result takes over). `file` names the input in errors. `features`
// become the result's ModuleEnv::features.
Expected<ModuleEnv> DecodeModule(ModuleBytes bytes, std::string file = "",
                                 WasmFeatures features = WasmFeatures::Default());

// True if `s` is well-formed UTF-8 (no overlong forms, surrogates, or code points past U+10FFFF).
bool IsValidUtf8(std::span<const uint8_t> s);

}  // namespace egret::wasm

#endif  // EGRET_FRONTEND_DECODER_H_
