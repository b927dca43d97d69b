// property_test.cc: random functions through every allocator and the checker (with
// rematerializable constants, whose remat edits the checker verifies).
//
// Each shard allocates a disjoint range of seeds with every allocator; 10 shards x 1,000 seeds
// gives 10,000 functions per allocator in the normal run. EGRET_REGALLOC_PROPERTY_COUNT
// overrides the per-allocator total; EGRET_REGALLOC_SEED=<n> runs one seed (the reproducer a
// failure prints).
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "regalloc/allocator.h"
#include "regalloc/backtrack.h"
#include "regalloc/checker.h"
#include "regalloc/function_testing.h"
#include "regalloc/liveness.h"
#include "regalloc/random_function.h"

namespace egret::regalloc {
namespace {

constexpr uint64_t kShards = 10;

uint64_t TotalCount() {
  const char* env = std::getenv("EGRET_REGALLOC_PROPERTY_COUNT");
  return env ? std::strtoull(env, nullptr, 10) : 10000;
}

// Returns an empty string on success, else a reproducer.
// Register files from 3 int / 2 float registers up, with 0-2 callee-saved ones, varied by seed.
// Every other pair of seeds has no scratch register (as x64 now): move resolution then finds a
// free register at each point or borrows one (parallel_move.h).
MachineEnv PropertyEnv(uint64_t seed) {
  MachineEnv env = seed % 2 == 0 ? RandomTestEnv()
                                 : MachineEnv::ForTesting(3 + static_cast<int>(seed / 2 % 4),
                                                          2 + static_cast<int>(seed / 8 % 3),
                                                          static_cast<int>(seed % 3));
  if (seed / 2 % 2 == 1)
    for (PReg& r : env.scratch) r = PReg();
  return env;
}

// Fills f's loop tables with arbitrary in-range entries drawn from `rng_seed`: depths up to 12,
// headers and parents any block or none (cycles among parents included). They steer only
// quality, so any such tables must allocate correctly.
void AddArbitraryLoopTables(Function& f, uint64_t rng_seed) {
  Rng rng(rng_seed);
  const uint32_t nb = f.num_blocks();
  auto block_or_none = [&] { return rng.Chance(30) ? Function::kNoLoop : rng.Below(nb); };
  for (uint32_t b = 0; b < nb; ++b) {
    f.loop_depth.push_back(rng.Below(13));
    f.loop_header.push_back(block_or_none());
    f.loop_parent.push_back(block_or_none());
  }
}

// Remat edits the checker has verified in this process (RandomFunction marks constants
// rematerializable; a shard must actually exercise them).
uint64_t g_checked_remats = 0;
// Of those, remats of values whose definition reads an operand (Edit::remat_src), which the
// checker verified against the operand's location.
uint64_t g_checked_operand_remats = 0;

std::string RunSeed(uint64_t seed, std::string_view algorithm) {
  const MachineEnv env = PropertyEnv(seed);
  Function f = RandomFunction(seed, env);
  if (Status s = f.Validate(env); !s.ok())
    return absl::StrCat("generator produced invalid input: ", s.error().message, "\n",
                        f.ToString());
  Options options;
  options.algorithm = std::string(algorithm);
  options.run_checker = false;  // checked below, to print a reproducer instead of aborting
  // Odd seeds let the allocator choose commutative reuse inputs (Allocate(Function*)); the
  // checker then checks the chosen ones.
  Expected<Output> out = seed % 2 ? Allocate(&f, env, options) : Allocate(f, env, options);
  if (!out.ok())
    return absl::StrCat("allocation failed: ", out.error().message, "\n", f.ToString());
  if (Status s = CheckAllocation(f, env, *out); !s.ok())
    return absl::StrCat(s.error().message, "\n", f.ToString(), out->ToString());
  g_checked_remats += out->stats.remats;
  for (const Edit& e : out->edits) g_checked_operand_remats += e.remat_src.valid();
  return "";
}

void RunShard(uint64_t shard) {
  if (const char* one = std::getenv("EGRET_REGALLOC_SEED")) {
    if (shard != 0) return;
    const uint64_t seed = std::strtoull(one, nullptr, 10);
    for (std::string_view a : AllocatorNames()) {
      const std::string r = RunSeed(seed, a);
      EXPECT_EQ(r, "") << "allocator " << a << " seed " << seed;
    }
    return;
  }
  const uint64_t total = TotalCount();
  const uint64_t begin = total * shard / kShards, end = total * (shard + 1) / kShards;
  const uint64_t remats_before = g_checked_remats;
  const uint64_t operand_remats_before = g_checked_operand_remats;
  for (std::string_view a : AllocatorNames()) {
    int failures = 0;
    for (uint64_t seed = begin; seed < end && failures < 3; ++seed) {
      const std::string r = RunSeed(seed, a);
      if (!r.empty()) {
        ++failures;
        ADD_FAILURE() << "allocator " << a << " failed on seed " << seed
                      << " (reproduce: EGRET_REGALLOC_SEED=" << seed
                      << " tests/regalloc_test --gtest_filter=RegallocProperty.Shard0)\n"
                      << r;
      }
    }
  }
  // backtrack rematerializes some constants in every shard of the default size.
  if (end - begin >= 100) {
    EXPECT_GT(g_checked_remats, remats_before);
    EXPECT_GT(g_checked_operand_remats, operand_remats_before);
  }
}

TEST(RegallocProperty, Shard0) { RunShard(0); }
TEST(RegallocProperty, Shard1) { RunShard(1); }
TEST(RegallocProperty, Shard2) { RunShard(2); }
TEST(RegallocProperty, Shard3) { RunShard(3); }
TEST(RegallocProperty, Shard4) { RunShard(4); }
TEST(RegallocProperty, Shard5) { RunShard(5); }
TEST(RegallocProperty, Shard6) { RunShard(6); }
TEST(RegallocProperty, Shard7) { RunShard(7); }
TEST(RegallocProperty, Shard8) { RunShard(8); }
TEST(RegallocProperty, Shard9) { RunShard(9); }

// Large functions too (fewer: each is bigger).
TEST(RegallocProperty, LargeFunctions) {
  const MachineEnv env = X64LikeEnv();
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const Function f = LargeFunction(seed, 400, env);
    ASSERT_TRUE(f.Validate(env).ok()) << f.Validate(env).error().message;
    for (std::string_view a : AllocatorNames()) {
      Options options;
      options.algorithm = std::string(a);
      options.run_checker = false;
      Expected<Output> out = Allocate(f, env, options);
      ASSERT_TRUE(out.ok()) << out.error().message;
      const Status s = CheckAllocation(f, env, *out);
      EXPECT_TRUE(s.ok()) << a << " seed " << seed << ": " << s.error().message;
    }
  }
}

// backtrack's allocation loop works on ranges joined across consecutive blocks; every decision
// depends only on the points covered (and on block boundaries, which CutLoop visits), so the
// output equals that of one range per block: random functions (with arbitrary loop tables too,
// which CutLoop follows) and large ones with long-lived values.
TEST(RegallocProperty, JoinedRangesAllocateAsPerBlockRanges) {
  auto both = [](const Function& f, const MachineEnv& env, const std::string& what) {
    Options options;
    options.algorithm = "backtrack";
    options.run_checker = false;
    SetBacktrackJoinRangesForTesting(false);
    Expected<Output> per_block = Allocate(f, env, options);
    SetBacktrackJoinRangesForTesting(true);
    Expected<Output> joined = Allocate(f, env, options);
    ASSERT_EQ(per_block.ok(), joined.ok()) << what;
    if (!joined.ok()) return;
    ASSERT_EQ(per_block->ToString(), joined->ToString()) << what << "\n" << f.ToString();
    ASSERT_TRUE(per_block->allocs == joined->allocs) << what;
    ASSERT_TRUE(per_block->spill_slot_class == joined->spill_slot_class) << what;
  };
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    const MachineEnv env = PropertyEnv(seed);
    Function f = RandomFunction(seed, env, {.max_blocks = 24, .max_insts_per_block = 6});
    both(f, env, absl::StrCat("seed ", seed));
    if (seed % 2 == 1) {
      AddArbitraryLoopTables(f, seed ^ 0x10b5);
      both(f, env, absl::StrCat("seed ", seed, " with loop tables"));
    }
  }
  const MachineEnv env = X64LikeEnv();
  for (uint64_t seed = 0; seed < 10; ++seed)
    both(LargeFunction(seed, 2000, env), env, absl::StrCat("large seed ", seed));
}

