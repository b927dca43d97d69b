// printer.h: the text form (.eir) of functions, instructions and constants.
//
// The format (docs/ir.md has the full grammar):
//
//   function %sum(i32, i32) -> i32 {
//       ss0 = stack_slot 8, align 8
//       sig0 = (i64) -> i32
//       fn0 = %callee sig0
//   block0(v0: i32, v1: i32):
//       v2 = iconst.i32 0
//   @001a    v3 = load.i32 heap v1+16
//       jump block1(v0, v2)
//   ...
//   }
//
// Invariant: the parser reads back exactly what the printer writes, and printing the parsed
// function gives the same text (tests check this for every filetest). Numbers of values and
// blocks are the entity indices, so they survive the round trip; gaps are allowed.
#ifndef EGRET_IR_PRINTER_H_
#define EGRET_IR_PRINTER_H_

#include <cstdint>
#include <string>

#include "ir/function.h"
#include "ir/literal.h"  // FormatF32, FormatF64

namespace egret::ir {

struct PrintOptions {
  bool srclocs = true;  // write `@hhhh` before instructions that have a source location
};

std::string PrintFunction(const Function& f, const PrintOptions& options = {});
// Functions separated by blank lines.
std::string PrintModule(const Module& m, const PrintOptions& options = {});
// One instruction without indentation or source location: `v3 = iadd v1, v2`.
std::string PrintInst(const Function& f, Inst i);
// A block header without the colon: `block1(v3: i32, v4: i32)`.
std::string PrintBlockHeader(const Function& f, Block b);
// A signature: `(i32, i64) -> i32`.
std::string PrintSignature(const Signature& sig);

inline std::string ValueName(Value v) {
  std::string s = "v";  // not "v" + to_string(): GCC 12 -O3 warns falsely (-Wrestrict)
  s += std::to_string(v.index);
  return s;
}
inline std::string BlockName(Block b) {
  std::string s = "block";
  s += std::to_string(b.index);
  return s;
}

}  // namespace egret::ir

#endif  // EGRET_IR_PRINTER_H_
