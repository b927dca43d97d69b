// liveness_test.cc: the live-in and live-out sets, the per-vreg live-in counts, and how a
// live-out set is stored (a jump's is its successor's live-in set itself; a branch's is the
// union in first-seen order).
#include "regalloc/liveness.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "regalloc/allocator.h"
#include "regalloc/function.h"
#include "regalloc/random_function.h"

namespace egret::regalloc {
namespace {

std::vector<uint32_t> Ids(std::span<const VReg> vs) {
  std::vector<uint32_t> out;
  for (VReg v : vs) out.push_back(v.index);
  return out;
}

// block0: v0, v1, v2 = ...; branch on v0 -> block1 | block2
// block1: use v1; jump -> block3(v1)
// block2: use v2; jump -> block3(v2)
// block3(v3): use v3, v0; return
TEST(Liveness, DiamondWithAParameter) {
  Function f;
  const VReg v0 = f.AddVReg(RegClass::kInt), v1 = f.AddVReg(RegClass::kInt),
             v2 = f.AddVReg(RegClass::kInt), v3 = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(v0), Operand::Def(v1), Operand::Def(v2)});
  f.AddInst({Operand::Use(v0)});
  f.AddSucc(Block(1));
  f.AddSucc(Block(2));
  f.StartBlock();
  f.AddInst({Operand::Use(v1)});
  f.AddInst({});
  f.AddSucc(Block(3), {v1});
  f.StartBlock();
  f.AddInst({Operand::Use(v2)});
  f.AddInst({});
  f.AddSucc(Block(3), {v2});
  f.StartBlock();
  f.AddBlockParam(v3);
  f.AddInst({Operand::Use(v3), Operand::Use(v0)});
  f.Finish();
  ASSERT_TRUE(f.Validate(MachineEnv::ForTesting(4, 2)).ok());

