// pass_manager_test.cc: the analysis cache (lazy, invalidated by what a pass preserves) and
// per-pass statistics.
#include "opt/pass_manager.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/analysis_cache.h"
#include "tests/unit/ir/random_function.h"

namespace egret::opt {
namespace {

constexpr std::string_view kLoop = R"(
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd v0, v0
    v2 = iadd v0, v0
    jump block1(v0)
block1(v3: i32):
    v4 = iadd_imm v3, -1
    brif v4, block1(v4), block2
block2:
    return v1
}
)";

ir::Function ParseOne(std::string_view text) {
  Expected<ir::Module> m = ir::ParseModule(text);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().ToString());
  return std::move(m->functions[0]);
}

TEST(AnalysisCache, ComputesOnceUntilInvalidated) {
  ir::Function f = ParseOne(kLoop);
  AnalysisCache cache(f);
  EXPECT_EQ(cache.Valid(), kNoAnalyses);
  const ir::LoopAnalysis& loops = cache.Loops();  // needs the CFG and dominators first
  EXPECT_EQ(loops.NumLoops(), 1u);
  EXPECT_EQ(cache.computations(), 3u);
  cache.Loops();
  cache.DomTree();
  EXPECT_EQ(cache.computations(), 3u);
  cache.Invalidate(kCfgShapeAnalyses);
  cache.Loops();
  EXPECT_EQ(cache.computations(), 3u);
  cache.Liveness();
  EXPECT_EQ(cache.computations(), 4u);
  // Dropping the dominator tree drops what is derived from it, but keeps the CFG.
  cache.Invalidate(kCfgAnalysis | kLoopAnalysis | kLivenessAnalysis);
  EXPECT_EQ(cache.Valid(), kCfgAnalysis);
  // Dropping the CFG drops everything.
  cache.Loops();
  cache.Invalidate(kDomTreeAnalysis | kLoopAnalysis);
  EXPECT_EQ(cache.Valid(), kNoAnalyses);
}

// Use counts over the placed instructions, recounted.
std::vector<uint32_t> Recount(const ir::Function& f) {
  std::vector<uint32_t> uses(f.dfg.NumValues(), 0);
  for (ir::Block b : f.layout.Blocks())
    for (ir::Inst i : f.layout.Insts(b))
      f.dfg.ForEachOperand(i, [&](ir::Value v) { ++uses[v.index]; });
  return uses;
}

// cfg_simplify publishes the use counts it maintains; they match a recount after its edits
// (a merged block, a removed parameter, a folded branch), survive only passes that preserve
// them, and dce gives the same function with them as without.
TEST(AnalysisCache, CfgSimplifyPublishesExactUseCounts) {
  constexpr std::string_view kText = R"(
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 1
    v9 = iadd v0, v0
    brif v1, block1(v0, v0), block3
block1(v2: i32, v3: i32):
    v4 = iadd v2, v3
    jump block2(v4)
block2(v5: i32):
    v6 = iadd_imm v5, -1
    v7 = imul v6, v6
    brif v6, block2(v6), block3
block3:
    return v0
}
)";
  ir::Function f = ParseOne(kText);
  ir::Function g = ParseOne(kText);
  AnalysisCache cache(f);
  ASSERT_EQ(cache.UseCounts(), nullptr);
  ASSERT_TRUE(FindPass("cfg_simplify")->run(f, cache).ok());
  cache.Invalidate(FindPass("cfg_simplify")->preserves);
  ASSERT_NE(cache.UseCounts(), nullptr);
  const std::vector<uint32_t> fresh = Recount(f);
  ASSERT_EQ(cache.UseCounts()->size(), fresh.size());
  for (uint32_t k = 0; k < fresh.size(); ++k) {
    if (f.dfg.ValueInfo(ir::Value(k)).kind == ir::ValueKind::kAlias) continue;
    EXPECT_EQ((*cache.UseCounts())[k], fresh[k]) << "v" << k;
  }
  // dce with the published counts, and on a copy without them (it counts itself): same text.
  ASSERT_TRUE(FindPass("dce")->run(f, cache).ok());
  AnalysisCache other(g);
  ASSERT_TRUE(FindPass("cfg_simplify")->run(g, other).ok());
  other.Invalidate(kCfgShapeAnalyses);  // drops the counts
  ASSERT_EQ(other.UseCounts(), nullptr);
  ASSERT_TRUE(FindPass("dce")->run(g, other).ok());
  EXPECT_EQ(ir::PrintFunction(f), ir::PrintFunction(g));
  EXPECT_EQ(ir::PrintFunction(f).find("imul"), std::string::npos);  // v7 was dead
  // Dropping the CFG keeps them; a pass that does not preserve them drops them.
  std::vector<uint32_t> counts = Recount(f);
  cache.PublishUseCounts(counts);
  cache.Invalidate(kUseCountAnalysis);
  EXPECT_NE(cache.UseCounts(), nullptr);
  cache.Invalidate(kCfgShapeAnalyses);
  EXPECT_EQ(cache.UseCounts(), nullptr);
}

