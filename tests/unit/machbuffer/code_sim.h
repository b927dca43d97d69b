// code_sim.h: tiny encoders and a tiny simulator of the aarch64 and x64 instruction forms that
// the MachBuffer tests emit, so tests can follow every branch (through veneers and islands) in
// the final bytes without a backend.
//
// Branch conditions have made-up but consistent semantics over one 64-bit input word, chosen so
// that inverting a branch (the encoding the buffer swaps in) negates the condition:
//   aarch64 b.cond c       taken iff bit (c >> 1) of the input, xor (c & 1)      (c < 14)
//   aarch64 cbz/cbnz rt    taken iff bit rt of the input is 0 / 1
//   aarch64 tbz/tbnz #b    taken iff bit b of the input is 0 / 1
//   x64 jcc cc             taken iff bit (cc >> 1) of the input, xor (cc & 1)
// The simulator records a trace: marker immediates (aarch64 movz x2 / x64 mov eax) and the
// values read by literal loads (aarch64 ldr x3 / ldr w3 / adr x4 then an 8-byte load; x64
// mov rax, [rip] / mov eax, [rip]).
#ifndef EGRET_TESTS_UNIT_MACHBUFFER_CODE_SIM_H_
#define EGRET_TESTS_UNIT_MACHBUFFER_CODE_SIM_H_

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace egret::testing {

// --- aarch64 encodings (displacements zero; the buffer patches them).
inline uint32_t A64B() { return 0x14000000u; }
inline uint32_t A64BCond(uint32_t cond) { return 0x54000000u | cond; }
inline uint32_t A64Cbz(uint32_t rt, bool nz) { return 0xb4000000u | (nz ? 1u << 24 : 0) | rt; }
inline uint32_t A64Tbz(uint32_t rt, uint32_t bit, bool nz) {
  return 0x36000000u | ((bit >> 5) << 31) | (nz ? 1u << 24 : 0) | ((bit & 31) << 19) | rt;
}
inline uint32_t A64LdrLit(uint32_t rt) { return 0x58000000u | rt; }
inline uint32_t A64LdrLit32(uint32_t rt) { return 0x18000000u | rt; }
inline uint32_t A64Adr(uint32_t rd) { return 0x10000000u | rd; }
inline uint32_t A64Marker(uint32_t imm16) { return 0xd2800000u | (imm16 << 5) | 2; }
inline uint32_t A64Ret() { return 0xd65f03c0u; }
inline uint32_t A64Nop() { return 0xd503201fu; }
// The same branch with the opposite condition.
inline uint32_t A64Invert(uint32_t insn) {
  if ((insn & 0xff000010u) == 0x54000000u) return insn ^ 1u;  // b.cond
  return insn ^ (1u << 24);                                   // cbz/cbnz, tbz/tbnz
}

struct SimResult {
  std::vector<uint64_t> trace;
  bool returned = false;  // reached ret (otherwise: step limit, or error)
  std::string error;      // non-empty: executed something that is not one of our forms
  uint64_t steps = 0;
};

inline uint32_t Load32(std::span<const uint8_t> code, uint64_t at) {
  uint32_t v;
  std::memcpy(&v, code.data() + at, 4);
  return v;
}
inline uint64_t Load64(std::span<const uint8_t> code, uint64_t at) {
  uint64_t v;
  std::memcpy(&v, code.data() + at, 8);
  return v;
}
inline int64_t Sext(uint64_t v, int bits) {
  const uint64_t m = uint64_t{1} << (bits - 1);
  v &= (uint64_t{1} << bits) - 1;
  return static_cast<int64_t>((v ^ m) - m);
}

// Runs aarch64 code from `pc` until ret, an error, `max_trace` trace entries, or `max_idle`
// steps without a new trace entry (an infinite loop that records nothing).
inline SimResult SimulateA64(std::span<const uint8_t> code, uint64_t pc, uint64_t input,
                             size_t max_trace, uint64_t max_idle) {
  SimResult r;
  uint64_t x[32] = {};
  uint64_t idle = 0;
  auto fail = [&](const std::string& what) {
    r.error = what + " at pc " + std::to_string(pc);
    return r;
  };
  while (r.trace.size() < max_trace) {
    if (++idle > max_idle) return r;
    ++r.steps;
    if (pc + 4 > code.size() || pc % 4 != 0) return fail("pc out of code");
    const uint32_t w = Load32(code, pc);
    if ((w & 0xfc000000u) == 0x14000000u) {  // b
      pc += Sext(w, 26) * 4;
    } else if ((w & 0xff000010u) == 0x54000000u) {  // b.cond
      const uint32_t c = w & 15;
      if (c >= 14) return fail("b.al/nv");
      const bool taken = (((input >> (c >> 1)) & 1) ^ (c & 1)) != 0;
      pc = taken ? pc + Sext(w >> 5, 19) * 4 : pc + 4;
    } else if ((w & 0x7e000000u) == 0x34000000u) {  // cbz/cbnz
      const bool nz = (w >> 24) & 1;
      const bool bit = (input >> (w & 31)) & 1;
      pc = (bit == nz) ? pc + Sext(w >> 5, 19) * 4 : pc + 4;
    } else if ((w & 0x7e000000u) == 0x36000000u) {  // tbz/tbnz
      const bool nz = (w >> 24) & 1;
      const uint32_t b = ((w >> 31) << 5) | ((w >> 19) & 31);
      const bool bit = (input >> b) & 1;
      pc = (bit == nz) ? pc + Sext(w >> 5, 14) * 4 : pc + 4;
    } else if ((w & 0x9f000000u) == 0x10000000u) {  // adr
      const uint64_t imm = ((w >> 29) & 3) | (((w >> 5) & 0x7ffff) << 2);
      const uint64_t addr = pc + Sext(imm, 21);
      x[w & 31] = addr;
      if ((w & 31) == 4) {  // adr x4 is the tests' "load through an address" form
        if (addr + 8 > code.size()) return fail("adr target out of code");
        r.trace.push_back(Load64(code, addr));
        idle = 0;
      }
      pc += 4;
    } else if ((w & 0xff000000u) == 0x58000000u) {  // ldr xN, literal
      const uint64_t addr = pc + Sext(w >> 5, 19) * 4;
      if (addr + 8 > code.size()) return fail("ldr target out of code");
      x[w & 31] = Load64(code, addr);
      if ((w & 31) == 3) {
        r.trace.push_back(x[3]);
        idle = 0;
      }
      pc += 4;
    } else if ((w & 0xff000000u) == 0x18000000u) {  // ldr wN, literal
      const uint64_t addr = pc + Sext(w >> 5, 19) * 4;
      if (addr + 4 > code.size()) return fail("ldr w target out of code");
      x[w & 31] = Load32(code, addr);
      if ((w & 31) == 3) {
        r.trace.push_back(x[3]);
        idle = 0;
      }
      pc += 4;
    } else if ((w & 0xff000000u) == 0x98000000u) {  // ldrsw xN, literal
      const uint64_t addr = pc + Sext(w >> 5, 19) * 4;
      if (addr + 4 > code.size()) return fail("ldrsw target out of code");
      x[w & 31] = static_cast<uint64_t>(Sext(Load32(code, addr), 32));
      pc += 4;
    } else if ((w & 0xffe0fc00u) == 0x8b000000u) {  // add xd, xn, xm
      x[w & 31] = x[(w >> 5) & 31] + x[(w >> 16) & 31];
      pc += 4;
    } else if ((w & 0xfffffc1fu) == 0xd61f0000u) {  // br xn
      pc = x[(w >> 5) & 31];
    } else if ((w & 0xffe0001fu) == 0xd2800002u) {  // movz x2, #imm: a marker
      r.trace.push_back((w >> 5) & 0xffff);
      idle = 0;
      pc += 4;
    } else if (w == A64Ret()) {
      r.returned = true;
      return r;
    } else if (w == A64Nop()) {
      pc += 4;
    } else {
      return fail("unknown instruction " + std::to_string(w));
    }
  }
  return r;
}

// --- x64 encodings.
inline std::vector<uint8_t> X64Jmp() { return {0xe9, 0, 0, 0, 0}; }
inline std::vector<uint8_t> X64Jcc(uint8_t cc) {
  return {0x0f, static_cast<uint8_t>(0x80 | cc), 0, 0, 0, 0};
}
inline std::vector<uint8_t> X64Marker(uint32_t imm) {
  return {0xb8, static_cast<uint8_t>(imm), static_cast<uint8_t>(imm >> 8),
          static_cast<uint8_t>(imm >> 16), static_cast<uint8_t>(imm >> 24)};
}
inline std::vector<uint8_t> X64LoadRip() { return {0x48, 0x8b, 0x05, 0, 0, 0, 0}; }
inline std::vector<uint8_t> X64LoadRip32() { return {0x8b, 0x05, 0, 0, 0, 0}; }
inline uint8_t X64Ret() { return 0xc3; }

inline SimResult SimulateX64(std::span<const uint8_t> code, uint64_t pc, uint64_t input,
                             size_t max_trace, uint64_t max_idle) {
  SimResult r;
  uint64_t idle = 0;
  auto fail = [&](const std::string& what) {
    r.error = what + " at pc " + std::to_string(pc);
    return r;
  };
  while (r.trace.size() < max_trace) {
    if (++idle > max_idle) return r;
    ++r.steps;
    if (pc >= code.size()) return fail("pc out of code");
    const uint8_t op = code[pc];
    if (op == 0xe9) {
      if (pc + 5 > code.size()) return fail("truncated jmp");
      pc = pc + 5 + Sext(Load32(code, pc + 1), 32);
    } else if (op == 0xeb) {
      if (pc + 2 > code.size()) return fail("truncated jmp8");
      pc = pc + 2 + Sext(code[pc + 1], 8);
    } else if ((op & 0xf0) == 0x70) {  // jcc rel8 (relaxed branches)
      if (pc + 2 > code.size()) return fail("truncated jcc8");
      const uint32_t cc = op & 15;
      const bool taken = (((input >> (cc >> 1)) & 1) ^ (cc & 1)) != 0;
      pc = taken ? pc + 2 + Sext(code[pc + 1], 8) : pc + 2;
    } else if (op == 0x0f && pc + 6 <= code.size() && (code[pc + 1] & 0xf0) == 0x80) {
      const uint32_t cc = code[pc + 1] & 15;
      const bool taken = (((input >> (cc >> 1)) & 1) ^ (cc & 1)) != 0;
      pc = taken ? pc + 6 + Sext(Load32(code, pc + 2), 32) : pc + 6;
    } else if (op == 0xb8) {
      if (pc + 5 > code.size()) return fail("truncated mov");
      r.trace.push_back(Load32(code, pc + 1));
      idle = 0;
      pc += 5;
    } else if (op == 0x48 && pc + 7 <= code.size() && code[pc + 1] == 0x8b &&
               code[pc + 2] == 0x05) {
      const uint64_t addr = pc + 7 + Sext(Load32(code, pc + 3), 32);
      if (addr + 8 > code.size()) return fail("rip load out of code");
      r.trace.push_back(Load64(code, addr));
      idle = 0;
      pc += 7;
    } else if (op == 0x8b && pc + 6 <= code.size() && code[pc + 1] == 0x05) {
      const uint64_t addr = pc + 6 + Sext(Load32(code, pc + 2), 32);
      if (addr + 4 > code.size()) return fail("rip load32 out of code");
      r.trace.push_back(Load32(code, addr));
      idle = 0;
      pc += 6;
    } else if (op == 0xc3) {
      r.returned = true;
      return r;
    } else if (op == 0x90) {
      pc += 1;
    } else if (op == 0x66 && pc + 2 <= code.size() && code[pc + 1] == 0x90) {
      pc += 2;
    } else if ((op == 0x0f || op == 0x66) && pc + 4 <= code.size()) {
      // The multi-byte nops `[66] 0f 1f /0`: ModRM, then a SIB byte for rm = 4, then a disp8
      // (mod 1) or disp32 (mod 2).
      const uint64_t at = op == 0x66 ? pc + 1 : pc;
      if (code[at] != 0x0f || code[at + 1] != 0x1f || ((code[at + 2] >> 3) & 7) != 0)
        return fail("unknown opcode " + std::to_string(op));
      const uint8_t modrm = code[at + 2];
      const uint32_t mod = modrm >> 6;
      pc = at + 3 + ((modrm & 7) == 4 ? 1 : 0) + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
    } else {
      return fail("unknown opcode " + std::to_string(op));
    }
  }
  return r;
}

// Follows unconditional aarch64 jumps and far veneers from `pc`; returns where they lead.
inline uint64_t FollowA64Jumps(std::span<const uint8_t> code, uint64_t pc) {
  for (int i = 0; i < 16; ++i) {
    const uint32_t w = Load32(code, pc);
    if ((w & 0xfc000000u) == 0x14000000u) {
      pc += Sext(w, 26) * 4;
    } else if (w == 0x10000090u && Load32(code, pc + 4) == 0x98000071u) {  // far veneer
      pc = pc + 16 + Sext(Load32(code, pc + 16), 32);
    } else {
      break;
    }
  }
  return pc;
}

// The target of the aarch64 branch/literal instruction at `pc` (not following veneers).
inline uint64_t A64DirectTarget(std::span<const uint8_t> code, uint64_t pc) {
  const uint32_t w = Load32(code, pc);
  if ((w & 0x7c000000u) == 0x14000000u) return pc + Sext(w, 26) * 4;       // b, bl
  if ((w & 0x7e000000u) == 0x36000000u) return pc + Sext(w >> 5, 14) * 4;  // tb(n)z
  if ((w & 0x9f000000u) == 0x10000000u)                                    // adr
    return pc + Sext(((w >> 29) & 3) | (((w >> 5) & 0x7ffff) << 2), 21);
  return pc + Sext(w >> 5, 19) * 4;  // b.cond, cb(n)z, ldr literal
}

}  // namespace egret::testing

#endif  // EGRET_TESTS_UNIT_MACHBUFFER_CODE_SIM_H_
