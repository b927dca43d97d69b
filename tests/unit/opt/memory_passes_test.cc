// memory_passes_test.cc: licm and load_elim on hand-written IR: what each must do, and what it
// must refuse (hoisting out of a conditional path, forwarding across a call, removing a store a
// trap would leave visible).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "ir/parser.h"
#include "ir/printer.h"
#include "opt/pass_manager.h"

namespace egret::opt {
namespace {

std::string RunPass(std::string_view pass, std::string_view text) {
  Expected<ir::Module> m = ir::ParseModule(text);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().ToString());
  PassManagerOptions o;
  o.verify = true;
  const std::string_view names[] = {pass};
  Expected<PassManager> pm = PassManager::FromNames(names, o);
  Status s = pm->Run(m->functions[0]);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().ToString());
  return ir::PrintFunction(m->functions[0]);
}

// The block holding the line containing `needle` ("" if absent).
std::string BlockOf(const std::string& out, std::string_view needle) {
  const size_t at = out.find(needle);
  if (at == std::string::npos) return "";
  const size_t head = out.rfind("\nblock", at);
  return out.substr(head + 1, out.find(':', head) - head - 1);
}

TEST(Licm, HoistsOutOfNestedLoopsInnermostFirst) {
  const std::string out = RunPass("licm", R"(
function %f(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    jump block1(v0)
block1(v2: i32):
    jump block2(v1)
block2(v3: i32):
    v4 = imul v0, v1              ; invariant in both loops: leaves the nest
    v5 = iadd v4, v2              ; invariant in the inner loop only
    v6 = iadd_imm v3, -1
    brif v6, block2(v6), block3
block3:
    v7 = iadd_imm v2, -1
    brif v7, block1(v7), block4
block4:
    return v5
}
)");
  EXPECT_EQ(BlockOf(out, "v4 = imul"), "block0(v0") << out;
  EXPECT_EQ(BlockOf(out, "v5 = iadd v4, v2").rfind("block1", 0), 0u) << out;
}

TEST(Licm, KeepsTrapsOnConditionalPathsAndLoadsOfWrittenMemory) {
  const std::string out = RunPass("licm", R"(
function %f(i32, i32, i64) -> i32 {
block0(v0: i32, v1: i32, v2: i64):
    jump block1(v0)
block1(v3: i32):
    v4 = load.i32 heap notrap v2+8
    store heap notrap v3, v2+8
    brif v3, block2, block3
block2:
    v5 = udiv v0, v1
    v6 = iadd_imm v3, -1
    brif v6, block1(v6), block3
block3:
    return v4
}
)");
  EXPECT_EQ(BlockOf(out, "v4 = load"), "block1(v3") << out;
  EXPECT_EQ(BlockOf(out, "v5 = udiv"), "block2") << out;
}

TEST(LoadElim, ForwardsAlongDominanceButNotAcrossCalls) {
  const std::string out = RunPass("load_elim", R"(
function %f(i64, i32) -> i32 {
    sig0 = (i32) -> i32
    fn0 = %g sig0
block0(v0: i64, v1: i32):
    store vmctx notrap v1, v0+16
    v2 = load.i32 vmctx notrap v0+16
    v3 = call %g(v2)
    v4 = load.i32 vmctx notrap v0+16
    v5 = load.i32 vmctx notrap readonly v0+32
    v6 = call %g(v4)
    v7 = load.i32 vmctx notrap readonly v0+32
    v8 = iadd v5, v7
    return v8
}
)");
  EXPECT_EQ(out.find("v2 = load"), std::string::npos) << out;  // the stored v1
  EXPECT_NE(out.find("call %g(v1)"), std::string::npos) << out;
  EXPECT_NE(out.find("v4 = load"), std::string::npos) << out;  // after a call: reloaded
  EXPECT_EQ(out.find("v7 = load"), std::string::npos) << out;  // readonly: survives calls
}

// A replaced load's uses are resolved where they can be: its block (after it, and in what
// Reuse inserts before it), the blocks it dominates, and blocks the entry does not reach (which
// may name any value); a block it does not dominate cannot use it. The verifier (after the
// pass, o.verify) fails on any operand left naming an alias.
TEST(LoadElim, ResolvesTheReplacedLoadsUsesWhereverTheyAre) {
  const std::string out = RunPass("load_elim", R"(
function %f(i64, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i32 vmctx notrap v0+16
    brif v1, block1, block2
block1:
    v3 = load.i32 vmctx notrap v0+16
    v4 = iadd v3, v3
    brif v4, block3(v3), block4
block2:
    jump block4
block3(v5: i32):
    v6 = iadd v5, v3
    return v6
block4:
    return v2
block5:
    v7 = iadd v3, v2
    return v7
}
)");
  EXPECT_EQ(out.find("v3 = load"), std::string::npos) << out;
  EXPECT_NE(out.find("v4 = iadd v2, v2"), std::string::npos) << out;
  EXPECT_NE(out.find("block3(v2)"), std::string::npos) << out;
  EXPECT_NE(out.find("v6 = iadd v5, v2"), std::string::npos) << out;
  EXPECT_NE(out.find("v7 = iadd v2, v2"), std::string::npos) << out;  // unreachable block5
}

