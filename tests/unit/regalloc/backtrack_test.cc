// backtrack_test.cc: targeted cases for the backtracking allocator, each proven by the checker
// and each with a known-good shape that a regression in splitting, eviction or coalescing
// would break (the random property test covers correctness broadly; these pin quality).
#include <algorithm>
#include <string>

#include "gtest/gtest.h"
#include "regalloc/allocator.h"
#include "regalloc/random_function.h"

namespace egret::regalloc {
namespace {

const PReg r0(RegClass::kInt, 0), r1(RegClass::kInt, 1), r2(RegClass::kInt, 2);

Output Backtrack(const Function& f, const MachineEnv& env) {
  Options options;
  options.algorithm = "backtrack";
  options.run_checker = true;  // aborts with a dump on a wrong allocation
  Expected<Output> out = Allocate(f, env, options);
  if (!out.ok()) ADD_FAILURE() << out.error().message;
  EGRET_CHECK(out.ok());
  return std::move(out).value();
}

// Number of edits at points inside instructions [begin, end).
int EditsIn(const Output& out, uint32_t begin, uint32_t end) {
  int n = 0;
  for (const Edit& e : out.edits) n += e.point.inst() >= begin && e.point.inst() < end;
  return n;
}

// A loop whose body needs every register, with more values live through it than registers:
// the live-through values are spilled before the loop and reloaded after it, never inside.
TEST(Backtrack, LiveThroughValuesStayOutOfTheLoop) {
  const MachineEnv env = MachineEnv::ForTesting(4, 2, 1);
  Function f;
  std::vector<VReg> through;
  const VReg init = f.AddVReg(RegClass::kInt), i = f.AddVReg(RegClass::kInt),
             next = f.AddVReg(RegClass::kInt);
  f.StartBlock();  // block0: preheader
  for (int k = 0; k < 6; ++k) {
    through.push_back(f.AddVReg(RegClass::kInt));
    f.AddInst({Operand::Def(through.back())});
  }
  f.AddInst({Operand::Def(init)});
  f.AddInst({});
  f.AddSucc(Block(1), {init});
  f.StartBlock();  // block1: header and body
  f.AddBlockParam(i);
  const uint32_t loop_begin = f.num_insts();
  const VReg t1 = f.AddVReg(RegClass::kInt), t2 = f.AddVReg(RegClass::kInt),
             t3 = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::Def(t1)});
  f.AddInst({Operand::Def(t2)});
  f.AddInst({Operand::Def(t3)});
  f.AddInst(
      {Operand::Use(t1), Operand::Use(t2), Operand::Use(t3), Operand::Use(i), Operand::Def(next)});
  f.AddInst({Operand::Use(next)});
  f.AddSucc(Block(2));
  f.AddSucc(Block(3));
  f.StartBlock();  // block2: latch
  f.AddInst({});
  f.AddSucc(Block(1), {next});
  const uint32_t loop_end = f.num_insts();
  f.StartBlock();  // block3: exit
  std::vector<Operand> uses;
  for (VReg v : through) uses.push_back(Operand::Use(v, Constraint::kAny));
  f.AddInst(uses);
  for (VReg v : through) f.AddInst({Operand::Use(v)});
  f.AddInst({Operand::FixedUse(next, r0)});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(EditsIn(out, loop_begin, loop_end), 0) << f.ToString() << out.ToString();
}

