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

// movz*/movs*: `src` and `dst` at their sizes; a 32-to-64 zero extension is the 32-bit mov that
// is encoded, printed with `src32`/`dst32`.
std::string PrintExtend(bool sign, OpSize src_size, OpSize size, std::string_view src,
                        std::string_view dst, std::string_view src32, std::string_view dst32) {
  if (!sign && src_size == OpSize::k32) return Line("movl").Arg(src32).Arg(dst32).Done();
  return Line(sign ? "movs" : "movz").Suffix(src_size).Suffix(size).Arg(src).Arg(dst).Done();
}

// SseRR/SseRM: `src` is the register or memory source. cmpps/cmppd/cmpss/cmpsd with predicates
// 0-7 print as the assemblers' aliases (cmpltps, cmpneqsd, ...).
std::string PrintSse(SseOp op, uint8_t imm, std::string_view src, std::string_view dst) {
  static constexpr std::string_view kCmpPredicates[] = {"eq",  "lt",  "le",  "unord",
                                                        "neq", "nlt", "nle", "ord"};
  const SseOpInfo& info = GetSseOpInfo(op);
  if ((op == SseOp::kCmpps || op == SseOp::kCmppd || op == SseOp::kCmpss || op == SseOp::kCmpsd) &&
      imm < 8) {
    const std::string_view suffix = op == SseOp::kCmpps   ? "ps"
                                    : op == SseOp::kCmppd ? "pd"
                                    : op == SseOp::kCmpss ? "ss"
                                                          : "sd";
    const std::string m = Cat(Cat("cmp", kCmpPredicates[imm]), suffix);
    return Line(m).Arg(src).Arg(dst).Done();
  }
  Line line(info.mnemonic);
  if (info.has_imm8) line.Imm(imm);
  return line.Arg(src).Arg(dst).Done();
}

