// linker.cc: see linker.h.
#include "runtime/linker.h"

#include <vector>

namespace egret::runtime {

Status Linker::Define(const std::string& module, const std::string& name, const Extern& value) {
  auto [it, inserted] = defs_.try_emplace({module, name}, value);
  if (!inserted) {
    if (!allow_shadowing_)
      return Error("linker: \"" + module + "\" \"" + name + "\" is already defined");
    it->second = value;
  }
  return Status::Ok();
}

Status Linker::DefineInstance(const std::string& module, const Instance& instance) {
  for (const artifact::Export& e : instance.module().artifact().exports) {
    auto ext = instance.GetExport(e.name);
    EGRET_CHECK(ext.has_value());
    EGRET_TRY(Define(module, e.name, *ext));
  }
  return Status::Ok();
}

const Extern* Linker::Find(const std::string& module, const std::string& name) const {
  auto it = defs_.find({module, name});
  return it == defs_.end() ? nullptr : &it->second;
}

Expected<Instance*> Linker::Instantiate(Store& store, std::shared_ptr<const Module> module) const {
  std::vector<Extern> imports;
  imports.reserve(module->artifact().imports.size());
  for (const artifact::Import& im : module->artifact().imports) {
    const Extern* e = Find(im.module, im.name);
    if (e == nullptr)
      return Error("unknown import: \"" + im.module + "\" \"" + im.name + "\" (" +
                   std::string(artifact::ExternKindName(im.kind)) + ")");
    imports.push_back(*e);
  }
  return Instance::Instantiate(store, std::move(module), imports);
}

}  // namespace egret::runtime
