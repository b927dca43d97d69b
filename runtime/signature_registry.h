// signature_registry.h: engine-wide interning of function types to shared ids.
//
// call_indirect compares the callee's VMFuncRef::type_id with the id the caller expects. Ids are
// engine-wide, so funcrefs from different modules and instances compare correctly, and each
// module only needs a small array mapping its type indices to ids (VMContext's signature-id
// pointer), shared by all its instances rather than copied into each.
//
// Interned types live as long as the registry (no per-module release yet); ids are dense from 0.
// Thread-safe; Lookup takes no lock.
#ifndef EGRET_RUNTIME_SIGNATURE_REGISTRY_H_
#define EGRET_RUNTIME_SIGNATURE_REGISTRY_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "artifact/artifact.h"

namespace egret::runtime {

class SignatureRegistry {
 public:
  // The id of `type`; equal types (same params and results) get equal ids.
  uint32_t Intern(const artifact::FuncType& type);
  // Ids for a module's types, indexed by type index (what VMContext::signature_ids points to).
  std::vector<uint32_t> InternAll(std::span<const artifact::FuncType> types);
  // The type with this id; nullptr if the id was never handed out. The pointer stays valid.
  const artifact::FuncType* Lookup(uint32_t id) const;
  size_t size() const;

 private:
  struct Hash {
    size_t operator()(const std::string& s) const { return std::hash<std::string>()(s); }
  };
  static std::string Key(const artifact::FuncType& type);

  // Lookup is lock-free (the typed call path asks it on every call): `index_` points to an
  // array of `index_size_` type pointers, published with release stores after the entries are
  // written. Growing copies into a new array twice as large; old arrays stay alive in `retired_`
  // until the registry dies, so a reader holding one never sees it freed.
  mutable std::mutex mu_;  // writers
  std::unordered_map<std::string, uint32_t, Hash> ids_;
  std::deque<artifact::FuncType> types_;  // by id; deque keeps element addresses stable
  std::atomic<const artifact::FuncType* const*> index_{nullptr};
  std::atomic<size_t> index_size_{0};
  size_t index_capacity_ = 0;
  std::vector<std::unique_ptr<const artifact::FuncType*[]>> retired_;  // including the current one
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_SIGNATURE_REGISTRY_H_
