// Instances with several memories (multi-memory) and with memory64 memories, with code the
// compiler produced for the host (so these also run on aarch64 under qemu): each memory is
// exported and imported on its own, an importer's memory i is exactly the exporter's memory
// object, the builtins (grow, fill, copy, init) act on the memory their index names, and a
// memory64 memory grows, fails to grow (-1 as i64) and bounds-checks 64-bit addresses.
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

namespace egret::runtime {
namespace {

std::shared_ptr<const Module> CompileWat(Engine& engine, const char* wat) {
  auto wasm = text::WatToWasm(wat);
  EGRET_CHECK(wasm.ok());
  compiler::CompileOptions options;
  options.wasm_features.set(wasm::WasmFeature::kMultiMemory, true);
  options.wasm_features.set(wasm::WasmFeature::kMemory64, true);
  auto compiled = compiler::CompileBytes(std::move(*wasm), "multi_memory", options);
  EGRET_CHECK(compiled.ok());
  auto module = Module::FromArtifact(engine, std::move(compiled->artifact));
  EGRET_CHECK(module.ok());
  return *module;
}

// Three memories: two 32-bit ones (1 and 2 pages) and a 64-bit one (1 page, at most 3), each
// exported, with an active data segment in memories 1 and 2 (an i64 offset for the latter).
constexpr const char* kExporter = R"((module
  (memory $m0 (export "m0") 1)
  (memory $m1 (export "m1") 2)
  (memory $m2 (export "m2") i64 1 3)
  (data (memory $m1) (i32.const 65536) "one")
  (data (memory $m2) (i64.const 100) "two")
  (data $passive "PASSIVE")
  (func (export "load1") (param i32) (result i32) (i32.load8_u $m1 (local.get 0)))
  (func (export "load2") (param i64) (result i32) (i32.load8_u $m2 (local.get 0)))
  (func (export "size2") (result i64) (memory.size $m2))
  (func (export "grow2") (param i64) (result i64) (memory.grow $m2 (local.get 0)))
  (func (export "fill1") (param i32 i32 i32) (memory.fill $m1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy01") (param i32 i32 i32)
    (memory.copy $m0 $m1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init2") (param i64 i32 i32)
    (memory.init $m2 $passive (local.get 0) (local.get 1) (local.get 2))))
)";

// Imports the exporter's memories 2 and 1 (in that order, as its memories 0 and 1) and defines
// one of its own (memory 2); reads each through its own index.
constexpr const char* kImporter = R"((module
  (import "a" "m2" (memory $x i64 1))
  (import "a" "m1" (memory $y 1))
  (memory $own 1)
  (data (memory $own) (i32.const 7) "own")
  (func (export "load_x") (param i64) (result i32) (i32.load8_u $x (local.get 0)))
  (func (export "load_y") (param i32) (result i32) (i32.load8_u $y (local.get 0)))
  (func (export "load_own") (param i32) (result i32) (i32.load8_u $own (local.get 0)))
  (func (export "store_y") (param i32 i32) (i32.store8 $y (local.get 0) (local.get 1))))
)";

struct Fixture {
  Engine engine;
  Store store{engine};
  Linker linker;
  Instance* exporter = nullptr;
  Instance* importer = nullptr;

  Fixture() {
    auto a = linker.Instantiate(store, CompileWat(engine, kExporter));
    EGRET_CHECK(a.ok());
    exporter = *a;
    EGRET_CHECK(linker.DefineInstance("a", *exporter).ok());
    auto b = linker.Instantiate(store, CompileWat(engine, kImporter));
    EGRET_CHECK(b.ok());
    importer = *b;
  }

  // Calls `name` on `inst`; returns its result (0 for none), or nullopt if it trapped.
  std::optional<Val> Call(Instance* inst, const char* name, std::vector<Val> args) {
    auto r = store.Call(inst->GetFunc(name), args);
    EGRET_CHECK(r.ok());
    if (r->trap) return std::nullopt;
    return r->results.empty() ? Val::I32(0) : r->results[0];
  }
};

TEST(MultiMemory, EachMemoryIsExportedAndImportedOnItsOwn) {
  Fixture f;
  for (const char* name : {"m0", "m1", "m2"}) {
    std::optional<Extern> e = f.exporter->GetExport(name);
    ASSERT_TRUE(e.has_value()) << name;
    ASSERT_EQ(e->kind, artifact::ExternKind::kMemory);
  }
  EXPECT_EQ(f.exporter->GetExport("m0")->memory, f.exporter->memory(0));
  EXPECT_EQ(f.exporter->GetExport("m1")->memory, f.exporter->memory(1));
  EXPECT_EQ(f.exporter->GetExport("m2")->memory, f.exporter->memory(2));
  EXPECT_EQ(f.exporter->memory(0)->pages(), 1u);
  EXPECT_EQ(f.exporter->memory(1)->pages(), 2u);
  EXPECT_TRUE(f.exporter->memory(2)->type().is64);
  EXPECT_FALSE(f.exporter->memory(2)->has_guard_pages());  // memory64: explicit checks instead
  // The importer's memories 0 and 1 are the exporter's 2 and 1, the very same objects.
  EXPECT_EQ(f.importer->memory(0), f.exporter->memory(2));
  EXPECT_EQ(f.importer->memory(1), f.exporter->memory(1));
  EXPECT_NE(f.importer->memory(2), f.exporter->memory(0));
}

