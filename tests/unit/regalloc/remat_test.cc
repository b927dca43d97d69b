// remat_test.cc: rematerialization of constants and of values computable from one register
// operand (VRegData::remat, remat_reads_operand; `Remat(v) [from r] -> reg` edits).
// The backtracking allocator recomputes a rematerializable value where a register piece begins
// instead of storing it at its definition and reloading it; the checker verifies every remat
// edit (the register holds exactly v afterwards, v is marked rematerializable) and rejects
// remat edits that are not; Validate() rejects remat flags on values that cannot be recomputed.
#include <algorithm>
#include <string>
#include <tuple>

#include "gtest/gtest.h"
#include "regalloc/allocator.h"
#include "regalloc/checker.h"
#include "regalloc/parallel_move.h"

namespace egret::regalloc {
namespace {

const PReg r0(RegClass::kInt, 0), r1(RegClass::kInt, 1), r2(RegClass::kInt, 2);

Expected<Output> Run(const Function& f, const MachineEnv& env, const char* algorithm) {
  Options options;
  options.algorithm = algorithm;
  options.run_checker = true;  // aborts with a dump on a wrong allocation
  return Allocate(f, env, options);
}

Output Backtrack(const Function& f, const MachineEnv& env) {
  Expected<Output> out = Run(f, env, "backtrack");
  EGRET_CHECK(out.ok());
  return std::move(out).value();
}

VReg Constant(Function& f, RegClass cls = RegClass::kInt) {
  const VReg v = f.AddVReg(cls);
  f.vregs[v.index].remat = true;
  f.AddInst({Operand::Def(v)});
  return v;
}

std::string Message(const Status& s) { return s.ok() ? "" : s.error().message; }

int EditsIn(const Output& out, uint32_t begin, uint32_t end) {
  int n = 0;
  for (const Edit& e : out.edits) n += e.point.inst() >= begin && e.point.inst() < end;
  return n;
}

int RematsOf(const Output& out, VReg v) {
  int n = 0;
  for (const Edit& e : out.edits) n += e.from.is_remat() && e.from.remat_vreg() == v.index;
  return n;
}

// Six constants defined before a loop whose body needs every register and used after it: none
// is stored or reloaded, none gets a spill slot, nothing happens inside the loop, and each comes
// back after the loop as one remat edit. The same function with plain values spills and reloads.
struct LoopShape {
  Function f;
  std::vector<VReg> through;
  uint32_t loop_begin = 0, loop_end = 0;
};
LoopShape ConstantsAcrossLoop(bool remat) {
  LoopShape s;
  Function& f = s.f;
  const VReg init = f.AddVReg(RegClass::kInt), i = f.AddVReg(RegClass::kInt),
             next = f.AddVReg(RegClass::kInt);
  f.StartBlock();  // block0: preheader
  for (int k = 0; k < 6; ++k) {
    s.through.push_back(f.AddVReg(RegClass::kInt));
    f.vregs[s.through.back().index].remat = remat;
    f.AddInst({Operand::Def(s.through.back())});
  }
  f.AddInst({Operand::Def(init)});
  f.AddInst({});
  f.AddSucc(Block(1), {init});
  f.StartBlock();  // block1: header and body
  f.AddBlockParam(i);
  s.loop_begin = f.num_insts();
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
  s.loop_end = f.num_insts();
  f.StartBlock();  // block3: exit
  for (VReg v : s.through) f.AddInst({Operand::Use(v)});
  f.AddInst({Operand::FixedUse(next, r0)});
  f.Finish();
  return s;
}

TEST(Remat, ConstantLiveAcrossHighPressureLoopIsRematerialized) {
  const MachineEnv env = MachineEnv::ForTesting(4, 2, 1);
  const LoopShape s = ConstantsAcrossLoop(/*remat=*/true);
  const Output out = Backtrack(s.f, env);
  EXPECT_EQ(EditsIn(out, s.loop_begin, s.loop_end), 0) << s.f.ToString() << out.ToString();
  EXPECT_EQ(out.stats.spills, 0u) << out.ToString();
  EXPECT_EQ(out.stats.reloads, 0u) << out.ToString();
  EXPECT_GE(out.stats.remats, 1u) << out.ToString();
  for (VReg v : s.through) EXPECT_LE(RematsOf(out, v), 1) << "v" << v.index << out.ToString();
  // Without the flag the same values are stored and reloaded (the test can tell them apart).
  const LoopShape plain = ConstantsAcrossLoop(/*remat=*/false);
  const Output base = Backtrack(plain.f, env);
  EXPECT_GE(base.stats.spills, 1u) << base.ToString();
  EXPECT_GE(base.stats.reloads, out.stats.remats) << base.ToString();
  EXPECT_EQ(base.stats.remats, 0u);
  EXPECT_LT(out.num_spill_slots, base.num_spill_slots);
}

// A constant used on every iteration of a loop whose body needs more registers than there are:
// it is recomputed inside the loop, never reloaded from a slot.
TEST(Remat, ConstantUsedInsideAPressuredLoopIsRecomputedNotReloaded) {
  const MachineEnv env = MachineEnv::ForTesting(3, 2, 1);
  Function f;
  const VReg init = f.AddVReg(RegClass::kInt), i = f.AddVReg(RegClass::kInt),
             next = f.AddVReg(RegClass::kInt);
  f.StartBlock();
  const VReg c = Constant(f);
  f.AddInst({Operand::Def(init)});
  f.AddInst({});
  f.AddSucc(Block(1), {init});
  f.StartBlock();  // header/body
  f.AddBlockParam(i);
  const VReg t1 = f.AddVReg(RegClass::kInt), t2 = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::Def(t1)});
  f.AddInst({Operand::Def(t2)});
  f.AddInst({Operand::Use(t1), Operand::Use(t2), Operand::Use(i), Operand::Def(next)});
  f.AddInst({Operand::Use(c), Operand::Use(next)});
  f.AddSucc(Block(2));
  f.AddSucc(Block(3));
  f.StartBlock();
  f.AddInst({});
  f.AddSucc(Block(1), {next});
  f.StartBlock();
  f.AddInst({Operand::FixedUse(next, r0), Operand::FixedUse(c, r1)});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(out.stats.reloads, 0u) << f.ToString() << out.ToString();
  EXPECT_EQ(out.stats.spills, 0u) << f.ToString() << out.ToString();
  EXPECT_GE(RematsOf(out, c), 1) << out.ToString();
}

