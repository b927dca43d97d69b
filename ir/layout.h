// layout.h: the order of blocks in a function and of instructions in each block.
//
// Doubly linked lists threaded through dense side tables (no nodes on the heap): blocks in
// function order, and per block its instructions in execution order. The first block is the
// entry block. Insertion and removal are O(1); positions for "does a come before b" queries are
// computed by the passes that need them (the verifier numbers instructions once).
//
// Invariants: a block is in the layout at most once; an instruction is in at most one block;
// only blocks in the layout hold instructions.
#ifndef EGRET_IR_LAYOUT_H_
#define EGRET_IR_LAYOUT_H_

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "ir/entities.h"
#include "support/entity.h"

namespace egret::ir {

// A SecondaryMap (reading a key never written gives the default) for the per-instruction and
// per-block tables of a Function that a builder fills in key order, one new key at a time (the
// layout's nodes, the source locations), and that a compiler worker reuses function after
// function (Function::Reset):
//  - Clear() keeps the storage: only the entries [0, size()) are the map's, the rest of the
//    storage is stale and never read (every read is bounded by size()), so a reused table is not
//    refilled with defaults for every function;
//  - Set(k, v) with k the next key (k.index == size()) and room left is one write: no default
//    written first, no growth test beyond the room's.
// Invariant: size_ <= capacity_ == items_.size(); entries [0, size_) are the contents.
template <class K, class V>
class AppendMap {
 public:
  AppendMap() = default;
  explicit AppendMap(V default_value) : default_(default_value) {}
  AppendMap(const AppendMap&) = default;
  AppendMap& operator=(const AppendMap&) = default;
  // A moved-from map is empty, with no storage (its counts must not outlive its vector).
  AppendMap(AppendMap&& o) noexcept
      : items_(std::move(o.items_)),
        size_(std::exchange(o.size_, 0)),
        capacity_(std::exchange(o.capacity_, 0)),
        default_(o.default_) {
    o.items_.clear();
  }
  AppendMap& operator=(AppendMap&& o) noexcept {
    if (this != &o) {
      items_ = std::move(o.items_);
      o.items_.clear();
      size_ = std::exchange(o.size_, 0);
      capacity_ = std::exchange(o.capacity_, 0);
      default_ = o.default_;
    }
    return *this;
  }

  const V& operator[](K k) const { return k.index < size_ ? items_[k.index] : default_; }
  // Writing grows the map to hold k, the entries before it the default.
  V& operator[](K k) {
    if (k.index >= size_) [[unlikely]]
      Extend(size_t{k.index} + 1);
    return items_[k.index];
  }
  // The entry of a key the caller knows is in the map (k.index < size(), checked in Debug
  // builds only).
  V& Unchecked(K k) {
    EGRET_DCHECK(k.index < size_);
    return items_[k.index];
  }
  const V& Unchecked(K k) const {
    EGRET_DCHECK(k.index < size_);
    return items_[k.index];
  }
  // operator[](k) = v, inline for the next key (the builder's case).
  [[gnu::always_inline]] void Set(K k, const V& v) {
    if (k.index == size_ && size_ < capacity_) [[likely]] {
      items_[size_++] = v;
      return;
    }
    SetSlow(k, v);
  }
  void Clear() { size_ = 0; }
  size_t size() const { return size_; }
  // The entries [0, size()) as a plain array (the rest of the storage is stale).
  const V* data() const { return items_.data(); }

 private:
  [[gnu::noinline]] void SetSlow(K k, const V& v) { (*this)[k] = v; }
  // Makes size() n (> size()), the new entries the default; the storage at least doubles when
  // it grows, so a builder's appends cost amortised O(1).
  [[gnu::noinline]] void Extend(size_t n) {
    if (n > capacity_) {
      items_.resize(std::max<size_t>({n, 2 * size_t{capacity_}, 16}));
      capacity_ = static_cast<uint32_t>(items_.size());
    }
    std::fill(items_.begin() + size_, items_.begin() + n, default_);
    size_ = static_cast<uint32_t>(n);
  }