TEST(MultiMemory, DataSegmentsAndAccessesUseTheirMemory) {
  Fixture f;
  EXPECT_EQ(f.Call(f.exporter, "load1", {Val::I32(65536)})->i32(), 'o');
  EXPECT_EQ(f.Call(f.exporter, "load2", {Val::I64(101)})->i32(), 'w');
  EXPECT_EQ(f.exporter->memory(0)->base()[0], 0);  // memory 0 got no segment
  // Through the imports: x is memory 2, y is memory 1; the importer's own memory has its data.
  EXPECT_EQ(f.Call(f.importer, "load_x", {Val::I64(102)})->i32(), 'o');
  EXPECT_EQ(f.Call(f.importer, "load_y", {Val::I32(65537)})->i32(), 'n');
  EXPECT_EQ(f.Call(f.importer, "load_own", {Val::I32(8)})->i32(), 'w');
  // A store through the importer is seen by the exporter.
  ASSERT_TRUE(f.Call(f.importer, "store_y", {Val::I32(5), Val::I32(77)}));
  EXPECT_EQ(f.Call(f.exporter, "load1", {Val::I32(5)})->i32(), 77);
  // Bounds are per memory: memory 1 has 2 pages, the importer's own 1 page.
  EXPECT_TRUE(f.Call(f.importer, "load_y", {Val::I32(2 * 65536 - 1)}).has_value());
  EXPECT_FALSE(f.Call(f.importer, "load_y", {Val::I32(2 * 65536)}).has_value());
  EXPECT_FALSE(f.Call(f.importer, "load_own", {Val::I32(65536)}).has_value());
}

TEST(MultiMemory, BulkBuiltinsTakeTheMemoryIndex) {
  Fixture f;
  ASSERT_TRUE(f.Call(f.exporter, "fill1", {Val::I32(10), Val::I32(0xab), Val::I32(4)}));
  EXPECT_EQ(f.exporter->memory(1)->base()[13], 0xab);
  EXPECT_EQ(f.exporter->memory(0)->base()[13], 0);
  // memory.copy $m0 $m1: from memory 1's data segment into memory 0.
  ASSERT_TRUE(f.Call(f.exporter, "copy01", {Val::I32(0), Val::I32(65536), Val::I32(3)}));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(f.exporter->memory(0)->base()), 3), "one");
  // The source range is checked against memory 1's size (2 pages), not memory 0's.
  EXPECT_FALSE(f.Call(f.exporter, "copy01", {Val::I32(0), Val::I32(2 * 65536 - 2), Val::I32(3)}));
  // memory.init into the memory64 memory, at an i64 destination.
  ASSERT_TRUE(f.Call(f.exporter, "init2", {Val::I64(200), Val::I32(0), Val::I32(7)}));
  EXPECT_EQ(f.Call(f.exporter, "load2", {Val::I64(206)})->i32(), 'E');
}

TEST(Memory64, GrowsReturnsMinusOneAndChecksBounds) {
  Fixture f;
  EXPECT_EQ(f.Call(f.exporter, "size2", {})->i64(), 1);
  EXPECT_FALSE(f.Call(f.exporter, "load2", {Val::I64(65536)}).has_value());
  EXPECT_EQ(f.Call(f.exporter, "grow2", {Val::I64(2)})->i64(), 1);
  EXPECT_EQ(f.Call(f.exporter, "size2", {})->i64(), 3);
  EXPECT_EQ(f.Call(f.exporter, "load2", {Val::I64(3 * 65536 - 1)})->i32(), 0);
  // Past the maximum (3 pages), and a delta no memory can have: -1 as i64.
  EXPECT_EQ(f.Call(f.exporter, "grow2", {Val::I64(1)})->i64(), -1);
  EXPECT_EQ(f.Call(f.exporter, "grow2", {Val::I64(INT64_MIN)})->i64(), -1);
  // Addresses at and beyond 2^32 (no guard region would cover them) and near 2^64 trap.
  for (uint64_t a : {uint64_t{3} * 65536, uint64_t{1} << 32, ~uint64_t{0}, ~uint64_t{0} - 1})
    EXPECT_FALSE(f.Call(f.exporter, "load2", {Val::I64(int64_t(a))}).has_value()) << a;
  // The importer sees the grown memory.
  EXPECT_EQ(f.Call(f.importer, "load_x", {Val::I64(3 * 65536 - 1)})->i32(), 0);
}

}  // namespace
}  // namespace egret::runtime
