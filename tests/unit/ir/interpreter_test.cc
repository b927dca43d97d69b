// interpreter_test.cc: the interpreter through its API (heap, traps, limits) and on functions
// built with SSA construction, and `; run:` line handling.
#include "ir/interpreter.h"

#include <gtest/gtest.h>

#include "ir/builder.h"
#include "ir/parser.h"
#include "ir/run_test.h"
#include "ir/verifier.h"

namespace egret::ir {
namespace {

Module ParseOrDie(std::string_view text) {
  auto m = ParseModule(text, "t.eir");
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().ToString());
  for (const Function& f : m->functions) EXPECT_TRUE(Verify(f).ok()) << Verify(f).error().message;
  return std::move(m).value();
}

DataValue I32(uint32_t v) { return {Type::kI32, v}; }
DataValue I64(uint64_t v) { return {Type::kI64, v}; }

TEST(Interpreter, SsaBuiltLoopComputesSum) {
  Module m;
  m.functions.emplace_back("sum", Signature{{Type::kI32}, {Type::kI32}});
  Function& f = m.functions.back();
  FunctionBuilder b(f);
  Variable i = b.DeclareVar(Type::kI32), sum = b.DeclareVar(Type::kI32);
  Block entry = b.CreateBlock(), header = b.CreateBlock(), body = b.CreateBlock(),
        exit = b.CreateBlock();
  b.SwitchToBlock(entry);
  b.DefVar(i, b.AppendBlockParam(entry, Type::kI32));
  b.SealBlock(entry);
  b.Jump(header);  // sum is never defined before the loop: reads as zero
  b.SwitchToBlock(header);
  b.Brif(b.UseVar(i), body, {}, exit, {});
  b.SealBlock(body);
  b.SwitchToBlock(body);
  b.DefVar(sum, b.Binary(Opcode::kIadd, b.UseVar(sum), b.UseVar(i)));
  b.DefVar(i, b.BinaryImm(Opcode::kIaddImm, b.UseVar(i), -1));
  b.Jump(header);
  b.SealBlock(header);
  b.SealBlock(exit);
  b.SwitchToBlock(exit);
  b.Return({b.UseVar(sum)});
  b.Finalize();
  ASSERT_TRUE(Verify(f).ok()) << Verify(f).error().message;
  Interpreter interp(m);
  DataValue arg = I32(100);
  InterpResult r = interp.Call("sum", std::span<const DataValue>(&arg, 1));
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
  ASSERT_EQ(r.values.size(), 1u);
  EXPECT_EQ(r.values[0], I32(5050));
}

TEST(Interpreter, HeapIsVisibleToTheEmbedder) {
  Module m = ParseOrDie(R"(
function %poke(i64, i32) {
block0(v0: i64, v1: i32):
    store heap v1, v0+4
    return
}
)");
  Interpreter interp(m, {.heap_size = 16});
  DataValue args[] = {I64(8), I32(0xdeadbeef)};
  InterpResult r = interp.Call("poke", args);
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned);
  EXPECT_EQ(interp.heap()[12], 0xef);
  EXPECT_EQ(interp.heap()[15], 0xde);
  DataValue oob[] = {I64(9), I32(1)};
  r = interp.Call("poke", oob);
  EXPECT_EQ(r.kind, InterpResult::Kind::kTrapped);
  EXPECT_EQ(r.trap, TrapCode::kHeapOutOfBounds);
  DataValue far[] = {I64(uint64_t{1} << 39), I32(1)};  // between the heap and the stack
  r = interp.Call("poke", far);
  EXPECT_EQ(r.kind, InterpResult::Kind::kTrapped);
  // address + offset wraps modulo 2^64, as address arithmetic in machine code does.
  DataValue wrap[] = {I64(~uint64_t{0} - 3), I32(0x11)};
  r = interp.Call("poke", wrap);
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned);
  EXPECT_EQ(interp.heap()[0], 0x11);
}

TEST(Interpreter, InfiniteLoopHitsTheStepLimit) {
  Module m = ParseOrDie(R"(
function %spin() {
block0:
    jump block0
}
)");
  Interpreter interp(m, {.max_steps = 1000});
  InterpResult r = interp.Call("spin", {});
  EXPECT_EQ(r.kind, InterpResult::Kind::kError);
  EXPECT_NE(r.error.find("step limit"), std::string::npos);
}

TEST(Interpreter, NotrapOutOfBoundsIsAnErrorNotATrap) {
  Module m = ParseOrDie(R"(
function %f(i64) -> i32 {
block0(v0: i64):
    v1 = load.i32 heap notrap v0
    return v1
}
)");
  Interpreter interp(m, {.heap_size = 16});
  DataValue arg = I64(100);
  InterpResult r = interp.Call("f", std::span<const DataValue>(&arg, 1));
  EXPECT_EQ(r.kind, InterpResult::Kind::kError);
}

TEST(Interpreter, HostFunctionsServeUndefinedCallees) {
  Module m = ParseOrDie(R"(
function %f(i32) -> i32 {
    sig0 = (i32) -> i32
    fn0 = %host_double sig0
block0(v0: i32):
    v1 = call %host_double(v0)
    v2 = func_addr.i64 %host_double
    v3 = call_indirect sig0, v2(v1)
    return v3
}
)");
  Interpreter interp(m);
  int calls = 0;
  interp.DefineHostFunction("host_double", {{Type::kI32}, {Type::kI32}},
                            [&](std::span<const DataValue> args, Interpreter&) {
                              ++calls;
                              InterpResult r;
                              r.values.push_back({Type::kI32, (args[0].bits * 2) & 0xffffffff});
                              return r;
                            });
  DataValue arg = I32(5);
  InterpResult r = interp.Call("f", std::span<const DataValue>(&arg, 1));
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
  EXPECT_EQ(r.values[0], I32(20));
  EXPECT_EQ(calls, 2);
  // A host function with another signature is a bad_sig trap, like a module function.
  Interpreter strict(m);
  strict.DefineHostFunction(
      "host_double", {{Type::kI64}, {Type::kI32}},
      [](std::span<const DataValue>, Interpreter&) { return InterpResult(); });
  r = strict.Call("f", std::span<const DataValue>(&arg, 1));
  EXPECT_EQ(r.kind, InterpResult::Kind::kTrapped);
  EXPECT_EQ(r.trap, TrapCode::kBadSignature);
}

TEST(RunTest, ReportsPassFailAndMalformedLines) {
  const std::string text = R"(
; run: %f(2) == 3
; run: %f(2) == 4
; run: %f(0x7fffffff) == -2147483648
function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd_imm v0, 1
    return v1
}
)";
  Module m = ParseOrDie(text);
  auto out = RunTestLines(text, "t.eir", m);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 3u);
  EXPECT_TRUE((*out)[0].passed);
  EXPECT_FALSE((*out)[1].passed);
  EXPECT_EQ((*out)[1].actual, "3");
  EXPECT_EQ((*out)[1].line, 3u);
  EXPECT_TRUE((*out)[2].passed);

  auto bad = RunTestLines("; run: %f(1, 2) == 3\n", "t.eir", m);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().ToString(),
            "t.eir:1:8: error: %f takes 1 argument(s), the run line gives 2");
  auto bad_lit = RunTestLines("; run: %f(4294967296) == 3\n", "t.eir", m);
  ASSERT_FALSE(bad_lit.ok());
}

}  // namespace
}  // namespace egret::ir
