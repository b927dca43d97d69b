// table.cc: see table.h.
#include "runtime/table.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "runtime/extern_ref.h"

namespace egret::runtime {

Expected<std::unique_ptr<Table>> Table::Create(const artifact::TableType& type, void* init,
                                               uint64_t max_elements_cap) {
  if (!artifact::IsRefType(type.elem)) return Error("table: element type is not a reference");
  std::unique_ptr<Table> t(new Table());
  t->type_ = type;
  t->max_ = std::min<uint64_t>(type.limits.max.value_or(UINT32_MAX), max_elements_cap);
  if (type.limits.min > t->max_)
    return Error("table: minimum of " + std::to_string(type.limits.min) +
                 " elements exceeds the limit of " + std::to_string(t->max_));
  t->elements_.assign(type.limits.min, init);
  t->Retain(init, type.limits.min);
  t->SyncDefinition();
  return t;
}

Table::~Table() { ReleaseRange(0, size()); }

void Table::Retain(void* p, uint64_t n) const {
  if (counted() && n > 0) ExternRefRetain(static_cast<VMExternData*>(p), n);
}

void Table::ReleaseRange(uint64_t b, uint64_t e) {
  if (!counted()) return;
  for (uint64_t i = b; i < e; ++i) ExternRefRelease(static_cast<VMExternData*>(elements_[i]));
}

std::optional<TrapCode> Table::Get(uint64_t index, void** out) const {
  if (index >= size()) return TrapCode::kTableOutOfBounds;
  *out = elements_[index];
  return std::nullopt;
}

std::optional<TrapCode> Table::Set(uint64_t index, void* value) {
  if (index >= size()) return TrapCode::kTableOutOfBounds;
  Retain(value, 1);
  ReleaseRange(index, index + 1);
  elements_[index] = value;
  return std::nullopt;
}

int64_t Table::Grow(uint64_t delta, void* init) {
  const uint64_t old = size();
  if (delta > max_ - old) return -1;
  elements_.resize(old + delta, init);
  Retain(init, delta);
  SyncDefinition();
  return int64_t(old);
}

std::optional<TrapCode> Table::Fill(uint64_t dst, void* value, uint64_t len) {
  if (!InBounds(dst, len)) return TrapCode::kTableOutOfBounds;
  Retain(value, len);
  ReleaseRange(dst, dst + len);
  std::fill_n(elements_.begin() + dst, len, value);
  return std::nullopt;
}

std::optional<TrapCode> Table::Copy(Table& dst_table, uint64_t dst, const Table& src_table,
                                    uint64_t src, uint64_t len) {
  if (!dst_table.InBounds(dst, len) || !src_table.InBounds(src, len))
    return TrapCode::kTableOutOfBounds;
  if (dst_table.counted()) {  // sources counted before the destinations are released
    for (uint64_t i = 0; i < len; ++i) dst_table.Retain(src_table.elements_[src + i], 1);
    dst_table.ReleaseRange(dst, dst + len);
  }
  if (len > 0)
    std::memmove(dst_table.elements_.data() + dst, src_table.elements_.data() + src,
                 len * sizeof(void*));
  return std::nullopt;
}

std::optional<TrapCode> Table::Init(uint64_t dst, std::span<void* const> segment, uint64_t src,
                                    uint64_t len) {
  if (!InBounds(dst, len) || len > segment.size() || src > segment.size() - len)
    return TrapCode::kTableOutOfBounds;
  for (uint64_t i = 0; i < len; ++i) Retain(segment[src + i], 1);
  ReleaseRange(dst, dst + len);
  std::copy_n(segment.begin() + src, len, elements_.begin() + dst);
  return std::nullopt;
}

void Table::RelocateDefinition(VMTableDefinition* where) {
  EGRET_CHECK(where != nullptr);
  def_ = where;
  SyncDefinition();
}

}  // namespace egret::runtime