// Constants live across six calls with two callee-saved registers: none is stored and
// reloaded. Each is recomputed after the calls: one remat (half a use's cost, kRematWeight)
// costs less than the save and restore that claiming a fresh callee-saved register adds to the
// prologue and epilogue, so no callee-saved register is used at all.
TEST(Remat, ConstantsAcrossCallsAreNotSpilled) {
  const MachineEnv env = MachineEnv::ForTesting(5, 2, 2);  // r0-r2 caller-saved, r3-r4 callee
  PRegSet clobbers;
  for (int k = 0; k < 3; ++k) clobbers.Add(PReg(RegClass::kInt, static_cast<uint8_t>(k)));
  Function f;
  std::vector<VReg> vals;
  f.StartBlock();
  for (int k = 0; k < 4; ++k) vals.push_back(Constant(f));
  for (int call = 0; call < 6; ++call) {
    const VReg ret = f.AddVReg(RegClass::kInt);
    f.AddInst({Operand::FixedDef(ret, r0)}, clobbers);
    f.AddInst({Operand::Use(ret)});
  }
  for (VReg v : vals) f.AddInst({Operand::Use(v)});
  f.AddInst({});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(out.stats.spills, 0u) << out.ToString();
  EXPECT_EQ(out.stats.reloads, 0u) << out.ToString();
  EXPECT_EQ(out.stats.remats, 4u) << out.ToString();
  EXPECT_EQ(out.num_spill_slots, 0u) << out.ToString();
  for (const Allocation& a : out.allocs)  // r3, r4: callee-saved
    EXPECT_FALSE(a.is_reg() && a.reg().hw() >= 3) << out.ToString();
  for (const Edit& e : out.edits) EXPECT_FALSE(e.to.is_reg() && e.to.reg().hw() >= 3);
}

// A float constant behaves the same (the class only picks the register file): both are
// recomputed rather than one claiming the callee-saved register.
TEST(Remat, FloatConstantAcrossCalls) {
  const MachineEnv env = MachineEnv::ForTesting(3, 3, 1);
  PRegSet clobbers;
  for (int k = 0; k < 2; ++k) clobbers.Add(PReg(RegClass::kFloat, static_cast<uint8_t>(k)));
  for (int k = 0; k < 2; ++k) clobbers.Add(PReg(RegClass::kInt, static_cast<uint8_t>(k)));
  Function f;
  f.StartBlock();
  const VReg a = Constant(f, RegClass::kFloat), b = Constant(f, RegClass::kFloat);
  f.AddInst({}, clobbers);
  f.AddInst({Operand::Use(a), Operand::Use(b)});
  f.AddInst({});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(out.stats.spills + out.stats.reloads, 0u) << out.ToString();
  EXPECT_EQ(out.stats.remats, 2u) << out.ToString();
}

