// label_use_aarch64.h: aarch64 label-use kinds, their exact ranges, patching and veneers.
//
// These live in machbuffer/ rather than backends/aarch64/ so that MachBuffer and its property
// tests are complete without a backend (backends include machbuffer, never the reverse).
//
// Every use offset is the address of the instruction (or data word) that holds the
// displacement; aarch64 displacements are relative to that address.
//
//   kind       instructions              range (label - use)       veneer
//   Branch14   tbz, tbnz                 [-32 KiB, +32 KiB - 4]    b (Branch26)
//   Branch19   b.cond, cbz, cbnz         [-1 MiB, +1 MiB - 4]      b (Branch26)
//   Branch26   b, bl                     [-128 MiB, +128 MiB - 4]  20-byte far jump (PcRel32)
//   Ldr19      ldr/ldrsw (literal)       [-1 MiB, +1 MiB - 4]      none (constants go to islands)
//   Adr21      adr                       [-1 MiB, +1 MiB - 1]      none
//   PcRel32    32-bit word: label - use  [-2 GiB, +2 GiB - 1]      none
//
// The far veneer clobbers x16 and x17 (IP0/IP1), which AAPCS64 reserves for exactly this:
//   adr   x16, #16          ; x16 = address of the offset word
//   ldrsw x17, #12          ; x17 = the word, sign-extended
//   add   x16, x16, x17     ; x16 = target
//   br    x16
//   .word target - (veneer + 16)
#ifndef EGRET_MACHBUFFER_LABEL_USE_AARCH64_H_
#define EGRET_MACHBUFFER_LABEL_USE_AARCH64_H_

#include <cstddef>
#include <cstdint>

#include "machbuffer/label_use.h"

namespace egret {

enum class A64LabelUse : uint8_t { kBranch14, kBranch19, kBranch26, kLdr19, kAdr21, kPcRel32 };

struct A64LabelUses {
  using Kind = A64LabelUse;
  static constexpr int kNumKinds = 6;
  static constexpr uint32_t kCodeAlign = 4;
  static constexpr bool kCanRelax = false;  // fixed-width branches: islands and veneers instead
  static constexpr Kind kJumpKind = A64LabelUse::kBranch26;
  static constexpr uint32_t kJumpSize = 4;
  static constexpr uint32_t kJumpFixupOffset = 0;  // b: the displacement is in the word itself
  static constexpr uint32_t kFarVeneerSize = 20;

  static const LabelUseInfo& Info(Kind kind);
  // Writes the displacement label_offset - use_offset into the instruction at `at`; the distance
  // must be in the kind's real range (checked).
  static void Patch(Kind kind, uint8_t* at, uint32_t use_offset, uint32_t label_offset);
  static void EncodeJump(uint8_t* at);
  static uint32_t EmitVeneer(Kind kind, uint8_t* at);
  // udf #0: zero words trap when executed.
  static void FillPadding(uint8_t* at, size_t n);
  // `n` (a multiple of 4) bytes of `nop`: padding that is executed (before an aligned loop top).
  static void FillNops(uint8_t* at, size_t n);
};

}  // namespace egret

#endif  // EGRET_MACHBUFFER_LABEL_USE_AARCH64_H_
