// minst.cc: aarch64's text for the shared VCode printer behind --emit=vcode and --emit=dot, and
// the named operand slots of each kind.
//
// One line per MInst: the kind's name (EGRET_A64_MOPS), `.<op>` for the kind's operation, the
// integer width in bits (or `.f32`/`.f64`), the condition code, `#imm` where the kind has one,
// then the operands (`x3`, `d1`, `stack2` after allocation).
#include "backends/aarch64/minst.h"

#include <cstdio>
#include <string>

#include "backends/common/vcode_printer.h"
#include "ir/opcode.h"

namespace egret::aarch64 {
namespace {

constexpr std::string_view kMOpNames[] = {
#define EGRET_A64_MOP_NAME(name, text, operands) text,
    EGRET_A64_MOPS(EGRET_A64_MOP_NAME)
#undef EGRET_A64_MOP_NAME
};

std::string_view AluName(AluOp op) {
  static constexpr std::string_view k[] = {"add", "sub", "and", "orr",  "eor",   "mul",  "lsl",
                                           "lsr", "asr", "ror", "rotl", "umulh", "smulh"};
  return k[static_cast<int>(op)];
}
std::string_view UnaryName(UnaryOp op) {
  static constexpr std::string_view k[] = {"neg", "mvn", "clz", "ctz", "popcnt"};
  return k[static_cast<int>(op)];
}
std::string_view DivName(DivKind op) {
  static constexpr std::string_view k[] = {"sdiv", "udiv", "srem", "urem"};
  return k[static_cast<int>(op)];
}
std::string_view ExtendName(ExtendKind op) {
  static constexpr std::string_view k[] = {"sxtb", "sxth", "sxtw", "uxtb", "uxth", "uxtw"};
  return k[static_cast<int>(op)];
}
std::string_view FpuName(FpuOp op) {
  static constexpr std::string_view k[] = {
      "add", "sub", "mul",   "div",  "min",   "max",     "copysign", "sqrt",
      "neg", "abs", "floor", "ceil", "trunc", "nearest", "promote",  "demote"};
  return k[static_cast<int>(op)];
}
std::string_view MemName(MemKind k) {
  static constexpr std::string_view n[] = {"u8", "u16", "u32", "64", "s8", "s16", "s32"};
  return n[static_cast<int>(k)];
}

class A64Syntax final : public backend::VCodeSyntax {
 public:
  explicit A64Syntax(const VCode& v) : v_(v) {}

  std::string InstHead(uint32_t i) const override {
    const MInst& m = v_.insts[i];
    std::string out(MOpName(m.op));
    auto add = [&](std::string_view s) {
      out += '.';
      out += s;
    };
    auto width = [&] { out += m.is64 ? "64" : "32"; };
    auto fwidth = [&] { out += m.f64 ? ".f64" : ".f32"; };
    auto cond = [&] {
      out += ' ';
      out += CondName(m.cc);
      if (m.cond == CondKind::kIntRI || m.cond == CondKind::kBitSet)
        out += " #" + std::to_string(m.imm);
    };
    switch (m.op) {
      case MOp::kAlu:
        add(AluName(m.alu));
        width();
        if (m.opnd_extend) {
          out += " ";
          out += m.opnd_ext == Extend::kUxtw ? "uxtw" : "sxtw";
          if (m.opnd_amount != 0) out += " #" + std::to_string(m.opnd_amount);
        } else if (m.opnd_amount != 0) {
          out += " lsl #" + std::to_string(m.opnd_amount);
        }
        break;
      case MOp::kAluImm:
        add(AluName(m.alu));
        width();
        out += " #" + std::to_string(m.imm);
        break;
      case MOp::kIconst:
        width();
        out += " #" + std::to_string(m.imm);
        break;
      case MOp::kFconst:
        fwidth();
        out += " #" + std::to_string(m.imm);
        break;
      case MOp::kMadd:
        if (m.is_sub) out = "msub";
        width();
        break;
      case MOp::kUnary:
        add(UnaryName(m.unary));
        width();
        break;
      case MOp::kDivRem:
        add(DivName(m.div));
        width();
        break;
      case MOp::kExtend:
        add(ExtendName(m.extend));
        break;
      case MOp::kFpuBin:
      case MOp::kFpuUnary:
        add(FpuName(m.fpu));
        fwidth();
        break;
      case MOp::kLoad:
      case MOp::kStore:
        if (m.vec) {
          out += ".v128";
        } else if (m.fp) {
          fwidth();
        } else {
          add(MemName(m.mem));
        }
        out += " #" + std::to_string(m.disp);
        if (m.index_uxtw) out += " uxtw";
        if (m.index_shift != 0) out += " lsl #" + std::to_string(m.index_shift);
        break;
      case MOp::kAtomicLoad:
      case MOp::kAtomicStore:
        add(MemName(m.mem));
        break;
      case MOp::kAtomicRmw:
        add(ir::AtomicRmwOpName(static_cast<ir::AtomicRmwOp>(m.rmw)));
        add(MemName(m.mem));
        if (m.lse) out += " lse";
        break;
      case MOp::kAtomicCas:
        add(MemName(m.mem));
        if (m.lse) out += " lse";
        break;
      case MOp::kFence:
        break;
      case MOp::kIntToFp:
      case MOp::kFpToInt:
        out += m.is_unsigned ? ".u" : ".s";
        out += m.is64 ? "64" : "32";
        fwidth();
        if (m.saturating) out += ".sat";
        break;
      case MOp::kCmpSet:
      case MOp::kSelect:
      case MOp::kBrif:
      case MOp::kTrapIf:
        if (m.cond == CondKind::kFloat) {
          fwidth();
        } else {
          width();
        }
        cond();
        break;
      case MOp::kCall:
      case MOp::kReturnCall:
        out += " f" + std::to_string(m.callee);
        break;
      case MOp::kCallBuiltin:
        out += " #" + std::to_string(m.builtin);
        break;
      case MOp::kLoadArg:
      case MOp::kStoreOutArg:
      case MOp::kLoadOutRet:
      case MOp::kStoreRet:
        out += " #" + std::to_string(m.disp);
        break;
      case MOp::kVec:
        add(ir::OpcodeName(m.vop));
        add(ir::TypeName(m.shape));
        if (m.imm_amount || m.vop == ir::Opcode::kVextractlane ||
            m.vop == ir::Opcode::kVextractlaneS || m.vop == ir::Opcode::kVextractlaneU ||
            m.vop == ir::Opcode::kVinsertlane)
          out += " #" + std::to_string(m.imm);
        if (m.vop == ir::Opcode::kVicmp || m.vop == ir::Opcode::kVfcmp)
          out += " cc" + std::to_string(m.vcc);
        break;
      case MOp::kVconst: {
        char b[48];
        std::snprintf(b, sizeof b, " 0x%016llx%016llx", static_cast<unsigned long long>(m.imm_hi),
                      static_cast<unsigned long long>(m.imm));
        out += b;
        break;
      }
      case MOp::kArgs:
      case MOp::kCopy:
      case MOp::kBitcast:
      case MOp::kCallInd:
      case MOp::kReturnCallInd:
      case MOp::kRet:
      case MOp::kJmp:
      case MOp::kBrTable:
      case MOp::kTrap:
        break;
    }
    if (m.op == MOp::kTrap || m.op == MOp::kTrapIf) out += " " + std::string(TrapCodeName(m.trap));
    return out;
  }
  bool IsBranch(uint32_t i) const override {
    const MOp op = v_.insts[i].op;
    return op == MOp::kJmp || op == MOp::kBrif || op == MOp::kBrTable;
  }
  std::string RegName(regalloc::PReg reg) const override {
    if (reg.cls() == regalloc::RegClass::kInt) return GprName(GprFromEnc(reg.hw()), true);
    return "v" + std::to_string(reg.hw());
  }

