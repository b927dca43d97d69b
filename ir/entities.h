// entities.h: the IR's entity ids and the pooled value lists that instructions use.
//
// Every IR object is named by a dense 32-bit id of its own type; objects refer to each other
// only by id, so a Function is a handful of vectors and copying it is copying them.
//
//   Value      v12     an SSA value: an instruction result or a block parameter
//   Inst       inst3   an instruction (printed only in diagnostics)
//   Block      block3  a basic block with parameters
//   StackSlot  ss0     a fixed-size area of the function's stack frame
//   FuncRef    fn0     a function this function calls (printed by name: `call %f(v1)`)
//   SigRef     sig0    a signature for call_indirect
//   JumpTable  jt0     the targets of one br_table
//
// Variable-length operand lists (call arguments, branch arguments, block parameters, results)
// live in one ValueListPool per function: a ValueList is {start, size} into it, so building an
// instruction never allocates on its own. A list's capacity is implied by its size: a list of
// one value has room for exactly one (most lists are an instruction's one result, which never
// grows), a longer one for the next power of two, at least 4; growing past it moves the list to
// the end of the pool (or grows it in place when it already is at the end). Spans returned by
// the pool are invalidated by any pool growth.
#ifndef EGRET_IR_ENTITIES_H_
#define EGRET_IR_ENTITIES_H_

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "support/entity.h"

namespace egret::ir {

using Value = Id<struct ValueTag>;
using Inst = Id<struct InstTag>;
using Block = Id<struct BlockTag>;
using StackSlot = Id<struct StackSlotTag>;
using FuncRef = Id<struct FuncRefTag>;
using SigRef = Id<struct SigRefTag>;
using JumpTable = Id<struct JumpTableTag>;

struct ValueList {
  uint32_t start = 0;
  uint32_t size = 0;
};

class ValueListPool {
 public:
  std::span<const Value> Get(ValueList l) const { return {data_.data() + l.start, l.size}; }
  std::span<Value> GetMut(ValueList l) { return {data_.data() + l.start, l.size}; }

  ValueList Make(std::span<const Value> values) {
    ValueList l;
    l.size = static_cast<uint32_t>(values.size());
    if (values.empty()) return l;
    if (!data_.empty() && values.data() >= data_.data() &&
        values.data() < data_.data() + data_.size()) {
      // The source lives in this pool and resizing would move it: copy it out first.
      std::vector<Value> copy(values.begin(), values.end());
      return Make(copy);
    }
    l.start = static_cast<uint32_t>(data_.size());
    data_.resize(data_.size() + Capacity(l.size));
    std::copy(values.begin(), values.end(), data_.begin() + l.start);
    return l;
  }

  // A new list holding `v` (Make of one value, without the aliasing test): one slot.
  // Inline (the builder makes one per instruction result), with the pool's growth out of line.
  ValueList MakeOne(Value v) {
    if (data_.size() == data_.capacity()) [[unlikely]]
      GrowStorage();
    ValueList l;
    l.start = static_cast<uint32_t>(data_.size());
    l.size = 1;
    data_.push_back(v);
    return l;
  }

  void Push(ValueList& l, Value v) {
    Reserve(l, l.size + 1);
    data_[l.start + l.size++] = v;
  }

  // Inserts v before position `index` (index == size appends).
  void Insert(ValueList& l, uint32_t index, Value v) {
    EGRET_CHECK(index <= l.size);
    Reserve(l, l.size + 1);
    Value* base = data_.data() + l.start;
    std::copy_backward(base + index, base + l.size, base + l.size + 1);
    base[index] = v;
    ++l.size;
  }

  void Remove(ValueList& l, uint32_t index) {
    EGRET_CHECK(index < l.size);
    Value* base = data_.data() + l.start;
    std::copy(base + index + 1, base + l.size, base + index);
    --l.size;
  }

  void Clear() { data_.clear(); }
  size_t PoolSize() const { return data_.size(); }

  friend bool operator==(const ValueListPool&, const ValueListPool&) = default;

 private:
  static uint32_t Capacity(uint32_t n) {
    return n <= 1 ? n : std::max<uint32_t>(4, std::bit_ceil(n));
  }
  // Makes room for `n` elements in l, moving it if its implied capacity is too small.
  void Reserve(ValueList& l, uint32_t n) {
    const uint32_t cap = Capacity(l.size);
    if (n <= cap) return;
    const uint32_t new_cap = Capacity(n);
    if (l.size > 0 && l.start + cap == data_.size()) {  // last list in the pool: grow in place
      data_.resize(l.start + new_cap);
      return;
    }
    const uint32_t start = static_cast<uint32_t>(data_.size());
    data_.resize(data_.size() + new_cap);
    std::copy(data_.begin() + l.start, data_.begin() + l.start + l.size, data_.begin() + start);
    l.start = start;
  }

  // Doubles the storage (MakeOne's cold path).
  [[gnu::noinline]] void GrowStorage() {
    data_.reserve(std::max<size_t>(64, 2 * data_.capacity()));
  }

  std::vector<Value> data_;
};

}  // namespace egret::ir

#endif  // EGRET_IR_ENTITIES_H_