// The same loop in reverse post-order layout, as the lowering lays out Wasm loops: the exit
// block sits between the header and the body. With the backend's loop depths the live-through
// values still leave the loop at its preheader and come back in the exit: no edit in the
// header, the body or on the back edge (a split at a layout point inside the body would leave
// the header and the latch on different sides and reload on every iteration).
TEST(Backtrack, LiveThroughValuesStayOutOfAnRpoLaidOutLoop) {
  const MachineEnv env = MachineEnv::ForTesting(4, 2, 1);
  Function f;
  std::vector<VReg> through;
  const VReg init = f.AddVReg(RegClass::kInt), i = f.AddVReg(RegClass::kInt),
             next = f.AddVReg(RegClass::kInt), cond = f.AddVReg(RegClass::kInt);
  f.StartBlock();  // block0: preheader
  for (int k = 0; k < 6; ++k) {
    through.push_back(f.AddVReg(RegClass::kInt));
    f.AddInst({Operand::Def(through.back())});
  }
  f.AddInst({Operand::Def(init)});
  f.AddInst({});
  f.AddSucc(Block(1), {init});
  f.StartBlock();  // block1: header
  f.AddBlockParam(i);
  const uint32_t header_begin = f.num_insts();
  f.AddInst({Operand::Use(i), Operand::Def(cond)});
  f.AddInst({Operand::Use(cond)});
  f.AddSucc(Block(2));
  f.AddSucc(Block(3));
  const uint32_t header_end = f.num_insts();
  f.StartBlock();  // block2: exit, laid out before the body
  for (VReg v : through) f.AddInst({Operand::Use(v)});
  f.AddInst({Operand::FixedUse(i, r0)});
  f.StartBlock();  // block3: body and latch
  const uint32_t body_begin = f.num_insts();
  const VReg t1 = f.AddVReg(RegClass::kInt), t2 = f.AddVReg(RegClass::kInt),
             t3 = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::Def(t1)});
  f.AddInst({Operand::Def(t2)});
  f.AddInst({Operand::Def(t3)});
  f.AddInst(
      {Operand::Use(t1), Operand::Use(t2), Operand::Use(t3), Operand::Use(i), Operand::Def(next)});
  f.AddInst({});
  f.AddSucc(Block(1), {next});
  const uint32_t body_end = f.num_insts();
  f.loop_depth = {0, 1, 0, 1};
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(EditsIn(out, header_begin, header_end), 0) << f.ToString() << out.ToString();
  EXPECT_EQ(EditsIn(out, body_begin, body_end), 0) << f.ToString() << out.ToString();
}

// Nested loops: a value used only in the outer loop is not reloaded inside the inner loop, and
// the inner loop's counter and hot values stay in registers.
TEST(Backtrack, InnerLoopHasNoEdits) {
  const MachineEnv env = MachineEnv::ForTesting(5, 2, 1);
  Function f;
  const VReg oi0 = f.AddVReg(RegClass::kInt), oi = f.AddVReg(RegClass::kInt),
             onext = f.AddVReg(RegClass::kInt), ii0 = f.AddVReg(RegClass::kInt),
             ii = f.AddVReg(RegClass::kInt), inext = f.AddVReg(RegClass::kInt);
  std::vector<VReg> outer_vals;
  f.StartBlock();  // block0
  for (int k = 0; k < 4; ++k) {
    outer_vals.push_back(f.AddVReg(RegClass::kInt));
    f.AddInst({Operand::Def(outer_vals.back())});
  }
  f.AddInst({Operand::Def(oi0)});
  f.AddInst({});
  f.AddSucc(Block(1), {oi0});
  f.StartBlock();  // block1: outer header, uses the outer values
  f.AddBlockParam(oi);
  for (VReg v : outer_vals) f.AddInst({Operand::Use(v), Operand::Use(oi)});
  f.AddInst({Operand::Def(ii0)});
  f.AddInst({});
  f.AddSucc(Block(2), {ii0});
  f.StartBlock();  // block2: inner header
  f.AddBlockParam(ii);
  const uint32_t inner_begin = f.num_insts();
  const VReg a = f.AddVReg(RegClass::kInt), b = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::Def(a)});
  f.AddInst({Operand::Def(b)});
  f.AddInst(
      {Operand::Use(a), Operand::Use(b), Operand::Use(ii), Operand::Use(oi), Operand::Def(inext)});
  f.AddInst({Operand::Use(inext)});
  f.AddSucc(Block(3));
  f.AddSucc(Block(4));
  f.StartBlock();  // block3: inner latch
  f.AddInst({});
  f.AddSucc(Block(2), {inext});
  const uint32_t inner_end = f.num_insts();
  f.StartBlock();  // block4: outer latch
  f.AddInst({Operand::Use(oi), Operand::Def(onext)});
  f.AddInst({Operand::Use(onext)});
  f.AddSucc(Block(5));
  f.AddSucc(Block(6));
  f.StartBlock();  // block5: back edge of the outer loop (split critical edge)
  f.AddInst({});
  f.AddSucc(Block(1), {onext});
  f.StartBlock();  // block6: exit
  for (VReg v : outer_vals) f.AddInst({Operand::Use(v)});
  f.AddInst({});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(EditsIn(out, inner_begin, inner_end), 0) << f.ToString() << out.ToString();
}

