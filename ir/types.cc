// types.cc: names of types, condition codes and memory flags, as the text format spells them.
#include "ir/types.h"

namespace egret::ir {
namespace {

constexpr std::string_view kTypeNames[kNumTypes] = {"invalid", "i8",    "i16",   "i32",   "i64",
                                                    "f32",     "f64",   "i8x16", "i16x8", "i32x4",
                                                    "i64x2",   "f32x4", "f64x2", "r64"};
constexpr std::string_view kIntCCNames[kNumIntCC] = {"eq",  "ne",  "slt", "sle", "sgt",
                                                     "sge", "ult", "ule", "ugt", "uge"};
constexpr std::string_view kFloatCCNames[kNumFloatCC] = {"eq", "ne", "lt",  "le",
                                                         "gt", "ge", "ord", "uno"};
constexpr std::string_view kMemFlagNames[MemFlags::kNumBits] = {"heap",   "vmctx",   "table",
                                                                "notrap", "aligned", "readonly"};

}  // namespace

std::string_view TypeName(Type t) { return kTypeNames[static_cast<int>(t)]; }

std::optional<Type> ParseType(std::string_view name) {
  for (int i = 1; i < kNumTypes; ++i)
    if (kTypeNames[i] == name) return static_cast<Type>(i);
  return std::nullopt;
}

std::string_view IntCCName(IntCC cc) { return kIntCCNames[static_cast<int>(cc)]; }

std::optional<IntCC> ParseIntCC(std::string_view name) {
  for (int i = 0; i < kNumIntCC; ++i)
    if (kIntCCNames[i] == name) return static_cast<IntCC>(i);
  return std::nullopt;
}

std::string_view FloatCCName(FloatCC cc) { return kFloatCCNames[static_cast<int>(cc)]; }

std::optional<FloatCC> ParseFloatCC(std::string_view name) {
  for (int i = 0; i < kNumFloatCC; ++i)
    if (kFloatCCNames[i] == name) return static_cast<FloatCC>(i);
  return std::nullopt;
}

std::string_view MemFlags::BitName(int i) { return kMemFlagNames[i]; }

std::optional<MemFlags::Bit> MemFlags::ParseBit(std::string_view name) {
  for (int i = 0; i < kNumBits; ++i)
    if (kMemFlagNames[i] == name) return static_cast<Bit>(1 << i);
  return std::nullopt;
}

std::string MemFlags::ToString() const {
  std::string out;
  for (int i = 0; i < kNumBits; ++i) {
    if (!(bits & (1 << i))) continue;
    if (!out.empty()) out += ' ';
    out += kMemFlagNames[i];
  }
  return out;
}

}  // namespace egret::ir
