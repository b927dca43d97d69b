// abi.cc: argument/result locations and the allocator's register environment.
#include "backends/x64/abi.h"

namespace egret::x64 {

CallLayout ComputeCallLayout(std::span<const ir::Type> params, std::span<const ir::Type> results) {
  CallLayout l;
  int ni = 0, nf = 0;
  for (ir::Type t : params) {
    AbiLoc loc;
    loc.fp = ir::IsFloat(t);
    if (loc.fp && nf < kNumFloatArgRegs) {
      loc.reg = static_cast<uint8_t>(nf++);
    } else if (!loc.fp && ni < 6) {
      loc.reg = Enc(kIntArgRegs[ni++]);
    } else {
      loc.on_stack = true;
      loc.slot = l.stack_args++;
    }
    l.params.push_back(loc);
  }
  int ri = 0, rf = 0;
  for (ir::Type t : results) {
    AbiLoc loc;
    loc.fp = ir::IsFloat(t);
    if (loc.fp && rf < 2) {
      loc.reg = Enc(kFloatRetRegs[rf++]);
    } else if (!loc.fp && ri < 2) {
      loc.reg = Enc(kIntRetRegs[ri++]);
    } else {
      loc.on_stack = true;
      loc.slot = l.stack_args + l.stack_results++;
    }
    l.results.push_back(loc);
  }
  return l;
}

const regalloc::MachineEnv& X64MachineEnv() {
  static const regalloc::MachineEnv env = [] {
    regalloc::MachineEnv e;
    using RC = regalloc::RegClass;
    for (Gpr r : {Gpr::kRax, Gpr::kRcx, Gpr::kRdx, Gpr::kRsi, Gpr::kRdi, Gpr::kR8, Gpr::kR9})
      e.preferred[static_cast<int>(RC::kInt)].push_back(IntPReg(r));
    for (Gpr r : kCalleeSaved) e.non_preferred[static_cast<int>(RC::kInt)].push_back(IntPReg(r));
    for (int x = 0; x < 15; ++x)
      e.preferred[static_cast<int>(RC::kFloat)].push_back(FloatPReg(XmmFromEnc(x)));
    e.scratch[static_cast<int>(RC::kInt)] = IntPReg(kScratch);
    e.scratch[static_cast<int>(RC::kFloat)] = FloatPReg(kXmmScratch);
    return e;
  }();
  return env;
}

regalloc::PRegSet CallClobbers() {
  regalloc::PRegSet s;
  for (Gpr r : {Gpr::kRax, Gpr::kRcx, Gpr::kRdx, Gpr::kRsi, Gpr::kRdi, Gpr::kR8, Gpr::kR9})
    s.Add(IntPReg(r));
  for (int x = 0; x < 15; ++x) s.Add(FloatPReg(XmmFromEnc(x)));
  return s;
}

}  // namespace egret::x64
