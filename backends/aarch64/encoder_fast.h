// encoder_fast.h: the common AArch64 forms encoded inline, for the emitter's hot path.
//
// Encode (encoder.cc) reads the form table for all four register slots, checks every operand and
// then switches over about 230 forms: about 105 instructions per instruction, a sixth of the
// aarch64 emission. EncodeFast handles the forms that make up most of the code (loads and stores
// of spill slots and heap addresses, moves, add/sub/logical (bitmask immediates too), compares,
// wide moves, shifts, conditional selects, branches) with each form's slot kinds known at
// compile time.
//
// Contract: EncodeFast(i, &w) returns true only when Encode(i) would return w without failing a
// check; it returns false for every other form and for any operand that Encode would reject or
// that the fast path does not cover, and the caller then calls Encode (which does the checking
// and names the error). Tested form by form against Encode on every encoder test case, and on
// random operands (`A64Encoder.EncodeFast*`).
#ifndef EGRET_BACKENDS_AARCH64_ENCODER_FAST_H_
#define EGRET_BACKENDS_AARCH64_ENCODER_FAST_H_

#include <cstdint>

#include "backends/aarch64/encoder.h"
#include "backends/aarch64/inst.h"

namespace egret::aarch64 {
namespace fast_internal {

// The 5-bit register field of slot kind K (encoder.cc's Field without the check): false when
// the register cannot be in such a slot. kR: x0..x30 and zr (32, encoded 31), not sp (31).
template <SlotKind K>
[[gnu::always_inline]] inline bool Reg(uint8_t r, uint32_t& field) {
  if constexpr (K == SlotKind::kNo) {
    field = 0;
    return true;
  } else if constexpr (K == SlotKind::kR) {
    field = r - (r >> 5);  // 32 (zr) -> 31
    return r <= 32 && r != 31;
  } else {
    field = r;
    return r <= 31;
  }
}

// All four slots of form F, positioned (rd, rn << 5, rm << 16, ra << 10).
struct Fields {
  uint32_t rd, rn, rm, ra;
};
template <Form F>
[[gnu::always_inline]] inline bool RegFields(const Inst& i, Fields& f) {
  constexpr SlotKind kD = internal::kFormInfos[static_cast<int>(F)].d;
  constexpr SlotKind kN = internal::kFormInfos[static_cast<int>(F)].n;
  constexpr SlotKind kM = internal::kFormInfos[static_cast<int>(F)].m;
  constexpr SlotKind kA = internal::kFormInfos[static_cast<int>(F)].a;
  // Every slot is read (each call writes its field), so the four results are combined after.
  const bool d = Reg<kD>(i.d, f.rd);
  const bool n = Reg<kN>(i.n, f.rn);
  const bool m = Reg<kM>(i.m, f.rm);
  const bool a = Reg<kA>(i.a, f.ra);
  const bool ok = d && n && m && a;
  f.rn <<= 5;
  f.rm <<= 16;
  f.ra <<= 10;
  return ok;
}

[[gnu::always_inline]] inline uint32_t Sf(const Inst& i) { return i.is64 ? 1u << 31 : 0; }
[[gnu::always_inline]] inline uint32_t SizeBits(const Inst& i) { return i.is64 ? 64 : 32; }

// A PC-relative displacement field of `bits` bits counting 2^scale_log2 bytes.
template <int kBits, int kScaleLog2>
[[gnu::always_inline]] inline bool Disp(int64_t imm, uint32_t& field) {
  const int64_t v = imm >> kScaleLog2;
  field = static_cast<uint32_t>(v & ((int64_t{1} << kBits) - 1));
  return (imm & ((1 << kScaleLog2) - 1)) == 0 && v >= -(int64_t{1} << (kBits - 1)) &&
         v < (int64_t{1} << (kBits - 1));
}

// The unsigned-offset opcode of an integer load or store (encoder.cc's IntMemBase), false for the
// combinations it rejects.
[[gnu::always_inline]] inline bool IntMemBase(MemKind k, bool load, bool is64, uint32_t& op) {
  switch (k) {
    case MemKind::kB:
      op = load ? 0x39400000 : 0x39000000;
      return true;
    case MemKind::kH:
      op = load ? 0x79400000 : 0x79000000;
      return true;
    case MemKind::kW:
      op = load ? 0xB9400000 : 0xB9000000;
      return !is64 || !load;
    case MemKind::kX:
      op = load ? 0xF9400000 : 0xF9000000;
      return true;
    case MemKind::kSB:
      op = is64 ? 0x39800000 : 0x39C00000;
      return load;
    case MemKind::kSH:
      op = is64 ? 0x79800000 : 0x79C00000;
      return load;
    case MemKind::kSW:
      op = 0xB9800000;
      return load && is64;
  }
  return false;
}

template <Form F>
[[gnu::always_inline]] inline bool AddSubImm(const Inst& i, uint32_t op, uint32_t& w) {
  Fields f;
  if (!RegFields<F>(i, f) || !IsAddSubImm(i.imm)) return false;
  const bool hi = i.imm > 4095;
  const uint32_t imm12 = static_cast<uint32_t>(hi ? i.imm >> 12 : i.imm);
  w = op | Sf(i) | (hi ? 1u << 22 : 0) | imm12 << 10 | f.rn | f.rd;
  return true;
}
// add/sub (no ror) and the logical forms, shifted register.
template <Form F, bool kAddSub>
[[gnu::always_inline]] inline bool Shifted(const Inst& i, uint32_t op, uint32_t& w) {
  Fields f;
  if (!RegFields<F>(i, f) || i.amount >= SizeBits(i) || (kAddSub && i.shift == Shift::kRor))
    return false;
  w = op | Sf(i) | static_cast<uint32_t>(i.shift) << 22 | f.rm | uint32_t{i.amount} << 10 | f.rn |
      f.rd;
  return true;
}
template <Form F>
[[gnu::always_inline]] inline bool Extended(const Inst& i, uint32_t op, uint32_t& w) {
  Fields f;
  if (!RegFields<F>(i, f) || i.amount > 4) return false;
  w = op | Sf(i) | f.rm | static_cast<uint32_t>(i.extend) << 13 | uint32_t{i.amount} << 10 | f.rn |
      f.rd;
  return true;
}
// and/orr/eor/ands with a bitmask immediate (imm: the value).
template <Form F>
[[gnu::always_inline]] inline bool LogicalImm(const Inst& i, uint32_t op, uint32_t& w) {
  Fields f;
  uint32_t bits = 0;
  if (!RegFields<F>(i, f) || !EncodeLogicalImm(static_cast<uint64_t>(i.imm), i.is64, &bits) ||
      (!i.is64 && (bits >> 12) != 0))
    return false;
  w = op | Sf(i) | bits << 10 | f.rn | f.rd;
  return true;
}
template <Form F>
[[gnu::always_inline]] inline bool Wide(const Inst& i, uint32_t op, uint32_t& w) {
  Fields f;
  if (!RegFields<F>(i, f) || i.imm < 0 || i.imm > 0xffff || i.amount % 16 != 0 ||
      i.amount >= SizeBits(i))
    return false;
  w = op | Sf(i) | uint32_t{i.amount} / 16 << 21 | static_cast<uint32_t>(i.imm) << 5 | f.rd;
  return true;
}
// Three registers (and a fourth for madd/msub) over a fixed opcode, with sf.
template <Form F>
[[gnu::always_inline]] inline bool Rrr(const Inst& i, uint32_t op, uint32_t& w) {
  Fields f;
  if (!RegFields<F>(i, f)) return false;
  w = op | Sf(i) | f.rm | f.ra | f.rn | f.rd;
  return true;
}
// lsl/lsr/asr by a constant (ubfm/sbfm).
template <Form F>
[[gnu::always_inline]] inline bool ShiftImm(const Inst& i, uint32_t op, uint32_t& w) {
  Fields f;
  const uint32_t size = SizeBits(i);
  if (!RegFields<F>(i, f) || i.imm < 0 || i.imm >= size) return false;
  const uint32_t s = static_cast<uint32_t>(i.imm);
  uint32_t immr = s, imms = size - 1;
  if constexpr (F == Form::kLslImm) {
    immr = (size - s) % size;
    imms = size - 1 - s;
  }
  w = op | Sf(i) | (i.is64 ? 1u << 22 : 0) | immr << 16 | imms << 10 | f.rn | f.rd;
  return true;
}
template <Form F>
[[gnu::always_inline]] inline bool CondSelect(const Inst& i, uint32_t op, uint32_t& w) {
  Fields f;
  if (!RegFields<F>(i, f)) return false;
  w = op | Sf(i) | f.rm | static_cast<uint32_t>(i.cond) << 12 | f.rn | f.rd;
  return true;
}
// ldr/str [n, #imm] (scaled unsigned offset), [n, #imm] (unscaled), [n, m, extend #amount].
template <Form F, bool kLoad>
[[gnu::always_inline]] inline bool IntMem(const Inst& i, uint32_t& w) {
  Fields f;
  uint32_t base;
  if (!RegFields<F>(i, f) || !IntMemBase(i.mem, kLoad, i.is64, base)) return false;
  const int size = MemSizeLog2(i.mem);
  if constexpr (F == Form::kLdr || F == Form::kStr) {
    if (!IsScaledOffset(i.imm, size)) return false;
    w = base | static_cast<uint32_t>(i.imm >> size) << 10 | f.rn | f.rd;
  } else if constexpr (F == Form::kLdur || F == Form::kStur) {
    if (!IsUnscaledOffset(i.imm)) return false;
    w = (base - 0x01000000) | (static_cast<uint32_t>(i.imm) & 0x1ff) << 12 | f.rn | f.rd;
  } else {
    if ((i.amount != 0 && i.amount != size) ||
        (i.extend != Extend::kUxtw && i.extend != Extend::kUxtx && i.extend != Extend::kSxtw &&
         i.extend != Extend::kSxtx))
      return false;
    w = (base - 0x01000000) | 0x00200800 | static_cast<uint32_t>(i.extend) << 13 |
        (i.amount != 0 ? 1u << 12 : 0) | f.rm | f.rn | f.rd;
  }
  return true;
}
// ldr/str of a d or s register at [n, #imm] (scaled).
template <Form F, bool kLoad>
[[gnu::always_inline]] inline bool FloatMem(const Inst& i, uint32_t& w) {
  Fields f;
  const int size = i.f64 ? 3 : 2;
  if (!RegFields<F>(i, f) || !IsScaledOffset(i.imm, size)) return false;
  const uint32_t base =
      i.f64 ? (kLoad ? 0xFD400000 : 0xFD000000) : (kLoad ? 0xBD400000 : 0xBD000000);
  w = base | static_cast<uint32_t>(i.imm >> size) << 10 | f.rn | f.rd;
  return true;
}
// stp x, x, [sp, #imm]! and ldp x, x, [sp], #imm.
template <Form F>
[[gnu::always_inline]] inline bool Pair(const Inst& i, uint32_t op, uint32_t& w) {
  Fields f;
  uint32_t disp;
  if (!RegFields<F>(i, f) || !Disp<7, 3>(i.imm, disp)) return false;
  if (F == Form::kLdpPost && i.d == i.m) return false;
  w = op | disp << 15 | (f.rm >> 16) << 10 | f.rn | f.rd;
  return true;
}
// br/blr/ret to register n.
template <Form F>
[[gnu::always_inline]] inline bool Branch(const Inst& i, uint32_t op, uint32_t& w) {
  Fields f;
  if (!RegFields<F>(i, f)) return false;
  w = op | f.rn;
  return true;
}
// Scalar float with a fixed opcode and the type bit.
template <Form F>
[[gnu::always_inline]] inline bool FloatOp(const Inst& i, uint32_t op, uint32_t& w) {
  Fields f;
  if (!RegFields<F>(i, f)) return false;
  w = op | (i.f64 ? 1u << 22 : 0) | f.rm | f.rn | f.rd;
  return true;
}

}  // namespace fast_internal

// See the file comment. Inline: the emitter's Put calls it for every instruction.
[[gnu::always_inline]] inline bool EncodeFast(const Inst& i, uint32_t* word) {
  using namespace fast_internal;  // NOLINT(build/namespaces): the helpers above
  uint32_t& w = *word;
  switch (i.form) {
    case Form::kAddImm:
      return AddSubImm<Form::kAddImm>(i, 0x11000000, w);
    case Form::kSubImm:
      return AddSubImm<Form::kSubImm>(i, 0x51000000, w);
    case Form::kAddsImm:
      return AddSubImm<Form::kAddsImm>(i, 0x31000000, w);
    case Form::kSubsImm:
      return AddSubImm<Form::kSubsImm>(i, 0x71000000, w);
    case Form::kAddReg:
      return Shifted<Form::kAddReg, true>(i, 0x0B000000, w);
    case Form::kSubReg:
      return Shifted<Form::kSubReg, true>(i, 0x4B000000, w);
    case Form::kAddsReg:
      return Shifted<Form::kAddsReg, true>(i, 0x2B000000, w);
    case Form::kSubsReg:
      return Shifted<Form::kSubsReg, true>(i, 0x6B000000, w);
    case Form::kAddExt:
      return Extended<Form::kAddExt>(i, 0x0B200000, w);
    case Form::kSubExt:
      return Extended<Form::kSubExt>(i, 0x4B200000, w);
    case Form::kAddsExt:
      return Extended<Form::kAddsExt>(i, 0x2B200000, w);
    case Form::kSubsExt:
      return Extended<Form::kSubsExt>(i, 0x6B200000, w);
    case Form::kAndReg:
      return Shifted<Form::kAndReg, false>(i, 0x0A000000, w);
    case Form::kOrrReg:
      return Shifted<Form::kOrrReg, false>(i, 0x2A000000, w);
    case Form::kEorReg:
      return Shifted<Form::kEorReg, false>(i, 0x4A000000, w);
    case Form::kAndsReg:
      return Shifted<Form::kAndsReg, false>(i, 0x6A000000, w);
    case Form::kAndImm:
      return LogicalImm<Form::kAndImm>(i, 0x12000000, w);
    case Form::kOrrImm:
      return LogicalImm<Form::kOrrImm>(i, 0x32000000, w);
    case Form::kEorImm:
      return LogicalImm<Form::kEorImm>(i, 0x52000000, w);
    case Form::kAndsImm:
      return LogicalImm<Form::kAndsImm>(i, 0x72000000, w);
    case Form::kMovz:
      return Wide<Form::kMovz>(i, 0x52800000, w);
    case Form::kMovn:
      return Wide<Form::kMovn>(i, 0x12800000, w);
    case Form::kMovk:
      return Wide<Form::kMovk>(i, 0x72800000, w);
    case Form::kMovSp:
      return Rrr<Form::kMovSp>(i, 0x11000000, w);
    case Form::kMadd:
      return Rrr<Form::kMadd>(i, 0x1B000000, w);
    case Form::kMsub:
      return Rrr<Form::kMsub>(i, 0x1B008000, w);
    case Form::kSdiv:
      return Rrr<Form::kSdiv>(i, 0x1AC00C00, w);
    case Form::kUdiv:
      return Rrr<Form::kUdiv>(i, 0x1AC00800, w);
    case Form::kLslv:
      return Rrr<Form::kLslv>(i, 0x1AC02000, w);
    case Form::kLsrv:
      return Rrr<Form::kLsrv>(i, 0x1AC02400, w);
    case Form::kAsrv:
      return Rrr<Form::kAsrv>(i, 0x1AC02800, w);
    case Form::kLslImm:
      return ShiftImm<Form::kLslImm>(i, 0x53000000, w);
    case Form::kLsrImm:
      return ShiftImm<Form::kLsrImm>(i, 0x53000000, w);
    case Form::kAsrImm:
      return ShiftImm<Form::kAsrImm>(i, 0x13000000, w);
    case Form::kCsel:
      return CondSelect<Form::kCsel>(i, 0x1A800000, w);
    case Form::kCsinc:
      return CondSelect<Form::kCsinc>(i, 0x1A800400, w);
    case Form::kCset: {
      Fields f;
      if (!RegFields<Form::kCset>(i, f) || i.cond == Cond::kAl || i.cond == Cond::kNv) return false;
      w = 0x1A800400 | Sf(i) | 31u << 16 | static_cast<uint32_t>(Invert(i.cond)) << 12 | 31u << 5 |
          f.rd;
      return true;
    }
    case Form::kLdr:
      return IntMem<Form::kLdr, true>(i, w);
    case Form::kStr:
      return IntMem<Form::kStr, false>(i, w);
    case Form::kLdur:
      return IntMem<Form::kLdur, true>(i, w);
    case Form::kStur:
      return IntMem<Form::kStur, false>(i, w);
    case Form::kLdrReg:
      return IntMem<Form::kLdrReg, true>(i, w);
    case Form::kStrReg:
      return IntMem<Form::kStrReg, false>(i, w);
    case Form::kLdrF:
      return FloatMem<Form::kLdrF, true>(i, w);
    case Form::kStrF:
      return FloatMem<Form::kStrF, false>(i, w);
    case Form::kStpPre:
      return Pair<Form::kStpPre>(i, 0xA9800000, w);
    case Form::kLdpPost:
      return Pair<Form::kLdpPost>(i, 0xA8C00000, w);
    case Form::kFadd:
      return FloatOp<Form::kFadd>(i, 0x1E202800, w);
    case Form::kFsub:
      return FloatOp<Form::kFsub>(i, 0x1E203800, w);
    case Form::kFmul:
      return FloatOp<Form::kFmul>(i, 0x1E200800, w);
    case Form::kFdiv:
      return FloatOp<Form::kFdiv>(i, 0x1E201800, w);
    case Form::kFmovReg:
      return FloatOp<Form::kFmovReg>(i, 0x1E204000, w);
    case Form::kB:
    case Form::kBl: {
      uint32_t disp;
      if (!Disp<26, 2>(i.imm, disp)) return false;
      w = (i.form == Form::kB ? 0x14000000u : 0x94000000u) | disp;
      return true;
    }
    case Form::kBCond: {
      uint32_t disp;
      if (!Disp<19, 2>(i.imm, disp)) return false;
      w = 0x54000000 | disp << 5 | static_cast<uint32_t>(i.cond);
      return true;
    }
    case Form::kCbz:
    case Form::kCbnz: {
      Fields f;
      uint32_t disp;
      if (!RegFields<Form::kCbz>(i, f) || !Disp<19, 2>(i.imm, disp)) return false;
      w = (i.form == Form::kCbz ? 0x34000000u : 0x35000000u) | Sf(i) | disp << 5 | f.rd;
      return true;
    }
    case Form::kTbz:
    case Form::kTbnz: {
      Fields f;
      uint32_t disp;
      if (!RegFields<Form::kTbz>(i, f) || !Disp<14, 2>(i.imm, disp) || i.amount >= 64 ||
          (!i.is64 && i.amount >= 32))
        return false;
      w = (i.form == Form::kTbz ? 0x36000000u : 0x37000000u) | uint32_t{i.amount} >> 5 << 31 |
          (uint32_t{i.amount} & 31) << 19 | disp << 5 | f.rd;
      return true;
    }
    case Form::kBr:
      return Branch<Form::kBr>(i, 0xD61F0000, w);
    case Form::kBlr:
      return Branch<Form::kBlr>(i, 0xD63F0000, w);
    case Form::kRet:
      return Branch<Form::kRet>(i, 0xD65F0000, w);
    default:
      return false;
  }
}

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_ENCODER_FAST_H_
