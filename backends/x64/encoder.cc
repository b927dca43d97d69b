// encoder.cc: Encode() for every form, on top of a small prefix/ModRM/SIB writer.
//
// Invariant: each form funnels through exactly one of EmitRegReg / EmitRegMem / EmitOpReg /
// EmitPlain, which own the prefix order (66, F2/F3, REX, escape, opcode) and every ModRM/SIB
// special case, so a special case is handled once for all forms.
#include "backends/x64/encoder.h"

#include "backends/x64/encoder_fast.h"
#include "machbuffer/label_use_x64.h"
#include "support/error.h"

namespace egret::x64 {
namespace {

// Bytes of one instruction, written in place (an EncodedInst, or straight into the code buffer:
// EncodeTo), and where its PC-relative field is.
class Writer {
 public:
  Writer(uint8_t* bytes, LabelField* label) : bytes_(bytes), label_(label) {
    *label_ = LabelField();
  }
  void Byte(uint8_t b) {
    EGRET_CHECK(len_ < kMaxInstLength);
    bytes_[len_++] = b;
  }
  void Le(uint64_t v, int n) {
    for (int k = 0; k < n; ++k) Byte(static_cast<uint8_t>(v >> (8 * k)));
  }
  uint8_t pos() const { return len_; }
  void RecordLabel(Label label, LabelUse use, uint8_t offset, uint8_t pc_base_delta) {
    label_->label = label;
    label_->use = use;
    label_->offset = offset;
    label_->pc_base_delta = pc_base_delta;
  }