// Block parameters swapped on one edge of a diamond (a split critical edge): the parameters are
// coalesced with the arguments of one edge, which needs no moves; the other edge gets the swap
// (three moves through the scratch register) in its own block, and the join is correct.
TEST(Backtrack, CriticalEdgeSwap) {
  const MachineEnv env = MachineEnv::ForTesting(3, 2, 0);
  Function f;
  const VReg x = f.AddVReg(RegClass::kInt), y = f.AddVReg(RegClass::kInt),
             p = f.AddVReg(RegClass::kInt), q = f.AddVReg(RegClass::kInt);
  f.StartBlock();  // block0
  f.AddInst({Operand::Def(x)});
  f.AddInst({Operand::Def(y)});
  f.AddInst({Operand::Use(x)});
  f.AddSucc(Block(1));
  f.AddSucc(Block(2));
  f.StartBlock();  // block1: the split edge block0 -> block3, swapping
  const uint32_t swap_inst = f.AddInst({});
  f.AddSucc(Block(3), {y, x});
  f.StartBlock();  // block2
  const uint32_t straight_inst = f.AddInst({});
  f.AddSucc(Block(3), {x, y});
  f.StartBlock();  // block3
  f.AddBlockParam(p);
  f.AddBlockParam(q);
  f.AddInst({Operand::FixedUse(p, r0), Operand::FixedUse(q, r1)});
  f.Finish();
  const Output out = Backtrack(f, env);
  const int a = EditsIn(out, swap_inst, swap_inst + 1);
  const int b = EditsIn(out, straight_inst, straight_inst + 1);
  EXPECT_EQ(std::min(a, b), 0) << out.ToString();
  EXPECT_EQ(std::max(a, b), 3) << out.ToString();
  EXPECT_EQ(out.edits.size(), 3u) << out.ToString();
}

// Long live ranges across several calls: values that fit in the callee-saved registers stay
// there; the others are stored once (at their definition) and reloaded only where used, not
// around every call.
TEST(Backtrack, LongRangesAcrossCalls) {
  const MachineEnv env = MachineEnv::ForTesting(5, 2, 2);  // r0-r2 caller-saved, r3-r4 callee
  PRegSet clobbers;
  for (int k = 0; k < 3; ++k) clobbers.Add(PReg(RegClass::kInt, static_cast<uint8_t>(k)));
  Function f;
  std::vector<VReg> vals;
  f.StartBlock();
  for (int k = 0; k < 4; ++k) {
    vals.push_back(f.AddVReg(RegClass::kInt));
    f.AddInst({Operand::Def(vals.back())});
  }
  for (int call = 0; call < 6; ++call) {
    const VReg ret = f.AddVReg(RegClass::kInt);
    f.AddInst({Operand::FixedDef(ret, r0)}, clobbers);
    f.AddInst({Operand::Use(ret)});
  }
  for (VReg v : vals) f.AddInst({Operand::Use(v)});
  f.AddInst({});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(out.stats.spills, 2u) << out.ToString();
  EXPECT_EQ(out.stats.reloads, 2u) << out.ToString();
}

// Clobbers are kept as bits of the reservation half of the bitmaps at points 4i + 2, which a
// fixed operand's reservation may also cover (an early fixed def reserves [4i, 4i + 4)). A value
// defined in r1 by such an operand stays there, across a call clobbering r0 and r2 only, to its
// use: none of those bits is a conflict of r1, so the value needs no move.
TEST(Backtrack, FixedReservationAtTheClobberPointIsNoClobber) {
  const MachineEnv env = MachineEnv::ForTesting(3, 1, 0);  // r0-r2, all caller-saved
  PRegSet clobbers;
  clobbers.Add(r0);
  clobbers.Add(r2);
  Function f;
  const VReg v = f.AddVReg(RegClass::kInt), t = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  Operand early_def = Operand::FixedDef(v, r1);
  early_def.pos = OperandPos::kEarly;
  f.AddInst({early_def});
  f.AddInst({Operand::Def(t)});
  f.AddInst({Operand::Use(t)}, clobbers);
  f.AddInst({Operand::FixedUse(v, r1)});
  f.AddInst({});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(out.edits.size(), 0u) << f.ToString() << out.ToString();
  EXPECT_EQ(out.allocs[0], Allocation::Reg(r1)) << out.ToString();
}

// Two-address accumulation under pressure: each `acc = acc + x` reuses the accumulator's
// register (the input dies into the def), so the chain needs no moves even with three registers.
TEST(Backtrack, ReuseOperandsShareTheAccumulator) {
  const MachineEnv env = MachineEnv::ForTesting(3, 2, 0);
  Function f;
  VReg acc = f.AddVReg(RegClass::kInt);
  const VReg keep = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(acc)});
  f.AddInst({Operand::Def(keep)});
  for (int k = 0; k < 12; ++k) {
    const VReg x = f.AddVReg(RegClass::kInt), next = f.AddVReg(RegClass::kInt);
    f.AddInst({Operand::Def(x)});
    f.AddInst({Operand::Use(acc), Operand::Use(x), Operand::ReuseDef(next, 0)});
    acc = next;
  }
  f.AddInst({Operand::Use(acc), Operand::Use(keep)});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(out.edits.size(), 0u) << f.ToString() << out.ToString();
}

