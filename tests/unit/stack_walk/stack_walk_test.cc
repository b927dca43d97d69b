// The stack walk (runtime/stack_walk.h) over code the compiler produced for the host (x86-64
// natively; aarch64 under qemu through `make aarch64-check`): a host import called from Wasm
// walks the Wasm frames and must see exactly the externrefs live across the calls, for every
// opt level and register allocator, through nested Wasm frames, across instances and across a
// host -> Wasm -> host -> Wasm re-entry; and the slots it visits are where the code reloads the
// references from (a visitor that rewrites them changes what Wasm returns).
#include "runtime/stack_walk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "frontend/text/module_parser.h"
#include "runtime/engine.h"
#include "runtime/instance.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"

namespace egret::runtime {
namespace {

using artifact::FuncType;
using artifact::ValType;

Engine& TheEngine() {
  static Engine* engine = new Engine();
  return *engine;
}

struct Config {
  opt::OptLevel opt;
  compiler::Allocator allocator;
  std::string name;
};

std::shared_ptr<const Module> CompileWat(const char* wat, const Config& c) {
  auto wasm = text::WatToWasm(wat);
  EGRET_CHECK(wasm.ok());
  compiler::CompileOptions options;
  options.opt_level = c.opt;
  options.regalloc = c.allocator;
  options.regalloc_checker = true;  // the checker proves the stack maps exact, too
  auto compiled = compiler::CompileBytes(std::move(*wasm), "walk", options);
  EGRET_CHECK(compiled.ok());
  EXPECT_FALSE(compiled->artifact.stack_maps.empty());
  auto module = Module::FromArtifact(TheEngine(), std::move(compiled->artifact));
  EGRET_CHECK(module.ok());
  return *module;
}

// Counted host references (runtime/extern_ref.h) to stand-in host pointers; compiled code and
// the walk see their records (ExternRef::raw()). Kept alive by `Refs` for the whole test.
struct Refs {
  std::deque<ExternRef> held;  // stable addresses
  // The reference for host value `v` (created once per value).
  const ExternRef& operator()(uintptr_t v) {
    for (const ExternRef& r : held)
      if (reinterpret_cast<uintptr_t>(r.data()) == v) return r;
    held.push_back(ExternRef::NewRaw(reinterpret_cast<void*>(v)));
    return held.back();
  }
  uintptr_t Raw(uintptr_t v) { return reinterpret_cast<uintptr_t>((*this)(v).raw()); }
  void* Ptr(uintptr_t v) { return (*this)(v).raw(); }
};

// What one walk saw.
struct Seen {
  std::vector<uintptr_t> refs;  // the values in the visited slots, sorted
  StackWalkStats stats;
};

Seen Walk() {
  Seen s;
  s.stats = VisitWasmStackRefs(
      [&](void** slot) { s.refs.push_back(reinterpret_cast<uintptr_t>(*slot)); });
  std::sort(s.refs.begin(), s.refs.end());
  return s;
}

class StackWalk : public ::testing::TestWithParam<Config> {
 protected:
  Refs ref_;
  // The sorted raw records of host values `vs` (what a walk reports).
  std::vector<uintptr_t> Raws(std::initializer_list<uintptr_t> vs) {
    std::vector<uintptr_t> out;
    for (uintptr_t v : vs) out.push_back(v == 0 ? 0 : ref_.Raw(v));
    std::sort(out.begin(), out.end());
    return out;
  }
};

// $keep holds $a and $c across the host call and drops $b before it; $nested holds $x across a
// call to $keep; $null holds a null reference across the call.
constexpr const char* kModule = R"((module
  (import "host" "gc" (func $gc (param i32)))
  (func $keep (export "keep") (param $a externref) (param $b externref) (param $c externref)
                              (result externref externref i32)
    (call $gc (ref.is_null (local.get $b)))
    (local.get $a) (local.get $c) (i32.const 7))
  (func (export "nested") (param $x externref) (param $y externref) (result externref)
    (call $keep (local.get $y) (ref.null extern) (local.get $y))
    (drop) (drop) (drop)
    (local.get $x))
  (func (export "null") (param $a externref) (result i32)
    (local $n externref)
    (local.set $n (ref.null extern))
    (call $gc (i32.const 0))
    (i32.add (ref.is_null (local.get $n)) (ref.is_null (local.get $a)))))
)";

