// random_test.cc: property test of the speed pipeline on random acyclic functions.
//
// Each function has forward-only edges (so it terminates), values flowing between blocks through
// block parameters plus the entry block's values (the entry dominates every block, so GVN can
// merge across blocks), and a small operand pool so that duplicate expressions are common. Some
// operations trap (udiv/urem by zero). The pipeline must keep the function verifying and give the
// interpreter's exact results and traps on every input; most functions must also shrink, so the
// test cannot pass by doing nothing.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ir/builder.h"
#include "ir/interpreter.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/pass_manager.h"

namespace egret::opt {
namespace {

ir::Function RandomFunction(std::mt19937& rng) {
  using ir::Opcode;
  using ir::Type;
  ir::Function f("f", {{Type::kI32, Type::kI32}, {Type::kI32}});
  ir::FunctionBuilder b(f);
  const uint32_t n = 1 + rng() % 6;
  std::vector<ir::Block> blocks;
  for (uint32_t k = 0; k < n; ++k) blocks.push_back(b.CreateBlock());
  std::vector<std::vector<ir::Value>> params(n);
  params[0] = {b.AppendBlockParam(blocks[0], Type::kI32),
               b.AppendBlockParam(blocks[0], Type::kI32)};
  for (uint32_t k = 1; k < n; ++k) {
    const uint32_t np = rng() % 3;
    for (uint32_t p = 0; p < np; ++p)
      params[k].push_back(b.AppendBlockParam(blocks[k], Type::kI32));
  }
  for (uint32_t k = 0; k < n; ++k) f.layout.AppendBlock(blocks[k]);
  constexpr Opcode kOps[] = {Opcode::kIadd, Opcode::kIsub, Opcode::kImul, Opcode::kBxor,
                             Opcode::kBand, Opcode::kUdiv, Opcode::kUrem};
  std::vector<ir::Value> entry_values;
  for (uint32_t k = 0; k < n; ++k) {
    b.SwitchToBlock(blocks[k]);
    std::vector<ir::Value> avail = params[k];
    if (k != 0) avail.insert(avail.end(), entry_values.begin(), entry_values.end());
    auto pick = [&] {
      if (avail.empty()) avail.push_back(b.Iconst(Type::kI32, static_cast<int64_t>(rng() % 4)));
      // Prefer the first few values, so duplicates of the same expression are common.
      const size_t lim = std::min<size_t>(avail.size(), 4);
      return avail[rng() % 2 ? rng() % lim : rng() % avail.size()];
    };
    const uint32_t ninst = rng() % 10;
    for (uint32_t i = 0; i < ninst; ++i) {
      ir::Value v;
      if (rng() % 5 == 0) {
        v = b.Iconst(Type::kI32, static_cast<int64_t>(rng() % 3));
      } else {
        const Opcode op = kOps[rng() % (rng() % 4 == 0 ? 7 : 5)];
        const ir::Value x = pick(), y = pick();
        v = b.Binary(op, x, y);
      }
      avail.push_back(v);
      if (k == 0) entry_values.push_back(v);
    }
    auto args_for = [&](uint32_t t) {
      std::vector<ir::Value> a;
      for (size_t p = 0; p < params[t].size(); ++p) a.push_back(pick());
      return a;
    };
    const uint32_t left = n - 1 - k;  // blocks after this one
    if (left == 0 || rng() % 4 == 0) {
      b.Return({pick()});
    } else if (left == 1 || rng() % 2 == 0) {
      const uint32_t t = k + 1 + rng() % left;
      b.Jump(blocks[t], args_for(t));
    } else {
      const uint32_t t0 = k + 1 + rng() % left, t1 = k + 1 + rng() % left;
      const ir::Value c = pick();
      const auto a0 = args_for(t0), a1 = args_for(t1);
      b.Brif(c, blocks[t0], a0, blocks[t1], a1);
    }
  }
  b.SealAllBlocks();
  b.Finalize();
  return f;
}

TEST(Random, SpeedPipelinePreservesSemantics) {
  std::mt19937 rng(12345);
  PassManagerOptions o;
  o.verify = true;
  Expected<PassManager> pm = PassManager::ForOptLevel("speed", o);
  ASSERT_TRUE(pm.ok());
  int shrunk = 0;
  constexpr int kFunctions = 400;
  for (int iter = 0; iter < kFunctions; ++iter) {
    ir::Module before, after;
    before.functions.push_back(RandomFunction(rng));
    ASSERT_TRUE(ir::Verify(before.functions[0]).ok()) << ir::PrintFunction(before.functions[0]);
    after.functions.push_back(before.functions[0]);
    Status s = pm->Run(after.functions[0]);
    ASSERT_TRUE(s.ok()) << s.error().ToString() << "\n" << ir::PrintFunction(before.functions[0]);
    if (after.functions[0].NumLayoutInsts() < before.functions[0].NumLayoutInsts()) ++shrunk;
    ir::Interpreter ib(before), ia(after);
    for (int t = 0; t < 12; ++t) {
      const uint32_t x = t < 4 ? static_cast<uint32_t>(t) : rng() % (t < 8 ? 5u : 0xffffffffu);
      const uint32_t y = t < 4 ? static_cast<uint32_t>(3 - t) : rng() % (t < 8 ? 5u : 0xffffffffu);
      const ir::DataValue args[] = {{ir::Type::kI32, x}, {ir::Type::kI32, y}};
      const ir::InterpResult rb = ib.Call("f", args);
      const ir::InterpResult ra = ia.Call("f", args);
      ASSERT_EQ(static_cast<int>(rb.kind), static_cast<int>(ra.kind))
          << ir::PrintFunction(before.functions[0]) << ir::PrintFunction(after.functions[0]);
      EXPECT_EQ(rb.values, ra.values) << ir::PrintFunction(before.functions[0]);
      EXPECT_EQ(rb.trap, ra.trap);
    }
  }
  EXPECT_GT(shrunk, kFunctions / 4);
}

}  // namespace
}  // namespace egret::opt
