// Store-wide fuel across instances, with code the compiler produced (compiled for the host, so
// these run on x86-64 and, under qemu, on aarch64): a budget set on the store holds for a call
// that crosses from one instance into another through an import.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "compiler/compiler.h"
#include "frontend/text/module_parser.h"
#include "runtime/engine.h"
#include "runtime/instance.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"
#include "runtime/typed_func.h"

namespace egret::runtime {
namespace {

std::shared_ptr<const Module> CompileWat(Engine& engine, const char* wat) {
  auto wasm = text::WatToWasm(wat);
  EGRET_CHECK(wasm.ok());
  compiler::CompileOptions options;
  options.fuel = true;
  auto compiled = compiler::CompileBytes(std::move(*wasm), "fuel", options);
  EGRET_CHECK(compiled.ok());
  auto module = Module::FromArtifact(engine, std::move(compiled->artifact));
  EGRET_CHECK(module.ok());
  return *module;
}

// A loops `n` times; B loops `n` times, then calls A with `m`.
constexpr const char* kWorker = R"((module
  (func (export "work") (param i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0))))))";
constexpr const char* kCaller = R"((module
  (import "a" "work" (func $work (param i32)))
  (func (export "run") (param i32 i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (call $work (local.get 1)))))";

struct TwoInstances {
  Engine& engine;
  Store store{engine};
  std::optional<TypedFunc<void(int32_t, int32_t)>> run;

  TwoInstances(Engine& e, std::optional<uint64_t> fuel_before_instantiation) : engine(e) {
    store.SetFuel(fuel_before_instantiation);
    Linker linker;
    static std::shared_ptr<const Module> worker, caller;
    if (!worker) worker = CompileWat(engine, kWorker);
    if (!caller) caller = CompileWat(engine, kCaller);
    auto a = linker.Instantiate(store, worker);
    EGRET_CHECK(a.ok());
    EGRET_CHECK(linker.DefineInstance("a", **a).ok());
    auto b = linker.Instantiate(store, caller);
    EGRET_CHECK(b.ok());
    auto f = TypedFunc<void(int32_t, int32_t)>::Create(store, (*b)->GetFunc("run"));
    EGRET_CHECK(f.ok());
    run = *f;
  }
};

Engine& TheEngine() {
  static Engine* engine = new Engine();
  return *engine;
}

// What run(n, m) costs, from a generous budget.
uint64_t Cost(int32_t n, int32_t m) {
  TwoInstances w(TheEngine(), uint64_t{1} << 40);
  EXPECT_TRUE(w.run->Call(w.store, n, m).ok());
  return (uint64_t{1} << 40) - *w.store.fuel();
}

TEST(StoreFuel, TheBudgetHoldsAcrossInstances) {
  const uint64_t caller_part = Cost(1000, 0);
  const uint64_t worker_part = Cost(0, 1000);
  const uint64_t both = Cost(1000, 1000);
  ASSERT_GT(caller_part, 1000u);
  ASSERT_GT(worker_part, 1000u);
  // The budget covers the work of both instances, charged once.
  EXPECT_GE(both, caller_part + worker_part - 2 * 16);  // (the call's own few units)
  EXPECT_LE(both, caller_part + worker_part);

  // Exactly the cost: completes, nothing left. One unit less: out of fuel, in the callee.
  {
    TwoInstances w(TheEngine(), both);
    EXPECT_TRUE(w.run->Call(w.store, 1000, 1000).ok());
    EXPECT_EQ(w.store.fuel(), 0u);
  }
  {
    TwoInstances w(TheEngine(), both - 1);
    TypedResult<void> r = w.run->Call(w.store, 1000, 1000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.trap->code, TrapCode::kOutOfFuel);
    EXPECT_EQ(w.store.fuel(), 0u);
  }
  // A budget that each instance's share fits but the sum does not: it must run out. (Before
  // the store forwarded its counter, each instance ran against the whole remaining budget and
  // this call completed, consuming almost twice its budget.)
  {
    const uint64_t budget = std::max(caller_part, worker_part) + 100;
    ASSERT_LT(budget, both);
    TwoInstances w(TheEngine(), budget);
    TypedResult<void> r = w.run->Call(w.store, 1000, 1000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.trap->code, TrapCode::kOutOfFuel);
    EXPECT_EQ(w.store.fuel(), 0u);
  }
  // Successive calls draw on the same budget.
  {
    TwoInstances w(TheEngine(), 2 * both + 10);
    EXPECT_TRUE(w.run->Call(w.store, 1000, 1000).ok());
    EXPECT_TRUE(w.run->Call(w.store, 1000, 1000).ok());
    EXPECT_EQ(w.store.fuel(), 10u);
    EXPECT_FALSE(w.run->Call(w.store, 1000, 1000).ok());
  }
}

}  // namespace
}  // namespace egret::runtime
