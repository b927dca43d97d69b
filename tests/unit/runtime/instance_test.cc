// Engine/Module/Store/Linker/Instance with a hand-built artifact whose code is hand-assembled
// array_call entries for the host: x86-64 (rdi = callee vmctx, rsi = caller vmctx, rdx =
// ValRaw*, rcx = n) or aarch64 (x0, x1, x2, x3 in the same roles). Instantiation must wire
// imports, globals, memories, tables, segments and the start function into the VMContext exactly
// where VMOffsets says compiled code will look.
#include "runtime/instance.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <tuple>

#include "artifact/artifact_reader.h"
#include "artifact/artifact_writer.h"
#include "artifact/vmoffsets.h"
#include "runtime/builtins.h"
#include "runtime/engine.h"
#include "runtime/host_target.h"
#include "runtime/instance_pre.h"
#include "runtime/linker.h"
#include "runtime/memory_pool.h"
#include "runtime/module.h"
#include "runtime/spectest.h"
#include "runtime/store.h"
#include "runtime/typed_func.h"
#include "tests/unit/artifact/random_artifact.h"
#include "tests/unit/runtime/a64_encoding.h"

namespace egret::runtime {
namespace {

using artifact::Artifact;
using artifact::ConstExpr;
using artifact::ConstOp;
using artifact::ExternKind;
using artifact::FuncType;
using artifact::ValType;

[[maybe_unused]] void Le32(std::vector<uint8_t>& v, uint32_t x) {  // x86-64 displacements
  for (int i = 0; i < 4; ++i) v.push_back(uint8_t(x >> (8 * i)));
}

enum TestFunc : uint32_t {  // defined function indices
  kAdd,
  kGetGlobal,
  kStart,
  kTrap,
  kIndirect0,
  kIndirect1,
  kCallHost,
  kNumFuncs
};
constexpr uint32_t kImportedFuncs = 1;

// Builds the test module. Function index space: 0 = env.host, 1 + Func for defined ones.
Artifact TestArtifact() {
  Artifact a;
  a.types = {FuncType{{ValType::kI32, ValType::kI32}, {ValType::kI32}},  // 0
             FuncType{{}, {ValType::kI32}},                              // 1
             FuncType{}};                                                // 2
  a.imports = {
      artifact::Import{"env", "host", ExternKind::kFunc, 0, {}, {}, {}},
      artifact::Import{"env", "g", ExternKind::kGlobal, 0, {}, {}, {ValType::kI32, false}}};
  a.tables = {artifact::TableType{ValType::kFuncRef, {2, 10}}};
  a.memories = {artifact::MemoryType{{1, 4}, false, false}};
  // g1 = g0 + 5 (extended const)
  a.globals = {artifact::Global{{ValType::kI32, false},
                                ConstExpr{{ConstOp::GlobalGet(0), ConstOp::I32(5),
                                           ConstOp{ConstOp::Kind::kI32Add, 0, 0, 0}}}}};
  auto o = artifact::VMOffsets::Compute(a);
  EGRET_CHECK(o.ok());

  std::vector<std::vector<uint8_t>> code(kNumFuncs);
  std::vector<std::pair<uint32_t, TrapCode>> traps[kNumFuncs];
#if defined(__x86_64__)
  const uint8_t pad = 0xCC;  // int3
  const std::vector<uint8_t> ret = {0xC3};
  // add: mov eax, [rdx]; add eax, [rdx + 16]; mov [rdx], eax; ret
  code[kAdd] = {0x8B, 0x02, 0x03, 0x42, 0x10, 0x89, 0x02, 0xC3};
  // get_global: mov eax, [rdi + global1]; mov [rdx], eax; ret
  code[kGetGlobal] = {0x8B, 0x87};
  Le32(code[kGetGlobal], o->defined_global(0));
  code[kGetGlobal].insert(code[kGetGlobal].end(), {0x89, 0x02, 0xC3});
  // start: mov rax, [rdi + memory0.base]; mov dword [rax + 8], 0x1234; ret
  code[kStart] = {0x48, 0x8B, 0x87};
  Le32(code[kStart], o->defined_memory_base(0));
  code[kStart].insert(code[kStart].end(), {0xC7, 0x40, 0x08, 0x34, 0x12, 0, 0, 0xC3});
  // trap: ud2
  code[kTrap] = {0x0F, 0x0B};
  traps[kTrap] = {{0, TrapCode::kUnreachable}};
  // indirectN: mov rax, [rdi + table0.base]; mov rax, [rax + 8N]; mov rdi, [rax + 24];
  //            jmp [rax + 8]   (a tail call through the funcref's array_call)
  for (uint32_t n : {0u, 1u}) {
    auto& c = code[kIndirect0 + n];
    c = {0x48, 0x8B, 0x87};
    Le32(c, o->defined_table_base(0));
    c.insert(c.end(), {0x48, 0x8B, 0x40, uint8_t(8 * n), 0x48, 0x8B, 0x78, 0x18, 0xFF, 0x60, 0x08});
    traps[kIndirect0 + n] = {{11, TrapCode::kIndirectCallToNull}};  // the load from a null ref
  }
  // call_host: lea rax, [rdi + funcref(0)]; mov rdi, [rax + 24]; jmp [rax + 8]
  code[kCallHost] = {0x48, 0x8D, 0x87};
  Le32(code[kCallHost], o->funcref(0));
  code[kCallHost].insert(code[kCallHost].end(), {0x48, 0x8B, 0x78, 0x18, 0xFF, 0x60, 0x08});
#elif defined(__aarch64__)
  using namespace testing::a64;  // NOLINT(build/namespaces): a page of hand assembly
  const uint8_t pad = 0x00;      // udf #0 words
  const std::vector<uint8_t> ret = Bytes({Ret()});
  // add: ldr w8, [x2]; ldr w9, [x2, #16]; add w8, w8, w9; str w8, [x2]; ret
  code[kAdd] = Bytes({LdrW(8, 2, 0), LdrW(9, 2, 16), AddReg32(8, 8, 9), StrW(8, 2, 0), Ret()});
  // get_global: ldr w8, [x0, #global1]; str w8, [x2]; ret
  code[kGetGlobal] = Bytes({LdrW(8, 0, o->defined_global(0)), StrW(8, 2, 0), Ret()});
  // start: ldr x8, [x0, #memory0.base]; mov w9, #0x1234; str w9, [x8, #8]; ret
  code[kStart] =
      Bytes({LdrX(8, 0, o->defined_memory_base(0)), MovzW(9, 0x1234), StrW(9, 8, 8), Ret()});
  // trap: udf #0
  code[kTrap] = Bytes({Udf(0)});
  traps[kTrap] = {{0, TrapCode::kUnreachable}};
  // indirectN: ldr x8, [x0, #table0.base]; ldr x8, [x8, #8N]; ldr x0, [x8, #24];
  //            ldr x9, [x8, #8]; br x9   (a tail call through the funcref's array_call)
  for (uint32_t n : {0u, 1u}) {
    code[kIndirect0 + n] = Bytes({LdrX(8, 0, o->defined_table_base(0)), LdrX(8, 8, 8 * n),
                                  LdrX(0, 8, 24), LdrX(9, 8, 8), Br(9)});
    traps[kIndirect0 + n] = {{8, TrapCode::kIndirectCallToNull}};  // the load from a null ref
  }
  // call_host: add x8, x0, #funcref(0); ldr x0, [x8, #24]; ldr x9, [x8, #8]; br x9
  code[kCallHost] = Bytes({AddImm64(8, 0, o->funcref(0)), LdrX(0, 8, 24), LdrX(9, 8, 8), Br(9)});
#else
#error "instance tests: hand-assembled code exists for x86-64 and aarch64 only"
#endif

  const uint32_t func_types[kNumFuncs] = {0, 1, 2, 2, 1, 1, 0};
  const char* names[kNumFuncs] = {"add",       "get_global", "start",    "trap",
                                  "indirect0", "indirect1",  "call_host"};
  for (uint32_t f = 0; f < kNumFuncs; ++f) {
    while (a.text.size() % 16) a.text.push_back(pad);
    const uint32_t off = uint32_t(a.text.size());
    a.text.insert(a.text.end(), code[f].begin(), code[f].end());
    const artifact::CodeRange r{off, uint32_t(code[f].size())};
    a.functions.push_back({func_types[f], r, r});  // body and array_call entry coincide here
    for (auto [at, tc] : traps[f]) a.traps.push_back({off + at, tc});
    a.function_names.push_back({kImportedFuncs + f, names[f]});
  }
  // A wasm-to-array trampoline for the host import's type (never run by these tests).
  a.wasm_to_array = {{0, {uint32_t(a.text.size()), uint32_t(ret.size())}}};
  a.text.insert(a.text.end(), ret.begin(), ret.end());

  for (uint32_t f = 0; f < kNumFuncs; ++f)
    if (f != kStart) a.exports.push_back({names[f], ExternKind::kFunc, kImportedFuncs + f});
  a.exports.push_back({"host", ExternKind::kFunc, 0});
  a.exports.push_back({"mem", ExternKind::kMemory, 0});
  a.exports.push_back({"tbl", ExternKind::kTable, 0});
  a.exports.push_back({"g1", ExternKind::kGlobal, 1});
  a.start = kImportedFuncs + kStart;
  a.elements = {
      artifact::ElementSegment{artifact::SegmentMode::kActive,
                               0,
                               ConstExpr{{ConstOp::I32(0)}},
                               ValType::kFuncRef,
                               {ConstExpr{{ConstOp::RefFunc(kImportedFuncs + kGetGlobal)}}}},
      artifact::ElementSegment{artifact::SegmentMode::kPassive,
                               0,
                               {},
                               ValType::kFuncRef,
                               {ConstExpr{{ConstOp::RefFunc(kImportedFuncs + kAdd)}},
                                ConstExpr{{ConstOp::RefNull(ValType::kFuncRef)}}}}};
  a.data = {artifact::DataSegment{
                artifact::SegmentMode::kActive, 0, ConstExpr{{ConstOp::I32(16)}}, {'h', 'i'}},
            artifact::DataSegment{artifact::SegmentMode::kPassive, 0, {}, {1, 2, 3, 4}}};
  a.module_name = "inst";
  a.target = HostTarget();
  return a;
}

struct World {
  Engine engine;
  Store store{engine};
  Linker linker;
  int host_calls = 0;
  Instance* instance = nullptr;