  Liveness live;
  ASSERT_TRUE(live.Compute(f).ok());
  EXPECT_EQ(Ids(live.LiveIn(Block(0))), std::vector<uint32_t>{});
  EXPECT_EQ(Ids(live.LiveIn(Block(1))), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(Ids(live.LiveIn(Block(2))), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(Ids(live.LiveIn(Block(3))), std::vector<uint32_t>{0});  // v3 is its parameter
  // The branch's live-out: block1's live-in, then what block2 adds.
  EXPECT_EQ(Ids(live.LiveOut(Block(0))), (std::vector<uint32_t>{0, 1, 2}));
  // Jumps with an argument: the successor's live-in set and the argument.
  EXPECT_EQ(Ids(live.LiveOut(Block(1))), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(Ids(live.LiveOut(Block(2))), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(Ids(live.LiveOut(Block(3))), std::vector<uint32_t>{});
  EXPECT_EQ(live.NumLiveIn(v0), 3u);
  EXPECT_EQ(live.NumLiveIn(v1), 1u);
  EXPECT_EQ(live.NumLiveIn(v2), 1u);
  EXPECT_EQ(live.NumLiveIn(v3), 0u);
  EXPECT_EQ(live.DefBlock(v3).index, 3u);
}

// block0: v0 = ...; jump -> block1
// block1: loop header; use v0; branch -> block2 | block3
// block2: jump -> block1 (back edge, no arguments)
// block3: return
// A jump without arguments shares its successor's live-in set: same elements, same order, same
// storage.
TEST(Liveness, JumpSharesItsSuccessorsLiveInSet) {
  Function f;
  const VReg v0 = f.AddVReg(RegClass::kInt), v1 = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(v1), Operand::Def(v0)});
  f.AddInst({});
  f.AddSucc(Block(1));
  f.StartBlock();
  f.AddInst({Operand::Use(v0), Operand::Use(v1)});
  f.AddSucc(Block(2));
  f.AddSucc(Block(3));
  f.StartBlock();
  f.AddInst({});
  f.AddSucc(Block(1));
  f.StartBlock();
  f.AddInst({});
  f.Finish();
  ASSERT_TRUE(f.Validate(MachineEnv::ForTesting(4, 2)).ok());

  Liveness live;
  ASSERT_TRUE(live.Compute(f).ok());
  EXPECT_EQ(Ids(live.LiveIn(Block(1))), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(Ids(live.LiveIn(Block(2))), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(Ids(live.LiveIn(Block(3))), std::vector<uint32_t>{});
  EXPECT_EQ(Ids(live.LiveOut(Block(0))), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(live.LiveOut(Block(0)).data(), live.LiveIn(Block(1)).data());
  EXPECT_EQ(live.LiveOut(Block(2)).data(), live.LiveIn(Block(1)).data());
  EXPECT_EQ(Ids(live.LiveOut(Block(1))), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(live.NumLiveIn(v0), 2u);
  EXPECT_EQ(live.NumLiveIn(v1), 2u);
}

// A use on a path that skips the definition is an error, not a crash.
// block0: v1 = ...; jump -> block2
// block1: use v0, v1; return          (laid out before the block defining v0)
// block2: v0 = ...; use v1; jump -> block1
// The walk that finds defining blocks and use sites meets v0's use before its definition: the
// use is still a site of block1 (v0 is defined in another block). The allocators, proven by the
// checker, see the same sets (backtrack's range walk extends v1's range in block2, where it is
// an operand and live out, to the block's end).
TEST(Liveness, UseLaidOutBeforeItsDefinition) {
  Function f;
  const VReg v0 = f.AddVReg(RegClass::kInt), v1 = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(v1)});
  f.AddInst({});
  f.AddSucc(Block(2));
  f.StartBlock();
  f.AddInst({Operand::Use(v0), Operand::Use(v1)});
  f.StartBlock();
  f.AddInst({Operand::Def(v0), Operand::Use(v1)});
  f.AddInst({});
  f.AddSucc(Block(1));
  f.Finish();
  const MachineEnv env = MachineEnv::ForTesting(4, 2);
  ASSERT_TRUE(f.Validate(env).ok());
  for (Liveness::Method m : {Liveness::Method::kSparse, Liveness::Method::kDense}) {
    Liveness live;
    ASSERT_TRUE(live.Compute(f, m).ok());
    EXPECT_EQ(Ids(live.LiveIn(Block(0))), std::vector<uint32_t>{});
    EXPECT_EQ(Ids(live.LiveIn(Block(1))), (std::vector<uint32_t>{0, 1}));
    EXPECT_EQ(Ids(live.LiveIn(Block(2))), std::vector<uint32_t>{1});
    EXPECT_EQ(Ids(live.LiveOut(Block(2))), (std::vector<uint32_t>{0, 1}));
    EXPECT_EQ(live.DefBlock(v0).index, 2u);
    EXPECT_EQ(live.DefBlock(v1).index, 0u);
    EXPECT_EQ(live.NumLiveIn(v0), 1u);
    EXPECT_EQ(live.NumLiveIn(v1), 2u);
  }
  for (std::string_view name : AllocatorNames()) {
    Options options;
    options.algorithm = std::string(name);
    options.run_checker = true;  // aborts with a dump on a wrong allocation
    const Expected<Output> out = Allocate(f, env, options);
    EXPECT_TRUE(out.ok()) << name << ": " << out.error().message;
  }
}

TEST(Liveness, UseWithoutDefinitionOnSomePathIsAnError) {
  Function f;
  const VReg v0 = f.AddVReg(RegClass::kInt), v1 = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(v1)});
  f.AddInst({Operand::Use(v1)});
  f.AddSucc(Block(1));
  f.AddSucc(Block(2));
  f.StartBlock();
  f.AddInst({Operand::Def(v0)});
  f.AddInst({});
  f.AddSucc(Block(3));
  f.StartBlock();
  f.AddInst({});
  f.AddSucc(Block(3));
  f.StartBlock();
  f.AddInst({Operand::Use(v0)});
  f.Finish();
  for (Liveness::Method m : {Liveness::Method::kSparse, Liveness::Method::kDense}) {
    Liveness live;
    const Status s = live.Compute(f, m);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("v0 (defined in block1)"), std::string::npos)
        << s.error().message;
    EXPECT_NE(s.error().message.find("skips its definition"), std::string::npos);
  }
}

// A vreg with no definition reads as defined in the entry (DefBlock), with either method: also
// when the definitions number as many as the vregs because one vreg is defined twice (the dense
// method skips the search for undefined vregs only when nv definitions define nv vregs).
TEST(Liveness, VRegWithoutDefinitionReadsAsDefinedInTheEntry) {
  for (bool twice : {false, true}) {
    Function f;
    const VReg v0 = f.AddVReg(RegClass::kInt), v1 = f.AddVReg(RegClass::kInt);
    f.AddVReg(RegClass::kInt);  // v2: never defined nor used
    f.StartBlock();
    f.AddInst({Operand::Def(v0)});
    f.AddSucc(Block(1));
    f.StartBlock();
    f.AddInst({Operand::Def(v1)});
    if (twice) f.AddInst({Operand::Def(v1)});
    f.AddInst({Operand::Use(v0), Operand::Use(v1)});
    f.Finish();
    for (Liveness::Method m : {Liveness::Method::kSparse, Liveness::Method::kDense}) {
      Liveness live;
      ASSERT_TRUE(live.Compute(f, m).ok()) << twice;
      EXPECT_EQ(live.DefBlock(VReg(2)).index, 0u) << twice;
      EXPECT_EQ(live.DefBlock(v1).index, 1u) << twice;
    }
  }
}

// Everything a Liveness answers, for comparing two of them.
std::string Dump(const Function& f, const Liveness& live) {
  std::string out;
  for (uint32_t b = 0; b < f.num_blocks(); ++b) {
    out += "block" + std::to_string(b) + " in";
    for (uint32_t v : Ids(live.LiveIn(Block(b)))) out += " " + std::to_string(v);
    out += " out";
    for (uint32_t v : Ids(live.LiveOut(Block(b)))) out += " " + std::to_string(v);
    out += "\n";
  }
  for (uint32_t v = 0; v < f.num_vregs(); ++v)
    out += "v" + std::to_string(v) + " def " + std::to_string(live.DefBlock(VReg(v)).index) +
           " n " + std::to_string(live.NumLiveIn(VReg(v))) + "\n";
  return out;
}

// What a Liveness computed with Sets::kLiveOutOnly answers (ForEachLiveIn and ForEachLiveOut,
// in no particular order: sorted here), for comparing it with one that has lists.
std::string DumpLiveOut(const Function& f, const Liveness& live) {
  std::string out;
  for (uint32_t b = 0; b < f.num_blocks(); ++b) {
    std::vector<uint32_t> ins, vs;
    live.ForEachLiveIn(Block(b), [&](VReg v) { ins.push_back(v.index); });
    live.ForEachLiveOut(Block(b), [&](VReg v) { vs.push_back(v.index); });
    std::sort(ins.begin(), ins.end());
    std::sort(vs.begin(), vs.end());
    out += "block" + std::to_string(b) + " in";
    for (uint32_t v : ins) out += " " + std::to_string(v);
    out += " out";
    for (uint32_t v : vs) out += " " + std::to_string(v);
    out += "\n";
  }
  for (uint32_t v = 0; v < f.num_vregs(); ++v)
    out += "v" + std::to_string(v) + " def " + std::to_string(live.DefBlock(VReg(v)).index) +
           " n " + std::to_string(live.NumLiveIn(VReg(v))) + "\n";
  return out;
}

// The dense method (bit vectors iterated to the fixpoint) and the sparse one (path exploration)
// give the same sets in the same order, and the same error naming the same vreg, on random
// control flow (loops, irreducible regions, self loops, random layouts), valid or with a use
// moved to where its definition does not reach. Without lists (Sets::kLiveOutOnly, the dense
// method's rows), the live-out sets, counts and errors are the same too, also from one Liveness
// computed again and again for function after function, as Allocate() keeps one per thread.
TEST(Liveness, DenseAndSparseAgree) {
  const MachineEnv env = RandomTestEnv();
  int errors = 0;
  Liveness reused;
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    RandomFunctionOptions options;
    options.max_blocks = 4 + seed % 29;
    Function f = RandomFunction(seed, env, options);
    if (seed % 3 == 0 &&
        !f.operands.empty()) {  // a use of a vreg defined in another block, moved to a random block
      Rng rng(seed);
      const uint32_t k = rng.Below(static_cast<uint32_t>(f.operands.size()));
      Operand& op = f.operands[k];
      if (op.is_use()) op.vreg = VReg(rng.Below(f.num_vregs()));
    }
    Liveness sparse, dense;
    const Status s = sparse.Compute(f, Liveness::Method::kSparse);
    const Status d = dense.Compute(f, Liveness::Method::kDense);
    ASSERT_EQ(s.ok(), d.ok()) << "seed " << seed;
    Liveness rows;
    const Status r = rows.Compute(f, Liveness::Method::kDense, Liveness::Sets::kLiveOutOnly);
    const Liveness::Sets sets =
        seed % 2 == 0 ? Liveness::Sets::kLists : Liveness::Sets::kLiveOutOnly;
    const Status u = reused.Compute(f, Liveness::Method::kAuto, sets);
    ASSERT_EQ(s.ok(), r.ok()) << "seed " << seed;
    ASSERT_EQ(s.ok(), u.ok()) << "seed " << seed;
    if (!s.ok()) {
      ++errors;
      EXPECT_EQ(s.error().message, d.error().message) << "seed " << seed;
      EXPECT_EQ(s.error().message, r.error().message) << "seed " << seed;
      EXPECT_EQ(s.error().message, u.error().message) << "seed " << seed;
      continue;
    }
    ASSERT_EQ(Dump(f, sparse), Dump(f, dense)) << "seed " << seed << "\n" << f.ToString();
    Liveness chosen;
    ASSERT_TRUE(chosen.Compute(f).ok());
    EXPECT_EQ(Dump(f, sparse), Dump(f, chosen)) << "seed " << seed;
    EXPECT_FALSE(rows.has_lists()) << "seed " << seed;  // the dense method ran: no lists
    EXPECT_EQ(DumpLiveOut(f, sparse), DumpLiveOut(f, rows)) << "seed " << seed;
    EXPECT_EQ(DumpLiveOut(f, sparse), DumpLiveOut(f, reused)) << "seed " << seed;
    if (reused.has_lists()) {
      EXPECT_EQ(Dump(f, sparse), Dump(f, reused)) << "seed " << seed;
    }
  }
  EXPECT_GT(errors, 0);
  {
    const Function empty;  // no blocks (Validate rejects it; Compute must not read past)
    for (Liveness::Method m : {Liveness::Method::kSparse, Liveness::Method::kDense}) {
      Liveness live;
      EXPECT_TRUE(live.Compute(empty, m).ok());
    }
  }
  // A large function: the automatic choice is sparse there (blocks x vregs is too many words).
  const Function large = LargeFunction(1, 20000, X64LikeEnv());
  Liveness sparse, dense;
  ASSERT_TRUE(sparse.Compute(large, Liveness::Method::kSparse).ok());
  ASSERT_TRUE(dense.Compute(large, Liveness::Method::kDense).ok());
  EXPECT_EQ(Dump(large, sparse), Dump(large, dense));
  ASSERT_TRUE(reused.Compute(large, Liveness::Method::kAuto, Liveness::Sets::kLiveOutOnly).ok());
  EXPECT_TRUE(reused.has_lists());  // the sparse method makes the lists either way
  EXPECT_EQ(DumpLiveOut(large, sparse), DumpLiveOut(large, reused));
}

