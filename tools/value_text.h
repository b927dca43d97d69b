// value_text.h: WebAssembly values as command-line text, for `egret run --invoke`.
//
// Output is one value per line as `TYPE:VALUE`, chosen so that floats are bit-exact and NaNs
// keep their payload:
//   i32:-7           i64:12345678901      (signed decimal)
//   f32:1.5          f64:-0               (shortest decimal that reads back to the same bits)
//   f32:inf          f64:-inf
//   f32:nan          f64:-nan             (the canonical NaN, quiet bit only, with its sign)
//   f32:nan:0x200001                      (any other NaN: its mantissa bits in hex)
//   funcref:null     externref:0x55d0...  (references: null or an opaque address)
// Input (arguments) accepts the same spellings, plus integers in hex (`0xff`, `-0x10`) and, for
// i32/i64, unsigned values up to 2^N - 1 (wrapping, as in the text format). Errors name the
// value and its type.
#ifndef EGRET_TOOLS_VALUE_TEXT_H_
#define EGRET_TOOLS_VALUE_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "artifact/artifact.h"
#include "runtime/store.h"
#include "support/error.h"

namespace egret::tools {

std::string FormatF32Bits(uint32_t bits);
std::string FormatF64Bits(uint64_t bits);
// `TYPE:VALUE` as described above.
std::string FormatVal(const runtime::Val& v);

Expected<runtime::Val> ParseVal(artifact::ValType type, std::string_view text);

}  // namespace egret::tools

#endif  // EGRET_TOOLS_VALUE_TEXT_H_
