// registers.cc: register names in LLVM's syntax.
#include "backends/aarch64/registers.h"

namespace egret::aarch64 {

std::string GprName(Gpr r, bool is64) {
  if (r == Gpr::kSp) return is64 ? "sp" : "wsp";
  if (r == Gpr::kZr) return is64 ? "xzr" : "wzr";
  return (is64 ? "x" : "w") + std::to_string(static_cast<int>(r));
}

std::string FprName(Fpr r, bool f64) {
  return (f64 ? "d" : "s") + std::to_string(static_cast<int>(r));
}

}  // namespace egret::aarch64
