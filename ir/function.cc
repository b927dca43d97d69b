// function.cc: resetting a Function for reuse, and small queries over a Function and a Module.
#include "ir/function.h"

namespace egret::ir {

void Function::Reset(std::string_view new_name, const Signature& sig) {
  name.assign(new_name);
  if (&sig != &signature) {
    signature.params.assign(sig.params.begin(), sig.params.end());
    signature.results.assign(sig.results.begin(), sig.results.end());
  }
  dfg.Clear();
  layout.Clear();
  stack_slots.Clear();
  srclocs_.Clear();
}

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
