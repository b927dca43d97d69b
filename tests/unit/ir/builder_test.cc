// builder_test.cc: FunctionBuilder and on-the-fly SSA construction on straight-line code,
// diamonds, loops, nested loops and irreducible control flow.
#include "ir/builder.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "ir/printer.h"
#include "ir/verifier.h"

namespace egret::ir {
namespace {

// The values a branch passes to `target`.
std::vector<Value> ArgsTo(const Function& f, Block from, Block target) {
  std::vector<Value> out;
  Inst term = f.layout.LastInst(from);
  f.dfg.ForEachDest(term, [&](const BlockCall& bc) {
    if (bc.block == target) {
      auto a = f.dfg.pool().Get(bc.args);
      out.assign(a.begin(), a.end());
    }
  });
  return out;
}

// Builds a loop that sums `n` down to zero through variables (block parameters, a sealed-late
// header): enough SSA construction to fill every table of the builder.
void BuildSumLoop(Function& f, FunctionBuilder::Scratch* scratch, int extra_vars) {
  FunctionBuilder b(f, scratch);
  Block entry = b.CreateBlock(), header = b.CreateBlock(), body = b.CreateBlock(),
        exit = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value n = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  Variable i = b.DeclareVar(Type::kI32), s = b.DeclareVar(Type::kI32);
  std::vector<Variable> extra;
  for (int k = 0; k < extra_vars; ++k) {
    extra.push_back(b.DeclareVar(Type::kI32));
    b.DefVar(extra.back(), b.Iconst(Type::kI32, k));
  }
  b.DefVar(i, n);
  b.DefVar(s, b.Iconst(Type::kI32, 0));
  b.Jump(header);
  b.SwitchToBlock(header);
  b.Brif(b.UseVar(i), body, {}, exit, {});
  b.SwitchToBlock(body);
  b.SealBlock(body);
  Value sum = b.Binary(Opcode::kIadd, b.UseVar(s), b.UseVar(i));
  for (Variable v : extra) sum = b.Binary(Opcode::kIadd, sum, b.UseVar(v));
  b.DefVar(s, sum);
  b.DefVar(i, b.Binary(Opcode::kIsub, b.UseVar(i), b.Iconst(Type::kI32, 1)));
  b.Jump(header);
  b.SealBlock(header);
  b.SwitchToBlock(exit);
  b.SealBlock(exit);
  b.Return({b.UseVar(s)});
  b.Finalize();
}

// A Function reset and rebuilt with a builder that borrows reused tables (FunctionBuilder::Scratch,
// Function::Reset) is the function a fresh Function and builder make, after a bigger function
// or a smaller one was built in the same storage.
TEST(Builder, ReusedScratchAndFunctionBuildLikeFresh) {
  FunctionBuilder::Scratch scratch;
  Function reused;
  const Signature sig{{Type::kI32}, {Type::kI32}};
  for (int extra : {40, 0, 3, 40, 1}) {
    Function fresh("sum", sig);
    BuildSumLoop(fresh, nullptr, extra);
    reused.Reset("sum", sig);
    BuildSumLoop(reused, &scratch, extra);
    ASSERT_TRUE(Verify(reused).ok()) << extra;
    EXPECT_EQ(PrintFunction(reused), PrintFunction(fresh)) << extra;
  }
}

// AppendMap (the layout's nodes, the source locations): reads past the end give the default,
// Set on the next key appends, Set or a write further on fills the gap with the default, and
// after Clear the old contents (still in the storage) read as the default again.
TEST(AppendMap, ReadsDefaultPastTheEndAndAfterClear) {
  AppendMap<Inst, uint32_t> m(kNoSrcLoc);
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m[Inst(0)], kNoSrcLoc);
  for (uint32_t k = 0; k < 100; ++k) m.Set(Inst(k), k * 3);  // the builder's order
  EXPECT_EQ(m.size(), 100u);
  for (uint32_t k = 0; k < 100; ++k) EXPECT_EQ(m[Inst(k)], k * 3);
  EXPECT_EQ(std::as_const(m)[Inst(100)], kNoSrcLoc);
  m.Set(Inst(105), 7);  // past the next key: a gap of defaults
  EXPECT_EQ(m.size(), 106u);
  for (uint32_t k = 100; k < 105; ++k) EXPECT_EQ(m[Inst(k)], kNoSrcLoc);
  EXPECT_EQ(m[Inst(105)], 7u);
  m.Set(Inst(50), 1);  // an existing key: overwritten in place
  EXPECT_EQ(m[Inst(50)], 1u);
  EXPECT_EQ(m.size(), 106u);
  m.Clear();
  EXPECT_EQ(m.size(), 0u);
  for (uint32_t k = 0; k < 110; ++k) EXPECT_EQ(std::as_const(m)[Inst(k)], kNoSrcLoc);
  m[Inst(3)] = 9;  // the writable operator[] grows with defaults, not the stale contents
  EXPECT_EQ(m.size(), 4u);
  EXPECT_EQ(m[Inst(0)], kNoSrcLoc);
  EXPECT_EQ(m[Inst(2)], kNoSrcLoc);
  EXPECT_EQ(m[Inst(3)], 9u);
  m.Set(Inst(4), 11);
  EXPECT_EQ(m[Inst(4)], 11u);
}

// A Function reset after a bigger one keeps its tables' storage, but nothing of the old
// function reads back: source locations, placed instructions and blocks past the new
// function's read as unset, and the new function prints like one built fresh.
TEST(Builder, ResetFunctionForgetsTheOldTables) {
  const Signature sig{{Type::kI32}, {Type::kI32}};
  Function f("big", sig);
  {
    FunctionBuilder b(f);
    Block entry = b.CreateBlock();
    b.SwitchToBlock(entry);
    Value x = b.AppendBlockParam(entry, Type::kI32);
    b.SealBlock(entry);
    for (uint32_t k = 0; k < 200; ++k) {
      b.SetSrcLoc(1000 + k);
      x = b.BinaryImm(Opcode::kIaddImm, x, 1);
    }
    for (int k = 0; k < 20; ++k) {
      Block next = b.CreateBlock();
      b.Jump(next);
      b.SwitchToBlock(next);
      b.SealBlock(next);
    }
    b.Return({x});
    b.Finalize();
  }
  ASSERT_TRUE(Verify(f).ok());
  f.Reset("small", sig);
  EXPECT_EQ(f.layout.NumBlocks(), 0u);
  EXPECT_FALSE(f.layout.FirstBlock().valid());
  for (uint32_t k = 0; k < 230; ++k) {
    EXPECT_EQ(f.SrcLoc(Inst(k)), kNoSrcLoc);
    EXPECT_FALSE(f.layout.IsInstInserted(Inst(k)));
  }
  for (uint32_t k = 0; k < 25; ++k) EXPECT_FALSE(f.layout.IsBlockInserted(Block(k)));
  Function fresh("small", sig);
  for (Function* g : {&f, &fresh}) {
    FunctionBuilder b(*g);
    Block entry = b.CreateBlock();
    b.SwitchToBlock(entry);
    Value x = b.AppendBlockParam(entry, Type::kI32);
    b.SealBlock(entry);
    x = b.BinaryImm(Opcode::kIaddImm, x, 2);  // no source location
    b.SetSrcLoc(77);
    b.Return({x});
    b.Finalize();
  }
  ASSERT_TRUE(Verify(f).ok());
  EXPECT_EQ(PrintFunction(f), PrintFunction(fresh));
  EXPECT_EQ(f.SrcLoc(Inst(0)), kNoSrcLoc);
  EXPECT_EQ(f.SrcLoc(Inst(1)), 77u);
  EXPECT_EQ(f.SrcLoc(Inst(2)), kNoSrcLoc);
  EXPECT_FALSE(f.layout.IsInstInserted(Inst(2)));
}

// A moved-from Function (and AppendMap) is empty and can be reset and built again: the tables'
// counts go with their storage.
TEST(Builder, MovedFromFunctionBuildsAgain) {
  const Signature sig{{Type::kI32}, {Type::kI32}};
  Function f("sum", sig), fresh("sum", sig);
  BuildSumLoop(f, nullptr, 5);
  BuildSumLoop(fresh, nullptr, 5);
  Function moved = std::move(f);
  EXPECT_EQ(PrintFunction(moved), PrintFunction(fresh));
  f.Reset("sum", sig);
  BuildSumLoop(f, nullptr, 5);
  ASSERT_TRUE(Verify(f).ok());
  EXPECT_EQ(PrintFunction(f), PrintFunction(fresh));
  Function assigned;
  assigned = std::move(moved);
  EXPECT_EQ(PrintFunction(assigned), PrintFunction(fresh));
  moved.Reset("sum", sig);
  BuildSumLoop(moved, nullptr, 5);
  EXPECT_EQ(PrintFunction(moved), PrintFunction(fresh));

  AppendMap<Inst, uint32_t> m(kNoSrcLoc);
  for (uint32_t k = 0; k < 40; ++k) m.Set(Inst(k), k);
  AppendMap<Inst, uint32_t> n = std::move(m);
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(std::as_const(m)[Inst(3)], kNoSrcLoc);
  m.Set(Inst(0), 5);
  EXPECT_EQ(m[Inst(0)], 5u);
  EXPECT_EQ(n.size(), 40u);
  EXPECT_EQ(n[Inst(39)], 39u);
}

TEST(Builder, StraightLineUsesLatestDefinition) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value p = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  Variable x = b.DeclareVar(Type::kI32);
  b.DefVar(x, p);
  EXPECT_EQ(b.UseVar(x), p);
  Value c = b.Iconst(Type::kI32, 7);
  b.DefVar(x, c);
  EXPECT_EQ(b.UseVar(x), c);
  b.Return({b.UseVar(x)});
  b.Finalize();
  EXPECT_EQ(f.dfg.BlockParams(entry).size(), 1u);
}

