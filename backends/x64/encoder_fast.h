// encoder_fast.h: the inline fast paths of EncodeTo (encoder.h), for the forms emission encodes
// most: the integer forms with register, immediate and base (+ index) memory operands (mov, load,
// store, the ALU group, test, lea, shifts by a constant, extensions, setcc, cmov, push, pop, ud2,
// ret). The emitter calls EncodeFast first and the general encoder (EncodeGeneral) only when it
// answers 0, so the common instruction costs no call and no opcode record.
//
// Invariant: EncodeFast writes exactly the bytes the general encoder writes for the same Inst
// (X64Differential.EncodeToMatchesEncode compares them on every case of every form), and none
// of these forms has a PC-relative field (RIP-relative operands take the general path).
#ifndef EGRET_BACKENDS_X64_ENCODER_FAST_H_
#define EGRET_BACKENDS_X64_ENCODER_FAST_H_

#include <cstdint>

#include "backends/x64/inst.h"

namespace egret::x64 {
namespace encoder_internal {

// The ModRM byte (mod, reg or /digit, r/m); the general encoder uses it too.
constexpr uint8_t ModRm(unsigned mod, unsigned reg, unsigned rm) {
  return static_cast<uint8_t>((mod << 6) | ((reg & 7) << 3) | (rm & 7));
}
// The ALU group's opcode row at 32/64 bits: op*8 + 1 (r/m <- r) or + 3 (r <- r/m).
constexpr uint8_t FastAluOpcode(AluOp op, OpSize /*size: 32 or 64*/, bool to_reg) {
  return static_cast<uint8_t>(static_cast<uint8_t>(op) * 8 + (to_reg ? 2 : 0) + 1);
}

// The pieces of the fast forms below, written as EmitPrefixesAndOpcode + EmitRegReg /
// EmitRegMem write them for an integer opcode without lock, rep or VEX: [66] [REX] [0F] opcode
// ModRM. REX is written when W, R, X or B is set, or when `force_rex` (a byte register 4..7).
struct FastOp {
  bool p66 = false;       // 16-bit operand size
  bool w = false;         // REX.W: 64-bit operand size
  bool two_byte = false;  // the 0F escape
  uint8_t opcode = 0;
};
[[gnu::always_inline]] inline uint32_t FastPrefixes(const FastOp& op, unsigned rxb, bool force_rex,
                                                    uint8_t* out) {
  uint32_t n = 0;
  if (op.p66) out[n++] = 0x66;
  const unsigned rex = 0x40 | (op.w ? 8 : 0) | rxb;
  if (rex != 0x40 || force_rex) out[n++] = static_cast<uint8_t>(rex);
  if (op.two_byte) out[n++] = 0x0F;
  out[n++] = op.opcode;
  return n;
}
// Register-register (ModRM mod=11): `reg` (or a /digit) in ModRM.reg, `rm` in ModRM.rm.
[[gnu::always_inline]] inline uint32_t FastRR(const FastOp& op, unsigned reg, unsigned rm,
                                              uint8_t* out, bool force_rex = false) {
  uint32_t n = FastPrefixes(op, ((reg >> 3) & 1) << 2 | ((rm >> 3) & 1), force_rex, out);
  out[n++] = ModRm(3, reg, rm);
  return n;
}
// Register-memory with a base (+ index) operand; 0 for any other addressing mode (RIP-relative
// labels, index only: the general path).
[[gnu::always_inline]] inline uint32_t FastRM(const FastOp& op, unsigned reg, const Amode& mem,
                                              uint8_t* out, bool force_rex = false) {
  const bool has_index = mem.kind == Amode::Kind::kBaseIndex;
  if (!has_index && mem.kind != Amode::Kind::kBase) return 0;
  if (has_index && mem.index == Gpr::kRsp) return 0;  // the general path rejects it
  const unsigned base = Enc(mem.base);
  const unsigned index = has_index ? Enc(mem.index) : 4;  // 100 = no index
  uint32_t n = FastPrefixes(op, ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 | ((base >> 3) & 1),
                            force_rex, out);
  // As EmitRegMem: rbp/r13 need a displacement even when it is 0, rsp/r12 a SIB byte.
  const int32_t disp = mem.disp;
  const unsigned mod = disp == 0 && (base & 7) != 5 ? 0 : FitsSimm8(disp) ? 1 : 2;
  const bool need_sib = has_index || (base & 7) == 4;
  out[n++] = ModRm(mod, reg, need_sib ? 4 : base);
  if (need_sib) {
    out[n++] =
        static_cast<uint8_t>((has_index ? mem.scale_log2 : 0) << 6 | (index & 7) << 3 | (base & 7));
  }
  if (mod == 1) {
    out[n++] = static_cast<uint8_t>(disp);
  } else if (mod == 2) {
    const auto d = static_cast<uint32_t>(disp);
    for (int k = 0; k < 4; ++k) out[n++] = static_cast<uint8_t>(d >> (8 * k));
  }
  return n;
}
// The opcode with the register in its low three bits (push, pop, mov $imm): [REX.W/B] op+r.
[[gnu::always_inline]] inline uint32_t FastOpReg(bool w, uint8_t opcode, unsigned reg,
                                                 uint8_t* out) {
  uint32_t n = 0;
  const unsigned rex = 0x40 | (w ? 8 : 0) | ((reg >> 3) & 1);
  if (rex != 0x40) out[n++] = static_cast<uint8_t>(rex);
  out[n++] = static_cast<uint8_t>(opcode + (reg & 7));
  return n;
}
// The low `bytes` bytes of `v`, little-endian.
[[gnu::always_inline]] inline uint32_t FastLe(uint64_t v, int bytes, uint8_t* out) {
  for (int k = 0; k < bytes; ++k) out[k] = static_cast<uint8_t>(v >> (8 * k));
  return static_cast<uint32_t>(bytes);
}
[[gnu::always_inline]] inline bool Is32Or64(OpSize size) {
  return size == OpSize::k32 || size == OpSize::k64;
}
[[gnu::always_inline]] inline FastOp IntOp(OpSize size, uint8_t opcode, bool two_byte = false) {
  return FastOp{size == OpSize::k16, size == OpSize::k64, two_byte, opcode};
}
// A byte-sized operand in register encodings 4..7 means spl/bpl/sil/dil only with a REX prefix.
[[gnu::always_inline]] inline bool ByteNeedsRex(OpSize size, unsigned enc) {
  return size == OpSize::k8 && enc >= 4 && enc < 8;
}
// movzx/movsx from memory or a register: the general encoder's ExtendOpcode for an 8-, 16- or
// 32-bit source into a 32- or 64-bit destination.
// The caller checks that src_size is not 64 bits (ExtendSourceOk).
[[gnu::always_inline]] inline bool ExtendSourceOk(OpSize src_size) {
  return src_size != OpSize::k64;
}
[[gnu::always_inline]] inline FastOp ExtendOp(OpSize src_size, OpSize size, bool sign) {
  if (src_size == OpSize::k32) {
    return sign ? IntOp(OpSize::k64, 0x63) : IntOp(OpSize::k32, 0x8B);
  }
  const bool byte = src_size == OpSize::k8;
  return IntOp(size, sign ? (byte ? 0xBE : 0xBF) : (byte ? 0xB6 : 0xB7), true);
}

// The moves by themselves, for callers that know the form (the emitter's moves, spills and
// reloads, which are a quarter of its instructions): the bytes of EncodeFastForm's case for the
// form, which calls them too. EncodeMovRM/MovMR return 0 for a memory operand the fast path
// does not take (RIP-relative: the general path then).
[[gnu::always_inline]] inline uint32_t EncodeMovRR(OpSize size, Gpr dst, Gpr src, uint8_t* out) {
  return FastRR(IntOp(size, 0x89), Enc(src), Enc(dst), out);
}
[[gnu::always_inline]] inline uint32_t EncodeMovRM(OpSize size, Gpr dst, const Amode& src,
                                                   uint8_t* out) {
  const unsigned r = Enc(dst);
  return FastRM(IntOp(size, size == OpSize::k8 ? 0x8A : 0x8B), r, src, out, ByteNeedsRex(size, r));
}
[[gnu::always_inline]] inline uint32_t EncodeMovMR(OpSize size, const Amode& dst, Gpr src,
                                                   uint8_t* out) {
  const unsigned r = Enc(src);
  return FastRM(IntOp(size, size == OpSize::k8 ? 0x88 : 0x89), r, dst, out, ByteNeedsRex(size, r));
}

// A 64-bit mov between `reg` and the spill slot [rsp + disp] (load: into reg): EncodeMovRM /
// EncodeMovMR's bytes for Amode::Base(rsp, disp) without looking at an address mode: REX.W (+R),
// 8B or 89, ModRM with r/m 100 and SIB 0x24 (rsp as the base, no index), then no, one or four
// displacement bytes (X64Differential.SpillSlotMovesMatchEncode).
[[gnu::always_inline]] inline uint32_t EncodeMovRsp64(bool load, Gpr reg, int32_t disp,
                                                      uint8_t* out) {
  const unsigned r = Enc(reg);
  out[0] = static_cast<uint8_t>(0x48 | ((r >> 3) & 1) << 2);
  out[1] = load ? 0x8B : 0x89;
  const unsigned mod = disp == 0 ? 0 : FitsSimm8(disp) ? 1 : 2;
  out[2] = ModRm(mod, r, 4);
  out[3] = 0x24;
  if (mod == 0) return 4;
  if (mod == 1) {
    out[4] = static_cast<uint8_t>(disp);
    return 5;
  }
  return 4 + FastLe(static_cast<uint32_t>(disp), 4, out + 4);
}

// More typed entry points, the same way: the ALU group between registers and with an
// immediate, lea, and mov of an immediate, at 32 or 64 bits (0 for other sizes).
[[gnu::always_inline]] inline uint32_t EncodeAluRR(AluOp op, OpSize size, Gpr dst, Gpr src,
                                                   uint8_t* out) {
  if (!Is32Or64(size)) return 0;
  return FastRR(IntOp(size, FastAluOpcode(op, size, false)), Enc(src), Enc(dst), out);
}
// 83 /digit ib when the value fits a signed byte, else the accumulator's short form or
// 81 /digit id (EncodeAluImm).
[[gnu::always_inline]] inline uint32_t EncodeAluRI(AluOp op, OpSize size, Gpr dst, int64_t imm,
                                                   uint8_t* out) {
  if (!Is32Or64(size)) return 0;
  const int64_t v = ImmAtSize(imm, size);
  const unsigned digit = static_cast<unsigned>(op), rm = Enc(dst);
  const bool w = size == OpSize::k64, imm8 = FitsSimm8(v);
  uint32_t n;
  if (!imm8 && rm == Enc(Gpr::kRax)) {  // no ModRM: the register is implied
    n = FastPrefixes(FastOp{false, w, false, static_cast<uint8_t>(digit * 8 + 5)}, 0, false, out);
  } else {
    n = FastRR(FastOp{false, w, false, static_cast<uint8_t>(imm8 ? 0x83 : 0x81)}, digit, rm, out);
  }
  return n + FastLe(static_cast<uint64_t>(v), imm8 ? 1 : 4, out + n);
}
[[gnu::always_inline]] inline uint32_t EncodeLea(OpSize size, Gpr dst, const Amode& addr,
                                                 uint8_t* out) {
  if (!Is32Or64(size)) return 0;
  return FastRM(IntOp(size, 0x8D), Enc(dst), addr, out);
}
[[gnu::always_inline]] inline uint32_t EncodeMovRI(OpSize size, Gpr dst, int64_t imm,
                                                   uint8_t* out) {
  if (!Is32Or64(size)) return 0;
  const unsigned r = Enc(dst);
  uint32_t n;
  switch (MovImmKindOf(size, imm)) {
    case MovImmKind::kMovImm:  // the 32-bit form, zero-extending into 64 bits
      n = FastOpReg(false, 0xB8, r, out);
      return n + FastLe(static_cast<uint64_t>(imm), 4, out + n);
    case MovImmKind::kMovSext32:
      n = FastRR(IntOp(OpSize::k64, 0xC7), 0, r, out);
      return n + FastLe(static_cast<uint64_t>(imm), 4, out + n);
    case MovImmKind::kMovAbs:
      n = FastOpReg(true, 0xB8, r, out);
      return n + FastLe(static_cast<uint64_t>(imm), 8, out + n);
  }
  return 0;
}

// The integer forms emission encodes most (mov, load, store, the ALU group, test, lea, push,
// pop, shifts and extensions by a constant, setcc, cmov, mov of an immediate, ud2, ret) with
// register and base (+ index) memory operands, written directly, without the general path's
// opcode record and byte writer. The bytes are the general encoder's exactly
// (X64Differential.EncodeToMatchesEncode compares the two on every case of every form).
// Returns the length, or 0 when `inst` is none of these (the general path then).
[[gnu::always_inline]] inline uint32_t EncodeFastForm(const Inst& inst, uint8_t* out) {
  switch (inst.form()) {
    case Form::kMovRR: {
      const auto& p = inst.As<forms::MovRR>();
      if (!Is32Or64(p.size)) return 0;
      return EncodeMovRR(p.size, p.dst, p.src, out);
    }
    case Form::kMovRM: {
      const auto& p = inst.As<forms::MovRM>();
      return EncodeMovRM(p.size, p.dst, p.src, out);
    }
    case Form::kMovMR: {
      const auto& p = inst.As<forms::MovMR>();
      return EncodeMovMR(p.size, p.dst, p.src, out);
    }
    case Form::kAluRR: {
      const auto& p = inst.As<forms::AluRR>();
      return EncodeAluRR(p.op, p.size, p.dst, p.src, out);
    }
    case Form::kAluRM: {
      const auto& p = inst.As<forms::AluRM>();
      if (!Is32Or64(p.size)) return 0;
      return FastRM(IntOp(p.size, FastAluOpcode(p.op, p.size, true)), Enc(p.dst), p.src, out);
    }
    case Form::kAluMR: {
      const auto& p = inst.As<forms::AluMR>();
      if (!Is32Or64(p.size)) return 0;
      return FastRM(IntOp(p.size, FastAluOpcode(p.op, p.size, false)), Enc(p.src), p.dst, out);
    }
    case Form::kAluRI: {
      const auto& p = inst.As<forms::AluRI>();
      return EncodeAluRI(p.op, p.size, p.dst, p.imm, out);
    }
    case Form::kTestRR: {
      const auto& p = inst.As<forms::TestRR>();
      if (!Is32Or64(p.size)) return 0;
      return FastRR(IntOp(p.size, 0x85), Enc(p.b), Enc(p.a), out);
    }
    case Form::kTestRI: {
      // A9 id for the accumulator, else F7 /0 id (EncodeTestImm).
      const auto& p = inst.As<forms::TestRI>();
      if (!Is32Or64(p.size)) return 0;
      const int64_t v = ImmAtSize(p.imm, p.size);
      const unsigned rm = Enc(p.a);
      const uint32_t n = rm == Enc(Gpr::kRax) ? FastPrefixes(IntOp(p.size, 0xA9), 0, false, out)
                                              : FastRR(IntOp(p.size, 0xF7), 0, rm, out);
      return n + FastLe(static_cast<uint64_t>(v), 4, out + n);
    }
    case Form::kLea: {
      const auto& p = inst.As<forms::Lea>();
      return EncodeLea(p.size, p.dst, p.addr, out);
    }
    case Form::kMovRI: {
      const auto& p = inst.As<forms::MovRI>();
      return EncodeMovRI(p.size, p.dst, p.imm, out);
    }
    case Form::kMovMI: {
      const auto& p = inst.As<forms::MovMI>();
      if (!Is32Or64(p.size)) return 0;
      const uint32_t n = FastRM(IntOp(p.size, 0xC7), 0, p.dst, out);
      return n == 0 ? 0 : n + FastLe(static_cast<uint64_t>(p.imm), 4, out + n);
    }
    case Form::kMovzxRR: {
      const auto& p = inst.As<forms::MovzxRR>();
      if (!Is32Or64(p.size) || !ExtendSourceOk(p.src_size)) return 0;
      if (p.src_size == OpSize::k32)
        return FastRR(IntOp(OpSize::k32, 0x89), Enc(p.src), Enc(p.dst), out);
      return FastRR(ExtendOp(p.src_size, p.size, false), Enc(p.dst), Enc(p.src), out,
                    ByteNeedsRex(p.src_size, Enc(p.src)));
    }
    case Form::kMovsxRR: {
      const auto& p = inst.As<forms::MovsxRR>();
      if (!Is32Or64(p.size) || !ExtendSourceOk(p.src_size)) return 0;
      return FastRR(ExtendOp(p.src_size, p.size, true), Enc(p.dst), Enc(p.src), out,
                    ByteNeedsRex(p.src_size, Enc(p.src)));
    }
    case Form::kMovzxRM: {
      const auto& p = inst.As<forms::MovzxRM>();
      if (!Is32Or64(p.size) || !ExtendSourceOk(p.src_size)) return 0;
      return FastRM(ExtendOp(p.src_size, p.size, false), Enc(p.dst), p.src, out);
    }
    case Form::kMovsxRM: {
      const auto& p = inst.As<forms::MovsxRM>();
      if (!Is32Or64(p.size) || !ExtendSourceOk(p.src_size)) return 0;
      return FastRM(ExtendOp(p.src_size, p.size, true), Enc(p.dst), p.src, out);
    }
    case Form::kShiftRI: {
      // D1 /digit for a count of 1, else C1 /digit ib.
      const auto& p = inst.As<forms::ShiftRI>();
      if (!Is32Or64(p.size)) return 0;
      const unsigned digit = static_cast<unsigned>(p.op);
      if (p.count == 1) return FastRR(IntOp(p.size, 0xD1), digit, Enc(p.dst), out);
      const uint32_t n = FastRR(IntOp(p.size, 0xC1), digit, Enc(p.dst), out);
      out[n] = p.count;
      return n + 1;
    }
    case Form::kUnaryR: {
      const auto& p = inst.As<forms::UnaryR>();
      if (!Is32Or64(p.size)) return 0;
      return FastRR(IntOp(p.size, 0xF7), static_cast<unsigned>(p.op), Enc(p.reg), out);
    }
    case Form::kSetcc: {
      const auto& p = inst.As<forms::Setcc>();
      const unsigned r = Enc(p.dst);
      return FastRR(FastOp{false, false, true, static_cast<uint8_t>(0x90 + static_cast<int>(p.cc))},
                    0, r, out, ByteNeedsRex(OpSize::k8, r));
    }
    case Form::kCmovRR: {
      const auto& p = inst.As<forms::CmovRR>();
      if (!Is32Or64(p.size)) return 0;
      return FastRR(IntOp(p.size, static_cast<uint8_t>(0x40 + static_cast<int>(p.cc)), true),
                    Enc(p.dst), Enc(p.src), out);
    }
    case Form::kPushR:
      return FastOpReg(false, 0x50, Enc(inst.As<forms::PushR>().reg), out);
    case Form::kPopR:
      return FastOpReg(false, 0x58, Enc(inst.As<forms::PopR>().reg), out);
    case Form::kRet: {
      const uint16_t pop = inst.As<forms::Ret>().pop;
      if (pop == 0) {
        out[0] = 0xC3;
        return 1;
      }
      out[0] = 0xC2;
      return 1 + FastLe(pop, 2, out + 1);
    }
    case Form::kUd2:
      out[0] = 0x0F;
      out[1] = 0x0B;
      return 2;
    default:
      return 0;
  }
}

}  // namespace encoder_internal

// The bytes of `inst` at `out` (room for kMaxInstLength) if it is one of the fast forms above,
// returning the length; 0 (nothing written that counts) for any other instruction.
[[gnu::always_inline]] inline uint32_t EncodeFast(const Inst& inst, uint8_t* out) {
  return encoder_internal::EncodeFastForm(inst, out);
}

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_ENCODER_FAST_H_