TEST(LoadElim, LoopHeadersSeeTheLoopsStores) {
  // The load in the header is not available from the entry: the back edge passes through a
  // store to the same field.
  const std::string out = RunPass("load_elim", R"(
function %f(i64, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i32 vmctx notrap v0+16
    jump block1(v1)
block1(v3: i32):
    v4 = load.i32 vmctx notrap v0+16
    v5 = iadd_imm v3, -1
    store vmctx notrap v5, v0+16
    brif v5, block1(v5), block2
block2:
    v6 = iadd v2, v4
    return v6
}
)");
  EXPECT_NE(out.find("v4 = load"), std::string::npos) << out;
}

// A block's effects are what its stores wrote as the function entered the pass, whether its
// visit records them (block1 of the diamond, visited before the join) or a region walk computes
// them before the visit (the loop's latch, needed when the header is entered): the replacement
// of v3 by v2 does not make `store ... v3+4` a store to v2+4, disjoint from v2+0, in either
// case, so the result does not depend on when the effects are computed.
TEST(LoadElim, BlockEffectsAreThoseOfTheFunctionAsItEntered) {
  const std::string diamond = RunPass("load_elim", R"(
function %f(i64, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i64 vmctx notrap v0+8
    v3 = load.i64 vmctx notrap v0+8
    v4 = load.i32 vmctx notrap v2+0
    brif v1, block1, block2
block1:
    store vmctx notrap v1, v3+4
    jump block3
block2:
    jump block3
block3:
    v5 = load.i32 vmctx notrap v2+0
    v6 = iadd v4, v5
    return v6
}
)");
  EXPECT_EQ(diamond.find("v3 = load"), std::string::npos) << diamond;
  EXPECT_NE(diamond.find("v5 = load"), std::string::npos) << diamond;
  const std::string loop = RunPass("load_elim", R"(
function %f(i64, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i64 vmctx notrap v0+8
    v3 = load.i64 vmctx notrap v0+8
    v4 = load.i32 vmctx notrap v2+0
    jump block1(v1)
block1(v5: i32):
    v6 = load.i32 vmctx notrap v2+0
    store vmctx notrap v5, v3+4
    v7 = iadd_imm v5, -1
    brif v7, block1(v7), block2
block2:
    v8 = iadd v4, v6
    return v8
}
)");
  EXPECT_EQ(loop.find("v3 = load"), std::string::npos) << loop;
  EXPECT_NE(loop.find("v6 = load"), std::string::npos) << loop;
}

// A join's region (the blocks between it and its immediate dominator) that calls or stores
// without a region flag may write anything but readonly fields; the region walk stops at the
// first such block, with the same result as the whole walk. Without them, what the region's
// stores miss stays available.
TEST(LoadElim, JoinsDropWhatTheirRegionMayWrite) {
  const std::string clobbered = RunPass("load_elim", R"(
function %f(i64, i32) -> i32 {
    sig0 = (i32) -> i32
    fn0 = %g sig0
block0(v0: i64, v1: i32):
    v2 = load.i32 vmctx notrap v0+16
    v3 = load.i32 vmctx notrap readonly v0+32
    v4 = load.i32 heap notrap v0+8
    brif v1, block1, block4
block1:
    brif v2, block2, block3
block2:
    v5 = call %g(v1)
    jump block3
block3:
    jump block5
block4:
    store notrap v1, v0+64
    jump block5
block5:
    v6 = load.i32 vmctx notrap v0+16
    v7 = load.i32 vmctx notrap readonly v0+32
    v8 = load.i32 heap notrap v0+8
    v9 = iadd v6, v7
    v10 = iadd v9, v8
    return v10
}
)");
  EXPECT_NE(clobbered.find("v6 = load"), std::string::npos) << clobbered;
  EXPECT_EQ(clobbered.find("v7 = load"), std::string::npos) << clobbered;  // readonly
  EXPECT_NE(clobbered.find("v8 = load"), std::string::npos) << clobbered;
  const std::string kept = RunPass("load_elim", R"(
function %f(i64, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i32 vmctx notrap v0+16
    v4 = load.i32 heap notrap v0+8
    brif v1, block1, block2
block1:
    store vmctx notrap v1, v0+20
    jump block3
block2:
    store heap notrap v1, v0+12
    jump block3
block3:
    v6 = load.i32 vmctx notrap v0+16
    v8 = load.i32 heap notrap v0+8
    v10 = iadd v6, v8
    return v10
}
)");
  EXPECT_EQ(kept.find("v6 = load"), std::string::npos) << kept;
  EXPECT_EQ(kept.find("v8 = load"), std::string::npos) << kept;
}

}  // namespace
}  // namespace egret::opt
