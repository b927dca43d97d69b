// form_cases.cc: the cases (see form_cases.h).
#include "tests/unit/backends/aarch64/form_cases.h"

namespace egret::aarch64::testing {
namespace {

constexpr uint8_t kZr = static_cast<uint8_t>(Gpr::kZr);
constexpr uint8_t kSp = static_cast<uint8_t>(Gpr::kSp);

Inst Make(Form f, bool is64, uint8_t d, uint8_t n, uint8_t m, uint8_t a = 0) {
  Inst i;
  i.form = f;
  i.is64 = is64;
  i.d = d;
  i.n = n;
  i.m = m;
  i.a = a;
  return i;
}

// Register triples that cover low, high and mixed encodings.
const uint8_t kRegs[][3] = {{0, 1, 2}, {30, 29, 28}, {7, 15, 23}, {16, 17, 9}};

// The arrangements a vector form takes (inst.h's table says which side arr describes).
std::vector<VArr> Arrangements(Form f) {
  const std::vector<VArr> all = {VArr::k8B, VArr::k16B, VArr::k4H, VArr::k8H,
                                 VArr::k2S, VArr::k4S,  VArr::k2D};
  const std::vector<VArr> bytes = {VArr::k8B, VArr::k16B};
  const std::vector<VArr> no_d = {VArr::k8B, VArr::k16B, VArr::k4H,
                                  VArr::k8H, VArr::k2S,  VArr::k4S};
  const std::vector<VArr> fp = {VArr::k2S, VArr::k4S, VArr::k2D};
  switch (f) {
    case Form::kVMul:
    case Form::kVSmin:
    case Form::kVUmin:
    case Form::kVSmax:
    case Form::kVUmax:
    case Form::kVUrhadd:
    case Form::kVUminp:
    case Form::kVRev64:
    case Form::kVXtn:
    case Form::kVSqxtn:
    case Form::kVUqxtn:
    case Form::kVSqxtun:
    case Form::kVSaddlp:
    case Form::kVUaddlp:
    case Form::kVSshll:
    case Form::kVUshll:
    case Form::kVSmull:
    case Form::kVUmull:
      return no_d;
    case Form::kVSqrdmulh:
      return {VArr::k4H, VArr::k8H, VArr::k2S, VArr::k4S};
    case Form::kVMvni:
      return {VArr::k4H, VArr::k8H, VArr::k2S, VArr::k4S};
    case Form::kVAnd:
    case Form::kVBic:
    case Form::kVOrr:
    case Form::kVOrn:
    case Form::kVEor:
    case Form::kVBsl:
    case Form::kVBit:
    case Form::kVBif:
    case Form::kVCnt:
    case Form::kVNot:
    case Form::kVExt:
    case Form::kVTbl1:
    case Form::kVTbl2:
      return bytes;
    case Form::kVFadd:
    case Form::kVFsub:
    case Form::kVFmul:
    case Form::kVFdiv:
    case Form::kVFmin:
    case Form::kVFmax:
    case Form::kVFcmeq:
    case Form::kVFcmge:
    case Form::kVFcmgt:
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
      return fp;
    case Form::kVFcvtn:
    case Form::kVFcvtl:
      return {VArr::k2S, VArr::k4S};
    case Form::kVAddv:
    case Form::kVUmaxv:
    case Form::kVUminv:
      return {VArr::k8B, VArr::k16B, VArr::k4H, VArr::k8H, VArr::k4S};
    case Form::kVInsElem:
    case Form::kVInsGen:
    case Form::kVUmov:
    case Form::kVLd1Lane:
    case Form::kVSt1Lane:
      return {VArr::k16B, VArr::k8H, VArr::k4S, VArr::k2D};
    case Form::kVSmov:
      return {VArr::k16B, VArr::k8H, VArr::k4S};
    case Form::kVLd1r:
      return {VArr::k8B, VArr::k16B, VArr::k4H, VArr::k8H,
              VArr::k2S, VArr::k4S,  VArr::k1D, VArr::k2D};
    default:
      return all;
  }
}

}  // namespace

bool IsLabelForm(Form f) {
  switch (f) {
    case Form::kB:
    case Form::kBl:
    case Form::kBCond:
    case Form::kCbz:
    case Form::kCbnz:
    case Form::kTbz:
    case Form::kTbnz:
    case Form::kAdr:
    case Form::kLdrLit:
    case Form::kLdrFLit:
    case Form::kLdrQLit:
      return true;
    default:
      return false;
  }
}

std::vector<Inst> FormCases(Form f) {
  std::vector<Inst> out;
  const FormInfo& info = Info(f);
  auto each_reg = [&](auto&& fn) {
    for (bool w : {true, false})
      for (const auto& r : kRegs) fn(w, r[0], r[1], r[2]);
  };
  switch (f) {
    case Form::kAddImm:
    case Form::kSubImm:
    case Form::kAddsImm:
    case Form::kSubsImm:
      each_reg([&](bool w, uint8_t d, uint8_t n, uint8_t) {
        for (int64_t imm : {1, 4095, 4096, 0xfff000, 42}) {
          Inst i = Make(f, w, d, n, 0);
          i.imm = imm;
          out.push_back(i);
        }
      });
      for (int64_t imm : {8, 4096}) {  // the sp and zr ends of the slots
        Inst i = Make(f, true, info.d == SlotKind::kRsp ? kSp : kZr, kSp, 0);
        i.imm = imm;
        out.push_back(i);
        Inst j = Make(f, false, info.d == SlotKind::kRsp ? kSp : kZr, 3, 0);
        j.imm = imm;
        out.push_back(j);
      }
      break;
    case Form::kAddReg:
    case Form::kSubReg:
    case Form::kAddsReg:
    case Form::kSubsReg:
    case Form::kAndReg:
    case Form::kOrrReg:
    case Form::kEorReg:
    case Form::kAndsReg:
    case Form::kBicReg:
    case Form::kOrnReg: {
      const bool logical = f == Form::kAndReg || f == Form::kOrrReg || f == Form::kEorReg ||
                           f == Form::kAndsReg || f == Form::kBicReg || f == Form::kOrnReg;
      each_reg([&](bool w, uint8_t d, uint8_t n, uint8_t m) {
        for (Shift s : {Shift::kLsl, Shift::kLsr, Shift::kAsr, Shift::kRor}) {
          if (s == Shift::kRor && !logical) continue;
          for (uint8_t amt : {uint8_t{0}, uint8_t{1}, static_cast<uint8_t>(w ? 63 : 31)}) {
            if (amt == 0 && s != Shift::kLsl) continue;
            Inst i = Make(f, w, d, n, m);
            i.shift = s;
            i.amount = amt;
            out.push_back(i);
          }
        }
      });
      // zr in each slot (the cmp/cmn/tst/neg/mov/mvn aliases).
      out.push_back(Make(f, true, kZr, 3, 4));
      out.push_back(Make(f, false, 5, kZr, 6));
      out.push_back(Make(f, true, 5, 6, kZr));
      break;
    }
    case Form::kAddExt:
    case Form::kSubExt:
    case Form::kAddsExt:
    case Form::kSubsExt:
      each_reg([&](bool w, uint8_t d, uint8_t n, uint8_t m) {
        for (Extend e : {Extend::kUxtb, Extend::kUxth, Extend::kUxtw, Extend::kUxtx, Extend::kSxtb,
                         Extend::kSxth, Extend::kSxtw, Extend::kSxtx}) {
          for (uint8_t amt : {uint8_t{0}, uint8_t{2}, uint8_t{4}}) {
            Inst i = Make(f, w, d, n, m);
            i.extend = e;
            i.amount = amt;
            out.push_back(i);
          }
        }
      });
      for (uint8_t amt : {uint8_t{0}, uint8_t{3}}) {
        Inst i = Make(f, true, info.d == SlotKind::kRsp ? kSp : kZr, kSp, 16);
        i.amount = amt;
        out.push_back(i);
        Inst j = Make(f, true, info.d == SlotKind::kRsp ? 2 : kZr, kSp, 16);
        j.amount = amt;
        out.push_back(j);
      }
      break;
    case Form::kAndImm:
    case Form::kOrrImm:
    case Form::kEorImm:
    case Form::kAndsImm:
      for (bool w : {true, false}) {
        for (uint64_t v : {0x1ull, 0xffull, 0xff00ull, 0x55555555ull, 0x7fffffffull, 0x80000000ull,
                           0xfffffffeull, 0x0f0f0f0full}) {
          if (w && (v == 0x55555555ull || v == 0x0f0f0f0full)) continue;  // not 64-bit patterns
          Inst i = Make(f, w, 1, 2, 0);
          i.imm = static_cast<int64_t>(v);
          out.push_back(i);
        }
        if (w) {
          for (uint64_t v : {0x5555555555555555ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
                             0x00ff00ff00ff00ffull, 0xfffffffffffffffeull, 0x3ull << 62}) {
            Inst i = Make(f, true, 30, 29, 0);
            i.imm = static_cast<int64_t>(v);
            out.push_back(i);
          }
        }
      }
      {
        Inst i = Make(f, true, info.d == SlotKind::kRsp ? kSp : kZr, 4, 0);
        i.imm = 0xff0;
        out.push_back(i);
      }
      break;
    case Form::kMovz:
    case Form::kMovn:
    case Form::kMovk:
      for (bool w : {true, false}) {
        for (uint8_t d : {uint8_t{0}, uint8_t{30}, uint8_t{17}})
          for (int64_t imm : {0, 1, 0x1234, 0xffff})
            for (uint8_t sh : {uint8_t{0}, uint8_t{16}, uint8_t{32}, uint8_t{48}}) {
              if (!w && sh >= 32) continue;
              Inst i = Make(f, w, d, 0, 0);
              i.imm = imm;
              i.amount = sh;
              out.push_back(i);
            }
      }
      break;
    case Form::kMovSp:
      out.push_back(Make(f, true, 29, kSp, 0));
      out.push_back(Make(f, true, kSp, 29, 0));
      out.push_back(Make(f, true, kSp, 16, 0));
      out.push_back(Make(f, false, kSp, 3, 0));
      break;
    case Form::kMadd:
    case Form::kMsub:
      each_reg([&](bool w, uint8_t d, uint8_t n, uint8_t m) {
        out.push_back(Make(f, w, d, n, m, 5));
        out.push_back(Make(f, w, d, n, m, 30));
        out.push_back(Make(f, w, d, n, m, kZr));
      });
      break;
    case Form::kSdiv:
    case Form::kUdiv:
    case Form::kLslv:
    case Form::kLsrv:
    case Form::kAsrv:
    case Form::kRorv:
      each_reg(
          [&](bool w, uint8_t d, uint8_t n, uint8_t m) { out.push_back(Make(f, w, d, n, m)); });
      break;
    case Form::kUmulh:
    case Form::kSmulh:  // 64-bit only
      each_reg([&](bool w, uint8_t d, uint8_t n, uint8_t m) {
        if (w) out.push_back(Make(f, true, d, n, m));
      });
      break;
    case Form::kLslImm:
    case Form::kLsrImm:
    case Form::kAsrImm:
    case Form::kRorImm:
      each_reg([&](bool w, uint8_t d, uint8_t n, uint8_t) {
        for (int64_t s : {1, 7, w ? 63 : 31}) {
          Inst i = Make(f, w, d, n, 0);
          i.imm = s;
          out.push_back(i);
        }
      });
      break;
    case Form::kSxtb:
    case Form::kSxth:
      each_reg([&](bool w, uint8_t d, uint8_t n, uint8_t) { out.push_back(Make(f, w, d, n, 0)); });
      break;
    case Form::kSxtw:
      for (const auto& r : kRegs) out.push_back(Make(f, true, r[0], r[1], 0));
      break;
    case Form::kUxtb:
    case Form::kUxth:
      for (const auto& r : kRegs) out.push_back(Make(f, false, r[0], r[1], 0));
      break;
    case Form::kClz:
    case Form::kRbit:
      each_reg([&](bool w, uint8_t d, uint8_t n, uint8_t) { out.push_back(Make(f, w, d, n, 0)); });
      break;
    case Form::kCsel:
    case Form::kCsinc:
    case Form::kCsinv:
    case Form::kCsneg:
    case Form::kFcsel:
      for (int c = 0; c < 16; ++c) {
        Inst i = Make(f, c % 2 == 0, static_cast<uint8_t>(c), static_cast<uint8_t>(c + 1),
                      static_cast<uint8_t>(30 - c));
        i.f64 = c % 3 != 0;
        i.cond = static_cast<Cond>(c);
        out.push_back(i);
      }
      break;
    case Form::kCset:
      for (int c = 0; c < 14; ++c) {
        Inst i = Make(f, c % 2 == 0, static_cast<uint8_t>(2 * c), 0, 0);
        i.cond = static_cast<Cond>(c);
        out.push_back(i);
      }
      break;
    case Form::kLdr:
    case Form::kStr:
    case Form::kLdur:
    case Form::kStur:
    case Form::kLdrReg:
    case Form::kStrReg: {
      const bool load = f == Form::kLdr || f == Form::kLdur || f == Form::kLdrReg;
      for (MemKind k : {MemKind::kB, MemKind::kH, MemKind::kW, MemKind::kX, MemKind::kSB,
                        MemKind::kSH, MemKind::kSW}) {
        const bool sign = k == MemKind::kSB || k == MemKind::kSH || k == MemKind::kSW;
        if (sign && !load) continue;
        for (bool w : {true, false}) {
          if (!sign && w != (k == MemKind::kX)) continue;
          if (k == MemKind::kSW && !w) continue;
          const int size = MemSizeLog2(k);
          for (const auto& r : kRegs) {
            for (uint8_t base : {r[1], kSp}) {
              if (f == Form::kLdrReg || f == Form::kStrReg) {
                for (Extend e : {Extend::kUxtw, Extend::kUxtx, Extend::kSxtw, Extend::kSxtx}) {
                  for (uint8_t amt : {uint8_t{0}, static_cast<uint8_t>(size)}) {
                    Inst i = Make(f, w, r[0], base, r[2]);
                    i.mem = k;
                    i.extend = e;
                    i.amount = amt;
                    if (size == 0 && amt != 0) continue;
                    out.push_back(i);
                  }
                }
              } else {
                const std::vector<int64_t> offs =
                    f == Form::kLdr || f == Form::kStr
                        ? std::vector<int64_t>{0, int64_t{1} << size, int64_t{4095} << size}
                        : std::vector<int64_t>{-256, -1, 1, 255};
                for (int64_t off : offs) {
                  Inst i = Make(f, w, r[0], base, 0);
                  i.mem = k;
                  i.imm = off;
                  out.push_back(i);
                }
              }
            }
          }
          Inst z = Make(f, w, kZr, 3, 0);  // xzr as the data register
          z.mem = k;
          if (f == Form::kLdrReg || f == Form::kStrReg) z.m = 4;
          out.push_back(z);
        }
      }
      break;
    }
    case Form::kLdrLit:
      for (MemKind k : {MemKind::kW, MemKind::kX, MemKind::kSW}) {
        for (int64_t disp : {0, 4, -4, (1 << 20) - 4, -(1 << 20)}) {
          Inst i = Make(f, k != MemKind::kW, 5, 0, 0);
          i.mem = k;
          i.imm = disp;
          out.push_back(i);
        }
      }
      break;
    case Form::kLdrFLit:
      for (bool d64 : {true, false})
        for (int64_t disp : {0, 8, -4, (1 << 20) - 4, -(1 << 20)}) {
          Inst i = Make(f, true, d64 ? 31 : 2, 0, 0);
          i.f64 = d64;
          i.imm = disp;
          out.push_back(i);
        }
      break;
    case Form::kLdrF:
    case Form::kStrF:
    case Form::kLdurF:
    case Form::kSturF:
    case Form::kLdrFReg:
    case Form::kStrFReg:
      for (bool d64 : {true, false}) {
        const int size = d64 ? 3 : 2;
        for (const auto& r : kRegs) {
          for (uint8_t base : {r[1], kSp}) {
            if (f == Form::kLdrFReg || f == Form::kStrFReg) {
              for (Extend e : {Extend::kUxtw, Extend::kUxtx, Extend::kSxtw, Extend::kSxtx})
                for (uint8_t amt : {uint8_t{0}, static_cast<uint8_t>(size)}) {
                  Inst i = Make(f, true, static_cast<uint8_t>(31 - r[0]), base, r[2]);
                  i.f64 = d64;
                  i.extend = e;
                  i.amount = amt;
                  out.push_back(i);
                }
            } else {
              const std::vector<int64_t> offs =
                  f == Form::kLdrF || f == Form::kStrF
                      ? std::vector<int64_t>{0, int64_t{1} << size, int64_t{4095} << size}
                      : std::vector<int64_t>{-256, -3, 255};
              for (int64_t off : offs) {
                Inst i = Make(f, true, static_cast<uint8_t>(31 - r[0]), base, 0);
                i.f64 = d64;
                i.imm = off;
                out.push_back(i);
              }
            }
          }
        }
      }
      break;
    case Form::kStpPre:
    case Form::kLdpPost:
    case Form::kStpFPre:
    case Form::kLdpFPost:
      for (int64_t off : {-16, -512, 504, 16, 0})
        for (const auto& r : kRegs) {
          Inst i = Make(f, true, r[0], kSp, r[2]);
          i.imm = off;
          out.push_back(i);
          Inst j = Make(f, true, r[2], r[1], r[0]);
          j.imm = off;
          if (f == Form::kStpPre || f == Form::kStpFPre || j.n != j.d) out.push_back(j);
        }
      break;
    case Form::kFadd:
    case Form::kFsub:
    case Form::kFmul:
    case Form::kFdiv:
    case Form::kFmin:
    case Form::kFmax:
    case Form::kFcmp:
      for (bool d64 : {true, false})
        for (const auto& r : kRegs) {
          Inst i = Make(f, true, r[0], r[1], r[2]);
          i.f64 = d64;
          out.push_back(i);
          Inst j = Make(f, true, 31, 31, 0);
          j.f64 = d64;
          out.push_back(j);
        }
      break;
    case Form::kFsqrt:
    case Form::kFneg:
    case Form::kFabs:
    case Form::kFrintm:
    case Form::kFrintp:
    case Form::kFrintz:
    case Form::kFrintn:
    case Form::kFmovReg:
    case Form::kFcvt:
    case Form::kCnt8b:
    case Form::kAddv8b:
      for (bool d64 : {true, false})
        for (const auto& r : kRegs) {
          Inst i = Make(f, true, r[0], r[1], 0);
          i.f64 = d64;
          out.push_back(i);
          Inst j = Make(f, true, 31, static_cast<uint8_t>(31 - r[2]), 0);
          j.f64 = d64;
          out.push_back(j);
        }
      break;
    case Form::kFmovToGpr:
    case Form::kFmovFromGpr:
    case Form::kScvtf:
    case Form::kUcvtf:
    case Form::kFcvtzs:
    case Form::kFcvtzu:
      for (bool w : {true, false})
        for (bool d64 : {true, false}) {
          if ((f == Form::kFmovToGpr || f == Form::kFmovFromGpr) && w != d64) continue;
          for (const auto& r : kRegs) {
            Inst i = Make(f, w, r[0], r[1], 0);
            i.f64 = d64;
            out.push_back(i);
          }
          Inst z = Make(f, w, 31, info.n == SlotKind::kR ? kZr : 31, 0);
          z.f64 = d64;
          if (info.d == SlotKind::kR) z.d = 30;
          out.push_back(z);
        }
      break;
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
    case Form::kVOrr:
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
    case Form::kVSmull:
    case Form::kVUmull:
    case Form::kVZip1:
    case Form::kVZip2:
    case Form::kVUzp1:
    case Form::kVUzp2:
    case Form::kVTrn1:
    case Form::kVTrn2:
    case Form::kVTbl1:
    case Form::kVTbl2:
      for (VArr a : Arrangements(f))
        for (const auto& r : kRegs) {
          Inst i = Make(f, true, r[0], r[1], r[2]);
          i.arr = a;
          out.push_back(i);
        }
      if (f == Form::kVOrr) {  // the mov alias
        Inst i = Make(f, true, 31, 7, 7);
        out.push_back(i);
      }
      break;
    case Form::kVExt:
      for (VArr a : Arrangements(f))
        for (int64_t idx : {0, 1, VQ(a) ? 15 : 7}) {
          Inst i = Make(f, true, 3, 31, 16);
          i.arr = a;
          i.imm = idx;
          out.push_back(i);
        }
      break;
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
    case Form::kVUaddlp:
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
    case Form::kVFcvtn:
    case Form::kVFcvtl:
    case Form::kVAddv:
    case Form::kVUmaxv:
    case Form::kVUminv:
      for (VArr a : Arrangements(f))
        for (const auto& r : kRegs) {
          Inst i = Make(f, true, r[0], r[1], 0);
          i.arr = a;
          out.push_back(i);
        }
      break;
    case Form::kVShl:
    case Form::kVSshr:
    case Form::kVUshr:
    case Form::kVUsra:
    case Form::kVSshll:
    case Form::kVUshll: {
      const bool left = f == Form::kVShl || f == Form::kVSshll || f == Form::kVUshll;
      for (VArr a : Arrangements(f)) {
        const int64_t esize = 8 << VSize(a);
        for (int64_t sh :
             {int64_t{1}, esize / 2 + 1, left ? esize - 1 : esize, int64_t{left ? 0 : 3}}) {
          Inst i = Make(f, true, 5, 30, 0);
          i.arr = a;
          i.imm = sh;
          out.push_back(i);
        }
      }
      break;
    }
    case Form::kVDupElem:
      for (VArr a : Arrangements(f))
        for (int64_t lane : {0, 1, (8 << VQ(a)) / (1 << VSize(a)) - 1}) {
          Inst i = Make(f, true, 2, 29, 0);
          i.arr = a;
          i.imm = lane;
          out.push_back(i);
        }
      break;
    case Form::kVDupGen:
      for (VArr a : Arrangements(f)) {
        out.push_back(Make(f, true, 1, 2, 0));
        out.back().arr = a;
        out.push_back(Make(f, true, 31, kZr, 0));
        out.back().arr = a;
      }
      break;
    case Form::kVInsElem:
    case Form::kVInsGen:
    case Form::kVUmov:
    case Form::kVSmov:
    case Form::kVLd1Lane:
    case Form::kVSt1Lane:
      for (VArr a : Arrangements(f)) {
        const int64_t lanes = 16 >> VSize(a);
        for (int64_t lane : {int64_t{0}, int64_t{1}, lanes / 2, lanes - 1}) {
          for (bool x : {false, true}) {
            if (f == Form::kVSmov && !x && VSize(a) == 2) continue;  // smov w, v.s: invalid
            if (f != Form::kVSmov && x) continue;
            const bool mem = f == Form::kVLd1Lane || f == Form::kVSt1Lane;
            Inst i = Make(f, x, 3, mem ? (lane == 1 ? kSp : 17) : 28, 0);
            i.arr = a;
            i.imm = lane;
            i.amount = static_cast<uint8_t>(lanes - 1 - lane);  // ins element's source lane
            out.push_back(i);
          }
        }
      }
      break;
    case Form::kVMovi:
      for (VArr a : {VArr::k8B, VArr::k16B})
        for (int64_t v : {0x0, 0x1, 0xff, 0x80}) {
          Inst i = Make(f, true, 4, 0, 0);
          i.arr = a;
          i.imm = v;
          out.push_back(i);
        }
      // (Capstone 4 drops two leading zeros of a 2d mask whose top byte is 0; the cases keep to
      // masks with the top byte set, and 0.)
      for (int64_t v : {int64_t{0}, int64_t{-1}, static_cast<int64_t>(0xff00ff00ff00ff00ull),
                        static_cast<int64_t>(0xff000000000000ffull)}) {
        Inst i = Make(f, true, 31, 0, 0);
        i.arr = VArr::k2D;
        i.imm = v;
        out.push_back(i);
      }
      [[fallthrough]];
    case Form::kVMvni:
      for (VArr a : {VArr::k4H, VArr::k8H, VArr::k2S, VArr::k4S})
        for (uint8_t sh : {uint8_t{0}, uint8_t{8}, uint8_t{16}, uint8_t{24}}) {
          if (VSize(a) == 1 && sh > 8) continue;
          for (int64_t v : {0x1, 0xfe}) {
            Inst i = Make(f, true, 9, 0, 0);
            i.arr = a;
            i.imm = v;
            i.amount = sh;
            out.push_back(i);
          }
        }
      break;
    case Form::kLdrQ:
    case Form::kStrQ:
    case Form::kLdurQ:
    case Form::kSturQ:
    case Form::kLdrQReg:
    case Form::kStrQReg:
      for (const auto& r : kRegs) {
        for (uint8_t base : {r[1], kSp}) {
          if (f == Form::kLdrQReg || f == Form::kStrQReg) {
            for (Extend e : {Extend::kUxtw, Extend::kUxtx, Extend::kSxtw, Extend::kSxtx})
              for (uint8_t amt : {uint8_t{0}, uint8_t{4}}) {
                Inst i = Make(f, true, static_cast<uint8_t>(31 - r[0]), base, r[2]);
                i.extend = e;
                i.amount = amt;
                out.push_back(i);
              }
          } else {
            const std::vector<int64_t> offs = f == Form::kLdrQ || f == Form::kStrQ
                                                  ? std::vector<int64_t>{0, 16, 4095 * 16}
                                                  : std::vector<int64_t>{-256, -3, 255};
            for (int64_t off : offs) {
              Inst i = Make(f, true, static_cast<uint8_t>(31 - r[0]), base, 0);
              i.imm = off;
              out.push_back(i);
            }
          }
        }
      }
      break;
    case Form::kLdrQLit:
      for (int64_t disp : {0, 8, -4, (1 << 20) - 4, -(1 << 20)}) {
        Inst i = Make(f, true, 30, 0, 0);
        i.imm = disp;
        out.push_back(i);
      }
      break;
    case Form::kStpQPre:
    case Form::kLdpQPost:
      for (int64_t off : {-32, -1024, 1008, 32, 0})
        for (const auto& r : kRegs) {
          Inst i = Make(f, true, r[0], kSp, r[2]);
          i.imm = off;
          out.push_back(i);
        }
      break;
    case Form::kVLd1r:
      for (VArr a : Arrangements(f))
        for (uint8_t base : {uint8_t{0}, kSp, uint8_t{17}}) {
          Inst i = Make(f, true, 30, base, 0);
          i.arr = a;
          out.push_back(i);
        }
      break;
    case Form::kB:
    case Form::kBl:
      for (int64_t disp : {0, 4, -4, (1 << 27) - 4, -(1 << 27), 0x1000})
        out.push_back([&] {
          Inst i = Make(f, true, 0, 0, 0);
          i.imm = disp;
          return i;
        }());
      break;
    case Form::kBCond:
      for (int c = 0; c < 16; ++c) {
        for (int64_t disp : {8, -(1 << 20), (1 << 20) - 4}) {
          if (c >= 14 && disp != 8) continue;
          Inst i = Make(f, true, 0, 0, 0);
          i.cond = static_cast<Cond>(c);
          i.imm = disp;
          out.push_back(i);
        }
      }
      break;
    case Form::kCbz:
    case Form::kCbnz:
      for (bool w : {true, false})
        for (uint8_t r : {uint8_t{0}, uint8_t{30}, kZr})
          for (int64_t disp : {8, -(1 << 20), (1 << 20) - 4}) {
            Inst i = Make(f, w, r, 0, 0);
            i.imm = disp;
            out.push_back(i);
          }
      break;
    case Form::kTbz:
    case Form::kTbnz:
      for (uint8_t bit : {uint8_t{0}, uint8_t{31}, uint8_t{32}, uint8_t{63}})
        for (int64_t disp : {8, -(1 << 15), (1 << 15) - 4}) {
          Inst i = Make(f, bit >= 32, 7, 0, 0);
          i.amount = bit;
          i.imm = disp;
          out.push_back(i);
        }
      break;
    case Form::kAdr:
      for (int64_t disp : {0, 1, 3, -1, (1 << 20) - 1, -(1 << 20)}) {
        Inst i = Make(f, true, 17, 0, 0);
        i.imm = disp;
        out.push_back(i);
      }
      break;
    case Form::kBr:
    case Form::kBlr:
    case Form::kRet:
      for (uint8_t r : {uint8_t{0}, uint8_t{16}, uint8_t{17}, uint8_t{30}})
        out.push_back(Make(f, true, 0, r, 0));
      break;
    case Form::kLdar:
    case Form::kStlr:
    case Form::kLdaxr:
    case Form::kStlxr:
    case Form::kLdaddal:
    case Form::kLdclral:
    case Form::kLdeoral:
    case Form::kLdsetal:
    case Form::kSwpal:
    case Form::kCasal:
      for (MemKind k : {MemKind::kB, MemKind::kH, MemKind::kW, MemKind::kX}) {
        for (const auto& r : kRegs) {
          Inst i = Make(f, k == MemKind::kX, r[0], r[1], r[2]);
          i.mem = k;
          out.push_back(i);
        }
        Inst on_sp = Make(f, k == MemKind::kX, 3, kSp, 4);  // the base may be sp
        on_sp.mem = k;
        out.push_back(on_sp);
      }
      break;
    case Form::kDmbIsh:
      out.push_back(Make(f, true, 0, 0, 0));
      break;
    case Form::kUdf:
    case Form::kBrk:
      for (int64_t imm : {0, 1, 0x3e8, 0xffff}) {
        Inst i = Make(f, true, 0, 0, 0);
        i.imm = imm;
        out.push_back(i);
      }
      break;
  }
  return out;
}

}  // namespace egret::aarch64::testing