  World() {
    auto host = store.NewHostFunc(FuncType{{ValType::kI32, ValType::kI32}, {ValType::kI32}},
                                  [this](std::span<ValRaw> args) -> std::optional<TrapCode> {
                                    ++host_calls;
                                    if (args[1].i32 == 0) return TrapCode::kIntegerDivisionByZero;
                                    args[0].i32 = args[0].i32 / args[1].i32;
                                    return std::nullopt;
                                  });
    EGRET_CHECK(linker.Define("env", "host", Extern::Of(host)).ok());
    EGRET_CHECK(
        linker.Define("env", "g", Extern::Of(store.NewGlobal({ValType::kI32, false}, Val::I32(37))))
            .ok());
  }

  Expected<Instance*> Instantiate(const Artifact& a) {
    // Through bytes: the same path `egret run prog.egret` takes.
    EGRET_ASSIGN_OR_RETURN(auto module, Module::FromBytes(engine, artifact::WriteArtifact(a)));
    return linker.Instantiate(store, module);
  }

  Val Call(const char* name, std::vector<Val> args, std::optional<Trap>* trap = nullptr) {
    auto r = store.Call(instance->GetFunc(name), args);
    EGRET_CHECK(r.ok());
    if (trap) *trap = r->trap;
    return r->results.empty() ? Val::Default(ValType::kI32) : r->results[0];
  }
};

TEST(Instance, InstantiateAndCall) {
  World w;
  auto inst = w.Instantiate(TestArtifact());
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();
  w.instance = *inst;
  EXPECT_EQ(w.Call("add", {Val::I32(2), Val::I32(40)}).i32(), 42);
  EXPECT_EQ(w.Call("add", {Val::I32(-1), Val::I32(1)}).i32(), 0);
  // The global initializer read the imported global: 37 + 5.
  EXPECT_EQ(w.Call("get_global", {}).i32(), 42);
  EXPECT_EQ(w.instance->GetExport("g1")->global.Get().i32(), 42);
}

TEST(Instance, StartFunctionAndDataSegments) {
  World w;
  auto inst = w.Instantiate(TestArtifact());
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();
  LinearMemory* mem = (*inst)->GetExport("mem")->memory;
  ASSERT_NE(mem, nullptr);
  uint32_t v;
  std::memcpy(&v, mem->base() + 8, 4);
  EXPECT_EQ(v, 0x1234u);  // written by the start function through the VMContext
  EXPECT_EQ(mem->base()[16], 'h');
  EXPECT_EQ(mem->base()[17], 'i');
  // The definition compiled code reads lives in the VMContext.
  const auto& o = (*inst)->module().offsets();
  auto* def = reinterpret_cast<VMMemoryDefinition*>(reinterpret_cast<uint8_t*>((*inst)->vmctx()) +
                                                    o.defined_memory(0));
  EXPECT_EQ(def->base, mem->base());
  EXPECT_EQ(def->current_length, LinearMemory::kPageSize);
  EXPECT_EQ((*inst)->data_segment(0).size(), 0u);  // active segments are dropped
  EXPECT_EQ((*inst)->data_segment(1).size(), 4u);
}

TEST(Instance, TablesAndIndirectCalls) {
  World w;
  auto inst = w.Instantiate(TestArtifact());
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();
  w.instance = *inst;
  // table[0] = ref.func get_global (active element segment): the call goes through it.
  EXPECT_EQ(w.Call("indirect0", {}).i32(), 42);
  // table[1] is null: the load from the null funcref faults -> icall_null.
  std::optional<Trap> trap;
  w.Call("indirect1", {}, &trap);
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kIndirectCallToNull);
  // funcrefs carry the engine-wide signature id.
  Table* tbl = (*inst)->GetExport("tbl")->table;
  void* elem = nullptr;
  ASSERT_EQ(tbl->Get(0, &elem), std::nullopt);
  EXPECT_EQ(static_cast<VMFuncRef*>(elem)->type_id,
            w.engine.signatures().Intern(FuncType{{}, {ValType::kI32}}));
  EXPECT_EQ(static_cast<VMFuncRef*>(elem)->vmctx, (*inst)->vmctx());
  EXPECT_EQ((*inst)->element_segment(0).size(), 0u);  // dropped after use
  EXPECT_EQ((*inst)->element_segment(1).size(), 2u);  // passive
}

TEST(Instance, TrapsCarryBacktraces) {
  World w;
  auto inst = w.Instantiate(TestArtifact());
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();
  w.instance = *inst;
  std::optional<Trap> trap;
  w.Call("trap", {}, &trap);
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kUnreachable);
  ASSERT_FALSE(trap->backtrace.empty());
  EXPECT_EQ(trap->backtrace[0].name, "trap");
  EXPECT_EQ(trap->backtrace[0].module_name, "inst");
  // The store still works after a trap.
  EXPECT_EQ(w.Call("add", {Val::I32(1), Val::I32(2)}).i32(), 3);
}

TEST(Instance, HostFunctions) {
  World w;
  auto inst = w.Instantiate(TestArtifact());
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();
  w.instance = *inst;
  // Host → host through the re-exported import, and Wasm → host through the funcref.
  EXPECT_EQ(w.Call("host", {Val::I32(84), Val::I32(2)}).i32(), 42);
  EXPECT_EQ(w.Call("call_host", {Val::I32(90), Val::I32(3)}).i32(), 30);
  EXPECT_EQ(w.host_calls, 2);
  // A host function's trap unwinds through the Wasm caller.
  std::optional<Trap> trap;
  w.Call("call_host", {Val::I32(1), Val::I32(0)}, &trap);
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kIntegerDivisionByZero);
}

TEST(Instance, CallChecksArguments) {
  World w;
  auto inst = w.Instantiate(TestArtifact());
  ASSERT_TRUE(inst.ok());
  Func add = (*inst)->GetFunc("add");
  EXPECT_FALSE(w.store.Call(add, std::vector<Val>{Val::I32(1)}).ok());
  auto bad = w.store.Call(add, std::vector<Val>{Val::I32(1), Val::I64(2)});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("argument 1 is i64, expected i32"), std::string::npos);
  EXPECT_FALSE((*inst)->GetFunc("mem").valid());
  EXPECT_FALSE((*inst)->GetFunc("nope").valid());
}

TEST(TypedFunc, ChecksTheSignatureOnceAndCalls) {
  World w;
  auto inst = w.Instantiate(TestArtifact());
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();
  auto add = TypedFunc<int32_t(int32_t, int32_t)>::Create(w.store, (*inst)->GetFunc("add"));
  ASSERT_TRUE(add.ok()) << add.error().ToString();
  for (int32_t i = -3; i < 3; ++i) {
    TypedResult<int32_t> r = add->Call(w.store, i, 40);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value, i + 40);
  }
  // uint32_t is i32 too, and the bits go through unchanged.
  auto uadd = TypedFunc<uint32_t(uint32_t, uint32_t)>::Create(w.store, (*inst)->GetFunc("add"));
  ASSERT_TRUE(uadd.ok());
  EXPECT_EQ(uadd->Call(w.store, 0xFFFFFFFFu, 2u).value, 1u);
  EXPECT_EQ(TypedFunc<int32_t(int32_t, int32_t)>::ExpectedType(),
            (FuncType{{ValType::kI32, ValType::kI32}, {ValType::kI32}}));
  EXPECT_EQ((TypedFunc<std::tuple<int64_t, double>(float)>::ExpectedType()),
            (FuncType{{ValType::kF32}, {ValType::kI64, ValType::kF64}}));
}

