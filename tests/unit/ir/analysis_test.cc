// analysis_test.cc: CFG, dominator tree, loops and liveness, on hand-built functions and on
// random CFGs checked against naive references.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "ir/cfg.h"
#include "ir/dominator_tree.h"
#include "ir/liveness.h"
#include "ir/loop_analysis.h"
#include "ir/parser.h"
#include "ir/rpo.h"
#include "ir/verifier.h"
#include "tests/unit/ir/random_function.h"

namespace egret::ir {
namespace {

Function Parse(std::string_view text) {
  auto m = ParseModule(text, "test");
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().ToString());
  return std::move(m->functions[0]);
}

constexpr std::string_view kNested = R"(
function %nest(i32) -> i32 {
block0(v0: i32):
    jump block1(v0)
block1(v1: i32):
    jump block2(v1)
block2(v2: i32):
    v3 = iadd_imm v2, -1
    brif v3, block2(v3), block3
block3:
    brif v3, block1(v3), block4
block4:
    return v1
}
)";

TEST(Cfg, SuccessorsAndPredecessorsAreDeduplicated) {
  Function f = Parse(R"(
function %f(i32) {
block0(v0: i32):
    br_table v0, block1, [block1, block2, block1]
block1:
    brif v0, block2, block2
block2:
    return
}
)");
  ControlFlowGraph cfg(f);
  EXPECT_EQ(std::vector<Block>(cfg.Succs(Block(0)).begin(), cfg.Succs(Block(0)).end()),
            (std::vector<Block>{Block(1), Block(2)}));
  EXPECT_EQ(cfg.Succs(Block(1)).size(), 1u);
  EXPECT_EQ(std::vector<Block>(cfg.Preds(Block(2)).begin(), cfg.Preds(Block(2)).end()),
            (std::vector<Block>{Block(0), Block(1)}));
  EXPECT_TRUE(cfg.Preds(Block(0)).empty());
}

// A brif whose arms are swapped keeps its successors but not their order: ReorderSuccessors
// makes the graph what Compute gives for the new order.
TEST(Cfg, ReorderSuccessorsFollowsSwappedArms) {
  Function f = Parse(R"(
function %f(i32) {
block0(v0: i32):
    brif v0, block1, block2
block1:
    return
block2:
    brif v0, block1, block1
}
)");
  ControlFlowGraph cfg(f);
  ASSERT_EQ(cfg.Succs(Block(0))[0], Block(1));
  const Inst term = f.layout.LastInst(Block(0));
  std::swap(f.dfg[term].dest[0], f.dfg[term].dest[1]);
  EXPECT_FALSE(cfg.SameEdges(ControlFlowGraph(f)));
  cfg.ReorderSuccessors(f, Block(0));
  cfg.ReorderSuccessors(f, Block(2));  // one successor named twice: unchanged
  EXPECT_TRUE(cfg.SameEdges(ControlFlowGraph(f)));
  EXPECT_EQ(cfg.Succs(Block(0))[0], Block(2));
}

// The in-place edits (cfg_simplify's forwarding and block removal) against Compute, on random
// CFGs: random redirections of every edge of a block to one target to another block it has no
// edge to, then random blocks removed from the layout (their instructions first).
TEST(Cfg, InPlaceEditsGiveWhatComputeGives) {
  std::mt19937 rng(2468);
  for (int iter = 0; iter < 400; ++iter) {
    auto desc = testing::MakeRandomCfg(rng, 25);
    Function f = testing::BuildRandomFunction(rng, desc);
    ControlFlowGraph cfg(f);
    const uint32_t n = static_cast<uint32_t>(f.dfg.NumBlocks());
    for (int k = 0; k < 6; ++k) {
      const Block p(rng() % n), to(rng() % n);
      const auto succs = cfg.Succs(p);
      if (succs.empty() || std::find(succs.begin(), succs.end(), to) != succs.end()) continue;
      const Block from = succs[rng() % succs.size()];
      f.dfg.ForEachDestMut(f.layout.LastInst(p), [&](BlockCall& bc) {
        if (bc.block == from) bc.block = to;
      });
      cfg.ReplaceSuccessor(p, from, to);
    }
    std::vector<Block> removed;
    for (uint32_t b = 1; b < n; ++b) {
      if (rng() % 4 != 0) continue;
      while (f.layout.FirstInst(Block(b)).valid())
        f.layout.RemoveInst(f.layout.FirstInst(Block(b)));
      f.layout.RemoveBlock(Block(b));
      removed.push_back(Block(b));
    }
    cfg.DropSuccessors(removed);
    cfg.RebuildPredecessors();
    ASSERT_TRUE(cfg.SameEdges(ControlFlowGraph(f))) << "iter " << iter;
  }
}

