// module_parser.h: a WebAssembly text module (.wat) to its binary encoding (.wasm).
//
// The parser reads the whole text format of Wasm 2.0: modules with $ids and numeric indices,
// folded and flat instructions, every abbreviation (inline imports and exports, inline elem and
// data, type uses with or without `(type ..)`), and writes the binary module that the rest of
// egret decodes and validates (frontend/decoder.h). It does not validate: a well-formed but
// invalid module (a type mismatch, an out-of-range numeric index) becomes a binary that the
// validator rejects, as the spec's reference interpreter does.
//
// Two passes over the token vector. Pass 1 walks the module's fields, numbers every definition
// in its index space, binds the $ids (so fields may refer forward) and reads the explicit
// `(type ...)` definitions. Pass 2 walks the fields again in textual order and encodes them.
// Invariant (implicit types): a type use without `(type x)` names the first type, explicit or
// implicit, with the same signature; if there is none, a new type is appended to the type
// section. Pass 2 resolves type uses in textual order (each function's header, then its body),
// so the type section comes out as wabt's wat2wasm writes it.
//
// Errors are at line:column, worded after the reference interpreter's categories: "unexpected
// token", "unknown operator", "unknown label", "unknown func $f", "duplicate func $f",
// "i32 constant out of range", "mismatching label", "inline function type", "import after
// function", "malformed UTF-8 encoding", ... Any of them makes the module malformed.
#ifndef EGRET_FRONTEND_TEXT_MODULE_PARSER_H_
#define EGRET_FRONTEND_TEXT_MODULE_PARSER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/text/lexer.h"
#include "support/error.h"

namespace egret::text {

struct TextOptions {
  // Write a "name" custom section with the $ids (module, functions, locals, types, tables,
  // memories, globals, elem and data segments), laid out as `wat2wasm --debug-names` does. The
  // tools turn it on so that IR, backtraces and profiles show the text's names.
  bool debug_names = false;
};

struct ParsedModule {
  std::string id;             // `$name` of `(module $name ...)`, or empty
  std::vector<uint8_t> wasm;  // the binary module (a name section only under debug_names)
};

// Parses `(module $id? field*)` starting at tokens.tokens[*pos] (the '('). On success *pos is
// one past the closing ')'.
Expected<ParsedModule> ParseModuleAt(const TokenList& tokens, size_t* pos,
                                     const TextOptions& options = {});

// Parses the fields of a module up to a ')' or the end of input, starting at *pos (the
// `(module $id?` prefix already consumed by the caller); *pos ends at that ')' or end.
Expected<std::vector<uint8_t>> ParseModuleFields(const TokenList& tokens, size_t* pos,
                                                 const TextOptions& options = {});

// A whole .wat text: one `(module ...)`, or a bare list of module fields. The error's file is
// left empty for the caller to fill in.
Expected<std::vector<uint8_t>> WatToWasm(std::string_view source, const TextOptions& options = {});

}  // namespace egret::text

#endif  // EGRET_FRONTEND_TEXT_MODULE_PARSER_H_
