// abi.cc: argument/result locations and the allocator's register environment.
#include "backends/aarch64/abi.h"

#include <array>

namespace egret::aarch64 {
namespace {

constexpr std::array<uint8_t, 8> kArgEncs = {0, 1, 2, 3, 4, 5, 6, 7};

// Caller-saved allocatable registers, in allocation order.
constexpr Gpr kCallerSavedGprs[] = {Gpr::kX0,  Gpr::kX1,  Gpr::kX2,  Gpr::kX3,  Gpr::kX4,
                                    Gpr::kX5,  Gpr::kX6,  Gpr::kX7,  Gpr::kX8,  Gpr::kX9,
                                    Gpr::kX10, Gpr::kX11, Gpr::kX12, Gpr::kX13, Gpr::kX14};

bool IsCallerSavedFpr(int v) { return v < 8 || (v >= 16 && v < 30); }

}  // namespace

const backend::CallConv& WasmCallConv() {
  static const backend::CallConv conv{kArgEncs, kArgEncs, kArgEncs, kArgEncs};
  return conv;
}

CallLayout ComputeCallLayout(std::span<const ir::Type> params, std::span<const ir::Type> results) {
  return backend::ComputeCallLayout(WasmCallConv(), params, results);
}

const regalloc::MachineEnv& A64MachineEnv() {
  static const regalloc::MachineEnv env = [] {
    regalloc::MachineEnv e;
    using RC = regalloc::RegClass;
    const int ic = static_cast<int>(RC::kInt), fc = static_cast<int>(RC::kFloat);
    for (Gpr r : kCallerSavedGprs) e.preferred[ic].push_back(IntPReg(r));
    for (Gpr r : kCalleeSavedGprs) e.non_preferred[ic].push_back(IntPReg(r));
    for (int v = 0; v < 30; ++v) {
      if (IsCallerSavedFpr(v)) e.preferred[fc].push_back(FloatPReg(FprFromEnc(v)));
    }
    for (Fpr r : kCalleeSavedFprs) e.non_preferred[fc].push_back(FloatPReg(r));
    e.scratch[ic] = IntPReg(kScratch);
    e.scratch[fc] = FloatPReg(kFpScratch);
    return e;
  }();
  return env;
}

regalloc::PRegSet CallClobbers(bool vectors) {
  // Asked at every call lowering makes: both sets are built once.
  static const std::array<regalloc::PRegSet, 2> kSets = [] {
    std::array<regalloc::PRegSet, 2> s;
    for (int wide = 0; wide < 2; ++wide) {
      for (Gpr r : kCallerSavedGprs) s[wide].Add(IntPReg(r));
      for (int v = 0; v < 30; ++v)
        if (IsCallerSavedFpr(v) || wide != 0) s[wide].Add(FloatPReg(FprFromEnc(v)));
    }
    return s;
  }();
  return kSets[vectors ? 1 : 0];
}

}  // namespace egret::aarch64