// An accumulator carried around a loop through a block parameter (nbody's shape): the parameter,
// the two-address add and the back-edge argument share one register, so the loop has no moves.
TEST(Backtrack, LoopAccumulatorIsCoalesced) {
  const MachineEnv env = MachineEnv::ForTesting(4, 3, 0);
  const RegClass F = RegClass::kFloat;
  Function f;
  const VReg acc0 = f.AddVReg(F), acc = f.AddVReg(F), acc2 = f.AddVReg(F);
  const VReg i0 = f.AddVReg(RegClass::kInt), i = f.AddVReg(RegClass::kInt),
             inext = f.AddVReg(RegClass::kInt);
  f.StartBlock();  // block0
  f.AddInst({Operand::Def(acc0)});
  f.AddInst({Operand::Def(i0)});
  f.AddInst({});
  f.AddSucc(Block(1), {acc0, i0});
  f.StartBlock();  // block1
  f.AddBlockParam(acc);
  f.AddBlockParam(i);
  const uint32_t loop_begin = f.num_insts();
  const VReg x = f.AddVReg(F);
  f.AddInst({Operand::Use(i), Operand::Def(x)});
  f.AddInst({Operand::Use(acc), Operand::Use(x), Operand::ReuseDef(acc2, 0)});
  f.AddInst({Operand::Use(i), Operand::ReuseDef(inext, 0)});
  f.AddInst({Operand::Use(inext)});
  f.AddSucc(Block(2));
  f.AddSucc(Block(3));
  f.StartBlock();  // block2: latch
  f.AddInst({});
  f.AddSucc(Block(1), {acc2, inext});
  const uint32_t loop_end = f.num_insts();
  f.StartBlock();  // block3
  f.AddInst({Operand::Use(acc2)});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(EditsIn(out, loop_begin, loop_end), 0) << f.ToString() << out.ToString();
}

// True if any operand or edit of `out` names register r.
bool UsesReg(const Output& out, PReg r) {
  for (const Allocation& a : out.allocs)
    if (a == Allocation::Reg(r)) return true;
  for (const Edit& e : out.edits)
    if (e.from == Allocation::Reg(r) || e.to == Allocation::Reg(r)) return true;
  return false;
}

// A value crossing one call, read once afterwards as a memory operand (kAny), in straight-line
// code run once per call of the function: leaving it in its slot costs a store and half a
// reload, less than the save and restore in the prologue and epilogue that a fresh
// callee-saved register costs, so it stays in its slot and the function uses no callee-saved
// register. `in_loop` puts the call and the use in a loop (8x the frequency): then the register
// pays and the value takes it.
Function ValueAcrossCall(bool in_loop, const PRegSet& clobbers) {
  Function f;
  const VReg v = f.AddVReg(RegClass::kInt);
  f.StartBlock();  // block0
  f.AddInst({Operand::Def(v)});
  f.AddInst({});
  f.AddSucc(Block(1));
  f.StartBlock();  // block1: the loop (or straight-line code)
  const VReg ret = f.AddVReg(RegClass::kInt), sum = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::FixedDef(ret, r0)}, clobbers);
  f.AddInst({Operand::Use(ret), Operand::Use(v, Constraint::kAny), Operand::ReuseDef(sum, 0)});
  f.AddInst({Operand::Use(sum)});
  f.AddSucc(Block(2));
  f.AddSucc(Block(3));
  f.StartBlock();  // block2: the latch, or one arm of a diamond
  f.AddInst({});
  f.AddSucc(in_loop ? Block(1) : Block(4));
  f.StartBlock();  // block3
  f.AddInst({});
  f.AddSucc(Block(4));
  f.StartBlock();  // block4
  f.AddInst({});
  f.Finish();
  f.loop_depth = {0, in_loop ? 1u : 0u, in_loop ? 1u : 0u, 0, 0};
  return f;
}

TEST(Backtrack, ColdValueAcrossCallClaimsNoCalleeSavedRegister) {
  const MachineEnv env = MachineEnv::ForTesting(4, 1, 2);  // r0, r1 caller-saved; r2, r3 callee
  PRegSet clobbers;
  clobbers.Add(r0);
  clobbers.Add(r1);
  const Output cold = Backtrack(ValueAcrossCall(false, clobbers), env);
  EXPECT_FALSE(UsesReg(cold, r2) || UsesReg(cold, PReg(RegClass::kInt, 3))) << cold.ToString();
  EXPECT_EQ(cold.stats.spills, 1u) << cold.ToString();
  EXPECT_TRUE(cold.allocs[3].is_stack()) << cold.ToString();  // the kAny use reads the slot
  const Output hot = Backtrack(ValueAcrossCall(true, clobbers), env);
  EXPECT_TRUE(UsesReg(hot, r2)) << hot.ToString();
  EXPECT_EQ(hot.stats.spills + hot.stats.reloads, 0u) << hot.ToString();
}

