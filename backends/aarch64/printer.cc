// printer.cc: one case per form; aliases chosen by LLVM's rules (AArch64InstPrinter).
#include "backends/aarch64/printer.h"

#include <cinttypes>
#include <cstdio>

namespace egret::aarch64 {
namespace {

// Capstone's immediate style, which llvm-mc reads back: decimal up to 9, hex beyond.
std::string Dec(int64_t v) {
  char b[32];
  if (v >= 0) {
    std::snprintf(b, sizeof b, v > 9 ? "#0x%" PRIx64 : "#%" PRIu64, static_cast<uint64_t>(v));
  } else {
    const uint64_t m = 0 - static_cast<uint64_t>(v);
    std::snprintf(b, sizeof b, v < -9 ? "#-0x%" PRIx64 : "#-%" PRIu64, m);
  }
  return b;
}
// Unsigned, capstone's style (logical immediates).
std::string UHex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, v > 9 ? "#0x%" PRIx64 : "#%" PRIu64, v);
  return b;
}
// Wide-move immediates: capstone prints them in hex except 0.
std::string WideImm(int64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, v != 0 ? "#0x%" PRIx64 : "#0", static_cast<uint64_t>(v));
  return b;
}

std::string ShiftName(Shift s) {
  switch (s) {
    case Shift::kLsl:
      return "lsl";
    case Shift::kLsr:
      return "lsr";
    case Shift::kAsr:
      return "asr";
    case Shift::kRor:
      return "ror";
  }
  return "?";
}

std::string ExtendName(Extend e) {
  static const char* kNames[] = {"uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"};
  return kNames[static_cast<int>(e)];
}

// NEON operands: v3.16b, and the element v3.s[1] (lane in capstone's style: hex beyond 9).
std::string VReg(uint8_t r, VArr a) {
  return "v" + std::to_string(r) + "." + std::string(VArrName(a));
}
char ElemChar(uint32_t size) { return "bhsd"[size]; }
std::string Lane(int64_t lane) {
  char b[32];
  std::snprintf(b, sizeof b, lane > 9 ? "[0x%" PRIx64 "]" : "[%" PRId64 "]", lane);
  return b;
}
std::string VElem(uint8_t r, uint32_t size, int64_t lane) {
  return "v" + std::to_string(r) + "." + ElemChar(size) + Lane(lane);
}
// The wide side of a widening/narrowing form: twice the element size, 128 bits.
VArr Wider(VArr a) { return MakeVArr(VSize(a) + 1, true); }

}  // namespace