// AppendOne hands back the one result MakeInstWithResult made, and places the instruction
// last in the current block.
TEST(Builder, AppendOneReturnsTheInstructionsResult) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value p = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  Value c = b.Iconst(Type::kI32, 7);
  Value s = b.Binary(Opcode::kIadd, p, c);
  for (Value v : {c, s}) {
    const ValueData& vd = f.dfg.ValueInfo(v);
    ASSERT_EQ(vd.kind, ValueKind::kResult);
    EXPECT_EQ(f.dfg.FirstResult(Inst(vd.def)), v);
    EXPECT_EQ(f.dfg.InstResults(Inst(vd.def)).size(), 1u);
    EXPECT_EQ(f.dfg.ValueType(v), Type::kI32);
  }
  EXPECT_EQ(f.layout.LastInst(entry), Inst(f.dfg.ValueInfo(s).def));
  b.Return({s});
  b.Finalize();
  EXPECT_TRUE(Verify(f).ok());
}

// The layout's range walks advance without bounds checks; removing the instruction a walk
// stands on ends that block's walk (its node reads as unplaced), and the block walk goes on.
TEST(Builder, LayoutWalkAcrossRemoval) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value p = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  Value c = b.Iconst(Type::kI32, 7);
  Value s = b.Binary(Opcode::kIadd, p, c);
  b.Return({s});
  b.Finalize();
  const Inst ci = Inst(f.dfg.ValueInfo(c).def);
  size_t seen = 0;
  for (Inst i : f.layout.Insts(entry)) {
    ++seen;
    if (i == ci) f.layout.RemoveInst(i);
  }
  EXPECT_EQ(seen, 1u);
  EXPECT_FALSE(f.layout.IsInstInserted(ci));
  size_t remaining = 0, blocks = 0;
  for (Block blk : f.layout.Blocks()) {
    ++blocks;
    for (Inst i : f.layout.Insts(blk)) remaining += i.valid();
  }
  EXPECT_EQ(blocks, 1u);
  EXPECT_EQ(remaining, 2u);
}