TEST(TypedFunc, RefusesAWrongSignature) {
  World w;
  auto inst = w.Instantiate(TestArtifact());
  ASSERT_TRUE(inst.ok());
  const Func add = (*inst)->GetFunc("add");
  auto wrong_param = TypedFunc<int32_t(int32_t, int64_t)>::Create(w.store, add);
  ASSERT_FALSE(wrong_param.ok());
  EXPECT_NE(wrong_param.error().message.find("is (i32 i32) -> (i32)"), std::string::npos)
      << wrong_param.error().message;
  EXPECT_NE(wrong_param.error().message.find("not (i32 i64) -> (i32)"), std::string::npos)
      << wrong_param.error().message;
  EXPECT_FALSE((TypedFunc<int32_t(int32_t)>::Create(w.store, add).ok()));        // arity
  EXPECT_FALSE((TypedFunc<void(int32_t, int32_t)>::Create(w.store, add).ok()));  // results
  EXPECT_FALSE((TypedFunc<float(int32_t, int32_t)>::Create(w.store, add).ok()));
  EXPECT_FALSE(
      (TypedFunc<std::tuple<int32_t, int32_t>(int32_t, int32_t)>::Create(w.store, add).ok()));
  auto null = TypedFunc<void()>::Create(w.store, Func{});
  ASSERT_FALSE(null.ok());
  EXPECT_NE(null.error().message.find("null function"), std::string::npos);
  // A VMFuncRef without an array_call entry cannot be called from the host.
  VMFuncRef no_entry = *add.ref;
  no_entry.array_call = nullptr;
  auto no_array_call = TypedFunc<int32_t(int32_t, int32_t)>::Create(w.store, Func{&no_entry});
  ASSERT_FALSE(no_array_call.ok());
  EXPECT_NE(no_array_call.error().message.find("no array_call entry"), std::string::npos);
}

TEST(TypedFunc, TrapsAndHostErrorsCrossTheFastPath) {
  World w;
  auto inst = w.Instantiate(TestArtifact());
  ASSERT_TRUE(inst.ok());
  auto trap = TypedFunc<void()>::Create(w.store, (*inst)->GetFunc("trap"));
  ASSERT_TRUE(trap.ok());
  TypedResult<void> t = trap->Call(w.store);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.trap->code, TrapCode::kUnreachable);
  ASSERT_FALSE(t.trap->backtrace.empty());
  EXPECT_EQ(t.trap->backtrace[0].name, "trap");
  // Wasm -> host, the host function traps: the trap unwinds through the Wasm frame.
  auto call_host =
      TypedFunc<int32_t(int32_t, int32_t)>::Create(w.store, (*inst)->GetFunc("call_host"));
  ASSERT_TRUE(call_host.ok());
  TypedResult<int32_t> h = call_host->Call(w.store, 1, 0);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.trap->code, TrapCode::kIntegerDivisionByZero);
  EXPECT_EQ(h.value, 0);  // untouched on a trap
  // And the same wrappers keep working afterwards.
  h = call_host->Call(w.store, 90, 3);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h.value, 30);
  EXPECT_EQ(w.host_calls, 2);
  EXPECT_FALSE(InWasmActivation());
}

TEST(Store, CheckedCallIntoCallerStorage) {
  World w;
  auto inst = w.Instantiate(TestArtifact());
  ASSERT_TRUE(inst.ok());
  const Func add = (*inst)->GetFunc("add");
  const Val args[] = {Val::I32(2), Val::I32(40)};
  Val result[1];
  auto r = w.store.Call(add, args, result);
  ASSERT_TRUE(r.ok() && !r->has_value());
  EXPECT_EQ(result[0], Val::I32(42));
  // Room for the wrong number of results, or wrong arguments: an error, nothing runs.
  Val two[2];
  auto wrong_results = w.store.Call(add, args, two);
  ASSERT_FALSE(wrong_results.ok());
  EXPECT_NE(wrong_results.error().message.find("room for 2 results"), std::string::npos);
  const Val bad_args[] = {Val::I32(2), Val::F64Bits(0)};
  EXPECT_FALSE(w.store.Call(add, bad_args, result).ok());
  EXPECT_FALSE(w.store.Call(Func{}, args, result).ok());
  // A trap is a result, not an error.
  auto t = w.store.Call((*inst)->GetFunc("trap"), {}, {});
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->code, TrapCode::kUnreachable);
}

TEST(Store, InstancesShareTheStoreLimits) {
  World w;
  auto first = w.Instantiate(TestArtifact());
  ASSERT_TRUE(first.ok());
  auto limits_of = [](Instance* i) {
    VMStoreLimits* v;
    std::memcpy(&v, reinterpret_cast<uint8_t*>(i->vmctx()) + artifact::VMOffsets::store_limits(),
                sizeof v);
    return v;
  };
  // Every VMContext of the store points to the store's one record, from instantiation on.
  EXPECT_EQ(limits_of(*first), w.store.limits());
  auto add = TypedFunc<int32_t(int32_t, int32_t)>::Create(w.store, (*first)->GetFunc("add"));
  ASSERT_TRUE(add.ok());
  ASSERT_TRUE(add->Call(w.store, 1, 2).ok());
  const uintptr_t limit = w.store.limits()->stack_limit;
  EXPECT_NE(limit, 0u);
  EXPECT_EQ(w.store.limits()->fuel_consumed, INT64_MIN);  // unlimited
  auto second = w.Instantiate(TestArtifact());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(limits_of(*second), w.store.limits());
  // Another store has its own record.
  Store other(w.engine);
  EXPECT_NE(other.limits(), w.store.limits());
  // A deeper host frame moves the limit.
  std::function<uintptr_t(int)> deeper = [&](int depth) -> uintptr_t {
    volatile char pad[4096];
    pad[0] = char(depth);
    if (depth > 0) return deeper(depth - 1) + pad[0] * 0;
    EXPECT_TRUE(add->Call(w.store, 1, 2).ok());
    return w.store.limits()->stack_limit;
  };
  const uintptr_t deep_limit = deeper(4);
  EXPECT_LT(deep_limit, limit);
  // A budget is installed on every entry and taken back (here nothing charges fuel).
  w.store.SetFuel(10);
  ASSERT_TRUE(add->Call(w.store, 1, 2).ok());
  EXPECT_EQ(w.store.limits()->fuel_consumed, -10);
  EXPECT_EQ(w.store.fuel(), 10u);
  w.store.SetFuel(std::nullopt);
  ASSERT_TRUE(add->Call(w.store, 1, 2).ok());
  EXPECT_EQ(w.store.limits()->fuel_consumed, INT64_MIN);
}

// Module::DeserializeFile: the artifact file is mapped, its text executed in place.
class DeserializeFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/egret-deserialize-XXXXXX";
    const int fd = mkstemp(name);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = name;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  void Write(const std::vector<uint8_t>& bytes) {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    if (!bytes.empty()) {  // fwrite's buffer must not be null, even for 0 bytes
      ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
    }
    std::fclose(f);
  }
  // Whether /proc/self/maps shows `address` inside a mapping of our file.
  bool MappedFromTheFile(const void* address) const {
    std::FILE* maps = std::fopen("/proc/self/maps", "r");
    char line[4096];
    bool found = false;
    while (maps != nullptr && std::fgets(line, sizeof line, maps) != nullptr) {
      uintptr_t lo, hi;
      if (std::sscanf(line, "%lx-%lx", &lo, &hi) != 2) continue;
      const auto a = reinterpret_cast<uintptr_t>(address);
      if (a >= lo && a < hi && std::strstr(line, path_.c_str()) != nullptr) found = true;
    }
    if (maps != nullptr) std::fclose(maps);
    return found;
  }
  std::string path_;
};

TEST_F(DeserializeFileTest, MapsTheCodeAndRuns) {
  World w;
  Write(artifact::WriteArtifact(TestArtifact()));
  for (bool map_code : {true, false}) {
    DeserializeOptions options;
    options.map_code = map_code;
    auto module = Module::DeserializeFile(w.engine, path_, options);
    ASSERT_TRUE(module.ok()) << module.error().ToString();
    EXPECT_TRUE((*module)->artifact().text.empty());  // never copied into the artifact
    EXPECT_EQ(MappedFromTheFile((*module)->WasmCall(0)), map_code);
    auto inst = w.linker.Instantiate(w.store, *module);
    ASSERT_TRUE(inst.ok()) << inst.error().ToString();
    auto add = TypedFunc<int32_t(int32_t, int32_t)>::Create(w.store, (*inst)->GetFunc("add"));
    ASSERT_TRUE(add.ok());
    EXPECT_EQ(add->Call(w.store, 40, 2).value, 42);
    // Traps are found through the mapped code's registration.
    auto trap = TypedFunc<void()>::Create(w.store, (*inst)->GetFunc("trap"));
    ASSERT_TRUE(trap.ok());
    TypedResult<void> t = trap->Call(w.store);
    ASSERT_TRUE(t.trap.has_value());
    EXPECT_EQ(t.trap->code, TrapCode::kUnreachable);
    ASSERT_FALSE(t.trap->backtrace.empty());
    EXPECT_EQ(t.trap->backtrace[0].name, "trap");
  }
}

