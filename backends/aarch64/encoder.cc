// encoder.cc: field layouts from the Arm ARM (A64 encoding index), one case per form.
#include "backends/aarch64/encoder.h"

#include "support/error.h"

namespace egret::aarch64 {
namespace {

// The 5-bit field of the register in slot `kind`, checking that the slot can hold it.
uint32_t Field(SlotKind kind, uint8_t r) {
  switch (kind) {
    case SlotKind::kR:
      EGRET_CHECK(r <= 32 && r != static_cast<uint8_t>(Gpr::kSp));
      return r == static_cast<uint8_t>(Gpr::kZr) ? 31 : r;
    case SlotKind::kRsp:
      EGRET_CHECK(r <= 31);
      return r;
    case SlotKind::kV:
      EGRET_CHECK(r <= 31);
      return r;
    case SlotKind::kNo:
      return 0;
  }
  return 0;
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

}  // namespace

bool IsAddSubImm(int64_t imm) {
  return (imm >= 0 && imm <= 4095) || ((imm & 0xfff) == 0 && imm > 0 && imm < (1 << 24));
}
bool IsScaledOffset(int64_t offset, int size_log2) {
  return offset >= 0 && (offset & ((1 << size_log2) - 1)) == 0 && (offset >> size_log2) <= 4095;
}
bool IsUnscaledOffset(int64_t offset) { return offset >= -256 && offset <= 255; }

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