// Blocks placed in another order than they were made (a Wasm block's successor is made at its
// start and placed at its end): the builder's blocks have their layout node from CreateBlock
// (Layout::NoteNewBlock), a block made by the DFG alone is placed past the table's end, and
// the layout's order, links and counts are the placement order either way.
TEST(Builder, BlocksPlacedOutOfCreationOrder) {
  Function f("f", {{}, {}});
  FunctionBuilder b(f);
  Block entry = b.CreateBlock();
  Block late = b.CreateBlock();  // made second, placed last
  Block mid = b.CreateBlock();
  b.SwitchToBlock(entry);
  b.SealBlock(entry);
  EXPECT_FALSE(f.layout.IsBlockInserted(late));
  b.Jump(mid);
  b.SwitchToBlock(mid);
  b.SealBlock(mid);
  EXPECT_FALSE(b.IsFilled());  // a block just placed holds nothing
  b.Jump(late);
  b.SwitchToBlock(late);
  b.SealBlock(late);
  b.Return({});
  Block raw = f.dfg.MakeBlock();  // no node yet: past the table's end
  f.layout.AppendBlock(raw);
  f.layout.AppendInst(f.dfg.MakeInst([] {
    InstData d;
    d.opcode = Opcode::kReturn;
    return d;
  }()),
                      raw);
  std::vector<Block> order;
  for (Block blk : f.layout.Blocks()) order.push_back(blk);
  EXPECT_EQ(order, (std::vector<Block>{entry, mid, late, raw}));
  EXPECT_EQ(f.layout.NumBlocks(), 4u);
  EXPECT_EQ(f.layout.FirstBlock(), entry);
  EXPECT_EQ(f.layout.LastBlock(), raw);
  EXPECT_EQ(f.layout.PrevBlock(late), mid);
  EXPECT_EQ(f.layout.NextBlock(late), raw);
  EXPECT_EQ(f.layout.PrevBlock(mid), entry);
  f.layout.RemoveInst(f.layout.LastInst(raw));
  f.layout.RemoveBlock(raw);
  b.Finalize();
  EXPECT_TRUE(Verify(f).ok()) << PrintFunction(f);
}

// A call's results come from its signature: one result (most calls) in a one-slot list like
// any one-result instruction's, several in order; either way numbered in order, positions 0..n.
TEST(Builder, CallResultsFollowTheSignature) {
  Function f("f", {{}, {}});
  FunctionBuilder b(f);
  FuncRef one = b.ImportFunction("one", b.ImportSignature({{}, {Type::kI32}}));
  FuncRef two = b.ImportFunction("two", b.ImportSignature({{}, {Type::kI64, Type::kF32}}));
  FuncRef none = b.ImportFunction("none", b.ImportSignature({{}, {}}));
  Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  b.SealBlock(entry);
  Inst c1 = b.Call(one, {});
  Inst c2 = b.Call(two, {});
  Inst c0 = b.Call(none, {});
  b.Return({});
  b.Finalize();
  ASSERT_EQ(b.Results(c1).size(), 1u);
  ASSERT_EQ(b.Results(c2).size(), 2u);
  EXPECT_TRUE(b.Results(c0).empty());
  const Value r1 = b.Results(c1)[0], r2a = b.Results(c2)[0], r2b = b.Results(c2)[1];
  EXPECT_EQ(r2a.index, r1.index + 1);
  EXPECT_EQ(r2b.index, r1.index + 2);
  const std::pair<Value, Type> expected[] = {
      {r1, Type::kI32}, {r2a, Type::kI64}, {r2b, Type::kF32}};
  const uint32_t nums[] = {0, 0, 1};
  const Inst defs[] = {c1, c2, c2};
  for (int k = 0; k < 3; ++k) {
    const ValueData& vd = f.dfg.ValueInfo(expected[k].first);
    EXPECT_EQ(vd.kind, ValueKind::kResult);
    EXPECT_EQ(vd.type, expected[k].second);
    EXPECT_EQ(vd.num, nums[k]);
    EXPECT_EQ(vd.def, defs[k].index);
  }
  EXPECT_TRUE(Verify(f).ok()) << PrintFunction(f);
}

TEST(Builder, UndefinedVariableReadsZero) {
  Function f("f", {{}, {Type::kF64}});
  FunctionBuilder b(f);
  Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  b.SealBlock(entry);
  Variable x = b.DeclareVar(Type::kF64);
  Value v = b.UseVar(x);
  Inst def = Inst(f.dfg.ValueInfo(v).def);
  EXPECT_EQ(f.dfg[def].opcode, Opcode::kF64const);
  EXPECT_EQ(f.dfg[def].imm, 0);
}

