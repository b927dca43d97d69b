// label_use_x64.h: x64 label-use kinds, their exact ranges and patching.
//
// These live in machbuffer/ rather than backends/x64/ so that MachBuffer and its property tests
// are complete without a backend (backends include machbuffer, never the reverse).
//
// The use offset is the address of the displacement field itself (not of the instruction), and
// x64 displacements count from the end of the instruction: the end of the field, or, for a
// rip-relative operand followed by an immediate (`cmpl $5, L(%rip)`), the end of the immediate.
//
//   kind          where                              value written          range of label - use
//   JmpRel32      jmp/jcc/call rel32                 label - (use + 4)      [-2 GiB + 4, 2 GiB + 3]
//   RipRel32      [rip + disp32] operands            label - (use + 4)      same
//   JmpRel8       jmp/jcc rel8 (known short targets) label - (use + 1)      [-127, +128]
//   PcRel32       32-bit data word (jump tables)     label - use            [-2 GiB, 2 GiB - 1]
//   RipRel32Imm1  [rip + disp32] then an imm8        label - (use + 4 + 1)  shifted by the imm
//   RipRel32Imm2  [rip + disp32] then an imm16       label - (use + 4 + 2)
//   RipRel32Imm4  [rip + disp32] then an imm32       label - (use + 4 + 4)
//   JmpRel32Veneer the jmp rel32 of a veneer         label - (use + 4)      as JmpRel32
//
// At real ranges nothing needs a veneer: 2 GiB covers any function and any text section egret
// emits, so x64 has no island except its constant pool, which goes at the end of the function.
// Under `--debug-branch-range-shrink=N` (test mode) only JmpRel32 is shrunk: a jmp, jcc or call
// whose target is out of the shrunk reach is redirected through a veneer, `jmp rel32` (5 bytes)
// in an island, whose own use is the never-shrunk JmpRel32Veneer (so a chain is one link).
// JmpRel32's "veneer has a strictly larger range" invariant thus holds only under shrinking, the
// only time a veneer is asked for. The other kinds keep their real ranges: JmpRel8 is for known
// near targets (a forward JmpRel8 that ends up out of range is an emitter bug and aborts),
// PcRel32 words of a jump table may target any block, and the RIP-relative kinds serve both
// constants and code labels (the `lea` of a jump-table base, which an island may separate from
// its table), so x64 constants never ask for an island: they go into the first island that comes
// anyway (one emitted for veneers), or else the pool at the end of the function.
#ifndef EGRET_MACHBUFFER_LABEL_USE_X64_H_
#define EGRET_MACHBUFFER_LABEL_USE_X64_H_

#include <cstddef>
#include <cstdint>

#include "machbuffer/label_use.h"
#include "support/error.h"

namespace egret {

// Values are stored in MachCallSite::kind: append, never renumber.
enum class X64LabelUse : uint8_t {
  kJmpRel32,
  kRipRel32,
  kJmpRel8,
  kPcRel32,
  kRipRel32Imm1,
  kRipRel32Imm2,
  kRipRel32Imm4,
  kJmpRel32Veneer,
};

// Indexed by X64LabelUse. Only JmpRel32 is shrinkable (it has a veneer); see above for why the
// others are not. (Inline, with Patch: the MachBuffer reads them for every fixup.)
inline constexpr LabelUseInfo kX64LabelUseInfos[8] = {
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

// The recommended multi-byte nops of 1..9 bytes (Intel SDM, "NOP"): kX64Nops[n - 1] holds the
// n-byte form in its first n bytes. Shared with the x64 encoder (AppendNops).
inline constexpr uint8_t kX64Nops[9][9] = {
    {0x90},
    {0x66, 0x90},
    {0x0F, 0x1F, 0x00},
    {0x0F, 0x1F, 0x40, 0x00},
    {0x0F, 0x1F, 0x44, 0x00, 0x00},
    {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00},
    {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
    {0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    {0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
};

struct X64LabelUses {
  using Kind = X64LabelUse;
  static constexpr int kNumKinds = 8;
  static_assert(sizeof(kX64LabelUseInfos) / sizeof(kX64LabelUseInfos[0]) == kNumKinds);
  static constexpr uint32_t kCodeAlign = 1;
  static constexpr Kind kJumpKind = X64LabelUse::kJmpRel32;
  static constexpr uint32_t kJumpSize = 5;
  static constexpr uint32_t kJumpFixupOffset = 1;  // e9 <rel32>
  // Branch relaxation (MachBuffer::Finish): a JmpRel32 use belonging to `jmp rel32` (e9) or
  // `jcc rel32` (0f 8x) can become `jmp rel8` (eb) / `jcc rel8` (7x), a JmpRel8 use at +1.
  static constexpr bool kCanRelax = true;
  static constexpr Kind kShortKind = X64LabelUse::kJmpRel8;
  static constexpr uint32_t kShortSize = 2;
  // If the use of `kind` whose field is at `field` in `code` is a shortenable branch: its start,
  // its length and the short form's opcode byte.
  static bool ShortForm(Kind kind, const uint8_t* code, uint32_t field, uint32_t* start,
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

  static const LabelUseInfo& Info(Kind kind) { return kX64LabelUseInfos[static_cast<int>(kind)]; }
  static void Patch(Kind kind, uint8_t* at, uint32_t use_offset, uint32_t label_offset) {
    const int64_t delta = int64_t{label_offset} - int64_t{use_offset};
    const LabelUseInfo& info = Info(kind);
    if (delta > info.max_forward || -delta > info.max_backward)
      PatchOutOfRange(kind, use_offset, label_offset);
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
  // Patch's error: the use cannot reach the label (aborts, naming both).
  [[noreturn]] static void PatchOutOfRange(Kind kind, uint32_t use_offset, uint32_t label_offset);
  // jmp rel32 with its displacement at +1.
  static void EncodeJump(uint8_t* at);
  // JmpRel32's veneer: `jmp rel32` (e9), its own use at +1; aborts for kinds without one.
  static uint32_t EmitVeneer(Kind kind, uint8_t* at);
  // int3: padding traps when executed.
  static void FillPadding(uint8_t* at, size_t n);
  // `n` bytes of the recommended multi-byte nops (at most 9 bytes each): padding that is
  // executed (before an aligned loop top).
  static void FillNops(uint8_t* at, size_t n);
};

}  // namespace egret

#endif  // EGRET_MACHBUFFER_LABEL_USE_X64_H_