TEST(DominatorTree, NestedLoops) {
  Function f = Parse(kNested);
  ControlFlowGraph cfg(f);
  DominatorTree dt(f, cfg);
  EXPECT_EQ(dt.Idom(Block(1)), Block(0));
  EXPECT_EQ(dt.Idom(Block(2)), Block(1));
  EXPECT_EQ(dt.Idom(Block(3)), Block(2));
  EXPECT_EQ(dt.Idom(Block(4)), Block(3));
  EXPECT_FALSE(dt.Idom(Block(0)).valid());
  EXPECT_TRUE(dt.Dominates(Block(1), Block(4)));
  EXPECT_FALSE(dt.Dominates(Block(4), Block(1)));
  EXPECT_TRUE(dt.Dominates(Block(2), Block(2)));
  EXPECT_FALSE(dt.StrictlyDominates(Block(2), Block(2)));
  EXPECT_EQ(dt.Rpo()[0], Block(0));
}

// Irreducible: block2 is entered from block1 and (through block3) from block0. The first sweep
// sees only the forward edges, where block1 dominates block2; the retreating edge block3 ->
// block2 does not go to a dominator of its source, so the tree is recomputed to the fixpoint.
TEST(DominatorTree, IrreducibleCfgIsIteratedToTheFixpoint) {
  Function f = Parse(R"(
function %f(i32) {
block0(v0: i32):
    brif v0, block1, block3
block1:
    jump block2
block2:
    brif v0, block3, block4
block3:
    jump block2
block4:
    return
}
)");
  ControlFlowGraph cfg(f);
  DominatorTree dt(f, cfg);
  ASSERT_EQ(std::vector<Block>(dt.Rpo().begin(), dt.Rpo().end()),
            (std::vector<Block>{Block(0), Block(1), Block(2), Block(4), Block(3)}));
  EXPECT_EQ(dt.Idom(Block(1)), Block(0));
  EXPECT_EQ(dt.Idom(Block(2)), Block(0));
  EXPECT_EQ(dt.Idom(Block(3)), Block(0));
  EXPECT_EQ(dt.Idom(Block(4)), Block(2));
  EXPECT_FALSE(dt.Dominates(Block(1), Block(2)));
  EXPECT_TRUE(dt.Dominates(Block(2), Block(4)));
  EXPECT_EQ(std::vector<Block>(dt.Children(Block(0)).begin(), dt.Children(Block(0)).end()),
            (std::vector<Block>{Block(1), Block(2), Block(3)}));
}

// A back edge into the entry block is never seen by the sweep (it visits the entry's
// successors only); the entry dominates the edge's source, so the first sweep's tree stands.
TEST(DominatorTree, BackEdgeIntoTheEntryNeedsNoFixpoint) {
  Function f = Parse(R"(
function %f(i32) {
block0(v0: i32):
    brif v0, block1, block2
block1:
    jump block0(v0)
block2:
    return
}
)");
  ControlFlowGraph cfg(f);
  DominatorTree dt(f, cfg);
  EXPECT_EQ(dt.Idom(Block(1)), Block(0));
  EXPECT_EQ(dt.Idom(Block(2)), Block(0));
  EXPECT_TRUE(dt.Dominates(Block(0), Block(1)));
  EXPECT_FALSE(dt.Dominates(Block(1), Block(0)));
}

// The verifier takes the CFG and dominator tree from the caller's source (once each) and finds
// the same problems as with its own.
class CountingAnalyses final : public VerifierAnalyses {
 public:
  explicit CountingAnalyses(const Function& f) : f_(f) {}
  const ControlFlowGraph& Cfg() override {
    ++cfg_calls;
    cfg_.Compute(f_);
    return cfg_;
  }
  const DominatorTree& DomTree() override {
    ++domtree_calls;
    domtree_.Compute(f_, ControlFlowGraph(f_));
    return domtree_;
  }
  int cfg_calls = 0, domtree_calls = 0;