// simplify counts every operand on its walk and publishes the counts, with the absence of
// conditional traps when it kept none: through rewrites in place (iadd of a constant, a brif on
// `x == 0` whose arms it swaps), replaced values, inserted instructions (a division by a
// constant), a removed trap that cannot fire and a block the entry does not reach.
TEST(AnalysisCache, SimplifyPublishesExactUseCounts) {
  constexpr std::string_view kText = R"(
function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iconst.i32 7
    v3 = iadd v0, v2
    v4 = udiv v3, v2
    v5 = iconst.i32 0
    v6 = iadd v4, v5
    trapnz v5, int_ovf
    v7 = icmp_imm eq v6, 0
    brif v7, block1(v6), block2(v1)
block1(v8: i32):
    return v8
block2(v9: i32):
    return v9
block3:
    v10 = iadd v6, v3
    return v10
}
)";
  for (const bool with_trap : {false, true}) {
    std::string text(kText);
    if (with_trap) text.replace(text.find("trapnz v5"), 9, "trapnz v1");
    ir::Function f = ParseOne(text);
    AnalysisCache cache(f);
    ASSERT_TRUE(FindPass("simplify")->run(f, cache).ok());
    cache.EndPass(FindPass("simplify")->preserves);
    const std::string printed = ir::PrintFunction(f);
    ASSERT_EQ(printed.find("udiv"), std::string::npos) << printed;
    ASSERT_NE(printed.find("brif v4, block2(v1), block1(v4)"), std::string::npos) << printed;
    ASSERT_NE(cache.UseCounts(), nullptr);
    std::vector<uint32_t> fresh = Recount(f);
    ASSERT_EQ(cache.UseCounts()->size(), fresh.size());
    for (uint32_t k = 0; k < fresh.size(); ++k) {
      if (f.dfg.ValueInfo(ir::Value(k)).kind == ir::ValueKind::kAlias) continue;
      EXPECT_EQ((*cache.UseCounts())[k], fresh[k]) << "v" << k << "\n" << printed;
    }
    EXPECT_EQ(static_cast<bool>(cache.Valid() & kNoCondTrapsAnalysis), !with_trap);
  }
}

// cfg_simplify records that no conditional trap is left when its scan found none (one whose
// constant condition must trap became `trap`, one that may trap stays and the fact is not
// recorded); the passes keep the fact (none makes a trapz or trapnz), and a second cfg_simplify
// that holds it and the use counts walks no instruction, with the same result.
TEST(AnalysisCache, CfgSimplifyRecordsThatNoConditionalTrapIsLeft) {
  constexpr std::string_view kFolded = R"(
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 1
    brif v0, block1(v1), block2
block1(v2: i32):
    trapnz v2, int_ovf
    jump block2
block2:
    return v0
}
)";
  constexpr std::string_view kKept = R"(
