// abi.cc: argument/result locations and the allocator's register environment.
#include "backends/x64/abi.h"

#include <array>

namespace egret::x64 {

namespace {

template <class R, size_t N>
constexpr std::array<uint8_t, N> Encodings(const R (&regs)[N]) {
  std::array<uint8_t, N> out{};
  for (size_t k = 0; k < N; ++k) out[k] = Enc(regs[k]);
  return out;
}

constexpr auto kIntArgEncs = Encodings(kIntArgRegs);
constexpr auto kFloatArgEncs = Encodings(kFloatArgRegs);
constexpr auto kIntRetEncs = Encodings(kIntRetRegs);
constexpr auto kFloatRetEncs = Encodings(kFloatRetRegs);

}  // namespace

const backend::CallConv& WasmCallConv() {
  static const backend::CallConv conv{kIntArgEncs, kFloatArgEncs, kIntRetEncs, kFloatRetEncs};
  return conv;
}

CallLayout ComputeCallLayout(std::span<const ir::Type> params, std::span<const ir::Type> results) {
  return backend::ComputeCallLayout(WasmCallConv(), params, results);
}

const regalloc::MachineEnv& X64MachineEnv() {
  static const regalloc::MachineEnv env = [] {
    regalloc::MachineEnv e;
    using RC = regalloc::RegClass;
    for (Gpr r : kCallerSavedGprs) e.preferred[static_cast<int>(RC::kInt)].push_back(IntPReg(r));
    for (Gpr r : kCalleeSaved) e.non_preferred[static_cast<int>(RC::kInt)].push_back(IntPReg(r));
    for (int x = 0; x < 16; ++x)
      e.preferred[static_cast<int>(RC::kFloat)].push_back(FloatPReg(XmmFromEnc(x)));
    // No scratch registers (e.scratch stays invalid): see abi.h.
    return e;
  }();
  return env;
}

regalloc::PRegSet CallClobbers() {
  regalloc::PRegSet s;
  for (Gpr r : kCallerSavedGprs) s.Add(IntPReg(r));
  for (int x = 0; x < 16; ++x) s.Add(FloatPReg(XmmFromEnc(x)));
  return s;
}

}  // namespace egret::x64
