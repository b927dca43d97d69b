// literals.cc: see literals.h.
#include "frontend/text/literals.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace egret::text {
namespace {

int DigitValue(char c, bool hex) {
  if (c >= '0' && c <= '9') return c - '0';
  if (hex && c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (hex && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Consumes a digit run with single underscores between digits; appends the digits to *clean
// when given. Returns the number of digits, 0 if the run is empty or malformed.
size_t ScanDigits(std::string_view s, size_t* i, bool hex, std::string* clean) {
  size_t digits = 0;
  bool last_digit = false;
  while (*i < s.size()) {
    const char c = s[*i];
    if (c == '_') {
      if (!last_digit) return 0;
      last_digit = false;
      ++*i;
      continue;
    }
    if (DigitValue(c, hex) < 0) break;
    if (clean) clean->push_back(c);
    ++digits;
    last_digit = true;
    ++*i;
  }
  if (digits && !last_digit) return 0;  // trailing underscore
  return digits;
}

// Unsigned magnitude of `s` (decimal or 0x hex, underscores allowed). *overflow when >= 2^64.
std::optional<uint64_t> ParseMagnitude(std::string_view s, bool* overflow) {
  bool hex = false;
  size_t i = 0;
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x') {
    hex = true;
    i = 2;
  }
  if (i >= s.size()) return std::nullopt;
  uint64_t v = 0;
  bool last_digit = false;
  *overflow = false;
  const uint64_t base = hex ? 16 : 10;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      if (!last_digit) return std::nullopt;
      last_digit = false;
      continue;
    }
    const int d = DigitValue(c, hex);
    if (d < 0) return std::nullopt;
    if (v > (UINT64_MAX - uint64_t(d)) / base) *overflow = true;
    v = v * base + uint64_t(d);
    last_digit = true;
  }
  if (!last_digit) return std::nullopt;
  return v;
}

void SetRange(bool* out_of_range, bool value) {
  if (out_of_range) *out_of_range = value;
}

// Splits an optional sign off.
std::string_view StripSign(std::string_view s, bool* negative, bool* had_sign) {
  *negative = false;
  *had_sign = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    *negative = s[0] == '-';
    *had_sign = true;
    s.remove_prefix(1);
  }
  return s;
}

template <int kBits>
std::optional<uint64_t> ParseIntBits(std::string_view text, bool* out_of_range) {
  SetRange(out_of_range, false);
  bool negative, had_sign;
  std::string_view s = StripSign(text, &negative, &had_sign);
  bool overflow = false;
  std::optional<uint64_t> mag = ParseMagnitude(s, &overflow);
  if (!mag) return std::nullopt;
  const uint64_t unsigned_max = kBits == 64 ? UINT64_MAX : (uint64_t{1} << kBits) - 1;
  const uint64_t neg_max = uint64_t{1} << (kBits - 1);
  if (overflow || (negative && *mag > neg_max) || (!negative && *mag > unsigned_max)) {
    SetRange(out_of_range, true);
    return std::nullopt;
  }
  uint64_t v = negative ? uint64_t(0) - *mag : *mag;
  if (kBits < 64) v &= unsigned_max;
  return v;
}

// Float literal parsing shared by both widths. kMantBits: explicit significand bits.
template <class Bits, int kMantBits, int kExpBits>
std::optional<Bits> ParseFloatBits(std::string_view text, bool* out_of_range) {
  SetRange(out_of_range, false);
  bool negative, had_sign;
  std::string_view s = StripSign(text, &negative, &had_sign);
  const Bits sign = negative ? Bits{1} << (kMantBits + kExpBits) : 0;
  const Bits exp_mask = ((Bits{1} << kExpBits) - 1) << kMantBits;
  const Bits mant_mask = (Bits{1} << kMantBits) - 1;
  if (s == "inf") return sign | exp_mask;
  if (s == "nan") return sign | exp_mask | (Bits{1} << (kMantBits - 1));
  if (s.substr(0, 4) == "nan:") {
    std::string_view p = s.substr(4);
    if (p.size() < 3 || p[0] != '0' || p[1] != 'x') return std::nullopt;
    bool overflow = false;
    std::optional<uint64_t> payload = ParseMagnitude(p, &overflow);
    if (!payload) return std::nullopt;
    if (overflow || *payload == 0 || *payload > mant_mask) {
      SetRange(out_of_range, true);
      return std::nullopt;
    }
    return sign | exp_mask | static_cast<Bits>(*payload);
  }
  // Validate the grammar and build a clean string for strtod/strtof.
  std::string clean;
  clean.reserve(s.size() + 2);
  if (negative) clean.push_back('-');
  size_t i = 0;
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && s[1] == 'x') {
    hex = true;
    clean += "0x";
    i = 2;
  }
  if (ScanDigits(s, &i, hex, &clean) == 0) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    clean.push_back('.');
    ++i;
    if (i < s.size() && DigitValue(s[i], hex) >= 0) {
      if (ScanDigits(s, &i, hex, &clean) == 0) return std::nullopt;
    }
  }
  if (i < s.size() && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
    clean.push_back(hex ? 'p' : 'e');
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean.push_back(s[i++]);
    if (ScanDigits(s, &i, false, &clean) == 0) return std::nullopt;
  } else if (hex) {
    clean += "p0";
  }
  if (i != s.size()) return std::nullopt;
  // Huge exponents: strtod saturates correctly (to inf or 0), so no special casing is needed.
  errno = 0;
  char* end = nullptr;
  Bits bits;
  if constexpr (sizeof(Bits) == 4) {
    const float f = std::strtof(clean.c_str(), &end);
    if (std::isinf(f)) {
      SetRange(out_of_range, true);
      return std::nullopt;
    }
    std::memcpy(&bits, &f, 4);
  } else {
    const double d = std::strtod(clean.c_str(), &end);
    if (std::isinf(d)) {
      SetRange(out_of_range, true);
      return std::nullopt;
    }
    std::memcpy(&bits, &d, 8);
  }
  if (end != clean.c_str() + clean.size()) return std::nullopt;
  return bits;
}

}  // namespace

std::optional<uint64_t> ParseNat(std::string_view text, bool* out_of_range) {
  SetRange(out_of_range, false);
  if (text.empty() || text[0] == '+' || text[0] == '-') return std::nullopt;
  bool overflow = false;
  std::optional<uint64_t> v = ParseMagnitude(text, &overflow);
  if (v && overflow) {
    SetRange(out_of_range, true);
    return std::nullopt;
  }
  return v;
}

std::optional<uint32_t> ParseInt32(std::string_view text, bool* out_of_range) {
  std::optional<uint64_t> v = ParseIntBits<32>(text, out_of_range);
  if (!v) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

std::optional<uint64_t> ParseInt64(std::string_view text, bool* out_of_range) {
  return ParseIntBits<64>(text, out_of_range);
}

std::optional<uint32_t> ParseIntN(std::string_view text, int bits, bool* out_of_range) {
  std::optional<uint64_t> v = bits == 8    ? ParseIntBits<8>(text, out_of_range)
                              : bits == 16 ? ParseIntBits<16>(text, out_of_range)
                                           : ParseIntBits<32>(text, out_of_range);
  if (!v) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

std::optional<uint32_t> ParseFloat32(std::string_view text, bool* out_of_range) {
  return ParseFloatBits<uint32_t, 23, 8>(text, out_of_range);
}

std::optional<uint64_t> ParseFloat64(std::string_view text, bool* out_of_range) {
  return ParseFloatBits<uint64_t, 52, 11>(text, out_of_range);
}

}  // namespace egret::text
