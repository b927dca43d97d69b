// literals.h: integer and float literals of the WebAssembly text format.
//
// Grammar (spec, text format "Values"): digits may be separated by single underscores
// (`1_000`, `0xff_ff`, never leading, trailing or doubled); integers are decimal or `0x` hex with
// an optional sign; floats are decimal (`1.5e-3`, `1.`, `1e5`) or hex (`0x1.8p3`, `0x1p-2`),
// or `inf`, `nan`, `nan:0xPAYLOAD`, each with an optional sign.
//
// Exactness: floats round to nearest, ties to even, in one step from the literal's exact value
// to the target width (strtof for f32, strtod for f64; never through the other width). A literal
// that rounds to infinity is out of range. NaN payloads are placed verbatim in the significand;
// `nan` alone is the canonical NaN (only the quiet bit set).
//
// Every function returns nullopt when the text is not a literal of that kind, and sets
// *out_of_range (when given) if it is one but does not fit.
#ifndef EGRET_FRONTEND_TEXT_LITERALS_H_
#define EGRET_FRONTEND_TEXT_LITERALS_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace egret::text {

// An unsigned literal (no sign) up to 2^64 - 1: indices, offsets, alignments, limits.
std::optional<uint64_t> ParseNat(std::string_view text, bool* out_of_range = nullptr);

// i32/i64 immediates: a signed value in [-2^(N-1), 2^(N-1)) or an unsigned one below 2^N; the
// result is the two's-complement bit pattern.
std::optional<uint32_t> ParseInt32(std::string_view text, bool* out_of_range = nullptr);
std::optional<uint64_t> ParseInt64(std::string_view text, bool* out_of_range = nullptr);
// i8/i16 lanes of v128.const (same rule for N = 8, 16).
std::optional<uint32_t> ParseIntN(std::string_view text, int bits, bool* out_of_range = nullptr);

// f32/f64 immediates as bit patterns.
std::optional<uint32_t> ParseFloat32(std::string_view text, bool* out_of_range = nullptr);
std::optional<uint64_t> ParseFloat64(std::string_view text, bool* out_of_range = nullptr);

}  // namespace egret::text

#endif  // EGRET_FRONTEND_TEXT_LITERALS_H_