// The loop forest's answers (one sweep over the forward edges, then each loop header's set added
// to its loop's blocks) are the fixpoint's and the sparse method's, bit for bit and count for
// count, on random control flow laid out in reverse post-order with its natural loops in the
// tables. Where the tables are not exact, the fixpoint goes on instead and the answers are the
// same: irreducible regions (an edge back to a block that heads no loop), tables corrupted at
// random (a block given another loop, a header another parent), and the generator's own layouts
// (split blocks laid out after their targets). Uses moved where their definitions do not reach
// give the same error. Every allocator runs under the checker on some of them (backtrack reads
// the tables too).
TEST(Liveness, LoopForestAgreesWithTheFixpoint) {
  const MachineEnv env = RandomTestEnv();
  int by_loops = 0, fell_back = 0, corrupted_by_loops = 0, errors = 0;
  Liveness reused;
  for (uint64_t seed = 0; seed < 4000; ++seed) {
    RandomFunctionOptions options;
    options.max_blocks = 2 + seed % 40;
    options.natural_loops = seed % 8 != 7;
    Function f = RandomFunction(seed, env, options);
    Rng rng(seed ^ 0x5eed);
    if (!options.natural_loops) {  // the tables of another layout: mostly not exact
      const Function g =
          RandomFunction(seed, env, {.max_blocks = options.max_blocks, .natural_loops = true});
      if (g.num_blocks() == f.num_blocks()) {
        f.loop_header = g.loop_header;
        f.loop_parent = g.loop_parent;
        f.loop_depth = g.loop_depth;
      }
    }
    bool corrupted = false;
    if (rng.Chance(20) && !f.loop_header.empty()) {
      corrupted = true;
      const uint32_t nb = f.num_blocks();
      const uint32_t b = rng.Below(nb);
      const uint32_t to = rng.Chance(20) ? Function::kNoLoop : rng.Below(nb);
      if (rng.Chance(50))
        f.loop_header[b] = to;
      else
        f.loop_parent[b] = to;
    }
    if (seed % 5 == 0 && !f.operands.empty()) {  // a use moved to where its def may not reach
      const uint32_t k = rng.Below(static_cast<uint32_t>(f.operands.size()));
      Operand& op = f.operands[k];
      if (op.is_use()) op.vreg = VReg(rng.Below(f.num_vregs()));
    }
    Function fixpoint_input = f;  // no tables: the fixpoint
    fixpoint_input.loop_header.clear();
    fixpoint_input.loop_parent.clear();
    fixpoint_input.loop_depth.clear();
    bool live_ok = true;
    for (Liveness::Sets sets : {Liveness::Sets::kLists, Liveness::Sets::kLiveOutOnly}) {
      Liveness loops, fixpoint, sparse;
      const Status l = loops.Compute(f, Liveness::Method::kDense, sets);
      const Status x = fixpoint.Compute(fixpoint_input, Liveness::Method::kDense, sets);
      const Status s = sparse.Compute(f, Liveness::Method::kSparse, sets);
      const Status u = reused.Compute(f, Liveness::Method::kAuto, sets);
      EXPECT_FALSE(fixpoint.by_loop_forest());
      ASSERT_EQ(l.ok(), x.ok()) << "seed " << seed;
      ASSERT_EQ(l.ok(), s.ok()) << "seed " << seed;
      ASSERT_EQ(l.ok(), u.ok()) << "seed " << seed;
      if (!l.ok()) {
        live_ok = false;
        errors += sets == Liveness::Sets::kLists;
        EXPECT_EQ(l.error().message, x.error().message) << "seed " << seed;
        EXPECT_EQ(l.error().message, s.error().message) << "seed " << seed;
        EXPECT_EQ(l.error().message, u.error().message) << "seed " << seed;
        continue;
      }
      if (sets == Liveness::Sets::kLists) {
        if (loops.by_loop_forest())
          ++(corrupted ? corrupted_by_loops : by_loops);
        else if (!f.loop_header.empty() && f.num_blocks() > 1)
          ++fell_back;
        ASSERT_EQ(Dump(f, loops), Dump(f, fixpoint)) << "seed " << seed << "\n" << f.ToString();
        EXPECT_EQ(Dump(f, loops), Dump(f, sparse)) << "seed " << seed;
      }
      ASSERT_EQ(DumpLiveOut(f, loops), DumpLiveOut(f, fixpoint)) << "seed " << seed << "\n"
                                                                 << f.ToString();
      EXPECT_EQ(DumpLiveOut(f, loops), DumpLiveOut(f, sparse)) << "seed " << seed;
      EXPECT_EQ(DumpLiveOut(f, loops), DumpLiveOut(f, reused)) << "seed " << seed;
    }
    if (seed % 16 == 0 && live_ok && f.Validate(env).ok()) {
      for (std::string_view algorithm : AllocatorNames()) {
        Options o;
        o.algorithm = std::string(algorithm);
        o.run_checker = true;
        const Expected<Output> out = Allocate(f, env, o);
        EXPECT_TRUE(out.ok()) << "seed " << seed << " " << algorithm << ": "
                              << (out.ok() ? "" : out.error().message);
      }
    }
  }
  // Most functions take the loop forest; irreducible ones and corrupted tables fall back, and
  // some corruptions are harmless (a block moved to an equivalent loop).
  EXPECT_GT(by_loops, 1500);
  EXPECT_GT(fell_back, 200);
  EXPECT_GT(corrupted_by_loops, 0);
  EXPECT_GT(errors, 50);
}