function %f(i32) -> i32 {
block0(v0: i32):
    trapnz v0, int_ovf
    brif v0, block1, block2
block1:
    jump block2
block2:
    return v0
}
)";
  const std::string_view speed_rest[] = {"gvn", "licm", "load_elim", "iv_reduce"};
  Expected<PassManager> rest = PassManager::FromNames(speed_rest);
  ASSERT_TRUE(rest.ok());
  {
    ir::Function f = ParseOne(kFolded);
    AnalysisCache cache(f);
    ASSERT_TRUE(FindPass("cfg_simplify")->run(f, cache).ok());
    cache.EndPass(FindPass("cfg_simplify")->preserves);
    EXPECT_NE(ir::PrintFunction(f).find("trap int_ovf"), std::string::npos) << ir::PrintFunction(f);
    EXPECT_TRUE(cache.Valid() & kNoCondTrapsAnalysis);
    ASSERT_TRUE(rest->Run(f, cache).ok());
    EXPECT_TRUE(cache.Valid() & kNoCondTrapsAnalysis);
    ASSERT_NE(cache.UseCounts(), nullptr);
    const std::string before = ir::PrintFunction(f);
    ASSERT_TRUE(FindPass("cfg_simplify")->run(f, cache).ok());
    EXPECT_EQ(ir::PrintFunction(f), before);
    // A pass that does not declare it preserved drops it with everything else.
    cache.EndPass(FindPass("cfg_simplify")->preserves);
    EXPECT_TRUE(cache.Valid() & kNoCondTrapsAnalysis);
    cache.EndPass(kNoAnalyses);
    EXPECT_FALSE(cache.Valid() & kNoCondTrapsAnalysis);
  }
  {
    ir::Function f = ParseOne(kKept);
    AnalysisCache cache(f);
    ASSERT_TRUE(FindPass("cfg_simplify")->run(f, cache).ok());
    cache.EndPass(FindPass("cfg_simplify")->preserves);
    EXPECT_NE(ir::PrintFunction(f).find("trapnz"), std::string::npos);
    EXPECT_FALSE(cache.Valid() & kNoCondTrapsAnalysis);
  }
}

// cfg_simplify records that it left no block pair to merge (kNoMergeAnalysis); the passes
// between the two runs of the speed pipeline keep the fact (licm's preheader here has a brif
// for its only predecessor and the loop's latch beside it into the header), so the second run
// skips its first merge walk and changes nothing; a pass that does not declare it drops it.
TEST(AnalysisCache, CfgSimplifyRecordsThatNoBlocksAreLeftToMerge) {
  constexpr std::string_view kLoop = R"(
function %sum(i64, i32) -> i32 {
block0(v0: i64, v1: i32):
    jump block4
block4:
    brif v1, block1(v1, v1), block3(v1)
block1(v2: i32, v3: i32):
    v4 = load.i64 vmctx notrap aligned readonly v0+208
    v5 = uextend.i64 v2
    v6 = iadd v4, v5
    v7 = load.i32 heap notrap v6
    v8 = imul_imm v1, 3
    v9 = iadd v8, v7
    v10 = iadd v3, v9
    v11 = iadd_imm v2, -1
    brif v11, block1(v11, v10), block3(v10)
block3(v12: i32):
    return v12
}
)";
  ir::Function f = ParseOne(kLoop);
  AnalysisCache cache(f);
  ASSERT_TRUE(FindPass("cfg_simplify")->run(f, cache).ok());
  cache.EndPass(FindPass("cfg_simplify")->preserves);
  // block4 was merged into the entry.
  EXPECT_EQ(ir::PrintFunction(f).find("block4"), std::string::npos) << ir::PrintFunction(f);
  EXPECT_TRUE(cache.Valid() & kNoMergeAnalysis);
  const std::string_view speed_rest[] = {"gvn", "licm", "load_elim", "iv_reduce"};
  Expected<PassManager> rest = PassManager::FromNames(speed_rest);
  ASSERT_TRUE(rest.ok());
  ASSERT_TRUE(rest->Run(f, cache).ok());
  EXPECT_TRUE(cache.Valid() & kNoMergeAnalysis);
  ASSERT_TRUE(FindPass("cfg_simplify")->run(f, cache).ok());
  cache.EndPass(FindPass("cfg_simplify")->preserves);
  EXPECT_TRUE(cache.Valid() & kNoMergeAnalysis);
  EXPECT_TRUE(ir::Verify(f).ok());
  // The same function through the same passes without the fact: the same result.
  ir::Function g = ParseOne(kLoop);
  AnalysisCache fresh(g);
  ASSERT_TRUE(FindPass("cfg_simplify")->run(g, fresh).ok());
  fresh.EndPass(FindPass("cfg_simplify")->preserves);
  ASSERT_TRUE(rest->Run(g, fresh).ok());
  fresh.EndPass(fresh.Valid() & ~kNoMergeAnalysis);
  EXPECT_FALSE(fresh.Valid() & kNoMergeAnalysis);
  ASSERT_TRUE(FindPass("cfg_simplify")->run(g, fresh).ok());
  EXPECT_EQ(ir::PrintFunction(g), ir::PrintFunction(f));
  cache.EndPass(kNoAnalyses);
  EXPECT_FALSE(cache.Valid() & kNoMergeAnalysis);
}

