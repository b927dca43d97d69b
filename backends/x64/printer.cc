// printer.cc: the AT&T printer. One case per form; the mnemonic and operand order here must stay
// in step with the encoder, which the differential test (tests/unit/backends/x64) checks.
#include "backends/x64/printer.h"

#include <string_view>

#include "support/error.h"

namespace egret::x64 {
namespace {

// a + b by appending: g++-12 -O3 reports a false -Wrestrict for `"literal" + std::string`.
std::string Cat(std::string_view a, std::string_view b) {
  std::string r;
  r.reserve(a.size() + b.size());
  r += a;
  r += b;
  return r;
}

constexpr std::string_view kAluNames[] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};

std::string_view ShiftName(ShiftOp op) {
  switch (op) {
    case ShiftOp::kRol:
      return "rol";
    case ShiftOp::kRor:
      return "ror";
    case ShiftOp::kShl:
      return "shl";
    case ShiftOp::kShr:
      return "shr";
    case ShiftOp::kSar:
      return "sar";
  }
  return "?";
}

std::string_view UnaryName(UnaryOp op) {
  switch (op) {
    case UnaryOp::kNot:
      return "not";
    case UnaryOp::kNeg:
      return "neg";
    case UnaryOp::kMul:
      return "mul";
    case UnaryOp::kImul:
      return "imul";
    case UnaryOp::kDiv:
      return "div";
    case UnaryOp::kIdiv:
      return "idiv";
  }
  return "?";
}

std::string_view BitName(BitOp op) {
  switch (op) {
    case BitOp::kLzcnt:
      return "lzcnt";
    case BitOp::kTzcnt:
      return "tzcnt";
    case BitOp::kPopcnt:
      return "popcnt";
    case BitOp::kBsr:
      return "bsr";
    case BitOp::kBsf:
      return "bsf";
  }
  return "?";
}

std::string DefaultLabelName(Label l) { return "label" + std::to_string(l.index); }

std::string LabelName(Label l, const LabelNamer& namer) {
  return namer ? namer(l) : DefaultLabelName(l);
}

// Builds "mnemonic op1, op2, ..." from pieces.
class Line {
 public:
  explicit Line(std::string_view mnemonic) : text_(mnemonic) {}
  Line& Suffix(OpSize size) {
    text_ += x64::Suffix(size);
    return *this;
  }
  Line& Mn(std::string_view more) {
    text_ += more;
    return *this;
  }
  Line& Arg(std::string_view operand) {
    text_ += first_ ? " " : ", ";
    text_ += operand;
    first_ = false;
    return *this;
  }
  Line& Imm(int64_t v) { return Arg(Cat("$", FormatNumber(v))); }
  std::string Done() { return std::move(text_); }

 private:
  std::string text_;
  bool first_ = true;
};

}  // namespace

std::string FormatNumber(int64_t v) {
  const bool neg = v < 0;
  // The magnitude as unsigned, so INT64_MIN works.
  const uint64_t mag = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  std::string s = neg ? "-" : "";
  if (mag <= 9) return s + static_cast<char>('0' + mag);
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[17];
  int n = 0;
  for (uint64_t m = mag; m != 0; m >>= 4) buf[n++] = kHex[m & 15];
  s += "0x";
  while (n > 0) s += buf[--n];
  return s;
}

std::string FormatAmode(const Amode& m, const LabelNamer& namer) {
  switch (m.kind) {
    case Amode::Kind::kRipLabel:
      return LabelName(m.label, namer) + "(%rip)";
    case Amode::Kind::kBase:
    case Amode::Kind::kBaseIndex: {
      std::string s = m.disp != 0 ? FormatNumber(m.disp) : "";
      s += "(";
      s += GprName(m.base, OpSize::k64);
      if (m.kind == Amode::Kind::kBaseIndex) {
        s += ",";
        s += GprName(m.index, OpSize::k64);
        s += ",";
        s += static_cast<char>('0' + m.scale());
      }
      s += ")";
      return s;
    }
  }
  return "?";
}

