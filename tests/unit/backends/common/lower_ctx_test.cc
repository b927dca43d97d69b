// lower_ctx_test.cc: the shared lowering context's facts and sinking preconditions, and the walk
// (block order, edge blocks, constant rematerialization at each use), on parsed IR with a
// recording LowerRules that stands for a target.
#include "backends/common/lower_ctx.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/parser.h"

namespace egret::backend {
namespace {

constexpr const char* kText = R"(
function %f(i64, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i32 heap v0
    v3 = iconst.i32 5
    v4 = iadd v1, v2
    v5 = icmp slt v4, v3
    brif v5, block1, block2(v4)
block1:
    v6 = load.i32 heap v0
    store heap v1, v0
    v7 = iadd v6, v1
    jump block2(v7)
block2(v8: i32):
    v9 = iadd v8, v3
    return v9
}
)";

ir::Function Parse() {
  Expected<ir::Module> m = ir::ParseModule(kText);
  EGRET_CHECK(m.ok());
  return std::move(m->functions[0]);
}

// A small calling convention: two integer and one float argument register, the rest on the
// stack (every call layout in the tests below has stack arguments).
constexpr uint8_t kIntArgs[] = {7, 6};
constexpr uint8_t kFloatArgs[] = {0};
constexpr uint8_t kIntResults[] = {0};
constexpr uint8_t kFloatResults[] = {0};
const CallConv kConv{kIntArgs, kFloatArgs, kIntResults, kFloatResults};

// Finds the instruction defining value `vN` (by its number in the text).
ir::Inst Def(const LowerCtx& ctx, uint32_t n) { return ctx.DefInstId(ir::Value(n)); }

// Records what the walk asks of a target: each lowered instruction, each block start, each jump.
class Recorder final : public LowerRules {
 public:
  explicit Recorder(LowerCtx& ctx) : ctx_(ctx) {}

  regalloc::VReg Rematerialize(ir::Value v, const ir::InstData& def) override {
    log += "remat(v" + std::to_string(v.index) + "=" + std::to_string(def.imm) + ") ";
    regalloc::VReg r = ctx_.NewVReg(ir::Type::kI32);
    ctx_.ra().AddInst({regalloc::Operand::Def(r)});
    return r;
  }
  bool IsSunk(ir::Inst i) const override {
    // The compare folds into its brif, as a target's matcher would decide.
    if (ctx_.dfg()[i].opcode != ir::Opcode::kIcmp) return false;
    const ir::Value v = ctx_.dfg().FirstResult(i);
    const ir::Inst u = ctx_.SoleUser(v);
    return u.valid() && ctx_.dfg()[u].opcode == ir::Opcode::kBrif && ctx_.CanSinkInto(v, u);
  }
  Status LowerEntry(ir::Block entry) override {
    log += "entry ";
    std::vector<regalloc::Operand> ops;
    for (ir::Value p : ctx_.dfg().BlockParams(entry))
      ops.push_back(regalloc::Operand::Def(ctx_.DefVReg(p)));
    ctx_.ra().AddInst(ops);
    return Status::Ok();
  }
  Status LowerInst(ir::Inst i) override {
    const ir::InstData& d = ctx_.dfg()[i];
    log += std::string(ir::OpcodeName(d.opcode)) + " ";
    if (d.opcode == ir::Opcode::kIconst) return Status::Ok();
    std::vector<regalloc::Operand> ops;
    ctx_.dfg().ForEachOperand(
        i, [&](ir::Value v) { ops.push_back(regalloc::Operand::Use(ctx_.Use(v))); });
    for (ir::Value r : ctx_.dfg().InstResults(i))
      ops.push_back(regalloc::Operand::Def(ctx_.DefVReg(r)));
    ctx_.ra().AddInst(ops);
    return Status::Ok();
  }
  Status LowerTerminator(ir::Inst i, ir::Block b) override {
    log += std::string(ir::OpcodeName(ctx_.dfg()[i].opcode)) + " ";
    if (ctx_.dfg()[i].opcode == ir::Opcode::kReturn) {
      ctx_.ra().AddInst({});
      return Status::Ok();
    }
    BranchTargets t = ctx_.PlanBranch(i, b);
    ctx_.ra().AddInst({});
    for (size_t k = 0; k < t.distinct.size(); ++k) {
      // (Only the first distinct.size() argument lists belong to this branch.)
      log += "->" + std::to_string(t.distinct[k]);
      if (!t.distinct_args[k].empty()) log += "(" + std::to_string(t.distinct_args[k].size()) + ")";
      log += " ";
      ctx_.ra().AddSucc(regalloc::Block(t.distinct[k]), t.distinct_args[k]);
    }
    return Status::Ok();
  }
  void EmitJump(uint32_t target, std::span<const regalloc::VReg> args) override {
    log += "edge->" + std::to_string(target) + " ";
    ctx_.ra().AddInst({});
    ctx_.ra().AddSucc(regalloc::Block(target), args);
  }

  std::string log;