// Backtrack keeps its containers on the thread from function to function (RunBacktrack), and
// Clear leaves the bitmaps of the registers the next run allocates as they are (that run sizes
// and writes them before reading them). A function allocated after others, with other register
// files and sizes (a large function's bitmaps, then small ones with fewer registers), must come
// out as on a fresh thread, and so must one allocated right after another with the same registers.
// Reset keeps the candidate lists while the environment's lists are equal by content: `env` is
// one variable refilled every seed, and a quarter of the seeds follow with the same registers
// split otherwise between preferred and non-preferred.
TEST(RegallocProperty, ScratchKeptAcrossFunctionsAllocatesAsFresh) {
  Options options;
  options.algorithm = "backtrack";
  options.run_checker = false;
  auto compare = [&](const Function& f, const MachineEnv& env, const std::string& what) {
    Expected<Output> kept = Allocate(f, env, options);
    std::optional<Expected<Output>> fresh;
    std::thread([&] { fresh.emplace(Allocate(f, env, options)); }).join();
    ASSERT_EQ(kept.ok(), fresh->ok()) << what;
    if (!kept.ok()) return;
    ASSERT_EQ(kept->ToString(), (*fresh)->ToString()) << what << "\n" << f.ToString();
    ASSERT_TRUE(kept->allocs == (*fresh)->allocs) << what;
    ASSERT_TRUE(kept->spill_slot_class == (*fresh)->spill_slot_class) << what;
  };
  const MachineEnv x64 = X64LikeEnv();
  for (uint64_t seed = 0; seed < 400; ++seed) {
    if (seed % 100 == 0) compare(LargeFunction(seed, 1500, x64), x64, absl::StrCat("large ", seed));
    const MachineEnv env = PropertyEnv(seed);
    compare(RandomFunction(seed, env, {.max_blocks = 12, .max_insts_per_block = 6}), env,
            absl::StrCat("seed ", seed));
    // The same register file again right after (Clear's common case: no register's bitmaps
    // to clear, the size classes the last run used emptied).
    if (seed % 4 == 0)
      compare(RandomFunction(seed ^ 0x5eed, env, {.max_blocks = 16, .max_insts_per_block = 8}), env,
              absl::StrCat("seed ", seed, " again"));
    if (seed % 4 == 1) {
      MachineEnv moved = env;  // each class's last preferred register made non-preferred
      for (int c = 0; c < kNumRegClasses; ++c) {
        if (moved.preferred[c].empty()) continue;
        moved.non_preferred[c].insert(moved.non_preferred[c].begin(), moved.preferred[c].back());
        moved.preferred[c].pop_back();
      }
      compare(RandomFunction(seed ^ 0x5917, env, {.max_blocks = 12, .max_insts_per_block = 6}),
              moved, absl::StrCat("seed ", seed, " split moved"));
    }
  }
}

