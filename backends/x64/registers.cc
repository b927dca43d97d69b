// registers.cc: register and condition-code names in AT&T syntax.
#include "backends/x64/registers.h"

#include "support/error.h"

namespace egret::x64 {

char Suffix(OpSize s) {
  static constexpr char kSuffix[] = {'b', 'w', 'l', 'q'};
  return kSuffix[static_cast<int>(s)];
}

std::string_view GprName(Gpr r, OpSize size) {
  static constexpr std::string_view kNames[4][kNumGprs] = {
      {"%al", "%cl", "%dl", "%bl", "%spl", "%bpl", "%sil", "%dil", "%r8b", "%r9b", "%r10b", "%r11b",
       "%r12b", "%r13b", "%r14b", "%r15b"},
      {"%ax", "%cx", "%dx", "%bx", "%sp", "%bp", "%si", "%di", "%r8w", "%r9w", "%r10w", "%r11w",
       "%r12w", "%r13w", "%r14w", "%r15w"},
      {"%eax", "%ecx", "%edx", "%ebx", "%esp", "%ebp", "%esi", "%edi", "%r8d", "%r9d", "%r10d",
       "%r11d", "%r12d", "%r13d", "%r14d", "%r15d"},
      {"%rax", "%rcx", "%rdx", "%rbx", "%rsp", "%rbp", "%rsi", "%rdi", "%r8", "%r9", "%r10", "%r11",
       "%r12", "%r13", "%r14", "%r15"},
  };
  return kNames[static_cast<int>(size)][Enc(r)];
}

std::string_view XmmName(Xmm r) {
  static constexpr std::string_view kNames[kNumXmms] = {
      "%xmm0", "%xmm1", "%xmm2",  "%xmm3",  "%xmm4",  "%xmm5",  "%xmm6",  "%xmm7",
      "%xmm8", "%xmm9", "%xmm10", "%xmm11", "%xmm12", "%xmm13", "%xmm14", "%xmm15"};
  return kNames[Enc(r)];
}

CondCode Swap(CondCode cc) {
  switch (cc) {
    case CondCode::kB:
      return CondCode::kA;
    case CondCode::kA:
      return CondCode::kB;
    case CondCode::kAe:
      return CondCode::kBe;
    case CondCode::kBe:
      return CondCode::kAe;
    case CondCode::kL:
      return CondCode::kG;
    case CondCode::kG:
      return CondCode::kL;
    case CondCode::kGe:
      return CondCode::kLe;
    case CondCode::kLe:
      return CondCode::kGe;
    case CondCode::kE:
    case CondCode::kNe:
      return cc;
    default:
      // Overflow, sign and parity conditions have no operand-swapped counterpart.
      EGRET_CHECK(false && "condition code cannot be swapped");
      return cc;
  }
}

std::string_view CondCodeName(CondCode cc) {
  static constexpr std::string_view kNames[kNumCondCodes] = {
      "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};
  return kNames[static_cast<int>(cc)];
}

}  // namespace egret::x64