// gvn records that no two memory accesses it keeps have the same location
// (kNoRepeatedLocationsAnalysis; a readonly load it merges is not kept), licm keeps the fact
// (its preheader and its hoisted load make no pair), and load_elim then skips the function,
// which it would not have changed; a repeated location (another load of v7's bytes) leaves the
// fact out, and load_elim replaces the load.
TEST(AnalysisCache, GvnRecordsThatNoLocationRepeats) {
  constexpr std::string_view kDistinct = R"(
function %sum(i64, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i64 vmctx notrap aligned readonly v0+208
    v3 = load.i64 vmctx notrap aligned readonly v0+208
    v4 = uextend.i64 v1
    v5 = iadd v2, v4
    store heap notrap v1, v5+4
    jump block1(v1, v1)
block1(v6: i32, v7: i32):
    v8 = iadd v3, v4
    v9 = load.i32 heap notrap v8
    v10 = iadd v7, v9
    v11 = iadd_imm v6, -1
    brif v11, block1(v11, v10), block2(v10)
block2(v12: i32):
    v13 = load.i32 heap notrap v5+8
    v14 = iadd v12, v13
    return v14
}
)";
  const std::string_view passes[] = {"gvn", "licm", "load_elim"};
  Expected<PassManager> pm = PassManager::FromNames(passes);
  ASSERT_TRUE(pm.ok());
  for (const bool repeat : {false, true}) {
    std::string text(kDistinct);
    // v13 reads the bytes the load in the loop reads (v8 is v5 once gvn merged v3 into v2).
    if (repeat) text.replace(text.find("v5+8"), 4, "v5");
    ir::Function f = ParseOne(text);
    AnalysisCache cache(f);
    ASSERT_TRUE(FindPass("gvn")->run(f, cache).ok());
    cache.EndPass(FindPass("gvn")->preserves);
    EXPECT_EQ(bool(cache.Valid() & kNoRepeatedLocationsAnalysis), !repeat);
    ASSERT_TRUE(FindPass("licm")->run(f, cache).ok());
    cache.EndPass(FindPass("licm")->preserves);
    EXPECT_EQ(bool(cache.Valid() & kNoRepeatedLocationsAnalysis), !repeat);
    // The load in the loop was hoisted into the preheader (the entry block).
    const std::string after_licm = ir::PrintFunction(f);
    EXPECT_LT(after_licm.find("v9 = load"), after_licm.find("block1(")) << after_licm;
    ASSERT_TRUE(FindPass("load_elim")->run(f, cache).ok());
    cache.EndPass(FindPass("load_elim")->preserves);
    EXPECT_FALSE(cache.Valid() & kNoRepeatedLocationsAnalysis);
    EXPECT_TRUE(ir::Verify(f).ok());
    // The same passes without the fact: the same function.
    ir::Function g = ParseOne(text);
    AnalysisCache fresh(g);
    ASSERT_TRUE(FindPass("gvn")->run(g, fresh).ok());
    fresh.EndPass(FindPass("gvn")->preserves);
    fresh.Invalidate(kAllAnalyses & ~kNoRepeatedLocationsAnalysis);
    EXPECT_FALSE(fresh.Valid() & kNoRepeatedLocationsAnalysis);
    ASSERT_TRUE(FindPass("licm")->run(g, fresh).ok());
    fresh.EndPass(FindPass("licm")->preserves);
    ASSERT_TRUE(FindPass("load_elim")->run(g, fresh).ok());
    EXPECT_EQ(ir::PrintFunction(g), ir::PrintFunction(f));
    // load_elim replaced v13 exactly when its location repeats.
    if (repeat) {
      EXPECT_EQ(ir::PrintFunction(f).find("v13 = load"), std::string::npos) << ir::PrintFunction(f);
    } else {
      EXPECT_NE(ir::PrintFunction(f).find("v13 = load"), std::string::npos) << ir::PrintFunction(f);
    }
    // Through the pass manager, the same.
    ir::Function h = ParseOne(text);
    ASSERT_TRUE(pm->Run(h).ok());
    EXPECT_EQ(ir::PrintFunction(h), ir::PrintFunction(f));
  }
}

