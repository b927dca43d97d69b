// minst.cc: x64's text for the shared VCode printer behind --emit=vcode and --emit=dot.
//
// One line per MInst (backends/common/vcode_printer.h): the MOp's name (EGRET_X64_MOPS), `.<AluOp>`
// for ALU ops, the operation width in bits for integer ops, `$imm`, then the operands (`%rax`,
// `%xmm1`, `stack2` after allocation).
#include "backends/x64/minst.h"

#include <string>

#include "backends/common/vcode_printer.h"
#include "backends/x64/inst.h"

namespace egret::x64 {
namespace {

constexpr std::string_view kMOpNames[] = {
#define EGRET_X64_MOP_NAME(name, text, operands) text,
    EGRET_X64_MOPS(EGRET_X64_MOP_NAME)
#undef EGRET_X64_MOP_NAME
};

// The x64 text of an MInst for the shared printer.
class X64Syntax final : public backend::VCodeSyntax {
 public:
  explicit X64Syntax(const VCode& v) : v_(v) {}

  std::string InstHead(uint32_t i) const override {
    const MInst& m = v_.insts[i];
    std::string out(MOpName(m.op));
    if (m.op == MOp::kAlu || m.op == MOp::kAluStore) {
      out += '.';  // appended piecewise: g++-12 -O3 misreports "lit" + string (-Wrestrict)
      out += std::to_string(static_cast<int>(m.alu));
    }
    if (m.op == MOp::kVecBin || m.op == MOp::kVecUnary) {
      out += '.';
      out += GetSseOpInfo(m.sse).mnemonic;
      return out;
    }
    if (m.op == MOp::kVec) {
      out += '.';
      out += VecOpName(m.vop);
      out += std::to_string(8 << static_cast<int>(m.size));
      return out;
    }
    if (m.op == MOp::kVecConst) return out;
    if (!m.fp && m.op != MOp::kArgs && m.op != MOp::kRet && m.op != MOp::kJmp &&
        m.op != MOp::kReturnCall && m.op != MOp::kReturnCallInd)
      out += std::to_string(8 << static_cast<int>(m.size));
    // `native` bit counts print as `$0`, as the immediate forms do (the VCode text predates the
    // payload fields; filetests pin it).
    if (m.imm_operand || (m.op == MOp::kBitCount && m.native) || m.op == MOp::kIconst)
      out += " $" + std::to_string(m.imm);
    return out;
  }
  bool IsBranch(uint32_t i) const override {
    const MOp op = v_.insts[i].op;
    return op == MOp::kJmp || op == MOp::kBrif || op == MOp::kBrTable;
  }
  std::string RegName(regalloc::PReg reg) const override {
    if (reg.cls() == regalloc::RegClass::kInt)
      return std::string(GprName(GprFromEnc(reg.hw()), OpSize::k64));
    return std::string(XmmName(XmmFromEnc(reg.hw())));
  }

