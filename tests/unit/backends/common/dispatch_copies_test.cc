// dispatch_copies_test.cc: which blocks get a copy of a dispatch block (backends/common/
// dispatch_copies.h) on hand-built CFGs, with each instruction's CopyInfo given by a table, and
// the emission loop emitting a copy with its edits in place of the jump.
#include "backends/common/dispatch_copies.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backends/common/emit_loop.h"
#include "tests/unit/backends/common/log_emitter.h"

namespace egret::backend {
namespace {

constexpr uint32_t kNo = DispatchCopies::kNone;

struct BlockSpec {
  std::vector<CopyInfo> insts;  // the last is the terminator
  std::vector<uint32_t> succs;
};

const CopyInfo kPlain{CopyKind::kPlain, 1};
const CopyInfo kJump{CopyKind::kJump, 1};
const CopyInfo kTable{CopyKind::kIndirect, 8};
const CopyInfo kCall{CopyKind::kNone, 1};
const CopyInfo kRet{CopyKind::kNone, 1};

struct Cfg {
  regalloc::Function f;
  std::vector<CopyInfo> info;  // by instruction
};

Cfg Build(const std::vector<BlockSpec>& spec) {
  Cfg c;
  for (const BlockSpec& b : spec) {
    c.f.StartBlock();
    for (const CopyInfo& ci : b.insts) {
      c.f.AddInst({});
      c.info.push_back(ci);
    }
    for (uint32_t s : b.succs) c.f.AddSucc(regalloc::Block(s));
  }
  c.f.Finish();
  return c;
}

std::vector<uint32_t> EditBegin(const regalloc::Function& f, const regalloc::Output& ra) {
  std::vector<uint32_t> begin(f.num_blocks() + 1);
  size_t k = 0;
  for (uint32_t b = 0; b < f.num_blocks(); ++b) {
    while (k < ra.edits.size() &&
           ra.edits[k].point < regalloc::ProgPoint::Before(f.blocks[b].inst_begin))
      ++k;
    begin[b] = static_cast<uint32_t>(k);
  }
  begin[f.num_blocks()] = static_cast<uint32_t>(ra.edits.size());
  return begin;
}

// Layout order; next[b] = b + 1.
DispatchCopies Compute(const Cfg& c, const regalloc::Output& ra = {}) {
  const uint32_t n = c.f.num_blocks();
  std::vector<uint32_t> next(n);
  for (uint32_t b = 0; b < n; ++b) next[b] = b + 1 < n ? b + 1 : UINT32_MAX;
  DispatchCopies d;
  d.Compute(c.f, ra, EditBegin(c.f, ra), {}, next, [&](uint32_t i) { return c.info[i]; });
  return d;
}

// for (;;) switch (...) { h2; h3; h4: return }: b1 is the dispatch block (two instructions and
// the table), b2 and b3 jump back to it, b0 falls into it.
std::vector<BlockSpec> Interpreter() {
  return {{{kJump}, {1}},
          {{kPlain, kPlain, kTable}, {2, 3, 4}},
          {{kPlain, kJump}, {1}},
          {{kPlain, kPlain, kJump}, {1}},
          {{kRet}, {}}};
}

TEST(DispatchCopies, EveryHandlerJumpingBackGetsACopyButNotTheFallThrough) {
  const DispatchCopies d = Compute(Build(Interpreter()));
  EXPECT_EQ(d.copy_of, (std::vector<uint32_t>{kNo, kNo, 1, 1, kNo}));
  EXPECT_EQ(d.copies, 2u);
  EXPECT_EQ(d.copied_cost, 2u * (2 + 8));
}

TEST(DispatchCopies, NothingToCopyLeavesTheTableEmpty) {
  std::vector<BlockSpec> spec = Interpreter();
  spec[1].insts[2] = {CopyKind::kNone, 1};  // a brif-like terminator, not a jump table
  EXPECT_TRUE(Compute(Build(spec)).copy_of.empty());
}

TEST(DispatchCopies, SizeLimitCountsMachineInstructionsAndEdits) {
  // 8 plain instructions + the table = 16: copied; one more instruction or one edit: not.
  std::vector<BlockSpec> spec = Interpreter();
  spec[1].insts = std::vector<CopyInfo>(8, kPlain);
  spec[1].insts.push_back(kTable);
  EXPECT_EQ(Compute(Build(spec)).copies, 2u);
  const Cfg at_limit = Build(spec);
  regalloc::Output ra;
  const regalloc::Allocation r0 =
      regalloc::Allocation::Reg(regalloc::PReg(regalloc::RegClass::kInt, 0));
  ra.edits = {{regalloc::ProgPoint::Before(at_limit.f.blocks[1].inst_begin + 3), r0,
               regalloc::Allocation::Stack(0)}};
  EXPECT_TRUE(Compute(at_limit, ra).copy_of.empty());
  spec[1].insts.insert(spec[1].insts.begin(), kPlain);
  EXPECT_TRUE(Compute(Build(spec)).copy_of.empty());
  // A wider instruction counts as what it expands to.
  spec = Interpreter();
  spec[1].insts[0] = {CopyKind::kPlain, 8};  // 8 + 1 + 8 = 17
  EXPECT_TRUE(Compute(Build(spec)).copy_of.empty());
}

TEST(DispatchCopies, BlockWithACallIsNotCopied) {
  std::vector<BlockSpec> spec = Interpreter();
  spec[1].insts[0] = kCall;
  EXPECT_TRUE(Compute(Build(spec)).copy_of.empty());
}

TEST(DispatchCopies, EntryBlockIsNeverCopied) {
  // The entry ends in the table and a handler jumps back to it (not valid IR, which never
  // branches to the entry, but the rule must not depend on that).
  const Cfg c = Build({{{kPlain, kTable}, {1, 2}}, {{kPlain, kJump}, {0}}, {{kRet}, {}}});
  EXPECT_TRUE(Compute(c).copy_of.empty());
}

TEST(DispatchCopies, FollowsEmptyJumpBlocksToTheDispatchBlock) {
  // b2 jumps to b3, an empty edge block (one jump, no edit) into the dispatch block b1; b4 jumps
  // to b5, which has an edit: b5 gets a copy, b4 does not (b5 is not empty).
  const std::vector<BlockSpec> spec = {
      {{kJump}, {1}}, {{kPlain, kTable}, {2, 4, 6}}, {{kPlain, kJump}, {3}},
      {{kJump}, {1}}, {{kPlain, kJump}, {5}},        {{kJump}, {1}},
      {{kRet}, {}}};
  const Cfg c = Build(spec);
  regalloc::Output ra;
  const regalloc::Allocation r0 =
      regalloc::Allocation::Reg(regalloc::PReg(regalloc::RegClass::kInt, 0));
  ra.edits = {
      {regalloc::ProgPoint::Before(c.f.blocks[5].inst_begin), r0, regalloc::Allocation::Stack(0)}};
  // Layout order: b2's next is b3 (falls into the edge block, which gets the copy); b4's next is
  // b5. So emit in another order where b2 does not fall through: 0 1 3 2 4 5 6.
  const std::vector<uint32_t> order = {0, 1, 3, 2, 4, 5, 6};
  std::vector<uint32_t> next(7, UINT32_MAX);
  for (size_t k = 0; k + 1 < order.size(); ++k) next[order[k]] = order[k + 1];
  DispatchCopies d;
  d.Compute(c.f, ra, EditBegin(c.f, ra), order, next, [&](uint32_t i) { return c.info[i]; });
  EXPECT_EQ(d.copy_of, (std::vector<uint32_t>{kNo, kNo, 1, 1, kNo, 1, kNo}));
  // Emitted 0 3 2 1 ...: b2 reaches the dispatch block b1 through b3 but b1 comes right after
  // it (the jump is threaded and dropped), so no copy; the entry and b3 jump to it and get one.
  const std::vector<uint32_t> order2 = {0, 3, 2, 1, 4, 5, 6};
  std::vector<uint32_t> next2(7, UINT32_MAX);
  for (size_t k = 0; k + 1 < order2.size(); ++k) next2[order2[k]] = order2[k + 1];
  d.Compute(c.f, ra, EditBegin(c.f, ra), order2, next2, [&](uint32_t i) { return c.info[i]; });
  EXPECT_EQ(d.copy_of, (std::vector<uint32_t>{1, kNo, kNo, 1, kNo, 1, kNo}));
}

TEST(DispatchCopies, BudgetBoundsTheCopiesOfOneFunction) {
  // 40 handlers of two instructions each jump back to a dispatch block of cost 16: the budget
  // (256 + (instructions + edits) / 2) takes the first ones in emission order.
  std::vector<BlockSpec> spec = {{{kJump}, {1}}, {std::vector<CopyInfo>(8, kPlain), {}}};
  spec[1].insts.push_back(kTable);
  for (uint32_t h = 0; h < 40; ++h) {
    spec[1].succs.push_back(2 + h);
    spec.push_back({{kPlain, kJump}, {1}});
  }
  spec[1].succs.push_back(42);
  spec.push_back({{kRet}, {}});
  const Cfg c = Build(spec);
  const DispatchCopies d = Compute(c);
  const uint32_t budget = DispatchCopies::kBaseBudget + c.f.num_insts() / 2;
  EXPECT_EQ(d.copies, budget / 16);
  EXPECT_LE(d.copied_cost, budget);
  for (uint32_t h = 0; h < 40; ++h) EXPECT_EQ(d.copy_of[2 + h], h < d.copies ? 1u : kNo) << h;
}

TEST(DispatchCopies, EmitBlocksEmitsTheCopyWithItsEditsInPlaceOfTheJump) {
  // i0 | i1 i2 i3(table) | i4 i5(jump) | i6 i7 i8(jump) | i9(ret); an edit before i1 (in the
  // dispatch block), one before i5 (the handler's edge move, before its jump).
  const Cfg c = Build(Interpreter());
  regalloc::Output ra;
  const regalloc::Allocation r0 =
      regalloc::Allocation::Reg(regalloc::PReg(regalloc::RegClass::kInt, 0));
  const regalloc::Allocation s0 = regalloc::Allocation::Stack(0);
  ra.edits = {{regalloc::ProgPoint::Before(1), r0, s0}, {regalloc::ProgPoint::Before(5), r0, s0}};
  const std::vector<uint32_t> srclocs(c.f.num_insts(), kNoSrcLoc);
  const std::vector<uint32_t> next = {1, 2, 3, 4, UINT32_MAX};
  X64MachBuffer buf;
  LogEmitter e(buf, &c.info);
  std::vector<MachLabel> labels;
  DispatchCopies copies;
  EmitBlocks(c.f, srclocs, ra, 64, buf, labels, e, {}, next, &copies);
  // b0: P0 | b1: b123 | b2: 4 b, then the copy b123 (no 5) | b3: 67, copy b123 (no 8) | b4: 9
  EXPECT_EQ(e.log, "P0b1234bb12367b1239");
  EXPECT_EQ(copies.copies, 2u);
  // Without copies the same loop emits every block once.
  X64MachBuffer buf2;
  LogEmitter plain(buf2, &c.info);
  EmitBlocks(c.f, srclocs, ra, 64, buf2, labels, plain, {}, next, nullptr);
  EXPECT_EQ(plain.log, "P0b1234b56789");
}

}  // namespace
}  // namespace egret::backend