  std::vector<V> items_;
  uint32_t size_ = 0, capacity_ = 0;
  V default_{};
};

class Layout {
 public:
  // --- Blocks.
  // Inline: the builder places every block with it. A block whose node is in the table (see
  // NoteNewBlock) is placed with one write; one past the table's end, or beyond, out of line.
  void AppendBlock(Block b) {
    if (b.index >= blocks_.size()) [[unlikely]] {
      AppendBlockPastEnd(b);
      return;
    }
    BlockNode& n = blocks_.Unchecked(b);
    // A block not in the layout has the default node (RemoveBlock resets it): written whole.
    EGRET_CHECK(!n.inserted);
    n = BlockNode{last_block_, Block(), Inst(), Inst(), true};
    LinkBlockAtEnd(b);
  }
  // Gives a block just made (DataFlowGraph::MakeBlock) its node, not in the layout, if the table
  // does not hold it yet. A builder calls it as it creates its blocks, in creation order, so the
  // node is one write at the table's end (AppendMap::Set), and AppendBlock later finds it in
  // the table whatever order the blocks are placed in (a Wasm block's successor is created at
  // its start and placed at its end): without it, placing a block created after blocks not yet
  // placed grew the table with default nodes out of line and wrote them again one by one.
  void NoteNewBlock(Block b) {
    if (b.index >= blocks_.size()) blocks_.Set(b, BlockNode());
  }
  void InsertBlockAfter(Block b, Block after);
  void RemoveBlock(Block b);  // the block must be empty
  bool IsBlockInserted(Block b) const { return blocks_[b].inserted; }
  Block FirstBlock() const { return first_block_; }
  Block LastBlock() const { return last_block_; }
  Block NextBlock(Block b) const { return blocks_[b].next; }
  Block PrevBlock(Block b) const { return blocks_[b].prev; }
  size_t NumBlocks() const { return num_blocks_; }
  // Empties the layout, keeping its tables' capacity.
  void Clear();

  // --- Instructions.
  // Inline: the builder appends every instruction with it, each one past the table's end (an
  // AppendMap: one write, no default fill).
  void AppendInst(Inst i, Block b) {
    // A block past the table's end reads as not inserted, and fails the check before any write.
    const BlockNode& cbn = std::as_const(blocks_)[b];
    EGRET_CHECK(cbn.inserted && !IsInstInserted(i));
    LinkAtEnd(i, b, const_cast<BlockNode&>(cbn));
  }
  // AppendInst for a builder placing the instruction it has just made at the end of the block
  // it is filling (FunctionBuilder): the block is in the layout and the instruction in none,
  // which the builder guarantees, so they are checked in Debug builds only.
  [[gnu::always_inline]] void AppendNewInst(Inst i, Block b) {
    EGRET_DCHECK(IsBlockInserted(b) && !IsInstInserted(i));
    LinkAtEnd(i, b, blocks_.Unchecked(b));
  }
  void InsertInstBefore(Inst i, Inst before);
  void PrependInst(Inst i, Block b);  // at the start of b
  // Inline, with unchecked table accesses: the passes remove instructions one at a time in
  // their inner loops. An inserted instruction, its neighbours and its block are all in the
  // tables (only placed entries link to each other), so no access needs a growth check.
  void RemoveInst(Inst i) {
    EGRET_CHECK(IsInstInserted(i));
    InstNode& n = insts_.Unchecked(i);
    BlockNode& bn = blocks_.Unchecked(n.block);
    if (n.prev.valid()) {
      insts_.Unchecked(n.prev).next = n.next;
    } else {
      bn.first = n.next;
    }
    if (n.next.valid()) {
      insts_.Unchecked(n.next).prev = n.prev;
    } else {
      bn.last = n.prev;
    }
    n = InstNode();
  }
  bool IsInstInserted(Inst i) const { return insts_[i].block.valid(); }
  Block InstBlock(Inst i) const { return insts_[i].block; }
  Inst FirstInst(Block b) const { return blocks_[b].first; }
  Inst LastInst(Block b) const { return blocks_[b].last; }
  Inst NextInst(Inst i) const { return insts_[i].next; }
  Inst PrevInst(Inst i) const { return insts_[i].prev; }

