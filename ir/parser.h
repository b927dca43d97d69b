// parser.h: reads the .eir text format (see printer.h and docs/ir.md) back into functions.
//
// Errors carry `file:line:col` and say what was expected and what was found, e.g.
// `f.eir:3:14: error: expected ',' after the first operand, found 'v2'`. The parser checks
// syntax, entity numbering (ss/sig/fn declared in order, each value and block defined once,
// every used value defined somewhere) and infers result types; everything else (types of
// operands, dominance, terminators) is the verifier's job, so malformed-but-parseable IR can be
// written in tests. Comments run from ';' to the end of the line.
#ifndef EGRET_IR_PARSER_H_
#define EGRET_IR_PARSER_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/function.h"
#include "ir/literal.h"  // ParseInt, ParseF32, ParseF64
#include "support/error.h"

namespace egret::ir {

// Where things were in the text, for tools that report later problems (verifier errors) at a
// line and column: byte offsets per function (its `function` keyword) and per instruction.
struct SourceMap {
  std::vector<uint32_t> function_offsets;
  std::vector<std::vector<uint32_t>> inst_offsets;  // [function][inst index]

  // 1-based line and column of a byte offset in `text`.
  static std::pair<uint32_t, uint32_t> LineColumn(std::string_view text, size_t offset);
};

// Parses every function in `text`. `file` names the input in errors.
Expected<Module> ParseModule(std::string_view text, std::string_view file = "",
                             SourceMap* source_map = nullptr);

}  // namespace egret::ir

#endif  // EGRET_IR_PARSER_H_
