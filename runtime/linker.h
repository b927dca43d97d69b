// linker.h: resolves a module's imports by (module, name) and instantiates it.
//
// Definitions are host functions, memories, tables and globals, or every export of an instance
// (DefineInstance, how `(register "name")` in spec scripts works). Instantiate looks each import
// up, reports `unknown import: "env" "f"` for a missing one, and leaves type checks to
// Instance::Instantiate (which names the import in its error).
#ifndef EGRET_RUNTIME_LINKER_H_
#define EGRET_RUNTIME_LINKER_H_

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "runtime/instance.h"
#include "runtime/module.h"
#include "runtime/store.h"
#include "support/error.h"

namespace egret::runtime {

class Linker {
 public:
  // Fails if (module, name) is already defined and `allow_shadowing` is off.
  Status Define(const std::string& module, const std::string& name, const Extern& value);
  Status DefineInstance(const std::string& module, const Instance& instance);
  void set_allow_shadowing(bool allow) { allow_shadowing_ = allow; }

  const Extern* Find(const std::string& module, const std::string& name) const;

  Expected<Instance*> Instantiate(Store& store, std::shared_ptr<const Module> module) const;

 private:
  std::map<std::pair<std::string, std::string>, Extern> defs_;
  bool allow_shadowing_ = false;
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_LINKER_H_
