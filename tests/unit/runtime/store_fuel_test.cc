// Store-wide fuel and stack limit across instances, with code the compiler produced (compiled for
// the host, so these run on x86-64 and, under qemu, on aarch64): a budget set on the store holds
// for a call that crosses from one instance into another through an import, a shared table
// (call_indirect), a funcref global or a host function calling back into Wasm.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
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

// A (the worker) loops `n` times. It exports the function, a table holding it and an immutable
// funcref global holding it.
constexpr const char* kWorker = R"((module
  (func $work (export "work") (param i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0))))
  (table (export "table") 1 funcref)
  (elem (i32.const 0) $work)
  (global (export "g") funcref (ref.func $work))))";

// B (the caller) loops `n` times, then calls A's function with `m`, in one of these ways.
#define EGRET_CALLER_LOOP                                \
  "(block (loop (br_if 1 (i32.eqz (local.get 0)))"       \
  " (local.set 0 (i32.sub (local.get 0) (i32.const 1)))" \
  " (br 0)))"
struct Caller {
  const char* name;
  const char* wat;
};
constexpr Caller kCallers[] = {
    {"import",
     "(module (import \"a\" \"work\" (func $work (param i32)))"
     " (func (export \"run\") (param i32 i32) " EGRET_CALLER_LOOP " (call $work (local.get 1))))"},
    // call_indirect through A's table, imported.
    {"shared_table",
     "(module (type $t (func (param i32)))"
     " (import \"a\" \"table\" (table 1 funcref))"
     " (func (export \"run\") (param i32 i32) " EGRET_CALLER_LOOP
     " (call_indirect (type $t) (local.get 1) (i32.const 0))))"},
    // A's funcref global, stored into B's own table and called from there.
    {"funcref_global",
     "(module (type $t (func (param i32)))"
     " (import \"a\" \"g\" (global $g funcref))"
     " (table $own 1 funcref)"
     " (func (export \"run\") (param i32 i32) " EGRET_CALLER_LOOP
     " (table.set $own (i32.const 0) (global.get $g))"
     " (call_indirect $own (type $t) (local.get 1) (i32.const 0))))"},
    // A host function that calls A's export: host -> B -> host -> A, one outermost entry.
    {"host_reentry",
     "(module (import \"host\" \"reenter\" (func $h (param i32)))"
     " (func (export \"run\") (param i32 i32) " EGRET_CALLER_LOOP " (call $h (local.get 1))))"},
};
#undef EGRET_CALLER_LOOP

Engine& TheEngine() {
  static Engine* engine = new Engine();
  return *engine;
}

struct TwoInstances {
  Engine& engine;
  Store store{engine};
  std::optional<TypedFunc<void(int32_t)>> work;
  std::optional<TypedFunc<void(int32_t, int32_t)>> run;

  // `fuel` is set before instantiation unless `fuel_after`.
  TwoInstances(const Caller& caller, std::optional<uint64_t> fuel, bool fuel_after = false)
      : engine(TheEngine()) {
    if (!fuel_after) store.SetFuel(fuel);
    static std::shared_ptr<const Module> worker;
    static std::map<std::string, std::shared_ptr<const Module>> callers;
    if (!worker) worker = CompileWat(engine, kWorker);
    std::shared_ptr<const Module>& b_module = callers[caller.name];
    if (!b_module) b_module = CompileWat(engine, caller.wat);
    Linker linker;
    auto a = linker.Instantiate(store, worker);
    EGRET_CHECK(a.ok());
    EGRET_CHECK(linker.DefineInstance("a", **a).ok());
    auto w = TypedFunc<void(int32_t)>::Create(store, (*a)->GetFunc("work"));
    EGRET_CHECK(w.ok());
    work = *w;
    Func reenter = store.NewHostFunc(artifact::FuncType{{artifact::ValType::kI32}, {}},
                                     [this](std::span<ValRaw> args) -> std::optional<TrapCode> {
                                       TypedResult<void> r = work->Call(store, args[0].i32);
                                       if (!r.ok()) return r.trap->code;
                                       return std::nullopt;
                                     });
    EGRET_CHECK(linker.Define("host", "reenter", Extern::Of(reenter)).ok());
    auto b = linker.Instantiate(store, b_module);
    EGRET_CHECK(b.ok());
    auto f = TypedFunc<void(int32_t, int32_t)>::Create(store, (*b)->GetFunc("run"));
    EGRET_CHECK(f.ok());
    run = *f;
    if (fuel_after) store.SetFuel(fuel);
  }
};

// What run(n, m) costs, from a generous budget.
uint64_t Cost(const Caller& caller, int32_t n, int32_t m) {
  TwoInstances w(caller, uint64_t{1} << 40);
  EXPECT_TRUE(w.run->Call(w.store, n, m).ok());
  return (uint64_t{1} << 40) - *w.store.fuel();
}

