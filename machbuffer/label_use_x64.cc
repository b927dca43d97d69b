// label_use_x64.cc: encodings behind X64LabelUses (see the table in the header).
#include "machbuffer/label_use_x64.h"

#include <cstring>
#include <string>

#include "support/error.h"

namespace egret {
namespace {

// Indexed by X64LabelUse.
// Only JmpRel32 is shrinkable (it has a veneer); see the header for why the others are not.
constexpr LabelUseInfo kInfos[X64LabelUses::kNumKinds] = {
    {"jmp_rel32", int64_t{INT32_MAX} + 4, (int64_t{1} << 31) - 4, 4, 5,
     static_cast<int>(X64LabelUse::kJmpRel32Veneer), true},
    {"rip_rel32", int64_t{INT32_MAX} + 4, (int64_t{1} << 31) - 4, 4, 0, LabelUseInfo::kNoVeneer,
     false},
    {"jmp_rel8", 128, 127, 1, 0, LabelUseInfo::kNoVeneer, false},
    {"pcrel32", INT32_MAX, int64_t{1} << 31, 4, 0, LabelUseInfo::kNoVeneer, false},
    {"rip_rel32_imm1", int64_t{INT32_MAX} + 5, (int64_t{1} << 31) - 5, 4, 0,
     LabelUseInfo::kNoVeneer, false},
    {"rip_rel32_imm2", int64_t{INT32_MAX} + 6, (int64_t{1} << 31) - 6, 4, 0,
     LabelUseInfo::kNoVeneer, false},
    {"rip_rel32_imm4", int64_t{INT32_MAX} + 8, (int64_t{1} << 31) - 8, 4, 0,
     LabelUseInfo::kNoVeneer, false},
    {"jmp_rel32_veneer", int64_t{INT32_MAX} + 4, (int64_t{1} << 31) - 4, 4, 0,
     LabelUseInfo::kNoVeneer, false},
};

}  // namespace

const LabelUseInfo& X64LabelUses::Info(Kind kind) { return kInfos[static_cast<int>(kind)]; }

void X64LabelUses::Patch(Kind kind, uint8_t* at, uint32_t use_offset, uint32_t label_offset) {
  const int64_t delta = int64_t{label_offset} - int64_t{use_offset};
  const LabelUseInfo& info = Info(kind);
  if (delta > info.max_forward || -delta > info.max_backward) {
    Fatal(__FILE__, __LINE__,
          std::string("x64 ") + info.name + " use at " + std::to_string(use_offset) +
              " cannot reach label at " + std::to_string(label_offset));
  }
  switch (kind) {
    case X64LabelUse::kJmpRel32:
    case X64LabelUse::kRipRel32:
    case X64LabelUse::kJmpRel32Veneer:
      Write32(at, static_cast<uint32_t>(delta - 4));
      return;
    case X64LabelUse::kJmpRel8:
      at[0] = static_cast<uint8_t>(delta - 1);
      return;
    case X64LabelUse::kPcRel32:
      Write32(at, static_cast<uint32_t>(delta));
      return;
    case X64LabelUse::kRipRel32Imm1:
      Write32(at, static_cast<uint32_t>(delta - 5));
      return;
    case X64LabelUse::kRipRel32Imm2:
      Write32(at, static_cast<uint32_t>(delta - 6));
      return;
    case X64LabelUse::kRipRel32Imm4:
      Write32(at, static_cast<uint32_t>(delta - 8));
      return;
  }
  EGRET_CHECK(false && "unknown x64 label use");
}

void X64LabelUses::EncodeJump(uint8_t* at) {
  at[0] = 0xe9;
  Write32(at + 1, 0);
}

uint32_t X64LabelUses::EmitVeneer(Kind kind, uint8_t* at) {
  if (kind == X64LabelUse::kJmpRel32) {
    EncodeJump(at);
    return 1;
  }
  Fatal(__FILE__, __LINE__, std::string("x64 ") + Info(kind).name + " has no veneer");
}

void X64LabelUses::FillPadding(uint8_t* at, size_t n) { std::memset(at, 0xcc, n); }

bool X64LabelUses::ShortForm(Kind kind, const uint8_t* code, uint32_t field, uint32_t* start,
                             uint32_t* len, uint8_t* short_opcode) {
  if (kind != X64LabelUse::kJmpRel32 || field < 1) return false;
  if (code[field - 1] == 0xe9) {
    *start = field - 1;
    *len = 5;
    *short_opcode = 0xeb;
    return true;
  }
  if (field >= 2 && code[field - 2] == 0x0f && (code[field - 1] & 0xf0) == 0x80) {
    *start = field - 2;
    *len = 6;
    *short_opcode = static_cast<uint8_t>(0x70 | (code[field - 1] & 0x0f));
    return true;
  }
  return false;  // a call (e8): resolved by the text builder, never shortened
}

}  // namespace egret