 private:
  uint8_t* bytes_;
  LabelField* label_;
  uint8_t len_ = 0;
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

// The ModRM byte: encoder_fast.h's, so the two encoders cannot disagree on it.
using encoder_internal::ModRm;

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
    case Amode::Kind::kIndex: {
      // No base: mod=00, rm=100 (SIB), SIB.base=101, and always a disp32.
      const unsigned index = Enc(m.index);
      EGRET_CHECK(m.index != Gpr::kRsp);
      EmitPrefixesAndOpcode(w, op, r | ((index >> 3) & 1) << 1, force_rex);
      w.Byte(ModRm(0, reg, 4));
      w.Byte(static_cast<uint8_t>(m.scale_log2 << 6 | (index & 7) << 3 | 5));
      w.Le(static_cast<uint32_t>(m.disp), 4);
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

// The r/m operand of a group form (/digit): a register encoding, or memory when `mem` is set.
struct RegOrMem {
  unsigned reg = 0;
  const Amode* mem = nullptr;
};
RegOrMem R(Gpr r) { return {Enc(r), nullptr}; }
RegOrMem M(const Amode& m) { return {0, &m}; }

// A group form: `digit` in ModRM.reg, the operand in ModRM.rm. A byte register 4..7 needs REX.
void EmitGroup(Writer& w, const Opcode& op, unsigned digit, OpSize size, RegOrMem rm,
               int imm_bytes) {
  if (rm.mem != nullptr) {
    EmitRegMem(w, op, digit, *rm.mem, imm_bytes);
  } else {
    EmitRegReg(w, op, digit, rm.reg, NeedsRexForByte(size, rm.reg));
  }
}

// add/or/.../cmp with an immediate: the imm8 form when the sign-extended value fits, else the
// short accumulator form for %al/%ax/%eax/%rax, else the full-size immediate.
void EncodeAluImm(Writer& w, AluOp alu, OpSize size, RegOrMem rm, int64_t imm) {
  const int64_t v = ImmAtSize(imm, size);
  const uint8_t digit = static_cast<uint8_t>(alu);
  const bool is_acc = rm.mem == nullptr && rm.reg == Enc(Gpr::kRax);
  if (size == OpSize::k8) {
    if (is_acc) {
      EmitPrefixesAndOpcode(w, Int(size, static_cast<uint8_t>(digit * 8 + 4)), 0, false);
    } else {
      EmitGroup(w, Int(size, 0x80), digit, size, rm, 1);
    }
    w.Le(static_cast<uint64_t>(v), 1);
  } else if (FitsSimm8(v)) {
    EmitGroup(w, Int(size, 0x83), digit, size, rm, 1);
    w.Le(static_cast<uint64_t>(v), 1);
  } else {
    if (is_acc) {
      EmitPrefixesAndOpcode(w, Int(size, static_cast<uint8_t>(digit * 8 + 5)), 0, false);
    } else {
      EmitGroup(w, Int(size, 0x81), digit, size, rm, ImmBytes(size));
    }
    w.Le(static_cast<uint64_t>(v), ImmBytes(size));
  }
}

void EncodeTestImm(Writer& w, OpSize size, RegOrMem rm, int64_t imm) {
  const int64_t v = ImmAtSize(imm, size);
  const int imm_bytes = ImmBytes(size);
  if (rm.mem == nullptr && rm.reg == Enc(Gpr::kRax)) {
    EmitPrefixesAndOpcode(w, Int(size, ByteOr(size, 0xA8, 0xA9)), 0, false);
  } else {
    EmitGroup(w, Int(size, ByteOr(size, 0xF6, 0xF7)), 0, size, rm, imm_bytes);
  }
  w.Le(static_cast<uint64_t>(v), imm_bytes);
}

void EncodeImulImm(Writer& w, OpSize size, Gpr dst, RegOrMem src, int64_t imm) {
  const int64_t v = ImmAtSize(imm, size);
  const bool short_imm = FitsSimm8(v);
  const int imm_bytes = short_imm ? 1 : ImmBytes(size);
  const Opcode op = Int(size, short_imm ? 0x6B : 0x69);
  if (src.mem != nullptr) {
    EmitRegMem(w, op, Enc(dst), *src.mem, imm_bytes);
  } else {
    EmitRegReg(w, op, Enc(dst), src.reg);
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
Opcode ExtendOpcode(OpSize src_size, OpSize size, bool sign) {
  switch (src_size) {
    case OpSize::k8:
      return Int(size, sign ? 0xBE : 0xB6, 1);
    case OpSize::k16:
      return Int(size, sign ? 0xBF : 0xB7, 1);
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

// The two-operand ALU group's opcode row: op*8 + {0: r/m8 <- r8, 1: r/m <- r, 2: r8 <- r/m8,
// 3: r <- r/m}.
uint8_t AluOpcode(AluOp op, OpSize size, bool to_reg) {
  return static_cast<uint8_t>(static_cast<uint8_t>(op) * 8 + (to_reg ? 2 : 0) + ByteOr(size, 0, 1));
}

uint8_t CondOpcode(uint8_t base, CondCode cc) {
  return static_cast<uint8_t>(base + static_cast<int>(cc));
}

// pextrb/d/q, pinsrb/d/q (0F 3A) and pextrw/pinsrw (0F): the opcode for a lane size.
Opcode LaneOpcode(OpSize size, uint8_t word_opcode, uint8_t byte_opcode, uint8_t dq_opcode) {
  Opcode op = size == OpSize::k16
                  ? SseOpcode(0x66, 1, word_opcode)
                  : SseOpcode(0x66, 3, size == OpSize::k8 ? byte_opcode : dq_opcode);
  op.rex_w = size == OpSize::k64;
  return op;
}

// cvtsi2ss/sd (2A) and cvttss2si/sd2si (2C): F3 for single, F2 for double; REX.W for a 64-bit
// integer.
Opcode CvtOpcode(FpSize fp, OpSize int_size, uint8_t opcode) {
  Opcode op = SseOpcode(fp == FpSize::kF32 ? 0xF3 : 0xF2, 1, opcode);
  op.rex_w = int_size == OpSize::k64;
  return op;
}

// Encode's body, over any destination.
void EncodeWith(Writer& w, const Inst& inst) {
  switch (inst.form()) {
    // ---- integer ALU ----
    case Form::kAluRR: {
      const auto& p = inst.As<forms::AluRR>();
      EmitRegReg(w, Int(p.size, AluOpcode(p.op, p.size, false)), Enc(p.src), Enc(p.dst),
                 NeedsRexForByte(p.size, Enc(p.dst)) || NeedsRexForByte(p.size, Enc(p.src)));
      return;
    }
    case Form::kAluRI: {
      const auto& p = inst.As<forms::AluRI>();
      EncodeAluImm(w, p.op, p.size, R(p.dst), p.imm);
      return;
    }
    case Form::kAluRM: {
      const auto& p = inst.As<forms::AluRM>();
      EmitRegMem(w, Int(p.size, AluOpcode(p.op, p.size, true)), Enc(p.dst), p.src, 0,
                 NeedsRexForByte(p.size, Enc(p.dst)));
      return;
    }
    case Form::kAluMR: {
      const auto& p = inst.As<forms::AluMR>();
      EmitRegMem(w, Int(p.size, AluOpcode(p.op, p.size, false)), Enc(p.src), p.dst, 0,
                 NeedsRexForByte(p.size, Enc(p.src)));
      return;
    }
    case Form::kAluMI: {
      const auto& p = inst.As<forms::AluMI>();
      EncodeAluImm(w, p.op, p.size, M(p.dst), p.imm);
      return;
    }
    case Form::kTestRR: {
      const auto& p = inst.As<forms::TestRR>();
      EmitRegReg(w, Int(p.size, ByteOr(p.size, 0x84, 0x85)), Enc(p.b), Enc(p.a),
                 NeedsRexForByte(p.size, Enc(p.a)) || NeedsRexForByte(p.size, Enc(p.b)));
      return;
    }
    case Form::kTestRI: {
      const auto& p = inst.As<forms::TestRI>();
      EncodeTestImm(w, p.size, R(p.a), p.imm);
      return;
    }
    case Form::kTestMR: {
      const auto& p = inst.As<forms::TestMR>();
      EmitRegMem(w, Int(p.size, ByteOr(p.size, 0x84, 0x85)), Enc(p.b), p.a, 0,
                 NeedsRexForByte(p.size, Enc(p.b)));
      return;
    }
    case Form::kTestMI: {
      const auto& p = inst.As<forms::TestMI>();
      EncodeTestImm(w, p.size, M(p.a), p.imm);
      return;
    }
    case Form::kImulRR: {
      const auto& p = inst.As<forms::ImulRR>();
      EmitRegReg(w, Int(p.size, 0xAF, 1), Enc(p.dst), Enc(p.src));
      return;
    }
    case Form::kImulRM: {
      const auto& p = inst.As<forms::ImulRM>();
      EmitRegMem(w, Int(p.size, 0xAF, 1), Enc(p.dst), p.src, 0);
      return;
    }
    case Form::kImulRRI: {
      const auto& p = inst.As<forms::ImulRRI>();
      EncodeImulImm(w, p.size, p.dst, R(p.src), p.imm);
      return;
    }
    case Form::kImulRMI: {
      const auto& p = inst.As<forms::ImulRMI>();
      EncodeImulImm(w, p.size, p.dst, M(p.src), p.imm);
      return;
    }
    case Form::kUnaryR: {
      const auto& p = inst.As<forms::UnaryR>();
      EmitGroup(w, Int(p.size, ByteOr(p.size, 0xF6, 0xF7)), static_cast<uint8_t>(p.op), p.size,
                R(p.reg), 0);
      return;
    }
    case Form::kUnaryM: {
      const auto& p = inst.As<forms::UnaryM>();
      EmitGroup(w, Int(p.size, ByteOr(p.size, 0xF6, 0xF7)), static_cast<uint8_t>(p.op), p.size,
                M(p.mem), 0);
      return;
    }
    case Form::kShiftRI: {
      const auto& p = inst.As<forms::ShiftRI>();
      const auto digit = static_cast<uint8_t>(p.op);
      if (p.count == 1) {
        EmitGroup(w, Int(p.size, ByteOr(p.size, 0xD0, 0xD1)), digit, p.size, R(p.dst), 0);
      } else {
        EmitGroup(w, Int(p.size, ByteOr(p.size, 0xC0, 0xC1)), digit, p.size, R(p.dst), 1);
        w.Byte(p.count);
      }
      return;
    }
    case Form::kShiftRCl: {
      const auto& p = inst.As<forms::ShiftRCl>();
      EmitGroup(w, Int(p.size, ByteOr(p.size, 0xD2, 0xD3)), static_cast<uint8_t>(p.op), p.size,
                R(p.dst), 0);
      return;
    }
    case Form::kBitRR: {
      const auto& p = inst.As<forms::BitRR>();
      EmitRegReg(w, BitOpcode(p.op, p.size), Enc(p.dst), Enc(p.src));
      return;
    }
    case Form::kBitRM: {
      const auto& p = inst.As<forms::BitRM>();
      EmitRegMem(w, BitOpcode(p.op, p.size), Enc(p.dst), p.src, 0);
      return;
    }
    case Form::kBswap: {
      const auto& p = inst.As<forms::Bswap>();
      EmitOpReg(w, Int(p.size, 0xC8, 1), Enc(p.reg));
      return;
    }
    case Form::kSignExtendAx:
      EmitPrefixesAndOpcode(w, Int(inst.As<forms::SignExtendAx>().size, 0x99), 0, false);
      return;

    // ---- moves ----
    case Form::kMovRR: {
      const auto& p = inst.As<forms::MovRR>();
      EmitRegReg(w, Int(p.size, ByteOr(p.size, 0x88, 0x89)), Enc(p.src), Enc(p.dst),
                 NeedsRexForByte(p.size, Enc(p.dst)) || NeedsRexForByte(p.size, Enc(p.src)));
      return;
    }
    case Form::kMovRI: {
      const auto& p = inst.As<forms::MovRI>();
      switch (MovImmKindOf(p.size, p.imm)) {
        case MovImmKind::kMovImm: {
          // The 32-bit form also serves 64-bit moves of values that fit u32 (zero-extension).
          const OpSize enc_size = p.size == OpSize::k64 ? OpSize::k32 : p.size;
          EmitOpReg(w, Int(enc_size, ByteOr(enc_size, 0xB0, 0xB8)), Enc(p.dst),
                    NeedsRexForByte(enc_size, Enc(p.dst)));
          w.Le(static_cast<uint64_t>(p.imm), Bytes(enc_size));
          return;
        }
        case MovImmKind::kMovSext32:
          EmitRegReg(w, Int(OpSize::k64, 0xC7), 0, Enc(p.dst));
          w.Le(static_cast<uint64_t>(p.imm), 4);
          return;
        case MovImmKind::kMovAbs:
          EmitOpReg(w, Int(OpSize::k64, 0xB8), Enc(p.dst));
          w.Le(static_cast<uint64_t>(p.imm), 8);
          return;
      }
      return;
    }
    case Form::kMovRM: {
      const auto& p = inst.As<forms::MovRM>();
      EmitRegMem(w, Int(p.size, ByteOr(p.size, 0x8A, 0x8B)), Enc(p.dst), p.src, 0,
                 NeedsRexForByte(p.size, Enc(p.dst)));
      return;
    }
    case Form::kMovMR: {
      const auto& p = inst.As<forms::MovMR>();
      EmitRegMem(w, Int(p.size, ByteOr(p.size, 0x88, 0x89)), Enc(p.src), p.dst, 0,
                 NeedsRexForByte(p.size, Enc(p.src)));
      return;
    }
    case Form::kMovMI: {
      const auto& p = inst.As<forms::MovMI>();
      EmitRegMem(w, Int(p.size, ByteOr(p.size, 0xC6, 0xC7)), 0, p.dst, ImmBytes(p.size));
      w.Le(static_cast<uint64_t>(p.imm), ImmBytes(p.size));
      return;
    }
    case Form::kMovzxRR: {
      const auto& p = inst.As<forms::MovzxRR>();
      if (p.src_size == OpSize::k32) {
        // A 32-bit mov zero-extends: the same bytes as MovRR at 32 bits (89 /r, as LLVM emits).
        EmitRegReg(w, Int(OpSize::k32, 0x89), Enc(p.src), Enc(p.dst));
      } else {
        EmitRegReg(w, ExtendOpcode(p.src_size, p.size, false), Enc(p.dst), Enc(p.src),
                   NeedsRexForByte(p.src_size, Enc(p.src)));
      }
      return;
    }
    case Form::kMovsxRR: {
      const auto& p = inst.As<forms::MovsxRR>();
      EmitRegReg(w, ExtendOpcode(p.src_size, p.size, true), Enc(p.dst), Enc(p.src),
                 NeedsRexForByte(p.src_size, Enc(p.src)));
      return;
    }
    case Form::kMovzxRM: {
      const auto& p = inst.As<forms::MovzxRM>();
      EmitRegMem(w, ExtendOpcode(p.src_size, p.size, false), Enc(p.dst), p.src, 0);
      return;
    }
    case Form::kMovsxRM: {
      const auto& p = inst.As<forms::MovsxRM>();
      EmitRegMem(w, ExtendOpcode(p.src_size, p.size, true), Enc(p.dst), p.src, 0);
      return;
    }
    case Form::kLea: {
      const auto& p = inst.As<forms::Lea>();
      EmitRegMem(w, Int(p.size, 0x8D), Enc(p.dst), p.addr, 0);
      return;
    }
    case Form::kSetcc: {
      const auto& p = inst.As<forms::Setcc>();
      EmitRegReg(w, Int(OpSize::k8, CondOpcode(0x90, p.cc), 1), 0, Enc(p.dst),
                 NeedsRexForByte(OpSize::k8, Enc(p.dst)));
      return;
    }
    case Form::kCmovRR: {
      const auto& p = inst.As<forms::CmovRR>();
      EmitRegReg(w, Int(p.size, CondOpcode(0x40, p.cc), 1), Enc(p.dst), Enc(p.src));
      return;
    }
    case Form::kCmovRM: {
      const auto& p = inst.As<forms::CmovRM>();
      EmitRegMem(w, Int(p.size, CondOpcode(0x40, p.cc), 1), Enc(p.dst), p.src, 0);
      return;
    }

    // ---- stack and control flow ----
    case Form::kPushR:
      EmitOpReg(w, Int(OpSize::k32, 0x50), Enc(inst.As<forms::PushR>().reg));
      return;
    case Form::kPopR:
      EmitOpReg(w, Int(OpSize::k32, 0x58), Enc(inst.As<forms::PopR>().reg));
      return;
    case Form::kPushI: {
      const int32_t imm = inst.As<forms::PushI>().imm;
      if (FitsSimm8(imm)) {
        w.Byte(0x6A);
        w.Le(static_cast<uint64_t>(imm), 1);
      } else {
        w.Byte(0x68);
        w.Le(static_cast<uint64_t>(imm), 4);
      }
      return;
    }
    case Form::kRet: {
      const uint16_t pop = inst.As<forms::Ret>().pop;
      if (pop == 0) {
        w.Byte(0xC3);
        return;
      }
      w.Byte(0xC2);
      w.Le(pop, 2);
      return;
    }
    case Form::kCallRel32:
      w.Byte(0xE8);
      EmitRel(w, inst.As<forms::CallRel32>().target, LabelUse::kJmpRel32);
      return;
    // Near indirect call/jmp default to 64-bit operands: no REX.W.
    case Form::kCallR:
      EmitRegReg(w, Int(OpSize::k32, 0xFF), 2, Enc(inst.As<forms::CallR>().target));
      return;
    case Form::kCallM:
      EmitRegMem(w, Int(OpSize::k32, 0xFF), 2, inst.As<forms::CallM>().target, 0);
      return;
    case Form::kJmpRel32:
      w.Byte(0xE9);
      EmitRel(w, inst.As<forms::JmpRel32>().target, LabelUse::kJmpRel32);
      return;
    case Form::kJmpRel8:
      w.Byte(0xEB);
      EmitRel(w, inst.As<forms::JmpRel8>().target, LabelUse::kJmpRel8);
      return;
    case Form::kJmpR:
      EmitRegReg(w, Int(OpSize::k32, 0xFF), 4, Enc(inst.As<forms::JmpR>().target));
      return;
    case Form::kJmpM:
      EmitRegMem(w, Int(OpSize::k32, 0xFF), 4, inst.As<forms::JmpM>().target, 0);
      return;
    case Form::kJccRel32: {
      const auto& p = inst.As<forms::JccRel32>();
      w.Byte(0x0F);
      w.Byte(CondOpcode(0x80, p.cc));
      EmitRel(w, p.target, LabelUse::kJmpRel32);
      return;
    }
    case Form::kJccRel8: {
      const auto& p = inst.As<forms::JccRel8>();
      w.Byte(CondOpcode(0x70, p.cc));
      EmitRel(w, p.target, LabelUse::kJmpRel8);
      return;
    }
    case Form::kUd2:
      w.Byte(0x0F);
      w.Byte(0x0B);
      return;
    case Form::kInt3:
      w.Byte(0xCC);
      return;
    case Form::kNop: {
      const int n = inst.As<forms::Nop>().length;
      EGRET_CHECK(n >= 1 && n <= 9);
      for (int k = 0; k < n; ++k) w.Byte(kX64Nops[n - 1][k]);
      return;
    }

    // ---- SSE ----
    case Form::kSseRR: {
      const auto& p = inst.As<forms::SseRR>();
      const SseOpInfo& info = GetSseOpInfo(p.op);
      EmitRegReg(w, SseOpcode(info.prefix, info.map, info.opcode), Enc(p.dst), Enc(p.src));
      if (info.has_imm8) w.Byte(p.imm);
      return;
    }
    case Form::kSseRM: {
      const auto& p = inst.As<forms::SseRM>();
      const SseOpInfo& info = GetSseOpInfo(p.op);
      EmitRegMem(w, SseOpcode(info.prefix, info.map, info.opcode), Enc(p.dst), p.src,
                 info.has_imm8 ? 1 : 0);
      if (info.has_imm8) w.Byte(p.imm);
      return;
    }
    case Form::kSseMR: {
      const auto& p = inst.As<forms::SseMR>();
      const SseOpInfo& info = GetSseOpInfo(p.op);
      EmitRegMem(w, SseOpcode(info.prefix, info.map, info.store_opcode), Enc(p.src), p.dst, 0);
      return;
    }
    // movd/movq: 66 [REX.W] 0F 6E /r (to xmm) and 0F 7E /r (from xmm); ModRM.reg is the xmm.
    case Form::kGprToXmm: {
      const auto& p = inst.As<forms::GprToXmm>();
      Opcode op = SseOpcode(0x66, 1, 0x6E);
      op.rex_w = p.size == OpSize::k64;
      EmitRegReg(w, op, Enc(p.dst), Enc(p.src));
      return;
    }
    case Form::kXmmToGpr: {
      const auto& p = inst.As<forms::XmmToGpr>();
      Opcode op = SseOpcode(0x66, 1, 0x7E);
      op.rex_w = p.size == OpSize::k64;
      EmitRegReg(w, op, Enc(p.src), Enc(p.dst));
      return;
    }
    case Form::kXmmShiftRI: {
      // 66 0F 71/72/73 /digit ib; ModRM.rm is the xmm register.
      const auto& p = inst.As<forms::XmmShiftRI>();
      const XmmShiftOpInfo& info = GetXmmShiftOpInfo(p.op);
      EmitRegReg(w, SseOpcode(0x66, 1, info.opcode), info.digit, Enc(p.dst));
      w.Byte(p.count);
      return;
    }
    case Form::kPextrRRI: {
      // pextrw: the SSE2 form 66 0F C5 /r ib (ModRM.reg = the GPR); pextrb/d/q: 66 0F 3A 14/16
      // /r ib (ModRM.reg = the xmm, rm = the GPR; REX.W for q).
      const auto& p = inst.As<forms::PextrRRI>();
      const Opcode op = LaneOpcode(p.size, 0xC5, 0x14, 0x16);
      if (p.size == OpSize::k16) {
        EmitRegReg(w, op, Enc(p.dst), Enc(p.src));
      } else {
        EmitRegReg(w, op, Enc(p.src), Enc(p.dst));
      }
      w.Byte(p.lane);
      return;
    }
    // pinsrw: 66 0F C4 /r ib; pinsrb/d/q: 66 0F 3A 20/22 /r ib (REX.W for q). ModRM.reg = xmm.
    case Form::kPinsrRRI: {
      const auto& p = inst.As<forms::PinsrRRI>();
      EmitRegReg(w, LaneOpcode(p.size, 0xC4, 0x20, 0x22), Enc(p.dst), Enc(p.src));
      w.Byte(p.lane);
      return;
    }
    case Form::kPinsrRMI: {
      const auto& p = inst.As<forms::PinsrRMI>();
      EmitRegMem(w, LaneOpcode(p.size, 0xC4, 0x20, 0x22), Enc(p.dst), p.src, 1);
      w.Byte(p.lane);
      return;
    }
    case Form::kMovmskRR: {
      // pmovmskb 66 0F D7 /r, movmskps 0F 50 /r, movmskpd 66 0F 50 /r; ModRM.reg = the GPR.
      const auto& p = inst.As<forms::MovmskRR>();
      const Opcode op = p.op == MaskOp::kPmovmskb   ? SseOpcode(0x66, 1, 0xD7)
                        : p.op == MaskOp::kMovmskps ? SseOpcode(0, 1, 0x50)
                                                    : SseOpcode(0x66, 1, 0x50);
      EmitRegReg(w, op, Enc(p.dst), Enc(p.src));
      return;
    }

    // ---- AVX and BMI: VEX-encoded ----
    case Form::kVexRRR: {
      const auto& p = inst.As<forms::VexRRR>();
      const SseOpInfo& info = GetSseOpInfo(p.op);
      Opcode op = SseOpcode(info.prefix, info.map, info.opcode);
      op.vex = true;
      op.vvvv = Enc(p.src1);
      EmitRegReg(w, op, Enc(p.dst), Enc(p.src2));
      return;
    }
    case Form::kVexRRM: {
      const auto& p = inst.As<forms::VexRRM>();
      const SseOpInfo& info = GetSseOpInfo(p.op);
      Opcode op = SseOpcode(info.prefix, info.map, info.opcode);
      op.vex = true;
      op.vvvv = Enc(p.src1);
      EmitRegMem(w, op, Enc(p.dst), p.src2, 0);
      return;
    }
    case Form::kRorxRRI: {
      // VEX.LZ.F2.0F3A.W F0 /r ib (no vvvv operand).
      const auto& p = inst.As<forms::RorxRRI>();
      Opcode op = Int(p.size, 0xF0, 3);
      op.rep = 0xF2;
      op.vex = true;
      EmitRegReg(w, op, Enc(p.dst), Enc(p.src));
      w.Byte(p.count);
      return;
    }
    case Form::kShiftxRRR: {
      // VEX.LZ.{66 shlx, F2 shrx, F3 sarx}.0F38.W F7 /r, the count in vvvv.
      const auto& p = inst.As<forms::ShiftxRRR>();
      Opcode op = Int(p.size, 0xF7, 2);
      op.p66 = p.op == ShiftOp::kShl;
      op.rep = p.op == ShiftOp::kShr ? 0xF2 : p.op == ShiftOp::kSar ? 0xF3 : 0;
      op.vex = true;
      op.vvvv = Enc(p.count);
      EmitRegReg(w, op, Enc(p.dst), Enc(p.src));
      return;
    }
    case Form::kAndnRRR: {
      // VEX.LZ.0F38.W F2 /r: reg = dst, vvvv = src1 (inverted), rm = src2.
      const auto& p = inst.As<forms::AndnRRR>();
      Opcode op = Int(p.size, 0xF2, 2);
      op.vex = true;
      op.vvvv = Enc(p.src1);
      EmitRegReg(w, op, Enc(p.dst), Enc(p.src2));
      return;
    }

    // ---- conversions ----
    case Form::kCvtSi2FpR: {
      const auto& p = inst.As<forms::CvtSi2FpR>();
      EmitRegReg(w, CvtOpcode(p.fp, p.src_size, 0x2A), Enc(p.dst), Enc(p.src));
      return;
    }
    case Form::kCvtSi2FpM: {
      const auto& p = inst.As<forms::CvtSi2FpM>();
      EmitRegMem(w, CvtOpcode(p.fp, p.src_size, 0x2A), Enc(p.dst), p.src, 0);
      return;
    }
    case Form::kCvttFp2SiR: {
      const auto& p = inst.As<forms::CvttFp2SiR>();
      EmitRegReg(w, CvtOpcode(p.fp, p.dst_size, 0x2C), Enc(p.dst), Enc(p.src));
      return;
    }
    case Form::kCvttFp2SiM: {
      const auto& p = inst.As<forms::CvttFp2SiM>();
      EmitRegMem(w, CvtOpcode(p.fp, p.dst_size, 0x2C), Enc(p.dst), p.src, 0);
      return;
    }

    // ---- atomics ----
    case Form::kAtomicMR: {
      // xchg 86/87 /r; lock xadd 0F C0/C1 /r; lock cmpxchg 0F B0/B1 /r.
      const auto& p = inst.As<forms::AtomicMR>();
      Opcode op;
      switch (p.op) {
        case AtomicOp::kXchg:
          op = Int(p.size, ByteOr(p.size, 0x86, 0x87));
          break;
        case AtomicOp::kLockXadd:
          op = Int(p.size, ByteOr(p.size, 0xC0, 0xC1), 1);
          op.lock = true;
          break;
        case AtomicOp::kLockCmpxchg:
          op = Int(p.size, ByteOr(p.size, 0xB0, 0xB1), 1);
          op.lock = true;
          break;
      }
      EmitRegMem(w, op, Enc(p.reg), p.mem, 0, NeedsRexForByte(p.size, Enc(p.reg)));
      return;
    }
    case Form::kMfence:
      w.Byte(0x0F);
      w.Byte(0xAE);
      w.Byte(0xF0);
      return;
  }
  EGRET_CHECK(false && "unknown form");
}

}  // namespace

void Encode(const Inst& inst, EncodedInst* out) {
  Writer w(out->bytes, &out->label);
  EncodeWith(w, inst);
  out->len = w.pos();
}

uint32_t EncodeTo(const Inst& inst, uint8_t* bytes, LabelField* label) {
  if (const uint32_t n = EncodeFast(inst, bytes); n != 0) {
    *label = LabelField();
    return n;
  }
  return EncodeGeneral(inst, bytes, label);
}

uint32_t EncodeGeneral(const Inst& inst, uint8_t* bytes, LabelField* label) {
  Writer w(bytes, label);
  EncodeWith(w, inst);
  return w.pos();
}

void AppendNops(int n, std::vector<uint8_t>* out) {
  EGRET_CHECK(n >= 0);
  const size_t at = out->size();
  out->resize(at + static_cast<size_t>(n));
  X64LabelUses::FillNops(out->data() + at, static_cast<size_t>(n));
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