 private:
  LowerCtx& ctx_;
};

TEST(LowerCtx, SinkingPreconditions) {
  const ir::Function f = Parse();
  regalloc::Function ra;
  LowerCtx ctx(f, ra, "test");
  Recorder rules(ctx);
  ASSERT_TRUE(LowerFunction(ctx, rules).ok());

  const ir::Inst load0 = Def(ctx, 2), add4 = Def(ctx, 4), cmp5 = Def(ctx, 5);
  const ir::Inst load6 = Def(ctx, 6), add7 = Def(ctx, 7);
  EXPECT_EQ(ctx.UseCount(ir::Value(3)), 2u);  // the constant, in two blocks
  EXPECT_TRUE(ctx.IsConst(ir::Value(3)));
  int64_t imm = 0;
  EXPECT_TRUE(ctx.IsIconst(ir::Value(3), &imm));
  EXPECT_EQ(imm, 5);
  // v2 (a load) is used once, by the iadd in its block, with nothing in between.
  EXPECT_EQ(ctx.SoleUser(ir::Value(2)), add4);
  EXPECT_TRUE(ctx.CanSinkInto(ir::Value(2), add4));
  EXPECT_TRUE(ctx.OnlyPureBetween(load0, add4));  // the iconst between them is pure
  // v4 has two uses (the compare and the branch argument): no sole user.
  EXPECT_FALSE(ctx.SoleUser(ir::Value(4)).valid());
  EXPECT_FALSE(ctx.CanSinkInto(ir::Value(4), cmp5));
  // v6's load cannot move past the store to its user.
  EXPECT_TRUE(ctx.CanSinkInto(ir::Value(6), add7));
  EXPECT_FALSE(ctx.OnlyPureBetween(load6, add7));
  // Block parameters and values of other blocks never sink.
  EXPECT_FALSE(ctx.CanSinkInto(ir::Value(1), add4));
  EXPECT_FALSE(ctx.CanSinkInto(ir::Value(3), Def(ctx, 9)));
  EXPECT_NE(ctx.Unsupported("x").error().message.find("test: not supported: x (function f)"),
            std::string::npos);
}

TEST(LowerCtx, WalkOrderEdgeBlocksAndRematerialization) {
  const ir::Function f = Parse();
  regalloc::Function ra;
  LowerCtx ctx(f, ra, "test");
  Recorder rules(ctx);
  ASSERT_TRUE(LowerFunction(ctx, rules).ok());
  // block0 = vblock 0; its brif goes to block1 directly and to block2 (two predecessors) through
  // an edge block right after it (vblock 1, carrying v4); block1 = 2, block2 = 3. The compare is
  // sunk (so its use of the constant never happens); the constant is rematerialized at its
  // remaining use, in block2, when the rule asks for it.
  EXPECT_EQ(rules.log,
            "entry load iconst iadd brif ->2 ->1 edge->3 load store iadd jump ->3(1) iadd "
            "remat(v3=5) return ");
  EXPECT_EQ(ctx.order().num_vblocks, 4u);
  EXPECT_EQ(ra.num_blocks(), 4u);
}

TEST(LowerCtx, BranchPlansAndLoopTablesAcrossBlocks) {
  // A loop nested in a loop, branches with two, one and no argument lists of their own (edge
  // blocks pass theirs): each plan's argument lists are its own although the context keeps the
  // lists of earlier, wider branches; each VCode block's loop depth, header and parent header
  // (the allocator's loop tables) are those of its IR block's innermost loop.
  Expected<ir::Module> m = ir::ParseModule(R"(
function %nest(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    brif v0, block1(v0, v1), block4(v1)
block1(v2: i32, v3: i32):
    jump block2(v3)
block2(v4: i32):
    brif v4, block2(v2), block3
block3:
    brif v2, block1(v4, v3), block4(v4)
block4(v5: i32):
    return v5
}
)");
  ASSERT_TRUE(m.ok()) << m.error().message;
  const ir::Function& f = m->functions[0];
  regalloc::Function ra;
  LowerCtx ctx(f, ra, "test");
  Recorder rules(ctx);
  ASSERT_TRUE(LowerFunction(ctx, rules).ok());
  // block0 = 0 (block1 and block4 have two predecessors: edge blocks 1 and 2); block1 = 3;
  // block2 = 4 (its brif: to itself through edge block 5, block3 directly); block3 = 6 (edge
  // blocks 7 and 8); block4 = 9.
  EXPECT_EQ(rules.log,
            "entry brif ->1 ->2 edge->3 edge->9 jump ->4(1) brif ->5 ->6 edge->4 brif ->7 ->8 "
            "edge->3 edge->9 return ");
  ASSERT_EQ(ra.num_blocks(), 10u);
  constexpr uint32_t kNo = regalloc::Function::kNoLoop;
  // Outer loop: block1 (header, VCode 3), block2, block3 and the edge blocks inside it (an edge
  // block is in the innermost loop holding both ends: the entry's edge into the outer loop is in
  // none); inner loop: block2 (header, VCode 4) and its back edge's block 5.
  const std::vector<uint32_t> depth = {0, 0, 0, 1, 2, 2, 1, 1, 0, 0};
  const std::vector<uint32_t> header = {kNo, kNo, kNo, 3, 4, 4, 3, 3, kNo, kNo};
  const std::vector<uint32_t> parent = {kNo, kNo, kNo, kNo, 3, kNo, kNo, kNo, kNo, kNo};
  EXPECT_EQ(ra.loop_depth, depth);
  EXPECT_EQ(ra.loop_header, header);
  EXPECT_EQ(ra.loop_parent, parent);
}

TEST(LowerCtx, RejectsABranchToTheEntry) {
  Expected<ir::Module> m = ir::ParseModule(R"(
function %loop(i32) -> i32 {
block0(v0: i32):
    jump block0(v0)
}
)");
  ASSERT_TRUE(m.ok()) << m.error().message;
  regalloc::Function ra;
  LowerCtx ctx(m->functions[0], ra, "test");
  Recorder rules(ctx);
  Status st = LowerFunction(ctx, rules);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("branch to the entry block"), std::string::npos);
}