TEST_F(DeserializeFileTest, CorruptFilesAreRefusedCleanly) {
  World w;
  const std::vector<uint8_t> good = artifact::WriteArtifact(TestArtifact());
  auto error_for = [&](const std::vector<uint8_t>& bytes, const DeserializeOptions& options) {
    Write(bytes);
    auto m = Module::DeserializeFile(w.engine, path_, options);
    if (m.ok()) return std::string();
    EXPECT_EQ(m.error().file, path_);
    return m.error().ToString();
  };
  const DeserializeOptions checked;
  DeserializeOptions trusted;
  trusted.verify_checksum = false;
  // A damaged code byte: only the checksum can see it.
  std::vector<uint8_t> code_damage = good;
  std::span<const uint8_t> text;
  artifact::ReadOptions borrow;
  borrow.borrowed_text = &text;
  ASSERT_TRUE(artifact::ReadArtifact(good, borrow).ok());
  code_damage[size_t(text.data() - good.data()) + text.size() - 1] ^= 0xFF;
  EXPECT_NE(error_for(code_damage, checked).find("checksum mismatch"), std::string::npos);
  EXPECT_EQ(error_for(code_damage, trusted), "");  // a trusted cache skips it, by design
  // Damaged metadata is refused with or without the checksum.
  for (const DeserializeOptions& options : {checked, trusted}) {
    std::vector<uint8_t> truncated(good.begin(), good.end() - 3);
    EXPECT_NE(error_for(truncated, options).find("payload size"), std::string::npos);
    std::vector<uint8_t> header_only(good.begin(), good.begin() + 20);
    EXPECT_NE(error_for(header_only, options).find("truncated header"), std::string::npos);
    EXPECT_NE(error_for({}, options).find("truncated header"), std::string::npos);
    std::vector<uint8_t> not_an_artifact = {0x00, 0x61, 0x73, 0x6D, 1, 0, 0, 0};
    EXPECT_NE(error_for(not_an_artifact, options).find("bad magic"), std::string::npos);
  }
  auto missing = Module::DeserializeFile(w.engine, path_ + ".missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().ToString().find("cannot read file"), std::string::npos);
  auto directory = Module::DeserializeFile(w.engine, "/tmp");
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.error().ToString().find("not a regular file"), std::string::npos);
}

// Copy-on-write memory images: data segments at page and non-page offsets, overlapping (the
// later one wins), instances that do not see each other's writes, growth across the image.
Artifact DataArtifact(std::vector<artifact::DataSegment> data, uint64_t min_pages = 4) {
  Artifact a;
  a.target = HostTarget();
  a.memories = {artifact::MemoryType{{min_pages, 16}, false, false}};
  a.exports = {{"mem", ExternKind::kMemory, 0}};
  a.data = std::move(data);
  return a;
}

artifact::DataSegment Segment(uint32_t offset, size_t size, uint8_t seed) {
  artifact::DataSegment d{artifact::SegmentMode::kActive, 0,
                          ConstExpr{{ConstOp::I32(int32_t(offset))}}, std::vector<uint8_t>(size)};
  for (size_t i = 0; i < size; ++i) d.bytes[i] = uint8_t(seed + i * 7 + (i >> 9));
  return d;
}

// What copying the active segments in order produces.
std::vector<uint8_t> CopiedContents(const Artifact& a, size_t bytes) {
  std::vector<uint8_t> out(bytes, 0);
  for (const auto& d : a.data)
    if (d.mode == artifact::SegmentMode::kActive)
      std::copy(d.bytes.begin(), d.bytes.end(), out.begin() + int64_t(d.offset.ops[0].lo));
  return out;
}

bool MappedFromAnImage(const void* address) {
  std::FILE* maps = std::fopen("/proc/self/maps", "r");
  char line[4096];
  bool found = false;
  while (maps != nullptr && std::fgets(line, sizeof line, maps) != nullptr) {
    uintptr_t lo, hi;
    if (std::sscanf(line, "%lx-%lx", &lo, &hi) != 2) continue;
    const auto at = reinterpret_cast<uintptr_t>(address);
    if (at >= lo && at < hi && std::strstr(line, "egret-memory-image") != nullptr) found = true;
  }
  if (maps != nullptr) std::fclose(maps);
  return found;
}

TEST(MemoryImage, SegmentsAtPageAndNonPageOffsetsMapCopyOnWrite) {
  const Artifact a = DataArtifact({Segment(0, 8192, 1), Segment(70001, 5000, 2),
                                   Segment(4000, 300, 3),  // overlaps the first: wins
                                   Segment(3 * 65536 + 65000, 536, 4)});  // ends at min size
  Engine engine;
  Store store(engine);
  auto module = Module::FromArtifact(engine, a);
  ASSERT_TRUE(module.ok()) << module.error().ToString();
  const MemoryImage* image = (*module)->memory_image(0);
  ASSERT_NE(image, nullptr);
  const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
  EXPECT_EQ(image->offset() % page, 0u);
  EXPECT_EQ(image->size() % page, 0u);
  EXPECT_EQ(image->offset(), 0u);
  EXPECT_EQ(image->offset() + image->size(), 4 * LinearMemory::kPageSize);
  const std::vector<uint8_t> want = CopiedContents(a, 4 * LinearMemory::kPageSize);

  auto first = Instance::Instantiate(store, *module, {});
  auto second = Instance::Instantiate(store, *module, {});
  ASSERT_TRUE(first.ok() && second.ok());
  LinearMemory* m1 = (*first)->memory(0);
  LinearMemory* m2 = (*second)->memory(0);
  EXPECT_TRUE(MappedFromAnImage(m1->base() + 70001));
  EXPECT_EQ(std::memcmp(m1->base(), want.data(), want.size()), 0);
  EXPECT_EQ(std::memcmp(m2->base(), want.data(), want.size()), 0);
  EXPECT_EQ((*first)->data_segment(1).size(), 0u);  // active segments count as dropped

  // Writes stay in their instance.
  m1->base()[70001] ^= 0xFF;
  m1->base()[0] = 0x5A;
  EXPECT_EQ(m2->base()[70001], want[70001]);
  EXPECT_EQ(m2->base()[0], want[0]);
  auto third = Instance::Instantiate(store, *module, {});
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(std::memcmp((*third)->memory(0)->base(), want.data(), want.size()), 0);

  // Growing across the image: new pages are zero and writable, the image is intact.
  EXPECT_EQ(m2->Grow(3), 4);
  EXPECT_EQ(m2->pages(), 7u);
  for (uint64_t at = 4 * LinearMemory::kPageSize; at < 7 * LinearMemory::kPageSize; at += 4099)
    EXPECT_EQ(m2->base()[at], 0) << at;
  m2->base()[7 * LinearMemory::kPageSize - 1] = 9;
  EXPECT_EQ(std::memcmp(m2->base(), want.data(), want.size()), 0);
  EXPECT_FALSE(m2->Checked(7 * LinearMemory::kPageSize, 1));
}

TEST(MemoryImage, FallsBackToCopyingWhenItMust) {
  Engine engine;
  // Too little data to be worth a mapping.
  auto small = Module::FromArtifact(engine, DataArtifact({Segment(100, 64, 1)}));
  ASSERT_TRUE(small.ok());
  EXPECT_EQ((*small)->memory_image(0), nullptr);
  // An offset that is not a constant.
  Artifact from_global = DataArtifact({Segment(0, 9000, 1)});
  from_global.imports = {
      artifact::Import{"env", "g", ExternKind::kGlobal, 0, {}, {}, {ValType::kI32, false}}};
  from_global.data[0].offset = ConstExpr{{ConstOp::GlobalGet(0)}};
  auto global = Module::FromArtifact(engine, from_global);
  ASSERT_TRUE(global.ok());
  EXPECT_EQ((*global)->memory_image(0), nullptr);
  // A segment beyond the minimum size: copying traps, in spec order.
  const Artifact out_of_bounds = DataArtifact({Segment(0, 9000, 1), Segment(65536 - 10, 20, 2)}, 1);
  auto oob = Module::FromArtifact(engine, out_of_bounds);
  ASSERT_TRUE(oob.ok());
  EXPECT_EQ((*oob)->memory_image(0), nullptr);
  Store store(engine);
  auto trapped = Instance::Instantiate(store, *oob, {});
  ASSERT_FALSE(trapped.ok());
  EXPECT_NE(trapped.error().message.find("out of bounds memory access"), std::string::npos);
  // Switched off in the engine: always copied.
  EngineConfig no_images;
  no_images.memory_images = false;
  Engine copying(no_images);
  auto copied = Module::FromArtifact(copying, DataArtifact({Segment(0, 9000, 1)}));
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ((*copied)->memory_image(0), nullptr);
  // The copying path gives what the image path gives.
  Store s2(engine);
  Linker linker;
  ASSERT_TRUE(
      linker.Define("env", "g", Extern::Of(s2.NewGlobal({ValType::kI32, false}, Val::I32(0))))
          .ok());
  auto inst = linker.Instantiate(s2, *global);
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();
  const std::vector<uint8_t> want = CopiedContents(DataArtifact({Segment(0, 9000, 1)}), 65536);
  EXPECT_FALSE(MappedFromAnImage((*inst)->memory(0)->base()));
  EXPECT_EQ(std::memcmp((*inst)->memory(0)->base(), want.data(), want.size()), 0);
}