TEST(Builder, DiamondGetsOneParameter) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable x = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), left = b.CreateBlock(), right = b.CreateBlock(),
        join = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value p = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  b.DefVar(x, p);
  b.Brif(p, left, {}, right, {});
  b.SealBlock(left);
  b.SealBlock(right);
  b.SwitchToBlock(left);
  Value one = b.Iconst(Type::kI32, 1);
  b.DefVar(x, one);
  b.Jump(join);
  b.SwitchToBlock(right);
  b.Jump(join);  // x unchanged: p
  b.SealBlock(join);
  b.SwitchToBlock(join);
  Value r = b.UseVar(x);
  b.Return({r});
  b.Finalize();
  ASSERT_EQ(f.dfg.BlockParams(join).size(), 1u);
  EXPECT_EQ(r, f.dfg.BlockParams(join)[0]);
  EXPECT_EQ(ArgsTo(f, left, join), std::vector<Value>{one});
  EXPECT_EQ(ArgsTo(f, right, join), std::vector<Value>{p});
}

TEST(Builder, DiamondWithSameValueNeedsNoParameter) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable x = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), left = b.CreateBlock(), right = b.CreateBlock(),
        join = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value p = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  b.DefVar(x, p);
  b.Brif(p, left, {}, right, {});
  b.SealBlock(left);
  b.SealBlock(right);
  b.SwitchToBlock(left);
  b.Jump(join);
  b.SwitchToBlock(right);
  b.Jump(join);
  b.SealBlock(join);
  b.SwitchToBlock(join);
  EXPECT_EQ(b.UseVar(x), p);
  b.Return({p});
  b.Finalize();
  EXPECT_TRUE(f.dfg.BlockParams(join).empty());
}

// i = n; loop { i = i - 1; if i != 0 continue } ; return i
TEST(Builder, LoopCarriedVariableBecomesHeaderParameter) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable i = b.DeclareVar(Type::kI32);
  Variable unchanged = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), loop = b.CreateBlock(), exit = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value n = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  b.DefVar(i, n);
  Value k = b.Iconst(Type::kI32, 3);
  b.DefVar(unchanged, k);
  b.Jump(loop);
  b.SwitchToBlock(loop);
  Value cur = b.UseVar(i);
  Value u = b.UseVar(unchanged);  // read inside the unsealed loop: becomes a parameter for now
  Value next = b.Binary(Opcode::kIsub, cur, u);
  b.DefVar(i, next);
  b.Brif(next, loop, {}, exit, {});
  b.SealBlock(loop);
  b.SealBlock(exit);
  b.SwitchToBlock(exit);
  b.Return({b.UseVar(i)});
  b.Finalize();
  // `unchanged` was trivial (k from entry, itself on the back edge) and is gone.
  ASSERT_EQ(f.dfg.BlockParams(loop).size(), 1u);
  EXPECT_EQ(f.dfg.BlockParams(loop)[0], cur);
  EXPECT_EQ(f.dfg[Inst(f.dfg.ValueInfo(next).def)].args[1], k);
  EXPECT_EQ(ArgsTo(f, entry, loop), std::vector<Value>{n});
  EXPECT_EQ(ArgsTo(f, loop, loop), std::vector<Value>{next});
}

TEST(Builder, NestedLoopsThreadVariableThroughBothHeaders) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable x = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), outer = b.CreateBlock(), inner = b.CreateBlock(),
        latch = b.CreateBlock(), exit = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value n = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  b.DefVar(x, n);
  b.Jump(outer);
  b.SwitchToBlock(outer);
  b.Jump(inner);
  b.SealBlock(inner);  // its only predecessor is `outer`
  b.SwitchToBlock(inner);
  Value in_inner = b.UseVar(x);
  (void)in_inner;
  Value dec = b.BinaryImm(Opcode::kIaddImm, b.UseVar(x), -1);
  b.DefVar(x, dec);
  b.Brif(dec, latch, {}, exit, {});
  b.SealBlock(latch);
  b.SwitchToBlock(latch);
  b.Jump(outer);
  b.SealBlock(outer);
  b.SealBlock(exit);
  b.SwitchToBlock(exit);
  b.Return({b.UseVar(x)});
  b.Finalize();
  // x is loop-carried through `outer` (from entry: n, from latch: dec); inner has one pred.
  ASSERT_EQ(f.dfg.BlockParams(outer).size(), 1u);
  EXPECT_TRUE(f.dfg.BlockParams(inner).empty());
  EXPECT_EQ(ArgsTo(f, entry, outer), std::vector<Value>{n});
  EXPECT_EQ(ArgsTo(f, latch, outer), std::vector<Value>{dec});
  EXPECT_EQ(f.dfg[Inst(f.dfg.ValueInfo(dec).def)].args[0], f.dfg.BlockParams(outer)[0]);
}