// cfg_simplify ends with the CFG of its final edges and publishes it: the passes after it (and
// the compiler's verifier and lowering) take it. When it changed no block or edge, the
// dominator tree and loops the cache held stay as well. In builds with EGRET_DCHECKs the cache
// also compares every held analysis it hands out with a fresh one.
TEST(AnalysisCache, CfgSimplifyPublishesItsFinalCfg) {
  // block1 is merged into block0 and the constant branch folded: the edges change.
  ir::Function f = ParseOne(R"(
function %f(i32) -> i32 {
block0(v0: i32):
    jump block1
block1:
    v1 = iconst.i32 0
    brif v1, block2, block3
block2:
    return v0
block3:
    v2 = iadd v0, v0
    return v2
}
)");
  const std::string_view names[] = {"cfg_simplify"};
  Expected<PassManager> pm = PassManager::FromNames(names);
  ASSERT_TRUE(pm.ok());
  AnalysisCache cache(f);
  cache.Loops();
  ASSERT_TRUE(pm->Run(f, cache).ok());
  EXPECT_EQ(cache.Valid() & (kCfgAnalysis | kDomTreeAnalysis | kLoopAnalysis), kCfgAnalysis);
  EXPECT_TRUE(cache.Cfg().SameEdges(ir::ControlFlowGraph(f)));
  EXPECT_EQ(f.layout.NumBlocks(), 1u) << ir::PrintFunction(f);

  // Nothing to fold, forward or merge in kLoop (block1's parameter gets two values): the block
  // graph stays, so do the dominator tree and loops computed before, and nothing is recomputed.
  ir::Function g = ParseOne(kLoop);
  AnalysisCache kept(g);
  kept.Loops();
  const uint32_t computed = kept.computations();
  ASSERT_TRUE(pm->Run(g, kept).ok());
  EXPECT_EQ(kept.Valid() & (kCfgAnalysis | kDomTreeAnalysis | kLoopAnalysis),
            kCfgAnalysis | kDomTreeAnalysis | kLoopAnalysis);
  EXPECT_EQ(kept.Loops().NumLoops(), 1u);
  EXPECT_EQ(kept.computations(), computed);
  const ir::ControlFlowGraph fresh(g);
  EXPECT_TRUE(kept.Cfg().SameEdges(fresh));
  EXPECT_TRUE(kept.DomTree().SameTree(ir::DominatorTree(g, fresh)));

  // A pass that neither preserves nor publishes the CFG still drops it.
  AnalysisCache dropped(g);
  dropped.Cfg();
  dropped.EndPass(kUseCountAnalysis);
  EXPECT_EQ(dropped.Valid() & kCfgAnalysis, 0);
}