TEST_P(StackWalk, SeesExactlyTheLiveReferences) {
  Store store(TheEngine());
  std::vector<Seen> walks;
  Func gc = store.NewHostFunc(FuncType{{ValType::kI32}, {}}, [&](std::span<ValRaw>) {
    walks.push_back(Walk());
    return std::optional<TrapCode>();
  });
  Linker linker;
  ASSERT_TRUE(linker.Define("host", "gc", Extern::Of(gc)).ok());
  auto inst = linker.Instantiate(store, CompileWat(kModule, GetParam()));
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();

  // One frame: a and c live, b dead.
  Val args[3] = {Val::ExternRef(ref_(0x1000)), Val::ExternRef(ref_(0x2000)),
                 Val::ExternRef(ref_(0x3000))};
  auto r = store.Call((*inst)->GetFunc("keep"), args);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->trap);
  ASSERT_EQ(r->results.size(), 3u);
  EXPECT_EQ(r->results[0].raw.ref, ref_.Ptr(0x1000));
  EXPECT_EQ(r->results[1].raw.ref, ref_.Ptr(0x3000));
  ASSERT_EQ(walks.size(), 1u);
  EXPECT_EQ(walks[0].refs, Raws({0x1000, 0x3000}));
  EXPECT_EQ(walks[0].stats.wasm_frames, 1u);
  EXPECT_EQ(walks[0].stats.unmapped_frames, 0u);
  EXPECT_EQ(walks[0].stats.segments, 1u);

  // Two frames: nested holds x; keep holds y twice (as a and as c).
  walks.clear();
  Val nargs[2] = {Val::ExternRef(ref_(0x4000)), Val::ExternRef(ref_(0x5000))};
  r = store.Call((*inst)->GetFunc("nested"), nargs);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->trap);
  EXPECT_EQ(r->results[0].raw.ref, ref_.Ptr(0x4000));
  ASSERT_EQ(walks.size(), 1u);
  EXPECT_EQ(walks[0].refs, Raws({0x4000, 0x5000, 0x5000}));
  EXPECT_EQ(walks[0].stats.wasm_frames, 2u);
  EXPECT_EQ(walks[0].stats.unmapped_frames, 0u);

  // Null references live across the call are visited too (their slots hold 0), unless the
  // optimizer folds the constant away.
  walks.clear();
  Val one[1] = {Val::ExternRef(ref_(0x6000))};
  r = store.Call((*inst)->GetFunc("null"), one);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->trap);
  EXPECT_EQ(r->results[0].raw.i32, 1);
  ASSERT_EQ(walks.size(), 1u);
  EXPECT_TRUE(walks[0].refs == Raws({0x6000}) || walks[0].refs == Raws({0, 0x6000}));

  // Outside Wasm there is nothing to walk.
  Seen outside = Walk();
  EXPECT_TRUE(outside.refs.empty());
  EXPECT_EQ(outside.stats.wasm_frames, 0u);
}

// The visited slots are the ones the code reloads from: rewriting them (as a moving collector
// would; here to another live record) changes what the functions return.
TEST_P(StackWalk, VisitedSlotsAreTheLiveLocations) {
  Store store(TheEngine());
  ref_(0x4001);  // created before the call: the visitor must not allocate
  Func gc = store.NewHostFunc(FuncType{{ValType::kI32}, {}}, [&](std::span<ValRaw>) {
    VisitWasmStackRefs([&](void** slot) {
      if (*slot == ref_.Ptr(0x4000)) *slot = ref_.Ptr(0x4001);
    });
    return std::optional<TrapCode>();
  });
  Linker linker;
  ASSERT_TRUE(linker.Define("host", "gc", Extern::Of(gc)).ok());
  auto inst = linker.Instantiate(store, CompileWat(kModule, GetParam()));
  ASSERT_TRUE(inst.ok());
  Val nargs[2] = {Val::ExternRef(ref_(0x4000)), Val::ExternRef(ref_(0x5000))};
  auto r = store.Call((*inst)->GetFunc("nested"), nargs);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->trap);
  EXPECT_EQ(r->results[0].raw.ref, ref_.Ptr(0x4001));  // nested's x, rewritten in nested's frame
}

// Across instances and a host -> Wasm -> host -> Wasm re-entry: $outer (instance B) holds $p
// across a call to the host's "reenter", which calls $inner (instance A) holding $q across the
// host's "gc". Both segments' frames are found; the host frames between are skipped.
constexpr const char* kInner = R"((module
  (import "host" "gc" (func $gc (param i32)))
  (func (export "inner") (param $q externref) (result externref)
    (call $gc (i32.const 0))
    (local.get $q)))
)";
constexpr const char* kOuter = R"((module
  (import "host" "reenter" (func $reenter (param externref) (result externref)))
  (import "a" "inner" (func $inner (param externref) (result externref)))
  (func (export "outer") (param $p externref) (param $r externref) (result externref externref)
    (local.get $p)
    (call $reenter (local.get $r)))
  (func (export "direct") (param $p externref) (param $r externref) (result externref externref)
    (local.get $p)
    (call $inner (local.get $r))))
)";

