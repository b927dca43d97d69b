// text_input.h: accepting the WebAssembly text format wherever the tools accept a .wasm file.
//
// ReadModuleInput() reads a file and, when it is text rather than a binary module or an egret
// artifact, converts it with the text parser (frontend/text/module_parser.h). The first bytes
// decide, as everywhere else in the tools: `\0asm` and `\0egretaf` are binary; anything else is
// parsed as a .wat module (one `(module ...)` or a bare list of fields). A text error carries the
// file name and line:column and counts as malformed (`egret validate --kind`).
#ifndef EGRET_TOOLS_TEXT_INPUT_H_
#define EGRET_TOOLS_TEXT_INPUT_H_

#include <cstdint>
#include <span>
#include <string>

#include "frontend/module_env.h"
#include "support/error.h"

namespace egret::tools {

// Whether `bytes` start like a binary the tools read directly (`\0asm` or `\0egretaf`).
bool IsBinaryInput(std::span<const uint8_t> bytes);

// Converts `bytes` to a binary module if they are text; otherwise returns them unchanged. On a
// text error, sets *text_error (when given) and returns the error, located in `name`.
Expected<wasm::ModuleBytes> TextToBinaryIfNeeded(wasm::ModuleBytes bytes, const std::string& name,
                                                 bool* text_error = nullptr);

// Reads `path` and converts text as above. A regular file is read into storage that is not
// zero-filled first (wasm::ModuleBytes::ForOverwrite), ready for wasm::LoadModule.
Expected<wasm::ModuleBytes> ReadModuleInput(const std::string& path, bool* text_error = nullptr);

}  // namespace egret::tools

#endif  // EGRET_TOOLS_TEXT_INPUT_H_