// One loop, block1 -> block2 -> block1, whose tables are made wrong one way at a time: each of
// the checks turns the loop method down (the fixpoint's answers, by_loop_forest() false), and
// the exact tables are taken.
//   block0: v0 = ...; jump block1
//   block1 (header): use v0; branch block2 | block3
//   block2: jump block1 (the back edge)
//   block3: return
TEST(Liveness, LoopForestChecksTheTables) {
  Function f;
  const VReg v0 = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(v0)});
  f.AddInst({});
  f.AddSucc(Block(1));
  f.StartBlock();
  f.AddInst({Operand::Use(v0)});
  f.AddSucc(Block(2));
  f.AddSucc(Block(4));
  f.StartBlock();
  f.AddInst({});
  f.AddSucc(Block(3));
  f.StartBlock();
  f.AddInst({});
  f.AddSucc(Block(1));
  f.StartBlock();
  f.AddInst({});
  f.Finish();
  constexpr uint32_t kNo = Function::kNoLoop;
  f.loop_header = {kNo, 1, 1, 1, kNo};
  f.loop_parent = {kNo, kNo, kNo, kNo, kNo};
  f.loop_depth = {0, 1, 1, 1, 0};
  ASSERT_TRUE(f.Validate(MachineEnv::ForTesting(4, 2)).ok());
  Liveness fixpoint;
  {
    Function g = f;
    g.loop_header.clear();
    g.loop_parent.clear();
    ASSERT_TRUE(fixpoint.Compute(g, Liveness::Method::kDense).ok());
  }
  auto check = [&](const Function& g, bool exact, const char* what) {
    Liveness live;
    ASSERT_TRUE(live.Compute(g, Liveness::Method::kDense).ok()) << what;
    EXPECT_EQ(live.by_loop_forest(), exact) << what;
    EXPECT_EQ(Dump(g, live), Dump(f, fixpoint)) << what;
  };
  check(f, true, "exact tables");
  Function g = f;
  g.loop_header[3] = kNo;  // the back edge's source outside the loop (C2)
  check(g, false, "latch outside its loop");
  g = f;
  g.loop_header[2] = 3;  // a block's header laid out after it (layout order)
  g.loop_header[3] = 3;
  g.loop_parent[3] = 1;
  check(g, false, "header after its block");
  g = f;
  g.loop_header[4] = 1;  // the exit in the loop: it cannot reach the header (C4)
  check(g, false, "exit inside the loop");
  g = f;
  g.loop_header[0] = 1;  // the entry in a loop
  check(g, false, "entry in a loop");
  g = f;
  g.loop_parent[1] = 1;  // a header its own parent
  check(g, false, "header its own parent");
  g = f;  // an unreachable block, laid out last, jumping to the exit
  g.StartBlock();
  g.AddInst({});
  g.AddSucc(Block(4));
  g.Finish();
  g.loop_header.push_back(kNo);
  g.loop_parent.push_back(kNo);
  g.loop_depth.push_back(0);
  {
    Liveness live;
    ASSERT_TRUE(live.Compute(g, Liveness::Method::kDense).ok());
    EXPECT_FALSE(live.by_loop_forest());
  }
}

