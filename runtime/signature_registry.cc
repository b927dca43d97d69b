// signature_registry.cc: see signature_registry.h. The key is the type's byte encoding
// (value-type codes with the parameter count in front), which is injective and cheap to hash.
#include "runtime/signature_registry.h"

namespace egret::runtime {

std::string SignatureRegistry::Key(const artifact::FuncType& type) {
  std::string key;
  key.reserve(type.params.size() + type.results.size() + 4);
  const uint32_t n = uint32_t(type.params.size());
  key.append(reinterpret_cast<const char*>(&n), sizeof n);
  for (artifact::ValType t : type.params) key.push_back(char(t));
  for (artifact::ValType t : type.results) key.push_back(char(t));
  return key;
}

uint32_t SignatureRegistry::Intern(const artifact::FuncType& type) {
  std::string key = Key(type);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = ids_.try_emplace(std::move(key), uint32_t(types_.size()));
  if (inserted) types_.push_back(type);
  return it->second;
}

std::vector<uint32_t> SignatureRegistry::InternAll(std::span<const artifact::FuncType> types) {
  std::vector<uint32_t> ids;
  ids.reserve(types.size());
  for (const artifact::FuncType& t : types) ids.push_back(Intern(t));
  return ids;
}

const artifact::FuncType* SignatureRegistry::Lookup(uint32_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return id < types_.size() ? &types_[id] : nullptr;
}

size_t SignatureRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return types_.size();
}

}  // namespace egret::runtime
