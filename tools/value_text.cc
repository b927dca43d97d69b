// value_text.cc: see value_text.h. Floats are formatted with std::to_chars (shortest round-trip
// representation), so printing and re-reading a value never changes its bits.
#include "tools/value_text.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace egret::tools {
namespace {

using artifact::ValType;

template <class Bits, class Float>
std::string FormatFloat(Bits bits, int mantissa_bits) {
  const Bits sign = Bits(1) << (sizeof(Bits) * 8 - 1);
  const Bits mantissa_mask = (Bits(1) << mantissa_bits) - 1;
  const Bits exponent_mask = ~sign & ~mantissa_mask;
  const bool negative = (bits & sign) != 0;
  std::string out = negative ? "-" : "";
  if ((bits & exponent_mask) == exponent_mask) {
    const Bits mantissa = bits & mantissa_mask;
    if (mantissa == 0) return out + "inf";
    if (mantissa == Bits(1) << (mantissa_bits - 1)) return out + "nan";
    char buf[32];
    std::snprintf(buf, sizeof buf, "nan:0x%" PRIx64, uint64_t(mantissa));
    return out + buf;
  }
  Float f;
  std::memcpy(&f, &bits, sizeof f);
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  EGRET_CHECK(ec == std::errc());
  return std::string(buf, end);
}

// Parses a signed or unsigned integer (decimal or 0x hex) that fits in `bits` bits either way.
std::optional<uint64_t> ParseInt(std::string_view s, int bits) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  const uint64_t umax = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  if (negative) {
    const uint64_t limit = uint64_t{1} << (bits - 1);  // |INT_MIN|
    if (v > limit) return std::nullopt;
    return (0 - v) & umax;
  }
  if (v > umax) return std::nullopt;
  return v;
}

// Parses a float spelled as FormatFloat writes it, or anything strtod accepts in full.
template <class Bits>
std::optional<Bits> ParseFloat(std::string_view s, int mantissa_bits) {
  const Bits sign = Bits(1) << (sizeof(Bits) * 8 - 1);
  const Bits mantissa_mask = (Bits(1) << mantissa_bits) - 1;
  const Bits exponent_mask = ~sign & ~mantissa_mask;
  bool negative = false;
  std::string_view rest = s;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  const Bits sign_bit = negative ? sign : 0;
  if (rest == "inf" || rest == "infinity") return sign_bit | exponent_mask;
  if (rest == "nan") return sign_bit | exponent_mask | (Bits(1) << (mantissa_bits - 1));
  if (rest.rfind("nan:", 0) == 0) {
    std::optional<uint64_t> payload = ParseInt(rest.substr(4), 64);
    if (!payload || *payload == 0 || *payload > mantissa_mask) return std::nullopt;
    return sign_bit | exponent_mask | Bits(*payload);
  }
  const std::string text(s);
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  Bits bits;
  if constexpr (sizeof(Bits) == 4) {
    const float f = std::strtof(text.c_str(), &end);
    std::memcpy(&bits, &f, 4);
  } else {
    const double d = std::strtod(text.c_str(), &end);
    std::memcpy(&bits, &d, 8);
  }
  if (end != text.c_str() + text.size()) return std::nullopt;
  return bits;  // overflow rounds to infinity, as the text format does
}

}  // namespace

std::optional<V128Shape> ParseV128Shape(std::string_view name) {
  static constexpr std::string_view kShapes[] = {"i8x16", "i16x8", "i32x4",
                                                 "i64x2", "f32x4", "f64x2"};
  for (int i = 0; i < 6; ++i) {
    const std::string_view shape = kShapes[i];
    if (name == shape || name == shape.substr(0, shape.find('x'))) return V128Shape(i);
  }
  return std::nullopt;
}

std::string_view V128ShapeName(V128Shape s) {
  static constexpr std::string_view kNames[] = {"i8x16", "i16x8", "i32x4",
                                                "i64x2", "f32x4", "f64x2"};
  return kNames[static_cast<int>(s)];
}

