// encoder.cc: Encode() for every form, on top of a small prefix/ModRM/SIB writer.
//
// Invariant: each form funnels through exactly one of EmitRegReg / EmitRegMem / EmitOpReg /
// EmitPlain, which own the prefix order (66, F2/F3, REX, escape, opcode) and every ModRM/SIB
// special case, so a special case is handled once for all forms.
#include "backends/x64/encoder.h"

#include "support/error.h"

namespace egret::x64 {
namespace {

// Bytes appended to one EncodedInst.
class Writer {
 public:
  explicit Writer(EncodedInst* out) : out_(out) {
    out_->len = 0;
    out_->label = LabelField();
  }
  void Byte(uint8_t b) {
    EGRET_CHECK(out_->len < kMaxInstLength);
    out_->bytes[out_->len++] = b;
  }
  void Le(uint64_t v, int n) {
    for (int k = 0; k < n; ++k) Byte(static_cast<uint8_t>(v >> (8 * k)));
  }
  uint8_t pos() const { return out_->len; }
  void RecordLabel(Label label, LabelUse use, uint8_t offset, uint8_t pc_base_delta) {
    out_->label.label = label;
    out_->label.use = use;
    out_->label.offset = offset;
    out_->label.pc_base_delta = pc_base_delta;
  }

