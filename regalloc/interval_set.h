// interval_set.h: disjoint half-open intervals of one physical register, for the backtracking
// allocator's conflict queries.
//
// A two-level sorted array (a flat B-tree of height 2): chunks of at most kChunk entries sorted by
// start, and a sorted index of each chunk's first start. Lookups are two binary searches over
// contiguous memory (no pointer chasing, unlike a red-black tree); an insert or erase moves at
// most kChunk entries plus, when a chunk splits or empties, one index entry per chunk.
//
// Invariant: the intervals are pairwise disjoint, so ordering by start orders them completely;
// chunks in index order hold increasing starts; no chunk in the index is empty.
#ifndef EGRET_REGALLOC_INTERVAL_SET_H_
#define EGRET_REGALLOC_INTERVAL_SET_H_

#include <algorithm>
#include <cstdint>
#include <vector>

namespace egret::regalloc {

class IntervalSet {
 public:
  struct Entry {
    uint32_t from, to, bundle;
    float weight;  // the bundle's spill weight, so eviction decisions need not load the bundle
  };

  bool empty() const { return order_.empty(); }

  // Removes every interval, keeping the storage for reuse.
  void clear() {
    chunks_.clear();
    order_.clear();
    first_.clear();
    free_.clear();
    last_ = 0;
  }
  size_t CapacityBytes() const {
    return chunks_.capacity() * sizeof(Chunk) +
           (order_.capacity() + first_.capacity() + free_.capacity()) * sizeof(uint32_t);
  }

  // The backtracking allocator places bundles in sweeps over the function, so an insert usually
  // lands in the chunk of the previous one or the next (`last_`, a hint checked before use), and
  // at that chunk's end: both are tried before the binary searches.
  void Insert(const Entry& e) {
    if (order_.empty()) {
      order_.push_back(NewChunk());
      first_.push_back(e.from);
    }
    uint32_t c = HintedChunkFor(e.from);
    Chunk* ch = &chunks_[order_[c]];
    if (ch->n == kChunk) {
      Split(c);
      if (e.from >= first_[c + 1]) ++c;
      ch = &chunks_[order_[c]];
    }
    last_ = c;
    const uint32_t pos =
        ch->n == 0 || ch->e[ch->n - 1].from < e.from
            ? ch->n
            : static_cast<uint32_t>(
                  std::upper_bound(ch->e, ch->e + ch->n, e.from,
                                   [](uint32_t x, const Entry& y) { return x < y.from; }) -
                  ch->e);
    std::copy_backward(ch->e + pos, ch->e + ch->n, ch->e + ch->n + 1);
    ch->e[pos] = e;
    ++ch->n;
    first_[c] = ch->e[0].from;
  }

  // Removes the interval starting at `from` (which must be present).
  void Erase(uint32_t from) {
    const uint32_t c = ChunkFor(from);
    Chunk& ch = chunks_[order_[c]];
    Entry* it = std::lower_bound(ch.e, ch.e + ch.n, from,
                                 [](const Entry& y, uint32_t x) { return y.from < x; });
    std::copy(it + 1, ch.e + ch.n, it);
    --ch.n;
    if (ch.n == 0) {
      free_.push_back(order_[c]);
      order_.erase(order_.begin() + c);
      first_.erase(first_.begin() + c);
    } else {
      first_[c] = ch.e[0].from;
    }
  }

  // A position between entries, for a run of queries with non-decreasing starts on an unchanged
  // set (ForEachOverlap(Cursor*, ...)): after a query from a, the first entry starting after a.
  struct Cursor {
    uint32_t c = 0, pos = 0;  // chunk (in start order) and index in it; pos may equal its size
  };

  // Calls f(entry) for each interval overlapping [a, b), in order; f returns false to stop.
  // Returns false if stopped.
  template <class F>
  bool ForEachOverlap(uint32_t a, uint32_t b, F&& f) const {
    Cursor cur;
    if (!order_.empty()) cur = Seek(a);
    return ForEachOverlapAt(cur, a, b, f);
  }

  // The same, for a query whose start a is at least the start of the previous query made with
  // `cur` (a fresh Cursor: none), the set unchanged in between. Successive queries of one
  // bundle's ranges meet nearby entries: the cursor steps forward over a few entries instead of
  // two binary searches, and searches only when the next start is further away.
  template <class F>
  bool ForEachOverlap(Cursor* cur, uint32_t a, uint32_t b, F&& f) const {
    if (order_.empty()) return true;
    // The position is kept in locals and the chunk is looked up once per chunk entered.
    uint32_t c = cur->c, pos = cur->pos;
    const Chunk* ch = &chunks_[order_[c]];
    const uint32_t num_chunks = static_cast<uint32_t>(order_.size());
    for (uint32_t steps = 0;;) {
      if (pos < ch->n) {
        if (ch->e[pos].from > a) break;
        ++pos;
      } else {
        if (c + 1 >= num_chunks || first_[c + 1] > a) break;
        ch = &chunks_[order_[++c]];
        pos = 0;
      }
      if (++steps == kMaxSteps) {
        const Cursor at = Seek(a);
        c = at.c;
        pos = at.pos;
        break;
      }
    }
    *cur = {c, pos};
    return ForEachOverlapAt(*cur, a, b, f);
  }