 private:
  const Function& f_;
  ControlFlowGraph cfg_;
  DominatorTree domtree_;
};

TEST(Verifier, TakesItsAnalysesFromTheCallersSource) {
  Function ok = Parse(kNested);
  CountingAnalyses source(ok);
  EXPECT_TRUE(VerifyFunction(ok, source).empty());
  EXPECT_TRUE(Verify(ok, source).ok());
  EXPECT_EQ(source.cfg_calls, 2);
  EXPECT_EQ(source.domtree_calls, 2);
  // v2 is defined in block1 and used in block2, which block1 does not dominate.
  Function bad = Parse(R"(
function %f(i32) -> i32 {
block0(v0: i32):
    brif v0, block1, block2
block1:
    v2 = iadd v0, v0
    jump block2
block2:
    return v2
}
)");
  CountingAnalyses bad_source(bad);
  const std::vector<VerifierError> with_source = VerifyFunction(bad, bad_source);
  const std::vector<VerifierError> own = VerifyFunction(bad);
  ASSERT_EQ(with_source.size(), 1u);
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(with_source[0].message, own[0].message);
  EXPECT_NE(own[0].message.find("not dominated"), std::string::npos) << own[0].message;
  EXPECT_EQ(bad_source.domtree_calls, 1);
}

TEST(DominatorTree, UnreachableBlocksDominateNothing) {
  Function f = Parse(R"(
function %f() {
block0:
    return
block1:
    jump block0
}
)");
  ControlFlowGraph cfg(f);
  DominatorTree dt(f, cfg);
  EXPECT_FALSE(dt.IsReachable(Block(1)));
  EXPECT_FALSE(dt.Dominates(Block(1), Block(0)));
  EXPECT_FALSE(dt.Dominates(Block(1), Block(1)));
  EXPECT_EQ(dt.Rpo().size(), 1u);
}

TEST(DominatorTree, MatchesNaiveReferenceOnRandomCfgs) {
  std::mt19937 rng(1234);
  for (int iter = 0; iter < 300; ++iter) {
    auto cfg_desc = testing::MakeRandomCfg(rng, 25);
    Function f = testing::BuildRandomFunction(rng, cfg_desc);
    ASSERT_TRUE(Verify(f).ok()) << Verify(f).error().message;
    std::vector<bool> reachable;
    auto dom = testing::NaiveDominators(cfg_desc, reachable);
    ControlFlowGraph cfg(f);
    DominatorTree dt(f, cfg);
    const size_t n = cfg_desc.succs.size();
    for (uint32_t a = 0; a < n; ++a) {
      ASSERT_EQ(dt.IsReachable(Block(a)), reachable[a]) << "iter " << iter << " block" << a;
      for (uint32_t b = 0; b < n; ++b)
        ASSERT_EQ(dt.Dominates(Block(a), Block(b)), static_cast<bool>(dom[a][b]))
            << "iter " << iter << ": block" << a << " dom block" << b;
      // The immediate dominator is the strict dominator dominated by all others.
      if (reachable[a] && a != 0) {
        Block idom = dt.Idom(Block(a));
        ASSERT_TRUE(idom.valid());
        for (uint32_t c = 0; c < n; ++c) {
          if (c != a && dom[c][a]) {
            ASSERT_TRUE(dom[c][idom.index]);
          }
        }
      }
    }
  }
}

// A recursive depth-first search over cfg.Succs: the reference for ComputeReversePostOrder's
// explicit stack.
void NaivePostOrder(const ControlFlowGraph& cfg, Block b, std::vector<bool>& seen,
                    std::vector<Block>& out) {
  seen[b.index] = true;
  for (Block s : cfg.Succs(b))
    if (!seen[s.index]) NaivePostOrder(cfg, s, seen, out);
  out.push_back(b);
}

