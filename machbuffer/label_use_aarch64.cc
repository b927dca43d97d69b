// label_use_aarch64.cc: encodings behind A64LabelUses (see the table in the header).
//
// Each Patch clears exactly the displacement field and ORs in the new value, so the same use can
// be patched twice (a conditional branch that was inverted and retargeted keeps its opcode,
// condition and register bits).
#include "machbuffer/label_use_aarch64.h"

#include <cstring>
#include <string>

#include "support/error.h"

namespace egret {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

// Indexed by A64LabelUse.
constexpr LabelUseInfo kInfos[A64LabelUses::kNumKinds] = {
    {"branch14", 32 * 1024 - 4, 32 * 1024, 4, 4, static_cast<int>(A64LabelUse::kBranch26), true},
    {"branch19", kMiB - 4, kMiB, 4, 4, static_cast<int>(A64LabelUse::kBranch26), true},
    {"branch26", 128 * kMiB - 4, 128 * kMiB, 4, A64LabelUses::kFarVeneerSize,
     static_cast<int>(A64LabelUse::kPcRel32), true},
    {"ldr19", kMiB - 4, kMiB, 4, 0, LabelUseInfo::kNoVeneer, true},
    {"adr21", kMiB - 1, kMiB, 4, 0, LabelUseInfo::kNoVeneer, true},
    {"pcrel32", INT32_MAX, int64_t{1} << 31, 4, 0, LabelUseInfo::kNoVeneer, false},
};

// Clears `mask` in the word at `at` and ORs in `bits` (already shifted into place).
void ReplaceField(uint8_t* at, uint32_t mask, uint32_t bits) {
  Write32(at, (Read32(at) & ~mask) | (bits & mask));
}

}  // namespace

const LabelUseInfo& A64LabelUses::Info(Kind kind) { return kInfos[static_cast<int>(kind)]; }

void A64LabelUses::Patch(Kind kind, uint8_t* at, uint32_t use_offset, uint32_t label_offset) {
  const int64_t delta = int64_t{label_offset} - int64_t{use_offset};
  const LabelUseInfo& info = Info(kind);
  if (delta > info.max_forward || -delta > info.max_backward) {
    Fatal(__FILE__, __LINE__,
          std::string("aarch64 ") + info.name + " use at " + std::to_string(use_offset) +
              " cannot reach label at " + std::to_string(label_offset));
  }
  const uint32_t d = static_cast<uint32_t>(delta);
  switch (kind) {
    case A64LabelUse::kBranch14:
      EGRET_CHECK((delta & 3) == 0);
      ReplaceField(at, 0x3fffu << 5, (d >> 2) << 5);
      return;
    case A64LabelUse::kBranch19:
    case A64LabelUse::kLdr19:
      EGRET_CHECK((delta & 3) == 0);
      ReplaceField(at, 0x7ffffu << 5, (d >> 2) << 5);
      return;
    case A64LabelUse::kBranch26:
      EGRET_CHECK((delta & 3) == 0);
      ReplaceField(at, 0x3ffffffu, d >> 2);
      return;
    case A64LabelUse::kAdr21:
      ReplaceField(at, (3u << 29) | (0x7ffffu << 5), ((d & 3) << 29) | (((d >> 2) & 0x7ffff) << 5));
      return;
    case A64LabelUse::kPcRel32:
      Write32(at, d);
      return;
  }
  EGRET_CHECK(false && "unknown aarch64 label use");
}

void A64LabelUses::EncodeJump(uint8_t* at) { Write32(at, 0x14000000u); }

uint32_t A64LabelUses::EmitVeneer(Kind kind, uint8_t* at) {
  switch (kind) {
    case A64LabelUse::kBranch14:
    case A64LabelUse::kBranch19:
      Write32(at, 0x14000000u);  // b <target>
      return 0;
    case A64LabelUse::kBranch26:
      Write32(at + 0, 0x10000090u);   // adr   x16, #16
      Write32(at + 4, 0x98000071u);   // ldrsw x17, #12
      Write32(at + 8, 0x8b110210u);   // add   x16, x16, x17
      Write32(at + 12, 0xd61f0200u);  // br    x16
      Write32(at + 16, 0);            // .word target - (veneer + 16)
      return 16;
    default:
      break;
  }
  Fatal(__FILE__, __LINE__, std::string("aarch64 ") + Info(kind).name + " has no veneer");
}

void A64LabelUses::FillPadding(uint8_t* at, size_t n) { std::memset(at, 0, n); }

void A64LabelUses::FillNops(uint8_t* at, size_t n) {
  EGRET_CHECK(n % 4 == 0);
  for (size_t i = 0; i < n; i += 4) Write32(at + i, 0xd503201f);  // nop
}

}  // namespace egret