 private:
  EncodedInst* out_;
};

// The opcode part of an instruction, independent of its operands.
struct Opcode {
  bool lock = false;   // the F0 prefix
  bool p66 = false;    // operand-size override or SSE mandatory prefix
  uint8_t rep = 0;     // 0, 0xF2 or 0xF3 (mandatory prefix)
  bool rex_w = false;  // 64-bit operand size
  uint8_t map = 0;     // 0: one-byte opcode, 1: 0F, 2: 0F 38, 3: 0F 3A
  uint8_t opcode = 0;
  // VEX instead of the legacy prefixes, REX and escape bytes (66/F3/F2 become VEX.pp, the map
  // VEX.mmmmm, REX.W VEX.W), with `vvvv` the extra source register. VEX.L = 0 (128 bits).
  bool vex = false;
  uint8_t vvvv = 0;
};

// An integer opcode whose operand size is given by 66 / REX.W.
Opcode Int(OpSize size, uint8_t opcode, uint8_t map = 0) {
  Opcode op;
  op.p66 = size == OpSize::k16;
  op.rex_w = size == OpSize::k64;
  op.map = map;
  op.opcode = opcode;
  return op;
}

// A byte-sized operand in register encodings 4..7 means spl/bpl/sil/dil only with a REX prefix.
bool NeedsRexForByte(OpSize size, unsigned enc) {
  return size == OpSize::k8 && enc >= 4 && enc < 8;
}

// The 2-byte VEX prefix (C5) when neither REX.X nor REX.B nor W is needed and the map is 0F (as
// assemblers choose), else the 3-byte one (C4). R, X, B and vvvv are stored inverted.
void EmitVex(Writer& w, const Opcode& op, unsigned rxb) {
  const unsigned pp = op.p66 ? 1 : op.rep == 0xF3 ? 2 : op.rep == 0xF2 ? 3 : 0;
  const unsigned vvvv = (~op.vvvv) & 15;
  const unsigned r = (~rxb >> 2) & 1, x = (~rxb >> 1) & 1, b = ~rxb & 1;
  if (x == 1 && b == 1 && !op.rex_w && op.map == 1) {
    w.Byte(0xC5);
    w.Byte(static_cast<uint8_t>(r << 7 | vvvv << 3 | pp));
  } else {
    w.Byte(0xC4);
    w.Byte(static_cast<uint8_t>(r << 7 | x << 6 | b << 5 | op.map));
    w.Byte(static_cast<uint8_t>((op.rex_w ? 1 : 0) << 7 | vvvv << 3 | pp));
  }
  w.Byte(op.opcode);
}

void EmitPrefixesAndOpcode(Writer& w, const Opcode& op, unsigned rxb, bool force_rex) {
  if (op.vex) {
    EmitVex(w, op, rxb);
    return;
  }
  if (op.p66) w.Byte(0x66);
  if (op.lock) w.Byte(0xF0);  // after 66, as LLVM orders them (either order is valid)
  if (op.rep != 0) w.Byte(op.rep);
  const uint8_t rex = static_cast<uint8_t>(0x40 | (op.rex_w ? 8 : 0) | rxb);
  if (rex != 0x40 || force_rex) w.Byte(rex);
  switch (op.map) {
    case 0:
      break;
    case 1:
      w.Byte(0x0F);
      break;
    case 2:
      w.Byte(0x0F);
      w.Byte(0x38);
      break;
    case 3:
      w.Byte(0x0F);
      w.Byte(0x3A);
      break;
    default:
      EGRET_CHECK(false && "bad opcode map");
  }
  w.Byte(op.opcode);
}

uint8_t ModRm(unsigned mod, unsigned reg, unsigned rm) {
  return static_cast<uint8_t>((mod << 6) | ((reg & 7) << 3) | (rm & 7));
}

// ModRM with mod=11: both operands are registers. `reg` may be a /digit.
void EmitRegReg(Writer& w, const Opcode& op, unsigned reg, unsigned rm, bool force_rex = false) {
  const unsigned rxb = ((reg >> 3) & 1) << 2 | ((rm >> 3) & 1);
  EmitPrefixesAndOpcode(w, op, rxb, force_rex);
  w.Byte(ModRm(3, reg, rm));
}

// ModRM (+SIB, +displacement) for a memory operand. `imm_bytes` is the size of the immediate
// the caller appends afterwards: it moves the end of the instruction, which is the base of a
// RIP-relative displacement.
void EmitRegMem(Writer& w, const Opcode& op, unsigned reg, const Amode& m, int imm_bytes,
                bool force_rex = false) {
  const unsigned r = ((reg >> 3) & 1) << 2;
  switch (m.kind) {
    case Amode::Kind::kRipLabel: {
      EmitPrefixesAndOpcode(w, op, r, force_rex);
      w.Byte(ModRm(0, reg, 5));  // mod=00 rm=101: RIP + disp32
      const uint8_t field = w.pos();
      w.Le(0, 4);
      w.RecordLabel(m.label, LabelUse::kRipRel32, field, static_cast<uint8_t>(4 + imm_bytes));
      return;
    }
    case Amode::Kind::kBase:
    case Amode::Kind::kBaseIndex: {
      const unsigned base = Enc(m.base);
      const bool has_index = m.kind == Amode::Kind::kBaseIndex;
      const unsigned index = has_index ? Enc(m.index) : 4;  // 100 = no index
      EGRET_CHECK(!has_index || m.index != Gpr::kRsp);
      const unsigned rxb = r | ((index >> 3) & 1) << 1 | ((base >> 3) & 1);
      EmitPrefixesAndOpcode(w, op, rxb, force_rex);
      // mod=00 with base low bits 101 means RIP-relative (no SIB) or no base (SIB): rbp/r13
      // need an explicit disp8 of 0.
      unsigned mod;
      if (m.disp == 0 && (base & 7) != 5) {
        mod = 0;
      } else if (FitsSimm8(m.disp)) {
        mod = 1;
      } else {
        mod = 2;
      }
      // rm=100 means "SIB follows", so rsp/r12 as a base always take a SIB byte.
      const bool need_sib = has_index || (base & 7) == 4;
      w.Byte(ModRm(mod, reg, need_sib ? 4 : base));
      if (need_sib) {
        w.Byte(static_cast<uint8_t>((has_index ? m.scale_log2 : 0) << 6 | (index & 7) << 3 |
                                    (base & 7)));
      }
      if (mod == 1) w.Le(static_cast<uint32_t>(m.disp), 1);
      if (mod == 2) w.Le(static_cast<uint32_t>(m.disp), 4);
      return;
    }
  }
}

// The register is in the low three bits of the opcode (push, pop, bswap, mov imm).
void EmitOpReg(Writer& w, Opcode op, unsigned reg, bool force_rex = false) {
  op.opcode = static_cast<uint8_t>(op.opcode + (reg & 7));
  EmitPrefixesAndOpcode(w, op, (reg >> 3) & 1, force_rex);
}

void EmitRel(Writer& w, Label label, LabelUse use) {
  const uint8_t field = w.pos();
  const int size = FieldSize(use);
  w.Le(0, size);
  w.RecordLabel(label, use, field, static_cast<uint8_t>(size));
}

// Bytes of an immediate at an operand size when the full-size (not imm8) form is used: 64-bit
// operations take a sign-extended imm32.
int ImmBytes(OpSize size) { return size == OpSize::k64 ? 4 : Bytes(size); }

uint8_t ByteOr(OpSize size, uint8_t byte_opcode, uint8_t opcode) {
  return size == OpSize::k8 ? byte_opcode : opcode;
}

// A register-or-memory operand for the group forms (/digit), to share code between R and M.
void EmitGroup(Writer& w, const Opcode& op, unsigned digit, const Inst& inst, bool is_mem,
               int imm_bytes) {
  if (is_mem) {
    EmitRegMem(w, op, digit, inst.mem, imm_bytes);
  } else {
    EmitRegReg(w, op, digit, inst.r0, NeedsRexForByte(inst.size, inst.r0));
  }
}

void EncodeAluImm(Writer& w, const Inst& inst, bool is_mem) {
  const OpSize size = inst.size;
  const int64_t v = ImmAtSize(inst.imm, size);
  const uint8_t digit = inst.op;
  const bool is_acc = !is_mem && inst.r0 == Enc(Gpr::kRax);
  if (size == OpSize::k8) {
    if (is_acc) {
      EmitPrefixesAndOpcode(w, Int(size, static_cast<uint8_t>(digit * 8 + 4)), 0, false);
    } else {
      EmitGroup(w, Int(size, 0x80), digit, inst, is_mem, 1);
    }
    w.Le(static_cast<uint64_t>(v), 1);
  } else if (FitsSimm8(v)) {
    EmitGroup(w, Int(size, 0x83), digit, inst, is_mem, 1);
    w.Le(static_cast<uint64_t>(v), 1);
  } else {
    if (is_acc) {
      EmitPrefixesAndOpcode(w, Int(size, static_cast<uint8_t>(digit * 8 + 5)), 0, false);
    } else {
      EmitGroup(w, Int(size, 0x81), digit, inst, is_mem, ImmBytes(size));
    }
    w.Le(static_cast<uint64_t>(v), ImmBytes(size));
  }
}

void EncodeTestImm(Writer& w, const Inst& inst, bool is_mem) {
  const OpSize size = inst.size;
  const int64_t v = ImmAtSize(inst.imm, size);
  const int imm_bytes = ImmBytes(size);
  if (!is_mem && inst.r0 == Enc(Gpr::kRax)) {
    EmitPrefixesAndOpcode(w, Int(size, ByteOr(size, 0xA8, 0xA9)), 0, false);
  } else {
    EmitGroup(w, Int(size, ByteOr(size, 0xF6, 0xF7)), 0, inst, is_mem, imm_bytes);
  }
  w.Le(static_cast<uint64_t>(v), imm_bytes);
}

void EncodeImulImm(Writer& w, const Inst& inst, bool is_mem) {
  const int64_t v = ImmAtSize(inst.imm, inst.size);
  const bool short_imm = FitsSimm8(v);
  const int imm_bytes = short_imm ? 1 : ImmBytes(inst.size);
  const Opcode op = Int(inst.size, short_imm ? 0x6B : 0x69);
  if (is_mem) {
    EmitRegMem(w, op, inst.r0, inst.mem, imm_bytes);
  } else {
    EmitRegReg(w, op, inst.r0, inst.r1);
  }
  w.Le(static_cast<uint64_t>(v), imm_bytes);
}

Opcode BitOpcode(BitOp op, OpSize size) {
  Opcode o = Int(size, 0, 1);
  switch (op) {
    case BitOp::kLzcnt:
      o.rep = 0xF3;
      o.opcode = 0xBD;
      break;
    case BitOp::kTzcnt:
      o.rep = 0xF3;
      o.opcode = 0xBC;
      break;
    case BitOp::kPopcnt:
      o.rep = 0xF3;
      o.opcode = 0xB8;
      break;
    case BitOp::kBsr:
      o.opcode = 0xBD;
      break;
    case BitOp::kBsf:
      o.opcode = 0xBC;
      break;
  }
  return o;
}

// movzx/movsx: the opcode for an extension from src_size to size.
Opcode ExtendOpcode(const Inst& inst, bool sign) {
  switch (inst.src_size) {
    case OpSize::k8:
      return Int(inst.size, sign ? 0xBE : 0xB6, 1);
    case OpSize::k16:
      return Int(inst.size, sign ? 0xBF : 0xB7, 1);
    case OpSize::k32:
      // movslq is REX.W 63 /r; a zero extension is a plain 32-bit mov (the load form 8B /r;
      // the register form is handled by the caller).
      return sign ? Int(OpSize::k64, 0x63) : Int(OpSize::k32, 0x8B);
    case OpSize::k64:
      break;
  }
  EGRET_CHECK(false && "bad extension source size");
  return {};
}

Opcode SseOpcode(uint8_t prefix, uint8_t map, uint8_t opcode) {
  Opcode o;
  o.p66 = prefix == 0x66;
  o.rep = (prefix == 0xF2 || prefix == 0xF3) ? prefix : 0;
  o.map = map;
  o.opcode = opcode;
  return o;
}

constexpr uint8_t kNops[9][9] = {
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

void EncodeSse(Writer& w, const Inst& inst) {
  switch (inst.form) {
    case Form::kSseRR:
    case Form::kSseRM: {
      const SseOpInfo& info = GetSseOpInfo(inst.sse_op());
      const Opcode op = SseOpcode(info.prefix, info.map, info.opcode);
      const int imm_bytes = info.has_imm8 ? 1 : 0;
      if (inst.form == Form::kSseRR) {
        EmitRegReg(w, op, inst.r0, inst.r1);
      } else {
        EmitRegMem(w, op, inst.r0, inst.mem, imm_bytes);
      }
      if (info.has_imm8) w.Byte(static_cast<uint8_t>(inst.imm));
      return;
    }
    case Form::kVexRRR:
    case Form::kVexRRM: {
      const SseOpInfo& info = GetSseOpInfo(inst.sse_op());
      Opcode op = SseOpcode(info.prefix, info.map, info.opcode);
      op.vex = true;
      op.vvvv = inst.r1;
      if (inst.form == Form::kVexRRR) {
        EmitRegReg(w, op, inst.r0, inst.r2);
      } else {
        EmitRegMem(w, op, inst.r0, inst.mem, 0);
      }
      return;
    }
    case Form::kSseMR: {
      const SseOpInfo& info = GetSseOpInfo(inst.sse_op());
      EmitRegMem(w, SseOpcode(info.prefix, info.map, info.store_opcode), inst.r1, inst.mem, 0);
      return;
    }
    case Form::kGprToXmm:
    case Form::kXmmToGpr: {
      // movd/movq: 66 [REX.W] 0F 6E /r (to xmm) and 0F 7E /r (from xmm); ModRM.reg is the xmm.
      Opcode op = SseOpcode(0x66, 1, inst.form == Form::kGprToXmm ? 0x6E : 0x7E);
      op.rex_w = inst.size == OpSize::k64;
      const unsigned xmm = inst.form == Form::kGprToXmm ? inst.r0 : inst.r1;
      const unsigned gpr = inst.form == Form::kGprToXmm ? inst.r1 : inst.r0;
      EmitRegReg(w, op, xmm, gpr);
      return;
    }
    case Form::kXmmShiftRI: {
      // 66 0F 71/72/73 /digit ib; ModRM.rm is the xmm register.
      const XmmShiftOpInfo& info = GetXmmShiftOpInfo(inst.xmm_shift_op());
      EmitRegReg(w, SseOpcode(0x66, 1, info.opcode), info.digit, inst.r0);
      w.Byte(static_cast<uint8_t>(inst.imm));
      return;
    }
    case Form::kPextrRRI: {
      // pextrw: the SSE2 form 66 0F C5 /r ib (ModRM.reg = the GPR); pextrb/d/q: 66 0F 3A 14/16
      // /r ib (ModRM.reg = the xmm, rm = the GPR; REX.W for q).
      if (inst.size == OpSize::k16) {
        EmitRegReg(w, SseOpcode(0x66, 1, 0xC5), inst.r0, inst.r1);
      } else {
        Opcode op = SseOpcode(0x66, 3, inst.size == OpSize::k8 ? 0x14 : 0x16);
        op.rex_w = inst.size == OpSize::k64;
        EmitRegReg(w, op, inst.r1, inst.r0);
      }
      w.Byte(static_cast<uint8_t>(inst.imm));
      return;
    }
    case Form::kPinsrRRI:
    case Form::kPinsrRMI: {
      // pinsrw: 66 0F C4 /r ib; pinsrb/d/q: 66 0F 3A 20/22 /r ib (REX.W for q). ModRM.reg = xmm.
      Opcode op = inst.size == OpSize::k16
                      ? SseOpcode(0x66, 1, 0xC4)
                      : SseOpcode(0x66, 3, inst.size == OpSize::k8 ? 0x20 : 0x22);
      op.rex_w = inst.size == OpSize::k64;
      if (inst.form == Form::kPinsrRRI) {
        EmitRegReg(w, op, inst.r0, inst.r1);
      } else {
        EmitRegMem(w, op, inst.r0, inst.mem, 1);
      }
      w.Byte(static_cast<uint8_t>(inst.imm));
      return;
    }
    case Form::kMovmskRR: {
      // pmovmskb 66 0F D7 /r, movmskps 0F 50 /r, movmskpd 66 0F 50 /r; ModRM.reg = the GPR.
      const MaskOp m = inst.mask_op();
      const Opcode op = m == MaskOp::kPmovmskb   ? SseOpcode(0x66, 1, 0xD7)
                        : m == MaskOp::kMovmskps ? SseOpcode(0, 1, 0x50)
                                                 : SseOpcode(0x66, 1, 0x50);
      EmitRegReg(w, op, inst.r0, inst.r1);
      return;
    }
    case Form::kCvtSi2FpR:
    case Form::kCvtSi2FpM:
    case Form::kCvttFp2SiR:
    case Form::kCvttFp2SiM: {
      const bool to_fp = inst.form == Form::kCvtSi2FpR || inst.form == Form::kCvtSi2FpM;
      Opcode op = SseOpcode(inst.fp == FpSize::kF32 ? 0xF3 : 0xF2, 1, to_fp ? 0x2A : 0x2C);
      op.rex_w = inst.size == OpSize::k64;
      if (inst.form == Form::kCvtSi2FpM || inst.form == Form::kCvttFp2SiM) {
        EmitRegMem(w, op, inst.r0, inst.mem, 0);
      } else {
        EmitRegReg(w, op, inst.r0, inst.r1);
      }
      return;
    }
    default:
      EGRET_CHECK(false && "not an SSE form");
  }
}

}  // namespace

void Encode(const Inst& inst, EncodedInst* out) {
  Writer w(out);
  const OpSize size = inst.size;
  switch (inst.form) {
    case Form::kAluRR:
      EmitRegReg(w, Int(size, static_cast<uint8_t>(inst.op * 8 + ByteOr(size, 0, 1))), inst.r1,
                 inst.r0, NeedsRexForByte(size, inst.r0) || NeedsRexForByte(size, inst.r1));
      return;
    case Form::kAluRI:
      EncodeAluImm(w, inst, false);
      return;
    case Form::kAluRM:
      EmitRegMem(w, Int(size, static_cast<uint8_t>(inst.op * 8 + ByteOr(size, 2, 3))), inst.r0,
                 inst.mem, 0, NeedsRexForByte(size, inst.r0));
      return;
    case Form::kAluMR:
      EmitRegMem(w, Int(size, static_cast<uint8_t>(inst.op * 8 + ByteOr(size, 0, 1))), inst.r1,
                 inst.mem, 0, NeedsRexForByte(size, inst.r1));
      return;
    case Form::kAluMI:
      EncodeAluImm(w, inst, true);
      return;
    case Form::kTestRR:
      EmitRegReg(w, Int(size, ByteOr(size, 0x84, 0x85)), inst.r1, inst.r0,
                 NeedsRexForByte(size, inst.r0) || NeedsRexForByte(size, inst.r1));
      return;
    case Form::kTestRI:
      EncodeTestImm(w, inst, false);
      return;
    case Form::kTestMR:
      EmitRegMem(w, Int(size, ByteOr(size, 0x84, 0x85)), inst.r1, inst.mem, 0,
                 NeedsRexForByte(size, inst.r1));
      return;
    case Form::kTestMI:
      EncodeTestImm(w, inst, true);
      return;
    case Form::kImulRR:
      EmitRegReg(w, Int(size, 0xAF, 1), inst.r0, inst.r1);
      return;
    case Form::kImulRM:
      EmitRegMem(w, Int(size, 0xAF, 1), inst.r0, inst.mem, 0);
      return;
    case Form::kImulRRI:
      EncodeImulImm(w, inst, false);
      return;
    case Form::kImulRMI:
      EncodeImulImm(w, inst, true);
      return;
    case Form::kUnaryR:
    case Form::kUnaryM:
      EmitGroup(w, Int(size, ByteOr(size, 0xF6, 0xF7)), inst.op, inst, inst.form == Form::kUnaryM,
                0);
      return;
    case Form::kShiftRI:
      if (inst.imm == 1) {
        EmitGroup(w, Int(size, ByteOr(size, 0xD0, 0xD1)), inst.op, inst, false, 0);
      } else {
        EmitGroup(w, Int(size, ByteOr(size, 0xC0, 0xC1)), inst.op, inst, false, 1);
        w.Byte(static_cast<uint8_t>(inst.imm));
      }
      return;
    case Form::kShiftRCl:
      EmitGroup(w, Int(size, ByteOr(size, 0xD2, 0xD3)), inst.op, inst, false, 0);
      return;
    case Form::kBitRR:
      EmitRegReg(w, BitOpcode(inst.bit_op(), size), inst.r0, inst.r1);
      return;
    case Form::kBitRM:
      EmitRegMem(w, BitOpcode(inst.bit_op(), size), inst.r0, inst.mem, 0);
      return;
    case Form::kBswap:
      EmitOpReg(w, Int(size, 0xC8, 1), inst.r0);
      return;
    case Form::kSignExtendAx:
      EmitPrefixesAndOpcode(w, Int(size, 0x99), 0, false);
      return;
    case Form::kMovRR:
      EmitRegReg(w, Int(size, ByteOr(size, 0x88, 0x89)), inst.r1, inst.r0,
                 NeedsRexForByte(size, inst.r0) || NeedsRexForByte(size, inst.r1));
      return;
    case Form::kMovRI:
      switch (inst.mov_imm_kind()) {
        case MovImmKind::kMovImm: {
          // The 32-bit form also serves 64-bit moves of values that fit u32 (zero-extension).
          const OpSize enc_size = size == OpSize::k64 ? OpSize::k32 : size;
          EmitOpReg(w, Int(enc_size, ByteOr(enc_size, 0xB0, 0xB8)), inst.r0,
                    NeedsRexForByte(enc_size, inst.r0));
          w.Le(static_cast<uint64_t>(inst.imm), Bytes(enc_size));
          return;
        }
        case MovImmKind::kMovSext32:
          EmitRegReg(w, Int(OpSize::k64, 0xC7), 0, inst.r0);
          w.Le(static_cast<uint64_t>(inst.imm), 4);
          return;
        case MovImmKind::kMovAbs:
          EmitOpReg(w, Int(OpSize::k64, 0xB8), inst.r0);
          w.Le(static_cast<uint64_t>(inst.imm), 8);
          return;
      }
      return;
    case Form::kMovRM:
      EmitRegMem(w, Int(size, ByteOr(size, 0x8A, 0x8B)), inst.r0, inst.mem, 0,
                 NeedsRexForByte(size, inst.r0));
      return;
    case Form::kMovMR:
      EmitRegMem(w, Int(size, ByteOr(size, 0x88, 0x89)), inst.r1, inst.mem, 0,
                 NeedsRexForByte(size, inst.r1));
      return;
    case Form::kMovMI:
      EmitRegMem(w, Int(size, ByteOr(size, 0xC6, 0xC7)), 0, inst.mem, ImmBytes(size));
      w.Le(static_cast<uint64_t>(inst.imm), ImmBytes(size));
      return;
    case Form::kMovzxRR:
      if (inst.src_size == OpSize::k32) {
        // A 32-bit mov zero-extends: the same bytes as MovRR at 32 bits (89 /r, as LLVM emits).
        EmitRegReg(w, Int(OpSize::k32, 0x89), inst.r1, inst.r0);
        return;
      }
      [[fallthrough]];
    case Form::kMovsxRR:
      EmitRegReg(w, ExtendOpcode(inst, inst.form == Form::kMovsxRR), inst.r0, inst.r1,
                 NeedsRexForByte(inst.src_size, inst.r1));
      return;
    case Form::kMovzxRM:
    case Form::kMovsxRM:
      EmitRegMem(w, ExtendOpcode(inst, inst.form == Form::kMovsxRM), inst.r0, inst.mem, 0);
      return;
    case Form::kLea:
      EmitRegMem(w, Int(size, 0x8D), inst.r0, inst.mem, 0);
      return;
    case Form::kSetcc:
      EmitRegReg(w, Int(OpSize::k8, static_cast<uint8_t>(0x90 + static_cast<int>(inst.cc)), 1), 0,
                 inst.r0, NeedsRexForByte(OpSize::k8, inst.r0));
      return;
    case Form::kCmovRR:
      EmitRegReg(w, Int(size, static_cast<uint8_t>(0x40 + static_cast<int>(inst.cc)), 1), inst.r0,
                 inst.r1);
      return;
    case Form::kCmovRM:
      EmitRegMem(w, Int(size, static_cast<uint8_t>(0x40 + static_cast<int>(inst.cc)), 1), inst.r0,
                 inst.mem, 0);
      return;
    case Form::kPushR:
      EmitOpReg(w, Int(OpSize::k32, 0x50), inst.r0);
      return;
    case Form::kPopR:
      EmitOpReg(w, Int(OpSize::k32, 0x58), inst.r0);
      return;
    case Form::kPushI:
      if (FitsSimm8(inst.imm)) {
        w.Byte(0x6A);
        w.Le(static_cast<uint64_t>(inst.imm), 1);
      } else {
        w.Byte(0x68);
        w.Le(static_cast<uint64_t>(inst.imm), 4);
      }
      return;
    case Form::kRet:
      if (inst.imm == 0) {
        w.Byte(0xC3);
        return;
      }
      w.Byte(0xC2);
      w.Byte(static_cast<uint8_t>(inst.imm));
      w.Byte(static_cast<uint8_t>(inst.imm >> 8));
      return;
    case Form::kCallRel32:
      w.Byte(0xE8);
      EmitRel(w, inst.label, LabelUse::kJmpRel32);
      return;
    // Near indirect call/jmp default to 64-bit operands: no REX.W.
    case Form::kCallR:
      EmitRegReg(w, Int(OpSize::k32, 0xFF), 2, inst.r0);
      return;
    case Form::kCallM:
      EmitRegMem(w, Int(OpSize::k32, 0xFF), 2, inst.mem, 0);
      return;
    case Form::kJmpRel32:
      w.Byte(0xE9);
      EmitRel(w, inst.label, LabelUse::kJmpRel32);
      return;
    case Form::kJmpRel8:
      w.Byte(0xEB);
      EmitRel(w, inst.label, LabelUse::kJmpRel8);
      return;
    case Form::kJmpR:
      EmitRegReg(w, Int(OpSize::k32, 0xFF), 4, inst.r0);
      return;
    case Form::kJmpM:
      EmitRegMem(w, Int(OpSize::k32, 0xFF), 4, inst.mem, 0);
      return;
    case Form::kJccRel32:
      w.Byte(0x0F);
      w.Byte(static_cast<uint8_t>(0x80 + static_cast<int>(inst.cc)));
      EmitRel(w, inst.label, LabelUse::kJmpRel32);
      return;
    case Form::kJccRel8:
      w.Byte(static_cast<uint8_t>(0x70 + static_cast<int>(inst.cc)));
      EmitRel(w, inst.label, LabelUse::kJmpRel8);
      return;
    case Form::kAtomicMR: {
      // xchg 86/87 /r; lock xadd 0F C0/C1 /r; lock cmpxchg 0F B0/B1 /r.
      Opcode op;
      switch (inst.atomic_op()) {
        case AtomicOp::kXchg:
          op = Int(size, ByteOr(size, 0x86, 0x87));
          break;
        case AtomicOp::kLockXadd:
          op = Int(size, ByteOr(size, 0xC0, 0xC1), 1);
          op.lock = true;
          break;
        case AtomicOp::kLockCmpxchg:
          op = Int(size, ByteOr(size, 0xB0, 0xB1), 1);
          op.lock = true;
          break;
      }
      EmitRegMem(w, op, inst.r1, inst.mem, 0, NeedsRexForByte(size, inst.r1));
      return;
    }
    case Form::kMfence:
      w.Byte(0x0F);
      w.Byte(0xAE);
      w.Byte(0xF0);
      return;
    case Form::kUd2:
      w.Byte(0x0F);
      w.Byte(0x0B);
      return;
    case Form::kInt3:
      w.Byte(0xCC);
      return;
    case Form::kNop: {
      EGRET_CHECK(inst.imm >= 1 && inst.imm <= 9);
      for (int k = 0; k < inst.imm; ++k) w.Byte(kNops[inst.imm - 1][k]);
      return;
    }
    case Form::kRorxRRI: {
      // VEX.LZ.F2.0F3A.W F0 /r ib (no vvvv operand).
      Opcode op = Int(inst.size, 0xF0, 3);
      op.rep = 0xF2;
      op.vex = true;
      EmitRegReg(w, op, inst.r0, inst.r1);
      w.Byte(static_cast<uint8_t>(inst.imm));
      return;
    }
    case Form::kShiftxRRR: {
      // VEX.LZ.{66 shlx, F2 shrx, F3 sarx}.0F38.W F7 /r, the count in vvvv.
      Opcode op = Int(inst.size, 0xF7, 2);
      const ShiftOp s = inst.shift_op();
      op.p66 = s == ShiftOp::kShl;
      op.rep = s == ShiftOp::kShr ? 0xF2 : s == ShiftOp::kSar ? 0xF3 : 0;
      op.vex = true;
      op.vvvv = inst.r2;
      EmitRegReg(w, op, inst.r0, inst.r1);
      return;
    }
    case Form::kAndnRRR: {
      // VEX.LZ.0F38.W F2 /r: reg = dst, vvvv = src1 (inverted), rm = src2.
      Opcode op = Int(inst.size, 0xF2, 2);
      op.vex = true;
      op.vvvv = inst.r1;
      EmitRegReg(w, op, inst.r0, inst.r2);
      return;
    }
    case Form::kSseRR:
    case Form::kSseRM:
    case Form::kSseMR:
    case Form::kVexRRR:
    case Form::kVexRRM:
    case Form::kGprToXmm:
    case Form::kXmmToGpr:
    case Form::kXmmShiftRI:
    case Form::kPextrRRI:
    case Form::kPinsrRRI:
    case Form::kPinsrRMI:
    case Form::kMovmskRR:
    case Form::kCvtSi2FpR:
    case Form::kCvtSi2FpM:
    case Form::kCvttFp2SiR:
    case Form::kCvttFp2SiM:
      EncodeSse(w, inst);
      return;
  }
  EGRET_CHECK(false && "unknown form");
}

void AppendNops(int n, std::vector<uint8_t>* out) {
  EGRET_CHECK(n >= 0);
  while (n > 0) {
    const int k = n > 9 ? 9 : n;
    out->insert(out->end(), kNops[k - 1], kNops[k - 1] + k);
    n -= k;
  }
}

void Assembler::Emit(const Inst& inst) {
  EncodedInst e;
  Encode(inst, &e);
  const uint32_t start = offset();
  code_.insert(code_.end(), e.bytes, e.bytes + e.len);
  if (e.label.label.valid()) {
    fixups_.push_back({start + e.label.offset, e.label.use,
                       start + e.label.offset + e.label.pc_base_delta, e.label.label});
  }
}

void Assembler::EmitNops(int n) { AppendNops(n, &code_); }

bool Assembler::Resolve(std::span<const uint32_t> label_offsets) {
  for (const LabelFixup& f : fixups_) {
    EGRET_CHECK(f.label.index < label_offsets.size());
    if (!PatchLabelField(code_, f.offset, f.use, f.pc_base, label_offsets[f.label.index])) {
      return false;
    }
  }
  return true;
}

}  // namespace egret::x64