// DeclareLoopHeader: in two nested loops that assign only `i` (the inner one) and `j` (the
// outer one), reading `k` (assigned before the loops) creates no parameter in either header,
// and the value read is the entry's, with no alias left to resolve; `i` and `j` still get their
// loop-carried parameters, and IsLoopVar answers what was declared.
TEST(Builder, DeclaredLoopHeadersCreateParametersOnlyForTheirVariables) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable i = b.DeclareVar(Type::kI32), j = b.DeclareVar(Type::kI32), k = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), outer = b.CreateBlock(), inner = b.CreateBlock(),
        latch = b.CreateBlock(), exit = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value n = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  Value three = b.Iconst(Type::kI32, 3);
  b.DefVar(k, three);
  b.DefVar(j, n);
  b.Jump(outer);
  const Variable outer_vars[] = {j, i, j};  // any order, duplicates allowed
  b.DeclareLoopHeader(outer, outer_vars);
  b.SwitchToBlock(outer);
  b.DefVar(i, n);
  b.Jump(inner);
  const Variable inner_vars[] = {i};
  b.DeclareLoopHeader(inner, inner_vars);
  EXPECT_TRUE(b.IsLoopVar(outer, i));
  EXPECT_TRUE(b.IsLoopVar(outer, j));
  EXPECT_FALSE(b.IsLoopVar(outer, k));
  EXPECT_TRUE(b.IsLoopVar(inner, i));
  EXPECT_FALSE(b.IsLoopVar(inner, j));
  EXPECT_TRUE(b.IsLoopVar(entry, k));  // not a declared header: anything may change
  b.SwitchToBlock(inner);
  // Read while both headers are unsealed: k passes through both, j through the inner one.
  EXPECT_EQ(b.UseVar(k), three);
  const Value j_in = b.UseVar(j);
  const Value dec = b.Binary(Opcode::kIsub, b.UseVar(i), b.UseVar(k));
  b.DefVar(i, dec);
  b.Brif(dec, inner, {}, latch, {});
  b.SealBlock(inner);
  b.SealBlock(latch);
  b.SwitchToBlock(latch);
  const Value j_next = b.Binary(Opcode::kIsub, b.UseVar(j), b.UseVar(k));
  b.DefVar(j, j_next);
  b.Brif(j_next, outer, {}, exit, {});
  b.SealBlock(outer);
  b.SealBlock(exit);
  b.SwitchToBlock(exit);
  b.Return({b.Binary(Opcode::kIadd, b.UseVar(i), b.UseVar(k))});
  b.Finalize();
  ASSERT_TRUE(VerifyFunction(f).empty()) << PrintFunction(f);
  // outer: j only (i is defined in outer before any read); inner: i only.
  ASSERT_EQ(f.dfg.BlockParams(outer).size(), 1u);
  EXPECT_EQ(j_in, f.dfg.BlockParams(outer)[0]);
  EXPECT_EQ(ArgsTo(f, entry, outer), std::vector<Value>{n});
  EXPECT_EQ(ArgsTo(f, latch, outer), std::vector<Value>{j_next});
  ASSERT_EQ(f.dfg.BlockParams(inner).size(), 1u);
  EXPECT_EQ(ArgsTo(f, outer, inner), std::vector<Value>{n});
  EXPECT_EQ(ArgsTo(f, inner, inner), std::vector<Value>{dec});
  EXPECT_EQ(f.dfg[Inst(f.dfg.ValueInfo(dec).def)].args[1], three);
  EXPECT_EQ(f.dfg[Inst(f.dfg.ValueInfo(j_next).def)].args[1], three);
  // Nothing was created for k: the only parameters are the two above and entry's n.
  uint32_t params = 0;
  for (Block blk : f.layout.Blocks()) params += f.dfg.BlockParams(blk).size();
  EXPECT_EQ(params, 3u);
}

// DeclareJoin: a diamond entry -> {left, right} -> join where only `left` assigns y. Reading x
// at the join takes entry's value without reading the predecessors (so no parameter); y, which
// was declared, still gets its parameter from both sides. A second join declared with no
// variables at all reads y at its entry even though a predecessor assigns it: the builder
// trusts the declaration (which is what makes it cheap), so a client must name every variable
// the region assigns.
TEST(Builder, DeclaredJoinReadsUndeclaredVariablesAtItsEntry) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable x = b.DeclareVar(Type::kI32), y = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), left = b.CreateBlock(), right = b.CreateBlock(),
        join = b.CreateBlock(), left2 = b.CreateBlock(), right2 = b.CreateBlock(),
        join2 = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value n = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  Value one = b.Iconst(Type::kI32, 1), two = b.Iconst(Type::kI32, 2);
  b.DefVar(x, one);
  b.DefVar(y, two);
  b.Brif(n, left, {}, right, {});
  b.SealBlock(left);
  b.SealBlock(right);
  b.SwitchToBlock(left);
  Value three = b.Iconst(Type::kI32, 3);
  b.DefVar(y, three);
  b.Jump(join);
  b.SwitchToBlock(right);
  b.Jump(join);
  const Variable join_vars[] = {y, y};
  b.DeclareJoin(join, entry, join_vars);
  EXPECT_FALSE(b.IsLoopVar(join, x));
  EXPECT_TRUE(b.IsLoopVar(join, y));
  b.SealBlock(join);
  b.SwitchToBlock(join);
  EXPECT_EQ(b.UseVar(x), one);
  const Value y_join = b.UseVar(y);
  ASSERT_EQ(f.dfg.BlockParams(join).size(), 1u);
  EXPECT_EQ(y_join, f.dfg.BlockParams(join)[0]);
  EXPECT_EQ(ArgsTo(f, left, join), std::vector<Value>{three});
  EXPECT_EQ(ArgsTo(f, right, join), std::vector<Value>{two});
  // The second diamond, declared (wrongly) with no variables.
  b.Brif(n, left2, {}, right2, {});
  b.SealBlock(left2);
  b.SealBlock(right2);
  b.SwitchToBlock(left2);
  b.DefVar(y, one);
  b.Jump(join2);
  b.SwitchToBlock(right2);
  b.Jump(join2);
  b.DeclareJoin(join2, join, {});
  b.SealBlock(join2);
  b.SwitchToBlock(join2);
  // The declaration is trusted: no parameter, and no look at the predecessors. The value is
  // join's, or left2's when the cache kept since join (the region's entry) still holds it:
  // naming too few variables makes wrong code, whichever of the two it is.
  const Value y2 = b.UseVar(y);
  EXPECT_TRUE(y2 == y_join || y2 == one);
  EXPECT_TRUE(f.dfg.BlockParams(join2).empty());
  b.Return({b.Binary(Opcode::kIadd, b.UseVar(x), b.UseVar(y))});
  b.Finalize();
  ASSERT_TRUE(VerifyFunction(f).empty()) << PrintFunction(f);
}