TEST(ReversePostOrder, MatchesRecursiveSearchAndTheDominatorTreeOnRandomCfgs) {
  std::mt19937 rng(4321);
  RpoScratch scratch;  // reused across functions of different sizes
  std::vector<Block> rpo;
  for (int iter = 0; iter < 300; ++iter) {
    auto desc = testing::MakeRandomCfg(rng, 25);
    Function f = testing::BuildRandomFunction(rng, desc);
    ControlFlowGraph cfg(f);
    ComputeReversePostOrder(f, cfg, rpo, scratch);
    std::vector<bool> seen(f.dfg.NumBlocks(), false);
    std::vector<Block> want;
    NaivePostOrder(cfg, f.EntryBlock(), seen, want);
    std::reverse(want.begin(), want.end());
    ASSERT_EQ(rpo, want) << "iter " << iter;
    std::vector<bool> reachable;
    testing::NaiveDominators(desc, reachable);
    size_t num_reachable = 0;
    for (bool r : reachable) num_reachable += r;
    ASSERT_EQ(rpo.size(), num_reachable) << "iter " << iter;
    DominatorTree dt(f, cfg);
    ASSERT_TRUE(std::equal(rpo.begin(), rpo.end(), dt.Rpo().begin(), dt.Rpo().end()))
        << "iter " << iter;
  }
}

TEST(LoopAnalysis, NestedLoopsHaveDepths) {
  Function f = Parse(kNested);
  ControlFlowGraph cfg(f);
  DominatorTree dt(f, cfg);
  LoopAnalysis loops;
  loops.Compute(f, cfg, dt);
  ASSERT_EQ(loops.NumLoops(), 2u);
  EXPECT_TRUE(loops.IsLoopHeader(Block(1)));
  EXPECT_TRUE(loops.IsLoopHeader(Block(2)));
  EXPECT_EQ(loops.LoopDepth(Block(0)), 0u);
  EXPECT_EQ(loops.LoopDepth(Block(1)), 1u);
  EXPECT_EQ(loops.LoopDepth(Block(2)), 2u);
  EXPECT_EQ(loops.LoopDepth(Block(3)), 1u);
  EXPECT_EQ(loops.LoopDepth(Block(4)), 0u);
  Loop inner = loops.InnermostLoop(Block(2)), outer = loops.InnermostLoop(Block(1));
  EXPECT_EQ(loops.Parent(inner), outer);
  EXPECT_TRUE(loops.Contains(outer, Block(2)));
  EXPECT_FALSE(loops.Contains(inner, Block(3)));
}

TEST(LoopAnalysis, IrreducibleCycleIsNotANaturalLoop) {
  Function f = Parse(R"(
function %f(i32) {
block0(v0: i32):
    brif v0, block1, block2
block1:
    jump block2
block2:
    brif v0, block1, block3
block3:
    return
}
)");
  ControlFlowGraph cfg(f);
  DominatorTree dt(f, cfg);
  LoopAnalysis loops;
  loops.Compute(f, cfg, dt);
  EXPECT_EQ(loops.NumLoops(), 0u);
}

TEST(LoopAnalysis, RandomLoopsContainTheirLatches) {
  std::mt19937 rng(99);
  for (int iter = 0; iter < 200; ++iter) {
    auto desc = testing::MakeRandomCfg(rng, 20);
    Function f = testing::BuildRandomFunction(rng, desc);
    ControlFlowGraph cfg(f);
    DominatorTree dt(f, cfg);
    LoopAnalysis loops;
    loops.Compute(f, cfg, dt);
    for (Block b : dt.Rpo()) {
      for (Block s : cfg.Succs(b)) {
        if (!dt.Dominates(s, b)) continue;  // not a back edge
        ASSERT_TRUE(loops.IsLoopHeader(s));
        ASSERT_TRUE(loops.Contains(loops.InnermostLoop(s), b));
      }
      // Every block in a loop is dominated by the loop's header.
      for (Loop l = loops.InnermostLoop(b); l.valid(); l = loops.Parent(l))
        ASSERT_TRUE(dt.Dominates(loops.Header(l), b));
    }
  }
}