 private:
  // The successor of an entity the walk reached through the layout's own links: first_block_,
  // a block's first instruction, or a node's next. Only placed entities are linked, and placing
  // one writes its table entry, so the entity is in its table (tables never shrink, except in
  // Clear, which also unlinks everything): no bounds check outside Debug builds. An entity
  // removed while the walk stands on it reads as a default node, whose next is invalid, as
  // through the checked NextInst.
  Block LinkedNextBlock(Block b) const { return blocks_.Unchecked(b).next; }
  Inst LinkedNextInst(Inst i) const { return insts_.Unchecked(i).next; }

 public:
  // Range-for helpers: `for (Block b : layout.Blocks())`, `for (Inst i : layout.Insts(b))`.
  template <class K, class Owner, K (Owner::*Next)(K) const>
  struct Range {
    const Owner* owner;
    K first;
    struct It {
      const Owner* owner;
      K cur;
      K operator*() const { return cur; }
      It& operator++() {
        cur = (owner->*Next)(cur);
        return *this;
      }
      bool operator!=(const It& o) const { return cur != o.cur; }
    };
    It begin() const { return {owner, first}; }
    It end() const { return {owner, K()}; }
  };
  // The walks advance without a bounds check (see LinkedNextBlock): they are in every pass and
  // in lowering.
  Range<Block, Layout, &Layout::LinkedNextBlock> Blocks() const { return {this, first_block_}; }
  Range<Inst, Layout, &Layout::LinkedNextInst> Insts(Block b) const { return {this, FirstInst(b)}; }

 private:
  struct BlockNode {
    Block prev, next;
    Inst first, last;
    bool inserted = false;
    friend bool operator==(const BlockNode&, const BlockNode&) = default;
  };
  struct InstNode {
    Block block;
    Inst prev, next;
    friend bool operator==(const InstNode&, const InstNode&) = default;
  };

 public:
  // The instruction links as a plain table, for a walk that stores through other pointers
  // between its steps (the verifier's marks: a byte store may alias the layout, so a walk
  // through Insts(b) reloads the node table after each one). Next(i) is Insts(b)'s step for an
  // instruction the walk reached through the layout's links (unchecked, see LinkedNextInst).
  // Bound(): every placed instruction's index is below it (placing one writes its node, and
  // the table only shrinks in Clear, which unplaces everything). Valid until the layout changes.
  class InstLinks {
   public:
    Inst Next(Inst i) const {
      EGRET_DCHECK(i.index < bound_);
      return nodes_[i.index].next;
    }
    size_t Bound() const { return bound_; }

   private:
    friend class Layout;
    InstLinks(const InstNode* nodes, size_t bound) : nodes_(nodes), bound_(bound) {}
    const InstNode* nodes_;
    size_t bound_;
  };
  InstLinks Links() const { return InstLinks(insts_.data(), insts_.size()); }

 private:
  void AppendBlockPastEnd(Block b);
  // AppendBlock's linking: b, whose node is written (prev = last_block_), becomes the last block.
  void LinkBlockAtEnd(Block b) {
    if (last_block_.valid()) {
      blocks_.Unchecked(last_block_).next = b;
    } else {
      first_block_ = b;
    }
    last_block_ = b;
    ++num_blocks_;
  }

  // The linking shared by AppendInst and AppendNewInst, which differ only in how they check
  // their preconditions: bn is b's node, b is in the layout and i in no block. i becomes b's
  // last instruction (insts_ grows to hold i: one write when i is the next key).
  [[gnu::always_inline]] void LinkAtEnd(Inst i, Block b, BlockNode& bn) {
    const Inst last = bn.last;
    insts_.Set(i, InstNode{b, last, Inst()});
    if (last.valid()) {
      // Placed before i: in the table.
      insts_.Unchecked(last).next = i;
    } else {
      bn.first = i;
    }
    bn.last = i;
  }

  AppendMap<Block, BlockNode> blocks_;
  AppendMap<Inst, InstNode> insts_;
  Block first_block_, last_block_;
  size_t num_blocks_ = 0;
};

}  // namespace egret::ir

#endif  // EGRET_IR_LAYOUT_H_