// entry branches into the middle of a two-block cycle (a <-> b): irreducible.
TEST(Builder, IrreducibleCycleGetsParametersAtBothEntries) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable x = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), ba = b.CreateBlock(), bb = b.CreateBlock(), exit = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value n = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  b.DefVar(x, n);
  b.Brif(n, ba, {}, bb, {});
  b.SwitchToBlock(ba);
  Value a1 = b.BinaryImm(Opcode::kIaddImm, b.UseVar(x), 1);
  b.DefVar(x, a1);
  b.Brif(a1, bb, {}, exit, {});
  b.SwitchToBlock(bb);
  Value b1 = b.BinaryImm(Opcode::kIaddImm, b.UseVar(x), 2);
  b.DefVar(x, b1);
  b.Jump(ba);
  b.SealAllBlocks();
  b.SwitchToBlock(exit);
  b.Return({b.UseVar(x)});
  b.Finalize();
  ASSERT_EQ(f.dfg.BlockParams(ba).size(), 1u);
  ASSERT_EQ(f.dfg.BlockParams(bb).size(), 1u);
  EXPECT_EQ(ArgsTo(f, entry, ba), std::vector<Value>{n});
  EXPECT_EQ(ArgsTo(f, entry, bb), std::vector<Value>{n});
  EXPECT_EQ(ArgsTo(f, bb, ba), std::vector<Value>{b1});
  EXPECT_EQ(ArgsTo(f, ba, bb), std::vector<Value>{a1});
  EXPECT_TRUE(f.dfg.BlockParams(exit).empty());
}

// A long chain of diamonds reading a variable defined only at the top: the walk must not
// recurse once per diamond (it would overflow the stack under ASan), and no parameter is left.
TEST(Builder, DeepJoinChainIsIterativeAndTrivial) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable x = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value n = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  b.DefVar(x, n);
  constexpr int kDiamonds = 10000;
  for (int d = 0; d < kDiamonds; ++d) {
    Block l = b.CreateBlock(), r = b.CreateBlock(), j = b.CreateBlock();
    b.Brif(n, l, {}, r, {});
    b.SealBlock(l);
    b.SealBlock(r);
    b.SwitchToBlock(l);
    b.Jump(j);
    b.SwitchToBlock(r);
    b.Jump(j);
    b.SealBlock(j);
    b.SwitchToBlock(j);
  }
  EXPECT_EQ(b.UseVar(x), n);
  b.Return({n});
  b.Finalize();
  for (Block blk : f.layout.Blocks()) {
    if (blk != entry) {
      EXPECT_TRUE(f.dfg.BlockParams(blk).empty());
    }
  }
}

TEST(Builder, BrTableEdgesGetArgumentsForEveryEntry) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable x = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), t1 = b.CreateBlock(), t2 = b.CreateBlock(), join = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value n = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  b.DefVar(x, n);
  FunctionBuilder::Dest entries[] = {{t1, {}}, {t2, {}}, {t1, {}}};
  b.BrTable(n, {join, {}}, entries);
  b.SealBlock(t1);
  b.SealBlock(t2);
  EXPECT_EQ(b.NumPreds(t1), 1u);
  b.SwitchToBlock(t1);
  b.DefVar(x, b.Iconst(Type::kI32, 1));
  b.Jump(join);
  b.SwitchToBlock(t2);
  b.Jump(join);
  b.SealBlock(join);
  b.SwitchToBlock(join);
  Value r = b.UseVar(x);
  b.Return({r});
  b.Finalize();
  ASSERT_EQ(f.dfg.BlockParams(join).size(), 1u);
  // The default edge from the br_table passes n.
  const JumpTableData& jt = f.dfg.jump_table(JumpTable(f.dfg[f.layout.LastInst(entry)].ref));
  ASSERT_EQ(jt.default_dest.args.size, 1u);
  EXPECT_EQ(f.dfg.pool().Get(jt.default_dest.args)[0], n);
  EXPECT_EQ(jt.entries[0].args.size, 0u);
}

TEST(Builder, ValueListPoolSurvivesCopiesFromItself) {
  Function f("f", {{Type::kI32, Type::kI32}, {Type::kI32, Type::kI32}});
  FunctionBuilder b(f);
  Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  b.AppendBlockParam(entry, Type::kI32);
  b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  std::vector<Value> params(f.dfg.BlockParams(entry).begin(), f.dfg.BlockParams(entry).end());
  for (int k = 0; k < 100; ++k) b.Iconst(Type::kI32, k);
  b.Return(f.dfg.BlockParams(entry));  // a span into the pool itself
  b.Finalize();
  auto ret = f.dfg.VarArgs(f.layout.LastInst(entry));
  EXPECT_EQ(std::vector<Value>(ret.begin(), ret.end()), params);
}

// A one-value list has room for one value: growing it (Push, Insert at either end) moves it
// or, at the pool's end, grows it in place, and every list keeps its values.
TEST(Builder, OneValueListsGrowLikeOthers) {
  ValueListPool pool;
  const Value a(1), b(2), c(3), d(4);
  ValueList first = pool.MakeOne(a);
  ValueList second = pool.MakeOne(b);
  EXPECT_EQ(pool.PoolSize(), 2u);  // one slot each
  pool.Push(first, c);             // not at the end: moves
  pool.Insert(second, 0, d);       // `first` moved past it: not at the end either, moves
  pool.Push(second, a);
  pool.Insert(first, 1, b);
  auto as_vector = [&](ValueList l) {
    auto s = pool.Get(l);
    return std::vector<Value>(s.begin(), s.end());
  };
  EXPECT_EQ(as_vector(first), (std::vector<Value>{a, b, c}));
  EXPECT_EQ(as_vector(second), (std::vector<Value>{d, b, a}));
  ValueList last = pool.MakeOne(c);  // at the end: grows in place
  const size_t before = pool.PoolSize();
  pool.Push(last, d);
  EXPECT_EQ(pool.PoolSize(), before + 3);  // capacity 4 from the same start
  EXPECT_EQ(as_vector(last), (std::vector<Value>{c, d}));
}