// pextrb/w/d/q, pinsrb/w/d/q by lane size.
std::string LaneMnemonic(std::string_view stem, OpSize size) {
  return Cat(stem, size == OpSize::k8    ? "b"
                   : size == OpSize::k16 ? "w"
                   : size == OpSize::k32 ? "d"
                                         : "q");
}

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
    case Amode::Kind::kIndex: {
      std::string s = m.disp != 0 ? FormatNumber(m.disp) : "";
      s += "(,";
      s += GprName(m.index, OpSize::k64);
      s += ",";
      s += static_cast<char>('0' + m.scale());
      s += ")";
      return s;
    }
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
  auto gpr = [](Gpr r, OpSize s) { return GprName(r, s); };
  auto mem = [&](const Amode& m) { return FormatAmode(m, namer); };
  auto label = [&](Label l) { return LabelName(l, namer); };
  switch (inst.form()) {
    // ---- integer ALU ----
    case Form::kAluRR: {
      const auto& p = inst.As<forms::AluRR>();
      return Line(kAluNames[static_cast<int>(p.op)])
          .Suffix(p.size)
          .Arg(gpr(p.src, p.size))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }
    case Form::kAluRI: {
      const auto& p = inst.As<forms::AluRI>();
      return Line(kAluNames[static_cast<int>(p.op)])
          .Suffix(p.size)
          .Imm(ImmAtSize(p.imm, p.size))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }
    case Form::kAluRM: {
      const auto& p = inst.As<forms::AluRM>();
      return Line(kAluNames[static_cast<int>(p.op)])
          .Suffix(p.size)
          .Arg(mem(p.src))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }
    case Form::kAluMR: {
      const auto& p = inst.As<forms::AluMR>();
      return Line(kAluNames[static_cast<int>(p.op)])
          .Suffix(p.size)
          .Arg(gpr(p.src, p.size))
          .Arg(mem(p.dst))
          .Done();
    }
    case Form::kAluMI: {
      const auto& p = inst.As<forms::AluMI>();
      return Line(kAluNames[static_cast<int>(p.op)])
          .Suffix(p.size)
          .Imm(ImmAtSize(p.imm, p.size))
          .Arg(mem(p.dst))
          .Done();
    }
    case Form::kTestRR: {
      const auto& p = inst.As<forms::TestRR>();
      return Line("test").Suffix(p.size).Arg(gpr(p.b, p.size)).Arg(gpr(p.a, p.size)).Done();
    }
    case Form::kTestRI: {
      const auto& p = inst.As<forms::TestRI>();
      return Line("test").Suffix(p.size).Imm(ImmAtSize(p.imm, p.size)).Arg(gpr(p.a, p.size)).Done();
    }
    case Form::kTestMR: {
      const auto& p = inst.As<forms::TestMR>();
      return Line("test").Suffix(p.size).Arg(gpr(p.b, p.size)).Arg(mem(p.a)).Done();
    }
    case Form::kTestMI: {
      const auto& p = inst.As<forms::TestMI>();
      return Line("test").Suffix(p.size).Imm(ImmAtSize(p.imm, p.size)).Arg(mem(p.a)).Done();
    }
    case Form::kImulRR: {
      const auto& p = inst.As<forms::ImulRR>();
      return Line("imul").Suffix(p.size).Arg(gpr(p.src, p.size)).Arg(gpr(p.dst, p.size)).Done();
    }
    case Form::kImulRM: {
      const auto& p = inst.As<forms::ImulRM>();
      return Line("imul").Suffix(p.size).Arg(mem(p.src)).Arg(gpr(p.dst, p.size)).Done();
    }
    case Form::kImulRRI: {
      const auto& p = inst.As<forms::ImulRRI>();
      return Line("imul")
          .Suffix(p.size)
          .Imm(ImmAtSize(p.imm, p.size))
          .Arg(gpr(p.src, p.size))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }
    case Form::kImulRMI: {
      const auto& p = inst.As<forms::ImulRMI>();
      return Line("imul")
          .Suffix(p.size)
          .Imm(ImmAtSize(p.imm, p.size))
          .Arg(mem(p.src))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }
    case Form::kUnaryR: {
      const auto& p = inst.As<forms::UnaryR>();
      return Line(UnaryName(p.op)).Suffix(p.size).Arg(gpr(p.reg, p.size)).Done();
    }
    case Form::kUnaryM: {
      const auto& p = inst.As<forms::UnaryM>();
      return Line(UnaryName(p.op)).Suffix(p.size).Arg(mem(p.mem)).Done();
    }
    case Form::kShiftRI: {
      const auto& p = inst.As<forms::ShiftRI>();
      return Line(ShiftName(p.op)).Suffix(p.size).Imm(p.count).Arg(gpr(p.dst, p.size)).Done();
    }
    case Form::kShiftRCl: {
      const auto& p = inst.As<forms::ShiftRCl>();
      return Line(ShiftName(p.op)).Suffix(p.size).Arg("%cl").Arg(gpr(p.dst, p.size)).Done();
    }
    case Form::kBitRR: {
      const auto& p = inst.As<forms::BitRR>();
      return Line(BitName(p.op))
          .Suffix(p.size)
          .Arg(gpr(p.src, p.size))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }
    case Form::kBitRM: {
      const auto& p = inst.As<forms::BitRM>();
      return Line(BitName(p.op)).Suffix(p.size).Arg(mem(p.src)).Arg(gpr(p.dst, p.size)).Done();
    }
    case Form::kBswap: {
      const auto& p = inst.As<forms::Bswap>();
      return Line("bswap").Suffix(p.size).Arg(gpr(p.reg, p.size)).Done();
    }
    case Form::kSignExtendAx: {
      const OpSize size = inst.As<forms::SignExtendAx>().size;
      return size == OpSize::k16 ? "cwtd" : size == OpSize::k32 ? "cltd" : "cqto";
    }

    // ---- moves ----
    case Form::kMovRR: {
      const auto& p = inst.As<forms::MovRR>();
      return Line("mov").Suffix(p.size).Arg(gpr(p.src, p.size)).Arg(gpr(p.dst, p.size)).Done();
    }
    case Form::kMovRI: {
      const auto& p = inst.As<forms::MovRI>();
      switch (MovImmKindOf(p.size, p.imm)) {
        case MovImmKind::kMovImm: {
          const OpSize s = p.size == OpSize::k64 ? OpSize::k32 : p.size;
          return Line("mov").Suffix(s).Imm(ImmAtSize(p.imm, s)).Arg(gpr(p.dst, s)).Done();
        }
        case MovImmKind::kMovSext32:
          return Line("movq").Imm(p.imm).Arg(gpr(p.dst, p.size)).Done();
        case MovImmKind::kMovAbs:
          return Line("movabsq").Imm(p.imm).Arg(gpr(p.dst, p.size)).Done();
      }
      return "?";
    }
    case Form::kMovRM: {
      const auto& p = inst.As<forms::MovRM>();
      return Line("mov").Suffix(p.size).Arg(mem(p.src)).Arg(gpr(p.dst, p.size)).Done();
    }
    case Form::kMovMR: {
      const auto& p = inst.As<forms::MovMR>();
      return Line("mov").Suffix(p.size).Arg(gpr(p.src, p.size)).Arg(mem(p.dst)).Done();
    }
    case Form::kMovMI: {
      const auto& p = inst.As<forms::MovMI>();
      return Line("mov").Suffix(p.size).Imm(ImmAtSize(p.imm, p.size)).Arg(mem(p.dst)).Done();
    }
    case Form::kMovzxRR: {
      const auto& p = inst.As<forms::MovzxRR>();
      return PrintExtend(false, p.src_size, p.size, gpr(p.src, p.src_size), gpr(p.dst, p.size),
                         gpr(p.src, OpSize::k32), gpr(p.dst, OpSize::k32));
    }
    case Form::kMovzxRM: {
      const auto& p = inst.As<forms::MovzxRM>();
      const std::string m = mem(p.src);
      return PrintExtend(false, p.src_size, p.size, m, gpr(p.dst, p.size), m,
                         gpr(p.dst, OpSize::k32));
    }
    case Form::kMovsxRR: {
      const auto& p = inst.As<forms::MovsxRR>();
      return PrintExtend(true, p.src_size, p.size, gpr(p.src, p.src_size), gpr(p.dst, p.size), {},
                         {});
    }
    case Form::kMovsxRM: {
      const auto& p = inst.As<forms::MovsxRM>();
      return PrintExtend(true, p.src_size, p.size, mem(p.src), gpr(p.dst, p.size), {}, {});
    }
    case Form::kLea: {
      const auto& p = inst.As<forms::Lea>();
      return Line("lea").Suffix(p.size).Arg(mem(p.addr)).Arg(gpr(p.dst, p.size)).Done();
    }
    case Form::kSetcc: {
      const auto& p = inst.As<forms::Setcc>();
      return Line("set").Mn(CondCodeName(p.cc)).Arg(gpr(p.dst, OpSize::k8)).Done();
    }
    case Form::kCmovRR: {
      const auto& p = inst.As<forms::CmovRR>();
      return Line("cmov")
          .Mn(CondCodeName(p.cc))
          .Suffix(p.size)
          .Arg(gpr(p.src, p.size))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }
    case Form::kCmovRM: {
      const auto& p = inst.As<forms::CmovRM>();
      return Line("cmov")
          .Mn(CondCodeName(p.cc))
          .Suffix(p.size)
          .Arg(mem(p.src))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }

    // ---- stack and control flow ----
    case Form::kPushR:
      return Line("pushq").Arg(gpr(inst.As<forms::PushR>().reg, OpSize::k64)).Done();
    case Form::kPushI:
      return Line("pushq").Imm(inst.As<forms::PushI>().imm).Done();
    case Form::kPopR:
      return Line("popq").Arg(gpr(inst.As<forms::PopR>().reg, OpSize::k64)).Done();
    case Form::kRet:
      if (inst.As<forms::Ret>().pop == 0) return "retq";
      return Line("retq").Imm(inst.As<forms::Ret>().pop).Done();
    case Form::kCallRel32:
      return Line("callq").Arg(label(inst.As<forms::CallRel32>().target)).Done();
    case Form::kCallR:
      return Line("callq").Arg(Cat("*", gpr(inst.As<forms::CallR>().target, OpSize::k64))).Done();
    case Form::kCallM:
      return Line("callq").Arg(Cat("*", mem(inst.As<forms::CallM>().target))).Done();
    case Form::kJmpRel32:
      return Line("jmp").Arg(label(inst.As<forms::JmpRel32>().target)).Done();
    case Form::kJmpRel8:
      return Line("jmp").Arg(label(inst.As<forms::JmpRel8>().target)).Done();
    case Form::kJmpR:
      return Line("jmpq").Arg(Cat("*", gpr(inst.As<forms::JmpR>().target, OpSize::k64))).Done();
    case Form::kJmpM:
      return Line("jmpq").Arg(Cat("*", mem(inst.As<forms::JmpM>().target))).Done();
    case Form::kJccRel32: {
      const auto& p = inst.As<forms::JccRel32>();
      return Line("j").Mn(CondCodeName(p.cc)).Arg(label(p.target)).Done();
    }
    case Form::kJccRel8: {
      const auto& p = inst.As<forms::JccRel8>();
      return Line("j").Mn(CondCodeName(p.cc)).Arg(label(p.target)).Done();
    }
    case Form::kUd2:
      return "ud2";
    case Form::kInt3:
      return "int3";
    case Form::kNop:
      // The operands of the recommended multi-byte nops (see encoder.cc).
      switch (inst.As<forms::Nop>().length) {
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

    // ---- SSE ----
    case Form::kSseRR: {
      const auto& p = inst.As<forms::SseRR>();
      return PrintSse(p.op, p.imm, XmmName(p.src), XmmName(p.dst));
    }
    case Form::kSseRM: {
      const auto& p = inst.As<forms::SseRM>();
      return PrintSse(p.op, p.imm, mem(p.src), XmmName(p.dst));
    }
    case Form::kSseMR: {
      const auto& p = inst.As<forms::SseMR>();
      return Line(GetSseOpInfo(p.op).mnemonic).Arg(XmmName(p.src)).Arg(mem(p.dst)).Done();
    }
    case Form::kGprToXmm: {
      const auto& p = inst.As<forms::GprToXmm>();
      return Line(p.size == OpSize::k64 ? "movq" : "movd")
          .Arg(gpr(p.src, p.size))
          .Arg(XmmName(p.dst))
          .Done();
    }
    case Form::kXmmToGpr: {
      const auto& p = inst.As<forms::XmmToGpr>();
      return Line(p.size == OpSize::k64 ? "movq" : "movd")
          .Arg(XmmName(p.src))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }
    case Form::kXmmShiftRI: {
      const auto& p = inst.As<forms::XmmShiftRI>();
      return Line(GetXmmShiftOpInfo(p.op).mnemonic).Imm(p.count).Arg(XmmName(p.dst)).Done();
    }
    case Form::kPextrRRI: {
      const auto& p = inst.As<forms::PextrRRI>();
      return Line(LaneMnemonic("pextr", p.size))
          .Imm(p.lane)
          .Arg(XmmName(p.src))
          .Arg(gpr(p.dst, p.size == OpSize::k64 ? OpSize::k64 : OpSize::k32))
          .Done();
    }
    case Form::kPinsrRRI: {
      const auto& p = inst.As<forms::PinsrRRI>();
      return Line(LaneMnemonic("pinsr", p.size))
          .Imm(p.lane)
          .Arg(gpr(p.src, p.size == OpSize::k64 ? OpSize::k64 : OpSize::k32))
          .Arg(XmmName(p.dst))
          .Done();
    }
    case Form::kPinsrRMI: {
      const auto& p = inst.As<forms::PinsrRMI>();
      return Line(LaneMnemonic("pinsr", p.size))
          .Imm(p.lane)
          .Arg(mem(p.src))
          .Arg(XmmName(p.dst))
          .Done();
    }
    case Form::kMovmskRR: {
      const auto& p = inst.As<forms::MovmskRR>();
      return Line(p.op == MaskOp::kPmovmskb   ? "pmovmskb"
                  : p.op == MaskOp::kMovmskps ? "movmskps"
                                              : "movmskpd")
          .Arg(XmmName(p.src))
          .Arg(gpr(p.dst, OpSize::k32))
          .Done();
    }

    // ---- AVX and BMI ----
    case Form::kVexRRR: {
      const auto& p = inst.As<forms::VexRRR>();
      return Line(Cat("v", GetSseOpInfo(p.op).mnemonic))
          .Arg(XmmName(p.src2))
          .Arg(XmmName(p.src1))
          .Arg(XmmName(p.dst))
          .Done();
    }
    case Form::kVexRRM: {
      const auto& p = inst.As<forms::VexRRM>();
      return Line(Cat("v", GetSseOpInfo(p.op).mnemonic))
          .Arg(mem(p.src2))
          .Arg(XmmName(p.src1))
          .Arg(XmmName(p.dst))
          .Done();
    }
    case Form::kRorxRRI: {
      const auto& p = inst.As<forms::RorxRRI>();
      return Line("rorx")
          .Suffix(p.size)
          .Imm(p.count)
          .Arg(gpr(p.src, p.size))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }
    case Form::kShiftxRRR: {
      const auto& p = inst.As<forms::ShiftxRRR>();
      return Line(ShiftName(p.op))
          .Mn("x")
          .Suffix(p.size)
          .Arg(gpr(p.count, p.size))
          .Arg(gpr(p.src, p.size))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }
    case Form::kAndnRRR: {
      const auto& p = inst.As<forms::AndnRRR>();
      return Line("andn")
          .Suffix(p.size)
          .Arg(gpr(p.src2, p.size))
          .Arg(gpr(p.src1, p.size))
          .Arg(gpr(p.dst, p.size))
          .Done();
    }

    // ---- conversions ----
    case Form::kCvtSi2FpR: {
      const auto& p = inst.As<forms::CvtSi2FpR>();
      return Line(p.fp == FpSize::kF32 ? "cvtsi2ss" : "cvtsi2sd")
          .Suffix(p.src_size)
          .Arg(gpr(p.src, p.src_size))
          .Arg(XmmName(p.dst))
          .Done();
    }
    case Form::kCvtSi2FpM: {
      const auto& p = inst.As<forms::CvtSi2FpM>();
      return Line(p.fp == FpSize::kF32 ? "cvtsi2ss" : "cvtsi2sd")
          .Suffix(p.src_size)
          .Arg(mem(p.src))
          .Arg(XmmName(p.dst))
          .Done();
    }
    case Form::kCvttFp2SiR: {
      const auto& p = inst.As<forms::CvttFp2SiR>();
      return Line(p.fp == FpSize::kF32 ? "cvttss2si" : "cvttsd2si")
          .Arg(XmmName(p.src))
          .Arg(gpr(p.dst, p.dst_size))
          .Done();
    }
    case Form::kCvttFp2SiM: {
      const auto& p = inst.As<forms::CvttFp2SiM>();
      return Line(p.fp == FpSize::kF32 ? "cvttss2si" : "cvttsd2si")
          .Arg(mem(p.src))
          .Arg(gpr(p.dst, p.dst_size))
          .Done();
    }

    // ---- atomics ----
    case Form::kAtomicMR: {
      const auto& p = inst.As<forms::AtomicMR>();
      constexpr std::string_view kNames[] = {"xchg", "lock xadd", "lock cmpxchg"};
      return Line(kNames[static_cast<int>(p.op)])
          .Suffix(p.size)
          .Arg(gpr(p.reg, p.size))
          .Arg(mem(p.mem))
          .Done();
    }
    case Form::kMfence:
      return "mfence";
  }
  EGRET_CHECK(false && "unknown form");
  return "";
}

}  // namespace egret::x64
