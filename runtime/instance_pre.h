// instance_pre.h: a module linked once, instantiated many times (Wasmtime's InstancePre).
//
//   auto pre = InstancePre::Create(linker, store, module);   // lookups and type checks, once
//   for (...) Instance* i = *pre->Instantiate(store);         // fills a VMContext, nothing more
//
// Create resolves every import through the Linker (by module and name) and checks each against
// the module's import type, as Linker::Instantiate would on every call; it also resolves the
// funcref each imported function gets (a host function's wasm_call is the module's
// wasm-to-array trampoline for its type). Instantiate then skips the lookups and the checks and
// copies the resolved funcrefs.
//
// Invariants: the checks stay true after Create. Imported memories and tables only grow (their
// minimum can only become more satisfied; their maximum is part of their type, which never
// changes), functions and globals never change type. Later changes to the Linker do not affect
// an InstancePre. The imports are objects of one Store: Instantiate refuses any other.
#ifndef EGRET_RUNTIME_INSTANCE_PRE_H_
#define EGRET_RUNTIME_INSTANCE_PRE_H_

#include <memory>
#include <vector>

#include "runtime/instance.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"
#include "support/error.h"

namespace egret::runtime {

class InstancePre {
 public:
  // Errors: an import the linker does not define (`unknown import: "env" "f" (func)`), or one
  // whose type does not match (as Instance::Instantiate reports it).
  static Expected<InstancePre> Create(const Linker& linker, Store& store,
                                      std::shared_ptr<const Module> module);

  // A new instance in `store`, which must be the store given to Create. Segments and the start
  // function run as in Instance::Instantiate (a trap there is an error).
  Expected<Instance*> Instantiate(Store& store) const;

  const Module& module() const { return *module_; }

 private:
  friend class Instance;
  InstancePre() = default;
  Store* store_ = nullptr;
  std::shared_ptr<const Module> module_;
  std::vector<Extern> imports_;             // in the module's import order
  std::vector<VMFuncRef> import_funcrefs_;  // per imported function, as the instance stores it
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_INSTANCE_PRE_H_