// Once a hot value has claimed a callee-saved register, a cold one crossing another call uses
// it for free. The cold value is longer, so it is placed first and finds the register not yet
// claimed: it is put off until the queue is empty, then takes the register the hot value
// claimed meanwhile (without that it would have been spilled).
TEST(Backtrack, ColdValueSharesAClaimedCalleeSavedRegister) {
  const MachineEnv env = MachineEnv::ForTesting(4, 1, 2);  // r0, r1 caller-saved; r2, r3 callee
  PRegSet clobbers;
  clobbers.Add(r0);
  clobbers.Add(r1);
  Function f;
  const VReg cold = f.AddVReg(RegClass::kInt);
  f.StartBlock();  // block0: the cold value crosses two calls, then is read as a memory operand
  f.AddInst({Operand::Def(cold)});
  for (int k = 0; k < 2; ++k) f.AddInst({}, clobbers);
  const VReg t = f.AddVReg(RegClass::kInt), u = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::Def(t)});
  f.AddInst({Operand::Use(t), Operand::Use(cold, Constraint::kAny), Operand::ReuseDef(u, 0)});
  f.AddInst({Operand::Use(u)});
  f.AddInst({});
  f.AddSucc(Block(1));
  f.StartBlock();  // block1: a loop with a hot value across a call
  const VReg hot = f.AddVReg(RegClass::kInt), ret = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::Def(hot)});
  f.AddInst({Operand::FixedDef(ret, r0)}, clobbers);
  f.AddInst({Operand::Use(hot), Operand::Use(ret)});
  f.AddSucc(Block(2));
  f.AddSucc(Block(3));
  f.StartBlock();  // block2: latch
  f.AddInst({});
  f.AddSucc(Block(1));
  f.StartBlock();  // block3
  f.AddInst({});
  f.Finish();
  f.loop_depth = {0, 1, 1, 0};
  const Output out = Backtrack(f, env);
  EXPECT_EQ(out.stats.spills + out.stats.reloads, 0u) << f.ToString() << out.ToString();
  EXPECT_FALSE(UsesReg(out, PReg(RegClass::kInt, 3))) << out.ToString();
  EXPECT_EQ(out.allocs[0], Allocation::Reg(r2)) << out.ToString();  // the cold def
}

// Large generated functions (x64-like registers) through the checker, from 1k to 20k
// instructions; the allocator must stay correct when bundles are split many times.
// Block parameters in each shape BuildRanges counts ranges for before it makes them: dead (no
// range), used only by an operand of its own block, only as a branch argument there, and live
// into the next block; and a dead def (a range at its point all the same).
TEST(Backtrack, BlockParametersOfEveryLiveness) {
  const MachineEnv env = MachineEnv::ForTesting(6, 2);
  Function f;
  VReg v[5], p[4];
  for (VReg& x : v) x = f.AddVReg(RegClass::kInt);
  for (VReg& x : p) x = f.AddVReg(RegClass::kInt);
  const VReg q = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  f.AddInst({Operand::Def(v[0]), Operand::Def(v[1]), Operand::Def(v[2]), Operand::Def(v[3])});
  f.AddInst({Operand::Def(v[4])});  // never used
  f.AddInst({});
  f.AddSucc(Block(1), {v[0], v[1], v[2], v[3]});
  f.StartBlock();
  for (VReg x : p) f.AddBlockParam(x);
  f.AddInst({Operand::Use(p[1])});  // p[0] is dead; p[1] used here only
  f.AddInst({});
  f.AddSucc(Block(2), {p[2]});  // p[2] only passed on; p[3] live into block2
  f.StartBlock();
  f.AddBlockParam(q);
  f.AddInst({Operand::Use(q), Operand::Use(p[3])});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(out.allocs.size(), f.operands.size());
}

TEST(Backtrack, LargeFunctionsAreChecked) {
  const MachineEnv env = X64LikeEnv();
  for (uint32_t n : {1000u, 5000u, 20000u}) {
    const Function f = LargeFunction(n, n, env);
    const Output out = Backtrack(f, env);
    EXPECT_EQ(out.allocs.size(), f.operands.size());
  }
}

}  // namespace
}  // namespace egret::regalloc
