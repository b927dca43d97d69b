// module.cc: see module.h.
#include "runtime/module.h"

#include <algorithm>

#include "artifact/artifact_reader.h"
#include "runtime/host_target.h"

namespace egret::runtime {

Expected<std::shared_ptr<const Module>> Module::FromBytes(Engine& engine,
                                                          std::span<const uint8_t> bytes) {
  artifact::ReadOptions options;
  options.host_target = HostTarget();  // the wrong target is refused before anything else
  EGRET_ASSIGN_OR_RETURN(artifact::Artifact a, artifact::ReadArtifact(bytes, options));
  return FromArtifact(engine, std::move(a));
}

Expected<std::shared_ptr<const Module>> Module::FromArtifact(Engine& engine,
                                                             artifact::Artifact artifact) {
  if (artifact.target != HostTarget())
    return Error("module: compiled for " + std::string(artifact::TargetName(artifact.target)) +
                 ", but this host is " + std::string(artifact::TargetName(HostTarget())) +
                 " (compile the .wasm with --target=" +
                 std::string(artifact::TargetName(HostTarget())) + ")");
  std::shared_ptr<Module> m(new Module());
  m->engine_ = &engine;
  m->artifact_ = std::move(artifact);
  const artifact::Artifact& a = m->artifact_;
  EGRET_ASSIGN_OR_RETURN(m->offsets_, artifact::VMOffsets::Compute(a));
  m->signature_ids_ = engine.signatures().InternAll(a.types);
  for (const artifact::Import& im : a.imports)
    if (im.kind == artifact::ExternKind::kFunc) m->func_type_index_.push_back(im.type_index);
  for (const artifact::Function& f : a.functions) m->func_type_index_.push_back(f.type_index);
  m->export_index_.reserve(a.exports.size());
  for (uint32_t i = 0; i < a.exports.size(); ++i) m->export_index_.emplace(a.exports[i].name, i);
  EGRET_ASSIGN_OR_RETURN(m->code_, LoadCode(a, engine.builtins()));
  if (m->code_->size() > 0) {
    EGRET_ASSIGN_OR_RETURN(m->registration_,
                           CodeRegistration::Create({m->code_->start(), m->code_->end(), &a}));
  }
  if (profiling::Profiler* profiler = engine.profiler()) {
    EGRET_ASSIGN_OR_RETURN(m->profile_, profiler->AddModule(a, m->code_->data()));
  }
  return std::shared_ptr<const Module>(std::move(m));
}

const artifact::FuncType& Module::FunctionType(uint32_t func_index) const {
  EGRET_CHECK(func_index < func_type_index_.size());
  return artifact_.types[func_type_index_[func_index]];
}

const void* Module::WasmCall(uint32_t defined_index) const {
  EGRET_CHECK(defined_index < artifact_.functions.size());
  return code_->data() + artifact_.functions[defined_index].body.offset;
}

ArrayCallFn Module::ArrayCall(uint32_t defined_index) const {
  EGRET_CHECK(defined_index < artifact_.functions.size());
  const artifact::CodeRange& r = artifact_.functions[defined_index].array_call;
  if (r.empty()) return nullptr;
  return reinterpret_cast<ArrayCallFn>(const_cast<uint8_t*>(code_->data() + r.offset));
}

const void* Module::WasmToArrayTrampoline(uint32_t type_index) const {
  const auto& t = artifact_.wasm_to_array;
  auto it = std::lower_bound(
      t.begin(), t.end(), type_index,
      [](const artifact::WasmToArrayTrampoline& w, uint32_t i) { return w.type_index < i; });
  if (it == t.end() || it->type_index != type_index) return nullptr;
  return code_->data() + it->code.offset;
}

std::optional<artifact::Export> Module::FindExport(std::string_view name) const {
  auto it = export_index_.find(name);
  if (it == export_index_.end()) return std::nullopt;
  return artifact_.exports[it->second];
}

}  // namespace egret::runtime