// Pooling: a dead store's memory reservations are reused, and reuse leaves no data behind,
// neither written bytes nor a copy-on-write data image.
TEST(MemoryPool, ReuseLeavesNoDataBehind) {
  EngineConfig config;
  config.pooled_memories = 2;
  Engine engine(config);
  ASSERT_NE(engine.memory_pool(), nullptr);
  auto with_data =
      Module::FromArtifact(engine, DataArtifact({Segment(0, 8192, 1), Segment(70001, 5000, 2)}));
  auto empty = Module::FromArtifact(engine, DataArtifact({}));
  ASSERT_TRUE(with_data.ok() && empty.ok());
  ASSERT_NE((*with_data)->memory_image(0), nullptr);

  uint8_t* first_base = nullptr;
  {
    Store store(engine);
    auto inst = Instance::Instantiate(store, *with_data, {});
    ASSERT_TRUE(inst.ok()) << inst.error().ToString();
    LinearMemory* m = (*inst)->memory(0);
    first_base = m->base();
    ASSERT_EQ(m->Grow(2), 4);  // committed beyond the image too
    std::memset(m->base() + 5 * LinearMemory::kPageSize, 0xAB, LinearMemory::kPageSize);
    std::memset(m->base() + 100, 0xCD, 100);  // a private copy of an image page
  }
  EXPECT_EQ(engine.memory_pool()->free_count(), 1u);
  {
    Store store(engine);
    auto inst = Instance::Instantiate(store, *empty, {});
    ASSERT_TRUE(inst.ok());
    LinearMemory* m = (*inst)->memory(0);
    EXPECT_EQ(m->base(), first_base);  // the same reservation, reused
    EXPECT_EQ(engine.memory_pool()->reused(), 1u);
    EXPECT_EQ(m->pages(), 4u);
    EXPECT_FALSE(MappedFromAnImage(m->base()));
    for (uint64_t i = 0; i < m->size_bytes(); ++i)
      ASSERT_EQ(m->base()[i], 0) << "byte " << i << " survived the reset";
    // Pages past the new size are PROT_NONE again: growing commits zeros.
    ASSERT_EQ(m->Grow(2), 4);
    for (uint64_t i = 4 * LinearMemory::kPageSize; i < m->size_bytes(); i += 512)
      ASSERT_EQ(m->base()[i], 0) << "byte " << i << " survived the reset";
    std::memset(m->base(), 0xEE, 4096);  // dirty, without an image this time (madvise reset)
  }
  {
    Store store(engine);
    auto inst = Instance::Instantiate(store, *with_data, {});
    ASSERT_TRUE(inst.ok());
    LinearMemory* m = (*inst)->memory(0);
    EXPECT_EQ(m->base(), first_base);
    const Artifact a = DataArtifact({Segment(0, 8192, 1), Segment(70001, 5000, 2)});
    const std::vector<uint8_t> want = CopiedContents(a, 4 * LinearMemory::kPageSize);
    EXPECT_EQ(std::memcmp(m->base(), want.data(), want.size()), 0);
  }
  // Beyond the pool's capacity reservations are unmapped, not kept.
  {
    Store store(engine);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(Instance::Instantiate(store, *empty, {}).ok());
  }
  EXPECT_EQ(engine.memory_pool()->free_count(), 2u);
}

// Pooled tables and VMContexts: an instance's table and VMContext come from the engine's slot
// pools, go back when its store dies, and the next instance finds no trace of the previous one;
// a full pool or a table larger than a slot fails instantiation with a clear error.
TEST(SlotPool, InstancesReuseTableAndVMContextSlots) {
  EngineConfig config;
  config.pooled_tables = 2;
  config.pooled_table_elements = 1000;
  config.pooled_vmctxs = 2;
  Engine engine(config);
  ASSERT_TRUE(engine.table_pool().ok() && *engine.table_pool() != nullptr);
  ASSERT_TRUE(engine.vmctx_pool().ok() && *engine.vmctx_pool() != nullptr);
  Artifact a;
  a.target = HostTarget();
  a.tables = {artifact::TableType{ValType::kFuncRef, {4, 600}}};  // fake pointers: uncounted
  a.globals = {{{ValType::kI64, true}, ConstExpr{{ConstOp::I64(7)}}}};
  a.exports = {{"t", ExternKind::kTable, 0}, {"g", ExternKind::kGlobal, 0}};
  auto module = Module::FromArtifact(engine, a);
  ASSERT_TRUE(module.ok()) << module.error().ToString();
  const uint32_t vmctx_size = (*module)->offsets().size();

  uint8_t* first_vmctx = nullptr;
  void** first_table = nullptr;
  {
    Store store(engine);
    auto inst = Instance::Instantiate(store, *module, {});
    ASSERT_TRUE(inst.ok()) << inst.error().ToString();
    first_vmctx = reinterpret_cast<uint8_t*>((*inst)->vmctx());
    Table* t = (*inst)->table(0);
    first_table = t->definition()->base;
    EXPECT_EQ(t->max_elements(), 600u);
    ASSERT_EQ(t->Grow(500, reinterpret_cast<void*>(uintptr_t{0xBAD0})), 4);
    ASSERT_EQ(t->Fill(0, reinterpret_cast<void*>(uintptr_t{0xBAD8}), 4), std::nullopt);
    (*inst)->global(0).Set(Val::I64(-1));
    // Scribble over the VMContext's reserved words too: nothing may survive the reset.
    std::memset(first_vmctx + 16, 0xEE, 8);
    std::memset(first_vmctx + 56, 0xEE, 8);
    EXPECT_EQ((*engine.table_pool())->in_use(), 1u);
    EXPECT_EQ((*engine.vmctx_pool())->in_use(), 1u);
  }
  EXPECT_EQ((*engine.table_pool())->in_use(), 0u);
  EXPECT_EQ((*engine.vmctx_pool())->in_use(), 0u);
  {
    Store store(engine);
    auto inst = Instance::Instantiate(store, *module, {});
    ASSERT_TRUE(inst.ok()) << inst.error().ToString();
    uint8_t* vmctx = reinterpret_cast<uint8_t*>((*inst)->vmctx());
    EXPECT_EQ(vmctx, first_vmctx);  // the same slots, reused
    Table* t = (*inst)->table(0);
    EXPECT_EQ(t->definition()->base, first_table);
    EXPECT_EQ(t->size(), 4u);
    for (uint64_t i = 0; i < 1000; ++i) ASSERT_EQ(first_table[i], nullptr) << "element " << i;
    for (uint32_t at : {16u, 56u})
      for (uint32_t k = 0; k < 8; ++k) ASSERT_EQ(vmctx[at + k], 0) << "vmctx byte " << at + k;
    for (uint32_t k = vmctx_size; k < (*engine.vmctx_pool())->slot_bytes(); k += 64)
      ASSERT_EQ(vmctx[k], 0);
    EXPECT_EQ((*inst)->global(0).Get().i64(), 7);
    // Two slots of each: a third instance in a live store does not fit.
    ASSERT_TRUE(Instance::Instantiate(store, *module, {}).ok());
    auto third = Instance::Instantiate(store, *module, {});
    ASSERT_FALSE(third.ok());
    EXPECT_NE(third.error().message.find("the VMContext pool is exhausted: all 2 slots are in use"),
              std::string::npos)
        << third.error().message;
  }
  // Tables alone run out too, and a table larger than a slot is refused.
  EngineConfig tables_only;
  tables_only.pooled_tables = 1;
  tables_only.pooled_table_elements = 1000;
  Engine engine2(tables_only);
  auto m2 = Module::FromArtifact(engine2, a);
  ASSERT_TRUE(m2.ok());
  Store store(engine2);
  ASSERT_TRUE(Instance::Instantiate(store, *m2, {}).ok());
  auto full = Instance::Instantiate(store, *m2, {});
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.error().message.find("the table pool is exhausted"), std::string::npos)
      << full.error().message;
  a.tables[0].limits = {2000, {}};
  auto big = Module::FromArtifact(engine2, a);
  ASSERT_TRUE(big.ok());
  Store store2(engine2);
  auto too_big = Instance::Instantiate(store2, *big, {});
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.error().message.find("pooled_table_elements"), std::string::npos)
      << too_big.error().message;
}

TEST(Instance, Builtins) {
  World w;
  auto inst = w.Instantiate(TestArtifact());
  ASSERT_TRUE(inst.ok());
  VMContext* vmctx = (*inst)->vmctx();
  LinearMemory* mem = (*inst)->memory(0);
  EXPECT_EQ(builtins::MemoryGrow(vmctx, 0, 2), 1);
  EXPECT_EQ(builtins::MemoryGrow(vmctx, 0, 2), -1);  // max is 4 pages
  EXPECT_EQ(mem->pages(), 3u);
  auto trap = CallWithTrapHandling([&] { builtins::MemoryInit(vmctx, 0, 1, 100, 1, 3); });
  EXPECT_FALSE(trap.has_value());
  EXPECT_EQ(mem->base()[100], 2);
  EXPECT_EQ(mem->base()[102], 4);
  builtins::DataDrop(vmctx, 1);
  trap = CallWithTrapHandling([&] { builtins::MemoryInit(vmctx, 0, 1, 100, 0, 1); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kHeapOutOfBounds);
  trap = CallWithTrapHandling([&] { builtins::TableInit(vmctx, 0, 1, 0, 0, 2); });
  EXPECT_FALSE(trap.has_value());
  EXPECT_EQ(builtins::TableGet(vmctx, 0, 0), (*inst)->funcref(kImportedFuncs + kAdd));
  EXPECT_EQ(builtins::TableGet(vmctx, 0, 1), nullptr);
  trap = CallWithTrapHandling([&] { builtins::TableGet(vmctx, 0, 2); });
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kTableOutOfBounds);
  EXPECT_EQ(builtins::TableGrow(vmctx, 0, 3, nullptr), 2);
  // ref.func of the imported host function: its funcref copy in this VMContext.
  VMFuncRef* host = builtins::RefFunc(vmctx, 0);
  EXPECT_EQ(host, (*inst)->funcref(0));
  EXPECT_EQ(w.store.TypeOf(Func{host}),
            (FuncType{{ValType::kI32, ValType::kI32}, {ValType::kI32}}));
  EXPECT_EQ(host->wasm_call, (*inst)->module().WasmToArrayTrampoline(0));
  EXPECT_EQ(builtins::NearestF64(2.5), 2.0);
  EXPECT_EQ(builtins::NearestF32(-3.5f), -4.0f);
  // The engine's table and the VMContext's pointer agree.
  const void* const* table = *reinterpret_cast<const void* const**>(
      reinterpret_cast<uint8_t*>(vmctx) + artifact::VMOffsets::builtins());
  EXPECT_EQ(table[uint32_t(artifact::Builtin::kMemoryGrow)],
            reinterpret_cast<const void*>(&builtins::MemoryGrow));
}

