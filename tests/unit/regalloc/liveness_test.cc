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