// Without references and with the dense liveness rows, backtrack makes each vreg's joined ranges
// straight from the rows (runs of blocks started and stopped a word at a time); otherwise one
// range per (block, live vreg) is made and joined afterwards. The ranges must be the same, so the
// outputs are: random functions (natural loops, arbitrary layouts, late uses at terminators,
// uses laid out before their definitions), with arbitrary loop tables, and large functions.
TEST(RegallocProperty, RangesFromRowsAsFromTheWalk) {
  auto both = [](const Function& f, const MachineEnv& env, const std::string& what) {
    Options options;
    options.algorithm = "backtrack";
    options.run_checker = false;
    SetBacktrackRangesFromRowsForTesting(false);
    Expected<Output> walked = Allocate(f, env, options);
    SetBacktrackRangesFromRowsForTesting(true);
    Expected<Output> rows = Allocate(f, env, options);
    ASSERT_EQ(walked.ok(), rows.ok()) << what;
    if (!rows.ok()) return;
    ASSERT_EQ(walked->ToString(), rows->ToString()) << what << "\n" << f.ToString();
    ASSERT_TRUE(walked->allocs == rows->allocs) << what;
    ASSERT_TRUE(walked->spill_slot_class == rows->spill_slot_class) << what;
  };
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    const MachineEnv env = PropertyEnv(seed);
    Function f = RandomFunction(
        seed, env, {.max_blocks = 24, .max_insts_per_block = 6, .natural_loops = seed % 3 == 0});
    both(f, env, absl::StrCat("seed ", seed));
    if (seed % 2 == 1) {
      AddArbitraryLoopTables(f, seed ^ 0x7a11);
      both(f, env, absl::StrCat("seed ", seed, " with loop tables"));
    }
  }
  const MachineEnv env = X64LikeEnv();
  for (uint64_t seed = 0; seed < 10; ++seed)
    both(LargeFunction(seed, 2000, env), env, absl::StrCat("large seed ", seed));
}