// A constant passed on the stack (kStack use) needs its slot: it is stored as before and never
// rematerialized, and the result still checks.
TEST(Remat, ConstantWithAStackOperandKeepsItsSlot) {
  const MachineEnv env = MachineEnv::ForTesting(3, 2, 1);
  PRegSet clobbers;
  for (int k = 0; k < 2; ++k) clobbers.Add(PReg(RegClass::kInt, static_cast<uint8_t>(k)));
  Function f;
  f.StartBlock();
  const VReg c = Constant(f);
  f.AddInst({Operand::Use(c, Constraint::kStack)}, clobbers);
  f.AddInst({Operand::Use(c)});
  f.AddInst({});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(RematsOf(out, c), 0) << out.ToString();
  EXPECT_GE(out.stats.spills, 1u) << out.ToString();
}

// The checker: a remat edit counts as a definition of exactly v in its register, so a program
// that relies on it checks; a remat of a value not marked rematerializable, a remat of the
// wrong value and a remat into a slot are errors naming the instruction.
TEST(Remat, CheckerVerifiesRematEdits) {
  const MachineEnv env = MachineEnv::ForTesting(3, 2, 1);
  PRegSet clobbers;
  for (int k = 0; k < 3; ++k) clobbers.Add(PReg(RegClass::kInt, static_cast<uint8_t>(k)));
  Function f;
  f.StartBlock();
  const VReg c = Constant(f);    // i0
  const VReg d = Constant(f);    // i1
  f.AddInst({}, clobbers);       // i2: destroys every register
  f.AddInst({Operand::Use(c)});  // i3
  f.AddInst({Operand::Use(d)});  // i4
  f.AddInst({});
  f.Finish();
  Output out;
  out.allocs = {Allocation::Reg(r0), Allocation::Reg(r1), Allocation::Reg(r2), Allocation::Reg(r2)};
  out.edits = {{ProgPoint::Before(3), Allocation::Remat(c.index), Allocation::Reg(r2)},
               {ProgPoint::Before(4), Allocation::Remat(d.index), Allocation::Reg(r2)}};
  out.stack_maps = {};
  EXPECT_TRUE(CheckAllocation(f, env, out).ok()) << Message(CheckAllocation(f, env, out));

  Output wrong = out;  // r2 gets d, but i3 reads c there
  wrong.edits[0].from = Allocation::Remat(d.index);
  Status s = CheckAllocation(f, env, wrong);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(Message(s).find("i3"), std::string::npos) << Message(s);

  Output missing = out;  // no remat: r2 was clobbered at i2
  missing.edits.erase(missing.edits.begin());
  EXPECT_FALSE(CheckAllocation(f, env, missing).ok());

  Function plain = f;  // the same edits for a value that is not rematerializable
  plain.vregs[c.index].remat = false;
  s = CheckAllocation(plain, env, out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(Message(s).find("not rematerializable"), std::string::npos) << Message(s);

  Output to_stack = out;
  to_stack.num_spill_slots = 1;
  to_stack.spill_slot_class = {RegClass::kInt};
  to_stack.edits[0].to = Allocation::Stack(0);
  s = CheckAllocation(f, env, to_stack);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(Message(s).find("not a register"), std::string::npos) << Message(s);
}

// Validate(): only a value defined by an input-free instruction can be recomputed, and never a
// reference (stack maps must see references, and constants never are).
TEST(Remat, ValidateRejectsValuesThatCannotBeRecomputed) {
  const MachineEnv env = MachineEnv::ForTesting(3, 2, 1);
  auto build = [](int variant) {
    Function f;
    f.StartBlock();
    const VReg a = f.AddVReg(RegClass::kInt, /*is_ref=*/variant == 0);
    f.AddInst({Operand::Def(a)});
    const VReg b = f.AddVReg(RegClass::kInt);
    f.AddInst({Operand::Use(a), Operand::Def(b)});
    f.AddInst({Operand::Use(b)});
    f.AddInst({});
    f.AddSucc(Block(1), {b});
    f.StartBlock();
    const VReg p = f.AddVReg(RegClass::kInt);
    f.AddBlockParam(p);
    f.AddInst({});
    f.Finish();
    return std::make_tuple(f, a, b, p);
  };
  struct Case {
    int variant;
    const char* why;
  };
  for (const Case& c : {Case{0, "is a reference"}, Case{1, "has other operands"},
                        Case{2, "is a block parameter"}}) {
    auto [f, a, b, p] = build(c.variant);
    const VReg v = c.variant == 0 ? a : c.variant == 1 ? b : p;
    f.vregs[v.index].remat = true;
    const Status s = f.Validate(env);
    ASSERT_FALSE(s.ok()) << c.why;
    EXPECT_NE(Message(s).find(c.why), std::string::npos) << Message(s);
  }
}

// ---- Values computable from one register operand (VRegData::remat_reads_operand). ----

// v = `lea 8(u)`: a remat of v reads u's register.
VReg FromOperand(Function& f, VReg u, bool remat = true) {
  const VReg v = f.AddVReg(RegClass::kInt);
  f.vregs[v.index].remat = remat;
  f.vregs[v.index].remat_reads_operand = remat;
  f.AddInst({Operand::Use(u), Operand::Def(v)});
  return v;
}

int RematsFromOperand(const Output& out, VReg v) {
  int n = 0;
  for (const Edit& e : out.edits)
    n += e.from.is_remat() && e.from.remat_vreg() == v.index && e.remat_src.valid();
  return n;
}

// A base u crossing calls in the one callee-saved register and an address v = lea 8(u) used
// after each call: v is recomputed from u's register after the calls (one `lea`) instead of
// being stored before them and reloaded after, and gets no spill slot. The same function with
// v a plain value stores and reloads it.
struct BaseAcrossCalls {
  Function f;
  VReg u, v;
};
BaseAcrossCalls AddressAcrossCalls(bool remat) {
  BaseAcrossCalls s;
  Function& f = s.f;
  PRegSet clobbers;
  for (int k = 0; k < 3; ++k) clobbers.Add(PReg(RegClass::kInt, static_cast<uint8_t>(k)));
  f.StartBlock();
  s.u = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::FixedDef(s.u, r0)});
  s.v = FromOperand(f, s.u, remat);
  for (int call = 0; call < 3; ++call) {
    f.AddInst({Operand::Use(s.u)});
    f.AddInst({}, clobbers);
    f.AddInst({Operand::Use(s.v)});
  }
  f.AddInst({Operand::Use(s.u)});
  f.AddInst({});
  f.Finish();
  return s;
}

