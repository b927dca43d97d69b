// value_text.h: WebAssembly values as command-line text, for `egret run --invoke`.
//
// Output is one value per line as `TYPE:VALUE`, chosen so that floats are bit-exact and NaNs
// keep their payload:
//   i32:-7           i64:12345678901      (signed decimal)
//   f32:1.5          f64:-0               (shortest decimal that reads back to the same bits)
//   f32:inf          f64:-inf
//   f32:nan          f64:-nan             (the canonical NaN, quiet bit only, with its sign)
//   f32:nan:0x200001                      (any other NaN: its mantissa bits in hex)
//   funcref:null     funcref:0x55d0...    (references: null or an opaque address)
//   externref:null   externref:7          (a host reference holding the number 7, created by
//                                          `egret run`/`egret wast`; other host values print
//                                          as an address)
//   v128:i32x4:1 -2 3 4                   (v128: a lane shape, then its lanes, lane 0 first,
//                                          each lane spelled as the scalar of its type)
// Input (arguments) accepts the same spellings, plus integers in hex (`0xff`, `-0x10`) and, for
// i32/i64, unsigned values up to 2^N - 1 (wrapping, as in the text format). A v128 argument
// names its shape, any of i8x16 i16x8 i32x4 i64x2 f32x4 f64x2, and then exactly that many lanes
// separated by spaces (`i8x16:1 2 ... 16`, `f64x2:1.5 -nan`); the `v128:` prefix is optional.
// Errors name the value and its type.
#ifndef EGRET_TOOLS_VALUE_TEXT_H_
#define EGRET_TOOLS_VALUE_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifact/artifact.h"
#include "runtime/store.h"
#include "support/error.h"

namespace egret::tools {

// The lane shapes of a v128 value. Lanes are little-endian: lane 0 is the lowest bytes.
enum class V128Shape : uint8_t { kI8x16, kI16x8, kI32x4, kI64x2, kF32x4, kF64x2 };
// "i8x16" ... "f64x2", or a lane type as wast2json writes it, "i8" ... "f64".
std::optional<V128Shape> ParseV128Shape(std::string_view name);
std::string_view V128ShapeName(V128Shape s);
int V128LaneCount(V128Shape s);
bool V128IsFloat(V128Shape s);
// Lane `lane` (< V128LaneCount(s)) of `bytes` as its bit pattern, zero-extended.
uint64_t GetV128Lane(const uint8_t* bytes, V128Shape s, int lane);
// Writes the low bits of `bits` into lane `lane`.
void SetV128Lane(uint8_t* bytes, V128Shape s, int lane, uint64_t bits);
// `SHAPE:lane lane ...` (no `v128:` prefix): integer lanes signed decimal, float lanes as
// FormatF32Bits/FormatF64Bits write them.
std::string FormatV128(const uint8_t* bytes, V128Shape s);
// An expected v128 as spec scripts write it (wast2json: each lane's bits as unsigned decimal, or
// a NaN class `nan:canonical`/`nan:arithmetic`) in FormatV128's form: `f32x4:1 nan:canonical 0
// -1`. A lane that is neither is printed as it is.
std::string FormatV128Pattern(V128Shape s, const std::vector<std::string>& lanes);

std::string FormatF32Bits(uint32_t bits);
std::string FormatF64Bits(uint64_t bits);
// `TYPE:VALUE` as described above.
std::string FormatVal(const runtime::Val& v);

Expected<runtime::Val> ParseVal(artifact::ValType type, std::string_view text);

}  // namespace egret::tools

#endif  // EGRET_TOOLS_VALUE_TEXT_H_