// The ranges themselves (not only what they allocate: joining is invisible in the output), made
// from the dense rows and by the per-block walk, for the same liveness: random functions and
// large ones.
TEST(RegallocProperty, RangesFromRowsEqualTheWalks) {
  auto both = [](const Function& f, const MachineEnv& env, const std::string& what) {
    Liveness live;
    ASSERT_TRUE(live.Compute(f, Liveness::Method::kDense, Liveness::Sets::kLiveOutOnly).ok());
    SetBacktrackRangesFromRowsForTesting(false);
    const std::string walked = BacktrackRangesForTesting(f, env, live);
    SetBacktrackRangesFromRowsForTesting(true);
    const std::string rows = BacktrackRangesForTesting(f, env, live);
    ASSERT_EQ(walked, rows) << what << "\n" << f.ToString();
  };
  int with_rows = 0;
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    const MachineEnv env = PropertyEnv(seed);
    const Function f = RandomFunction(seed, env,
                                      {.max_blocks = 2 + static_cast<uint32_t>(seed % 30),
                                       .max_insts_per_block = 6,
                                       .natural_loops = seed % 3 == 0});
    Liveness live;
    if (!live.Compute(f, Liveness::Method::kDense, Liveness::Sets::kLiveOutOnly).ok()) continue;
    with_rows += live.has_live_out_rows();
    both(f, env, absl::StrCat("seed ", seed));
  }
  EXPECT_GT(with_rows, 2500);
  const MachineEnv env = X64LikeEnv();
  for (uint64_t seed = 0; seed < 10; ++seed)
    both(LargeFunction(seed, 2000, env), env, absl::StrCat("large seed ", seed));
}

// A range that ends at its block's end without the value being live out (a late use by the
// return) touches the value's range in the next block laid out, entered from elsewhere:
// joined with it, as the per-block ranges are, and counted as two blocks.
TEST(RegallocProperty, RangesFromRowsJoinALateUseAtTheEnd) {
  const MachineEnv env = X64LikeEnv();
  Function f;
  const VReg v = f.AddVReg(RegClass::kInt), c = f.AddVReg(RegClass::kInt);
  f.StartBlock();  // block0: v, c; to block1 or block2
  f.AddInst({Operand::Def(v)});
  f.AddInst({Operand::Def(c)});
  f.AddInst({Operand::Use(c)});
  f.AddSucc(Block(1));
  f.AddSucc(Block(2));
  f.StartBlock();  // block1: returns, reading v late
  f.AddInst({});
  f.AddInst({Operand::LateUse(v)});
  f.StartBlock();  // block2: reads v, returns
  f.AddInst({Operand::Use(v)});
  f.AddInst({});
  f.Finish();
  ASSERT_TRUE(f.Validate(env).ok()) << f.Validate(env).error().message;
  Liveness live;
  ASSERT_TRUE(live.Compute(f, Liveness::Method::kDense, Liveness::Sets::kLiveOutOnly).ok());
  ASSERT_TRUE(live.has_live_out_rows());
  SetBacktrackRangesFromRowsForTesting(false);
  const std::string walked = BacktrackRangesForTesting(f, env, live);
  SetBacktrackRangesFromRowsForTesting(true);
  const std::string rows = BacktrackRangesForTesting(f, env, live);
  EXPECT_EQ(walked, rows);
  // v from its definition (point 3) through block1 (points 12..20) into block2 (to its use at
  // instruction 5): one range, in three blocks.
  EXPECT_NE(rows.find("v0: [3,21) arena [3,21) size 18 blocks 3"), std::string::npos) << rows;
}

