// instance_pre.cc: see instance_pre.h.
#include "runtime/instance_pre.h"

#include <string>
#include <utility>

namespace egret::runtime {

Expected<InstancePre> InstancePre::Create(const Linker& linker, Store& store,
                                          std::shared_ptr<const Module> module) {
  if (&module->engine() != &store.engine())
    return Error("instantiate: the module and the store belong to different engines");
  InstancePre pre;
  pre.store_ = &store;
  const artifact::Artifact& a = module->artifact();
  pre.imports_.reserve(a.imports.size());
  for (const artifact::Import& im : a.imports) {
    const Extern* e = linker.Find(im.module, im.name);
    if (e == nullptr)
      return Error("unknown import: \"" + im.module + "\" \"" + im.name + "\" (" +
                   std::string(artifact::ExternKindName(im.kind)) + ")");
    pre.imports_.push_back(*e);
  }
  EGRET_TRY(Instance::CheckImports(store, *module, pre.imports_));
  for (size_t i = 0; i < a.imports.size(); ++i)
    if (a.imports[i].kind == artifact::ExternKind::kFunc)
      pre.import_funcrefs_.push_back(
          Instance::ResolveImport(*module, *pre.imports_[i].func.ref, a.imports[i]));
  pre.module_ = std::move(module);
  return pre;
}

Expected<Instance*> InstancePre::Instantiate(Store& store) const {
  if (&store != store_)
    return Error("instantiate: an InstancePre instantiates only in the store it was linked for");
  return Instance::Create(store, module_, imports_, this);
}

}  // namespace egret::runtime
