// label_use.h: what a MachBuffer needs to know about one target's label-use kinds.
//
// A label use ("fixup") is a place in the code that must hold the distance to a label once the
// label's offset is known: a branch displacement, a PC-relative literal load, a jump-table word.
// Each target describes its kinds with a traits struct (see label_use_aarch64.h and
// label_use_x64.h); MachBuffer<Traits> and TextSectionBuilder<Traits> are generic over it.
//
// A traits struct provides:
//
//   using Kind = <enum class : uint8_t>;           // dense values 0 .. kNumKinds-1
//   static constexpr int kNumKinds;
//   static constexpr uint32_t kCodeAlign;          // instruction alignment (islands keep it)
//   static constexpr Kind kJumpKind;               // the unconditional jump used around islands
//   static constexpr uint32_t kJumpSize;
//   static constexpr uint32_t kJumpFixupOffset;    // where its displacement starts
//   static const LabelUseInfo& Info(Kind);         // ranges, sizes, veneer kind
//   static void Patch(Kind, uint8_t* at, uint32_t use_offset, uint32_t label_offset);
//   static void EncodeJump(uint8_t* at);           // kJumpSize bytes, displacement zero
//   static uint32_t EmitVeneer(Kind, uint8_t* at); // Info(kind).veneer_size bytes; returns the
//                                                  // offset inside the veneer of its own fixup
//   static void FillPadding(uint8_t* at, size_t n);// bytes that trap if ever executed
//   static void FillNops(uint8_t* at, size_t n);   // bytes that do nothing when executed
//
// Invariants every traits struct keeps:
//   - Patch rewrites only the displacement bits of the Info(kind).patch_size bytes at `at`, so a
//     use can be re-patched (after branch inversion) and the opcode bits survive.
//   - A use at u reaches label offset l iff -max_backward <= l - u <= max_forward.
//   - A kind's veneer kind has a strictly larger range, so veneer chains end (at most a few
//     links: aarch64 Branch14/Branch19 -> Branch26 -> PcRel32).
#ifndef EGRET_MACHBUFFER_LABEL_USE_H_
#define EGRET_MACHBUFFER_LABEL_USE_H_

#include <cstdint>

namespace egret {

struct LabelUseInfo {
  static constexpr int kNoVeneer = -1;

  const char* name;
  int64_t max_forward;   // largest label_offset - use_offset that Patch can encode
  int64_t max_backward;  // largest use_offset - label_offset that Patch can encode
  uint32_t patch_size;   // bytes at the use offset that Patch reads and writes
  uint32_t veneer_size;  // bytes EmitVeneer writes; 0 when the kind has no veneer
  int veneer_kind;       // the kind of the veneer's own fixup, or kNoVeneer
  // Whether debug range shrinking applies. Kinds that can neither be extended by a veneer nor
  // target a constant placed in an island (jump-table words, x64 rel8 jumps, the uses inside
  // veneers) keep their real range, or small test functions could not be emitted at all.
  bool shrinkable;
};

// The smallest range debug range shrinking produces. Below this an island's own jump, veneers
// and constants could not fit before the deadline that asked for the island.
inline constexpr int64_t kMinShrunkRange = 512;

// The range a kind has under `--debug-branch-range-shrink=shrink` (1 = real ranges), never
// below `floor` (at least kMinShrunkRange; the text-section builder raises it, see
// TextSectionOptions).
inline int64_t ShrunkRange(int64_t range, bool shrinkable, uint32_t shrink,
                           int64_t floor = kMinShrunkRange) {
  if (!shrinkable || shrink <= 1) return range;
  int64_t r = range / shrink;
  if (r < floor) r = floor;
  if (r < kMinShrunkRange) r = kMinShrunkRange;
  if (r > range) r = range;
  return r & ~int64_t{3};  // keep 4-byte alignment of aarch64 displacements
}

// Displacement helpers for the traits implementations.
inline int64_t SignExtend(uint64_t value, int bits) {
  const uint64_t m = uint64_t{1} << (bits - 1);
  value &= (bits == 64) ? ~uint64_t{0} : ((uint64_t{1} << bits) - 1);
  return static_cast<int64_t>((value ^ m) - m);
}

inline uint32_t Read32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

inline void Write32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

}  // namespace egret

#endif  // EGRET_MACHBUFFER_LABEL_USE_H_