// Bundles are merged (a branch argument with its block parameter) only up to a cap on their
// ranges, counted one per block as liveness makes them: a value live through 600 blocks into a
// parameter is one joined range, but 600 per-block ones, so it keeps its own bundle.
TEST(RegallocProperty, MergeCapCountsPerBlockRanges) {
  const MachineEnv env = X64LikeEnv();
  Function f;
  const VReg a = f.AddVReg(RegClass::kInt), p = f.AddVReg(RegClass::kInt),
             q = f.AddVReg(RegClass::kInt);
  constexpr uint32_t kChain = 600;
  f.StartBlock();
  f.AddInst({Operand::Def(a)});
  f.AddInst({});
  f.AddSucc(Block(1));
  for (uint32_t b = 1; b <= kChain; ++b) {
    f.StartBlock();
    f.AddInst({});
    if (b < kChain)
      f.AddSucc(Block(b + 1));
    else
      f.AddSucc(Block(b + 1), {a});
  }
  f.StartBlock();
  f.AddBlockParam(p);
  // p's fixed use hints its bundle to a register a would not take first: merged, a takes it
  // too; not merged, the edge moves a into p's register.
  f.AddInst({Operand::FixedUse(p, env.preferred[0][2]), Operand::Def(q)});
  f.AddInst({Operand::Use(q)});
  f.Finish();
  ASSERT_TRUE(f.Validate(env).ok()) << f.Validate(env).error().message;
  Options options;
  options.algorithm = "backtrack";
  SetBacktrackJoinRangesForTesting(false);
  Expected<Output> per_block = Allocate(f, env, options);
  SetBacktrackJoinRangesForTesting(true);
  Expected<Output> joined = Allocate(f, env, options);
  ASSERT_TRUE(per_block.ok() && joined.ok());
  EXPECT_EQ(per_block->ToString(), joined->ToString());
  EXPECT_TRUE(per_block->allocs == joined->allocs);
}

// The loop tables (loop_depth, loop_header, loop_parent) steer only quality: random functions
// with arbitrary in-range tables (depths up to 12, headers and parents any block or none, cycles
// among parents included) allocate correctly with every allocator; out-of-range tables are
// errors that name the table.
TEST(RegallocProperty, ArbitraryLoopTablesAllocateCorrectly) {
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    const MachineEnv env = PropertyEnv(seed);
    Function f = RandomFunction(seed, env);
    AddArbitraryLoopTables(f, seed ^ 0x100b);
    for (std::string_view a : AllocatorNames()) {
      Options options;
      options.algorithm = std::string(a);
      options.run_checker = false;
      Expected<Output> out = Allocate(f, env, options);
      ASSERT_TRUE(out.ok()) << a << " seed " << seed << ": " << out.error().message;
      const Status s = CheckAllocation(f, env, *out);
      ASSERT_TRUE(s.ok()) << a << " seed " << seed << ": " << s.error().message << "\n"
                          << f.ToString() << out->ToString();
    }
  }
  const MachineEnv env = RandomTestEnv();
  Function f = RandomFunction(7, env);
  f.loop_header.assign(f.num_blocks(), Function::kNoLoop);
  f.loop_parent.assign(f.num_blocks(), Function::kNoLoop);
  f.loop_header.back() = f.num_blocks();
  Status s = f.Validate(env);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("is not a block"), std::string::npos) << s.error().message;
  f.loop_header.pop_back();
  s = f.Validate(env);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("loop_header/loop_parent have"), std::string::npos)
      << s.error().message;
  f.loop_header.clear();
  f.loop_parent.clear();
  f.loop_depth.assign(f.num_blocks() + 1, 0);
  s = f.Validate(env);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("loop_depth has"), std::string::npos) << s.error().message;
}