 private:
  const VCode& v_;
};

}  // namespace

std::string_view MOpName(MOp op) { return kMOpNames[static_cast<int>(op)]; }

std::string_view VecOpName(VecOp op) {
  static constexpr std::string_view kNames[] = {
#define EGRET_X64_VEC_NAME(name) #name,
      EGRET_X64_VEC_OPS(EGRET_X64_VEC_NAME)
#undef EGRET_X64_VEC_NAME
  };
  return kNames[static_cast<int>(op)];
}

// Condition operands come first: the tested value, or the two compared ones, or a compared
// register and a folded load's address, or that address alone. (Only kinds with a condition ask.)
static bool CondTwoRegs(const MInst& m) {
  return m.cond == CondKind::kIntRR || m.cond == CondKind::kFloat || m.cond == CondKind::kTestRR;
}
static int8_t CondOps(const MInst& m) {
  const bool cond_mem = m.cond == CondKind::kIntRM || m.cond == CondKind::kIntMI;
  return static_cast<int8_t>((CondTwoRegs(m)               ? 2
                              : m.cond == CondKind::kIntMI ? 0
                                                           : 1) +  // kMask: 1
                             (cond_mem ? (m.base_op >= 0) + (m.index_op >= 0) : 0));
}

void FillSlots(const MInst& m, uint32_t num_ops, OperandSlots* out) {
  OperandSlots& s = *out;
  const auto last = static_cast<int8_t>(num_ops - 1);
  const int8_t cond_a = m.cond == CondKind::kIntMI ? -1 : 0;
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
      s.dst = 0;
      return;
    case MOp::kStore:
    case MOp::kAluStore:
      if (!m.imm_operand) s.value = 0;  // else the stored value is the immediate
      return;
    case MOp::kStoreOutArg:
    case MOp::kStoreRet:
    case MOp::kBrTable:
    case MOp::kCallInd:
    case MOp::kReturnCallInd:
      s.value = 0;
      return;
    case MOp::kCopy:
    case MOp::kUnary:
    case MOp::kBswap:
    case MOp::kBitCount:
    case MOp::kExtend:
    case MOp::kSseUnary:
    case MOp::kIntToFp:
    case MOp::kFpToInt:
    case MOp::kBitcast:
      s.a = 0;
      s.dst = 1;
      if (num_ops > 2) s.tmp = 2;   // kBitCount fallbacks, unsigned kIntToFp / 64-bit kFpToInt
      if (num_ops > 3) s.tmp2 = 3;  // the popcount fallback
      return;
    case MOp::kAlu:
    case MOp::kImul:
    case MOp::kShift:
      // a [, b | memory], dst; an immediate right operand takes no slot.
      s.a = 0;
      if (!m.imm_operand && m.base_op < 0) s.b = 1;
      s.dst = last;
      return;
    case MOp::kSseBin:
      // a [, b | memory | constant], dst.
      s.a = 0;
      if (!m.imm_operand && m.base_op < 0) s.b = 1;
      s.dst = last;
      return;
    case MOp::kFminmax:
      s.a = 0;
      s.b = 1;
      s.dst = 2;
      return;
    case MOp::kFsign:
      s.a = 0;
      if (num_ops == 4) {  // copysign: the sign source, the result, an xmm temporary
        s.b = 1;
        s.dst = 2;
        s.tmp = 3;
      } else {
        s.dst = 1;
      }
      return;
    case MOp::kMulHi:  // the high half lands in rdx
      s.a = 0;
      s.b = 1;
      s.dst = 2;
      return;
    case MOp::kDiv:
      s.a = 0;
      s.b = 1;
      if (num_ops == 4) {  // sdiv/udiv: rdx is clobbered, the quotient is in rax
        s.tmp = 2;
        s.dst = 3;
      } else {  // srem/urem: the remainder is in rdx
        s.dst = 2;
      }
      return;
    case MOp::kFcmpSet:
      s.a = 0;
      s.b = 1;
      s.dst = 2;
      s.tmp = 3;
      return;
    case MOp::kCmpSet:
    case MOp::kBrif:
    case MOp::kTrapIf:
      s.a = cond_a;
      if (CondTwoRegs(m)) s.b = 1;
      if (m.op == MOp::kCmpSet) s.dst = last;
      return;
    case MOp::kSelect: {
      const int8_t cond_ops = CondOps(m);
      s.a = cond_a;
      if (CondTwoRegs(m)) s.b = 1;
      s.x = cond_ops;
      s.y = static_cast<int8_t>(cond_ops + 1);
      s.dst = static_cast<int8_t>(cond_ops + 2);
      return;
    }
    case MOp::kLoad:
    case MOp::kLea:
      s.dst = last;
      return;
    case MOp::kAtomicRmw:  // base, a, dst
      s.a = 1;
      s.dst = 2;
      return;
    case MOp::kAtomicLoop:  // base, b, dst, tmp
      s.b = 1;
      s.dst = 2;
      s.tmp = 3;
      return;
    case MOp::kAtomicCas:  // base, a (expected), b (replacement), dst
      s.a = 1;
      s.b = 2;
      s.dst = 3;
      return;
    case MOp::kFence:
      return;
    case MOp::kVecConst:
      s.dst = 0;
      return;
    case MOp::kVecBin:
      s.a = 0;
      s.b = 1;
      s.dst = 2;
      return;
    case MOp::kVecUnary:
      s.a = 0;
      s.dst = 1;
      return;
    case MOp::kVec: {
      int8_t k = 0;
      if (m.vec_uses > 0) s.a = k++;
      if (m.vec_uses > 1) s.b = k++;
      if (m.vec_uses > 2) s.c = k++;
      s.dst = k++;
      if (m.vec_xtmps > 0) s.tmp = k++;
      if (m.vec_xtmps > 1) s.tmp2 = k++;
      if (m.vec_gtmp) s.gtmp = k++;
      return;
    }
  }
}

uint8_t SseCmpPredicate(ir::FloatCC cc, bool* swap) {
  *swap = cc == ir::FloatCC::kGt || cc == ir::FloatCC::kGe;
  switch (cc) {
    case ir::FloatCC::kEq:
      return 0;
    case ir::FloatCC::kNe:
      return 4;
    case ir::FloatCC::kLt:
    case ir::FloatCC::kGt:
      return 1;
    case ir::FloatCC::kLe:
    case ir::FloatCC::kGe:
      return 2;
    case ir::FloatCC::kOrd:
      return 7;
    case ir::FloatCC::kUno:
      return 3;
  }
  return 0;
}

std::string PrintVCode(const VCode& v, const std::vector<regalloc::Allocation>* allocs) {
  return backend::PrintVCodeText(v.ra, X64Syntax(v), allocs);
}

}  // namespace egret::x64
