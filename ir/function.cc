// function.cc: small queries over a Function and a Module.
#include "ir/function.h"

namespace egret::ir {

size_t Function::NumLayoutInsts() const {
  size_t n = 0;
  for (Block b : layout.Blocks())
    for (Inst i : layout.Insts(b)) {
      (void)i;
      ++n;
    }
  return n;
}

const Function* Module::Find(std::string_view name) const {
  for (const Function& f : functions)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace egret::ir
