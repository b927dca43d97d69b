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

void Layout::AppendBlockPastEnd(Block b) {
  // Past the table's end: not in the layout. The new node is written whole, in one step for
  // the next key (AppendMap::Set).
  BlockNode n;
  n.inserted = true;
  n.prev = last_block_;
  blocks_.Set(b, n);
  LinkBlockAtEnd(b);
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

}  // namespace egret::ir