TEST(Remat, ValueComputableFromALiveRegisterIsRecomputed) {
  const MachineEnv env = MachineEnv::ForTesting(4, 2, 1);  // r0-r2 caller-saved, r3 callee
  const BaseAcrossCalls s = AddressAcrossCalls(/*remat=*/true);
  const Output out = Backtrack(s.f, env);  // the checker verifies every remat's source
  EXPECT_EQ(RematsFromOperand(out, s.v), 3) << s.f.ToString() << out.ToString();
  EXPECT_EQ(out.stats.spills, 0u) << out.ToString();
  EXPECT_EQ(out.stats.reloads, 0u) << out.ToString();
  EXPECT_EQ(out.num_spill_slots, 0u) << out.ToString();
  for (const Edit& e : out.edits)  // u lives in the callee-saved register
    if (e.from.is_remat()) {
      EXPECT_EQ(e.remat_src, PReg(RegClass::kInt, 3)) << out.ToString();
    }

  const BaseAcrossCalls plain = AddressAcrossCalls(/*remat=*/false);
  const Output base = Backtrack(plain.f, env);
  EXPECT_EQ(base.stats.remats, 0u);
  EXPECT_GE(base.stats.spills, 1u) << base.ToString();
  EXPECT_GE(base.stats.reloads, 3u) << base.ToString();
}

