// literal.cc: numeric literals of the text format, shared by the parser, the printer and
// `; run:` lines (see literal.h).
#include "ir/literal.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace egret::ir {
namespace {

template <class Float, class Bits>
std::string FormatFloat(Bits bits, int mantissa_bits, Bits canonical_payload) {
  const Bits mantissa_mask = (Bits{1} << mantissa_bits) - 1;
  const int exp_bits = static_cast<int>(sizeof(Bits) * 8) - 1 - mantissa_bits;
  const Bits exp_mask = ((Bits{1} << exp_bits) - 1) << mantissa_bits;
  const bool negative = (bits >> (sizeof(Bits) * 8 - 1)) != 0;
  const std::string sign = negative ? "-" : "";
  if ((bits & exp_mask) == exp_mask) {
    const Bits payload = bits & mantissa_mask;
    if (payload == 0) return sign + "inf";
    if (payload == canonical_payload) return sign + "nan";
    char buf[40];
    std::snprintf(buf, sizeof buf, "nan:0x%" PRIx64, static_cast<uint64_t>(payload));
    return sign + buf;
  }
  Float f;
  std::memcpy(&f, &bits, sizeof f);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", static_cast<double>(f));
  return buf;
}

}  // namespace

std::string FormatF32(uint32_t bits) { return FormatFloat<float, uint32_t>(bits, 23, 0x400000); }
std::string FormatF64(uint64_t bits) {
  return FormatFloat<double, uint64_t>(bits, 52, uint64_t{1} << 51);
}

std::optional<uint64_t> ParseUnsignedInt(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    for (char c : s) {
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else if (c == '_') {
        continue;
      } else {
        return std::nullopt;
      }
      if (v >> 60) return std::nullopt;
      v = v * 16 + static_cast<uint64_t>(d);
    }
    return v;
  }
  for (char c : s) {
    if (c == '_') continue;
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

namespace {

template <class Bits>
std::optional<Bits> ParseNanOrInf(std::string_view s, int mantissa_bits, Bits canonical) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  const int width = static_cast<int>(sizeof(Bits) * 8);
  const Bits exp_all = ((Bits{1} << (width - 1 - mantissa_bits)) - 1) << mantissa_bits;
  const Bits sign = neg ? Bits{1} << (width - 1) : Bits{0};
  if (s == "inf") return sign | exp_all;
  if (s == "nan") return sign | exp_all | canonical;
  if (s.substr(0, 4) == "nan:") {
    auto payload = ParseUnsignedInt(s.substr(4));
    const Bits mask = (Bits{1} << mantissa_bits) - 1;
    if (!payload || *payload == 0 || *payload > mask) return std::nullopt;
    return sign | exp_all | static_cast<Bits>(*payload);
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> ParseInt(std::string_view text) {
  bool neg = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    neg = text[0] == '-';
    text.remove_prefix(1);
  }
  auto u = ParseUnsignedInt(text);
  if (!u) return std::nullopt;
  if (neg) {
    if (*u > uint64_t{1} << 63) return std::nullopt;
    return static_cast<int64_t>(0 - *u);
  }
  return static_cast<int64_t>(*u);
}

std::optional<uint32_t> ParseF32(std::string_view text) {
  if (auto special = ParseNanOrInf<uint32_t>(text, 23, 0x400000)) return special;
  std::string s(text);
  if (s.empty() || s.find_first_of("nN") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const float f = std::strtof(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  if (std::isinf(f)) return std::nullopt;  // overflow; write `inf` explicitly
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

std::optional<uint64_t> ParseF64(std::string_view text) {
  if (auto special = ParseNanOrInf<uint64_t>(text, 52, uint64_t{1} << 51)) return special;
  std::string s(text);
  if (s.empty() || s.find_first_of("nN") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  if (std::isinf(d)) return std::nullopt;
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

std::optional<uint64_t> ParseScalarLiteral(Type t, std::string_view text) {
  if (t == Type::kF32) {
    if (auto b = ParseF32(text)) return *b;
    return std::nullopt;
  }
  if (t == Type::kF64) return ParseF64(text);
  if (!IsInt(t) && !IsRef(t)) return std::nullopt;  // a reference is a 64-bit pointer value
  auto v = ParseInt(text);
  if (!v) return std::nullopt;
  const uint32_t bits = TypeBits(t);
  if (bits < 64) {
    const int64_t lo = -(int64_t{1} << (bits - 1));
    const int64_t hi = static_cast<int64_t>((uint64_t{1} << bits) - 1);
    if (*v < lo || *v > hi) return std::nullopt;
    return static_cast<uint64_t>(*v) & ((uint64_t{1} << bits) - 1);
  }
  return static_cast<uint64_t>(*v);
}

std::string FormatScalarLiteral(Type t, uint64_t bits) {
  if (t == Type::kF32) return FormatF32(static_cast<uint32_t>(bits));
  if (t == Type::kF64) return FormatF64(bits);
  const uint32_t width = TypeBits(t);
  if (width > 0 && width < 64) {
    const uint32_t shift = 64 - width;
    return std::to_string(static_cast<int64_t>(bits << shift) >> shift);
  }
  return std::to_string(static_cast<int64_t>(bits));
}

std::string FormatVectorLiteral(Type vec, const V128& v) {
  const Type lane = LaneType(vec);
  const uint32_t lane_bits = TypeBits(lane);
  std::string out = "[";
  for (uint32_t k = 0; k < LaneCount(vec); ++k) {
    if (k) out += ' ';
    out += FormatScalarLiteral(lane, v.Lane(lane_bits, k));
  }
  out += ']';
  return out;
}

}  // namespace egret::ir