 private:
  static constexpr uint32_t kChunk = 16;
  static constexpr uint32_t kMaxSteps = 8;  // cursor steps before a query searches instead
  struct Chunk {
    // User-provided, so emplace_back() does not zero the entries (value-initialization of a
    // class without one zeroes the whole object first); only e[0, n) is ever read.
    Chunk() {}  // NOLINT(modernize-use-equals-default)
    uint32_t n = 0;
    Entry e[kChunk];
  };

  // The position of the first entry starting after a (the set is not empty): in the last chunk
  // whose first start is at most a (or the first chunk), at that chunk's end if none there.
  Cursor Seek(uint32_t a) const {
    const uint32_t c = ChunkFor(a);
    const Chunk& ch = chunks_[order_[c]];
    const uint32_t pos = static_cast<uint32_t>(
        std::upper_bound(ch.e, ch.e + ch.n, a,
                         [](uint32_t x, const Entry& y) { return x < y.from; }) -
        ch.e);
    return {c, pos};
  }

  // ForEachOverlap from the position Seek(a) returns.
  template <class F>
  bool ForEachOverlapAt(Cursor at, uint32_t a, uint32_t b, F&& f) const {
    if (order_.empty()) return true;
    uint32_t c = at.c;
    const Chunk* ch = &chunks_[order_[c]];
    uint32_t pos = at.pos;
    // The entry before `pos` (in this chunk or the previous one) may reach into [a, b).
    if (pos > 0) {
      if (ch->e[pos - 1].to > a && !f(ch->e[pos - 1])) return false;
    } else if (c > 0) {
      const Chunk& prev = chunks_[order_[c - 1]];
      if (prev.e[prev.n - 1].to > a && !f(prev.e[prev.n - 1])) return false;
    }
    for (;;) {
      for (; pos < ch->n; ++pos) {
        if (ch->e[pos].from >= b) return true;
        if (!f(ch->e[pos])) return false;
      }
      if (++c >= order_.size()) return true;
      ch = &chunks_[order_[c]];
      pos = 0;
    }
  }

  // ChunkFor(from), trying the chunk of the last insert and the one after it first.
  uint32_t HintedChunkFor(uint32_t from) const {
    const uint32_t n = static_cast<uint32_t>(first_.size());
    for (uint32_t c = last_; c < n && c <= last_ + 1; ++c) {
      if (c + 1 < n && first_[c + 1] <= from) continue;  // a later chunk holds it
      if (c == 0 || first_[c] <= from) return c;
      break;  // an earlier chunk holds it
    }
    return ChunkFor(from);
  }
  // The chunk whose range holds `from`: the last with first_ <= from, or the first.
  uint32_t ChunkFor(uint32_t from) const {
    const auto it = std::upper_bound(first_.begin(), first_.end(), from);
    return it == first_.begin() ? 0 : static_cast<uint32_t>(it - first_.begin() - 1);
  }
  uint32_t NewChunk() {
    if (!free_.empty()) {
      const uint32_t id = free_.back();
      free_.pop_back();
      chunks_[id].n = 0;
      return id;
    }
    chunks_.emplace_back();
    return static_cast<uint32_t>(chunks_.size() - 1);
  }
  // Moves the upper half of chunk order_[c] into a new chunk right after it.
  void Split(uint32_t c) {
    const uint32_t id = NewChunk();  // may reallocate chunks_
    Chunk& lo = chunks_[order_[c]];
    Chunk& hi = chunks_[id];
    const uint32_t half = lo.n / 2;
    std::copy(lo.e + half, lo.e + lo.n, hi.e);
    hi.n = lo.n - half;
    lo.n = half;
    order_.insert(order_.begin() + c + 1, id);
    first_.insert(first_.begin() + c + 1, hi.e[0].from);
  }

  std::vector<Chunk> chunks_;
  std::vector<uint32_t> order_;  // chunk ids in start order
  std::vector<uint32_t> first_;  // first start of each chunk in order_
  std::vector<uint32_t> free_;   // emptied chunks, reused
  uint32_t last_ = 0;            // position in order_ of the last insert's chunk (a hint only)
};

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_INTERVAL_SET_H_
