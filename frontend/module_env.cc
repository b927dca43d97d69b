// module_env.cc: name lookups over the module environment.
#include "frontend/module_env.h"

namespace egret::wasm {

std::string_view ModuleEnv::FunctionName(uint32_t func_index) const {
  auto it = function_names.find(func_index);
  return it == function_names.end() ? std::string_view() : std::string_view(it->second);
}

std::string ModuleEnv::DisplayName(uint32_t func_index) const {
  std::string_view name = FunctionName(func_index);
  if (!name.empty()) return std::string(name);
  for (const Export& e : exports)
    if (e.kind == ExternKind::kFunc && e.index == func_index) return e.name;
  return "func" + std::to_string(func_index);
}

std::string_view ModuleEnv::LocalName(uint32_t func_index, uint32_t local_index) const {
  auto f = local_names.find(func_index);
  if (f == local_names.end()) return {};
  auto l = f->second.find(local_index);
  return l == f->second.end() ? std::string_view() : std::string_view(l->second);
}

}  // namespace egret::wasm