class StoreFuel : public ::testing::TestWithParam<Caller> {};

// The budget covers the work of both instances, charged once, however the caller reaches the
// callee: every VMContext of the store points to one limits record.
TEST_P(StoreFuel, TheBudgetHoldsAcrossInstances) {
  const Caller& caller = GetParam();
  const uint64_t caller_part = Cost(caller, 1000, 0);
  const uint64_t worker_part = Cost(caller, 0, 1000);
  const uint64_t both = Cost(caller, 1000, 1000);
  ASSERT_GT(caller_part, 1000u);
  ASSERT_GT(worker_part, 1000u);
  EXPECT_GE(both, caller_part + worker_part - 2 * 16);  // (the call's own few units)
  EXPECT_LE(both, caller_part + worker_part);

  // Exactly the cost: completes, nothing left. One unit less: out of fuel, in the callee.
  {
    TwoInstances w(caller, both);
    EXPECT_TRUE(w.run->Call(w.store, 1000, 1000).ok());
    EXPECT_EQ(w.store.fuel(), 0u);
  }
  {
    TwoInstances w(caller, both - 1);
    TypedResult<void> r = w.run->Call(w.store, 1000, 1000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.trap->code, TrapCode::kOutOfFuel);
    EXPECT_EQ(w.store.fuel(), 0u);
  }
  // A budget that each instance's share fits but the sum does not: it must run out. (With a
  // counter per instance, each ran against the whole remaining budget and this call completed,
  // consuming almost twice its budget; through tables, funcrefs and host re-entry it still did
  // after imports were forwarded.)
  {
    const uint64_t budget = std::max(caller_part, worker_part) + 100;
    ASSERT_LT(budget, both);
    TwoInstances w(caller, budget);
    TypedResult<void> r = w.run->Call(w.store, 1000, 1000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.trap->code, TrapCode::kOutOfFuel);
    EXPECT_EQ(w.store.fuel(), 0u);
  }
  // The same with the budget set after instantiation (it no longer matters when it is set).
  {
    const uint64_t budget = std::max(caller_part, worker_part) + 100;
    TwoInstances w(caller, budget, /*fuel_after=*/true);
    TypedResult<void> r = w.run->Call(w.store, 1000, 1000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.trap->code, TrapCode::kOutOfFuel);
    EXPECT_EQ(w.store.fuel(), 0u);
  }
  // Successive calls draw on the same budget.
  {
    TwoInstances w(caller, 2 * both + 10, /*fuel_after=*/true);
    EXPECT_TRUE(w.run->Call(w.store, 1000, 1000).ok());
    EXPECT_TRUE(w.run->Call(w.store, 1000, 1000).ok());
    EXPECT_EQ(w.store.fuel(), 10u);
    EXPECT_FALSE(w.run->Call(w.store, 1000, 1000).ok());
  }
}

INSTANTIATE_TEST_SUITE_P(Callers, StoreFuel, ::testing::ValuesIn(kCallers),
                         [](const ::testing::TestParamInfo<Caller>& info) {
                           return std::string(info.param.name);
                         });

// The stack limit is the store's too: a deep recursion that crosses into another instance
// through a table traps stk_ovf in either instance, and the next call from the host runs
// normally (the limit is rewritten on each outermost entry).
TEST(StoreLimits, RecursionAcrossInstancesHitsTheStoreStackLimit) {
  Store store(TheEngine());
  Linker linker;
  // A: f(n) = n == 0 ? 0 : 1 + table[0](n - 1); B puts its own g (the same shape, calling A's f
  // through A's table slot 1) into A's table slot 0, so the recursion alternates instances.
  auto a_module = CompileWat(TheEngine(), R"((module
    (type $t (func (param i32) (result i32)))
    (table (export "table") 2 funcref)
    (func $f (export "f") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (i32.const 1)
          (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0))))))
    (elem (i32.const 1) $f)))");
  auto b_module = CompileWat(TheEngine(), R"((module
    (type $t (func (param i32) (result i32)))
    (import "a" "table" (table 2 funcref))
    (func $g (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (i32.const 1)
          (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 1))))))
    (elem (i32.const 0) $g)))");
  auto a = linker.Instantiate(store, a_module);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  ASSERT_TRUE(linker.DefineInstance("a", **a).ok());
  auto b = linker.Instantiate(store, b_module);
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  auto f = TypedFunc<int32_t(int32_t)>::Create(store, (*a)->GetFunc("f"));
  ASSERT_TRUE(f.ok());
  TypedResult<int32_t> shallow = f->Call(store, 1000);
  ASSERT_TRUE(shallow.ok());
  EXPECT_EQ(shallow.value, 1000);
  TypedResult<int32_t> deep = f->Call(store, 100'000'000);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.trap->code, TrapCode::kStackOverflow);
  EXPECT_EQ(f->Call(store, 1000).value, 1000);
}

}  // namespace
}  // namespace egret::runtime
