// signature_registry.cc: see signature_registry.h. The key is the type's byte encoding
// (value-type codes with the parameter count in front), which is injective and cheap to hash.
#include "runtime/signature_registry.h"

#include <algorithm>

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
  if (inserted) {
    types_.push_back(type);
    const size_t n = types_.size();
    if (n > index_capacity_) {
      const size_t capacity = std::max<size_t>(64, index_capacity_ * 2);
      auto grown = std::make_unique<const artifact::FuncType*[]>(capacity);
      for (size_t i = 0; i + 1 < n; ++i) grown[i] = &types_[i];
      grown[n - 1] = &types_.back();
      index_.store(grown.get(), std::memory_order_release);
      retired_.push_back(std::move(grown));
      index_capacity_ = capacity;
    } else {
      // Not yet visible to readers: index_size_ still excludes it.
      const_cast<const artifact::FuncType**>(index_.load(std::memory_order_relaxed))[n - 1] =
          &types_.back();
    }
    index_size_.store(n, std::memory_order_release);
  }
  return it->second;
}

std::vector<uint32_t> SignatureRegistry::InternAll(std::span<const artifact::FuncType> types) {
  std::vector<uint32_t> ids;
  ids.reserve(types.size());
  for (const artifact::FuncType& t : types) ids.push_back(Intern(t));
  return ids;
}

const artifact::FuncType* SignatureRegistry::Lookup(uint32_t id) const {
  // Size first: an index array loaded after it holds at least that many entries.
  const size_t size = index_size_.load(std::memory_order_acquire);
  if (id >= size) return nullptr;
  return index_.load(std::memory_order_acquire)[id];
}

size_t SignatureRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return types_.size();
}

}  // namespace egret::runtime