// Whether two call layouts place every parameter and result alike.
bool SameLayout(const CallLayout& a, const CallLayout& b) {
  auto same = [](const std::vector<AbiLoc>& x, const std::vector<AbiLoc>& y) {
    if (x.size() != y.size()) return false;
    for (size_t k = 0; k < x.size(); ++k)
      if (x[k].on_stack != y[k].on_stack || x[k].fp != y[k].fp || x[k].kind != y[k].kind ||
          x[k].reg != y[k].reg || x[k].slot != y[k].slot)
        return false;
    return true;
  };
  return same(a.params, b.params) && same(a.results, b.results) && a.stack_args == b.stack_args &&
         a.stack_results == b.stack_results;
}

TEST(LowerCtx, CalleesAndCallLayoutsAreComputedOncePerFunction) {
  // Two functions calling through their own external-function and signature tables, lowered one
  // after the other on this thread (the second reuses the first's storage): each FuncRef answers
  // its own name's target, an unknown name answers null, each SigRef its own signature's layout,
  // and nothing carries over between functions.
  Expected<ir::Module> m = ir::ParseModule(R"(
function %a(i32) -> i32 {
    sig0 = (i32) -> i32
    sig1 = (i64, f64, i32, i32, i32) -> f32
    fn0 = %g sig0
    fn1 = %h sig0
    fn2 = %missing sig0
    fn3 = %k sig1
block0(v0: i32):
    v1 = call %g(v0)
    v2 = call %h(v1)
    v3 = call %g(v2)
    return v3
}
function %b(i32) -> i32 {
    sig0 = (i64, f64, i32, i32, i32) -> f32
    sig1 = (i32) -> i32
    fn0 = %h sig1
block0(v0: i32):
    v1 = call %h(v0)
    return v1
}
)");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ModuleContext module;
  module.callees["g"] = {CallTarget::Kind::kFunction, 7};
  module.callees["h"] = {CallTarget::Kind::kBuiltin, 3};
  {
    regalloc::Function ra;
    LowerCtx ctx(m->functions[0], ra, "test");
    Recorder rules(ctx);
    ASSERT_TRUE(LowerFunction(ctx, rules).ok());
    for (int round = 0; round < 2; ++round) {  // the second round reads the answers kept
      const CallTarget* g = ctx.Callee(ir::FuncRef(0), module);
      const CallTarget* h = ctx.Callee(ir::FuncRef(1), module);
      ASSERT_NE(g, nullptr);
      ASSERT_NE(h, nullptr);
      EXPECT_EQ(g, &module.callees["g"]);
      EXPECT_EQ(g->index, 7u);
      EXPECT_EQ(h->kind, CallTarget::Kind::kBuiltin);
      EXPECT_EQ(ctx.Callee(ir::FuncRef(2), module), nullptr);
      for (uint32_t s = 0; s < 2; ++s) {
        const ir::Signature& sig = m->functions[0].dfg.signature(ir::SigRef(s));
        const CallLayout& l = ctx.CallLayoutOf(ir::SigRef(s), kConv);
        EXPECT_TRUE(SameLayout(l, ComputeCallLayout(kConv, sig.params, sig.results))) << s;
        EXPECT_EQ(&ctx.CallLayoutOf(ir::SigRef(s), kConv), &l);  // kept, not recomputed
      }
    }
  }
  regalloc::Function ra;
  LowerCtx ctx(m->functions[1], ra, "test");
  Recorder rules(ctx);
  ASSERT_TRUE(LowerFunction(ctx, rules).ok());
  // FuncRef 0 is %h here (it was %g in the function before), and the signatures swapped.
  EXPECT_EQ(ctx.Callee(ir::FuncRef(0), module), &module.callees["h"]);
  for (uint32_t s = 0; s < 2; ++s) {
    const ir::Signature& sig = m->functions[1].dfg.signature(ir::SigRef(s));
    EXPECT_TRUE(SameLayout(ctx.CallLayoutOf(ir::SigRef(s), kConv),
                           ComputeCallLayout(kConv, sig.params, sig.results)))
        << s;
  }
}

}  // namespace
}  // namespace egret::backend
