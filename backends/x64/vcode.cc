// vcode.cc: x64's text for the shared VCode printer behind --emit=vcode and --emit=dot.
//
// One line per MInst (backends/common/vcode_printer.h): the MOp's name, `.sub` for ALU ops, the
// operation width in bits for integer ops, `$imm`, then the operands (`%rax`, `%xmm1`, `stack2`
// after allocation).
#include "backends/x64/vcode.h"

#include <string>

#include "backends/common/vcode_printer.h"
#include "backends/x64/inst.h"

namespace egret::x64 {
namespace {

const char* MOpName(MOp op) {
  switch (op) {
    case MOp::kArgs:
      return "args";
    case MOp::kLoadArg:
      return "load_arg";
    case MOp::kCopy:
      return "copy";
    case MOp::kIconst:
      return "iconst";
    case MOp::kFconst:
      return "fconst";
    case MOp::kAlu:
      return "alu";
    case MOp::kImul:
      return "imul";
    case MOp::kUnary:
      return "unary";
    case MOp::kShift:
      return "shift";
    case MOp::kBitCount:
      return "bitcount";
    case MOp::kDiv:
      return "div";
    case MOp::kCmpSet:
      return "cmpset";
    case MOp::kFcmpSet:
      return "fcmpset";
    case MOp::kSelect:
      return "select";
    case MOp::kLoad:
      return "load";
    case MOp::kStore:
      return "store";
    case MOp::kLea:
      return "lea";
    case MOp::kExtend:
      return "extend";
    case MOp::kSseBin:
      return "sse";
    case MOp::kSseUnary:
      return "sse_unary";
    case MOp::kFsign:
      return "fsign";
    case MOp::kFminmax:
      return "fminmax";
    case MOp::kIntToFp:
      return "int_to_fp";
    case MOp::kFpToInt:
      return "fp_to_int";
    case MOp::kBitcast:
      return "bitcast";
    case MOp::kCall:
      return "call";
    case MOp::kCallBuiltin:
      return "call_builtin";
    case MOp::kCallInd:
      return "call_indirect";
    case MOp::kStoreOutArg:
      return "store_out_arg";
    case MOp::kLoadOutRet:
      return "load_out_ret";
    case MOp::kStoreRet:
      return "store_ret";
    case MOp::kRet:
      return "ret";
    case MOp::kJmp:
      return "jmp";
    case MOp::kBrif:
      return "brif";
    case MOp::kBrTable:
      return "br_table";
    case MOp::kTrap:
      return "trap";
    case MOp::kTrapIf:
      return "trap_if";
  }
  return "?";
}

// The x64 text of an MInst for the shared printer.
class X64Syntax final : public backend::VCodeSyntax {
 public:
  explicit X64Syntax(const VCode& v) : v_(v) {}

  std::string InstHead(uint32_t i) const override {
    const MInst& m = v_.insts[i];
    std::string out = MOpName(m.op);
    if (m.op == MOp::kAlu) {
      out += '.';  // appended piecewise: g++-12 -O3 misreports "lit" + string (-Wrestrict)
      out += std::to_string(m.sub);
    }
    if (!m.fp && m.op != MOp::kArgs && m.op != MOp::kRet && m.op != MOp::kJmp)
      out += std::to_string(8 << static_cast<int>(m.size));
    if (m.has_imm || m.op == MOp::kIconst) out += " $" + std::to_string(m.imm);
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

std::string PrintVCode(const VCode& v, const std::vector<regalloc::Allocation>* allocs) {
  return backend::PrintVCodeText(v.ra, X64Syntax(v), allocs);
}

std::string PrintVCodeDot(const VCode& v, const std::vector<regalloc::Allocation>* allocs,
                          const std::string& name, const regalloc::Liveness* live) {
  return backend::PrintVCodeDot(PrintVCode(v, allocs), v.ra, name, live);
}

}  // namespace egret::x64