int V128LaneCount(V128Shape s) {
  static constexpr int kLanes[] = {16, 8, 4, 2, 4, 2};
  return kLanes[static_cast<int>(s)];
}

bool V128IsFloat(V128Shape s) { return s == V128Shape::kF32x4 || s == V128Shape::kF64x2; }

uint64_t GetV128Lane(const uint8_t* bytes, V128Shape s, int lane) {
  const int width = 16 / V128LaneCount(s);
  EGRET_CHECK(lane >= 0 && lane < V128LaneCount(s));
  uint64_t bits = 0;
  std::memcpy(&bits, bytes + lane * width, width);  // little-endian host (x86-64, aarch64)
  return bits;
}

void SetV128Lane(uint8_t* bytes, V128Shape s, int lane, uint64_t bits) {
  const int width = 16 / V128LaneCount(s);
  EGRET_CHECK(lane >= 0 && lane < V128LaneCount(s));
  std::memcpy(bytes + lane * width, &bits, width);
}

std::string FormatV128(const uint8_t* bytes, V128Shape s) {
  std::string out(V128ShapeName(s));
  out += ':';
  const int lanes = V128LaneCount(s);
  for (int i = 0; i < lanes; ++i) {
    if (i) out += ' ';
    const uint64_t bits = GetV128Lane(bytes, s, i);
    switch (s) {
      case V128Shape::kI8x16:
        out += std::to_string(static_cast<int8_t>(bits));
        break;
      case V128Shape::kI16x8:
        out += std::to_string(static_cast<int16_t>(bits));
        break;
      case V128Shape::kI32x4:
        out += std::to_string(static_cast<int32_t>(bits));
        break;
      case V128Shape::kI64x2:
        out += std::to_string(static_cast<int64_t>(bits));
        break;
      case V128Shape::kF32x4:
        out += FormatF32Bits(static_cast<uint32_t>(bits));
        break;
      case V128Shape::kF64x2:
        out += FormatF64Bits(bits);
        break;
    }
  }
  return out;
}

std::string FormatV128Pattern(V128Shape s, const std::vector<std::string>& lanes) {
  std::string out(V128ShapeName(s));
  out += ':';
  const int lane_bits = 128 / V128LaneCount(s);
  for (size_t i = 0; i < lanes.size(); ++i) {
    if (i) out += ' ';
    uint64_t bits = 0;
    const std::string& text = lanes[i];
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bits);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        (lane_bits < 64 && bits >> lane_bits != 0)) {
      out += text;  // a NaN class
      continue;
    }
    uint8_t bytes[16] = {};
    SetV128Lane(bytes, s, 0, bits);
    const std::string lane = FormatV128(bytes, s);
    out += lane.substr(lane.find(':') + 1, lane.find(' ') - lane.find(':') - 1);
  }
  return out;
}

std::string FormatF32Bits(uint32_t bits) { return FormatFloat<uint32_t, float>(bits, 23); }
std::string FormatF64Bits(uint64_t bits) { return FormatFloat<uint64_t, double>(bits, 52); }

std::string FormatVal(const runtime::Val& v) {
  switch (v.type) {
    case ValType::kI32:
      return "i32:" + std::to_string(v.i32());
    case ValType::kI64:
      return "i64:" + std::to_string(v.i64());
    case ValType::kF32:
      return "f32:" + FormatF32Bits(v.f32_bits());
    case ValType::kF64:
      return "f64:" + FormatF64Bits(v.f64_bits());
    case ValType::kFuncRef:
    case ValType::kExternRef: {
      const std::string name(artifact::ValTypeName(v.type));
      if (v.ref() == nullptr) return name + ":null";
      if (v.type == ValType::kExternRef)
        if (const uint64_t* n = v.externref().get<uint64_t>())
          return name + ":" + std::to_string(*n);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%p", v.ref());
      return name + ":" + buf;
    }
    case ValType::kV128:
      return "v128:" + FormatV128(v.raw.v128, V128Shape::kI32x4);
    default:
      return v.ToString();
  }
}