// Many variables: the definitions of blocks left behind live in sorted per-block spans that
// grow (and move) as reads add parameters and zero definitions to finished blocks, in an order
// unrelated to the variables' numbers. Every read must still see its own variable's value.
TEST(Builder, ManyVariablesThroughSpansThatGrow) {
  constexpr uint32_t kVars = 300;
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  std::vector<Variable> vars;
  for (uint32_t i = 0; i < kVars; ++i) vars.push_back(b.DeclareVar(Type::kI32));
  Block entry = b.CreateBlock(), header = b.CreateBlock(), left = b.CreateBlock(),
        right = b.CreateBlock(), join = b.CreateBlock(), exit = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value n = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  // Odd variables get a constant in the entry block; even ones read as zero there.
  std::vector<Value> init(kVars);
  for (uint32_t i = 1; i < kVars; i += 2) b.DefVar(vars[i], init[i] = b.Iconst(Type::kI32, i));
  b.Jump(header);
  b.SwitchToBlock(header);  // unsealed until the back edge exists
  b.Brif(n, left, {}, right, {});
  b.SealBlock(left);
  b.SealBlock(right);
  b.SwitchToBlock(left);
  // Variables divisible by 3 change on the left only.
  std::vector<Value> left_val(kVars);
  for (uint32_t i = 0; i < kVars; i += 3)
    b.DefVar(vars[i], left_val[i] = b.Iconst(Type::kI32, 1000 + i));
  b.Jump(join);
  b.SwitchToBlock(right);
  b.Jump(join);
  b.SealBlock(join);
  b.SwitchToBlock(join);
  // Read in a scrambled order: 7 is coprime with 300.
  std::vector<Value> seen(kVars);
  for (uint32_t k = 0; k < kVars; ++k) {
    const uint32_t i = (k * 7) % kVars;
    seen[i] = b.UseVar(vars[i]);
  }
  // A second read of each finds the join's own definition.
  for (uint32_t i = 0; i < kVars; ++i) EXPECT_EQ(b.UseVar(vars[i]), seen[i]) << i;
  b.Brif(n, header, {}, exit, {});
  b.SealBlock(header);
  b.SwitchToBlock(exit);
  b.SealBlock(exit);
  b.Return({b.UseVar(vars[kVars - 1])});
  b.Finalize();
  // The header's parameters are all trivial except for the variables the left arm changes.
  uint32_t changed = 0;
  for (uint32_t i = 0; i < kVars; i += 3) ++changed;
  EXPECT_EQ(f.dfg.BlockParams(header).size(), changed);
  EXPECT_EQ(f.dfg.BlockParams(join).size(), changed);
  for (uint32_t i = 0; i < kVars; ++i) {
    const Value v = f.dfg.ResolveAliases(seen[i]);
    if (i % 3 == 0) {
      EXPECT_EQ(f.dfg.ValueInfo(v).kind, ValueKind::kParam) << i;
    } else if (i % 2 == 1) {
      EXPECT_EQ(v, init[i]) << i;  // unchanged everywhere: the entry's constant
    } else {
      const Inst def = Inst(f.dfg.ValueInfo(v).def);
      EXPECT_EQ(f.dfg[def].opcode, Opcode::kIconst) << i;  // the entry's zero
      EXPECT_EQ(f.dfg[def].imm, 0) << i;
    }
  }
}

// A block entered a second time still sees the definitions it made the first time.
TEST(Builder, ReenteredBlockKeepsItsDefinitions) {
  Function f("f", {{}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable x = b.DeclareVar(Type::kI32), y = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), other = b.CreateBlock();
  b.SwitchToBlock(entry);
  b.SealBlock(entry);
  Value c = b.Iconst(Type::kI32, 5);
  b.DefVar(x, c);
  b.SwitchToBlock(other);  // leaves entry: its definitions move to its span
  b.SwitchToBlock(entry);  // and back, to append more
  EXPECT_EQ(b.UseVar(x), c);
  Value d = b.Iconst(Type::kI32, 6);
  b.DefVar(y, d);
  EXPECT_EQ(b.UseVar(y), d);
  b.Jump(other);
  b.SwitchToBlock(other);
  b.SealBlock(other);
  EXPECT_EQ(b.UseVar(x), c);
  EXPECT_EQ(b.UseVar(y), d);
  b.Return({b.UseVar(x)});
  b.Finalize();
}

// A new sealed block entered straight from its only predecessor keeps that block's values
// (the blocks after successive br_ifs share one cache); its own definitions stay its own: a
// block entered from elsewhere sees the values of its own predecessor, not of the block left.
TEST(Builder, SinglePredecessorChainsInheritTheirPredecessorsValues) {
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable x = b.DeclareVar(Type::kI32), y = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), b1 = b.CreateBlock(), b2 = b.CreateBlock(), side = b.CreateBlock(),
        join = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value p = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  Value c1 = b.Iconst(Type::kI32, 1);
  b.DefVar(x, c1);
  b.Brif(p, b1, {}, join, {});
  b.SealBlock(b1);
  b.SwitchToBlock(b1);  // inherits entry's x
  EXPECT_EQ(b.UseVar(x), c1);
  Value d = b.Iconst(Type::kI32, 2);
  b.DefVar(y, d);
  b.Brif(p, b2, {}, side, {});
  b.SealBlock(b2);
  b.SealBlock(side);
  b.SwitchToBlock(b2);  // inherits b1's values, entry's too
  EXPECT_EQ(b.UseVar(x), c1);
  EXPECT_EQ(b.UseVar(y), d);
  Value c2 = b.Iconst(Type::kI32, 3);
  b.DefVar(x, c2);
  EXPECT_EQ(b.UseVar(x), c2);
  b.Jump(join);
  b.SwitchToBlock(side);  // its predecessor is b1, not b2: b2's x must not show
  EXPECT_EQ(b.UseVar(x), c1);
  EXPECT_EQ(b.UseVar(y), d);
  b.Jump(join);
  b.SealBlock(join);
  b.SwitchToBlock(join);
  Value joined = b.UseVar(x);  // c1 from entry and side, c2 from b2: a parameter
  EXPECT_EQ(f.dfg.ValueInfo(joined).kind, ValueKind::kParam);
  EXPECT_EQ(ArgsTo(f, b2, join), std::vector<Value>{c2});
  EXPECT_EQ(ArgsTo(f, side, join), std::vector<Value>{c1});
  EXPECT_EQ(ArgsTo(f, entry, join), std::vector<Value>{c1});
  b.Return({joined});
  b.Finalize();
  EXPECT_TRUE(Verify(f).ok());
}

