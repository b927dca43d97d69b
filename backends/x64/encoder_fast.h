// encoder_fast.h: the inline fast paths of EncodeTo (encoder.h), for the forms emission encodes
// most: mov, load, store, the ALU group and test between registers and base (+ index) memory at
// 32 or 64 bits, and the ALU group with an immediate. The emitter calls EncodeFast first and
// the general encoder (EncodeGeneral) only when it answers 0, so the common instruction costs
// no call and no opcode record.
//
// Invariant: EncodeFast writes exactly the bytes the general encoder writes for the same Inst
// (X64Differential.EncodeToMatchesEncode compares them on every case of every form), and none
// of these forms has a PC-relative field.
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

// The one-byte-opcode integer forms with a register and a register or base (+ index) memory
// operand at 32 or 64 bits (mov, load, store, add/sub/and/or/xor/cmp, test, lea): most of what
// emission encodes (every allocator edit between GPRs and spill slots is a mov), written
// directly, without the general path's opcode record and byte writer. The bytes are
// the general encoder's exactly (X64Differential.EncodeToMatchesEncode compares the two on every
// case of every form). Returns the length, or 0 when `inst` is none of these (the general path
// then).
inline uint32_t EncodeRegRmFast(const Inst& inst, uint8_t* out) {
  OpSize size;
  unsigned reg, rm = 0;
  uint8_t opcode;
  const Amode* mem = nullptr;
  switch (inst.form()) {
    case Form::kMovRR: {
      const auto& p = inst.As<forms::MovRR>();
      size = p.size, reg = Enc(p.src), rm = Enc(p.dst), opcode = 0x89;
      break;
    }
    case Form::kMovRM: {
      const auto& p = inst.As<forms::MovRM>();
      size = p.size, reg = Enc(p.dst), mem = &p.src, opcode = 0x8B;
      break;
    }
    case Form::kMovMR: {
      const auto& p = inst.As<forms::MovMR>();
      size = p.size, reg = Enc(p.src), mem = &p.dst, opcode = 0x89;
      break;
    }
    case Form::kAluRR: {
      const auto& p = inst.As<forms::AluRR>();
      size = p.size, reg = Enc(p.src), rm = Enc(p.dst), opcode = FastAluOpcode(p.op, p.size, false);
      break;
    }
    case Form::kAluRM: {
      const auto& p = inst.As<forms::AluRM>();
      size = p.size, reg = Enc(p.dst), mem = &p.src, opcode = FastAluOpcode(p.op, p.size, true);
      break;
    }
    case Form::kAluMR: {
      const auto& p = inst.As<forms::AluMR>();
      size = p.size, reg = Enc(p.src), mem = &p.dst, opcode = FastAluOpcode(p.op, p.size, false);
      break;
    }
    case Form::kTestRR: {
      const auto& p = inst.As<forms::TestRR>();
      size = p.size, reg = Enc(p.b), rm = Enc(p.a), opcode = 0x85;
      break;
    }
    case Form::kLea: {
      const auto& p = inst.As<forms::Lea>();
      size = p.size, reg = Enc(p.dst), mem = &p.addr, opcode = 0x8D;
      break;
    }
    default:
      return 0;
  }
  if (size != OpSize::k32 && size != OpSize::k64) return 0;
  const unsigned w = size == OpSize::k64 ? 8 : 0;
  uint32_t n = 0;
  if (mem == nullptr) {  // REX.R: the source, REX.B: the destination; ModRM mod=11
    const unsigned rex = 0x40 | w | ((reg >> 3) & 1) << 2 | ((rm >> 3) & 1);
    if (rex != 0x40) out[n++] = static_cast<uint8_t>(rex);
    out[n++] = opcode;
    out[n++] = ModRm(3, reg, rm);
    return n;
  }
  const bool has_index = mem->kind == Amode::Kind::kBaseIndex;
  if (!has_index && mem->kind != Amode::Kind::kBase) return 0;
  if (has_index && mem->index == Gpr::kRsp) return 0;  // the general path rejects it
  const unsigned base = Enc(mem->base);
  const unsigned index = has_index ? Enc(mem->index) : 4;  // 100 = no index
  const unsigned rex =
      0x40 | w | ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 | ((base >> 3) & 1);
  if (rex != 0x40) out[n++] = static_cast<uint8_t>(rex);
  out[n++] = opcode;
  // As EmitRegMem: rbp/r13 need a displacement even when it is 0, rsp/r12 a SIB byte.
  const int32_t disp = mem->disp;
  const unsigned mod = disp == 0 && (base & 7) != 5 ? 0 : FitsSimm8(disp) ? 1 : 2;
  const bool need_sib = has_index || (base & 7) == 4;
  out[n++] = ModRm(mod, reg, need_sib ? 4 : base);
  if (need_sib) {
    out[n++] = static_cast<uint8_t>((has_index ? mem->scale_log2 : 0) << 6 | (index & 7) << 3 |
                                    (base & 7));
  }
  if (mod == 1) {
    out[n++] = static_cast<uint8_t>(disp);
  } else if (mod == 2) {
    const auto d = static_cast<uint32_t>(disp);
    for (int k = 0; k < 4; ++k) out[n++] = static_cast<uint8_t>(d >> (8 * k));
  }
  return n;
}

// add/or/.../cmp of a register and an immediate at 32 or 64 bits, as EncodeAluImm writes it
// (83 /digit ib when the value fits a signed byte, else the accumulator's short form or
// 81 /digit id), written directly; 0 for anything else. Checked like EncodeRegRmFast.
inline uint32_t EncodeAluImmFast(const Inst& inst, uint8_t* out) {
  if (inst.form() != Form::kAluRI) return 0;
  const auto& p = inst.As<forms::AluRI>();
  if (p.size != OpSize::k32 && p.size != OpSize::k64) return 0;
  const int64_t v = ImmAtSize(p.imm, p.size);
  const unsigned digit = static_cast<unsigned>(p.op), rm = Enc(p.dst);
  const unsigned rex = 0x40 | (p.size == OpSize::k64 ? 8 : 0) | ((rm >> 3) & 1);
  uint32_t n = 0;
  const bool imm8 = FitsSimm8(v);
  if (!imm8 && rm == Enc(Gpr::kRax)) {  // no ModRM: the register is implied
    if (rex != 0x40) out[n++] = static_cast<uint8_t>(rex);
    out[n++] = static_cast<uint8_t>(digit * 8 + 5);
  } else {
    if (rex != 0x40) out[n++] = static_cast<uint8_t>(rex);
    out[n++] = imm8 ? 0x83 : 0x81;
    out[n++] = ModRm(3, digit, rm);
  }
  const auto u = static_cast<uint64_t>(v);
  const int bytes = imm8 ? 1 : 4;
  for (int k = 0; k < bytes; ++k) out[n++] = static_cast<uint8_t>(u >> (8 * k));
  return n;
}

}  // namespace encoder_internal

// The bytes of `inst` at `out` (room for kMaxInstLength) if it is one of the fast forms above,
// returning the length; 0 (nothing written that counts) for any other instruction.
inline uint32_t EncodeFast(const Inst& inst, uint8_t* out) {
  if (const uint32_t n = encoder_internal::EncodeRegRmFast(inst, out); n != 0) return n;
  return encoder_internal::EncodeAluImmFast(inst, out);
}

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_ENCODER_FAST_H_
