// amode.h: x86-64 memory operands (addressing modes), labels and immediate-range helpers.
//
// An Amode is one of
//   Base:      disp(base)                  e.g. 0x10(%rdi)
//   BaseIndex: disp(base,index,scale)      e.g. -8(%rdi,%rsi,8)
//   Index:     disp(,index,scale)          e.g. 0x1290(,%rbx,4) (no base: always a disp32)
//   RipLabel:  label(%rip)                 a PC-relative reference the caller resolves later
// The encoder picks the shortest displacement (none, disp8, disp32) and handles the ModRM/SIB
// special cases (see encoder.h). Invariant, checked on construction: the index is never %rsp
// (encoding 4 in SIB.index means "no index"; %r12 as index is fine).
#ifndef EGRET_BACKENDS_X64_AMODE_H_
#define EGRET_BACKENDS_X64_AMODE_H_

#include <cstdint>

#include "backends/x64/registers.h"
#include "support/entity.h"
#include "support/error.h"

namespace egret::x64 {

// A code label: an opaque dense id the caller maps onto its MachBuffer's labels. The encoder
// never resolves labels; it reports where the PC-relative field is (see EncodedInst::label).
using Label = Id<struct X64LabelTag>;

constexpr bool FitsSimm8(int64_t v) { return v >= -128 && v <= 127; }
constexpr bool FitsSimm32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }
constexpr bool FitsUimm32(int64_t v) { return v >= 0 && v <= int64_t{UINT32_MAX}; }

struct Amode {
  enum class Kind : uint8_t { kBase, kBaseIndex, kRipLabel, kIndex };

  Kind kind = Kind::kBase;
  Gpr base = Gpr::kRax;
  Gpr index = Gpr::kRax;   // only for kBaseIndex and kIndex
  uint8_t scale_log2 = 0;  // only for kBaseIndex and kIndex: scale 1, 2, 4, 8
  int32_t disp = 0;        // not for kRipLabel
  Label label;             // only for kRipLabel

  static Amode Base(Gpr base, int32_t disp = 0);
  // scale is 1, 2, 4 or 8; index must not be %rsp.
  static Amode BaseIndex(Gpr base, Gpr index, int scale, int32_t disp = 0);
  static Amode RipLabel(Label label);
  // disp(,index,scale): no base register (SIB base 101 with mod 00); index must not be %rsp.
  static Amode Index(Gpr index, int scale, int32_t disp);

  int scale() const { return 1 << scale_log2; }
  bool operator==(const Amode& o) const;
};

// (Inline: emission builds one for most memory operands and spill slots.)
inline Amode Amode::Base(Gpr base, int32_t disp) {
  Amode a;
  a.kind = Kind::kBase;
  a.base = base;
  a.disp = disp;
  return a;
}

inline Amode Amode::BaseIndex(Gpr base, Gpr index, int scale, int32_t disp) {
  // SIB.index = 100 without REX.X means "no index", so %rsp can never be an index.
  EGRET_CHECK(index != Gpr::kRsp);
  EGRET_CHECK(scale == 1 || scale == 2 || scale == 4 || scale == 8);
  Amode a;
  a.kind = Kind::kBaseIndex;
  a.base = base;
  a.index = index;
  a.scale_log2 = static_cast<uint8_t>(scale == 1 ? 0 : scale == 2 ? 1 : scale == 4 ? 2 : 3);
  a.disp = disp;
  return a;
}

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_AMODE_H_