// With no callee-saved register both u and v cross the calls in slots; v is needed before u is
// reloaded, so u is in no register there: v is stored and reloaded as a plain value, never
// recomputed (and the allocation checks).
TEST(Remat, NotRecomputedWhenItsOperandIsSpilled) {
  const MachineEnv env = MachineEnv::ForTesting(3, 2, 0);
  PRegSet clobbers;
  for (int k = 0; k < 3; ++k) clobbers.Add(PReg(RegClass::kInt, static_cast<uint8_t>(k)));
  Function f;
  f.StartBlock();
  const VReg u = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::FixedDef(u, r0)});
  const VReg v = FromOperand(f, u);
  f.AddInst({}, clobbers);
  f.AddInst({Operand::Use(v)});
  f.AddInst({Operand::Use(u)});
  f.AddInst({});
  f.Finish();
  const Output out = Backtrack(f, env);
  EXPECT_EQ(RematsOf(out, v), 0) << f.ToString() << out.ToString();
  EXPECT_GE(out.stats.spills, 2u) << out.ToString();
  EXPECT_GE(out.stats.reloads, 2u) << out.ToString();
}

// Where the operand is in a register at some of v's reloads only, v keeps its slot (and the
// store after its definition) and is reloaded where u is in no register (i3), but recomputed
// where u is in one: after the second call u is reloaded for i6 and still live at i8, so v comes
// back at i7 from u's register.
TEST(Remat, RecomputedWhereItsOperandIsInARegisterOnly) {
  const MachineEnv env = MachineEnv::ForTesting(3, 2, 0);
  PRegSet clobbers;
  for (int k = 0; k < 3; ++k) clobbers.Add(PReg(RegClass::kInt, static_cast<uint8_t>(k)));
  Function f;
  f.StartBlock();
  const VReg u = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::FixedDef(u, r0)});  // i0
  const VReg v = FromOperand(f, u);       // i1
  f.AddInst({}, clobbers);                // i2
  f.AddInst({Operand::Use(v)});           // i3: u in its slot: v reloaded
  f.AddInst({Operand::Use(u)});           // i4
  f.AddInst({}, clobbers);                // i5
  f.AddInst({Operand::Use(u)});           // i6: u reloaded
  f.AddInst({Operand::Use(v)});           // i7: u in a register: v recomputed
  f.AddInst({Operand::Use(u)});           // i8
  f.AddInst({});
  f.Finish();
  const Output out = Backtrack(f, env);  // the checker verifies the remat's source
  EXPECT_EQ(RematsFromOperand(out, v), 1) << f.ToString() << out.ToString();
  int remat_at = -1;
  for (const Edit& e : out.edits)
    if (e.from.is_remat()) remat_at = static_cast<int>(e.point.inst());
  EXPECT_EQ(remat_at, 7) << out.ToString();
  EXPECT_GE(out.stats.spills, 2u) << out.ToString();   // u and v are both stored
  EXPECT_GE(out.stats.reloads, 3u) << out.ToString();  // v at i3, u at i4 and i6
}

// The checker: `Remat(v) from r -> d` is valid only if r holds v's operand u right then. A remat
// from a register holding something else, a remat of such a v naming no source, and a constant's
// remat naming one are errors.
TEST(Remat, CheckerRejectsARematFromARegisterWithoutTheOperand) {
  const MachineEnv env = MachineEnv::ForTesting(3, 2, 1);
  PRegSet clobbers;
  clobbers.Add(r1);
  Function f;
  f.StartBlock();
  const VReg u = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::FixedDef(u, r0)});  // i0
  const VReg v = FromOperand(f, u);       // i1: v = lea 8(u)
  const VReg w = f.AddVReg(RegClass::kInt);
  f.AddInst({Operand::FixedDef(w, r2)});                           // i2: r2 holds w
  f.AddInst({}, clobbers);                                         // i3: destroys v's register r1
  f.AddInst({Operand::Use(v), Operand::Use(u), Operand::Use(w)});  // i4
  f.AddInst({});
  f.Finish();
  ASSERT_TRUE(f.Validate(env).ok()) << Message(f.Validate(env));
  Output out;
  out.allocs = {Allocation::Reg(r0), Allocation::Reg(r0), Allocation::Reg(r1), Allocation::Reg(r2),
                Allocation::Reg(r1), Allocation::Reg(r0), Allocation::Reg(r2)};
  Edit remat{ProgPoint::Before(4), Allocation::Remat(v.index), Allocation::Reg(r1)};
  remat.remat_src = r0;
  out.edits = {remat};
  EXPECT_TRUE(CheckAllocation(f, env, out).ok()) << Message(CheckAllocation(f, env, out));

  Output wrong = out;  // r2 holds w, not u
  wrong.edits[0].remat_src = r2;
  Status s = CheckAllocation(f, env, wrong);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(Message(s).find("r2 holds {v2}, not its operand v0"), std::string::npos) << Message(s);
  EXPECT_NE(Message(s).find("i4"), std::string::npos) << Message(s);

  Output clobbered = out;  // r1 was destroyed at i3
  clobbered.edits[0].remat_src = r1;
  EXPECT_FALSE(CheckAllocation(f, env, clobbered).ok());

  Output unnamed = out;
  unnamed.edits[0].remat_src = PReg();
  s = CheckAllocation(f, env, unnamed);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(Message(s).find("names no source register"), std::string::npos) << Message(s);

  Function constant = f;  // v as a constant: a source register is an error
  constant.vregs[v.index].remat_reads_operand = false;
  s = CheckAllocation(constant, env, out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(Message(s).find("names a source register"), std::string::npos) << Message(s);
}

