// label_use.cc: range checks and patching of PC-relative fields.
#include "backends/x64/label_use.h"

#include "support/error.h"

namespace egret::x64 {

std::string_view LabelUseName(LabelUse use) {
  switch (use) {
    case LabelUse::kJmpRel8:
      return "JmpRel8";
    case LabelUse::kJmpRel32:
      return "JmpRel32";
    case LabelUse::kRipRel32:
      return "RipRel32";
  }
  return "?";
}

int FieldSize(LabelUse use) { return use == LabelUse::kJmpRel8 ? 1 : 4; }

int64_t MaxForward(LabelUse use) { return use == LabelUse::kJmpRel8 ? 127 : INT32_MAX; }

int64_t MaxBackward(LabelUse use) { return use == LabelUse::kJmpRel8 ? 128 : -int64_t{INT32_MIN}; }

bool PatchLabelField(std::span<uint8_t> code, uint32_t field_offset, LabelUse use, uint32_t pc_base,
                     uint32_t target) {
  const int size = FieldSize(use);
  EGRET_CHECK(uint64_t{field_offset} + size <= code.size());
  EGRET_CHECK(pc_base >= field_offset + size);
  const int64_t delta = int64_t{target} - int64_t{pc_base};
  if (delta > MaxForward(use) || delta < -MaxBackward(use)) return false;
  const uint32_t bits = static_cast<uint32_t>(delta);
  for (int k = 0; k < size; ++k) code[field_offset + k] = static_cast<uint8_t>(bits >> (8 * k));
  return true;
}

}  // namespace egret::x64
