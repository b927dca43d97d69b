// form_cases.cc: operand combinations per form for the differential test.
#include "tests/unit/backends/x64/form_cases.h"

#include <cstdint>

#include "support/error.h"

namespace egret::x64::testing {
namespace {

constexpr OpSize kAllSizes[] = {OpSize::k8, OpSize::k16, OpSize::k32, OpSize::k64};
constexpr OpSize kWordSizes[] = {OpSize::k16, OpSize::k32, OpSize::k64};
constexpr OpSize k32And64[] = {OpSize::k32, OpSize::k64};
constexpr FpSize kFpSizes[] = {FpSize::kF32, FpSize::kF64};

// Immediates around every encoding boundary (imm8, imm16, imm32, u32, 64-bit).
constexpr int64_t kImms[] = {0,
                             1,
                             -1,
                             9,
                             10,
                             127,
                             128,
                             -128,
                             -129,
                             255,
                             256,
                             32767,
                             32768,
                             -32768,
                             -32769,
                             65535,
                             65536,
                             INT32_MAX,
                             INT32_MIN,
                             int64_t{INT32_MAX} + 1,
                             int64_t{UINT32_MAX},
                             int64_t{UINT32_MAX} + 1,
                             int64_t{INT32_MIN} - 1,
                             0x123456789abcdef,
                             INT64_MAX,
                             INT64_MIN};

// Displacements around the disp8/disp32 boundaries.
constexpr int32_t kDisps[] = {0, 1, -1, 127, 128, -128, -129, 0x12345678, INT32_MIN};

Gpr G(int i) { return GprFromEnc(static_cast<unsigned>(i) & 15); }
Xmm X(int i) { return XmmFromEnc(static_cast<unsigned>(i) & 15); }

std::vector<int64_t> ImmsFor(OpSize size) {
  std::vector<int64_t> out;
  for (int64_t v : kImms) {
    if (ImmFitsSize(v, size)) out.push_back(v);
  }
  return out;
}

// Calls f(dst, src) for every pair of GPR encodings.
template <class F>
void AllPairs(F f) {
  for (int a = 0; a < 16; ++a) {
    for (int b = 0; b < 16; ++b) f(a, b);
  }
}

// Calls f(k, amode) for every addressing mode; k lets the caller rotate other operands.
template <class F>
void EachAmode(F f) {
  int k = 0;
  for (const Amode& m : AllAmodes()) f(k++, m);
}

std::vector<Inst> Generate(Form form) {
  std::vector<Inst> v;
  switch (form) {
    case Form::kAluRR:
      for (AluOp op : kAllAluOps) {
        for (OpSize s : kAllSizes)
          AllPairs([&](int a, int b) { v.push_back(Inst::AluRR(op, s, G(a), G(b))); });
      }
      break;
    case Form::kAluRI:
      for (AluOp op : kAllAluOps) {
        for (OpSize s : kAllSizes) {
          for (int r = 0; r < 16; ++r) {
            for (int64_t imm : ImmsFor(s)) v.push_back(Inst::AluRI(op, s, G(r), imm));
          }
        }
      }
      break;
    case Form::kAluRM:
      for (AluOp op : kAllAluOps) {
        for (OpSize s : kAllSizes)
          EachAmode([&](int k, const Amode& m) { v.push_back(Inst::AluRM(op, s, G(k), m)); });
      }
      break;
    case Form::kAluMR:
      for (AluOp op : kAllAluOps) {
        for (OpSize s : kAllSizes)
          EachAmode([&](int k, const Amode& m) { v.push_back(Inst::AluMR(op, s, m, G(k + 3))); });
      }
      break;
    case Form::kAluMI:
      for (AluOp op : kAllAluOps) {
        for (OpSize s : kAllSizes) {
          const std::vector<int64_t> imms = ImmsFor(s);
          EachAmode([&](int k, const Amode& m) {
            v.push_back(Inst::AluMI(op, s, m, imms[k % imms.size()]));
          });
        }
      }
      break;
    case Form::kTestRR:
      for (OpSize s : kAllSizes)
        AllPairs([&](int a, int b) { v.push_back(Inst::TestRR(s, G(a), G(b))); });
      break;
    case Form::kTestRI:
      for (OpSize s : kAllSizes) {
        for (int r = 0; r < 16; ++r) {
          for (int64_t imm : ImmsFor(s)) v.push_back(Inst::TestRI(s, G(r), imm));
        }
      }
      break;
    case Form::kTestMR:
      for (OpSize s : kAllSizes)
        EachAmode([&](int k, const Amode& m) { v.push_back(Inst::TestMR(s, m, G(k))); });
      break;
    case Form::kTestMI:
      for (OpSize s : kAllSizes) {
        const std::vector<int64_t> imms = ImmsFor(s);
        EachAmode(
            [&](int k, const Amode& m) { v.push_back(Inst::TestMI(s, m, imms[k % imms.size()])); });
      }
      break;
    case Form::kImulRR:
      for (OpSize s : kWordSizes)
        AllPairs([&](int a, int b) { v.push_back(Inst::ImulRR(s, G(a), G(b))); });
      break;
    case Form::kImulRM:
      for (OpSize s : kWordSizes)
        EachAmode([&](int k, const Amode& m) { v.push_back(Inst::ImulRM(s, G(k), m)); });
      break;
    case Form::kImulRRI:
      for (OpSize s : kWordSizes) {
        const std::vector<int64_t> imms = ImmsFor(s);
        int k = 0;
        AllPairs([&](int a, int b) {
          v.push_back(Inst::ImulRRI(s, G(a), G(b), imms[k++ % imms.size()]));
        });
        for (int64_t imm : imms) v.push_back(Inst::ImulRRI(s, Gpr::kR13, Gpr::kRsp, imm));
      }
      break;
    case Form::kImulRMI:
      for (OpSize s : kWordSizes) {
        const std::vector<int64_t> imms = ImmsFor(s);
        EachAmode([&](int k, const Amode& m) {
          v.push_back(Inst::ImulRMI(s, G(k), m, imms[k % imms.size()]));
        });
      }
      break;
    case Form::kUnaryR:
      for (UnaryOp op : kAllUnaryOps) {
        for (OpSize s : kAllSizes) {
          for (int r = 0; r < 16; ++r) v.push_back(Inst::UnaryR(op, s, G(r)));
        }
      }
      break;
    case Form::kUnaryM:
      for (UnaryOp op : kAllUnaryOps) {
        for (OpSize s : kAllSizes)
          EachAmode([&](int, const Amode& m) { v.push_back(Inst::UnaryM(op, s, m)); });
      }
      break;
    case Form::kShiftRI:
      for (ShiftOp op : kAllShiftOps) {
        for (OpSize s : kAllSizes) {
          for (int r = 0; r < 16; ++r) {
            for (int count : {0, 1, 2, 7, 8, 31, 32, 63, 255}) {
              v.push_back(Inst::ShiftRI(op, s, G(r), static_cast<uint8_t>(count)));
            }
          }
        }
      }
      break;
    case Form::kShiftRCl:
      for (ShiftOp op : kAllShiftOps) {
        for (OpSize s : kAllSizes) {
          for (int r = 0; r < 16; ++r) v.push_back(Inst::ShiftRCl(op, s, G(r)));
        }
      }
      break;
    case Form::kBitRR:
      for (BitOp op : kAllBitOps) {
        for (OpSize s : kWordSizes)
          AllPairs([&](int a, int b) { v.push_back(Inst::BitRR(op, s, G(a), G(b))); });
      }
      break;
    case Form::kBitRM:
      for (BitOp op : kAllBitOps) {
        for (OpSize s : kWordSizes)
          EachAmode([&](int k, const Amode& m) { v.push_back(Inst::BitRM(op, s, G(k), m)); });
      }
      break;
    case Form::kBswap:
      for (OpSize s : k32And64) {
        for (int r = 0; r < 16; ++r) v.push_back(Inst::Bswap(s, G(r)));
      }
      break;
    case Form::kSignExtendAx:
      for (OpSize s : kWordSizes) v.push_back(Inst::SignExtendAx(s));
      break;
    case Form::kMovRR:
      for (OpSize s : kAllSizes)
        AllPairs([&](int a, int b) { v.push_back(Inst::MovRR(s, G(a), G(b))); });
      break;
    case Form::kMovRI:
      for (OpSize s : kAllSizes) {
        for (int r = 0; r < 16; ++r) {
          for (int64_t imm : kImms) {
            if (s == OpSize::k64 || ImmFitsSize(imm, s)) v.push_back(Inst::MovRI(s, G(r), imm));
          }
        }
      }
      break;
    case Form::kMovRM:
      for (OpSize s : kAllSizes)
        EachAmode([&](int k, const Amode& m) { v.push_back(Inst::MovRM(s, G(k), m)); });
      break;
    case Form::kMovMR:
      for (OpSize s : kAllSizes)
        EachAmode([&](int k, const Amode& m) { v.push_back(Inst::MovMR(s, m, G(k + 5))); });
      break;
    case Form::kMovMI:
      for (OpSize s : kAllSizes) {
        const std::vector<int64_t> imms = ImmsFor(s);
        EachAmode(
            [&](int k, const Amode& m) { v.push_back(Inst::MovMI(s, m, imms[k % imms.size()])); });
      }
      break;
    case Form::kMovzxRR:
    case Form::kMovsxRR:
    case Form::kMovzxRM:
    case Form::kMovsxRM: {
      const bool sign = form == Form::kMovsxRR || form == Form::kMovsxRM;
      const bool mem = form == Form::kMovzxRM || form == Form::kMovsxRM;
      for (OpSize from : {OpSize::k8, OpSize::k16, OpSize::k32}) {
        for (OpSize to : {OpSize::k16, OpSize::k32, OpSize::k64}) {
          if (static_cast<int>(to) <= static_cast<int>(from)) continue;
          if (from == OpSize::k32 && to != OpSize::k64) continue;
          if (mem) {
            EachAmode([&](int k, const Amode& m) {
              v.push_back(sign ? Inst::MovsxRM(from, to, G(k), m)
                               : Inst::MovzxRM(from, to, G(k), m));
            });
          } else {
            AllPairs([&](int a, int b) {
              v.push_back(sign ? Inst::MovsxRR(from, to, G(a), G(b))
                               : Inst::MovzxRR(from, to, G(a), G(b)));
            });
          }
        }
      }
      break;
    }
    case Form::kLea:
      for (OpSize s : k32And64)
        EachAmode([&](int k, const Amode& m) { v.push_back(Inst::Lea(s, G(k), m)); });
      break;
    case Form::kSetcc:
      for (int cc = 0; cc < kNumCondCodes; ++cc) {
        for (int r = 0; r < 16; ++r) v.push_back(Inst::Setcc(static_cast<CondCode>(cc), G(r)));
      }
      break;
    case Form::kCmovRR:
      for (int cc = 0; cc < kNumCondCodes; ++cc) {
        for (OpSize s : kWordSizes)
          AllPairs([&](int a, int b) {
            v.push_back(Inst::CmovRR(static_cast<CondCode>(cc), s, G(a), G(b)));
          });
      }
      break;
    case Form::kCmovRM:
      for (int cc = 0; cc < kNumCondCodes; ++cc) {
        for (OpSize s : kWordSizes) {
          EachAmode([&](int k, const Amode& m) {
            if (k % 4 == cc % 4) v.push_back(Inst::CmovRM(static_cast<CondCode>(cc), s, G(k), m));
          });
        }
      }
      break;
    case Form::kPushR:
      for (int r = 0; r < 16; ++r) v.push_back(Inst::PushR(G(r)));
      break;
    case Form::kPushI:
      for (int64_t imm : kImms) {
        if (FitsSimm32(imm)) v.push_back(Inst::PushI(static_cast<int32_t>(imm)));
      }
      break;
    case Form::kPopR:
      for (int r = 0; r < 16; ++r) v.push_back(Inst::PopR(G(r)));
      break;
    case Form::kRet:
      v.push_back(Inst::Ret());
      v.push_back(Inst::Ret(16));
      v.push_back(Inst::Ret(0x1230));
      break;
    case Form::kCallRel32:
      for (uint32_t l = 0; l < kNumTestLabels; ++l) v.push_back(Inst::CallRel32(Label(l)));
      break;
    case Form::kCallR:
      for (int r = 0; r < 16; ++r) v.push_back(Inst::CallR(G(r)));
      break;
    case Form::kCallM:
      EachAmode([&](int, const Amode& m) { v.push_back(Inst::CallM(m)); });
      break;
    case Form::kJmpRel32:
      for (uint32_t l = 0; l < kNumTestLabels; ++l) v.push_back(Inst::JmpRel32(Label(l)));
      break;
    case Form::kJmpRel8:
      for (uint32_t l = 0; l < kNumTestLabels; ++l) v.push_back(Inst::JmpRel8(Label(l)));
      break;
    case Form::kJmpR:
      for (int r = 0; r < 16; ++r) v.push_back(Inst::JmpR(G(r)));
      break;
    case Form::kJmpM:
      EachAmode([&](int, const Amode& m) { v.push_back(Inst::JmpM(m)); });
      break;
    case Form::kJccRel32:
    case Form::kJccRel8:
      for (int cc = 0; cc < kNumCondCodes; ++cc) {
        for (uint32_t l = 0; l < kNumTestLabels; ++l) {
          const CondCode c = static_cast<CondCode>(cc);
          v.push_back(form == Form::kJccRel32 ? Inst::JccRel32(c, Label(l))
                                              : Inst::JccRel8(c, Label(l)));
        }
      }
      break;
    case Form::kAtomicMR:
      for (AtomicOp op : kAllAtomicOps) {
        for (OpSize s : kAllSizes)
          EachAmode(
              [&](int k, const Amode& m) { v.push_back(Inst::AtomicMR(op, s, m, G(k + 2))); });
      }
      break;
    case Form::kMfence:
      v.push_back(Inst::Mfence());
      break;
    case Form::kUd2:
      v.push_back(Inst::Ud2());
      break;
    case Form::kInt3:
      v.push_back(Inst::Int3());
      break;
    case Form::kNop:
      for (int n = 1; n <= 9; ++n) v.push_back(Inst::Nop(n));
      break;
    case Form::kSseRR:
      for (int op = 0; op < kNumSseOps; ++op) {
        const SseOp o = static_cast<SseOp>(op);
        int k = 0;
        AllPairs([&](int a, int b) {
          v.push_back(GetSseOpInfo(o).has_imm8
                          ? Inst::SseRRImm(o, X(a), X(b), static_cast<uint8_t>(k++ % 16))
                          : Inst::SseRR(o, X(a), X(b)));
        });
      }
      break;
    case Form::kSseRM:
      for (int op = 0; op < kNumSseOps; ++op) {
        const SseOp o = static_cast<SseOp>(op);
        EachAmode([&](int k, const Amode& m) {
          v.push_back(GetSseOpInfo(o).has_imm8
                          ? Inst::SseRMImm(o, X(k), m, static_cast<uint8_t>(k % 16))
                          : Inst::SseRM(o, X(k), m));
        });
      }
      break;
    case Form::kAndnRRR:
      for (OpSize s : {OpSize::k32, OpSize::k64}) {
        int k = 0;
        AllPairs([&](int a, int b) {
          v.push_back(Inst::AndnRRR(s, G(a), G((a + b + k++) % 16), G(b)));
        });
      }
      break;
    case Form::kRorxRRI:
      for (OpSize s : {OpSize::k32, OpSize::k64}) {
        int k = 0;
        AllPairs([&](int a, int b) {
          v.push_back(Inst::RorxRRI(s, G(a), G(b), static_cast<uint8_t>(k++ % Bits(s))));
        });
      }
      break;
    case Form::kShiftxRRR:
      for (ShiftOp op : {ShiftOp::kShl, ShiftOp::kShr, ShiftOp::kSar}) {
        for (OpSize s : {OpSize::k32, OpSize::k64}) {
          int k = 0;
          AllPairs([&](int a, int b) {
            v.push_back(Inst::ShiftxRRR(op, s, G(a), G(b), G((a + b + k++) % 16)));
          });
        }
      }
      break;
    case Form::kVexRRR:
      // Every register in each of the three positions (R, vvvv and B all exercised).
      for (int op = 0; op < kNumSseOps; ++op) {
        const SseOp o = static_cast<SseOp>(op);
        if (!HasVexForm(o)) continue;
        int k = 0;
        AllPairs(
            [&](int a, int b) { v.push_back(Inst::VexRRR(o, X(a), X((a + b + k++) % 16), X(b))); });
      }
      break;
    case Form::kVexRRM:
      for (int op = 0; op < kNumSseOps; ++op) {
        const SseOp o = static_cast<SseOp>(op);
        if (!HasVexForm(o)) continue;
        EachAmode([&](int k, const Amode& m) {
          v.push_back(Inst::VexRRM(o, X(k), X((k * 7 + 3) % 16), m));
        });
      }
      break;
    case Form::kSseMR:
      for (int op = 0; op < kNumSseOps; ++op) {
        const SseOp o = static_cast<SseOp>(op);
        if (GetSseOpInfo(o).store_opcode == 0) continue;
        EachAmode([&](int k, const Amode& m) { v.push_back(Inst::SseMR(o, m, X(k + 7))); });
      }
      break;
    case Form::kXmmShiftRI:
      for (int op = 0; op < kNumXmmShiftOps; ++op) {
        const auto o = static_cast<XmmShiftOp>(op);
        for (int r = 0; r < 16; ++r)
          for (uint8_t c : {0, 1, 7, 15, 16, 63, 255}) v.push_back(Inst::XmmShiftRI(o, X(r), c));
      }
      break;
    case Form::kPextrRRI:
      for (OpSize s : {OpSize::k8, OpSize::k16, OpSize::k32, OpSize::k64}) {
        int k = 0;
        const int lanes = 16 / (Bits(s) / 8);
        AllPairs([&](int a, int b) {
          v.push_back(Inst::PextrRRI(s, G(a), X(b), static_cast<uint8_t>(k++ % lanes)));
        });
      }
      break;
    case Form::kPinsrRRI:
      for (OpSize s : {OpSize::k8, OpSize::k16, OpSize::k32, OpSize::k64}) {
        int k = 0;
        const int lanes = 16 / (Bits(s) / 8);
        AllPairs([&](int a, int b) {
          v.push_back(Inst::PinsrRRI(s, X(a), G(b), static_cast<uint8_t>(k++ % lanes)));
        });
      }
      break;
    case Form::kPinsrRMI:
      for (OpSize s : {OpSize::k8, OpSize::k16, OpSize::k32, OpSize::k64}) {
        const int lanes = 16 / (Bits(s) / 8);
        EachAmode([&](int k, const Amode& m) {
          v.push_back(Inst::PinsrRMI(s, X(k), m, static_cast<uint8_t>(k % lanes)));
        });
      }
      break;
    case Form::kMovmskRR:
      for (MaskOp op : kAllMaskOps)
        AllPairs([&](int a, int b) { v.push_back(Inst::MovmskRR(op, G(a), X(b))); });
      break;
    case Form::kGprToXmm:
      for (OpSize s : k32And64)
        AllPairs([&](int a, int b) { v.push_back(Inst::GprToXmm(s, X(a), G(b))); });
      break;
    case Form::kXmmToGpr:
      for (OpSize s : k32And64)
        AllPairs([&](int a, int b) { v.push_back(Inst::XmmToGpr(s, G(a), X(b))); });
      break;
    case Form::kCvtSi2FpR:
      for (FpSize fp : kFpSizes) {
        for (OpSize s : k32And64)
          AllPairs([&](int a, int b) { v.push_back(Inst::CvtSi2FpR(fp, s, X(a), G(b))); });
      }
      break;
    case Form::kCvtSi2FpM:
      for (FpSize fp : kFpSizes) {
        for (OpSize s : k32And64)
          EachAmode([&](int k, const Amode& m) { v.push_back(Inst::CvtSi2FpM(fp, s, X(k), m)); });
      }
      break;
    case Form::kCvttFp2SiR:
      for (FpSize fp : kFpSizes) {
        for (OpSize s : k32And64)
          AllPairs([&](int a, int b) { v.push_back(Inst::CvttFp2SiR(fp, s, G(a), X(b))); });
      }
      break;
    case Form::kCvttFp2SiM:
      for (FpSize fp : kFpSizes) {
        for (OpSize s : k32And64)
          EachAmode([&](int k, const Amode& m) { v.push_back(Inst::CvttFp2SiM(fp, s, G(k), m)); });
      }
      break;
  }
  return v;
}

}  // namespace

const std::vector<Amode>& AllAmodes() {
  static const std::vector<Amode> amodes = [] {
    std::vector<Amode> v;
    // Every base (rsp/r12 need a SIB, rbp/r13 need a disp8 of 0) with every displacement class.
    for (int b = 0; b < 16; ++b) {
      for (int32_t d : kDisps) v.push_back(Amode::Base(G(b), d));
    }
    // Every base with every possible index (all but rsp; r12 is a valid index), scales and
    // displacements rotating.
    int k = 0;
    for (int b = 0; b < 16; ++b) {
      for (int i = 0; i < 16; ++i) {
        if (i == Enc(Gpr::kRsp)) continue;
        v.push_back(Amode::BaseIndex(G(b), G(i), 1 << (k % 4), kDisps[k % std::size(kDisps)]));
        ++k;
      }
    }
    // Every scale with the special-case bases.
    for (Gpr b : {Gpr::kRsp, Gpr::kRbp, Gpr::kR12, Gpr::kR13}) {
      for (int scale : {1, 2, 4, 8}) v.push_back(Amode::BaseIndex(b, Gpr::kR12, scale, 0));
    }
    // No base: every index (r12 and r13 included), scales and displacements rotating.
    for (int i = 0; i < 16; ++i) {
      if (i == Enc(Gpr::kRsp)) continue;
      v.push_back(Amode::Index(G(i), 1 << (i % 4), kDisps[i % std::size(kDisps)]));
    }
    for (uint32_t l = 0; l < kNumTestLabels; ++l) v.push_back(Amode::RipLabel(Label(l)));
    return v;
  }();
  return amodes;
}

std::vector<Inst> CasesFor(Form form) { return Generate(form); }

const std::vector<Family>& Families() {
  static const std::vector<Family> families = {
      {"Alu", {Form::kAluRR, Form::kAluRI, Form::kAluRM, Form::kAluMR, Form::kAluMI}},
      {"Test", {Form::kTestRR, Form::kTestRI, Form::kTestMR, Form::kTestMI}},
      {"Imul", {Form::kImulRR, Form::kImulRM, Form::kImulRRI, Form::kImulRMI}},
      {"UnaryAndShift", {Form::kUnaryR, Form::kUnaryM, Form::kShiftRI, Form::kShiftRCl}},
      {"BitCount", {Form::kBitRR, Form::kBitRM, Form::kBswap, Form::kSignExtendAx}},
      {"Mov", {Form::kMovRR, Form::kMovRI, Form::kMovRM, Form::kMovMR, Form::kMovMI}},
      {"ExtendAndLea",
       {Form::kMovzxRR, Form::kMovzxRM, Form::kMovsxRR, Form::kMovsxRM, Form::kLea}},
      {"Conditional", {Form::kSetcc, Form::kCmovRR, Form::kCmovRM}},
      {"Stack", {Form::kPushR, Form::kPushI, Form::kPopR, Form::kRet}},
      {"Branch",
       {Form::kCallRel32, Form::kCallR, Form::kCallM, Form::kJmpRel32, Form::kJmpRel8, Form::kJmpR,
        Form::kJmpM, Form::kJccRel32, Form::kJccRel8}},
      {"Misc", {Form::kUd2, Form::kInt3, Form::kNop}},
      {"Atomic", {Form::kAtomicMR, Form::kMfence}},
      {"Sse", {Form::kSseRR, Form::kSseRM, Form::kSseMR}},
      {"Simd",
       {Form::kXmmShiftRI, Form::kPextrRRI, Form::kPinsrRRI, Form::kPinsrRMI, Form::kMovmskRR}},
      {"Vex", {Form::kVexRRR, Form::kVexRRM}},
      {"Bmi", {Form::kAndnRRR, Form::kRorxRRI, Form::kShiftxRRR}},
      {"SseConvert",
       {Form::kGprToXmm, Form::kXmmToGpr, Form::kCvtSi2FpR, Form::kCvtSi2FpM, Form::kCvttFp2SiR,
        Form::kCvttFp2SiM}},
  };
  return families;
}

const Family& FamilyNamed(std::string_view name) {
  for (const Family& f : Families()) {
    if (f.name == name) return f;
  }
  EGRET_CHECK(false && "unknown family");
  return Families()[0];
}

int ImmBits(const Inst& inst) {
  switch (inst.form()) {
    case Form::kMovRI:
      if (inst.mov_imm_kind() == MovImmKind::kMovImm) {
        const OpSize size = inst.As<forms::MovRI>().size;
        return size == OpSize::k64 ? 32 : Bits(size);
      }
      return 64;
    case Form::kPushI:
      return 64;
    case Form::kShiftRI:
    case Form::kRorxRRI:
    case Form::kSseRR:
    case Form::kSseRM:
    case Form::kXmmShiftRI:
    case Form::kPextrRRI:
    case Form::kPinsrRRI:
    case Form::kPinsrRMI:
      return 8;
    default:
      // The ALU, test, imul and mov-to-memory immediates are taken at the operand size.
      return inst.Visit([](const auto& p) {
        if constexpr (requires { p.size; }) {
          return Bits(p.size);
        } else {
          return 64;
        }
      });
  }
}

int64_t LabelDelta(LabelUse use, uint32_t label_index) {
  static constexpr int64_t kRel8[kNumTestLabels] = {0, 5, 127, -128, -2};
  static constexpr int64_t kRel32[kNumTestLabels] = {0, 0x12345, -0x1000, INT32_MAX, INT32_MIN};
  EGRET_CHECK(label_index < kNumTestLabels);
  return use == LabelUse::kJmpRel8 ? kRel8[label_index] : kRel32[label_index];
}

}  // namespace egret::x64::testing
