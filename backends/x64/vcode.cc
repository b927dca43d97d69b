// vcode.cc: x64's text for the shared VCode printer behind --emit=vcode and --emit=dot.
//
// One line per MInst (backends/common/vcode_printer.h): the MOp's name (EGRET_X64_MOPS), `.<AluOp>`
// for ALU ops, the operation width in bits for integer ops, `$imm`, then the operands (`%rax`,
// `%xmm1`, `stack2` after allocation).
#include "backends/x64/vcode.h"

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
    if (m.op == MOp::kAlu) {
      out += '.';  // appended piecewise: g++-12 -O3 misreports "lit" + string (-Wrestrict)
      out += std::to_string(static_cast<int>(m.alu));
    }
    if (!m.fp && m.op != MOp::kArgs && m.op != MOp::kRet && m.op != MOp::kJmp)
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

std::string PrintVCode(const VCode& v, const std::vector<regalloc::Allocation>* allocs) {
  return backend::PrintVCodeText(v.ra, X64Syntax(v), allocs);
}

std::string PrintVCodeDot(const VCode& v, const std::vector<regalloc::Allocation>* allocs,
                          const std::string& name, const regalloc::Liveness* live) {
  return backend::PrintVCodeDot(PrintVCode(v, allocs), v.ra, name, live);
}

}  // namespace egret::x64