// Validate(): a value recomputed from an operand must be defined by an instruction with exactly
// that one early kReg use besides its def; the flag needs `remat` too.
TEST(Remat, ValidateRejectsOperandRematsThatCannotBeRecomputed) {
  const MachineEnv env = MachineEnv::ForTesting(3, 2, 1);
  struct Case {
    Constraint use;
    bool two_uses, remat;
    const char* why;
  };
  for (const Case& c : {Case{Constraint::kAny, false, true, "from elsewhere than a register"},
                        Case{Constraint::kReg, true, true, "does not read exactly one operand"},
                        Case{Constraint::kReg, false, false, "is not marked rematerializable"}}) {
    Function f;
    f.StartBlock();
    const VReg u = f.AddVReg(RegClass::kInt);
    f.AddInst({Operand::FixedDef(u, r0)});
    const VReg v = f.AddVReg(RegClass::kInt);
    f.vregs[v.index].remat = c.remat;
    f.vregs[v.index].remat_reads_operand = true;
    if (c.two_uses)
      f.AddInst({Operand::Use(u), Operand::Use(u, Constraint::kAny), Operand::Def(v)});
    else
      f.AddInst({Operand::Use(u, c.use), Operand::Def(v)});
    f.AddInst({Operand::Use(v)});
    f.AddInst({});
    f.Finish();
    const Status s = f.Validate(env);
    ASSERT_FALSE(s.ok()) << c.why;
    EXPECT_NE(Message(s).find(c.why), std::string::npos) << Message(s);
  }
}

// Parallel moves: a rematerialization reads nothing, so it runs after every move that reads its
// destination; one into a slot goes through the scratch register, or without one borrows a
// register around it (saved and restored, like a stack-to-stack move).
TEST(Remat, ParallelMoveRunsRematsLast) {
  const Allocation a0 = Allocation::Reg(r0), a1 = Allocation::Reg(r1), s3 = Allocation::Stack(3);
  std::vector<ParallelMoveResolver::Move> moves = {
      {Allocation::Remat(7), a0, RegClass::kInt},
      {a0, a1, RegClass::kInt},
      {Allocation::Remat(8), s3, RegClass::kInt},
  };
  ParallelMoveResolver::Temps temps;
  for (int c = 0; c < kNumRegClasses; ++c) {
    temps.cycle_slot[c] = Allocation::Stack(100 + c);
    temps.borrow[c] = PReg(static_cast<RegClass>(c), 2);
    temps.save_slot[c] = Allocation::Stack(102 + c);
  }
  ParallelMoveResolver resolver;
  std::vector<std::pair<Allocation, Allocation>> seq;
  const Allocation b = Allocation::Reg(r2), save = Allocation::Stack(102);
  resolver.Resolve(moves, temps, &seq);
  const std::vector<std::pair<Allocation, Allocation>> borrowed = {
      {a0, a1}, {Allocation::Remat(7), a0}, {b, save}, {Allocation::Remat(8), b}, {b, s3},
      {save, b}};
  EXPECT_EQ(seq, borrowed);
  EXPECT_TRUE(resolver.used_save_slot(RegClass::kInt));

  temps.scratch[0] = PReg(RegClass::kInt, 63);
  const Allocation sc = Allocation::Reg(temps.scratch[0]);
  seq.clear();
  resolver.Resolve(moves, temps, &seq);
  const std::vector<std::pair<Allocation, Allocation>> with_scratch = {
      {a0, a1}, {Allocation::Remat(7), a0}, {Allocation::Remat(8), sc}, {sc, s3}};
  EXPECT_EQ(seq, with_scratch);
}

}  // namespace
}  // namespace egret::regalloc