 private:
  const VCode& v_;
};

}  // namespace

std::string_view MOpName(MOp op) { return kMOpNames[static_cast<int>(op)]; }

void FillSlots(const MInst& m, uint32_t num_ops, OperandSlots* out) {
  OperandSlots& s = *out;
  const auto last = static_cast<int8_t>(num_ops - 1);
  const int8_t cond_ops = m.cond == CondKind::kIntRR || m.cond == CondKind::kFloat ? 2 : 1;
  switch (m.op) {
    case MOp::kArgs:
    case MOp::kRet:
    case MOp::kReturnCall:
    case MOp::kCall:
    case MOp::kCallBuiltin:
    case MOp::kJmp:
    case MOp::kTrap:
      return;
    case MOp::kLoadArg:
    case MOp::kLoadOutRet:
    case MOp::kIconst:
    case MOp::kFconst:
    case MOp::kVconst:
      s.dst = 0;
      return;
    case MOp::kVec:
      // The uses in IR operand order, then the def.
      if (num_ops >= 2) s.a = 0;
      if (num_ops >= 3) s.b = 1;
      if (num_ops >= 4) s.c = 2;
      s.dst = last;
      return;
    case MOp::kStoreOutArg:
    case MOp::kStoreRet:
    case MOp::kStore:
    case MOp::kBrTable:
    case MOp::kCallInd:
    case MOp::kReturnCallInd:
      s.value = 0;
      return;
    case MOp::kCopy:
    case MOp::kAluImm:
    case MOp::kUnary:
    case MOp::kExtend:
    case MOp::kFpuUnary:
    case MOp::kIntToFp:
    case MOp::kFpToInt:
    case MOp::kBitcast:
      s.a = 0;
      s.dst = 1;
      return;
    case MOp::kAlu:
    case MOp::kDivRem:
    case MOp::kFpuBin:
      s.a = 0;
      s.b = 1;
      s.dst = 2;
      return;
    case MOp::kMadd:
      s.a = 0;
      s.b = 1;
      s.c = 2;
      s.dst = 3;
      return;
    case MOp::kCmpSet:
    case MOp::kBrif:
    case MOp::kTrapIf:
      s.a = 0;
      if (cond_ops == 2) s.b = 1;
      if (m.op == MOp::kCmpSet) s.dst = last;
      return;
    case MOp::kSelect:
      s.a = 0;
      if (cond_ops == 2) s.b = 1;
      s.x = cond_ops;
      s.y = static_cast<int8_t>(cond_ops + 1);
      s.dst = static_cast<int8_t>(cond_ops + 2);
      return;
    case MOp::kLoad:
      s.dst = last;
      return;
    case MOp::kAtomicLoad:  // base, dst
      s.dst = 1;
      return;
    case MOp::kAtomicStore:  // value, base
      s.value = 0;
      return;
    case MOp::kAtomicRmw:  // base, a, dst [, tmp, status]
      s.a = 1;
      s.dst = 2;
      if (!m.lse) {
        s.tmp = 3;
        s.status = 4;
      }
      return;
    case MOp::kAtomicCas:  // base, a (expected), b (replacement), dst [, status]
      s.a = 1;
      s.b = 2;
      s.dst = 3;
      if (!m.lse) s.status = 4;
      return;
    case MOp::kFence:
      return;
  }
}

std::string PrintVCode(const VCode& v, const std::vector<regalloc::Allocation>* allocs) {
  return backend::PrintVCodeText(v.ra, A64Syntax(v), allocs);
}

}  // namespace egret::aarch64