TEST(Builder, DeclaredJoinsKeepTheCacheOfTheRegionsEntry) {
  // if p { y = 3 } else { read x }; join: declared with the one variable the region sets (y).
  // The join keeps the cache as it stood when the builder left the region's entry: x is
  // answered there with nothing walked or made, y (set in the region) is not.
  Function f("f", {{Type::kI32}, {Type::kI32}});
  FunctionBuilder b(f);
  Variable x = b.DeclareVar(Type::kI32), y = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), then_block = b.CreateBlock(), else_block = b.CreateBlock(),
        join = b.CreateBlock();
  b.SwitchToBlock(entry);
  Value p = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  Value c1 = b.Iconst(Type::kI32, 1), c2 = b.Iconst(Type::kI32, 2);
  b.DefVar(x, c1);
  b.DefVar(y, c2);
  b.Brif(p, then_block, {}, else_block, {});
  b.SealBlock(then_block);
  b.SealBlock(else_block);
  b.SwitchToBlock(then_block);
  Value c3 = b.Iconst(Type::kI32, 3);
  b.DefVar(y, c3);
  EXPECT_EQ(b.UseVar(y), c3);
  b.Jump(join);
  b.SwitchToBlock(else_block);
  EXPECT_EQ(b.UseVar(x), c1);
  b.Jump(join);
  const std::vector<Variable> region_sets = {y};
  b.DeclareJoin(join, entry, region_sets);
  b.SealBlock(join);
  b.SwitchToBlock(join);
  const size_t values = f.dfg.NumValues();
  EXPECT_EQ(b.UseVar(x), c1);
  EXPECT_EQ(f.dfg.NumValues(), values);
  Value joined = b.UseVar(y);  // c3 from the then branch, c2 from the else branch
  EXPECT_EQ(f.dfg.ValueInfo(joined).kind, ValueKind::kParam);
  EXPECT_EQ(ArgsTo(f, then_block, join), std::vector<Value>{c3});
  EXPECT_EQ(ArgsTo(f, else_block, join), std::vector<Value>{c2});
  b.Return({b.Binary(Opcode::kIadd, b.UseVar(x), joined)});
  b.Finalize();
  EXPECT_TRUE(Verify(f).ok());
}

// Signatures and external functions of a reset function are new entries from 0 again, whatever
// the slots Clear kept held (DataFlowGraph::NewSignature hands out an empty signature).
TEST(Builder, SignaturesAfterResetStartEmpty) {
  Function f("f", {{}, {}});
  for (int round = 0; round < 2; ++round) {
    f.Reset(round == 0 ? "f" : "g", {{}, {}});
    FunctionBuilder b(f);
    SigRef big = b.ImportSignature({{Type::kI64, Type::kI32, Type::kF64}, {Type::kI32}});
    SigRef fresh;
    Signature& s = b.NewSignature(&fresh);
    EXPECT_TRUE(s.params.empty());
    EXPECT_TRUE(s.results.empty());
    s.params.push_back(Type::kI64);
    s.results.push_back(Type::kF32);
    FuncRef callee = b.ImportFunction(round == 0 ? "a_long_callee_name_past_sso" : "c", fresh);
    EXPECT_EQ(big.index, 0u);
    EXPECT_EQ(fresh.index, 1u);
    EXPECT_EQ(callee.index, 0u);
    EXPECT_EQ(f.dfg.NumSignatures(), 2u);
    EXPECT_EQ(f.dfg.NumExtFuncs(), 1u);
    EXPECT_EQ(f.dfg.signature(big),
              (Signature{{Type::kI64, Type::kI32, Type::kF64}, {Type::kI32}}));
    EXPECT_EQ(f.dfg.signature(fresh), (Signature{{Type::kI64}, {Type::kF32}}));
    EXPECT_EQ(f.dfg.ext_func(callee).name, round == 0 ? "a_long_callee_name_past_sso" : "c");
    EXPECT_EQ(f.dfg.ext_func(callee).sig, fresh);
    Block entry = b.CreateBlock();
    b.SwitchToBlock(entry);
    b.SealBlock(entry);
    b.Return({});
    b.Finalize();
  }
}

}  // namespace
}  // namespace egret::ir