TEST(Instance, LinkErrors) {
  {
    World w;
    Linker empty;
    auto m = Module::FromArtifact(w.engine, TestArtifact());
    ASSERT_TRUE(m.ok());
    auto r = empty.Instantiate(w.store, *m);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "unknown import: \"env\" \"host\" (func)");
  }
  {
    World w;
    Linker l;
    auto wrong = w.store.NewHostFunc(FuncType{{ValType::kI64}, {}},
                                     [](std::span<ValRaw>) { return std::nullopt; });
    ASSERT_TRUE(l.Define("env", "host", Extern::Of(wrong)).ok());
    ASSERT_TRUE(l.Define("env", "g", *w.linker.Find("env", "g")).ok());
    EXPECT_FALSE(l.Define("env", "g", *w.linker.Find("env", "g")).ok());  // no redefinition
    auto m = Module::FromArtifact(w.engine, TestArtifact());
    auto r = l.Instantiate(w.store, *m);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("incompatible import type: expected (i32 i32) -> (i32), "
                                     "got (i64) -> ()"),
              std::string::npos)
        << r.error().message;
  }
  {
    World w;
    Linker l;
    ASSERT_TRUE(l.Define("env", "host", *w.linker.Find("env", "host")).ok());
    ASSERT_TRUE(
        l.Define("env", "g", Extern::Of(w.store.NewGlobal({ValType::kI32, true}, Val::I32(1))))
            .ok());
    auto m = Module::FromArtifact(w.engine, TestArtifact());
    auto r = l.Instantiate(w.store, *m);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("\"env\" \"g\": incompatible import type (global)"),
              std::string::npos);
  }
}

TEST(InstancePre, LinksOnceAndInstantiatesMany) {
  World w;
  auto m = Module::FromArtifact(w.engine, TestArtifact());
  ASSERT_TRUE(m.ok());
  auto pre = InstancePre::Create(w.linker, w.store, *m);
  ASSERT_TRUE(pre.ok()) << pre.error().ToString();
  // Later linker changes do not affect it: it resolved its imports at Create.
  w.linker.set_allow_shadowing(true);
  ASSERT_TRUE(w.linker
                  .Define("env", "host",
                          Extern::Of(w.store.NewHostFunc(
                              FuncType{{ValType::kI32, ValType::kI32}, {ValType::kI32}},
                              [](std::span<ValRaw>) -> std::optional<TrapCode> {
                                return TrapCode::kUnreachable;
                              })))
                  .ok());
  std::vector<Instance*> instances;
  for (int i = 0; i < 3; ++i) {
    auto inst = pre->Instantiate(w.store);
    ASSERT_TRUE(inst.ok()) << inst.error().ToString();
    instances.push_back(*inst);
    // Every step of instantiation ran: start function, data, elements, globals, imports.
    LinearMemory* mem = (*inst)->GetExport("mem")->memory;
    uint32_t v;
    std::memcpy(&v, mem->base() + 8, 4);
    EXPECT_EQ(v, 0x1234u);
    w.instance = *inst;
    EXPECT_EQ(w.Call("get_global", {}).i32(), 42);
    EXPECT_EQ(w.Call("indirect0", {}).i32(), 42);
    EXPECT_EQ(w.Call("call_host", {Val::I32(90), Val::I32(3)}).i32(), 30);  // the original host
  }
  EXPECT_NE(instances[0]->vmctx(), instances[1]->vmctx());
  EXPECT_NE(instances[0]->memory(0), instances[1]->memory(0));
  EXPECT_EQ(w.host_calls, 3);
  // Another store is refused.
  Store other(w.engine);
  auto wrong_store = pre->Instantiate(other);
  ASSERT_FALSE(wrong_store.ok());
  EXPECT_NE(wrong_store.error().message.find("only in the store it was linked for"),
            std::string::npos);
}

TEST(InstancePre, LinkErrorsAreReportedAtCreate) {
  World w;
  auto m = Module::FromArtifact(w.engine, TestArtifact());
  ASSERT_TRUE(m.ok());
  auto unknown = InstancePre::Create(Linker(), w.store, *m);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "unknown import: \"env\" \"host\" (func)");
  Linker l;
  auto wrong = w.store.NewHostFunc(FuncType{{ValType::kI64}, {}},
                                   [](std::span<ValRaw>) { return std::nullopt; });
  ASSERT_TRUE(l.Define("env", "host", Extern::Of(wrong)).ok());
  ASSERT_TRUE(l.Define("env", "g", *w.linker.Find("env", "g")).ok());
  auto mismatch = InstancePre::Create(l, w.store, *m);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().message.find("incompatible import type: expected (i32 i32) -> (i32)"),
            std::string::npos)
      << mismatch.error().message;
  Engine other_engine;
  Store other_store(other_engine);
  EXPECT_FALSE(InstancePre::Create(w.linker, other_store, *m).ok());
}

TEST(Instance, InstantiationTraps) {
  World w;
  Artifact a = TestArtifact();
  a.elements[0].offset = ConstExpr{{ConstOp::I32(2)}};  // one element past a 2-element table
  auto r = w.Instantiate(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "instantiate: wasm trap: out of bounds table access");

  a = TestArtifact();
  a.data[0].offset = ConstExpr{{ConstOp::I32(65535)}};
  r = w.Instantiate(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "instantiate: wasm trap: out of bounds memory access");

  a = TestArtifact();
  a.start = kImportedFuncs + kTrap;
  a.types[2] = FuncType{};
  r = w.Instantiate(a);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("start function: wasm trap: unreachable"), std::string::npos)
      << r.error().message;
}

TEST(Instance, ForeignTargetIsRejected) {
  Engine engine;
  Artifact a = TestArtifact();
  const bool x64 = HostTarget() == artifact::Target::kX86_64;
  a.target = x64 ? artifact::Target::kAarch64 : artifact::Target::kX86_64;
  auto m = Module::FromArtifact(engine, a);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, x64 ? "module: compiled for aarch64, but this host is x86_64 "
                                     "(compile the .wasm with --target=x86_64)"
                                   : "module: compiled for x86_64, but this host is aarch64 "
                                     "(compile the .wasm with --target=aarch64)");
  // Through the file format, the header's target is checked before the rest of the file (this
  // code, of the other architecture, would fail aarch64's 4-byte alignment checks first).
  auto from_bytes = Module::FromBytes(engine, artifact::WriteArtifact(a));
  ASSERT_FALSE(from_bytes.ok());
  EXPECT_EQ(from_bytes.error().offset, 12u);
  EXPECT_EQ("module" + from_bytes.error().message.substr(std::string("artifact").size()),
            m.error().message);
}

TEST(Instance, TwoInstancesShareOneModule) {
  World w;
  auto module = Module::FromArtifact(w.engine, TestArtifact());
  ASSERT_TRUE(module.ok());
  auto i1 = w.linker.Instantiate(w.store, *module);
  auto i2 = w.linker.Instantiate(w.store, *module);
  ASSERT_TRUE(i1.ok() && i2.ok());
  EXPECT_NE((*i1)->vmctx(), (*i2)->vmctx());
  EXPECT_NE((*i1)->memory(0)->base(), (*i2)->memory(0)->base());
  // Same code, different VMContexts.
  EXPECT_EQ((*i1)->funcref(1)->wasm_call, (*i2)->funcref(1)->wasm_call);
  EXPECT_EQ((*i1)->funcref(1)->type_id, (*i2)->funcref(1)->type_id);
  (*i1)->memory(0)->base()[0] = 1;
  EXPECT_EQ((*i2)->memory(0)->base()[0], 0);
}

}  // namespace
}  // namespace egret::runtime