// licm inserts preheaders and updates the cache's CFG, dominator tree and loops in place
// (AnalysisCache::AddForwardingBlocks) instead of recomputing them: on random functions, some
// with irreducible control flow, unreachable predecessors of loop headers and nested loops, the
// updated analyses must be exactly the ones computed afresh (same edge order, numbering and
// block membership).
TEST(AnalysisCache, LicmUpdatesItsAnalysesToTheFreshOnes) {
  std::mt19937 rng(2026);
  const std::string_view names[] = {"licm"};
  Expected<PassManager> pm = PassManager::FromNames(names);
  ASSERT_TRUE(pm.ok());
  AnalysisCache cache;  // reused, as the compiler's per-worker cache is
  int with_preheaders = 0;
  for (int iter = 0; iter < 400; ++iter) {
    const ir::testing::RandomCfg desc = ir::testing::MakeRandomCfg(rng, 30);
    ir::Function f = ir::testing::BuildRandomFunction(rng, desc);
    ASSERT_TRUE(ir::Verify(f).ok());
    cache.Reset(f);
    const size_t blocks_before = f.dfg.NumBlocks();
    ASSERT_TRUE(pm->Run(f, cache).ok());
    ASSERT_TRUE(ir::Verify(f).ok()) << ir::Verify(f).error().message << "\n"
                                    << ir::PrintFunction(f);
    if (f.dfg.NumBlocks() == blocks_before) continue;
    ++with_preheaders;
    // Held (not recomputed) after the pass.
    ASSERT_EQ(cache.Valid() & kCfgShapeAnalyses, kCfgShapeAnalyses) << "iter " << iter;
    const uint32_t computed = cache.computations();
    const ir::ControlFlowGraph fresh(f);
    const ir::DominatorTree fresh_dt(f, fresh);
    ir::LoopAnalysis fresh_loops;
    fresh_loops.Compute(f, fresh, fresh_dt);
    EXPECT_TRUE(cache.Cfg().SameEdges(fresh)) << "iter " << iter << "\n" << ir::PrintFunction(f);
    EXPECT_TRUE(cache.DomTree().SameTree(fresh_dt)) << "iter " << iter;
    EXPECT_TRUE(cache.Loops().SameLoops(fresh_loops)) << "iter " << iter;
    for (ir::Block b : f.layout.Blocks())
      ASSERT_EQ(cache.DomTree().RpoNumber(b), fresh_dt.RpoNumber(b)) << "iter " << iter;
    EXPECT_EQ(cache.computations(), computed);
  }
  EXPECT_GT(with_preheaders, 100);
}