std::string PrintAtt(const Inst& inst, const LabelNamer& namer) {
  const OpSize size = inst.size;
  auto g0 = [&](OpSize s) { return GprName(inst.gpr0(), s); };
  auto g1 = [&](OpSize s) { return GprName(inst.gpr1(), s); };
  auto mem = [&] { return FormatAmode(inst.mem, namer); };
  auto imm = [&] { return ImmAtSize(inst.imm, size); };
  switch (inst.form) {
    case Form::kAluRR:
      return Line(kAluNames[inst.op]).Suffix(size).Arg(g1(size)).Arg(g0(size)).Done();
    case Form::kAluRI:
      return Line(kAluNames[inst.op]).Suffix(size).Imm(imm()).Arg(g0(size)).Done();
    case Form::kAluRM:
      return Line(kAluNames[inst.op]).Suffix(size).Arg(mem()).Arg(g0(size)).Done();
    case Form::kAluMR:
      return Line(kAluNames[inst.op]).Suffix(size).Arg(g1(size)).Arg(mem()).Done();
    case Form::kAluMI:
      return Line(kAluNames[inst.op]).Suffix(size).Imm(imm()).Arg(mem()).Done();
    case Form::kTestRR:
      return Line("test").Suffix(size).Arg(g1(size)).Arg(g0(size)).Done();
    case Form::kTestRI:
      return Line("test").Suffix(size).Imm(imm()).Arg(g0(size)).Done();
    case Form::kTestMR:
      return Line("test").Suffix(size).Arg(g1(size)).Arg(mem()).Done();
    case Form::kTestMI:
      return Line("test").Suffix(size).Imm(imm()).Arg(mem()).Done();
    case Form::kImulRR:
      return Line("imul").Suffix(size).Arg(g1(size)).Arg(g0(size)).Done();
    case Form::kImulRM:
      return Line("imul").Suffix(size).Arg(mem()).Arg(g0(size)).Done();
    case Form::kImulRRI:
      return Line("imul").Suffix(size).Imm(imm()).Arg(g1(size)).Arg(g0(size)).Done();
    case Form::kImulRMI:
      return Line("imul").Suffix(size).Imm(imm()).Arg(mem()).Arg(g0(size)).Done();
    case Form::kUnaryR:
      return Line(UnaryName(inst.unary_op())).Suffix(size).Arg(g0(size)).Done();
    case Form::kUnaryM:
      return Line(UnaryName(inst.unary_op())).Suffix(size).Arg(mem()).Done();
    case Form::kShiftRI:
      return Line(ShiftName(inst.shift_op())).Suffix(size).Imm(inst.imm).Arg(g0(size)).Done();
    case Form::kShiftRCl:
      return Line(ShiftName(inst.shift_op())).Suffix(size).Arg("%cl").Arg(g0(size)).Done();
    case Form::kAndnRRR:
      return Line("andn")
          .Suffix(size)
          .Arg(GprName(GprFromEnc(inst.r2), size))
          .Arg(g1(size))
          .Arg(g0(size))
          .Done();
    case Form::kRorxRRI:
      return Line("rorx").Suffix(size).Imm(inst.imm).Arg(g1(size)).Arg(g0(size)).Done();
    case Form::kShiftxRRR:
      return Line(ShiftName(inst.shift_op()))
          .Mn("x")
          .Suffix(size)
          .Arg(GprName(GprFromEnc(inst.r2), size))
          .Arg(g1(size))
          .Arg(g0(size))
          .Done();
    case Form::kBitRR:
      return Line(BitName(inst.bit_op())).Suffix(size).Arg(g1(size)).Arg(g0(size)).Done();
    case Form::kBitRM:
      return Line(BitName(inst.bit_op())).Suffix(size).Arg(mem()).Arg(g0(size)).Done();
    case Form::kBswap:
      return Line("bswap").Suffix(size).Arg(g0(size)).Done();
    case Form::kSignExtendAx:
      return size == OpSize::k16 ? "cwtd" : size == OpSize::k32 ? "cltd" : "cqto";
    case Form::kMovRR:
      return Line("mov").Suffix(size).Arg(g1(size)).Arg(g0(size)).Done();
    case Form::kMovRI:
      switch (inst.mov_imm_kind()) {
        case MovImmKind::kMovImm: {
          const OpSize s = size == OpSize::k64 ? OpSize::k32 : size;
          return Line("mov").Suffix(s).Imm(ImmAtSize(inst.imm, s)).Arg(g0(s)).Done();
        }
        case MovImmKind::kMovSext32:
          return Line("movq").Imm(inst.imm).Arg(g0(size)).Done();
        case MovImmKind::kMovAbs:
          return Line("movabsq").Imm(inst.imm).Arg(g0(size)).Done();
      }
      return "?";
    case Form::kMovRM:
      return Line("mov").Suffix(size).Arg(mem()).Arg(g0(size)).Done();
    case Form::kMovMR:
      return Line("mov").Suffix(size).Arg(g1(size)).Arg(mem()).Done();
    case Form::kMovMI:
      return Line("mov").Suffix(size).Imm(imm()).Arg(mem()).Done();
    case Form::kMovzxRR:
    case Form::kMovzxRM:
    case Form::kMovsxRR:
    case Form::kMovsxRM: {
      const bool is_mem = inst.form == Form::kMovzxRM || inst.form == Form::kMovsxRM;
      const bool sign = inst.form == Form::kMovsxRR || inst.form == Form::kMovsxRM;
      if (!sign && inst.src_size == OpSize::k32) {
        // A 32-bit mov zero-extends; that is what is encoded.
        return Line("movl")
            .Arg(is_mem ? mem() : std::string(g1(OpSize::k32)))
            .Arg(g0(OpSize::k32))
            .Done();
      }
      return Line(sign ? "movs" : "movz")
          .Suffix(inst.src_size)
          .Suffix(size)
          .Arg(is_mem ? mem() : std::string(g1(inst.src_size)))
          .Arg(g0(size))
          .Done();
    }
    case Form::kLea:
      return Line("lea").Suffix(size).Arg(mem()).Arg(g0(size)).Done();
    case Form::kSetcc:
      return Line("set").Mn(CondCodeName(inst.cc)).Arg(g0(OpSize::k8)).Done();
    case Form::kCmovRR:
      return Line("cmov").Mn(CondCodeName(inst.cc)).Suffix(size).Arg(g1(size)).Arg(g0(size)).Done();
    case Form::kCmovRM:
      return Line("cmov").Mn(CondCodeName(inst.cc)).Suffix(size).Arg(mem()).Arg(g0(size)).Done();
    case Form::kPushR:
      return Line("pushq").Arg(g0(OpSize::k64)).Done();
    case Form::kPushI:
      return Line("pushq").Imm(inst.imm).Done();
    case Form::kPopR:
      return Line("popq").Arg(g0(OpSize::k64)).Done();
    case Form::kRet:
      if (inst.imm == 0) return "retq";
      return Line("retq").Imm(inst.imm).Done();
    case Form::kCallRel32:
      return Line("callq").Arg(LabelName(inst.label, namer)).Done();
    case Form::kCallR:
      return Line("callq").Arg(Cat("*", g0(OpSize::k64))).Done();
    case Form::kCallM:
      return Line("callq").Arg(Cat("*", mem())).Done();
    case Form::kJmpRel32:
    case Form::kJmpRel8:
      return Line("jmp").Arg(LabelName(inst.label, namer)).Done();
    case Form::kJmpR:
      return Line("jmpq").Arg(Cat("*", g0(OpSize::k64))).Done();
    case Form::kJmpM:
      return Line("jmpq").Arg(Cat("*", mem())).Done();
    case Form::kJccRel32:
    case Form::kJccRel8:
      return Line("j").Mn(CondCodeName(inst.cc)).Arg(LabelName(inst.label, namer)).Done();
    case Form::kAtomicMR: {
      constexpr std::string_view kNames[] = {"xchg", "lock xadd", "lock cmpxchg"};
      return Line(kNames[inst.op]).Suffix(size).Arg(g1(size)).Arg(mem()).Done();
    }
    case Form::kMfence:
      return "mfence";
    case Form::kUd2:
      return "ud2";
    case Form::kInt3:
      return "int3";
    case Form::kNop:
      // The operands of the recommended multi-byte nops (see encoder.cc).
      switch (inst.imm) {
        case 1:
        case 2:
          return "nop";
        case 3:
        case 4:
        case 7:
          return "nopl (%rax)";
        case 5:
        case 8:
          return "nopl (%rax,%rax,1)";
        default:
          return "nopw (%rax,%rax,1)";
      }
    case Form::kSseRR:
    case Form::kSseRM: {
      const SseOpInfo& info = GetSseOpInfo(inst.sse_op());
      // cmpps/cmppd with predicates 0-7 print as the assemblers' aliases (cmpltps, ...).
      static constexpr std::string_view kCmpPredicates[] = {"eq",  "lt",  "le",  "unord",
                                                            "neq", "nlt", "nle", "ord"};
      const bool cmp = inst.sse_op() == SseOp::kCmpps || inst.sse_op() == SseOp::kCmppd;
      if (cmp && inst.imm >= 0 && inst.imm < 8) {
        const std::string m = "cmp" + std::string(kCmpPredicates[inst.imm]) +
                              (inst.sse_op() == SseOp::kCmpps ? "ps" : "pd");
        Line line(m);
        line.Arg(inst.form == Form::kSseRR ? std::string(XmmName(inst.xmm1())) : mem());
        return line.Arg(XmmName(inst.xmm0())).Done();
      }
      Line line(info.mnemonic);
      if (info.has_imm8) line.Imm(inst.imm);
      if (inst.form == Form::kSseRR) {
        line.Arg(XmmName(inst.xmm1()));
      } else {
        line.Arg(mem());
      }
      return line.Arg(XmmName(inst.xmm0())).Done();
    }
    case Form::kSseMR:
      return Line(GetSseOpInfo(inst.sse_op()).mnemonic).Arg(XmmName(inst.xmm1())).Arg(mem()).Done();
    case Form::kVexRRR:
    case Form::kVexRRM: {
      const std::string mnemonic = "v" + std::string(GetSseOpInfo(inst.sse_op()).mnemonic);
      Line line(mnemonic);
      if (inst.form == Form::kVexRRR) {
        line.Arg(XmmName(XmmFromEnc(inst.r2)));
      } else {
        line.Arg(mem());
      }
      return line.Arg(XmmName(inst.xmm1())).Arg(XmmName(inst.xmm0())).Done();
    }
    case Form::kXmmShiftRI:
      return Line(GetXmmShiftOpInfo(inst.xmm_shift_op()).mnemonic)
          .Imm(inst.imm)
          .Arg(XmmName(inst.xmm0()))
          .Done();
    case Form::kPextrRRI:
      return Line(size == OpSize::k8    ? "pextrb"
                  : size == OpSize::k16 ? "pextrw"
                  : size == OpSize::k32 ? "pextrd"
                                        : "pextrq")
          .Imm(inst.imm)
          .Arg(XmmName(inst.xmm1()))
          .Arg(g0(size == OpSize::k64 ? OpSize::k64 : OpSize::k32))
          .Done();
    case Form::kPinsrRRI:
    case Form::kPinsrRMI:
      return Line(size == OpSize::k8    ? "pinsrb"
                  : size == OpSize::k16 ? "pinsrw"
                  : size == OpSize::k32 ? "pinsrd"
                                        : "pinsrq")
          .Imm(inst.imm)
          .Arg(inst.form == Form::kPinsrRMI
                   ? mem()
                   : std::string(g1(size == OpSize::k64 ? OpSize::k64 : OpSize::k32)))
          .Arg(XmmName(inst.xmm0()))
          .Done();
    case Form::kMovmskRR:
      return Line(inst.mask_op() == MaskOp::kPmovmskb   ? "pmovmskb"
                  : inst.mask_op() == MaskOp::kMovmskps ? "movmskps"
                                                        : "movmskpd")
          .Arg(XmmName(inst.xmm1()))
          .Arg(g0(OpSize::k32))
          .Done();
    case Form::kGprToXmm:
      return Line(size == OpSize::k64 ? "movq" : "movd")
          .Arg(g1(size))
          .Arg(XmmName(inst.xmm0()))
          .Done();
    case Form::kXmmToGpr:
      return Line(size == OpSize::k64 ? "movq" : "movd")
          .Arg(XmmName(inst.xmm1()))
          .Arg(g0(size))
          .Done();
    case Form::kCvtSi2FpR:
    case Form::kCvtSi2FpM:
      return Line(inst.fp == FpSize::kF32 ? "cvtsi2ss" : "cvtsi2sd")
          .Suffix(size)
          .Arg(inst.form == Form::kCvtSi2FpM ? mem() : std::string(g1(size)))
          .Arg(XmmName(inst.xmm0()))
          .Done();
    case Form::kCvttFp2SiR:
    case Form::kCvttFp2SiM:
      return Line(inst.fp == FpSize::kF32 ? "cvttss2si" : "cvttsd2si")
          .Arg(inst.form == Form::kCvttFp2SiM ? mem() : std::string(XmmName(inst.xmm1())))
          .Arg(g0(size))
          .Done();
  }
  EGRET_CHECK(false && "unknown form");
  return "";
}

}  // namespace egret::x64