namespace {

// `SHAPE:lane lane ...`, exactly V128LaneCount(SHAPE) lanes separated by spaces.
std::optional<runtime::Val> ParseV128(std::string_view s) {
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view shape_name = s.substr(0, colon);
  std::optional<V128Shape> shape = ParseV128Shape(shape_name);
  if (!shape || shape_name.find('x') == std::string_view::npos) return std::nullopt;
  s.remove_prefix(colon + 1);
  runtime::Val v = runtime::Val::Default(ValType::kV128);
  const int lanes = V128LaneCount(*shape);
  const int lane_bits = 128 / lanes;
  int n = 0;
  while (true) {
    while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
    if (s.empty()) break;
    const size_t end = std::min(s.find(' '), s.size());
    const std::string_view lane = s.substr(0, end);
    s.remove_prefix(end);
    if (n == lanes) return std::nullopt;  // too many lanes
    std::optional<uint64_t> bits;
    if (*shape == V128Shape::kF32x4)
      bits = ParseFloat<uint32_t>(lane, 23);
    else if (*shape == V128Shape::kF64x2)
      bits = ParseFloat<uint64_t>(lane, 52);
    else
      bits = ParseInt(lane, lane_bits);
    if (!bits) return std::nullopt;
    SetV128Lane(v.raw.v128, *shape, n++, *bits);
  }
  if (n != lanes) return std::nullopt;
  return v;
}

}  // namespace

Expected<runtime::Val> ParseVal(ValType type, std::string_view text) {
  const std::string type_name(artifact::ValTypeName(type));
  std::string_view s = text;
  if (s.size() > type_name.size() && s.substr(0, type_name.size()) == type_name &&
      s[type_name.size()] == ':')
    s.remove_prefix(type_name.size() + 1);  // accept our own output format back
  auto bad = [&] {
    return Error("argument '" + std::string(text) + "' is not a valid " + type_name);
  };
  switch (type) {
    case ValType::kI32: {
      std::optional<uint64_t> v = ParseInt(s, 32);
      if (!v) return bad();
      return runtime::Val::I32(static_cast<int32_t>(static_cast<uint32_t>(*v)));
    }
    case ValType::kI64: {
      std::optional<uint64_t> v = ParseInt(s, 64);
      if (!v) return bad();
      return runtime::Val::I64(static_cast<int64_t>(*v));
    }
    case ValType::kF32: {
      std::optional<uint32_t> v = ParseFloat<uint32_t>(s, 23);
      if (!v) return bad();
      return runtime::Val::F32Bits(*v);
    }
    case ValType::kF64: {
      std::optional<uint64_t> v = ParseFloat<uint64_t>(s, 52);
      if (!v) return bad();
      return runtime::Val::F64Bits(*v);
    }
    case ValType::kFuncRef:
    case ValType::kExternRef:
      if (s == "null") return runtime::Val::Default(type);
      if (type == ValType::kExternRef) {  // a host reference holding an unsigned number
        std::optional<uint64_t> n =
            !s.empty() && s[0] != '-' && s[0] != '+' ? ParseInt(s, 64) : std::nullopt;
        if (n) return runtime::Val::ExternRef(runtime::ExternRef::New<uint64_t>(*n));
      }
      return Error("argument '" + std::string(text) + "': only null" +
                   (type == ValType::kExternRef ? " or an unsigned number" : "") +
                   " can be passed as a " + type_name);
    case ValType::kV128: {
      std::optional<runtime::Val> v = ParseV128(s);
      if (!v)
        return Error("argument '" + std::string(text) +
                     "' is not a valid v128 (expected SHAPE:LANES, e.g. 'i32x4:1 2 3 4', with "
                     "one lane per SHAPE lane; shapes i8x16 i16x8 i32x4 i64x2 f32x4 f64x2)");
      return *v;
    }
    default:
      return Error("arguments of type " + type_name + " are not supported");
  }
}

}  // namespace egret::tools