// cfg_simplify after licm forwards the preheaders nothing was hoisted into and removes them: a
// run whose only block-graph changes are such bypasses (and the removal of unreachable blocks)
// updates the cache's dominator tree and loops in place (AnalysisCache::PublishCfgBypassing)
// instead of dropping them. On random functions (irreducible control flow, unreachable
// predecessors and nests included) what the cache holds afterwards must be exactly what a fresh
// computation gives, and most runs that removed a block must keep the tree.
TEST(AnalysisCache, CfgSimplifyUpdatesItsAnalysesWhenItOnlyBypassesForwarders) {
  std::mt19937 rng(3036);
  // As in the speed pipeline: the function cleaned up once, then licm's preheaders.
  const std::string_view before_names[] = {"cfg_simplify", "licm"};
  const std::string_view names[] = {"cfg_simplify"};
  Expected<PassManager> before = PassManager::FromNames(before_names);
  Expected<PassManager> pm = PassManager::FromNames(names);
  ASSERT_TRUE(before.ok() && pm.ok());
  AnalysisCache cache;
  int removed_blocks = 0, kept_tree = 0, kept_loops = 0;
  for (int iter = 0; iter < 800; ++iter) {
    const ir::testing::RandomCfg desc = ir::testing::MakeRandomCfg(rng, 30);
    ir::Function f = ir::testing::BuildRandomFunction(rng, desc);
    ASSERT_TRUE(ir::Verify(f).ok());
    cache.Reset(f);
    ASSERT_TRUE(before->Run(f, cache).ok());
    cache.Loops();
    const size_t placed_before = f.layout.NumBlocks();
    ASSERT_TRUE(pm->Run(f, cache).ok());
    ASSERT_TRUE(ir::Verify(f).ok()) << ir::Verify(f).error().message << "\n"
                                    << ir::PrintFunction(f);
    if (f.layout.NumBlocks() >= placed_before) continue;
    ++removed_blocks;
    const uint8_t valid = cache.Valid();
    ASSERT_TRUE(valid & kCfgAnalysis);
    const uint32_t computed = cache.computations();
    const ir::ControlFlowGraph fresh(f);
    const ir::DominatorTree fresh_dt(f, fresh);
    ir::LoopAnalysis fresh_loops;
    fresh_loops.Compute(f, fresh, fresh_dt);
    EXPECT_TRUE(cache.Cfg().SameEdges(fresh)) << "iter " << iter;
    if (valid & kDomTreeAnalysis) {
      ++kept_tree;
      EXPECT_TRUE(cache.DomTree().SameTree(fresh_dt)) << "iter " << iter << "\n"
                                                      << ir::PrintFunction(f);
      // Every back edge is still among the retreating edges (what loops are computed from).
      for (ir::Block b : f.layout.Blocks()) {
        for (ir::Block p : fresh.Preds(b)) {
          if (b == f.EntryBlock() || !fresh_dt.IsReachable(p) || !fresh_dt.Dominates(b, p))
            continue;
          const auto edges = cache.DomTree().RetreatingEdges();
          EXPECT_NE(std::find(edges.begin(), edges.end(), std::pair(p, b)), edges.end())
              << "iter " << iter;
        }
      }
    }
    if (valid & kLoopAnalysis) {
      ++kept_loops;
      EXPECT_TRUE(cache.Loops().SameLoops(fresh_loops)) << "iter " << iter;
    }
    EXPECT_EQ(cache.computations(), computed);
  }
  EXPECT_GT(removed_blocks, 100);
  EXPECT_GT(kept_tree, removed_blocks / 2);
  EXPECT_GT(kept_loops, removed_blocks / 2);
}

// Bypassing a forwarder can turn an edge into an irreducible cycle into a back edge: block4
// forwards both block2 (in the cycle block1 -> block2 -> block4 -> block1, which block3 enters
// at block4) and block3 to block1, after which block1 dominates block2 and heads a loop it did
// not head before. The dominator tree is updated, the loops are computed again.
TEST(AnalysisCache, BypassingIntoAnIrreducibleCycleMakesALoop) {
  ir::Function f = ParseOne(R"(
function %f(i32) -> i32 {
block0(v0: i32):
    brif v0, block1, block3
block1:
    v1 = iadd_imm v0, 1
    brif v1, block2, block5
block2:
    v2 = iadd_imm v0, 2
    jump block4
block3:
    v3 = iadd_imm v0, 3
    jump block4
block4:
    jump block1
block5:
    return v0
}
)");
  const std::string_view names[] = {"cfg_simplify"};
  Expected<PassManager> pm = PassManager::FromNames(names);
  ASSERT_TRUE(pm.ok());
  AnalysisCache cache(f);
  EXPECT_EQ(cache.Loops().NumLoops(), 0u);
  ASSERT_TRUE(pm->Run(f, cache).ok());
  ASSERT_FALSE(f.layout.IsBlockInserted(ir::Block(4))) << ir::PrintFunction(f);
  EXPECT_EQ(cache.Valid() & (kDomTreeAnalysis | kLoopAnalysis), kDomTreeAnalysis);
  const ir::ControlFlowGraph fresh(f);
  const ir::DominatorTree fresh_dt(f, fresh);
  EXPECT_TRUE(cache.DomTree().SameTree(fresh_dt));
  EXPECT_EQ(cache.Loops().NumLoops(), 1u);
  EXPECT_EQ(cache.Loops().Header(ir::Loop(0)), ir::Block(1));
}

