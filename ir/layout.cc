// layout.cc: linked-list maintenance for block and instruction order.
#include "ir/layout.h"

#include <algorithm>
#include <utility>

namespace egret::ir {

void Layout::Clear() {
  blocks_.Clear();
  insts_.Clear();
  first_block_ = Block();
  last_block_ = Block();
  num_blocks_ = 0;
}

void Layout::AppendBlock(Block b) {
  BlockNode& n = blocks_[b];
  EGRET_CHECK(!n.inserted);
  n.inserted = true;
  n.prev = last_block_;
  n.next = Block();
  if (last_block_.valid()) {
    blocks_[last_block_].next = b;
  } else {
    first_block_ = b;
  }
  last_block_ = b;
  ++num_blocks_;
}

void Layout::InsertBlockAfter(Block b, Block after) {
  EGRET_CHECK(blocks_[after].inserted);
  BlockNode& n = blocks_[b];
  EGRET_CHECK(!n.inserted);
  n.inserted = true;
  Block next = blocks_[after].next;
  n.prev = after;
  n.next = next;
  blocks_[after].next = b;
  if (next.valid()) {
    blocks_[next].prev = b;
  } else {
    last_block_ = b;
  }
  ++num_blocks_;
}

void Layout::RemoveBlock(Block b) {
  BlockNode& n = blocks_[b];
  EGRET_CHECK(n.inserted && !n.first.valid());
  if (n.prev.valid()) {
    blocks_[n.prev].next = n.next;
  } else {
    first_block_ = n.next;
  }
  if (n.next.valid()) {
    blocks_[n.next].prev = n.prev;
  } else {
    last_block_ = n.prev;
  }
  n = BlockNode();
  --num_blocks_;
}

namespace {
// The entry of `k`, which is in the table: the writable operator[]'s growth check (and the
// resize GCC inlines with it, once per access) is not needed.
template <class K, class V>
V& InTable(SecondaryMap<K, V>& m, K k) {
  EGRET_DCHECK(k.index < m.size());
  return const_cast<V&>(std::as_const(m)[k]);
}
}  // namespace

void Layout::GrowInsts(Inst i) {
  insts_.Resize(std::max<size_t>(size_t{i.index} + 1, 2 * insts_.size()));
}

void Layout::AppendInst(Inst i, Block b) {
  // The builder appends instructions in creation order, one past the table's end each time:
  // grow it geometrically instead of by one entry per instruction (an entry past the end reads
  // as the default, unplaced node either way).
  if (i.index >= insts_.size()) [[unlikely]]
    GrowInsts(i);
  // A block past the table's end reads as not inserted, and fails the check before any write.
  const BlockNode& cbn = std::as_const(blocks_)[b];
  EGRET_CHECK(cbn.inserted);
  BlockNode& bn = const_cast<BlockNode&>(cbn);
  InstNode& n = InTable(insts_, i);
  EGRET_CHECK(!n.block.valid());
  n.block = b;
  n.prev = bn.last;
  n.next = Inst();
  if (bn.last.valid()) {
    InTable(insts_, bn.last).next = i;  // placed before i, so in the table
  } else {
    bn.first = i;
  }
  bn.last = i;
}

void Layout::InsertInstBefore(Inst i, Inst before) {
  Block b = insts_[before].block;
  EGRET_CHECK(b.valid());
  InstNode& n = insts_[i];
  EGRET_CHECK(!n.block.valid());
  Inst prev = insts_[before].prev;
  n.block = b;
  n.prev = prev;
  n.next = before;
  insts_[before].prev = i;
  if (prev.valid()) {
    insts_[prev].next = i;
  } else {
    blocks_[b].first = i;
  }
}

void Layout::PrependInst(Inst i, Block b) {
  Inst first = blocks_[b].first;
  if (first.valid()) {
    InsertInstBefore(i, first);
  } else {
    AppendInst(i, b);
  }
}

void Layout::RemoveInst(Inst i) {
  InstNode& n = insts_[i];
  EGRET_CHECK(n.block.valid());
  BlockNode& bn = blocks_[n.block];
  if (n.prev.valid()) {
    insts_[n.prev].next = n.next;
  } else {
    bn.first = n.next;
  }
  if (n.next.valid()) {
    insts_[n.next].prev = n.prev;
  } else {
    bn.last = n.prev;
  }
  n = InstNode();
}

}  // namespace egret::ir