// A cycle entered at two blocks (irreducible), block3 -> block4 -> block5 -> block3, with tables
// that claim a loop headed by block3: every check but one passes, and the edge block2 -> block4
// enters the loop below its header (C3). The loop method would miss v0 live into block2; the
// fixpoint has it.
//   block0: v0 = ...; branch block1 | block2
//   block1: jump block3          block2: jump block4
//   block3: use v0; jump block4  block4: branch block5 | block6
//   block5: jump block3          block6: return
TEST(Liveness, LoopForestRejectsALoopEnteredBelowItsHeader) {
  Function f;
  const VReg v0 = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(v0)});
  f.AddInst({});
  f.AddSucc(Block(1));
  f.AddSucc(Block(2));
  for (uint32_t target : {3, 4}) {
    f.StartBlock();
    f.AddInst({});
    f.AddSucc(Block(target));
  }
  f.StartBlock();
  f.AddInst({Operand::Use(v0)});
  f.AddInst({});
  f.AddSucc(Block(4));
  f.StartBlock();
  f.AddInst({});
  f.AddSucc(Block(5));
  f.AddSucc(Block(6));
  f.StartBlock();
  f.AddInst({});
  f.AddSucc(Block(3));
  f.StartBlock();
  f.AddInst({});
  f.Finish();
  constexpr uint32_t kNo = Function::kNoLoop;
  f.loop_header = {kNo, kNo, kNo, 3, 3, 3, kNo};
  f.loop_parent = {kNo, kNo, kNo, kNo, kNo, kNo, kNo};
  f.loop_depth = {0, 0, 0, 1, 1, 1, 0};
  const Status valid = f.Validate(MachineEnv::ForTesting(4, 2));
  ASSERT_TRUE(valid.ok()) << valid.error().message;
  Liveness live;
  ASSERT_TRUE(live.Compute(f, Liveness::Method::kDense).ok());
  EXPECT_FALSE(live.by_loop_forest());
  EXPECT_EQ(Ids(live.LiveIn(Block(2))), std::vector<uint32_t>{0});
  EXPECT_EQ(live.NumLiveIn(v0), 5u);  // blocks 1 to 5
}