// Bad input is an error, never a crash: random single mutations of valid functions either fail
// validation/allocation with an Error or allocate correctly (the checker is on and would abort).
// ValidateStructure() answers valid input from one walk (StructureHolds) and runs its ordered
// checks only to name an error: on inputs with a table, edge, loop-table or index corrupted
// (each kind alone, and several at once), it must give the same answer with and without it.
TEST(RegallocProperty, StructureFastPathAgreesWithTheChecks) {
  int rejected = 0;
  for (uint64_t seed = 0; seed < 4000; ++seed) {
    MachineEnv env = PropertyEnv(seed);
    Function f = RandomFunction(seed, env, {.max_blocks = 10, .max_insts_per_block = 4});
    if (seed % 3 == 0) AddArbitraryLoopTables(f, seed);
    Rng rng(seed ^ 0x57c7);
    const uint32_t nb = f.num_blocks();
    auto any = [&](size_t n) { return rng.Below(static_cast<uint32_t>(n)); };
    for (int m = rng.Chance(20) ? 3 : 1; m-- > 0;) {
      switch (rng.Below(16)) {
        case 0:
          (rng.Chance(50) ? f.blocks[any(nb)].inst_begin : f.blocks[any(nb)].inst_end) +=
              1 - rng.Below(3);
          break;
        case 1:
          (rng.Chance(50) ? f.blocks[any(nb)].succ_begin : f.blocks[any(nb)].succ_end) +=
              1 - rng.Below(3);
          break;
        case 2:
          (rng.Chance(50) ? f.blocks[any(nb)].param_begin : f.blocks[any(nb)].param_end) +=
              1 - rng.Below(3);
          break;
        case 3:
          (rng.Chance(50) ? f.blocks[any(nb)].pred_begin : f.blocks[any(nb)].pred_end) +=
              1 - rng.Below(3);
          break;
        case 4:
          if (!f.insts.empty())
            (rng.Chance(50) ? f.insts[any(f.insts.size())].operand_begin
                            : f.insts[any(f.insts.size())].operand_end) += 1 - rng.Below(3);
          break;
        case 5:
          if (!f.insts.empty())
            f.insts[any(f.insts.size())].clobbers =
                rng.Below(static_cast<uint32_t>(f.clobber_sets.size()) + 2);
          break;
        case 6:
          if (!f.succs.empty()) f.succs[any(f.succs.size())].block = Block(rng.Below(nb + 2));
          break;
        case 7:
          if (!f.succs.empty())
            (rng.Chance(50) ? f.succs[any(f.succs.size())].arg_begin
                            : f.succs[any(f.succs.size())].arg_end) += 1 - rng.Below(3);
          break;
        case 8:
          if (!f.preds.empty())
            f.preds[any(f.preds.size())] = Block(rng.Below(nb + 2));
          else
            f.preds.push_back(Block(0));
          break;
        case 9:
          if (!f.block_params.empty())
            f.block_params[any(f.block_params.size())] = VReg(rng.Below(f.num_vregs() + 2));
          break;
        case 10:
          if (!f.branch_args.empty())
            f.branch_args[any(f.branch_args.size())] = VReg(rng.Below(f.num_vregs() + 2));
          break;
        case 11:
          f.loop_depth.resize(rng.Below(nb + 2));
          break;
        case 12:
          f.loop_header.resize(rng.Below(nb + 2), Function::kNoLoop);
          break;
        case 13:
          if (!f.loop_parent.empty()) f.loop_parent[any(f.loop_parent.size())] = rng.Below(nb + 2);
          break;
        case 14:
          env.preferred[1].clear(), env.non_preferred[1].clear(), env.scratch[1] = PReg();
          break;
        default:
          break;  // unchanged: valid
      }
    }
    SetValidateStructureFastPathForTesting(false);
    const Status checks = f.ValidateStructure(env);
    SetValidateStructureFastPathForTesting(true);
    const Status fast = f.ValidateStructure(env);
    ASSERT_EQ(checks.ok(), fast.ok()) << "seed " << seed << "\n" << f.ToString();
    if (!checks.ok()) {
      ++rejected;
      ASSERT_EQ(checks.error().message, fast.error().message) << "seed " << seed;
    }
  }
  EXPECT_GT(rejected, 1000);
}

