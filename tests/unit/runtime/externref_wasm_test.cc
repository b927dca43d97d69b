// Host references through compiled Wasm (compiled for the host: x86-64 natively, aarch64 under
// qemu): an object stays alive exactly while a Wasm frame, a table, a global, an element segment
// or a host handle refers to it, and its destructor runs exactly once after the last one goes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "compiler/compiler.h"
#include "frontend/text/module_parser.h"
#include "runtime/engine.h"
#include "runtime/extern_ref.h"
#include "runtime/instance.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"

namespace egret::runtime {
namespace {

using artifact::FuncType;
using artifact::ValType;

std::shared_ptr<const Module> CompileWat(Engine& engine, const char* wat) {
  auto wasm = text::WatToWasm(wat);
  EGRET_CHECK(wasm.ok());
  auto compiled = compiler::CompileBytes(std::move(*wasm), "externref", compiler::CompileOptions{});
  EGRET_CHECK(compiled.ok());
  auto module = Module::FromArtifact(engine, std::move(compiled->artifact));
  EGRET_CHECK(module.ok());
  return *module;
}

// Destructions by object id: every id must appear at most once.
struct Graveyard {
  std::map<int, int> deaths;
  bool dead(int id) const { return deaths.count(id) > 0; }
  int total() const {
    int n = 0;
    for (auto& [id, k] : deaths) n += k;
    return n;
  }
};
struct Obj {
  int id;
  Graveyard* graves;
};
ExternRef MakeObj(int id, Graveyard* graves) {
  return ExternRef::NewRaw(new Obj{id, graves}, ExternRef::TypeTag<Obj>(), [](void* p) {
    auto* o = static_cast<Obj*>(p);
    ++o->graves->deaths[o->id];
    delete o;
  });
}
int IdOf(const ValRaw& raw) {
  if (raw.ref == nullptr) return -1;
  const Obj* o = ExternRef::FromRaw(raw.ref).get<Obj>();
  return o != nullptr ? o->id : -2;
}

constexpr const char* kModule = R"((module
  (import "host" "make" (func $make (param i32) (result externref)))
  (import "host" "gc" (func $gc))
  (import "host" "seen" (func $seen (param externref)))
  (import "host" "reenter" (func $reenter (param i32)))
  (import "host" "g" (global $hg externref))
  (table $t (export "t") 4 externref)
  (global $g (export "g") (mut externref) (ref.null extern))
  (elem $e externref (global.get $hg) (ref.null extern) (global.get $hg))
  (func (export "set") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result externref) (table.get $t (local.get 0)))
  (func (export "gset") (param externref) (global.set $g (local.get 0)))
  (func (export "gget") (result externref) (global.get $g))
  (func (export "id") (param externref) (result externref) (local.get 0))
  ;; The argument is dead across the call: a collection inside may release it.
  (func (export "forget") (param externref) (call $gc))
  (func (export "grow") (param externref i32) (result i32) (table.grow $t (local.get 0) (local.get 1)))
  (func (export "fill") (param i32 externref i32) (table.fill $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32) (table.init $t $e (local.get 0) (i32.const 0) (i32.const 3)))
  (func (export "drop") (elem.drop $e))
  ;; A reference made by the host lives only in this frame across two collections.
  (func (export "hold") (param i32) (result externref) (local externref)
    (local.set 1 (call $make (local.get 0)))
    (call $gc)
    (call $seen (local.get 1))
    (call $gc)
    (local.get 1))
  ;; Reads table element i `n` times (each read is an activation) while holding the first.
  (func (export "reads") (param i32 i32) (result externref) (local externref)
    (local.set 2 (table.get $t (local.get 0)))
    (block (loop
      (br_if 1 (i32.eqz (local.get 1)))
      (drop (table.get $t (local.get 0)))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br 0)))
    (local.get 2))
  ;; Host -> Wasm -> host -> Wasm: the host function calls back into "inner".
  (func (export "outer") (param i32 externref) (result externref)
    (global.set $g (local.get 1))
    (call $reenter (local.get 0))
    (global.get $g))
  (func (export "inner") (param externref) (result externref)
    (table.set $t (i32.const 3) (local.get 0))
    (call $gc)
    (table.get $t (i32.const 3))))
)";

// One store with kModule instantiated; host functions record what they see.
struct Fixture {
  Engine& engine;
  Graveyard graves;
  std::unique_ptr<Store> store;
  Instance* instance = nullptr;
  ExternRef host_global_value;
  std::vector<int> seen;
  int reenter_calls = 0;
  ExternRefActivations::CollectStats last_gc;

