// fuel_test.cc: fuel accounting in translated code (TranslateOptions::fuel), run in the IR
// interpreter with a VMContext whose fuel counter is set by hand, as Store::SetFuel would: the
// counter starts at -budget, each executed Wasm operator adds one, and the code traps
// out_of_fuel once it is positive. Also checks that fuel off emits no fuel code at all.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>

#include "frontend/translator.h"
#include "frontend/validator.h"
#include "frontend/vmctx_layout.h"
#include "ir/interpreter.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "tests/unit/frontend/wasm_builder.h"

namespace egret::wasm {
namespace {

using namespace testing;
using ir::DataValue;
using ir::InterpResult;
using ir::Type;

constexpr uint64_t kVmctx = 64;  // where the test's VMContext lives in the interpreter heap

ir::Module Translate(const Bytes& bytes, bool fuel) {
  WasmError error;
  std::optional<ModuleEnv> env = LoadModule(bytes, "t.wasm", &error);
  EXPECT_TRUE(env.has_value()) << error.error.ToString();
  ir::Module m;
  if (!env) return m;
  Expected<std::vector<ir::Function>> funcs = TranslateModule(*env, {.fuel = fuel});
  EXPECT_TRUE(funcs.ok()) << funcs.error().ToString();
  if (!funcs.ok()) return m;
  m.functions = std::move(*funcs);
  for (const ir::Function& f : m.functions) {
    Status st = ir::Verify(f);
    EXPECT_TRUE(st.ok()) << st.error().ToString();
  }
  return m;
}

struct FuelRun {
  InterpResult result;
  int64_t counter = 0;  // fuel_consumed after the call
};

// Calls func0 with `budget` units of fuel and the i32 argument, if any.
FuelRun RunWithFuel(const ir::Module& m, int64_t budget, std::optional<int32_t> arg) {
  ir::Interpreter interp(m);
  std::vector<uint8_t>& heap = interp.heap();
  const int64_t start = -budget;
  // The store limits record sits well past this module's VMContext; the VMContext points to it
  // as a runtime's does.
  const uint64_t limits = kVmctx + 4096;
  std::memcpy(&heap[kVmctx + VMContextLayout::kStoreLimits], &limits, 8);
  std::memcpy(&heap[limits + VMContextLayout::kLimitsFuel], &start, 8);
  std::vector<DataValue> args = {{Type::kI64, kVmctx}};
  if (arg) args.push_back({Type::kI32, static_cast<uint32_t>(*arg)});
  FuelRun run;
  run.result = interp.Call("func0", args);
  std::memcpy(&run.counter, &heap[limits + VMContextLayout::kLimitsFuel], 8);
  return run;
}

// (func (param $n i32) (result i32) (local $s i32)
//   block loop  local.get 0 i32.eqz br_if 1
//     local.get 1 local.get 0 i32.add local.set 1
//     local.get 0 i32.const 1 i32.sub local.set 0  br 0 end end  local.get 1)
// Executes block, loop (2), 12 operators per iteration, then local.get, i32.eqz, br_if,
// local.get and the function's end (5): 12n + 7 operators.
Bytes SumModule() {
  Bytes body = {0x01, 0x01, kI32,                          // one i32 local
                0x02, 0x40, 0x03, 0x40,                    // block loop
                0x20, 0x00, 0x45, 0x0d, 0x01,              // n == 0 -> exit
                0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01,  // s += n
                0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00,  // n -= 1
                0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b};
  return ModuleOf({TypeSection({kI32}, {kI32}), FunctionSection(1), CodeSection({body})});
}

TEST(Fuel, OffEmitsNoFuelCode) {
  ir::Module off = Translate(SumModule(), false);
  ir::Module on = Translate(SumModule(), true);
  ASSERT_EQ(off.functions.size(), 1u);
  ASSERT_EQ(on.functions.size(), 1u);
  const std::string off_text = ir::PrintFunction(off.functions[0]);
  const std::string on_text = ir::PrintFunction(on.functions[0]);
  EXPECT_EQ(off_text.find("out_of_fuel"), std::string::npos) << off_text;
  EXPECT_NE(on_text.find("out_of_fuel"), std::string::npos) << on_text;
  // Without fuel the function never touches the fuel counter.
  FuelRun r = RunWithFuel(off, 5, 10);
  ASSERT_EQ(r.result.kind, InterpResult::Kind::kReturned) << r.result.error;
  EXPECT_EQ(r.counter, -5);
}

TEST(Fuel, ChargesOneUnitPerExecutedOperator) {
  ir::Module m = Translate(SumModule(), true);
  for (int32_t n : {0, 1, 10}) {
    const int64_t cost = 12 * n + 7;
    FuelRun r = RunWithFuel(m, 1000, n);
    ASSERT_EQ(r.result.kind, InterpResult::Kind::kReturned) << r.result.error;
    EXPECT_EQ(r.result.values[0].bits, static_cast<uint64_t>(n * (n + 1) / 2));
    EXPECT_EQ(r.counter, cost - 1000) << "n = " << n;
  }
}

TEST(Fuel, ExactBudgetCompletesAndOneLessTraps) {
  ir::Module m = Translate(SumModule(), true);
  FuelRun enough = RunWithFuel(m, 127, 10);
  ASSERT_EQ(enough.result.kind, InterpResult::Kind::kReturned) << enough.result.error;
  EXPECT_EQ(enough.result.values[0].bits, 55u);
  EXPECT_EQ(enough.counter, 0);
  FuelRun short_by_one = RunWithFuel(m, 126, 10);
  ASSERT_EQ(short_by_one.result.kind, InterpResult::Kind::kTrapped);
  EXPECT_EQ(short_by_one.result.trap, TrapCode::kOutOfFuel);
}

TEST(Fuel, InfiniteLoopRunsOutOfFuel) {
  // (func loop br 0 end): the loop costs 1, then each br 1.
  ir::Module m = Translate(OneFunction({}, {}, {0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b}), true);
  FuelRun r = RunWithFuel(m, 1000, std::nullopt);
  ASSERT_EQ(r.result.kind, InterpResult::Kind::kTrapped);
  EXPECT_EQ(r.result.trap, TrapCode::kOutOfFuel);
  EXPECT_EQ(r.counter, 1);
}

TEST(Fuel, UnboundedRecursionRunsOutOfFuel) {
  // (func call 0): every call is charged before it is made, so 100 units allow 100 calls.
  ir::Module m = Translate(OneFunction({}, {}, {0x10, 0x00, 0x0b}), true);
  FuelRun r = RunWithFuel(m, 100, std::nullopt);
  ASSERT_EQ(r.result.kind, InterpResult::Kind::kTrapped) << r.result.error;
  EXPECT_EQ(r.result.trap, TrapCode::kOutOfFuel);
  EXPECT_EQ(r.counter, 1);
}

TEST(Fuel, OnlyTheTakenBranchIsCharged) {
  // (func (param i32) (result i32)
  //   local.get 0 if (result i32) i32.const 1 else i32.const 2 i32.const 3 i32.add end)
  // then: local.get, if, i32.const, else, function end = 5;
  // else: local.get, if, i32.const x2, i32.add, end, function end = 7.
  ir::Module m = Translate(OneFunction({kI32}, {kI32},
                                       {0x20, 0x00, 0x04, kI32, 0x41, 0x01, 0x05, 0x41, 0x02, 0x41,
                                        0x03, 0x6a, 0x0b, 0x0b}),
                           true);
  FuelRun then_path = RunWithFuel(m, 100, 1);
  ASSERT_EQ(then_path.result.kind, InterpResult::Kind::kReturned) << then_path.result.error;
  EXPECT_EQ(then_path.result.values[0].bits, 1u);
  EXPECT_EQ(then_path.counter, 5 - 100);
  FuelRun else_path = RunWithFuel(m, 100, 0);
  ASSERT_EQ(else_path.result.kind, InterpResult::Kind::kReturned) << else_path.result.error;
  EXPECT_EQ(else_path.result.values[0].bits, 5u);
  EXPECT_EQ(else_path.counter, 7 - 100);
}

}  // namespace
}  // namespace egret::wasm
