// table.cc: see table.h.
#include "runtime/table.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "runtime/extern_ref.h"
#include "runtime/memory_pool.h"

namespace egret::runtime {

TableStorage::~TableStorage() {
  // ~Table emptied the slot through Clear() (null elements are zero bytes) before this runs.
  if (slot_ != nullptr)
    pool_->Give(reinterpret_cast<uint8_t*>(slot_), high_water_ * sizeof(void*), /*zeroed=*/true);
}

void TableStorage::UseSlot(SlotPool* pool, uint8_t* slot, uint64_t capacity) {
  EGRET_CHECK(slot_ == nullptr && heap_.empty());
  pool_ = pool;
  slot_ = reinterpret_cast<void**>(slot);
  capacity_ = capacity;
}

void TableStorage::resize(uint64_t n, void* value) {
  if (slot_ == nullptr) {
    heap_.resize(n, value);
    return;
  }
  EGRET_CHECK(n <= capacity_);
  if (n > size_) std::fill(slot_ + size_, slot_ + n, value);
  size_ = n;
  high_water_ = std::max(high_water_, n);
}

Expected<std::unique_ptr<Table>> Table::Create(const artifact::TableType& type, void* init,
                                               uint64_t max_elements_cap, SlotPool* pool) {
  if (!artifact::IsRefType(type.elem)) return Error("table: element type is not a reference");
  std::unique_ptr<Table> t(new Table());
  t->type_ = type;
  t->max_ = std::min<uint64_t>(type.limits.max.value_or(UINT32_MAX), max_elements_cap);
  t->mirrored_ = HasCodeMirror(type);
  // Entries per element: the mirror doubles a fixed-size funcref table's storage.
  const uint64_t per = t->mirrored_ ? 2 : 1;
  if (pool != nullptr) {
    const uint64_t capacity = pool->slot_bytes() / sizeof(void*) / per;
    if (type.limits.min > capacity)
      return Error("table: minimum of " + std::to_string(type.limits.min) +
                   " elements does not fit the pool's table slots of " + std::to_string(capacity) +
                   " elements (raise EngineConfig::pooled_table_elements)");
    t->max_ = std::min(t->max_, capacity);
  }
  if (type.limits.min > t->max_)
    return Error("table: minimum of " + std::to_string(type.limits.min) +
                 " elements exceeds the limit of " + std::to_string(t->max_));
  if (pool != nullptr) {
    EGRET_ASSIGN_OR_RETURN(uint8_t * slot, pool->Take(per * t->max_ * sizeof(void*)));
    t->elements_.UseSlot(pool, slot, per * t->max_);
  }
  t->elements_.assign(per * type.limits.min, init);
  t->Retain(init, type.limits.min);
  t->SyncCodes(0, type.limits.min);
  t->SyncDefinition();
  return t;
}

void Table::SyncCodes(uint64_t b, uint64_t e) {
  if (!mirrored_) return;
  void** elems = elements_.data();
  void** codes = elems + size();
  for (uint64_t i = b; i < e; ++i) {
    const auto* f = static_cast<const VMFuncRef*>(elems[i]);
    codes[i] = f != nullptr ? const_cast<void*>(f->wasm_call) : nullptr;
  }
}

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
  SyncCodes(index, index + 1);
  return std::nullopt;
}

int64_t Table::Grow(uint64_t delta, void* init) {
  const uint64_t old = size();
  if (delta > max_ - old) return -1;
  if (delta == 0) return int64_t(old);  // (a mirrored table never gets past here)
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
  SyncCodes(dst, dst + len);
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
  dst_table.SyncCodes(dst, dst + len);
  return std::nullopt;
}

std::optional<TrapCode> Table::Init(uint64_t dst, std::span<void* const> segment, uint64_t src,
                                    uint64_t len) {
  if (!InBounds(dst, len) || len > segment.size() || src > segment.size() - len)
    return TrapCode::kTableOutOfBounds;
  for (uint64_t i = 0; i < len; ++i) Retain(segment[src + i], 1);
  ReleaseRange(dst, dst + len);
  std::copy_n(segment.begin() + src, len, elements_.begin() + dst);
  SyncCodes(dst, dst + len);
  return std::nullopt;
}

Table::~Table() {
  // Pooled or not, the elements are dropped (externref counts released) through the table's own
  // write path, leaving nulls: a pooled slot goes back empty.
  Clear();
}

void Table::Clear() { Fill(0, nullptr, size()); }

void Table::RelocateDefinition(VMTableDefinition* where) {
  EGRET_CHECK(where != nullptr);
  def_ = where;
  SyncDefinition();
}

}  // namespace egret::runtime