TEST_P(StackWalk, WalksAcrossInstancesAndReentry) {
  Store store(TheEngine());
  std::vector<Seen> walks;
  Func gc = store.NewHostFunc(FuncType{{ValType::kI32}, {}}, [&](std::span<ValRaw>) {
    walks.push_back(Walk());
    return std::optional<TrapCode>();
  });
  Linker linker;
  ASSERT_TRUE(linker.Define("host", "gc", Extern::Of(gc)).ok());
  auto a = linker.Instantiate(store, CompileWat(kInner, GetParam()));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(linker.DefineInstance("a", **a).ok());
  Func inner = (*a)->GetFunc("inner");
  Func reenter = store.NewHostFunc(FuncType{{ValType::kExternRef}, {ValType::kExternRef}},
                                   [&](std::span<ValRaw> args) {
                                     Val in[1] = {Val::ExternRef(ExternRef::FromRaw(args[0].ref))};
                                     auto r = store.Call(inner, in);
                                     EGRET_CHECK(r.ok() && !r->trap);
                                     args[0].ref = r->results[0].raw.ref;
                                     return std::optional<TrapCode>();
                                   });
  ASSERT_TRUE(linker.Define("host", "reenter", Extern::Of(reenter)).ok());
  auto b = linker.Instantiate(store, CompileWat(kOuter, GetParam()));
  ASSERT_TRUE(b.ok());

  Val args[2] = {Val::ExternRef(ref_(0x7000)), Val::ExternRef(ref_(0x8000))};
  auto r = store.Call((*b)->GetFunc("outer"), args);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->trap);
  EXPECT_EQ(r->results[0].raw.ref, ref_.Ptr(0x7000));
  EXPECT_EQ(r->results[1].raw.ref, ref_.Ptr(0x8000));
  ASSERT_EQ(walks.size(), 1u);
  EXPECT_EQ(walks[0].refs, Raws({0x7000, 0x8000}));
  EXPECT_EQ(walks[0].stats.wasm_frames, 2u);
  EXPECT_EQ(walks[0].stats.segments, 2u);

  // A direct Wasm-to-Wasm call into the other instance: one segment, two frames.
  walks.clear();
  r = store.Call((*b)->GetFunc("direct"), args);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->trap);
  ASSERT_EQ(walks.size(), 1u);
  EXPECT_EQ(walks[0].refs, Raws({0x7000, 0x8000}));
  EXPECT_EQ(walks[0].stats.wasm_frames, 2u);
  EXPECT_EQ(walks[0].stats.segments, 1u);
}

// A trap raised by a host function unwinds past its exit scope; the next walk must not use it.
TEST_P(StackWalk, TrapLeavesNoStaleExit) {
  Store store(TheEngine());
  bool trap = true;
  std::vector<Seen> walks;
  Func gc = store.NewHostFunc(FuncType{{ValType::kI32}, {}}, [&](std::span<ValRaw>) {
    if (trap) return std::optional<TrapCode>(TrapCode::kUnreachable);
    walks.push_back(Walk());
    return std::optional<TrapCode>();
  });
  Linker linker;
  ASSERT_TRUE(linker.Define("host", "gc", Extern::Of(gc)).ok());
  auto inst = linker.Instantiate(store, CompileWat(kModule, GetParam()));
  ASSERT_TRUE(inst.ok());
  Val args[3] = {Val::ExternRef(ref_(0x1000)), Val::ExternRef(ref_(0x2000)),
                 Val::ExternRef(ref_(0x3000))};
  auto r = store.Call((*inst)->GetFunc("keep"), args);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->trap);
  EXPECT_EQ(CurrentWasmExit(), nullptr);
  trap = false;
  r = store.Call((*inst)->GetFunc("keep"), args);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->trap);
  ASSERT_EQ(walks.size(), 1u);
  EXPECT_EQ(walks[0].refs, Raws({0x1000, 0x3000}));
  EXPECT_EQ(walks[0].stats.segments, 1u);
}

INSTANTIATE_TEST_SUITE_P(
    OptLevelsAndAllocators, StackWalk,
    ::testing::Values(Config{opt::OptLevel::kNone, compiler::Allocator::kFast, "none_fast"},
                      Config{opt::OptLevel::kNone, compiler::Allocator::kLinear, "none_linear"},
                      Config{opt::OptLevel::kSpeed, compiler::Allocator::kBacktrack,
                             "speed_backtrack"},
                      Config{opt::OptLevel::kSpeed, compiler::Allocator::kLinear, "speed_linear"}),
    [](const ::testing::TestParamInfo<Config>& info) { return info.param.name; });

}  // namespace
}  // namespace egret::runtime