  explicit Fixture(Engine& e) : engine(e), store(std::make_unique<Store>(e)) {
    host_global_value = MakeObj(100, &graves);
    Linker linker;
    Store& s = *store;
    EGRET_CHECK(linker
                    .Define("host", "make",
                            Extern::Of(s.NewHostFunc(
                                FuncType{{ValType::kI32}, {ValType::kExternRef}},
                                [this](std::span<ValRaw> io) -> std::optional<TrapCode> {
                                  // The host's handle goes when the callback returns: only the
                                  // activations table (then the Wasm frame) keeps it.
                                  ExternRef fresh = MakeObj(io[0].i32, &graves);
                                  io[0].ref = store->ExternRefToRaw(fresh);
                                  return std::nullopt;
                                })))
                    .ok());
    EGRET_CHECK(linker
                    .Define("host", "gc",
                            Extern::Of(s.NewHostFunc(FuncType{{}, {}},
                                                     [this](std::span<ValRaw>) {
                                                       last_gc = store->GC();
                                                       return std::optional<TrapCode>();
                                                     })))
                    .ok());
    EGRET_CHECK(linker
                    .Define("host", "seen",
                            Extern::Of(s.NewHostFunc(FuncType{{ValType::kExternRef}, {}},
                                                     [this](std::span<ValRaw> io) {
                                                       seen.push_back(IdOf(io[0]));
                                                       return std::optional<TrapCode>();
                                                     })))
                    .ok());
    EGRET_CHECK(linker
                    .Define("host", "reenter",
                            Extern::Of(s.NewHostFunc(
                                FuncType{{ValType::kI32}, {}},
                                [this](std::span<ValRaw> io) -> std::optional<TrapCode> {
                                  ++reenter_calls;
                                  ExternRef inner_arg = MakeObj(io[0].i32, &graves);
                                  Val args[1] = {Val::ExternRef(inner_arg)};
                                  inner_arg = ExternRef();
                                  Val results[1];
                                  auto r = store->Call(instance->GetFunc("inner"), args, results);
                                  EGRET_CHECK(r.ok() && !*r);
                                  seen.push_back(IdOf(results[0].raw));
                                  return std::nullopt;
                                })))
                    .ok());
    EGRET_CHECK(linker
                    .Define("host", "g",
                            Extern::Of(s.NewGlobal({ValType::kExternRef, false},
                                                   Val::ExternRef(host_global_value))))
                    .ok());
    static std::shared_ptr<const Module> module;
    if (!module || &module->engine() != &engine) module = CompileWat(engine, kModule);
    auto i = linker.Instantiate(s, module);
    EGRET_CHECK(i.ok());
    instance = *i;
  }

  std::vector<Val> Call(const char* name, std::vector<Val> args) {
    auto r = store->Call(instance->GetFunc(name), args);
    EGRET_CHECK(r.ok());
    EGRET_CHECK(!r->trap);
    return r->results;
  }
  Val Table(uint32_t i) {
    void* raw = nullptr;
    EGRET_CHECK(!instance->table(0)->Get(i, &raw));
    return Val::FromRaw(ValType::kExternRef, ValRaw{.ref = raw});
  }
};

Engine& TheEngine() {
  static Engine* engine = new Engine();
  return *engine;
}

TEST(ExternRefWasm, TableKeepsTheObjectUntilOverwritten) {
  Fixture f(TheEngine());
  ExternRef a = MakeObj(1, &f.graves);
  f.Call("set", {Val::I32(0), Val::ExternRef(a)});
  EXPECT_EQ(a.ref_count(), 3u);  // the handle, the table, the activation of the argument
  f.store->GC();
  EXPECT_EQ(a.ref_count(), 2u);
  a = ExternRef();
  f.store->GC();
  EXPECT_FALSE(f.graves.dead(1));
  std::vector<Val> got = f.Call("get", {Val::I32(0)});
  EXPECT_EQ(IdOf(got[0].raw), 1);
  got.clear();
  f.Call("set", {Val::I32(0), Val::Default(ValType::kExternRef)});
  EXPECT_FALSE(f.graves.dead(1));  // still activated by the table.get above
  f.store->GC();
  EXPECT_EQ(f.graves.deaths[1], 1);
  EXPECT_EQ(f.store->activations().size(), 0u);
}