namespace egret::runtime {
namespace {

// Instantiating many random (valid) artifacts, with every import satisfied by a host object of
// the right type, must either succeed or fail with an Error: segments out of bounds, missing
// trampolines. Never a crash, never a sanitizer report. Start functions are dropped: their code
// is random bytes.
TEST(Instance, RandomArtifactsInstantiateOrFailCleanly) {
  std::mt19937 rng(4242);
  int ok = 0, failed = 0;
  for (int i = 0; i < 300; ++i) {
    Artifact a = artifact::testing::RandomArtifact(rng, 4);
    a.target = HostTarget();
    a.start.reset();
    Engine engine;
    Store store(engine);
    std::vector<Extern> imports;
    bool satisfiable = true;
    for (const artifact::Import& im : a.imports) {
      switch (im.kind) {
        case ExternKind::kFunc:
          imports.push_back(Extern::Of(store.NewHostFunc(
              a.types[im.type_index], [](std::span<ValRaw>) { return std::nullopt; })));
          break;
        case ExternKind::kTable: {
          artifact::TableType t = im.table;
          auto table = store.NewTable(t);
          ASSERT_TRUE(table.ok()) << table.error().ToString();
          imports.push_back(Extern::Of(*table));
          break;
        }
        case ExternKind::kMemory: {
          auto mem = store.NewMemory(im.memory);
          if (!mem.ok()) {
            satisfiable = false;  // e.g. a minimum above the engine's cap
            break;
          }
          imports.push_back(Extern::Of(*mem));
          break;
        }
        case ExternKind::kGlobal:
          imports.push_back(Extern::Of(store.NewGlobal(im.global, Val::Default(im.global.type))));
          break;
      }
    }
    if (!satisfiable) continue;
    auto module = Module::FromArtifact(engine, a);
    ASSERT_TRUE(module.ok()) << module.error().ToString();
    auto inst = Instance::Instantiate(store, *module, imports);
    if (!inst.ok()) {
      ++failed;
      continue;
    }
    ++ok;
    // Every export resolves, and funcrefs point back into this instance or the store.
    for (const artifact::Export& e : a.exports) {
      auto ext = (*inst)->GetExport(e.name);
      ASSERT_TRUE(ext.has_value()) << e.name;
      EXPECT_EQ(ext->kind, e.kind);
    }
    for (uint32_t f = a.NumImported(ExternKind::kFunc); f < a.NumFunctions(); ++f)
      EXPECT_EQ((*inst)->funcref(f)->vmctx, (*inst)->vmctx());
  }
  EXPECT_GT(ok, 20);
  EXPECT_GT(failed, 0);
}

}  // namespace
}  // namespace egret::runtime

namespace egret::runtime {
namespace {

// A second module imports the first one's memory, table, global and a function. State must be
// shared, not copied: growth through the exporter is visible to the importer through the
// VMMemoryDefinition pointer in its VMContext, and calls reach the exporter's VMContext.
Artifact ImporterArtifact() {
  Artifact a;
  a.types = {FuncType{{ValType::kI32, ValType::kI32}, {ValType::kI32}},  // 0
             FuncType{{}, {ValType::kI64}}};                             // 1
  a.imports = {
      artifact::Import{"a", "add", ExternKind::kFunc, 0, {}, {}, {}},
      artifact::Import{"a", "mem", ExternKind::kMemory, 0, {}, {{1, {}}, false, false}, {}},
      artifact::Import{"a", "tbl", ExternKind::kTable, 0, {ValType::kFuncRef, {2, {}}}, {}, {}},
      artifact::Import{"a", "g1", ExternKind::kGlobal, 0, {}, {}, {ValType::kI32, false}}};
  // A global initialized from the imported one. (Set before computing offsets: the layout
  // depends on every count.)
  a.globals = {artifact::Global{{ValType::kI32, false}, ConstExpr{{ConstOp::GlobalGet(0)}}}};
  auto o = artifact::VMOffsets::Compute(a);
  EGRET_CHECK(o.ok());
#if defined(__x86_64__)
  const uint8_t pad = 0xCC;
  // mem_length: mov rax, [rdi + imported_memory(0)]; mov rax, [rax + 8]; mov [rdx], rax; ret
  std::vector<uint8_t> mem_length = {0x48, 0x8B, 0x87};
  Le32(mem_length, o->imported_memory(0));
  mem_length.insert(mem_length.end(), {0x48, 0x8B, 0x40, 0x08, 0x48, 0x89, 0x02, 0xC3});
  // call_add: lea rax, [rdi + funcref(0)]; mov rdi, [rax + 24]; jmp [rax + 8]
  std::vector<uint8_t> call_add = {0x48, 0x8D, 0x87};
  Le32(call_add, o->funcref(0));
  call_add.insert(call_add.end(), {0x48, 0x8B, 0x78, 0x18, 0xFF, 0x60, 0x08});
#elif defined(__aarch64__)
  using namespace testing::a64;  // NOLINT(build/namespaces): hand assembly
  const uint8_t pad = 0x00;
  // mem_length: ldr x8, [x0, #imported_memory(0)]; ldr x8, [x8, #8]; str x8, [x2]; ret
  const std::vector<uint8_t> mem_length =
      Bytes({LdrX(8, 0, o->imported_memory(0)), LdrX(8, 8, 8), StrX(8, 2, 0), Ret()});
  // call_add: add x8, x0, #funcref(0); ldr x0, [x8, #24]; ldr x9, [x8, #8]; br x9
  const std::vector<uint8_t> call_add =
      Bytes({AddImm64(8, 0, o->funcref(0)), LdrX(0, 8, 24), LdrX(9, 8, 8), Br(9)});
#endif
  a.text = mem_length;
  a.functions.push_back({1, {0, uint32_t(mem_length.size())}, {0, uint32_t(mem_length.size())}});
  while (a.text.size() % 16) a.text.push_back(pad);
  const uint32_t off = uint32_t(a.text.size());
  a.text.insert(a.text.end(), call_add.begin(), call_add.end());
  a.functions.push_back({0, {off, uint32_t(call_add.size())}, {off, uint32_t(call_add.size())}});
  a.target = HostTarget();
  a.exports = {{"mem_length", ExternKind::kFunc, 1}, {"call_add", ExternKind::kFunc, 2}};
  // Writes the exporter's table through the import: tbl[1] = ref.func call_add.
  a.elements = {artifact::ElementSegment{artifact::SegmentMode::kActive,
                                         0,
                                         ConstExpr{{ConstOp::I32(1)}},
                                         ValType::kFuncRef,
                                         {ConstExpr{{ConstOp::RefFunc(2)}}}}};
  return a;
}

TEST(Instance, ImportsShareStateWithTheExporter) {
  World w;
  auto exporter = w.Instantiate(TestArtifact());
  ASSERT_TRUE(exporter.ok()) << exporter.error().ToString();
  ASSERT_TRUE(w.linker.DefineInstance("a", **exporter).ok());
  auto importer = w.Instantiate(ImporterArtifact());
  ASSERT_TRUE(importer.ok()) << importer.error().ToString();
  Instance& b = **importer;

  Func mem_length = b.GetFunc("mem_length");
  auto r = w.store.Call(mem_length, {});
  ASSERT_TRUE(r.ok() && !r->trap);
  EXPECT_EQ(r->results[0].i64(), int64_t(LinearMemory::kPageSize));
  EXPECT_EQ(builtins::MemoryGrow((*exporter)->vmctx(), 0, 2), 1);
  r = w.store.Call(mem_length, {});
  EXPECT_EQ(r->results[0].i64(), int64_t(3 * LinearMemory::kPageSize));
  // The importer sees the very same memory object.
  EXPECT_EQ(b.memory(0), (*exporter)->memory(0));

  // A call through the imported function runs in the exporter's VMContext.
  r = w.store.Call(b.GetFunc("call_add"), std::vector<Val>{Val::I32(20), Val::I32(22)});
  ASSERT_TRUE(r.ok() && !r->trap);
  EXPECT_EQ(r->results[0].i32(), 42);
  EXPECT_EQ(b.funcref(0)->vmctx, (*exporter)->vmctx());

  // The importer's element segment wrote the exporter's table.
  void* elem = nullptr;
  ASSERT_EQ((*exporter)->table(0)->Get(1, &elem), std::nullopt);
  EXPECT_EQ(elem, b.funcref(2));
  // And its global was initialized from the exporter's.
  EXPECT_EQ(b.global(1).Get().i32(), 42);
  // The element is a complete funcref: calling it runs the importer's code, which calls back
  // into the exporter.
  r = w.store.Call(Func{static_cast<VMFuncRef*>(elem)}, std::vector<Val>{Val::I32(1), Val::I32(2)});
  ASSERT_TRUE(r.ok() && !r->trap);
  EXPECT_EQ(r->results[0].i32(), 3);
}

}  // namespace
}  // namespace egret::runtime

