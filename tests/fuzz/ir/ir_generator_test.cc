// ir_generator_test.cc: the IR generator with SIMD on (GeneratorOptions::simd) makes modules
// that verify, cover every vector opcode, and give the interpreter's exact outcome after every
// opt pass alone and after the speed pipeline: the property the fuzz target checks, run over a
// fixed set of pseudo-random inputs so that it holds under ctest whatever the corpus covers. The
// same for atomics on the stack slot (GeneratorOptions::atomics).
#include "tests/fuzz/ir/ir_generator.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ir/interpreter.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/pass_manager.h"

namespace egret::fuzz {
namespace {

bool SameOutcome(const ir::InterpResult& a, const ir::InterpResult& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == ir::InterpResult::Kind::kTrapped) return a.trap == b.trap;
  return a.values == b.values;  // bit for bit, NaNs and vector lanes included
}

TEST(IrGenerator, SimdModulesVerifyCoverEveryVectorOpAndSurviveEveryPass) {
  constexpr int kModules = 2000;
  std::vector<opt::PassManager> pipelines;
  opt::PassManagerOptions o;
  o.verify = true;
  for (const opt::Pass& p : opt::AllPasses()) {
    const std::string_view names[] = {p.name};
    Expected<opt::PassManager> pm = opt::PassManager::FromNames(names, o);
    ASSERT_TRUE(pm.ok());
    pipelines.push_back(std::move(*pm));
  }
  Expected<opt::PassManager> speed = opt::PassManager::ForOptLevel("speed", o);
  ASSERT_TRUE(speed.ok());
  pipelines.push_back(std::move(*speed));

  std::vector<int> seen(ir::kNumOpcodes, 0);
  int returned = 0, vector_results = 0, calls = 0;
  std::mt19937 rng(2718);
  for (int m = 0; m < kModules; ++m) {
    std::vector<uint8_t> bytes(4096);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
    ByteSource in(bytes);
    GeneratorOptions gopts;
    gopts.simd = true;
    gopts.stack_slots = m % 2 == 0;
    IrGenerator gen(in, gopts);
    const ir::Module module = gen.GenerateModule();
    for (const ir::Function& f : module.functions) {
      // Function boundaries carry Wasm's v128 as i8x16, never another shape.
      for (const auto* types : {&f.signature.params, &f.signature.results})
        for (ir::Type t : *types) ASSERT_TRUE(!ir::IsVector(t) || t == ir::Type::kI8x16);
      ASSERT_TRUE(ir::Verify(f).ok()) << ir::Verify(f).error().message << "\n"
                                      << ir::PrintFunction(f);
      for (ir::Block b : f.layout.Blocks())
        for (ir::Inst i : f.layout.Insts(b)) ++seen[static_cast<int>(f.dfg[i].opcode)];
    }
    std::vector<ir::DataValue> args = {{ir::Type::kI64, 0}};
    for (const ir::DataValue& a : gen.GenerateArgs(module.functions[1].signature))
      args.push_back(a);
    ir::InterpOptions io;
    io.heap_size = 0;
    ir::Interpreter oracle(module, io);
    const ir::InterpResult want = oracle.Call("main", args);
    ASSERT_NE(want.kind, ir::InterpResult::Kind::kError) << want.error << "\n"
                                                         << ir::PrintModule(module);
    ++calls;
    if (want.kind == ir::InterpResult::Kind::kReturned) {
      ++returned;
      for (const ir::DataValue& v : want.values) vector_results += ir::IsVector(v.type);
    }
    for (const opt::PassManager& pm : pipelines) {
      ir::Module after = module;
      for (ir::Function& f : after.functions) {
        Status st = pm.Run(f);
        ASSERT_TRUE(st.ok()) << st.error().message << "\n" << ir::PrintModule(module);
      }
      ir::Interpreter interp(after, io);
      const ir::InterpResult got = interp.Call("main", args);
      ASSERT_TRUE(SameOutcome(want, got)) << "before:\n"
                                          << ir::PrintModule(module) << "after:\n"
                                          << ir::PrintModule(after);
    }
  }
  for (int k = 0; k < ir::kNumOpcodes; ++k) {
    const ir::Opcode op = static_cast<ir::Opcode>(k);
    if (ir::IsVectorOp(op)) {
      EXPECT_GT(seen[k], 0) << ir::OpcodeName(op) << " never generated";
    }
  }
  // Enough runs return, with vector values among the results, for the comparisons to matter.
  EXPECT_GT(returned, calls / 3);
  EXPECT_GT(vector_results, calls / 10);
}

// GeneratorOptions::atomics: stack-slot modules with atomics verify, contain every atomic
// opcode and rmw operation, and give the interpreter's exact outcome after every pass alone and
// after the speed pipeline (no pass may drop, merge or reorder them); without the option none
// appears.
TEST(IrGenerator, AtomicModulesVerifyCoverEveryAtomicAndSurviveEveryPass) {
  constexpr int kModules = 1000;
  std::vector<opt::PassManager> pipelines;
  opt::PassManagerOptions o;
  o.verify = true;
  for (const opt::Pass& p : opt::AllPasses()) {
    const std::string_view names[] = {p.name};
    Expected<opt::PassManager> pm = opt::PassManager::FromNames(names, o);
    ASSERT_TRUE(pm.ok());
    pipelines.push_back(std::move(*pm));
  }
  Expected<opt::PassManager> speed = opt::PassManager::ForOptLevel("speed", o);
  ASSERT_TRUE(speed.ok());
  pipelines.push_back(std::move(*speed));

  std::vector<int> seen(ir::kNumOpcodes, 0), seen_off(ir::kNumOpcodes, 0);
  std::vector<int> rmw_ops(ir::kNumAtomicRmwOps, 0);
  int returned = 0;
  std::mt19937 rng(1618);
  for (int m = 0; m < kModules; ++m) {
    std::vector<uint8_t> bytes(4096);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
    for (bool atomics : {true, false}) {
      if (!atomics && m % 10 != 0) continue;
      ByteSource in(bytes);
      GeneratorOptions gopts;
      gopts.atomics = atomics;
      gopts.simd = m % 2 == 0;
      IrGenerator gen(in, gopts);
      const ir::Module module = gen.GenerateModule();
      for (const ir::Function& f : module.functions) {
        ASSERT_TRUE(ir::Verify(f).ok()) << ir::Verify(f).error().message << "\n"
                                        << ir::PrintFunction(f);
        for (ir::Block b : f.layout.Blocks())
          for (ir::Inst i : f.layout.Insts(b)) {
            const ir::InstData& d = f.dfg[i];
            ++(atomics ? seen : seen_off)[static_cast<int>(d.opcode)];
            if (d.opcode == ir::Opcode::kAtomicRmw) ++rmw_ops[d.cond];
          }
      }
      if (!atomics) continue;
      std::vector<ir::DataValue> args = {{ir::Type::kI64, 0}};
      for (const ir::DataValue& a : gen.GenerateArgs(module.functions[1].signature))
        args.push_back(a);
      ir::InterpOptions io;
      io.heap_size = 0;
      ir::Interpreter oracle(module, io);
      const ir::InterpResult want = oracle.Call("main", args);
      ASSERT_NE(want.kind, ir::InterpResult::Kind::kError) << want.error << "\n"
                                                           << ir::PrintModule(module);
      returned += want.kind == ir::InterpResult::Kind::kReturned;
      for (const opt::PassManager& pm : pipelines) {
        ir::Module after = module;
        for (ir::Function& f : after.functions) {
          Status st = pm.Run(f);
          ASSERT_TRUE(st.ok()) << st.error().message << "\n" << ir::PrintModule(module);
        }
        ir::Interpreter interp(after, io);
        const ir::InterpResult got = interp.Call("main", args);
        ASSERT_TRUE(SameOutcome(want, got)) << "before:\n"
                                            << ir::PrintModule(module) << "after:\n"
                                            << ir::PrintModule(after);
      }
    }
  }
  for (ir::Opcode op : {ir::Opcode::kAtomicLoad, ir::Opcode::kAtomicStore, ir::Opcode::kAtomicRmw,
                        ir::Opcode::kAtomicCas, ir::Opcode::kFence}) {
    EXPECT_GT(seen[static_cast<int>(op)], 0) << ir::OpcodeName(op) << " never generated";
    EXPECT_EQ(seen_off[static_cast<int>(op)], 0) << ir::OpcodeName(op) << " without the option";
  }
  for (int k = 0; k < ir::kNumAtomicRmwOps; ++k)
    EXPECT_GT(rmw_ops[k], 0) << ir::AtomicRmwOpName(static_cast<ir::AtomicRmwOp>(k));
  EXPECT_GT(returned, kModules / 4);
}

TEST(IrGenerator, SimdWithoutSignatureVectorsKeepsThemInside) {
  std::mt19937 rng(77);
  int vector_values = 0;
  for (int m = 0; m < 200; ++m) {
    std::vector<uint8_t> bytes(2048);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
    ByteSource in(bytes);
    GeneratorOptions gopts;
    gopts.simd = true;
    gopts.stack_slots = false;
    gopts.simd_signatures = false;
    IrGenerator gen(in, gopts);
    const ir::Module module = gen.GenerateModule();
    for (const ir::Function& f : module.functions) {
      for (ir::Type t : f.signature.params) ASSERT_FALSE(ir::IsVector(t));
      for (ir::Type t : f.signature.results) ASSERT_FALSE(ir::IsVector(t));
      ASSERT_TRUE(ir::Verify(f).ok());
      for (size_t v = 0; v < f.dfg.NumValues(); ++v)
        vector_values += ir::IsVector(f.dfg.ValueType(ir::Value(static_cast<uint32_t>(v))));
    }
  }
  EXPECT_GT(vector_values, 1000);
}

TEST(IrGenerator, SimdOffGeneratesNoVectors) {
  std::mt19937 rng(31);
  for (int m = 0; m < 200; ++m) {
    std::vector<uint8_t> bytes(2048);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
    ByteSource in(bytes);
    IrGenerator gen(in, GeneratorOptions{});
    const ir::Module module = gen.GenerateModule();
    for (const ir::Function& f : module.functions)
      for (size_t v = 0; v < f.dfg.NumValues(); ++v)
        ASSERT_FALSE(ir::IsVector(f.dfg.ValueType(ir::Value(static_cast<uint32_t>(v)))));
  }
}

}  // namespace
}  // namespace egret::fuzz
