// label_use_x64.cc: encodings behind X64LabelUses (see the table in the header).
#include "machbuffer/label_use_x64.h"

#include <cstring>
#include <string>

#include "support/error.h"

namespace egret {

void X64LabelUses::PatchOutOfRange(Kind kind, uint32_t use_offset, uint32_t label_offset) {
  Fatal(__FILE__, __LINE__,
        std::string("x64 ") + Info(kind).name + " use at " + std::to_string(use_offset) +
            " cannot reach label at " + std::to_string(label_offset));
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

void X64LabelUses::FillNops(uint8_t* at, size_t n) {
  // Longest nops first.
  while (n != 0) {
    const size_t k = n < 9 ? n : 9;
    std::memcpy(at, kX64Nops[k - 1], k);
    at += k;
    n -= k;
  }
}

}  // namespace egret
