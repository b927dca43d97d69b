// lower_order_test.cc: the shared block layout (backends/common/lower_order.h) on hand-built
// CFGs (nested loops, irreducible cycles, critical edges, cold trap blocks) with exact orders,
// and on random CFGs against a checker of the layout's invariants: every reachable block once,
// the entry first, each block after its immediate dominator and after one of its predecessors,
// each natural loop contiguous with its header first, cold blocks (and only they) at the end,
// the flat instruction lists and the edge-block plan kept per block.
#include "backends/common/lower_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "ir/cfg.h"
#include "ir/dominator_tree.h"
#include "ir/loop_analysis.h"
#include "ir/parser.h"

namespace egret::backend {
namespace {

ir::Function Parse(const std::string& text) {
  Expected<ir::Module> m = ir::ParseModule(text);
  EGRET_CHECK(m.ok());
  return std::move(m->functions[0]);
}

struct Layout {
  LowerOrder lo;
  std::vector<uint32_t> order;  // block indices
};

// Computes the layout and checks every invariant of lower_order.h.
Layout CheckedLayout(const ir::Function& f) {
  const ir::ControlFlowGraph cfg(f);
  const ir::DominatorTree dom(f, cfg);
  ir::LoopAnalysis loops;
  loops.Compute(f, cfg, dom);
  Layout out{LowerOrder::Compute(f, loops), {}};
  const LowerOrder& lo = out.lo;
  for (ir::Block b : lo.order) out.order.push_back(b.index);

  const size_t n = f.dfg.NumBlocks();
  EXPECT_EQ(lo.order.size(), dom.Rpo().size());
  if (lo.order.empty()) return out;
  EXPECT_EQ(lo.order[0], f.EntryBlock());
  std::vector<uint32_t> pos(n, UINT32_MAX);
  for (uint32_t k = 0; k < lo.order.size(); ++k) {
    const ir::Block b = lo.order[k];
    EXPECT_TRUE(dom.IsReachable(b)) << "block" << b.index;
    EXPECT_EQ(pos[b.index], UINT32_MAX) << "block" << b.index << " twice";
    pos[b.index] = k;
  }
  auto is_trap = [&](ir::Block b) {
    const ir::Inst t = f.layout.LastInst(b);
    return t.valid() && f.dfg[t].opcode == ir::Opcode::kTrap;
  };
  EXPECT_LE(lo.num_hot, lo.order.size());
  for (uint32_t k = 0; k < lo.order.size(); ++k) {
    const ir::Block b = lo.order[k];
    // Dominator and an already-placed predecessor first.
    if (b != f.EntryBlock()) {
      EXPECT_LT(pos[dom.Idom(b).index], k) << "block" << b.index << " before its idom";
      bool pred_before = false;
      for (ir::Block p : cfg.Preds(b)) pred_before |= pos[p.index] < k;
      EXPECT_TRUE(pred_before) << "block" << b.index << " before all its predecessors";
    }
    // Cold: exactly the least fixpoint (a trap, or all successors cold), the entry excepted.
    const bool cold = lo.cold[b.index] != 0;
    EXPECT_EQ(cold, k >= lo.num_hot) << "block" << b.index;
    bool all_succ_cold = !cfg.Succs(b).empty();
    for (ir::Block s : cfg.Succs(b)) all_succ_cold &= lo.cold[s.index] != 0;
    if (b == f.EntryBlock()) {
      EXPECT_FALSE(cold);
    } else if (is_trap(b) || all_succ_cold) {
      EXPECT_TRUE(cold) << "block" << b.index << " should be cold";
    }
    if (cold) {
      EXPECT_EQ(loops.InnermostLoop(b), ir::Loop()) << "cold block" << b.index << " in a loop";
      EXPECT_TRUE(is_trap(b) || all_succ_cold) << "block" << b.index << " should be hot";
    }
  }
  // Loops contiguous, header first.
  for (uint32_t l = 0; l < loops.NumLoops(); ++l) {
    const ir::Loop loop(l);
    const uint32_t h = pos[loops.Header(loop).index];
    uint32_t members = 0, last = h;
    for (uint32_t k = 0; k < lo.order.size(); ++k) {
      if (!loops.Contains(loop, lo.order[k])) continue;
      ++members;
      last = std::max(last, k);
      EXPECT_GE(k, h) << "loop block before its header";
    }
    EXPECT_EQ(last - h + 1, members)
        << "loop at block" << loops.Header(loop).index << " not contiguous";
  }
  // VCode indices increase along the order; edge blocks sit between a block and the next.
  for (uint32_t k = 0; k + 1 < lo.order.size(); ++k)
    EXPECT_LT(lo.vblock_of[lo.order[k].index], lo.vblock_of[lo.order[k + 1].index]);
  // The flat instruction lists are the layout's, block by block in the order; the destinations
  // are each terminator's; the edge-block
  // plan kept per block is PlanEdgeBlocks' for its terminator, and the VCode blocks are the
  // order's blocks plus their edge blocks.
  std::vector<ir::Inst> insts, mem_insts, uextends;
  // Use counts and last users from the generic operand walk (the order's walk takes a branch's
  // arguments from the block's destination list).
  std::vector<uint32_t> use_count(f.dfg.NumValues(), 0);
  std::vector<ir::Inst> last_user(f.dfg.NumValues());
  uint32_t vblocks = 0;
  EXPECT_EQ(lo.insts_begin.size(), lo.order.size() + 1);
  if (lo.insts_begin.size() != lo.order.size() + 1) return out;
  for (uint32_t k = 0; k < lo.order.size(); ++k) {
    const ir::Block b = lo.order[k];
    EXPECT_EQ(lo.insts_begin[k], insts.size()) << "block" << b.index;
    for (ir::Inst i : f.layout.Insts(b)) {
      insts.push_back(i);
      // Every operand's resolved value is recorded, and every result maps to itself.
      f.dfg.ForEachOperand(i, [&](ir::Value v) {
        EXPECT_EQ(lo.resolved[v.index], f.dfg.ResolveAliases(v)) << "v" << v.index;
        const ir::Value r = f.dfg.ResolveAliases(v);
        ++use_count[r.index];
        last_user[r.index] = i;
      });
      for (ir::Value r : f.dfg.InstResults(i)) EXPECT_EQ(lo.resolved[r.index], r);
      const ir::InstFormat fmt = ir::Info(f.dfg[i].opcode).format;
      if (fmt == ir::InstFormat::kLoad || fmt == ir::InstFormat::kStore) mem_insts.push_back(i);
      if (f.dfg[i].opcode == ir::Opcode::kUextend) uextends.push_back(i);
    }
    const std::span<const ir::Inst> at = lo.InstsAt(k);
    EXPECT_TRUE(std::equal(at.begin(), at.end(), insts.begin() + lo.insts_begin[k], insts.end()))
        << "block" << b.index;
    ++vblocks;
    std::vector<const ir::BlockCall*> dests;
    f.dfg.ForEachDest(f.layout.LastInst(b), [&](const ir::BlockCall& bc) { dests.push_back(&bc); });
    // The flat destination list is the terminator's, in ForEachDest order.
    EXPECT_TRUE(std::ranges::equal(lo.DestsOf(b), dests)) << "block" << b.index;
    if (dests.size() < 2) continue;
    std::vector<uint32_t> slot;
    const uint32_t n = PlanEdgeBlocks(f, lo, dests, &slot);
    EXPECT_EQ(lo.EdgeBlocksOf(b), n) << "block" << b.index;
    EXPECT_TRUE(std::ranges::equal(lo.EdgeSlotsOf(b), slot)) << "block" << b.index;
    vblocks += n;
  }
  EXPECT_EQ(lo.insts, insts);
  EXPECT_EQ(lo.mem_insts, mem_insts);
  EXPECT_EQ(lo.uextends, uextends);
  EXPECT_EQ(lo.use_count, use_count);
  EXPECT_EQ(lo.last_user, last_user);
  EXPECT_EQ(lo.num_vblocks, vblocks);
  // A tail call ending any block, reachable or not.
  bool tail_call = false;
  for (ir::Block b : f.layout.Blocks()) {
    const ir::Inst t = f.layout.LastInst(b);
    tail_call |= t.valid() && (f.dfg[t].opcode == ir::Opcode::kReturnCall ||
                               f.dfg[t].opcode == ir::Opcode::kReturnCallIndirect);
  }
  EXPECT_EQ(lo.has_tail_call, tail_call);
  return out;
}

using Order = std::vector<uint32_t>;

TEST(LowerOrder, NestedLoopsAreContiguousWithExitsAfter) {
  // Wasm's `br_if $exit` shape: each header's taken destination is the exit. Reverse post-order
  // would put block4 (the inner exit, the outer latch) between the inner header and its body.
  const Layout l = CheckedLayout(Parse(R"(
function %f(i32) {
block0(v0: i32):
    jump block1
block1:
    brif v0, block6, block2
block2:
    brif v0, block4, block3
block3:
    jump block2
block4:
    jump block1
block6:
    return
}
)"));
  EXPECT_EQ(l.order, (Order{0, 1, 2, 3, 4, 6}));
  EXPECT_EQ(l.lo.num_hot, 6u);
}

TEST(LowerOrder, SiblingLoopsAndAnExitFromTheInnerLoopToTheFunction) {
  // block2's inner loop (2,3) leaves both loops at once to block7; block5 starts a second outer
  // loop. Each loop stays in one piece and block7 follows everything it exits.
  const Layout l = CheckedLayout(Parse(R"(
function %f(i32) {
block0(v0: i32):
    jump block1
block1:
    brif v0, block5, block2
block2:
    brif v0, block7, block3
block3:
    brif v0, block2, block4
block4:
    jump block1
block5:
    brif v0, block5, block6
block6:
    jump block7
block7:
    return
}
)"));
  EXPECT_EQ(l.order, (Order{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(LowerOrder, PrefersTheSuccessorThatStaysInTheLoop) {
  // block2's first destination leaves the loop; the one staying in it (block3) comes next.
  const Layout l = CheckedLayout(Parse(R"(
function %f(i32) {
block0(v0: i32):
    jump block1
block1:
    jump block2
block2:
    brif v0, block4, block3
block3:
    jump block1
block4:
    return
}
)"));
  EXPECT_EQ(l.order, (Order{0, 1, 2, 3, 4}));
}

TEST(LowerOrder, ColdTrapBlocksAndTheirOnlyPathsGoLast) {
  // block1 leads only to a trap: cold with it. block4 traps. block7 branches to a trap and to
  // block6: hot, and before block6 (its other predecessor). Cold blocks keep reverse post-order.
  const Layout l = CheckedLayout(Parse(R"(
function %f(i32) {
block0(v0: i32):
    brif v0, block1, block2
block1:
    jump block3
block3:
    trap unreachable
block2:
    brif v0, block4, block5
block4:
    trap heap_oob
block5:
    brif v0, block6, block7
block7:
    brif v0, block3, block6
block6:
    return
}
)"));
  EXPECT_EQ(l.order, (Order{0, 2, 5, 7, 6, 4, 1, 3}));
  EXPECT_EQ(l.lo.num_hot, 5u);
  EXPECT_TRUE(l.lo.cold[1] && l.lo.cold[3] && l.lo.cold[4]);
  EXPECT_FALSE(l.lo.cold[6] || l.lo.cold[7]);
}

TEST(LowerOrder, AnEntryThatTrapsIsNotCold) {
  const Layout l = CheckedLayout(Parse(R"(
function %f(i32) {
block0(v0: i32):
    trap unreachable
}
)"));
  EXPECT_EQ(l.order, (Order{0}));
  EXPECT_EQ(l.lo.num_hot, 1u);
}

TEST(LowerOrder, IrreducibleCycleStaysValid) {
  // A cycle with two entries (block1, block2) forms no natural loop; it sits inside a real loop
  // (header block4), whose blocks must still be contiguous.
  const Layout l = CheckedLayout(Parse(R"(
function %f(i32) {
block0(v0: i32):
    jump block4
block4:
    brif v0, block1, block2
block1:
    brif v0, block2, block3
block2:
    brif v0, block1, block3
block3:
    brif v0, block4, block5
block5:
    return
}
)"));
  ASSERT_EQ(l.order.size(), 6u);
  EXPECT_EQ(l.order.front(), 0u);
  EXPECT_EQ(l.order[1], 4u);
  EXPECT_EQ(l.order.back(), 5u);
}

TEST(LowerOrder, CriticalEdgeBlocksFollowTheirSource) {
  // block0 -> block2 is critical (block0 has two successors, block2 two predecessors): its edge
  // block is VCode block 1, right after block0.
  const Layout l = CheckedLayout(Parse(R"(
function %f(i32) {
block0(v0: i32):
    brif v0, block1, block2
block1:
    jump block2
block2:
    return
}
)"));
  EXPECT_EQ(l.order, (Order{0, 1, 2}));
  EXPECT_EQ(l.lo.num_vblocks, 4u);
  EXPECT_EQ(l.lo.vblock_of[0], 0u);
  EXPECT_EQ(l.lo.vblock_of[1], 2u);
  EXPECT_EQ(l.lo.vblock_of[2], 3u);
  EXPECT_EQ(l.lo.num_preds[2], 2u);
}

TEST(LowerOrder, BrTableDuplicateDestinationsCountEveryEdge) {
  const Layout l = CheckedLayout(Parse(R"(
function %f(i32) {
block0(v0: i32):
    br_table v0, block1, [block1, block2, block1]
block1:
    return
block2:
    trap unreachable
}
)"));
  EXPECT_EQ(l.order, (Order{0, 1, 2}));
  EXPECT_EQ(l.lo.num_preds[1], 3u);
  EXPECT_EQ(l.lo.num_hot, 2u);
}

TEST(LowerOrder, DeepNestingIsContiguous) {
  // 200 nested loops, each header exiting to its parent's latch: no recursion, every loop in
  // one piece (the checker), headers in nesting order.
  constexpr int kDepth = 200;
  std::string t = "function %f(i32) {\nblock0(v0: i32):\n    jump block1\n";
  // Header of loop d is block d (1..kDepth); its latch is block kDepth + d.
  for (int d = 1; d <= kDepth; ++d) {
    const int inner = d < kDepth ? d + 1 : 2 * kDepth + 1;
    const int exit = d > 1 ? kDepth + d - 1 : 2 * kDepth + 2;
    t += "block" + std::to_string(d) + ":\n    brif v0, block" + std::to_string(exit) + ", block" +
         std::to_string(inner) + "\n";
    t += "block" + std::to_string(kDepth + d) + ":\n    jump block" + std::to_string(d) + "\n";
  }
  t += "block" + std::to_string(2 * kDepth + 1) + ":\n    jump block" + std::to_string(2 * kDepth) +
       "\n";
  t += "block" + std::to_string(2 * kDepth + 2) + ":\n    return\n}\n";
  const Layout l = CheckedLayout(Parse(t));
  ASSERT_EQ(l.order.size(), static_cast<size_t>(2 * kDepth + 3));
  for (int d = 0; d <= kDepth; ++d) EXPECT_EQ(l.order[d], static_cast<uint32_t>(d));
  EXPECT_EQ(l.order.back(), static_cast<uint32_t>(2 * kDepth + 2));
}

TEST(LowerOrder, RandomCfgsKeepEveryInvariant) {
  // Random terminators over random targets: reducible and irreducible CFGs, loops, traps,
  // unreachable blocks, duplicate br_table edges. The checker is the oracle.
  std::mt19937 rng(2029);
  for (int iter = 0; iter < 400; ++iter) {
    const int n = 2 + static_cast<int>(rng() % 40);
    auto target = [&] { return "block" + std::to_string(1 + rng() % (n - 1)); };
    std::string t = "function %f(i32) {\nblock0(v0: i32):\n";
    for (int b = 0; b < n; ++b) {
      if (b > 0) t += "block" + std::to_string(b) + ":\n";
      const uint32_t r = rng() % 100;
      if (r < 10) {
        t += "    return\n";
      } else if (r < 18) {
        t += "    trap unreachable\n";
      } else if (r < 45) {
        t += "    jump " + target() + "\n";
      } else if (r < 88) {
        t += "    brif v0, " + target() + ", " + target() + "\n";
      } else {
        t += "    br_table v0, " + target() + ", [" + target() + ", " + target() + ", " + target() +
             "]\n";
      }
    }
    t += "}\n";
    SCOPED_TRACE(t);
    CheckedLayout(Parse(t));
    if (testing::Test::HasFailure()) break;
  }
}

TEST(LowerOrder, PlanEdgeBlocksAgreesWithAReferenceAtEverySize) {
  // PlanEdgeBlocks scans a few destinations and uses a per-thread table by block for many (a
  // br_table); both must number edge blocks as a first-destination-per-block map does: an edge
  // to a block with one predecessor needs none, and a destination shares the edge block of the
  // first destination naming its block when their arguments are equal. Random destination
  // lists of 1 to 40 entries over 6 blocks and 3 argument lists.
  ir::Function f;
  constexpr uint32_t kBlocks = 6;
  for (uint32_t b = 0; b < kBlocks; ++b) f.dfg.MakeBlock();
  const ir::Value v0 = f.dfg.MakeValue(ir::Type::kI32), v1 = f.dfg.MakeValue(ir::Type::kI32);
  const ir::ValueList lists[3] = {f.dfg.MakeList({}), f.dfg.MakeList(std::vector{v0}),
                                  f.dfg.MakeList(std::vector{v1})};
  LowerOrder lo;
  lo.num_preds = {1, 2, 3, 1, 5, 2};  // blocks 1, 2, 4, 5 need edge blocks
  std::mt19937 rng(24);
  std::vector<uint32_t> slot;
  for (int round = 0; round < 2000; ++round) {
    std::vector<ir::BlockCall> calls(1 + rng() % 40);
    for (ir::BlockCall& c : calls) {
      c.block = ir::Block(rng() % kBlocks);
      c.args = lists[rng() % 3];
    }
    std::vector<const ir::BlockCall*> dests;
    for (const ir::BlockCall& c : calls) dests.push_back(&c);
    const uint32_t n = PlanEdgeBlocks(f, lo, dests, &slot);
    // The reference.
    std::vector<uint32_t> want(dests.size(), UINT32_MAX);
    std::vector<int> first(kBlocks, -1);
    uint32_t want_n = 0;
    for (size_t k = 0; k < dests.size(); ++k) {
      const uint32_t b = dests[k]->block.index;
      if (lo.num_preds[b] <= 1) continue;
      if (first[b] < 0) {
        first[b] = static_cast<int>(k);
        want[k] = want_n++;
      } else if (std::ranges::equal(f.dfg.pool().Get(dests[first[b]]->args),
                                    f.dfg.pool().Get(dests[k]->args))) {
        want[k] = want[first[b]];
      } else {
        want[k] = want_n++;
      }
    }
    ASSERT_EQ(n, want_n) << "round " << round;
    ASSERT_EQ(slot, want) << "round " << round;
  }
}

TEST(LowerOrder, RecomputeReusesStorageAndMatchesCompute) {
  // One LowerOrder recomputed for a sequence of functions of different sizes gives what a fresh
  // Compute gives for each (nothing of the previous function leaks into the next).
  const std::string big = R"(
function %f(i32) {
block0(v0: i32):
    br_table v0, block1, [block2, block3, block1, block4, block2, block5, block3, block1, block4]
block1:
    jump block6
block2:
    jump block6
block3:
    brif v0, block6, block1
block4:
    jump block3
block5:
    trap unreachable
block6:
    return
}
)";
  const std::string small = R"(
function %f(i32) {
block0(v0: i32):
    brif v0, block1, block2
block1:
    jump block2
block2:
    return
}
)";
  LowerOrder reused;
  for (const std::string* text : {&big, &small, &big}) {
    const ir::Function f = Parse(*text);
    const ir::ControlFlowGraph cfg(f);
    const ir::DominatorTree dom(f, cfg);
    ir::LoopAnalysis loops;
    loops.Compute(f, cfg, dom);
    const LowerOrder fresh = LowerOrder::Compute(f, loops);
    reused.Recompute(f, loops);
    EXPECT_EQ(reused.order, fresh.order);
    EXPECT_EQ(reused.num_hot, fresh.num_hot);
    EXPECT_EQ(reused.cold, fresh.cold);
    EXPECT_EQ(reused.vblock_of, fresh.vblock_of);
    EXPECT_EQ(reused.num_preds, fresh.num_preds);
    EXPECT_EQ(reused.use_count, fresh.use_count);
    EXPECT_EQ(reused.last_user, fresh.last_user);
    EXPECT_EQ(reused.addr_use_count, fresh.addr_use_count);
    EXPECT_EQ(reused.num_vblocks, fresh.num_vblocks);
    EXPECT_EQ(reused.insts, fresh.insts);
    EXPECT_EQ(reused.insts_begin, fresh.insts_begin);
    EXPECT_EQ(reused.mem_insts, fresh.mem_insts);
    EXPECT_EQ(reused.uextends, fresh.uextends);
    EXPECT_EQ(reused.has_tail_call, fresh.has_tail_call);
    for (ir::Block b : fresh.order) {
      size_t num_dests = 0;
      f.dfg.ForEachDest(f.layout.LastInst(b), [&](const ir::BlockCall&) { ++num_dests; });
      if (num_dests < 2) continue;  // no plan
      EXPECT_TRUE(std::ranges::equal(reused.EdgeSlotsOf(b), fresh.EdgeSlotsOf(b)));
      EXPECT_EQ(reused.EdgeBlocksOf(b), fresh.EdgeBlocksOf(b));
    }
  }
}

}  // namespace
}  // namespace egret::backend
