// entity.h: typed dense u32 ids and the maps that own or annotate them.
//
// An entity (an IR value, block, instruction; a vreg; a label) is a 32-bit index into a dense
// table, wrapped in a distinct type per kind so a Block can never be passed where a Value is
// expected. Objects refer to each other by id, never by pointer, so copying a function is copying
// vectors and ids stay valid when tables grow.
//
//   PrimaryMap<K, V>   owns the Vs and hands out Ks in order 0, 1, 2, ...
//   SecondaryMap<K, V> a dense side table keyed by K with a default value; grows on write.
//   EntitySet<K>       a dense bit set of Ks.
#ifndef EGRET_SUPPORT_ENTITY_H_
#define EGRET_SUPPORT_ENTITY_H_

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "support/error.h"

namespace egret {

template <class Tag>
struct Id {
  static constexpr uint32_t kInvalid = UINT32_MAX;
  uint32_t index = kInvalid;

  constexpr Id() = default;
  constexpr explicit Id(uint32_t i) : index(i) {}
  constexpr bool valid() const { return index != kInvalid; }
  friend constexpr auto operator<=>(Id, Id) = default;
};

template <class K, class V>
class PrimaryMap {
 public:
  using key_type = K;

  K Push(V value) {
    items_.push_back(std::move(value));
    return K(static_cast<uint32_t>(items_.size() - 1));
  }
  // Push, returning the new entry rather than its key (which is the NextKey() before the call).
  V& PushRef(V value) { return items_.emplace_back(std::move(value)); }
  K NextKey() const { return K(static_cast<uint32_t>(items_.size())); }
  V& operator[](K k) {
    EGRET_DCHECK(k.index < items_.size());
    return items_[k.index];
  }
  const V& operator[](K k) const {
    EGRET_DCHECK(k.index < items_.size());
    return items_[k.index];
  }
  bool IsValid(K k) const { return k.index < items_.size(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void Reserve(size_t n) { items_.reserve(n); }
  void Clear() { items_.clear(); }

  // Iterates keys 0..size()-1: `for (Block b : blocks.Keys())`.
  struct KeyRange {
    uint32_t n;
    struct It {
      uint32_t i;
      K operator*() const { return K(i); }
      It& operator++() {
        ++i;
        return *this;
      }
      bool operator!=(const It& o) const { return i != o.i; }
    };
    It begin() const { return {0}; }
    It end() const { return {n}; }
  };
  KeyRange Keys() const { return {static_cast<uint32_t>(items_.size())}; }
  auto begin() { return items_.begin(); }
  auto end() { return items_.end(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

  friend bool operator==(const PrimaryMap&, const PrimaryMap&) = default;

 private:
  std::vector<V> items_;
};

template <class K, class V>
class SecondaryMap {
 public:
  SecondaryMap() = default;
  explicit SecondaryMap(V default_value) : default_(std::move(default_value)) {}

  // Reading a key never written returns the default.
  const V& operator[](K k) const { return k.index < items_.size() ? items_[k.index] : default_; }
  // Writing grows the table as needed.
  V& operator[](K k) {
    if (k.index >= items_.size()) items_.resize(size_t{k.index} + 1, default_);
    return items_[k.index];
  }
  // The entry of a key the caller knows is in the table (k.index < size(), checked in Debug
  // builds only): no growth check and no default, for inner loops that have sized the table.
  V& Unchecked(K k) {
    EGRET_DCHECK(k.index < items_.size());
    return items_[k.index];
  }
  const V& Unchecked(K k) const {
    EGRET_DCHECK(k.index < items_.size());
    return items_[k.index];
  }
  void Resize(size_t n) { items_.resize(n, default_); }
  void Clear() { items_.clear(); }
  size_t size() const { return items_.size(); }

  friend bool operator==(const SecondaryMap&, const SecondaryMap&) = default;

 private:
  std::vector<V> items_;
  V default_{};
};

// A dense bit set over entity ids.
template <class K>
class EntitySet {
 public:
  EntitySet() = default;
  explicit EntitySet(size_t capacity) { words_.resize((capacity + 63) / 64); }

  bool Contains(K k) const {
    const size_t w = k.index / 64;
    return w < words_.size() && ((words_[w] >> (k.index % 64)) & 1);
  }
  // Returns true if k was not yet in the set.
  bool Insert(K k) {
    const size_t w = k.index / 64;
    if (w >= words_.size()) words_.resize(w + 1);
    const uint64_t bit = uint64_t{1} << (k.index % 64);
    const bool fresh = !(words_[w] & bit);
    words_[w] |= bit;
    return fresh;
  }
  void Erase(K k) {
    const size_t w = k.index / 64;
    if (w < words_.size()) words_[w] &= ~(uint64_t{1} << (k.index % 64));
  }
  void Clear() { words_.clear(); }
  bool Empty() const {
    for (uint64_t w : words_)
      if (w) return false;
    return true;
  }
  // Calls f(K) for every member in increasing order.
  template <class F>
  void ForEach(F&& f) const {
    for (size_t w = 0; w < words_.size(); ++w) {
      uint64_t bits = words_[w];
      while (bits) {
        const int b = __builtin_ctzll(bits);
        f(K(static_cast<uint32_t>(w * 64 + b)));
        bits &= bits - 1;
      }
    }
  }

 private:
  std::vector<uint64_t> words_;
};

}  // namespace egret

template <class Tag>
struct std::hash<egret::Id<Tag>> {
  size_t operator()(egret::Id<Tag> id) const noexcept { return std::hash<uint32_t>()(id.index); }
};

#endif  // EGRET_SUPPORT_ENTITY_H_
