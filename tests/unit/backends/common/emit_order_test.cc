// emit_order_test.cc: loop rotation of the emitted block order (backends/common/emit_order.h) on
// hand-built VCode CFGs shaped like lowering's output (loop tables, edge blocks after their
// source), with exact orders, and the invariants every order keeps: a permutation with the entry
// first, every loop's span contiguous, `next` consistent with `order`.
#include "backends/common/emit_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "backends/common/emit_loop.h"
#include "tests/unit/backends/common/log_emitter.h"

namespace egret::backend {
namespace {

constexpr uint32_t kNo = regalloc::Function::kNoLoop;

struct BlockSpec {
  uint32_t insts;               // instructions (the last is the terminator)
  std::vector<uint32_t> succs;  // in terminator order: a brif's taken target first
  uint32_t header = kNo;        // innermost loop header
  uint32_t parent = kNo;        // for a header: the enclosing loop's header
};

regalloc::Function Build(const std::vector<BlockSpec>& spec) {
  regalloc::Function f;
  for (const BlockSpec& b : spec) {
    f.StartBlock();
    for (uint32_t i = 0; i < b.insts; ++i) f.AddInst({});
    for (uint32_t s : b.succs) f.AddSucc(regalloc::Block(s));
  }
  f.Finish();
  for (uint32_t b = 0; b < spec.size(); ++b) {
    f.loop_header.push_back(spec[b].header);
    f.loop_parent.push_back(spec[b].parent);
    uint32_t depth = 0;
    for (uint32_t h = spec[b].header; h != kNo; h = spec[h].parent) ++depth;
    f.loop_depth.push_back(depth);
  }
  return f;
}

// Blocks with one instruction and one successor count as empty jumps (no allocator edits).
std::vector<uint8_t> Trivial(const regalloc::Function& f) {
  std::vector<uint8_t> t(f.num_blocks(), 0);
  for (uint32_t b = 0; b < f.num_blocks(); ++b)
    t[b] = f.blocks[b].inst_end - f.blocks[b].inst_begin == 1 &&
           f.Succs(regalloc::Block(b)).size() == 1;
  return t;
}

// Computes the order and checks the invariants of emit_order.h.
std::vector<uint32_t> CheckedOrder(const regalloc::Function& f) {
  EmitOrder eo;
  eo.Compute(f, Trivial(f));
  const uint32_t n = f.num_blocks();
  EXPECT_EQ(eo.order.size(), n);
  if (eo.order.empty()) return eo.order;
  EXPECT_EQ(eo.order[0], 0u);
  std::vector<uint32_t> pos(n, UINT32_MAX);
  for (uint32_t k = 0; k < eo.order.size(); ++k) {
    EXPECT_LT(eo.order[k], n);
    EXPECT_EQ(pos[eo.order[k]], UINT32_MAX) << "block " << eo.order[k] << " twice";
    pos[eo.order[k]] = k;
  }
  for (uint32_t k = 0; k < n; ++k)
    EXPECT_EQ(eo.next[eo.order[k]], k + 1 < n ? eo.order[k + 1] : EmitOrder::kNoNext);
  // Every loop's blocks (nested loops included) occupy consecutive positions.
  for (uint32_t h = 0; h < n; ++h) {
    if (f.loop_header[h] != h) continue;
    uint32_t lo = UINT32_MAX, hi = 0, count = 0;
    for (uint32_t b = 0; b < n; ++b) {
      bool in = false;
      for (uint32_t x = f.loop_header[b]; x != kNo && !in; x = f.loop_parent[x]) in = x == h;
      if (!in) continue;
      lo = std::min(lo, pos[b]);
      hi = std::max(hi, pos[b]);
      ++count;
    }
    // Edge blocks of an outer loop may sit inside the span (after their source), as in layout.
    uint32_t inside = 0;
    for (uint32_t k = lo; k <= hi; ++k) {
      const uint32_t b = eo.order[k];
      bool in = false;
      for (uint32_t x = f.loop_header[b]; x != kNo && !in; x = f.loop_parent[x]) in = x == h;
      inside += in;
    }
    EXPECT_EQ(inside, count) << "loop " << h << " not contiguous";
  }
  return eo.order;
}

// while (c) body: block 1 tests and exits, block 2 is the body with the jump back. Rotated: the
// body first, then the test, whose branch is the back edge; the exit follows the test.
TEST(EmitOrder, WhileLoopBecomesBottomTested) {
  const regalloc::Function f = Build({
      {2, {1}},        // 0 entry
      {2, {3, 2}, 1},  // 1 header: brif exit, body
      {3, {1}, 1},     // 2 body, jmp header
      {1, {}},         // 3 exit
  });
  EXPECT_EQ(CheckedOrder(f), (std::vector<uint32_t>{0, 2, 1, 3}));
}

// do { body } while (c) with the back edge through its (empty) edge block: already one
// conditional branch per iteration, so it stays.
TEST(EmitOrder, DoWhileLoopStays) {
  const regalloc::Function f = Build({
      {2, {1}},        // 0 entry
      {3, {2}, 1},     // 1 header
      {2, {3, 4}, 1},  // 2 latch: brif back (edge block 3), exit
      {1, {1}, 1},     // 3 edge block -> header
      {1, {}},         // 4 exit
  });
  EXPECT_EQ(CheckedOrder(f), (std::vector<uint32_t>{0, 1, 2, 3, 4}));
}

// for (...) { if (skip) continue; work; } with the latch (increment, test, back edge) reached from
// the header by the `continue` edge: the latch moves above the header, which it falls into, so
// both paths take one branch per iteration (clang's latch-before-header layout).
TEST(EmitOrder, ContinueLatchMovesAboveHeader) {
  const regalloc::Function f = Build({
      {2, {1}},        // 0 entry
      {2, {2, 3}, 1},  // 1 header: brif continue (edge block 2), work
      {1, {4}, 1},     // 2 edge block -> latch
      {3, {4}, 1},     // 3 work, jmp latch
      {3, {5, 6}, 1},  // 4 latch: brif back (edge block 5), exit
      {1, {1}, 1},     // 5 edge block -> header
      {1, {}},         // 6 exit
  });
  EXPECT_EQ(CheckedOrder(f), (std::vector<uint32_t>{0, 4, 5, 1, 2, 3, 6}));
}

// The same with an allocator edit on the back edge's block: it is a real block now (no jump
// threading), and it moves above the header with the latch, falling through into the header.
TEST(EmitOrder, BackEdgeBlockWithEditsFallsIntoHeader) {
  const regalloc::Function f = Build({
      {2, {1}},        // 0 entry
      {2, {2, 3}, 1},  // 1 header
      {1, {4}, 1},     // 2 edge block -> latch
      {3, {4}, 1},     // 3 work
      {3, {5, 6}, 1},  // 4 latch
      {1, {1}, 1},     // 5 edge block -> header, with a move
      {1, {}},         // 6 exit
  });
  regalloc::Output ra;
  const regalloc::Allocation r0 =
      regalloc::Allocation::Reg(regalloc::PReg(regalloc::RegClass::kInt, 0));
  const regalloc::Allocation r1 =
      regalloc::Allocation::Reg(regalloc::PReg(regalloc::RegClass::kInt, 1));
  ra.edits = {{regalloc::ProgPoint::Before(f.blocks[5].inst_begin), r0, r1}};
  EmitOrder eo;
  eo.Compute(f, ra);
  EXPECT_EQ(eo.order, (std::vector<uint32_t>{0, 4, 5, 1, 2, 3, 6}));
  EXPECT_EQ(eo.next[5], 1u);
}

// A loop whose header branches three ways (a br_table): a multi-way branch costs the same
// anywhere, and its edges' frequencies (the general path of the static estimate: one share per
// successor, an exit weighing 1/16) still decide the rotation: b and the latch move above the
// header, b falling into the latch and the latch into the header.
TEST(EmitOrder, MultiWayBranchInLoop) {
  const regalloc::Function f = Build({
      {2, {1}},           // 0 entry
      {2, {5, 2, 3}, 1},  // 1 header: br_table exit, a, b
      {2, {4}, 1},        // 2 a, jmp latch
      {2, {4}, 1},        // 3 b, falls into the latch
      {2, {1, 5}, 1},     // 4 latch: brif back, exit
      {1, {}},            // 5 exit
  });
  EXPECT_EQ(CheckedOrder(f), (std::vector<uint32_t>{0, 3, 4, 1, 2, 5}));
}

// Two while loops nested: the inner one becomes bottom-tested (body, then the test); the outer
// one is rotated so that its latch falls into its test and the test into the outer body, which
// jumps to the inner test: one taken branch per outer iteration besides the inner loop's.
TEST(EmitOrder, NestedWhileLoopsBothRotated) {
  const regalloc::Function f = Build({
      {2, {1}},           // 0 entry
      {2, {6, 2}, 1},     // 1 outer header: brif exit, outer body
      {2, {3}, 1},        // 2 outer body (before the inner loop)
      {2, {5, 4}, 3, 1},  // 3 inner header: brif inner exit, inner body
      {3, {3}, 3},        // 4 inner body
      {2, {1}, 1},        // 5 outer latch
      {1, {}},            // 6 exit
  });
  EXPECT_EQ(CheckedOrder(f), (std::vector<uint32_t>{0, 4, 3, 5, 1, 2, 6}));
}

// The blocks EmitOrder marks as loop tops (to be aligned), in block order.
std::vector<uint32_t> LoopTops(const regalloc::Function& f) {
  EmitOrder eo;
  eo.want_loop_tops = true;
  eo.Compute(f, Trivial(f));
  std::vector<uint32_t> tops;
  for (uint32_t b = 0; b < eo.loop_top.size(); ++b)
    if (eo.loop_top[b]) tops.push_back(b);
  return tops;
}

// The top of a rotated loop is the first block emitted of it (the body, not the header), and
// only innermost loops get one: the inner loop's top is found after the outer rotation moved its
// span (block 4 is emitted at position 1, not at its header's position 3).
TEST(EmitOrder, LoopTopIsTheFirstBlockOfEachInnermostLoop) {
  EXPECT_EQ(LoopTops(Build({
                {2, {1}},
                {2, {3, 2}, 1},
                {3, {1}, 1},
                {1, {}},
            })),
            (std::vector<uint32_t>{2}));
  EXPECT_EQ(LoopTops(Build({
                {2, {1}},
                {2, {6, 2}, 1},
                {2, {3}, 1},
                {2, {5, 4}, 3, 1},
                {3, {3}, 3},
                {2, {1}, 1},
                {1, {}},
            })),
            (std::vector<uint32_t>{4}));
  // Two sibling loops in one outer loop: both inner tops, not the outer one.
  EXPECT_EQ(LoopTops(Build({
                {2, {1}},           // 0 entry
                {3, {2}, 1},        // 1 outer header
                {3, {3, 2}, 2, 1},  // 2 inner loop A: one block, brif exit, back
                {3, {4, 3}, 3, 1},  // 3 inner loop B
                {2, {1, 5}, 1},     // 4 outer latch
                {1, {}},            // 5 exit
            })),
            (std::vector<uint32_t>{2, 3}));
  // A function without loops has no tops (and an empty table); nor has one when they are not
  // asked for.
  EmitOrder eo;
  eo.want_loop_tops = true;
  const regalloc::Function straight = Build({{2, {1}}, {1, {}}});
  eo.Compute(straight, Trivial(straight));
  EXPECT_TRUE(eo.loop_top.empty());
  EmitOrder off;
  const regalloc::Function loop = Build({{2, {1}}, {2, {3, 2}, 1}, {3, {1}, 1}, {1, {}}});
  off.Compute(loop, Trivial(loop));
  EXPECT_TRUE(off.loop_top.empty());
}

// A loop without a header test (exit in the middle, jump back at the end) and a function without
// loop tables are left in layout order.
TEST(EmitOrder, WithoutLoopTablesLayoutOrder) {
  regalloc::Function f = Build({
      {2, {1}},
      {2, {3, 2}, 1},
      {3, {1}, 1},
      {1, {}},
  });
  f.loop_header.clear();
  f.loop_parent.clear();
  f.loop_depth.clear();
  EmitOrder eo;
  eo.Compute(f, Trivial(f));
  EXPECT_EQ(eo.order, (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(eo.next[3], EmitOrder::kNoNext);
}

// The emission loop emits each block's instructions with their edits wherever the block goes.
TEST(EmitOrder, EmitBlocksFollowsTheOrderWithEdits) {
  regalloc::Function f;
  f.StartBlock();
  f.AddInst({});  // i0
  f.StartBlock();
  f.AddInst({});  // i1
  f.StartBlock();
  f.AddInst({});  // i2
  f.AddInst({});  // i3
  f.Finish();
  const std::vector<uint32_t> srclocs(4, kNoSrcLoc);
  regalloc::Output ra;
  const regalloc::Allocation r0 =
      regalloc::Allocation::Reg(regalloc::PReg(regalloc::RegClass::kInt, 0));
  const regalloc::Allocation s0 = regalloc::Allocation::Stack(0);
  ra.edits = {{regalloc::ProgPoint::Before(1), r0, s0},
              {regalloc::ProgPoint::Before(3), s0, r0},
              {regalloc::ProgPoint::After(3), s0, r0}};
  X64MachBuffer buf;
  LogEmitter e(buf);
  std::vector<MachLabel> labels;
  const std::vector<uint32_t> order = {0, 2, 1};
  EmitBlocks(f, srclocs, ra, 64, buf, labels, e, order);
  EXPECT_EQ(e.log, "P02b3ab1");
}

}  // namespace
}  // namespace egret::backend