TEST(ExternRefWasm, GlobalKeepsTheObjectUntilOverwritten) {
  Fixture f(TheEngine());
  ExternRef a = MakeObj(2, &f.graves);
  f.Call("gset", {Val::ExternRef(a)});
  std::vector<Val> got = f.Call("gget", {});
  EXPECT_TRUE(got[0].externref() == a);
  got.clear();
  a = ExternRef();
  f.store->GC();
  EXPECT_FALSE(f.graves.dead(2));
  EXPECT_EQ(IdOf(f.instance->global(1).Get().raw), 2);  // the host reads the exported global
  f.Call("gset", {Val::Default(ValType::kExternRef)});
  f.store->GC();
  EXPECT_EQ(f.graves.deaths[2], 1);
}

TEST(ExternRefWasm, FrameKeepsTheObjectAcrossCollections) {
  Fixture f(TheEngine());
  std::vector<Val> got = f.Call("hold", {Val::I32(3)});
  EXPECT_EQ(f.seen, std::vector<int>{3});  // alive after a collection inside the call
  EXPECT_FALSE(f.graves.dead(3));
  EXPECT_EQ(IdOf(got[0].raw), 3);
  got.clear();                     // the result Val was the last host owner
  EXPECT_FALSE(f.graves.dead(3));  // the activations table still has it
  f.store->GC();
  EXPECT_EQ(f.graves.deaths[3], 1);
}

// With the stack walk (runtime/stack_walk.h), a collection inside a Wasm call is precise: what
// no live frame slot holds goes at once.
TEST(ExternRefWasm, CollectionInsideWasmReleasesWhatNoFrameHolds) {
  Fixture f(TheEngine());
  ExternRef a = MakeObj(12, &f.graves);
  ValRaw io[1];
  io[0].ref = f.store->ExternRefToRaw(a);  // the activations table is now its only other owner
  a = ExternRef();
  EXPECT_FALSE(f.graves.dead(12));
  EXPECT_FALSE(f.store->CallUnchecked(f.instance->GetFunc("forget"), io).has_value());
  EXPECT_EQ(f.graves.deaths[12], 1);  // released by the collection inside the call
  EXPECT_EQ(f.last_gc.roots, 0u);

  // The same inside "hold": its frame keeps the object across both collections, as a root.
  std::vector<Val> got = f.Call("hold", {Val::I32(13)});
  EXPECT_EQ(f.last_gc.roots, 1u);
  EXPECT_EQ(IdOf(got[0].raw), 13);
}

TEST(ExternRefWasm, ArgumentsAndResultsRoundTrip) {
  Fixture f(TheEngine());
  ExternRef a = MakeObj(4, &f.graves);
  for (int i = 0; i < 1000; ++i) {
    std::vector<Val> got = f.Call("id", {Val::ExternRef(a)});
    ASSERT_TRUE(got[0].externref() == a);
  }
  // Collections at entry keep the table bounded (512 entries by default).
  EXPECT_LE(f.store->activations().size(), f.store->activations().capacity());
  EXPECT_EQ(f.Call("id", {Val::Default(ValType::kExternRef)})[0].ref(), nullptr);
  f.store->GC();
  EXPECT_EQ(a.ref_count(), 1u);
  a = ExternRef();
  EXPECT_EQ(f.graves.deaths[4], 1);
}

TEST(ExternRefWasm, GrowFillCopyInitDropCount) {
  Fixture f(TheEngine());
  ExternRef a = MakeObj(5, &f.graves);
  EXPECT_EQ(f.Call("grow", {Val::ExternRef(a), Val::I32(3)})[0].i32(), 4);  // 7 elements
  f.store->GC();
  EXPECT_EQ(a.ref_count(), 4u);
  f.Call("fill", {Val::I32(0), Val::ExternRef(a), Val::I32(2)});
  f.store->GC();
  EXPECT_EQ(a.ref_count(), 6u);
  f.Call("copy", {Val::I32(0), Val::I32(2), Val::I32(2)});  // [a a - - a a a] -> [- - - - a a a]
  f.store->GC();
  EXPECT_EQ(a.ref_count(), 4u);
  // The element segment holds the host global's value twice.
  const uint64_t seg_count = f.host_global_value.ref_count();
  f.Call("init", {Val::I32(4)});
  EXPECT_EQ(f.host_global_value.ref_count(), seg_count + 2);
  EXPECT_EQ(IdOf(f.Table(4).raw), 100);
  EXPECT_EQ(IdOf(f.Table(5).raw), -1);
  f.Call("drop", {});
  EXPECT_EQ(f.host_global_value.ref_count(), seg_count);  // the segment released its two
  a = ExternRef();
  f.Call("fill", {Val::I32(0), Val::Default(ValType::kExternRef), Val::I32(7)});
  f.store->GC();
  EXPECT_EQ(f.graves.deaths[5], 1);
  EXPECT_EQ(f.host_global_value.ref_count(), 2u);  // the handle and the host's global
}