std::string Print(const Inst& i, uint64_t address) {
  const bool w = i.is64;
  auto R = [&](uint8_t r) { return GprName(static_cast<Gpr>(r), w); };
  auto X = [&](uint8_t r) { return GprName(static_cast<Gpr>(r), true); };
  auto V = [&](uint8_t r) { return FprName(static_cast<Fpr>(r), i.f64); };
  const std::string mn(Info(i.form).mnemonic);
  const bool rd_zr = i.d == static_cast<uint8_t>(Gpr::kZr);
  const bool rn_zr = i.n == static_cast<uint8_t>(Gpr::kZr);
  const bool rd_sp = i.d == static_cast<uint8_t>(Gpr::kSp);
  const bool rn_sp = i.n == static_cast<uint8_t>(Gpr::kSp);
  auto target = [&] { return UHex(address + static_cast<uint64_t>(i.imm)); };
  auto addsub_imm = [&](const std::string& name, const std::string& alias) {
    const std::string imm = i.imm > 4095 ? Dec(i.imm >> 12) + ", lsl #12" : Dec(i.imm);
    if (rd_zr && !alias.empty()) return alias + " " + R(i.n) + ", " + imm;
    return name + " " + R(i.d) + ", " + R(i.n) + ", " + imm;
  };
  auto shift_suffix = [&] {
    if (i.amount == 0 && i.shift == Shift::kLsl) return std::string();
    return ", " + ShiftName(i.shift) + " #" + std::to_string(i.amount);
  };
  auto shifted = [&](const std::string& name) {
    return name + " " + R(i.d) + ", " + R(i.n) + ", " + R(i.m) + shift_suffix();
  };
  auto extended = [&](const std::string& name, const std::string& alias) {
    const bool x_m = i.extend == Extend::kUxtx || i.extend == Extend::kSxtx;
    std::string ext;
    const bool lsl_alias = (rd_sp || rn_sp) && i.extend == (w ? Extend::kUxtx : Extend::kUxtw);
    if (lsl_alias) {
      if (i.amount != 0) ext = ", lsl #" + std::to_string(i.amount);
    } else {
      ext = ", " + ExtendName(i.extend);
      if (i.amount != 0) ext += " #" + std::to_string(i.amount);
    }
    const std::string m = GprName(i.rm(), w && x_m);
    if (rd_zr && !alias.empty()) return alias + " " + R(i.n) + ", " + m + ext;
    return name + " " + R(i.d) + ", " + R(i.n) + ", " + m + ext;
  };
  auto logical_imm = [&](const std::string& name) {
    return name + " " + R(i.d) + ", " + R(i.n) + ", " + UHex(static_cast<uint64_t>(i.imm));
  };
  auto mem_name = [&](bool load) {
    switch (i.mem) {
      case MemKind::kB:
        return std::string(load ? "ldrb" : "strb");
      case MemKind::kH:
        return std::string(load ? "ldrh" : "strh");
      case MemKind::kSB:
        return std::string("ldrsb");
      case MemKind::kSH:
        return std::string("ldrsh");
      case MemKind::kSW:
        return std::string("ldrsw");
      case MemKind::kW:
      case MemKind::kX:
        return std::string(load ? "ldr" : "str");
    }
    return std::string();
  };
  auto mem_reg = [&] {  // the data register of an integer access
    const bool x =
        i.mem == MemKind::kX ||
        ((i.mem == MemKind::kSB || i.mem == MemKind::kSH || i.mem == MemKind::kSW) && i.is64);
    return GprName(i.rd(), x);
  };
  auto addr_imm = [&] {
    if (i.imm == 0) return "[" + X(i.n) + "]";
    return "[" + X(i.n) + ", " + Dec(i.imm) + "]";
  };
  auto addr_reg = [&](int size) {
    const bool x_m = i.extend == Extend::kUxtx || i.extend == Extend::kSxtx;
    std::string s = "[" + X(i.n) + ", " + GprName(i.rm(), x_m);
    const std::string ext = i.extend == Extend::kUxtx ? "lsl" : ExtendName(i.extend);
    if (i.amount != 0) {
      s += ", " + ext + " #" + std::to_string(size);
    } else if (i.extend != Extend::kUxtx) {
      s += ", " + ext;
    }
    return s + "]";
  };
  auto two = [&](const std::string& a, const std::string& b) { return mn + " " + a + ", " + b; };
  auto three = [&](const std::string& a, const std::string& b, const std::string& c) {
    return mn + " " + a + ", " + b + ", " + c;
  };
  switch (i.form) {
    case Form::kAddImm:
      return addsub_imm("add", "");
    case Form::kSubImm:
      return addsub_imm("sub", "");
    case Form::kAddsImm:
      return addsub_imm("adds", "cmn");
    case Form::kSubsImm:
      return addsub_imm("subs", "cmp");
    case Form::kAddReg:
      return shifted("add");
    case Form::kSubReg:
      if (rn_zr) return "neg " + R(i.d) + ", " + R(i.m) + shift_suffix();
      return shifted("sub");
    case Form::kAddsReg:
      if (rd_zr) return "cmn " + R(i.n) + ", " + R(i.m) + shift_suffix();
      return shifted("adds");
    case Form::kSubsReg:
      if (rd_zr) return "cmp " + R(i.n) + ", " + R(i.m) + shift_suffix();
      if (rn_zr) return "negs " + R(i.d) + ", " + R(i.m) + shift_suffix();
      return shifted("subs");
    case Form::kAddExt:
      return extended("add", "");
    case Form::kSubExt:
      return extended("sub", "");
    case Form::kAddsExt:
      return extended("adds", "cmn");
    case Form::kSubsExt:
      return extended("subs", "cmp");
    case Form::kAndReg:
      return shifted("and");
    case Form::kOrrReg:
      if (rn_zr && i.amount == 0 && i.shift == Shift::kLsl)
        return two(R(i.d), R(i.m)).replace(0, 3, "mov");
      return shifted("orr");
    case Form::kEorReg:
      return shifted("eor");
    case Form::kAndsReg:
      if (rd_zr) return "tst " + R(i.n) + ", " + R(i.m) + shift_suffix();
      return shifted("ands");
    case Form::kBicReg:
      return shifted("bic");
    case Form::kOrnReg:
      if (rn_zr) return "mvn " + R(i.d) + ", " + R(i.m) + shift_suffix();
      return shifted("orn");
    case Form::kAndImm:
      return logical_imm("and");
    case Form::kOrrImm:
      return logical_imm("orr");
    case Form::kEorImm:
      return logical_imm("eor");
    case Form::kAndsImm:
      if (rd_zr) return "tst " + R(i.n) + ", " + UHex(static_cast<uint64_t>(i.imm));
      return logical_imm("ands");
    case Form::kMovz:
    case Form::kMovn:
    case Form::kMovk: {
      // Capstone 4 prints the wide moves without LLVM's `mov` aliases; llvm-mc reads both.
      std::string s = mn + " " + R(i.d) + ", " + WideImm(i.imm);
      if (i.amount != 0) s += ", lsl #" + std::to_string(i.amount);
      return s;
    }
    case Form::kMovSp:
      return two(R(i.d), R(i.n));
    case Form::kMadd:
      if (i.a == static_cast<uint8_t>(Gpr::kZr))
        return "mul " + R(i.d) + ", " + R(i.n) + ", " + R(i.m);
      return mn + " " + R(i.d) + ", " + R(i.n) + ", " + R(i.m) + ", " + R(i.a);
    case Form::kMsub:
      if (i.a == static_cast<uint8_t>(Gpr::kZr))
        return "mneg " + R(i.d) + ", " + R(i.n) + ", " + R(i.m);
      return mn + " " + R(i.d) + ", " + R(i.n) + ", " + R(i.m) + ", " + R(i.a);
    case Form::kSdiv:
    case Form::kUdiv:
    case Form::kUmulh:
    case Form::kSmulh:
      return three(R(i.d), R(i.n), R(i.m));
    case Form::kLslv:
      return "lsl " + R(i.d) + ", " + R(i.n) + ", " + R(i.m);
    case Form::kLsrv:
      return "lsr " + R(i.d) + ", " + R(i.n) + ", " + R(i.m);
    case Form::kAsrv:
      return "asr " + R(i.d) + ", " + R(i.n) + ", " + R(i.m);
    case Form::kRorv:
      return "ror " + R(i.d) + ", " + R(i.n) + ", " + R(i.m);
    case Form::kLslImm:
    case Form::kLsrImm:
    case Form::kAsrImm:
    case Form::kRorImm:
      return three(R(i.d), R(i.n), Dec(i.imm));
    case Form::kSxtb:
    case Form::kSxth:
    case Form::kSxtw:
    case Form::kUxtb:
    case Form::kUxth:
      return two(R(i.d), GprName(i.rn(), false));
    case Form::kClz:
    case Form::kRbit:
      return two(R(i.d), R(i.n));
    case Form::kCsel:
    case Form::kCsinc:
    case Form::kCsinv:
    case Form::kCsneg:
      return mn + " " + R(i.d) + ", " + R(i.n) + ", " + R(i.m) + ", " +
             std::string(CondName(i.cond));
    case Form::kCset:
      return two(R(i.d), std::string(CondName(i.cond)));
    case Form::kLdr:
    case Form::kLdur:
      return (i.form == Form::kLdur ? "ldur" + mem_name(true).substr(3) : mem_name(true)) + " " +
             mem_reg() + ", " + addr_imm();
    case Form::kStr:
    case Form::kStur:
      return (i.form == Form::kStur ? "stur" + mem_name(false).substr(3) : mem_name(false)) + " " +
             mem_reg() + ", " + addr_imm();
    case Form::kLdrReg:
      return mem_name(true) + " " + mem_reg() + ", " + addr_reg(MemSizeLog2(i.mem));
    case Form::kStrReg:
      return mem_name(false) + " " + mem_reg() + ", " + addr_reg(MemSizeLog2(i.mem));
    case Form::kLdrLit:
      return mem_name(true) + " " + mem_reg() + ", " + target();
    case Form::kLdrFLit:
      return mn + " " + V(i.d) + ", " + target();
    case Form::kLdrF:
    case Form::kLdurF:
    case Form::kStrF:
    case Form::kSturF:
      return mn + " " + V(i.d) + ", " + addr_imm();
    case Form::kLdrFReg:
    case Form::kStrFReg:
      return mn + " " + V(i.d) + ", " + addr_reg(i.f64 ? 3 : 2);
    case Form::kStpPre:
      return mn + " " + X(i.d) + ", " + X(i.m) + ", [" + X(i.n) + ", " + Dec(i.imm) + "]!";
    case Form::kLdpPost:
      return mn + " " + X(i.d) + ", " + X(i.m) + ", [" + X(i.n) + "], " + Dec(i.imm);
    case Form::kStpFPre:
      return mn + " " + V(i.d) + ", " + V(i.m) + ", [" + X(i.n) + ", " + Dec(i.imm) + "]!";
    case Form::kLdpFPost:
      return mn + " " + V(i.d) + ", " + V(i.m) + ", [" + X(i.n) + "], " + Dec(i.imm);
    case Form::kFadd:
    case Form::kFsub:
    case Form::kFmul:
    case Form::kFdiv:
    case Form::kFmin:
    case Form::kFmax:
      return three(V(i.d), V(i.n), V(i.m));
    case Form::kFsqrt:
    case Form::kFneg:
    case Form::kFabs:
    case Form::kFrintm:
    case Form::kFrintp:
    case Form::kFrintz:
    case Form::kFrintn:
    case Form::kFmovReg:
      return two(V(i.d), V(i.n));
    case Form::kFcvt:
      return two(V(i.d), FprName(i.vn(), !i.f64));
    case Form::kFcmp:
      return two(V(i.n), V(i.m));
    case Form::kFcsel:
      return mn + " " + V(i.d) + ", " + V(i.n) + ", " + V(i.m) + ", " +
             std::string(CondName(i.cond));
    case Form::kFmovToGpr:
    case Form::kFcvtzs:
    case Form::kFcvtzu:
      return two(R(i.d), V(i.n));
    case Form::kFmovFromGpr:
    case Form::kScvtf:
    case Form::kUcvtf:
      return two(V(i.d), R(i.n));
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
    case Form::kVUminp:
    case Form::kVAnd:
    case Form::kVBic:
    case Form::kVOrn:
    case Form::kVEor:
    case Form::kVBsl:
    case Form::kVBit:
    case Form::kVBif:
    case Form::kVFadd:
    case Form::kVFsub:
    case Form::kVFmul:
    case Form::kVFdiv:
    case Form::kVFmin:
    case Form::kVFmax:
    case Form::kVFcmeq:
    case Form::kVFcmge:
    case Form::kVFcmgt:
    case Form::kVZip1:
    case Form::kVZip2:
    case Form::kVUzp1:
    case Form::kVUzp2:
    case Form::kVTrn1:
    case Form::kVTrn2:
      return three(VReg(i.d, i.arr), VReg(i.n, i.arr), VReg(i.m, i.arr));
    case Form::kVOrr:
      if (i.n == i.m) return "mov " + VReg(i.d, i.arr) + ", " + VReg(i.n, i.arr);
      return three(VReg(i.d, i.arr), VReg(i.n, i.arr), VReg(i.m, i.arr));
    case Form::kVCnt:
    case Form::kVNot:
    case Form::kVNeg:
    case Form::kVAbs:
    case Form::kVRev64:
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
    case Form::kVFcvtzu:
      return two(VReg(i.d, i.arr), VReg(i.n, i.arr));
    case Form::kVCmeq0:
    case Form::kVCmge0:
    case Form::kVCmgt0:
    case Form::kVCmle0:
    case Form::kVCmlt0:
      return three(VReg(i.d, i.arr), VReg(i.n, i.arr), "#0");
    case Form::kVXtn:
    case Form::kVSqxtn:
    case Form::kVUqxtn:
    case Form::kVSqxtun:
      return (VQ(i.arr) ? mn + "2" : mn) + " " + VReg(i.d, i.arr) + ", " + VReg(i.n, Wider(i.arr));
    case Form::kVSaddlp:
    case Form::kVUaddlp:
      return two(VReg(i.d, MakeVArr(VSize(i.arr) + 1, VQ(i.arr))), VReg(i.n, i.arr));
    case Form::kVFcvtn:
      return (VQ(i.arr) ? mn + "2" : mn) + " " + VReg(i.d, i.arr) + ", " + VReg(i.n, VArr::k2D);
    case Form::kVFcvtl:
      return (VQ(i.arr) ? mn + "2" : mn) + " " + VReg(i.d, VArr::k2D) + ", " + VReg(i.n, i.arr);
    case Form::kVAddv:
    case Form::kVUmaxv:
    case Form::kVUminv:
      return two(std::string(1, ElemChar(VSize(i.arr))) + std::to_string(i.d), VReg(i.n, i.arr));
    case Form::kVShl:
    case Form::kVSshr:
    case Form::kVUshr:
    case Form::kVUsra:
      return three(VReg(i.d, i.arr), VReg(i.n, i.arr), Dec(i.imm));
    case Form::kVSshll:
    case Form::kVUshll:
      return (VQ(i.arr) ? mn + "2" : mn) + " " + VReg(i.d, Wider(i.arr)) + ", " + VReg(i.n, i.arr) +
             ", " + Dec(i.imm);
    case Form::kVSmull:
    case Form::kVUmull:
      return (VQ(i.arr) ? mn + "2" : mn) + " " + VReg(i.d, Wider(i.arr)) + ", " + VReg(i.n, i.arr) +
             ", " + VReg(i.m, i.arr);
    case Form::kVExt:
      return mn + " " + VReg(i.d, i.arr) + ", " + VReg(i.n, i.arr) + ", " + VReg(i.m, i.arr) +
             ", " + Dec(i.imm);
    case Form::kVTbl1:
      return mn + " " + VReg(i.d, i.arr) + ", {" + VReg(i.n, VArr::k16B) + "}, " + VReg(i.m, i.arr);
    case Form::kVTbl2:
      return mn + " " + VReg(i.d, i.arr) + ", {" + VReg(i.n, VArr::k16B) + ", " +
             VReg(static_cast<uint8_t>(i.n + 1), VArr::k16B) + "}, " + VReg(i.m, i.arr);
    case Form::kVDupElem:
      return two(VReg(i.d, i.arr), VElem(i.n, VSize(i.arr), i.imm));
    case Form::kVDupGen:
      return two(VReg(i.d, i.arr), GprName(i.rn(), VSize(i.arr) == 3));
    case Form::kVInsElem:
      return two(VElem(i.d, VSize(i.arr), i.imm), VElem(i.n, VSize(i.arr), i.amount));
    case Form::kVInsGen:
      return two(VElem(i.d, VSize(i.arr), i.imm), GprName(i.rn(), VSize(i.arr) == 3));
    case Form::kVUmov:
      // LLVM's (and capstone's) alias for the 32- and 64-bit element moves.
      return (VSize(i.arr) >= 2 ? std::string("mov") : mn) + " " +
             GprName(i.rd(), VSize(i.arr) == 3) + ", " + VElem(i.n, VSize(i.arr), i.imm);
    case Form::kVSmov:
      return two(GprName(i.rd(), i.is64), VElem(i.n, VSize(i.arr), i.imm));
    case Form::kVMovi:
    case Form::kVMvni: {
      if (i.arr == VArr::k2D || i.arr == VArr::k1D) {
        char b[32];
        std::snprintf(b, sizeof b, i.imm == 0 ? "#%016" PRIx64 : "#0x%016" PRIx64,
                      static_cast<uint64_t>(i.imm));
        return two(i.arr == VArr::k1D ? "d" + std::to_string(i.d) : VReg(i.d, i.arr), b);
      }
      char b[32];  // capstone prints these in hex, 1 included
      std::snprintf(b, sizeof b, i.imm == 0 ? "#0" : "#0x%" PRIx64, static_cast<uint64_t>(i.imm));
      std::string s = two(VReg(i.d, i.arr), b);
      if (i.amount != 0) s += ", lsl #" + std::to_string(i.amount);
      return s;
    }
    case Form::kLdrQ:
    case Form::kLdurQ:
    case Form::kStrQ:
    case Form::kSturQ:
      return mn + " q" + std::to_string(i.d) + ", " + addr_imm();
    case Form::kLdrQReg:
    case Form::kStrQReg:
      return mn + " q" + std::to_string(i.d) + ", " + addr_reg(4);
    case Form::kLdrQLit:
      return mn + " q" + std::to_string(i.d) + ", " + target();
    case Form::kStpQPre:
      return mn + " q" + std::to_string(i.d) + ", q" + std::to_string(i.m) + ", [" + X(i.n) + ", " +
             Dec(i.imm) + "]!";
    case Form::kLdpQPost:
      return mn + " q" + std::to_string(i.d) + ", q" + std::to_string(i.m) + ", [" + X(i.n) +
             "], " + Dec(i.imm);
    case Form::kVLd1r:
      return mn + " {" + VReg(i.d, i.arr) + "}, [" + X(i.n) + "]";
    case Form::kVLd1Lane:
    case Form::kVSt1Lane:
      return mn + " {v" + std::to_string(i.d) + "." + ElemChar(VSize(i.arr)) + "}" + Lane(i.imm) +
             ", [" + X(i.n) + "]";
    case Form::kCnt8b:
      return "cnt v" + std::to_string(i.d) + ".8b, v" + std::to_string(i.n) + ".8b";
    case Form::kAddv8b:
      return "addv b" + std::to_string(i.d) + ", v" + std::to_string(i.n) + ".8b";
    case Form::kB:
    case Form::kBl:
      return mn + " " + target();
    case Form::kBCond:
      return "b." + std::string(CondName(i.cond)) + " " + target();
    case Form::kCbz:
    case Form::kCbnz:
    case Form::kAdr:
      return two(R(i.d), target());
    case Form::kTbz:
    case Form::kTbnz:
      return mn + " " + GprName(i.rd(), i.amount >= 32) + ", " + Dec(i.amount) + ", " + target();
    case Form::kBr:
    case Form::kBlr:
      return mn + " " + X(i.n);
    case Form::kRet:
      if (i.n == static_cast<uint8_t>(kLr)) return "ret";
      return mn + " " + X(i.n);
    case Form::kLdar:
    case Form::kStlr:
    case Form::kLdaxr:
    case Form::kStlxr:
    case Form::kLdaddal:
    case Form::kLdclral:
    case Form::kLdeoral:
    case Form::kLdsetal:
    case Form::kSwpal:
    case Form::kCasal: {
      // Narrow widths add b/h to the mnemonic and use w registers.
      const std::string name = mn + (i.mem == MemKind::kB ? "b" : i.mem == MemKind::kH ? "h" : "");
      const bool x = i.mem == MemKind::kX;
      const std::string addr = "[" + X(i.n) + "]";
      switch (i.form) {
        case Form::kLdar:
        case Form::kStlr:
        case Form::kLdaxr:
          return name + " " + GprName(i.rd(), x) + ", " + addr;
        case Form::kStlxr:
          return name + " " + GprName(i.rd(), false) + ", " + GprName(i.rm(), x) + ", " + addr;
        case Form::kCasal:
          return name + " " + GprName(i.rd(), x) + ", " + GprName(i.rm(), x) + ", " + addr;
        default:  // ldaddal Rs, Rt, [Xn]
          return name + " " + GprName(i.rm(), x) + ", " + GprName(i.rd(), x) + ", " + addr;
      }
    }
    case Form::kDmbIsh:
      return "dmb ish";
    case Form::kUdf:
      return mn + " " + Dec(i.imm);
    case Form::kBrk:
      return mn + " " + WideImm(i.imm);
  }
  return "?";
}

}  // namespace egret::aarch64
