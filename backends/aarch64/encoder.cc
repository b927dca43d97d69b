// encoder.cc: field layouts from the Arm ARM (A64 encoding index), one case per form.
#include "backends/aarch64/encoder.h"

#include "support/error.h"

namespace egret::aarch64 {
namespace {

// The 5-bit field of the register in slot `kind`, checking that the slot can hold it: kR takes
// x0..x30 and zr (kZr, 32, encoded 31) but not sp (kSp, 31); kRsp and kV take 0..31; kNo is 0.
// (Inline and with one check: Encode asks it of four slots per instruction.)
[[gnu::always_inline]] inline uint32_t Field(SlotKind kind, uint8_t r) {
  if (kind == SlotKind::kNo) return 0;
  EGRET_CHECK(kind == SlotKind::kR ? r <= 32 && r != static_cast<uint8_t>(Gpr::kSp) : r <= 31);
  return r > 31 ? 31 : r;  // only kR's zr is above 31
}

uint32_t Sf(const Inst& i) { return i.is64 ? 1u << 31 : 0; }
uint32_t Ftype(const Inst& i) { return i.f64 ? 1u << 22 : 0; }

int32_t Disp(int64_t imm, int bits, int scale_log2) {
  EGRET_CHECK((imm & ((1 << scale_log2) - 1)) == 0);
  const int64_t v = imm >> scale_log2;
  EGRET_CHECK(v >= -(int64_t{1} << (bits - 1)) && v < (int64_t{1} << (bits - 1)));
  return static_cast<int32_t>(v & ((int64_t{1} << bits) - 1));
}

// Opcode bits of the unsigned-offset integer load/store for `k`, `load`, destination width.
uint32_t IntMemBase(MemKind k, bool load, bool is64) {
  switch (k) {
    case MemKind::kB:
      return load ? 0x39400000 : 0x39000000;
    case MemKind::kH:
      return load ? 0x79400000 : 0x79000000;
    case MemKind::kW:
      EGRET_CHECK(!is64 || !load);
      return load ? 0xB9400000 : 0xB9000000;
    case MemKind::kX:
      return load ? 0xF9400000 : 0xF9000000;
    case MemKind::kSB:
      EGRET_CHECK(load);
      return is64 ? 0x39800000 : 0x39C00000;
    case MemKind::kSH:
      EGRET_CHECK(load);
      return is64 ? 0x79800000 : 0x79C00000;
    case MemKind::kSW:
      EGRET_CHECK(load && is64);
      return 0xB9800000;
  }
  return 0;
}

uint32_t FloatMemBase(bool load, bool f64) {
  return f64 ? (load ? 0xFD400000 : 0xFD000000) : (load ? 0xBD400000 : 0xBD000000);
}

uint32_t ExtendOption(Extend e) { return static_cast<uint32_t>(e); }

// [base, #offset] scaled / unscaled, and [base, m, extend #amount] from the unsigned-offset
// opcode `base_op` of an access of 2^size bytes.
uint32_t Scaled(uint32_t base_op, const Inst& i, int size) {
  EGRET_CHECK(IsScaledOffset(i.imm, size));
  return base_op | static_cast<uint32_t>(i.imm >> size) << 10;
}
uint32_t Unscaled(uint32_t base_op, const Inst& i) {
  EGRET_CHECK(IsUnscaledOffset(i.imm));
  return (base_op - 0x01000000) | (static_cast<uint32_t>(i.imm) & 0x1ff) << 12;
}
uint32_t RegOffset(uint32_t base_op, const Inst& i, int size) {
  EGRET_CHECK(i.amount == 0 || i.amount == size);
  EGRET_CHECK(i.extend == Extend::kUxtw || i.extend == Extend::kUxtx || i.extend == Extend::kSxtw ||
              i.extend == Extend::kSxtx);
  const uint32_t s = i.amount != 0 ? 1u << 12 : 0;
  return (base_op - 0x01000000) | 0x00200800 | ExtendOption(i.extend) << 13 | s;
}

// NEON: Q (bit 30) and size (bits 23:22) from the arrangement.
uint32_t QBit(VArr a) { return VQ(a) ? 1u << 30 : 0; }
uint32_t SizeBits(VArr a) { return VSize(a) << 22; }
uint32_t Bit(bool u, int pos) { return u ? 1u << pos : 0; }

// imm5 of the element forms (dup, ins, umov, smov): the lane index above the size marker.
uint32_t Imm5(uint32_t size, int64_t lane) {
  EGRET_CHECK(size <= 3 && lane >= 0 && lane < (16 >> size));
  return (static_cast<uint32_t>(lane) << (size + 1) | 1u << size) << 16;
}

// The modified-immediate fields (op, cmode, abc:defgh) of movi/mvni.
uint32_t ModImm(const Inst& i, bool mvni) {
  const VArr a = i.arr;
  uint32_t op = mvni ? 1 : 0, cmode = 0, imm8 = 0;
  if (a == VArr::k2D || a == VArr::k1D) {
    // One bit per byte, each byte all-ones or zero.
    EGRET_CHECK(!mvni);
    const uint64_t v = static_cast<uint64_t>(i.imm);
    for (int b = 0; b < 8; ++b) {
      const uint64_t byte = (v >> (8 * b)) & 0xff;
      EGRET_CHECK(byte == 0 || byte == 0xff);
      if (byte != 0) imm8 |= 1u << b;
    }
    op = 1;
    cmode = 0xe;
    EGRET_CHECK(i.amount == 0);
  } else {
    EGRET_CHECK(i.imm >= 0 && i.imm <= 0xff);
    imm8 = static_cast<uint32_t>(i.imm);
    switch (VSize(a)) {
      case 0:
        EGRET_CHECK(!mvni && i.amount == 0);
        cmode = 0xe;
        break;
      case 1:
        EGRET_CHECK(i.amount == 0 || i.amount == 8);
        cmode = 0x8 | (i.amount / 8) << 1;
        break;
      case 2:
        EGRET_CHECK(i.amount % 8 == 0 && i.amount <= 24);
        cmode = (i.amount / 8u) << 1;
        break;
      default:
        EGRET_CHECK(false);
    }
  }
  return 0x0F000400 | QBit(a) | op << 29 | (imm8 >> 5) << 16 | cmode << 12 | (imm8 & 31) << 5;
}

// ld1/st1 (single structure) lane fields: opcode, S, size and Q from the element size and lane.
uint32_t LaneFields(const Inst& i) {
  const uint32_t s = VSize(i.arr);
  EGRET_CHECK(i.imm >= 0 && i.imm < (16 >> s));
  const uint32_t idx = static_cast<uint32_t>(i.imm);
  uint32_t q = 0, sb = 0, size = 0, opc = 0;
  switch (s) {
    case 0:
      q = idx >> 3, sb = (idx >> 2) & 1, size = idx & 3, opc = 0;
      break;
    case 1:
      q = idx >> 2, sb = (idx >> 1) & 1, size = (idx & 1) << 1, opc = 2;
      break;
    case 2:
      q = idx >> 1, sb = idx & 1, size = 0, opc = 4;
      break;
    default:
      q = idx, sb = 0, size = 1, opc = 4;
      break;
  }
  return q << 30 | opc << 13 | sb << 12 | size << 10;
}

}  // namespace

uint32_t Encode(const Inst& i) {
  const FormInfo& info = Info(i.form);
  const uint32_t rd = Field(info.d, i.d), rn = Field(info.n, i.n) << 5,
                 rm = Field(info.m, i.m) << 16, ra = Field(info.a, i.a) << 10;
  const uint32_t sf = Sf(i), ft = Ftype(i);
  const uint32_t size_bits = i.is64 ? 64 : 32;
  auto addsub_imm = [&](uint32_t op) {
    EGRET_CHECK(IsAddSubImm(i.imm));
    const bool hi = i.imm > 4095;
    const uint32_t imm12 = static_cast<uint32_t>(hi ? i.imm >> 12 : i.imm);
    return op | sf | (hi ? 1u << 22 : 0) | imm12 << 10 | rn | rd;
  };
  auto shifted = [&](uint32_t op) {
    EGRET_CHECK(i.amount < size_bits);
    return op | sf | static_cast<uint32_t>(i.shift) << 22 | rm | uint32_t{i.amount} << 10 | rn | rd;
  };
  auto extended = [&](uint32_t op) {
    EGRET_CHECK(i.amount <= 4);
    return op | sf | rm | ExtendOption(i.extend) << 13 | uint32_t{i.amount} << 10 | rn | rd;
  };
  auto logical_imm = [&](uint32_t op) {
    uint32_t bits = 0;
    EGRET_CHECK(EncodeLogicalImm(static_cast<uint64_t>(i.imm), i.is64, &bits));
    EGRET_CHECK(i.is64 || (bits >> 12) == 0);
    return op | sf | bits << 10 | rn | rd;
  };
  auto wide = [&](uint32_t op) {
    EGRET_CHECK(i.imm >= 0 && i.imm <= 0xffff && i.amount % 16 == 0 && i.amount < size_bits);
    return op | sf | uint32_t{i.amount} / 16 << 21 | static_cast<uint32_t>(i.imm) << 5 | rd;
  };
  // ubfm/sbfm (op: 32-bit opcode) with immr, imms; N = sf.
  auto bitfield = [&](uint32_t op, uint32_t immr, uint32_t imms) {
    return op | sf | (i.is64 ? 1u << 22 : 0) | immr << 16 | imms << 10 | rn | rd;
  };
  auto shift_amount = [&] {
    EGRET_CHECK(i.imm >= 0 && i.imm < size_bits);
    return static_cast<uint32_t>(i.imm);
  };
  auto cond = [&] { return static_cast<uint32_t>(i.cond) << 12; };
  switch (i.form) {
    case Form::kAddImm:
      return addsub_imm(0x11000000);
    case Form::kSubImm:
      return addsub_imm(0x51000000);
    case Form::kAddsImm:
      return addsub_imm(0x31000000);
    case Form::kSubsImm:
      return addsub_imm(0x71000000);
    case Form::kAddReg:
      EGRET_CHECK(i.shift != Shift::kRor);
      return shifted(0x0B000000);
    case Form::kSubReg:
      EGRET_CHECK(i.shift != Shift::kRor);
      return shifted(0x4B000000);
    case Form::kAddsReg:
      EGRET_CHECK(i.shift != Shift::kRor);
      return shifted(0x2B000000);
    case Form::kSubsReg:
      EGRET_CHECK(i.shift != Shift::kRor);
      return shifted(0x6B000000);
    case Form::kAddExt:
      return extended(0x0B200000);
    case Form::kSubExt:
      return extended(0x4B200000);
    case Form::kAddsExt:
      return extended(0x2B200000);
    case Form::kSubsExt:
      return extended(0x6B200000);
    case Form::kAndReg:
      return shifted(0x0A000000);
    case Form::kOrrReg:
      return shifted(0x2A000000);
    case Form::kEorReg:
      return shifted(0x4A000000);
    case Form::kAndsReg:
      return shifted(0x6A000000);
    case Form::kBicReg:
      return shifted(0x0A200000);
    case Form::kOrnReg:
      return shifted(0x2A200000);
    case Form::kAndImm:
      return logical_imm(0x12000000);
    case Form::kOrrImm:
      return logical_imm(0x32000000);
    case Form::kEorImm:
      return logical_imm(0x52000000);
    case Form::kAndsImm:
      return logical_imm(0x72000000);
    case Form::kMovz:
      return wide(0x52800000);
    case Form::kMovn:
      return wide(0x12800000);
    case Form::kMovk:
      return wide(0x72800000);
    case Form::kMovSp:
      return 0x11000000 | sf | rn | rd;
    case Form::kMadd:
      return 0x1B000000 | sf | rm | ra | rn | rd;
    case Form::kMsub:
      return 0x1B008000 | sf | rm | ra | rn | rd;
    case Form::kSdiv:
      return 0x1AC00C00 | sf | rm | rn | rd;
    case Form::kUdiv:
      return 0x1AC00800 | sf | rm | rn | rd;
    case Form::kUmulh:
      EGRET_CHECK(i.is64);
      return 0x9BC07C00 | rm | rn | rd;
    case Form::kSmulh:
      EGRET_CHECK(i.is64);
      return 0x9B407C00 | rm | rn | rd;
    case Form::kLslv:
      return 0x1AC02000 | sf | rm | rn | rd;
    case Form::kLsrv:
      return 0x1AC02400 | sf | rm | rn | rd;
    case Form::kAsrv:
      return 0x1AC02800 | sf | rm | rn | rd;
    case Form::kRorv:
      return 0x1AC02C00 | sf | rm | rn | rd;
    case Form::kLslImm: {
      const uint32_t s = shift_amount();
      return bitfield(0x53000000, (size_bits - s) % size_bits, size_bits - 1 - s);
    }
    case Form::kLsrImm:
      return bitfield(0x53000000, shift_amount(), size_bits - 1);
    case Form::kAsrImm:
      return bitfield(0x13000000, shift_amount(), size_bits - 1);
    case Form::kRorImm:  // extr d, n, n, #imm
      return 0x13800000 | sf | (i.is64 ? 1u << 22 : 0) | Field(SlotKind::kR, i.n) << 16 |
             shift_amount() << 10 | rn | rd;
    case Form::kSxtb:
      return bitfield(0x13000000, 0, 7);
    case Form::kSxth:
      return bitfield(0x13000000, 0, 15);
    case Form::kSxtw:
      EGRET_CHECK(i.is64);
      return bitfield(0x13000000, 0, 31);
    case Form::kUxtb:
      EGRET_CHECK(!i.is64);
      return bitfield(0x53000000, 0, 7);
    case Form::kUxth:
      EGRET_CHECK(!i.is64);
      return bitfield(0x53000000, 0, 15);
    case Form::kClz:
      return 0x5AC01000 | sf | rn | rd;
    case Form::kRbit:
      return 0x5AC00000 | sf | rn | rd;
    case Form::kCsel:
      return 0x1A800000 | sf | rm | cond() | rn | rd;
    case Form::kCsinc:
      return 0x1A800400 | sf | rm | cond() | rn | rd;
    case Form::kCsinv:
      return 0x5A800000 | sf | rm | cond() | rn | rd;
    case Form::kCsneg:
      return 0x5A800400 | sf | rm | cond() | rn | rd;
    case Form::kCset:
      EGRET_CHECK(i.cond != Cond::kAl && i.cond != Cond::kNv);
      return 0x1A800400 | sf | 31u << 16 | static_cast<uint32_t>(Invert(i.cond)) << 12 | 31u << 5 |
             rd;
    case Form::kLdr:
      return Scaled(IntMemBase(i.mem, true, i.is64), i, MemSizeLog2(i.mem)) | rn | rd;
    case Form::kLdur:
      return Unscaled(IntMemBase(i.mem, true, i.is64), i) | rn | rd;
    case Form::kLdrReg:
      return RegOffset(IntMemBase(i.mem, true, i.is64), i, MemSizeLog2(i.mem)) | rm | rn | rd;
    case Form::kStr:
      return Scaled(IntMemBase(i.mem, false, i.is64), i, MemSizeLog2(i.mem)) | rn | rd;
    case Form::kStur:
      return Unscaled(IntMemBase(i.mem, false, i.is64), i) | rn | rd;
    case Form::kStrReg:
      return RegOffset(IntMemBase(i.mem, false, i.is64), i, MemSizeLog2(i.mem)) | rm | rn | rd;
    case Form::kLdrLit: {
      const uint32_t op = i.mem == MemKind::kW    ? 0x18000000
                          : i.mem == MemKind::kX  ? 0x58000000
                          : i.mem == MemKind::kSW ? 0x98000000
                                                  : 0;
      EGRET_CHECK(op != 0);
      return op | static_cast<uint32_t>(Disp(i.imm, 19, 2)) << 5 | rd;
    }
    case Form::kLdrFLit:
      return (i.f64 ? 0x5C000000u : 0x1C000000u) | static_cast<uint32_t>(Disp(i.imm, 19, 2)) << 5 |
             rd;
    case Form::kLdrF:
      return Scaled(FloatMemBase(true, i.f64), i, i.f64 ? 3 : 2) | rn | rd;
    case Form::kLdurF:
      return Unscaled(FloatMemBase(true, i.f64), i) | rn | rd;
    case Form::kLdrFReg:
      return RegOffset(FloatMemBase(true, i.f64), i, i.f64 ? 3 : 2) | rm | rn | rd;
    case Form::kStrF:
      return Scaled(FloatMemBase(false, i.f64), i, i.f64 ? 3 : 2) | rn | rd;
    case Form::kSturF:
      return Unscaled(FloatMemBase(false, i.f64), i) | rn | rd;
    case Form::kStrFReg:
      return RegOffset(FloatMemBase(false, i.f64), i, i.f64 ? 3 : 2) | rm | rn | rd;
    case Form::kStpPre:
      return 0xA9800000 | static_cast<uint32_t>(Disp(i.imm, 7, 3)) << 15 |
             Field(SlotKind::kR, i.m) << 10 | rn | rd;
    case Form::kLdpPost:
      EGRET_CHECK(i.d != i.m);
      return 0xA8C00000 | static_cast<uint32_t>(Disp(i.imm, 7, 3)) << 15 |
             Field(SlotKind::kR, i.m) << 10 | rn | rd;
    case Form::kStpFPre:
      return 0x6D800000 | static_cast<uint32_t>(Disp(i.imm, 7, 3)) << 15 | uint32_t{i.m} << 10 |
             rn | rd;
    case Form::kLdpFPost:
      EGRET_CHECK(i.d != i.m);
      return 0x6CC00000 | static_cast<uint32_t>(Disp(i.imm, 7, 3)) << 15 | uint32_t{i.m} << 10 |
             rn | rd;
    case Form::kFadd:
      return 0x1E202800 | ft | rm | rn | rd;
    case Form::kFsub:
      return 0x1E203800 | ft | rm | rn | rd;
    case Form::kFmul:
      return 0x1E200800 | ft | rm | rn | rd;
    case Form::kFdiv:
      return 0x1E201800 | ft | rm | rn | rd;
    case Form::kFmin:
      return 0x1E205800 | ft | rm | rn | rd;
    case Form::kFmax:
      return 0x1E204800 | ft | rm | rn | rd;
    case Form::kFsqrt:
      return 0x1E21C000 | ft | rn | rd;
    case Form::kFneg:
      return 0x1E214000 | ft | rn | rd;
    case Form::kFabs:
      return 0x1E20C000 | ft | rn | rd;
    case Form::kFrintm:
      return 0x1E254000 | ft | rn | rd;
    case Form::kFrintp:
      return 0x1E24C000 | ft | rn | rd;
    case Form::kFrintz:
      return 0x1E25C000 | ft | rn | rd;
    case Form::kFrintn:
      return 0x1E244000 | ft | rn | rd;
    case Form::kFmovReg:
      return 0x1E204000 | ft | rn | rd;
    case Form::kFcvt:  // to f64 from f32, or to f32 from f64
      return (i.f64 ? 0x1E22C000u : 0x1E624000u) | rn | rd;
    case Form::kFcmp:
      return 0x1E202000 | ft | rm | rn;
    case Form::kFcsel:
      return 0x1E200C00 | ft | rm | cond() | rn | rd;
    case Form::kFmovToGpr:
      EGRET_CHECK(i.is64 == i.f64);
      return (i.is64 ? 0x9E660000u : 0x1E260000u) | rn | rd;
    case Form::kFmovFromGpr:
      EGRET_CHECK(i.is64 == i.f64);
      return (i.is64 ? 0x9E670000u : 0x1E270000u) | rn | rd;
    case Form::kScvtf:
      return 0x1E220000 | sf | ft | rn | rd;
    case Form::kUcvtf:
      return 0x1E230000 | sf | ft | rn | rd;
    case Form::kFcvtzs:
      return 0x1E380000 | sf | ft | rn | rd;
    case Form::kFcvtzu:
      return 0x1E390000 | sf | ft | rn | rd;
    // ---- NEON.
    case Form::kVAdd:
    case Form::kVSub:
    case Form::kVMul:
    case Form::kVCmeq:
    case Form::kVCmgt:
    case Form::kVCmhi:
    case Form::kVCmge:
    case Form::kVCmhs:
    case Form::kVSqadd:
    case Form::kVUqadd:
    case Form::kVSqsub:
    case Form::kVUqsub:
    case Form::kVSmin:
    case Form::kVUmin:
    case Form::kVSmax:
    case Form::kVUmax:
    case Form::kVUrhadd:
    case Form::kVSshl:
    case Form::kVUshl:
    case Form::kVSqrdmulh:
    case Form::kVAddp:
    case Form::kVUminp: {
      // 0 Q U 01110 size 1 Rm opcode 1 Rn Rd
      bool u = false;
      uint32_t opc = 0;
      bool no_2d = false;
      switch (i.form) {
        case Form::kVAdd:
          opc = 0x10;
          break;
        case Form::kVSub:
          u = true, opc = 0x10;
          break;
        case Form::kVMul:
          opc = 0x13, no_2d = true;
          break;
        case Form::kVCmeq:
          u = true, opc = 0x11;
          break;
        case Form::kVCmgt:
          opc = 0x06;
          break;
        case Form::kVCmhi:
          u = true, opc = 0x06;
          break;
        case Form::kVCmge:
          opc = 0x07;
          break;
        case Form::kVCmhs:
          u = true, opc = 0x07;
          break;
        case Form::kVSqadd:
          opc = 0x01;
          break;
        case Form::kVUqadd:
          u = true, opc = 0x01;
          break;
        case Form::kVSqsub:
          opc = 0x05;
          break;
        case Form::kVUqsub:
          u = true, opc = 0x05;
          break;
        case Form::kVSmax:
          opc = 0x0c, no_2d = true;
          break;
        case Form::kVUmax:
          u = true, opc = 0x0c, no_2d = true;
          break;
        case Form::kVSmin:
          opc = 0x0d, no_2d = true;
          break;
        case Form::kVUmin:
          u = true, opc = 0x0d, no_2d = true;
          break;
        case Form::kVUrhadd:
          u = true, opc = 0x02, no_2d = true;
          break;
        case Form::kVSshl:
          opc = 0x08;
          break;
        case Form::kVUshl:
          u = true, opc = 0x08;
          break;
        case Form::kVSqrdmulh:
          EGRET_CHECK(VSize(i.arr) == 1 || VSize(i.arr) == 2);
          u = true, opc = 0x16;
          break;
        case Form::kVAddp:
          opc = 0x17;
          break;
        default:
          u = true, opc = 0x15, no_2d = true;
          break;  // uminp
      }
      EGRET_CHECK(i.arr != VArr::k1D && !(no_2d && i.arr == VArr::k2D));
      return 0x0E200400 | QBit(i.arr) | Bit(u, 29) | SizeBits(i.arr) | rm | opc << 11 | rn | rd;
    }
    case Form::kVAnd:
    case Form::kVBic:
    case Form::kVOrr:
    case Form::kVOrn:
    case Form::kVEor:
    case Form::kVBsl:
    case Form::kVBit:
    case Form::kVBif: {
      EGRET_CHECK(VSize(i.arr) == 0);
      const uint32_t k = static_cast<uint32_t>(i.form) - static_cast<uint32_t>(Form::kVAnd);
      // and bic orr orn (U = 0), eor bsl bit bif (U = 1); size selects among the four.
      return 0x0E201C00 | QBit(i.arr) | Bit(k >= 4, 29) | (k & 3) << 22 | rm | rn | rd;
    }
    case Form::kVFadd:
    case Form::kVFsub:
    case Form::kVFmul:
    case Form::kVFdiv:
    case Form::kVFmin:
    case Form::kVFmax:
    case Form::kVFcmeq:
    case Form::kVFcmge:
    case Form::kVFcmgt: {
      // 0 Q U 01110 a sz 1 Rm opcode 1 Rn Rd
      EGRET_CHECK(i.arr == VArr::k2S || i.arr == VArr::k4S || i.arr == VArr::k2D);
      bool u = false, a = false;
      uint32_t opc = 0;
      switch (i.form) {
        case Form::kVFadd:
          opc = 0x1a;
          break;
        case Form::kVFsub:
          a = true, opc = 0x1a;
          break;
        case Form::kVFmul:
          u = true, opc = 0x1b;
          break;
        case Form::kVFdiv:
          u = true, opc = 0x1f;
          break;
        case Form::kVFmax:
          opc = 0x1e;
          break;
        case Form::kVFmin:
          a = true, opc = 0x1e;
          break;
        case Form::kVFcmeq:
          opc = 0x1c;
          break;
        case Form::kVFcmge:
          u = true, opc = 0x1c;
          break;
        default:
          u = true, a = true, opc = 0x1c;
          break;  // fcmgt
      }
      return 0x0E200400 | QBit(i.arr) | Bit(u, 29) | Bit(a, 23) | Bit(VSize(i.arr) == 3, 22) | rm |
             opc << 11 | rn | rd;
    }
    case Form::kVCnt:
    case Form::kVNot:
    case Form::kVNeg:
    case Form::kVAbs:
    case Form::kVCmeq0:
    case Form::kVCmge0:
    case Form::kVCmgt0:
    case Form::kVCmle0:
    case Form::kVCmlt0:
    case Form::kVRev64:
    case Form::kVXtn:
    case Form::kVSqxtn:
    case Form::kVUqxtn:
    case Form::kVSqxtun:
    case Form::kVSaddlp:
    case Form::kVUaddlp: {
      // 0 Q U 01110 size 10000 opcode 10 Rn Rd
      bool u = false;
      uint32_t opc = 0;
      switch (i.form) {
        case Form::kVCnt:
          opc = 0x05;
          EGRET_CHECK(VSize(i.arr) == 0);
          break;
        case Form::kVNot:
          u = true, opc = 0x05;
          EGRET_CHECK(VSize(i.arr) == 0);
          break;
        case Form::kVNeg:
          u = true, opc = 0x0b;
          break;
        case Form::kVAbs:
          opc = 0x0b;
          break;
        case Form::kVCmeq0:
          opc = 0x09;
          break;
        case Form::kVCmge0:
          u = true, opc = 0x08;
          break;
        case Form::kVCmgt0:
          opc = 0x08;
          break;
        case Form::kVCmle0:
          u = true, opc = 0x09;
          break;
        case Form::kVCmlt0:
          opc = 0x0a;
          break;
        case Form::kVRev64:
          opc = 0x00;
          EGRET_CHECK(VSize(i.arr) < 3);
          break;
        case Form::kVXtn:
          opc = 0x12;
          EGRET_CHECK(VSize(i.arr) < 3);
          break;
        case Form::kVSqxtn:
          opc = 0x14;
          EGRET_CHECK(VSize(i.arr) < 3);
          break;
        case Form::kVUqxtn:
          u = true, opc = 0x14;
          EGRET_CHECK(VSize(i.arr) < 3);
          break;
        case Form::kVSqxtun:
          u = true, opc = 0x12;
          EGRET_CHECK(VSize(i.arr) < 3);
          break;
        case Form::kVSaddlp:
          opc = 0x02;
          EGRET_CHECK(VSize(i.arr) < 3);
          break;
        default:
          u = true, opc = 0x02;
          EGRET_CHECK(VSize(i.arr) < 3);
          break;  // uaddlp
      }
      EGRET_CHECK(i.arr != VArr::k1D);
      return 0x0E200800 | QBit(i.arr) | Bit(u, 29) | SizeBits(i.arr) | opc << 12 | rn | rd;
    }
    case Form::kVFabs:
    case Form::kVFneg:
    case Form::kVFsqrt:
    case Form::kVFrintn:
    case Form::kVFrintm:
    case Form::kVFrintp:
    case Form::kVFrintz:
    case Form::kVScvtf:
    case Form::kVUcvtf:
    case Form::kVFcvtzs:
    case Form::kVFcvtzu: {
      // 0 Q U 01110 a sz 10000 opcode 10 Rn Rd
      EGRET_CHECK(i.arr == VArr::k2S || i.arr == VArr::k4S || i.arr == VArr::k2D);
      bool u = false, a = false;
      uint32_t opc = 0;
      switch (i.form) {
        case Form::kVFabs:
          a = true, opc = 0x0f;
          break;
        case Form::kVFneg:
          u = true, a = true, opc = 0x0f;
          break;
        case Form::kVFsqrt:
          u = true, a = true, opc = 0x1f;
          break;
        case Form::kVFrintn:
          opc = 0x18;
          break;
        case Form::kVFrintm:
          opc = 0x19;
          break;
        case Form::kVFrintp:
          a = true, opc = 0x18;
          break;
        case Form::kVFrintz:
          a = true, opc = 0x19;
          break;
        case Form::kVScvtf:
          opc = 0x1d;
          break;
        case Form::kVUcvtf:
          u = true, opc = 0x1d;
          break;
        case Form::kVFcvtzs:
          a = true, opc = 0x1b;
          break;
        default:
          u = true, a = true, opc = 0x1b;
          break;  // fcvtzu
      }
      return 0x0E200800 | QBit(i.arr) | Bit(u, 29) | Bit(a, 23) | Bit(VSize(i.arr) == 3, 22) |
             opc << 12 | rn | rd;
    }
    case Form::kVFcvtn:  // f64 -> f32; arr: the destination
    case Form::kVFcvtl:  // f32 -> f64; arr: the source
      EGRET_CHECK(i.arr == VArr::k2S || i.arr == VArr::k4S);
      return 0x0E200800 | QBit(i.arr) | 1u << 22 | (i.form == Form::kVFcvtn ? 0x16u : 0x17u) << 12 |
             rn | rd;
    case Form::kVAddv:
    case Form::kVUmaxv:
    case Form::kVUminv: {
      // 0 Q U 01110 size 11000 opcode 10 Rn Rd
      EGRET_CHECK(VSize(i.arr) < 2 || i.arr == VArr::k4S);
      const bool u = i.form != Form::kVAddv;
      const uint32_t opc = i.form == Form::kVAddv ? 0x1b : i.form == Form::kVUmaxv ? 0x0a : 0x1a;
      return 0x0E300800 | QBit(i.arr) | Bit(u, 29) | SizeBits(i.arr) | opc << 12 | rn | rd;
    }
    case Form::kVShl:
    case Form::kVSshr:
    case Form::kVUshr:
    case Form::kVUsra:
    case Form::kVSshll:
    case Form::kVUshll: {
      // 0 Q U 011110 immh immb opcode 1 Rn Rd
      const uint32_t esize = 8u << VSize(i.arr);
      const bool left = i.form == Form::kVShl || i.form == Form::kVSshll || i.form == Form::kVUshll;
      const bool widen = i.form == Form::kVSshll || i.form == Form::kVUshll;
      EGRET_CHECK(i.arr != VArr::k1D && !(widen && VSize(i.arr) == 3));
      uint32_t immhb;
      if (left) {
        EGRET_CHECK(i.imm >= 0 && i.imm < esize);
        immhb = esize + static_cast<uint32_t>(i.imm);
      } else {
        EGRET_CHECK(i.imm >= 1 && i.imm <= esize);
        immhb = 2 * esize - static_cast<uint32_t>(i.imm);
      }
      bool u = false;
      uint32_t opc = 0;
      switch (i.form) {
        case Form::kVShl:
          opc = 0x0a;
          break;
        case Form::kVSshr:
          opc = 0x00;
          break;
        case Form::kVUshr:
          u = true, opc = 0x00;
          break;
        case Form::kVUsra:
          u = true, opc = 0x02;
          break;
        case Form::kVSshll:
          opc = 0x14;
          break;
        default:
          u = true, opc = 0x14;
          break;  // ushll
      }
      return 0x0F000400 | QBit(i.arr) | Bit(u, 29) | immhb << 16 | opc << 11 | rn | rd;
    }
    case Form::kVSmull:
    case Form::kVUmull:
      EGRET_CHECK(VSize(i.arr) < 3);
      return 0x0E20C000 | QBit(i.arr) | Bit(i.form == Form::kVUmull, 29) | SizeBits(i.arr) | rm |
             rn | rd;
    case Form::kVZip1:
    case Form::kVZip2:
    case Form::kVUzp1:
    case Form::kVUzp2:
    case Form::kVTrn1:
    case Form::kVTrn2: {
      // 0 Q 001110 size 0 Rm 0 opcode 10 Rn Rd
      EGRET_CHECK(i.arr != VArr::k1D);
      const uint32_t opc = i.form == Form::kVUzp1   ? 1
                           : i.form == Form::kVTrn1 ? 2
                           : i.form == Form::kVZip1 ? 3
                           : i.form == Form::kVUzp2 ? 5
                           : i.form == Form::kVTrn2 ? 6
                                                    : 7;
      return 0x0E000800 | QBit(i.arr) | SizeBits(i.arr) | rm | opc << 12 | rn | rd;
    }
    case Form::kVExt:
      EGRET_CHECK(VSize(i.arr) == 0 && i.imm >= 0 && i.imm < (VQ(i.arr) ? 16 : 8));
      return 0x2E000000 | QBit(i.arr) | rm | static_cast<uint32_t>(i.imm) << 11 | rn | rd;
    case Form::kVTbl1:
    case Form::kVTbl2:
      EGRET_CHECK(VSize(i.arr) == 0 && (i.form == Form::kVTbl1 || i.n < 31));
      return 0x0E000000 | QBit(i.arr) | rm | (i.form == Form::kVTbl2 ? 1u << 13 : 0) | rn | rd;
    case Form::kVDupElem:
      EGRET_CHECK(i.arr != VArr::k1D);
      return 0x0E000400 | QBit(i.arr) | Imm5(VSize(i.arr), i.imm) | rn | rd;
    case Form::kVDupGen:
      EGRET_CHECK(i.arr != VArr::k1D);
      return 0x0E000C00 | QBit(i.arr) | Imm5(VSize(i.arr), 0) | rn | rd;
    case Form::kVInsElem: {
      const uint32_t sz = VSize(i.arr);
      EGRET_CHECK(i.amount < (16u >> sz));
      return 0x6E000400 | Imm5(sz, i.imm) | uint32_t{i.amount} << sz << 11 | rn | rd;
    }
    case Form::kVInsGen:
      return 0x4E001C00 | Imm5(VSize(i.arr), i.imm) | rn | rd;
    case Form::kVUmov:
      return 0x0E003C00 | Bit(VSize(i.arr) == 3, 30) | Imm5(VSize(i.arr), i.imm) | rn | rd;
    case Form::kVSmov:
      EGRET_CHECK(VSize(i.arr) < (i.is64 ? 3u : 2u));
      return 0x0E002C00 | Bit(i.is64, 30) | Imm5(VSize(i.arr), i.imm) | rn | rd;
    case Form::kVMovi:
      return ModImm(i, false) | rd;
    case Form::kVMvni:
      EGRET_CHECK(VSize(i.arr) == 1 || VSize(i.arr) == 2);
      return ModImm(i, true) | rd;
    case Form::kLdrQ:
      return Scaled(0x3DC00000, i, 4) | rn | rd;
    case Form::kLdurQ:
      return Unscaled(0x3DC00000, i) | rn | rd;
    case Form::kLdrQReg:
      return RegOffset(0x3DC00000, i, 4) | rm | rn | rd;
    case Form::kStrQ:
      return Scaled(0x3D800000, i, 4) | rn | rd;
    case Form::kSturQ:
      return Unscaled(0x3D800000, i) | rn | rd;
    case Form::kStrQReg:
      return RegOffset(0x3D800000, i, 4) | rm | rn | rd;
    case Form::kLdrQLit:
      return 0x9C000000 | static_cast<uint32_t>(Disp(i.imm, 19, 2)) << 5 | rd;
    case Form::kStpQPre:
      return 0xAD800000 | static_cast<uint32_t>(Disp(i.imm, 7, 4)) << 15 | uint32_t{i.m} << 10 |
             rn | rd;
    case Form::kLdpQPost:
      EGRET_CHECK(i.d != i.m);
      return 0xACC00000 | static_cast<uint32_t>(Disp(i.imm, 7, 4)) << 15 | uint32_t{i.m} << 10 |
             rn | rd;
    case Form::kVLd1r:
      return 0x0D40C000 | QBit(i.arr) | SizeBits(i.arr) >> 12 | rn | rd;
    case Form::kVLd1Lane:
      return 0x0D400000 | LaneFields(i) | rn | rd;
    case Form::kVSt1Lane:
      return 0x0D000000 | LaneFields(i) | rn | rd;
    case Form::kCnt8b:
      return 0x0E205800 | rn | rd;
    case Form::kAddv8b:
      return 0x0E31B800 | rn | rd;
    case Form::kB:
      return 0x14000000 | static_cast<uint32_t>(Disp(i.imm, 26, 2));
    case Form::kBl:
      return 0x94000000 | static_cast<uint32_t>(Disp(i.imm, 26, 2));
    case Form::kBCond:
      return 0x54000000 | static_cast<uint32_t>(Disp(i.imm, 19, 2)) << 5 |
             static_cast<uint32_t>(i.cond);
    case Form::kCbz:
      return 0x34000000 | sf | static_cast<uint32_t>(Disp(i.imm, 19, 2)) << 5 | rd;
    case Form::kCbnz:
      return 0x35000000 | sf | static_cast<uint32_t>(Disp(i.imm, 19, 2)) << 5 | rd;
    case Form::kTbz:
    case Form::kTbnz: {
      EGRET_CHECK(i.amount < 64 && (i.is64 || i.amount < 32));
      const uint32_t op = i.form == Form::kTbz ? 0x36000000 : 0x37000000;
      return op | uint32_t{i.amount} >> 5 << 31 | (uint32_t{i.amount} & 31) << 19 |
             static_cast<uint32_t>(Disp(i.imm, 14, 2)) << 5 | rd;
    }
    case Form::kAdr: {
      const uint32_t v = static_cast<uint32_t>(Disp(i.imm, 21, 0));
      return 0x10000000 | (v & 3) << 29 | (v >> 2) << 5 | rd;
    }
    case Form::kBr:
      return 0xD61F0000 | rn;
    case Form::kBlr:
      return 0xD63F0000 | rn;
    case Form::kRet:
      return 0xD65F0000 | rn;
    case Form::kLdar:
    case Form::kStlr:
    case Form::kLdaxr:
    case Form::kStlxr:
    case Form::kCasal: {
      EGRET_CHECK(i.mem == MemKind::kB || i.mem == MemKind::kH || i.mem == MemKind::kW ||
                  i.mem == MemKind::kX);
      const uint32_t size = static_cast<uint32_t>(MemSizeLog2(i.mem)) << 30;
      switch (i.form) {
        case Form::kLdar:
          return 0x08DFFC00 | size | rn | rd;
        case Form::kStlr:
          return 0x089FFC00 | size | rn | rd;
        case Form::kLdaxr:
          return 0x085FFC00 | size | rn | rd;
        case Form::kStlxr:  // stlxr Ws(d), Rt(m), [Xn]
          return 0x0800FC00 | size | rd << 16 | rn | Field(info.m, i.m);
        default:  // casal Rs(d), Rt(m), [Xn]
          return 0x08E0FC00 | size | rd << 16 | rn | Field(info.m, i.m);
      }
    }
    case Form::kLdaddal:
    case Form::kLdclral:
    case Form::kLdeoral:
    case Form::kLdsetal:
    case Form::kSwpal: {
      EGRET_CHECK(i.mem == MemKind::kB || i.mem == MemKind::kH || i.mem == MemKind::kW ||
                  i.mem == MemKind::kX);
      const uint32_t size = static_cast<uint32_t>(MemSizeLog2(i.mem)) << 30;
      const uint32_t opc = i.form == Form::kLdaddal   ? 0x0000
                           : i.form == Form::kLdclral ? 0x1000
                           : i.form == Form::kLdeoral ? 0x2000
                           : i.form == Form::kLdsetal ? 0x3000
                                                      : 0x8000;  // swp: o3 = 1
      return 0x38E00000 | size | rm | opc | rn | rd;
    }
    case Form::kDmbIsh:
      return 0xD5033BBF;
    case Form::kUdf:
      EGRET_CHECK(i.imm >= 0 && i.imm <= 0xffff);
      return static_cast<uint32_t>(i.imm);
    case Form::kBrk:
      EGRET_CHECK(i.imm >= 0 && i.imm <= 0xffff);
      return 0xD4200000 | static_cast<uint32_t>(i.imm) << 5;
  }
  EGRET_CHECK(false);
  return 0;
}

}  // namespace egret::aarch64