namespace egret::runtime {
namespace {

// Fuel, with hand-assembled code charging the store's counter the way compiled code does: load
// the limits record's address from the VMContext, add the cost to its fuel counter, and trap
// once it turns positive.
TEST(Instance, Fuel) {
  Artifact a;
  a.types = {FuncType{{}, {}}};
  const uint32_t off = 32;  // cost5's offset
#if defined(__x86_64__)
  // spin:  mov rax, [rdi + 8]; loop: add qword [rax + 8], 1; jle loop; ud2 (out_of_fuel)
  a.text = {0x48, 0x8B, 0x47, 0x08, 0x48, 0x83, 0x40, 0x08, 0x01, 0x7E, 0xF9, 0x0F, 0x0B};
  a.traps = {{11, TrapCode::kOutOfFuel}};
  a.functions.push_back({0, {0, 13}, {0, 13}});
  // cost5: mov rax, [rdi + 8]; add qword [rax + 8], 5; jg out; ret; out: ud2 (out_of_fuel)
  a.text.resize(off, 0xCC);
  a.text.insert(a.text.end(), {0x48, 0x8B, 0x47, 0x08, 0x48, 0x83, 0x40, 0x08, 0x05, 0x7F, 0x01,
                               0xC3, 0x0F, 0x0B});
  a.traps.push_back({off + 12, TrapCode::kOutOfFuel});
  a.functions.push_back({0, {off, 14}, {off, 14}});
#elif defined(__aarch64__)
  // The counter is in memory on aarch64 too: load, add and set the flags, store, branch.
  using namespace testing::a64;  // NOLINT(build/namespaces): hand assembly
  // spin:  ldr x9, [x0, #8]; loop: ldr x8, [x9, #8]; adds x8, x8, #1; str x8, [x9, #8];
  //        b.le loop; udf (out_of_fuel)
  a.text = Bytes({LdrX(9, 0, 8), LdrX(8, 9, 8), AddsImm64(8, 8, 1), StrX(8, 9, 8),
                  BCond(Cond::kLe, -12), Udf(0)});
  a.traps = {{20, TrapCode::kOutOfFuel}};
  a.functions.push_back({0, {0, 24}, {0, 24}});
  // cost5: ldr x9, [x0, #8]; ldr x8, [x9, #8]; adds x8, x8, #5; str x8, [x9, #8]; b.gt out; ret;
  //        out: udf (out_of_fuel)
  a.text.resize(off, 0x00);
  const std::vector<uint8_t> cost5 = Bytes({LdrX(9, 0, 8), LdrX(8, 9, 8), AddsImm64(8, 8, 5),
                                            StrX(8, 9, 8), BCond(Cond::kGt, 8), Ret(), Udf(0)});
  a.text.insert(a.text.end(), cost5.begin(), cost5.end());
  a.traps.push_back({off + 24, TrapCode::kOutOfFuel});
  a.functions.push_back({0, {off, 28}, {off, 28}});
#endif
  a.target = HostTarget();
  a.exports = {{"spin", ExternKind::kFunc, 0}, {"cost5", ExternKind::kFunc, 1}};
  static_assert(artifact::VMOffsets::store_limits() == 8);
  static_assert(artifact::kVMStoreLimitsFuelConsumed == 8);

  Engine engine;
  Store store(engine);
  auto module = Module::FromArtifact(engine, a);
  ASSERT_TRUE(module.ok()) << module.error().ToString();
  auto inst = Instance::Instantiate(store, *module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();

  // Unlimited by default: cost5 never runs out.
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(store.Call((*inst)->GetFunc("cost5"), {})->trap);
  EXPECT_EQ(store.fuel(), std::nullopt);

  store.SetFuel(12);
  EXPECT_FALSE(store.Call((*inst)->GetFunc("cost5"), {})->trap);
  EXPECT_EQ(store.fuel(), 7u);
  EXPECT_FALSE(store.Call((*inst)->GetFunc("cost5"), {})->trap);
  EXPECT_EQ(store.fuel(), 2u);
  auto r = store.Call((*inst)->GetFunc("cost5"), {});
  ASSERT_TRUE(r.ok() && r->trap.has_value());
  EXPECT_EQ(r->trap->code, TrapCode::kOutOfFuel);
  EXPECT_EQ(r->trap->ToString().substr(0, 28), "wasm trap: all fuel consumed");
  EXPECT_EQ(store.fuel(), 0u);

  // An infinite loop ends with out-of-fuel after exactly its budget.
  store.SetFuel(100000);
  r = store.Call((*inst)->GetFunc("spin"), {});
  ASSERT_TRUE(r.ok() && r->trap.has_value());
  EXPECT_EQ(r->trap->code, TrapCode::kOutOfFuel);
  EXPECT_EQ(store.fuel(), 0u);
  EXPECT_EQ(store.limits()->fuel_consumed, 1);  // one unit past the budget
}

}  // namespace
}  // namespace egret::runtime

namespace egret::runtime {
namespace {

TEST(Spectest, DefinesTheTestsuiteHostModule) {
  Engine engine;
  Store store(engine);
  Linker linker;
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ASSERT_TRUE(DefineSpectest(linker, store, out).ok());
  const Extern* g = linker.Find("spectest", "global_i32");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->global.Get().i32(), 666);
  EXPECT_FALSE(g->global.type.is_mutable);
  const Extern* f64 = linker.Find("spectest", "global_f64");
  ASSERT_NE(f64, nullptr);
  EXPECT_EQ(f64->global.Get().f64_bits(), 0x4084D4CCCCCCCCCDull);  // 666.6
  const Extern* table = linker.Find("spectest", "table");
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->table->size(), 10u);
  EXPECT_EQ(table->table->max_elements(), 20u);
  const Extern* mem = linker.Find("spectest", "memory");
  ASSERT_NE(mem, nullptr);
  EXPECT_EQ(mem->memory->pages(), 1u);
  EXPECT_EQ(mem->memory->max_pages(), 2u);
  const Extern* print = linker.Find("spectest", "print_i32_f32");
  ASSERT_NE(print, nullptr);
  EXPECT_EQ(store.TypeOf(print->func), (FuncType{{ValType::kI32, ValType::kF32}, {}}));
  auto r = store.Call(print->func, std::vector<Val>{Val::I32(42), Val::F32Bits(0x3FC00000)});
  ASSERT_TRUE(r.ok() && !r->trap);
  std::rewind(out);
  char buf[64] = {};
  ASSERT_NE(std::fgets(buf, sizeof buf, out), nullptr);
  EXPECT_STREQ(buf, "42 : i32\n");
  ASSERT_NE(std::fgets(buf, sizeof buf, out), nullptr);
  EXPECT_STREQ(buf, "1.5 : f32\n");
  std::fclose(out);
  EXPECT_FALSE(DefineSpectest(linker, store, nullptr).ok());  // already defined
}

}  // namespace
}  // namespace egret::runtime

namespace egret::runtime {
namespace {

// v128 globals: a host global imported, a defined one initialised by v128.const and one by
// global.get of the import; every slot 16-byte aligned (vector loads may require it), values
// exported bit for bit, and the import's type checked.
TEST(Instance, V128Globals) {
  Engine engine;
  Store store(engine);
  Linker linker;
  Val host = Val::Default(ValType::kV128);
  for (int i = 0; i < 16; ++i) host.raw.v128[i] = uint8_t(0xa0 + i);
  Global imported = store.NewGlobal({ValType::kV128, false}, host);
  ASSERT_TRUE(linker.Define("env", "v", Extern::Of(imported)).ok());
  ASSERT_TRUE(
      linker.Define("env", "i", Extern::Of(store.NewGlobal({ValType::kI32, false}, Val::I32(1))))
          .ok());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(imported.slot) % 16, 0u);
  EXPECT_EQ(imported.Get(), host);
  EXPECT_EQ(host.ToString(), "v128:0xa3a2a1a0 0xa7a6a5a4 0xabaaa9a8 0xafaeadac");

  artifact::Artifact a;
  a.target = HostTarget();
  a.module_name = "v128";
  artifact::Import im;
  im.module = "env";
  im.name = "v";
  im.kind = ExternKind::kGlobal;
  im.global = {ValType::kV128, false};
  a.imports.push_back(im);
  ConstOp c{ConstOp::Kind::kV128Const, 0, 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
  a.globals.push_back({{ValType::kV128, true}, ConstExpr{{c}}});
  a.globals.push_back({{ValType::kV128, false}, ConstExpr{{ConstOp::GlobalGet(0)}}});
  a.exports = {{"const", ExternKind::kGlobal, 1}, {"copy", ExternKind::kGlobal, 2}};
  auto module = Module::FromBytes(engine, artifact::WriteArtifact(a));
  ASSERT_TRUE(module.ok()) << module.error().ToString();
  auto inst = linker.Instantiate(store, *module);
  ASSERT_TRUE(inst.ok()) << inst.error().ToString();

  Val want = Val::Default(ValType::kV128);
  for (int i = 0; i < 16; ++i) want.raw.v128[i] = uint8_t(i);
  std::optional<Extern> e = (*inst)->GetExport("const");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->global.Get(), want);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(e->global.slot) % 16, 0u);
  e = (*inst)->GetExport("copy");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->global.Get(), host);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(e->global.slot) % 16, 0u);
  // Another lane pattern compares unequal (all 16 bytes count).
  Val other = host;
  other.raw.v128[15] ^= 1;
  EXPECT_FALSE(e->global.Get() == other);

  // Importing the i32 global as v128 is a link error.
  a.imports[0].name = "i";
  auto bad = Module::FromBytes(engine, artifact::WriteArtifact(a));
  ASSERT_TRUE(bad.ok());
  auto failed = linker.Instantiate(store, *bad);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("incompatible import type"), std::string::npos)
      << failed.error().message;
}

}  // namespace
}  // namespace egret::runtime