TEST(RegallocProperty, MutatedInputsNeverCrash) {
  const MachineEnv env = RandomTestEnv();
  int rejected = 0;
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    Function f = RandomFunction(seed, env);
    Rng rng(seed ^ 0x5eed);
    const uint32_t nv = f.num_vregs(), nb = f.num_blocks();
    switch (rng.Below(9)) {
      case 7:  // a corrupted table range, as a backend filling the arrays directly might produce
        if (!f.insts.empty()) {
          InstData& d = f.insts[rng.Below(f.num_insts())];
          (rng.Chance(50) ? d.operand_begin : d.operand_end) += rng.Below(5);
        }
        break;
      case 8:
        if (!f.succs.empty())
          f.succs[rng.Below(static_cast<uint32_t>(f.succs.size()))].arg_end += 1 + rng.Below(3);
        break;
      case 0:
        if (!f.operands.empty())
          f.operands[rng.Below(static_cast<uint32_t>(f.operands.size()))].vreg =
              VReg(rng.Below(nv + 2));
        break;
      case 1:
        if (!f.operands.empty()) {
          Operand& op = f.operands[rng.Below(static_cast<uint32_t>(f.operands.size()))];
          op.constraint = static_cast<Constraint>(rng.Below(5));
          op.fixed = PReg::FromIndex(rng.Below(PReg::kNumIndices));
          op.reuse_index = static_cast<uint8_t>(rng.Below(4));
        }
        break;
      case 2:
        if (!f.operands.empty()) {
          Operand& op = f.operands[rng.Below(static_cast<uint32_t>(f.operands.size()))];
          op.kind = op.is_use() ? OperandKind::kDef : OperandKind::kUse;
        }
        break;
      case 3:
        if (!f.operands.empty()) {
          Operand& op = f.operands[rng.Below(static_cast<uint32_t>(f.operands.size()))];
          op.pos = op.is_early() ? OperandPos::kLate : OperandPos::kEarly;
        }
        break;
      case 4:
        if (!f.succs.empty())
          f.succs[rng.Below(static_cast<uint32_t>(f.succs.size()))].block =
              Block(rng.Below(nb + 1));
        break;
      case 5:
        for (SuccEdge& e : f.succs)
          if (e.arg_end > e.arg_begin && rng.Chance(50)) --e.arg_end;
        break;
      default: {
        PRegSet all;
        for (uint32_t r = 0; r < 8; ++r) all.Add(PReg(RegClass::kInt, static_cast<uint8_t>(r)));
        f.clobber_sets.push_back(all);
        f.insts[rng.Below(f.num_insts())].clobbers =
            static_cast<uint32_t>(f.clobber_sets.size() - 1);
        break;
      }
    }
    f.Finish();
    Options options;
    options.run_checker = true;
    for (std::string_view a : AllocatorNames()) {
      options.algorithm = std::string(a);
      Expected<Output> out = Allocate(f, env, options);
      if (!out.ok()) ++rejected;
    }
  }
  EXPECT_GT(rejected, 0);  // the mutations do produce invalid inputs
}

}  // namespace
}  // namespace egret::regalloc
