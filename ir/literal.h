// literal.h: numeric literals of the IR text format.
//
// Integers are decimal or 0x-hex, optionally negative; hex may spell any 64-bit pattern.
// Floats: finite values in C99 hex-float form as printed (`0x1.8p+1`, `-0x0p+0`) or decimal
// when read (`1.5`, `-0.0`, `3`), `inf`, `-inf`, `nan` (the canonical quiet NaN), `-nan`, and
// `nan:0x1` / `-nan:0x1` for other payloads (the mantissa bits, as in the Wasm text format).
// Formatting then parsing gives back the same bits for every value, NaNs included.
#ifndef EGRET_IR_LITERAL_H_
#define EGRET_IR_LITERAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ir/types.h"

namespace egret::ir {

std::optional<int64_t> ParseInt(std::string_view text);
// Non-negative decimal or 0x-hex (underscores allowed as separators); nullopt on overflow.
std::optional<uint64_t> ParseUnsignedInt(std::string_view text);
// Decimal literals round once, directly to the target precision; overflow to infinity is an
// error (write `inf`).
std::optional<uint32_t> ParseF32(std::string_view text);
std::optional<uint64_t> ParseF64(std::string_view text);

std::string FormatF32(uint32_t bits);
std::string FormatF64(uint64_t bits);

// A scalar of type t (an integer of t's width may be written signed or unsigned: -1 and 255 are
// the same i8), or nullopt. The bits come back zero-extended.
std::optional<uint64_t> ParseScalarLiteral(Type t, std::string_view text);
// A scalar as printed: integers signed decimal, floats as FormatF32/FormatF64.
std::string FormatScalarLiteral(Type t, uint64_t bits);
// A vector's lanes as printed, lane 0 first: `[1 2 3 4]` for an i32x4 (each lane as
// FormatScalarLiteral of the lane type).
std::string FormatVectorLiteral(Type vec, const V128& v);

}  // namespace egret::ir

#endif  // EGRET_IR_LITERAL_H_