TEST(ExternRefWasm, ReadsFillTheActivationsTableAndCollect) {
  EngineConfig config;
  config.externref_activations = 8;
  Engine small(config);
  Fixture f(small);
  ExternRef a = MakeObj(6, &f.graves);
  f.Call("set", {Val::I32(1), Val::ExternRef(a)});
  std::vector<Val> got = f.Call("reads", {Val::I32(1), Val::I32(100)});
  EXPECT_TRUE(got[0].externref() == a);
  f.store->GC();
  EXPECT_EQ(f.store->activations().size(), 0u);
  EXPECT_EQ(a.ref_count(), 3u);  // handle, table, result Val
}

TEST(ExternRefWasm, ReentryKeepsEveryLevelAlive) {
  Fixture f(TheEngine());
  ExternRef a = MakeObj(7, &f.graves);
  std::vector<Val> got = f.Call("outer", {Val::I32(8), Val::ExternRef(a)});
  a = ExternRef();
  EXPECT_EQ(f.reenter_calls, 1);
  EXPECT_EQ(f.seen, std::vector<int>{8});  // inner's result: the object the host made for it
  EXPECT_EQ(IdOf(got[0].raw), 7);          // outer's global survived inner's collection
  EXPECT_FALSE(f.graves.dead(8));          // table element 3 holds it
  EXPECT_EQ(IdOf(f.Table(3).raw), 8);
  got.clear();
  f.Call("gset", {Val::Default(ValType::kExternRef)});
  f.Call("set", {Val::I32(3), Val::Default(ValType::kExternRef)});
  f.store->GC();
  EXPECT_EQ(f.graves.deaths[7], 1);
  EXPECT_EQ(f.graves.deaths[8], 1);
}

TEST(ExternRefWasm, AcrossInstancesThroughAnImportedTable) {
  Engine& engine = TheEngine();
  Graveyard graves;
  {
    Store store(engine);
    Linker linker;
    auto owner = linker.Instantiate(store, CompileWat(engine, R"((module
      (table (export "t") 2 externref)
      (func (export "get") (param i32) (result externref) (table.get 0 (local.get 0)))))"));
    ASSERT_TRUE(owner.ok());
    ASSERT_TRUE(linker.DefineInstance("owner", **owner).ok());
    auto user = linker.Instantiate(store, CompileWat(engine, R"((module
      (import "owner" "t" (table 2 externref))
      (func (export "put") (param i32 externref) (table.set 0 (local.get 0) (local.get 1)))))"));
    ASSERT_TRUE(user.ok());
    ExternRef a = MakeObj(9, &graves);
    Val put_args[] = {Val::I32(1), Val::ExternRef(a)};
    ASSERT_TRUE(store.Call((*user)->GetFunc("put"), put_args).ok());
    a = ExternRef();
    store.GC();
    EXPECT_FALSE(graves.dead(9));
    Val get_args[] = {Val::I32(1)};
    auto r = store.Call((*owner)->GetFunc("get"), get_args);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(IdOf(r->results[0].raw), 9);
  }
  // The store's teardown released the table's element and the result's activation.
  EXPECT_EQ(graves.deaths[9], 1);
}

TEST(ExternRefWasm, StoreTeardownReleasesEverythingOnce) {
  Graveyard* graves;
  {
    Fixture f(TheEngine());
    graves = new Graveyard;
    ExternRef a = MakeObj(10, graves), b = MakeObj(11, graves);
    f.Call("set", {Val::I32(0), Val::ExternRef(a)});
    f.Call("gset", {Val::ExternRef(b)});
    f.Call("init", {Val::I32(1)});
    a = ExternRef();
    b = ExternRef();
    EXPECT_EQ(graves->total(), 0);
    f.host_global_value = ExternRef();
  }
  EXPECT_EQ(graves->deaths[10], 1);
  EXPECT_EQ(graves->deaths[11], 1);
  EXPECT_EQ(graves->total(), 2);
  delete graves;
}

}  // namespace
}  // namespace egret::runtime
