// inst.cc: logical immediates and the small constructors (the form table is in inst.h).
#include "backends/aarch64/inst.h"

#include <bit>

#include "support/error.h"

namespace egret::aarch64 {

std::string_view CondName(Cond c) {
  static constexpr std::string_view kNames[] = {"eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc",
                                                "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"};
  return kNames[static_cast<int>(c)];
}

std::string_view VArrName(VArr a) {
  static constexpr std::string_view kNames[] = {"8b", "16b", "4h", "8h", "2s", "4s", "1d", "2d"};
  return kNames[static_cast<int>(a)];
}

// A logical immediate is a run of k ones (0 < k < e), rotated right by r, repeated in every
// e-bit element (e = 2, 4, ..., 64, at most the register width). Encoded as N:immr:imms with
// N = (e == 64), immr = r, and imms = the element size marker followed by k - 1.
bool EncodeLogicalImm(uint64_t value, bool is64, uint32_t* n_immr_imms) {
  const uint32_t width = is64 ? 64 : 32;
  if (!is64) {
    if ((value >> 32) != 0) return false;
    value |= value << 32;  // a 32-bit pattern is the same pattern repeated
  }
  if (value == 0 || value == ~uint64_t{0}) return false;
  uint32_t e = 64;
  while (e > 2) {
    const uint32_t half = e / 2;
    const uint64_t mask = (uint64_t{1} << half) - 1;
    if ((value & mask) != ((value >> half) & mask)) break;
    e = half;
  }
  if (e > width) return false;
  const uint64_t emask = e == 64 ? ~uint64_t{0} : (uint64_t{1} << e) - 1;
  const uint64_t elem = value & emask;
  const uint32_t k = static_cast<uint32_t>(std::popcount(elem));
  const uint64_t ones = (uint64_t{1} << k) - 1;  // 0 < k < e <= 64: elem is neither 0 nor emask
  // The bit s where the run starts: elem is the run shifted left by s, or, when the run wraps
  // past bit e - 1, the zeros (within the element) are one run and the ones start right after
  // it. Then ror_e(ones, r) == elem for r = (e - s) mod e, the only such r below e (a single
  // run of 0 < k < e ones has no other rotation onto itself), found without trying each r.
  uint32_t s;
  const uint32_t tz = static_cast<uint32_t>(std::countr_zero(elem));
  if ((elem >> tz) == ones) {
    s = tz;
  } else {
    const uint64_t zeros = ~elem & emask;
    const uint32_t zt = static_cast<uint32_t>(std::countr_zero(zeros));
    if ((zeros >> zt) != (uint64_t{1} << (e - k)) - 1) return false;
    s = zt + (e - k);
  }
  const uint32_t r = (e - s) % e;
  const uint32_t n = e == 64 ? 1 : 0;
  const uint32_t imms = ((~(e * 2 - 1) & 0x3f) | (k - 1)) & 0x3f;
  *n_immr_imms = (n << 12) | (r << 6) | imms;
  return true;
}

Inst RRR(Form f, bool is64, Gpr d, Gpr n, Gpr m) {
  Inst i;
  i.form = f;
  i.is64 = is64;
  i.d = static_cast<uint8_t>(d);
  i.n = static_cast<uint8_t>(n);
  i.m = static_cast<uint8_t>(m);
  return i;
}

Inst RRI(Form f, bool is64, Gpr d, Gpr n, int64_t imm) {
  Inst i;
  i.form = f;
  i.is64 = is64;
  i.d = static_cast<uint8_t>(d);
  i.n = static_cast<uint8_t>(n);
  i.imm = imm;
  return i;
}

Inst VVV(Form f, bool f64, Fpr d, Fpr n, Fpr m) {
  Inst i;
  i.form = f;
  i.f64 = f64;
  i.d = static_cast<uint8_t>(d);
  i.n = static_cast<uint8_t>(n);
  i.m = static_cast<uint8_t>(m);
  return i;
}

Inst VV(Form f, bool f64, Fpr d, Fpr n) {
  Inst i;
  i.form = f;
  i.f64 = f64;
  i.d = static_cast<uint8_t>(d);
  i.n = static_cast<uint8_t>(n);
  return i;
}

Inst MovReg(bool is64, Gpr d, Gpr m) { return RRR(Form::kOrrReg, is64, d, Gpr::kZr, m); }

Inst Mem(Form f, MemKind k, bool is64, Gpr t, Gpr base, int64_t offset) {
  Inst i = RRI(f, is64, t, base, offset);
  i.mem = k;
  return i;
}

Inst MemF(Form f, bool f64, Fpr t, Gpr base, int64_t offset) {
  Inst i;
  i.form = f;
  i.f64 = f64;
  i.d = static_cast<uint8_t>(t);
  i.n = static_cast<uint8_t>(base);
  i.imm = offset;
  return i;
}

Inst Vec(Form f, VArr arr, Fpr d, Fpr n, Fpr m) {
  Inst i;
  i.form = f;
  i.arr = arr;
  i.d = static_cast<uint8_t>(d);
  i.n = static_cast<uint8_t>(n);
  i.m = static_cast<uint8_t>(m);
  return i;
}

}  // namespace egret::aarch64