// simplify turns `brif (x == 0), A, B` into `brif x, B, A`: the CFG it keeps takes the new
// successor order, so the one cfg_simplify then publishes (it changes nothing here) is exact.
TEST(AnalysisCache, SimplifyKeepsTheCfgExactWhenItSwapsArms) {
  ir::Function f = ParseOne(R"(
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = icmp_imm eq v0, 0
    brif v1, block1, block2
block1:
    return v0
block2:
    v2 = iadd v0, v0
    return v2
}
)");
  const std::string_view names[] = {"simplify", "cfg_simplify"};
  Expected<PassManager> pm = PassManager::FromNames(names);
  ASSERT_TRUE(pm.ok());
  AnalysisCache cache(f);
  ASSERT_TRUE(pm->Run(f, cache).ok());
  ASSERT_NE(ir::PrintFunction(f).find("brif v0, block2, block1"), std::string::npos)
      << ir::PrintFunction(f);
  ASSERT_TRUE(cache.Valid() & kCfgAnalysis);
  EXPECT_TRUE(cache.Cfg().SameEdges(ir::ControlFlowGraph(f)));
  EXPECT_EQ(cache.Cfg().Succs(ir::Block(0))[0], ir::Block(2));
}

TEST(PassManager, SharesAnalysesBetweenPreservingPasses) {
  ir::Function f = ParseOne(kLoop);
  PassManagerOptions o;
  o.verify = true;
  const std::string_view names[] = {"gvn", "dce", "gvn"};
  Expected<PassManager> pm = PassManager::FromNames(names, o);
  ASSERT_TRUE(pm.ok());
  PipelineStats stats;
  ASSERT_TRUE(pm->Run(f, &stats).ok());
  // gvn needs the CFG and dominators; dce and the second gvn preserve and reuse them.
  EXPECT_EQ(stats.analysis_computations, 2u);
  ASSERT_EQ(stats.passes.size(), 2u);
  EXPECT_EQ(stats.passes[0].name, "gvn");
  EXPECT_EQ(stats.passes[0].runs, 2u);
  EXPECT_EQ(stats.passes[0].insts_removed, 1);  // v2 merged into v1
  EXPECT_EQ(stats.passes[1].name, "dce");
  EXPECT_EQ(stats.passes[1].insts_removed, 0);
  EXPECT_EQ(stats.insts_in, 6u);
  const std::string table = stats.ToString();
  EXPECT_NE(table.find("gvn"), std::string::npos) << table;
  EXPECT_NE(table.find("total"), std::string::npos) << table;
}

TEST(PassManager, PipelineForKnowsTheLevels) {
  EXPECT_TRUE(PipelineFor("none").ok());
  EXPECT_TRUE(PipelineFor("none")->empty());
  Expected<std::vector<std::string_view>> speed = PipelineFor("speed");
  ASSERT_TRUE(speed.ok());
  const std::vector<std::string_view> names = *speed;
  EXPECT_FALSE(names.empty());
  for (std::string_view n : names) EXPECT_NE(FindPass(n), nullptr) << n;
  EXPECT_FALSE(PipelineFor("size").ok());
}

}  // namespace
}  // namespace egret::opt