// The headers are exactly the blocks with a reachable predecessor they dominate (found through
// the dominator tree's retreating edges and the entry's predecessors, not every edge), listed
// innermost first (decreasing RPO number); acyclic functions have none. One LoopAnalysis and
// one DominatorTree are reused across functions, as the analysis cache reuses them.
TEST(LoopAnalysis, HeadersAreTheTargetsOfBackEdgesInDecreasingRpoOrder) {
  std::mt19937 rng(77);
  LoopAnalysis loops;
  DominatorTree dt;
  int acyclic = 0, with_loops = 0;
  for (int iter = 0; iter < 400; ++iter) {
    auto desc = testing::MakeRandomCfg(rng, 20);
    Function f = testing::BuildRandomFunction(rng, desc);
    ControlFlowGraph cfg(f);
    dt.Compute(f, cfg);
    loops.Compute(f, cfg, dt);
    std::vector<Block> want;
    for (size_t k = dt.Rpo().size(); k-- > 0;) {
      const Block h = dt.Rpo()[k];
      for (Block p : cfg.Preds(h)) {
        if (dt.IsReachable(p) && dt.Dominates(h, p)) {
          want.push_back(h);
          break;
        }
      }
    }
    std::vector<Block> got;
    for (uint32_t k = 0; k < loops.NumLoops(); ++k) got.push_back(loops.Header(Loop(k)));
    ASSERT_EQ(got, want) << "iter " << iter;
    (want.empty() ? acyclic : with_loops)++;
    if (want.empty()) {
      for (uint32_t b = 0; b < f.dfg.NumBlocks(); ++b)
        ASSERT_FALSE(loops.InnermostLoop(Block(b)).valid());
    }
  }
  EXPECT_GT(acyclic, 20);
  EXPECT_GT(with_loops, 100);
}

// Iterative data-flow liveness, the textbook way, as a reference.
std::vector<std::set<uint32_t>> NaiveLiveIn(const Function& f, const ControlFlowGraph& cfg,
                                            const DominatorTree& dt,
                                            std::vector<std::set<uint32_t>>& live_out) {
  const size_t n = f.dfg.NumBlocks();
  std::vector<std::set<uint32_t>> in(n), uses(n), defs(n);
  live_out.assign(n, {});
  for (Block b : dt.Rpo()) {
    for (Value p : f.dfg.BlockParams(b)) defs[b.index].insert(p.index);
    for (Inst i : f.layout.Insts(b)) {
      f.dfg.ForEachOperand(i, [&](Value v) {
        if (!defs[b.index].count(v.index)) uses[b.index].insert(v.index);
      });
      for (Value r : f.dfg.InstResults(i)) defs[b.index].insert(r.index);
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (Block b : dt.Rpo()) {
      std::set<uint32_t> out;
      for (Block s : cfg.Succs(b)) out.insert(in[s.index].begin(), in[s.index].end());
      std::set<uint32_t> new_in = uses[b.index];
      for (uint32_t v : out)
        if (!defs[b.index].count(v)) new_in.insert(v);
      if (new_in != in[b.index] || out != live_out[b.index]) {
        in[b.index] = new_in;
        live_out[b.index] = out;
        changed = true;
      }
    }
  }
  return in;
}

TEST(Liveness, LoopCarriedValueIsLiveAroundTheLoop) {
  Function f = Parse(kNested);
  ControlFlowGraph cfg(f);
  DominatorTree dt(f, cfg);
  Liveness lv;
  lv.Compute(f, cfg, dt);
  // v1 (param of block1) is returned in block4, so it is live through the inner loop.
  EXPECT_TRUE(lv.IsLiveIn(Block(2), Value(1)));
  EXPECT_TRUE(lv.IsLiveOut(Block(2), Value(1)));
  EXPECT_TRUE(lv.IsLiveIn(Block(4), Value(1)));
  EXPECT_FALSE(lv.IsLiveIn(Block(1), Value(1)));  // defined there as a parameter
  EXPECT_TRUE(lv.IsLiveIn(Block(3), Value(3)));
  EXPECT_FALSE(lv.IsLiveIn(Block(1), Value(0)));
}

TEST(Liveness, MatchesNaiveDataflowOnRandomFunctions) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 300; ++iter) {
    auto desc = testing::MakeRandomCfg(rng, 20);
    Function f = testing::BuildRandomFunction(rng, desc);
    ControlFlowGraph cfg(f);
    DominatorTree dt(f, cfg);
    Liveness lv;
    lv.Compute(f, cfg, dt);
    std::vector<std::set<uint32_t>> naive_out;
    auto naive_in = NaiveLiveIn(f, cfg, dt, naive_out);
    for (Block b : dt.Rpo()) {
      std::set<uint32_t> in, out;
      for (Value v : lv.LiveIn(b)) in.insert(v.index);
      for (Value v : lv.LiveOut(b)) out.insert(v.index);
      ASSERT_EQ(in, naive_in[b.index]) << "iter " << iter << " block" << b.index;
      ASSERT_EQ(out, naive_out[b.index]) << "iter " << iter << " block" << b.index;
    }
  }
}

}  // namespace
}  // namespace egret::ir
