// interval_set.h: the intervals assigned to the physical registers, keyed by (register, start),
// for the backtracking allocator's conflict queries.
//
// The allocator keeps, per register, a bitmap of the points its assigned intervals cover (exact:
// they are disjoint) and a bitmap of their starts (backtrack.cc). Those answer where an interval
// begins and which point it covers; this table answers what it is: its end, its bundle and the
// bundle's spill weight. It is an open-addressing hash table with linear probing: an insert, an
// erase or a lookup is a hash and a probe or two, with no ordering to keep (the sorted two-level
// array used before moved up to 16 entries on every insert in the middle of a register).
//
// Invariants: at most one entry per (register, start) (the intervals of one register are
// disjoint); an erased slot is refilled by backward shifting, so every entry lies on the probe
// path from its home slot with no empty slot in between; the table is at most half full.
#ifndef EGRET_REGALLOC_INTERVAL_SET_H_
#define EGRET_REGALLOC_INTERVAL_SET_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "support/error.h"

namespace egret::regalloc {

class IntervalMap {
 public:
  struct Entry {
    uint32_t from, to, bundle;
    float weight;  // the bundle's spill weight, so eviction decisions need not load the bundle
  };

  IntervalMap() = default;
  // A moved-from map is empty (num_slots_ follows slots_), as a fresh one.
  IntervalMap(IntervalMap&& o) noexcept
      : slots_(std::move(o.slots_)),
        num_slots_(std::exchange(o.num_slots_, 0)),
        shift_(std::exchange(o.shift_, 64)),
        size_(std::exchange(o.size_, 0)) {}
  IntervalMap& operator=(IntervalMap&& o) noexcept {
    slots_ = std::move(o.slots_);
    o.slots_.clear();
    num_slots_ = std::exchange(o.num_slots_, 0);
    shift_ = std::exchange(o.shift_, 64);
    size_ = std::exchange(o.size_, 0);
    return *this;
  }

  // Empties the table and sizes it for about `expected` entries (it grows past that), keeping the
  // storage. Cost: the number of slots.
  void Reset(size_t expected) {
    size_t cap = 16;
    while (cap < 2 * expected) cap *= 2;
    Empty(cap);
    size_ = 0;
  }
  size_t size() const { return size_; }
  size_t CapacityBytes() const { return slots_.capacity() * sizeof(Slot); }
  // Drops the storage's contents (Reset must run before the next use).
  void clear() {
    slots_.clear();
    num_slots_ = 0;
    size_ = 0;
  }

  // Adds e for register reg; no entry of reg may start at e.from.
  void Insert(uint32_t reg, const Entry& e) {
    if (2 * (size_ + 1) > num_slots_) Grow();
    Place(Key(reg, e.from), e);
    ++size_;
  }

  // The entry of reg starting at `from` (which must be present).
  const Entry& Find(uint32_t reg, uint32_t from) const { return slots_[SlotOf(reg, from)].entry; }

  // Calls f(register, entry) for every entry, in no particular order (tests and debug checks).
  template <class F>
  void ForEachEntry(F&& f) const {
    for (const Slot& s : slots_)
      if (s.key != kEmpty) f(static_cast<uint32_t>(s.key & 0xff), s.entry);
  }

  // Removes the entry of reg starting at `from` (which must be present).
  void Erase(uint32_t reg, uint32_t from) {
    const size_t mask = num_slots_ - 1;
    size_t i = SlotOf(reg, from);
    // Backward shift: each later entry of the cluster whose home does not lie cyclically in
    // (i, j] moves into the hole, which moves on to its slot.
    for (size_t j = (i + 1) & mask; slots_[j].key != kEmpty; j = (j + 1) & mask) {
      const size_t home = Home(slots_[j].key);
      const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i].key = kEmpty;
    --size_;
  }

 private:
  static constexpr uint64_t kEmpty = UINT64_MAX;
  // Default construction writes nothing: Empty() writes every slot's key, and an entry is read
  // only where its key is set.
  struct Slot {
    Slot() {}  // NOLINT(modernize-use-equals-default): `= default` would zero in resize()
    uint64_t key;
    Entry entry;
  };
  // Sizes the table to `cap` slots (a power of two, at least 16), all empty: one store per slot,
  // of its key (assigning Slot{} copied whole slots; a memset writes the entries too), four slots
  // a step (the compiler keeps a one-slot loop: a store and three instructions of loop per slot).
  void Empty(size_t cap) {
    EGRET_DCHECK(cap >= 16 && (cap & (cap - 1)) == 0);
    slots_.clear();
    slots_.resize(cap);
    num_slots_ = cap;
    Slot* const s = slots_.data();
    for (size_t i = 0; i < cap; i += 4) {
      s[i].key = kEmpty;
      s[i + 1].key = kEmpty;
      s[i + 2].key = kEmpty;
      s[i + 3].key = kEmpty;
    }
    shift_ = 64 - static_cast<uint32_t>(std::countr_zero(cap));
  }
  static uint64_t Key(uint32_t reg, uint32_t from) {
    EGRET_DCHECK(reg < 256);
    return (static_cast<uint64_t>(from) << 8) | reg;
  }
  size_t Home(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  // The slot holding the entry of reg starting at `from` (which must be present): linear
  // probing from its home; a present key is reached before any empty slot.
  size_t SlotOf(uint32_t reg, uint32_t from) const {
    const uint64_t key = Key(reg, from);
    const size_t mask = num_slots_ - 1;
    size_t i = Home(key);
    while (slots_[i].key != key) {
      EGRET_DCHECK(slots_[i].key != kEmpty);
      i = (i + 1) & mask;
    }
    return i;
  }
  // Writes key/e into the first empty slot of key's probe path.
  void Place(uint64_t key, const Entry& e) {
    const size_t mask = num_slots_ - 1;
    size_t i = Home(key);
    while (slots_[i].key != kEmpty) i = (i + 1) & mask;
    slots_[i].key = key;
    slots_[i].entry = e;
  }
  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    Empty(old.empty() ? 16 : 2 * old.size());
    for (const Slot& s : old)
      if (s.key != kEmpty) Place(s.key, s.entry);
  }

  std::vector<Slot> slots_;  // a power of two of them (or none before the first Reset/Insert)
  // slots_.size(), kept: a Slot is 24 bytes, so size() divides (a multiply and shifts) on every
  // probe, insert and erase.
  size_t num_slots_ = 0;
  uint32_t shift_ = 64;  // 64 - log2(slots)
  size_t size_ = 0;
};

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_INTERVAL_SET_H_
