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

#include <utility>

#include "ir/entities.h"
#include "support/entity.h"

namespace egret::ir {

class Layout {
 public:
  // --- Blocks.
  void AppendBlock(Block b);
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
  // Inline: the builder appends every instruction with it.
  void AppendInst(Inst i, Block b) {
    // The builder appends instructions in creation order, one past the table's end each time:
    // grow it geometrically instead of by one entry per instruction (an entry past the end
    // reads as the default, unplaced node either way).
    if (i.index >= insts_.size()) [[unlikely]]
      GrowInsts(i);
    // A block past the table's end reads as not inserted, and fails the check before any write.
    const BlockNode& cbn = std::as_const(blocks_)[b];
    EGRET_CHECK(cbn.inserted);
    BlockNode& bn = const_cast<BlockNode&>(cbn);
    // i is in the table (grown above), and so is bn.last (placed before i): no growth check.
    InstNode& n = insts_.Unchecked(i);
    EGRET_CHECK(!n.block.valid());
    n.block = b;
    n.prev = bn.last;
    n.next = Inst();
    if (bn.last.valid()) {
      insts_.Unchecked(bn.last).next = i;
    } else {
      bn.first = i;
    }
    bn.last = i;
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

  // AppendInst's cold path: makes the instruction table hold `i`, doubling it at least.
  [[gnu::noinline]] void GrowInsts(Inst i);

  SecondaryMap<Block, BlockNode> blocks_;
  SecondaryMap<Inst, InstNode> insts_;
  Block first_block_, last_block_;
  size_t num_blocks_ = 0;
};

}  // namespace egret::ir

#endif  // EGRET_IR_LAYOUT_H_