// A chain laid out backwards (block0 -> blockN -> ... -> block1), each block using its own
// value from the entry: a backward sweep moves each value one block up the chain, so blockN's
// set changes N times and the dense method runs past its visit budget. The sparse method then
// starts over, lists and all (even when no lists were asked for), and the answers are the
// sparse method's.
TEST(Liveness, DenseFallsBackToSparsePastItsBudget) {
  constexpr uint32_t kN = 48;
  Function f;
  std::vector<VReg> vs;
  for (uint32_t k = 0; k <= kN; ++k) vs.push_back(f.AddVReg(RegClass::kInt));
  f.StartBlock();
  std::vector<Operand> defs;  // vs[0] is dead
  for (uint32_t k = 0; k <= kN; ++k) defs.push_back(Operand::Def(vs[k]));
  f.AddInst(defs);
  f.AddInst({});
  f.AddSucc(Block(kN));
  for (uint32_t k = 1; k <= kN; ++k) {
    f.StartBlock();
    f.AddInst({Operand::Use(vs[k])});
    if (k > 1) {
      f.AddInst({});
      f.AddSucc(Block(k - 1));
    }
  }
  f.Finish();
  ASSERT_TRUE(f.Validate(MachineEnv::ForTesting(4, 2)).ok());
  Liveness sparse, dense;
  ASSERT_TRUE(sparse.Compute(f, Liveness::Method::kSparse).ok());
  ASSERT_TRUE(dense.Compute(f, Liveness::Method::kDense, Liveness::Sets::kLiveOutOnly).ok());
  EXPECT_TRUE(dense.has_lists());  // the sparse method ran
  EXPECT_EQ(Dump(f, sparse), Dump(f, dense));
  EXPECT_EQ(DumpLiveOut(f, sparse), DumpLiveOut(f, dense));
  EXPECT_EQ(dense.NumLiveIn(vs[1]), kN);  // live into blocks 1..N
}

}  // namespace
}  // namespace egret::regalloc
