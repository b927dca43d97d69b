// table.h: WebAssembly tables of funcref (VMFuncRef*) or externref (opaque pointers).
//
// Elements are pointer-sized; nullptr is the null reference. An externref table owns one count
// of every non-null element (extern_ref.h): every operation that writes an element counts the
// new value before it releases the one overwritten, and the destructor releases them all. The
// pointers the methods take are borrowed; the ones they hand out are borrowed from the table.
// Compiled code reads a table through its VMTableDefinition {base, current_elements} (inline in the
// owning VMContext after RelocateDefinition, or through a pointer for imported tables) and checks
// the index against current_elements itself, trapping with kTableOutOfBounds /
// kIndirectCallOutOfBounds.
//
// Invariant: definition()->base == elements_.data() and definition()->current_elements == size().
//
// Code mirror: a funcref table whose maximum equals its minimum (fixed size, so its elements
// never move) keeps, right after its N elements, N code pointers: base[N + i] is
// elements[i]->wasm_call, or null for a null element. Compiled call_indirect loads the target
// from there, in parallel with the VMFuncRef* (frontend/translator.cc): one dependent load fewer
// between the index and the call. Invariant: every write path (Create, Set, Fill, Copy, Init,
// Grow, Clear) refreshes the mirror of the elements it wrote (SyncCodes).
// Growing may move the elements (the definition is updated), so compiled code reloads the base
// after any call.
//
// Storage: the elements live on the heap, or, for a table created with a SlotPool (pooling,
// EngineConfig::pooled_tables), in one of the pool's slots: then the maximum is capped at the
// slot's capacity, growth never moves the base, and destruction empties the table through
// Clear() before the slot goes back to the pool (which zeroes what was used).
#ifndef EGRET_RUNTIME_TABLE_H_
#define EGRET_RUNTIME_TABLE_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "artifact/artifact.h"
#include "runtime/vmfuncref.h"
#include "support/error.h"
#include "support/trap_code.h"

namespace egret::runtime {

class SlotPool;

// Where a table's elements live: a std::vector, or a pool slot of fixed capacity. The interface
// is the part of std::vector that Table uses.
class TableStorage {
 public:
  TableStorage() = default;
  TableStorage(const TableStorage&) = delete;
  TableStorage& operator=(const TableStorage&) = delete;
  ~TableStorage();
  // Moves into a pool slot of `capacity` elements (all null); the storage must be empty.
  void UseSlot(SlotPool* pool, uint8_t* slot, uint64_t capacity);

  void** data() { return slot_ != nullptr ? slot_ : heap_.data(); }
  void* const* data() const { return slot_ != nullptr ? slot_ : heap_.data(); }
  uint64_t size() const { return slot_ != nullptr ? size_ : heap_.size(); }
  void** begin() { return data(); }
  void* const* begin() const { return data(); }
  void*& operator[](uint64_t i) { return data()[i]; }
  void* operator[](uint64_t i) const { return data()[i]; }
  // Pooled: n <= the slot's capacity (Table caps its maximum there).
  void resize(uint64_t n, void* value);
  void assign(uint64_t n, void* value) {
    std::fill_n(begin(), std::min(n, size()), value);
    resize(n, value);
  }

 private:
  std::vector<void*> heap_;
  SlotPool* pool_ = nullptr;
  void** slot_ = nullptr;
  uint64_t size_ = 0, capacity_ = 0, high_water_ = 0;
};

class Table {
 public:
  // The embedder's cap on any table's size, below the type's maximum.
  static constexpr uint64_t kDefaultMaxElements = 10'000'000;

  // With `pool`, the elements live in one of its slots (an error if the pool is exhausted or
  // the minimum does not fit a slot).
  static Expected<std::unique_ptr<Table>> Create(const artifact::TableType& type,
                                                 void* init = nullptr,
                                                 uint64_t max_elements_cap = kDefaultMaxElements,
                                                 SlotPool* pool = nullptr);
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  artifact::ValType elem_type() const { return type_.elem; }
  const artifact::TableType& type() const { return type_; }
  uint64_t size() const { return mirrored_ ? elements_.size() / 2 : elements_.size(); }
  uint64_t max_elements() const { return max_; }
  // Whether a table of this type keeps the code mirror (above).
  static bool HasCodeMirror(const artifact::TableType& type) {
    return type.elem == artifact::ValType::kFuncRef && type.limits.max.has_value() &&
           *type.limits.max == type.limits.min;
  }

  // table.get / table.set. Return nullopt on success or kTableOutOfBounds.
  std::optional<TrapCode> Get(uint64_t index, void** out) const;
  std::optional<TrapCode> Set(uint64_t index, void* value);
  // table.grow: the old size, or -1 if the new size would exceed max_elements().
  int64_t Grow(uint64_t delta, void* init);
  // table.fill, table.copy (may overlap, may be the same table), table.init (a dropped segment
  // is an empty span). Bounds are checked before any element changes.
  std::optional<TrapCode> Fill(uint64_t dst, void* value, uint64_t len);
  static std::optional<TrapCode> Copy(Table& dst_table, uint64_t dst, const Table& src_table,
                                      uint64_t src, uint64_t len);
  std::optional<TrapCode> Init(uint64_t dst, std::span<void* const> segment, uint64_t src,
                               uint64_t len);

  // Sets every element to null (the table's own write path, as table.fill does).
  void Clear();

  VMTableDefinition* definition() { return def_; }
  void RelocateDefinition(VMTableDefinition* where);

 private:
  Table() = default;
  bool InBounds(uint64_t offset, uint64_t len) const {
    return len <= size() && offset <= size() - len;
  }
  bool counted() const { return type_.elem == artifact::ValType::kExternRef; }
  // Count changes for externref tables: `n` more owners of `p`; release elements [b, e).
  void Retain(void* p, uint64_t n) const;
  void ReleaseRange(uint64_t b, uint64_t e);
  void SyncDefinition() {
    def_->base = elements_.data();
    def_->current_elements = size();
  }
  // Refreshes the code mirror of elements [b, e) (nothing without a mirror).
  void SyncCodes(uint64_t b, uint64_t e);

  artifact::TableType type_;
  uint64_t max_ = 0;
  bool mirrored_ = false;  // HasCodeMirror(type_): elements_ holds 2 * size() entries
  TableStorage elements_;
  VMTableDefinition own_def_;
  VMTableDefinition* def_ = &own_def_;
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_TABLE_H_
