// instances_test.cc: the two executions of the differential target, each checked against Wasm
// semantics written down by hand, so the oracle cannot silently share a mistake with the runtime.
//
// Each case is a small module (wat2wasm; skipped when it is not installed), a sequence of calls
// and the outcome the spec requires; OracleInstance (the IR interpreter with its builtins) and
// NativeInstance (compiled, run by the runtime) must both produce it, and the same state.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "frontend/validator.h"
#include "tests/fuzz/differential/host_import.h"
#include "tests/fuzz/differential/native_instance.h"
#include "tests/fuzz/differential/oracle_instance.h"

namespace egret::fuzz {
namespace {

std::vector<uint8_t> Wat2Wasm(const std::string& wat) {
  char dir[] = "/tmp/egret_instances_XXXXXX";
  if (mkdtemp(dir) == nullptr) return {};
  const std::string in = std::string(dir) + "/m.wat", out = std::string(dir) + "/m.wasm";
  {
    std::ofstream f(in);
    f << wat;
  }
  const std::string cmd = "wat2wasm " + in + " -o " + out + " 2>&1";
  std::vector<uint8_t> bytes;
  if (std::system(cmd.c_str()) == 0) {
    std::ifstream f(out, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  std::remove(in.c_str());
  std::remove(out.c_str());
  rmdir(dir);
  return bytes;
}

struct Expect {
  std::string func;
  std::vector<uint64_t> args;
  CallOutcome::Kind kind;
  std::vector<uint64_t> values;  // kReturned
  TrapCode trap = TrapCode::kUnreachable;
};

CallOutcome::Kind kRet = CallOutcome::Kind::kReturned;
CallOutcome::Kind kTrap = CallOutcome::Kind::kTrapped;

class Instances : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("wat2wasm --version > /dev/null 2>&1") != 0)
      GTEST_SKIP() << "wat2wasm not installed";
  }

  // Runs `calls` in order on both executions (fuel `fuel` per call) and checks each outcome and
  // that the two states agree after every call.
  void Check(const std::string& wat, const std::vector<Expect>& calls, uint64_t fuel = 100000) {
    std::vector<uint8_t> bytes = Wat2Wasm(wat);
    ASSERT_FALSE(bytes.empty()) << "wat2wasm failed";
    wasm::WasmError err;
    std::optional<wasm::ModuleEnv> env = wasm::LoadModule(bytes, "test.wasm", &err);
    ASSERT_TRUE(env) << err.error.ToString();
    std::string why;
    CallOutcome oinit, ninit;
    std::unique_ptr<OracleInstance> oracle = OracleInstance::Create(*env, fuel, &oinit, &why);
    ASSERT_TRUE(oracle) << why;
    NativeConfig config;
    config.heap = wasm::HeapStrategy::kGuardPages;
    std::unique_ptr<NativeInstance> native =
        NativeInstance::Create(*env, config, fuel, &ninit, &why);
    ASSERT_TRUE(native) << why;
    ASSERT_EQ(oinit.kind, kRet);
    ASSERT_EQ(ninit.kind, kRet);
    for (const Expect& e : calls) {
      uint32_t index = UINT32_MAX;
      for (const wasm::Export& x : env->exports)
        if (x.kind == wasm::ExternKind::kFunc && x.name == e.func) index = x.index;
      ASSERT_NE(index, UINT32_MAX) << e.func;
      const wasm::FuncType& type = env->function_type(index);
      const std::vector<wasm::ValType> results(type.results().begin(), type.results().end());
      for (auto* side : {"oracle", "native"}) {
        const bool is_oracle = std::string(side) == "oracle";
        CallOutcome got =
            is_oracle ? oracle->Call(index, e.args, fuel) : native->Call(index, e.args, fuel);
        CallOutcome want;
        want.kind = e.kind;
        want.values = e.values;
        want.trap = e.trap;
        EXPECT_TRUE(got == want) << side << " " << e.func << ": got " << got.ToString(results)
                                 << ", want " << want.ToString(results);
      }
      EXPECT_EQ(DescribeStateDifference(oracle->State(), native->State()), "") << e.func;
    }
  }
};

TEST_F(Instances, MemoryGrowFillCopyInitAndDrop) {
  Check(R"((module
    (memory 1 3)
    (data $p "\01\02\03\04")
    (data (i32.const 8) "\aa\bb")
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "size") (result i32) memory.size)
    (func (export "fill") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)
    (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.copy)
    (func (export "init") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $p)
    (func (export "init1") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init 1)
    (func (export "drop") data.drop $p)
    (func (export "load") (param i32) (result i32) local.get 0 i32.load)))",
        {
            {"load", {8}, kRet, {0xbbaa}},
            {"grow", {1}, kRet, {1}},
            {"grow", {2}, kRet, {0xffffffff}},  // past the maximum: -1, nothing changes
            {"size", {}, kRet, {2}},
            {"grow", {0}, kRet, {2}},
            {"fill", {131070, 7, 3}, kTrap, {}, TrapCode::kHeapOutOfBounds},  // no partial write
            {"load", {131068}, kRet, {0}},
            {"fill", {131070, 7, 2}, kRet, {}},
            {"copy", {9, 8, 2}, kRet, {}},  // overlapping: memmove
            {"load", {8}, kRet, {0xbbaaaa}},
            {"init", {100, 1, 3}, kRet, {}},
            {"load", {100}, kRet, {0x040302}},
            {"init", {100, 2, 3}, kTrap, {}, TrapCode::kHeapOutOfBounds},  // past the segment
            {"init1", {0, 0, 0}, kRet, {}},  // active segments are dropped: length 0 is fine
            {"init1", {0, 0, 1}, kTrap, {}, TrapCode::kHeapOutOfBounds},
            {"drop", {}, kRet, {}},
            {"init", {0, 0, 0}, kRet, {}},
            {"init", {0, 0, 1}, kTrap, {}, TrapCode::kHeapOutOfBounds},
            {"load", {131069}, kTrap, {}, TrapCode::kHeapOutOfBounds},
        });
}

TEST_F(Instances, TablesAndIndirectCalls) {
  Check(R"((module
    (type $ii (func (param i32) (result i32)))
    (table $t 2 5 funcref)
    (table $e 1 3 externref)
    (elem $seg func $inc $dbl)
    (elem (table $t) (i32.const 0) func $inc)
    (elem declare func $other)
    (func $inc (param i32) (result i32) local.get 0 i32.const 1 i32.add)
    (func $dbl (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
    (func $other (param i64) (result i64) local.get 0)
    (func (export "call") (param i32 i32) (result i32)
      local.get 0 local.get 1 call_indirect $t (type $ii))
    (func (export "grow") (param i32) (result i32) ref.func $dbl local.get 0 table.grow $t)
    (func (export "size") (result i32) table.size $t)
    (func (export "get") (param i32) (result funcref) local.get 0 table.get $t)
    (func (export "set_other") (param i32) local.get 0 ref.func $other table.set $t)
    (func (export "fill") (param i32 i32) local.get 0 ref.null func local.get 1 table.fill $t)
    (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.copy $t $t)
    (func (export "init") (param i32 i32 i32)
      local.get 0 local.get 1 local.get 2 table.init $t $seg)
    (func (export "drop") elem.drop $seg)
    (func (export "eset") (param i32 externref) local.get 0 local.get 1 table.set $e)
    (func (export "egrow") (param externref i32) (result i32) local.get 0 local.get 1 table.grow $e)))",
        {
            {"call", {5, 0}, kRet, {6}},
            {"call", {5, 1}, kTrap, {}, TrapCode::kIndirectCallToNull},
            {"call", {5, 2}, kTrap, {}, TrapCode::kIndirectCallOutOfBounds},
            {"grow", {2}, kRet, {2}},
            {"grow", {2}, kRet, {0xffffffff}},
            {"size", {}, kRet, {4}},
            {"call", {5, 3}, kRet, {10}},
            {"get", {0}, kRet, {0 + 1}},  // $inc, function 0
            {"get", {4}, kTrap, {}, TrapCode::kTableOutOfBounds},
            {"set_other", {1}, kRet, {}},
            {"call", {5, 1}, kTrap, {}, TrapCode::kBadSignature},
            {"fill", {3, 1}, kRet, {}},
            {"call", {5, 3}, kTrap, {}, TrapCode::kIndirectCallToNull},
            {"fill", {3, 2}, kTrap, {}, TrapCode::kTableOutOfBounds},
            {"copy", {2, 0, 2}, kRet, {}},
            {"call", {7, 2}, kRet, {8}},
            {"init", {1, 0, 2}, kRet, {}},
            {"call", {7, 2}, kRet, {14}},
            {"init", {3, 1, 2}, kTrap, {}, TrapCode::kTableOutOfBounds},
            {"drop", {}, kRet, {}},
            {"init", {0, 0, 0}, kRet, {}},
            {"init", {0, 0, 1}, kTrap, {}, TrapCode::kTableOutOfBounds},
            {"eset", {0, 3}, kRet, {}},
            {"egrow", {2, 2}, kRet, {1}},
            {"egrow", {2, 1}, kRet, {0xffffffff}},
        });
}

TEST_F(Instances, FuelAndNumericTraps) {
  Check(R"((module
    (global $g (mut i32) (i32.const 0))
    (func (export "spin") (loop $l global.get $g i32.const 1 i32.add global.set $g br $l))
    (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
    (func (export "trunc") (param f32) (result i32) local.get 0 i32.trunc_f32_s)
    (func (export "g") (result i32) global.get $g)))",
        {
            {"div", {7, 0}, kTrap, {}, TrapCode::kIntegerDivisionByZero},
            {"div", {0x80000000, 0xffffffff}, kTrap, {}, TrapCode::kIntegerOverflow},
            {"div", {0xfffffff9, 2}, kRet, {0xfffffffd}},
            {"trunc", {0x7fc00000}, kTrap, {}, TrapCode::kBadConversionToInteger},
            {"trunc", {0x4f000000}, kTrap, {}, TrapCode::kIntegerOverflow},
            {"spin", {}, kTrap, {}, TrapCode::kOutOfFuel},
        },
        /*fuel=*/1000);
}

// Imported functions (host_import.h) reached directly, through a table and from the start
// function: both executions pass the arguments and count the calls the same way.
TEST_F(Instances, ImportedFunctionsSeeTheSameArgumentsAndCallOrder) {
  using wasm::ValType;
  const wasm::FuncType f0{
      {ValType::kI32, ValType::kI64, ValType::kF32, ValType::kI64, ValType::kF64}, 3};
  const wasm::FuncType f1{{ValType::kI32}, 0};
  const uint64_t a = 0x12345678, b = 0xfedcba9876543210, c = 0x3fc00000;
  // Call 0 is the start function's f1; the calls below are 1, 2, 3 and 4.
  const std::vector<uint64_t> r1 = HostImportResults(0, f0, std::vector<uint64_t>{a, b, c}, 1);
  const std::vector<uint64_t> r2 = HostImportResults(1, f1, {}, 2);
  const std::vector<uint64_t> r3 = HostImportResults(1, f1, {}, 3);
  const std::vector<uint64_t> r4 = HostImportResults(0, f0, std::vector<uint64_t>{a, b, c}, 4);
  ASSERT_NE(r2, r3) << "the call number must change the results";
  ASSERT_NE(r1, r4);
  const uint64_t start = HostImportResults(1, f1, {}, 0)[0];
  Check(R"((module
    (import "host" "f0" (func $f0 (param i32 i64 f32) (result i64 f64)))
    (import "host" "f1" (func $f1 (result i32)))
    (type $t0 (func (param i32 i64 f32) (result i64 f64)))
    (table 1 funcref)
    (elem (i32.const 0) $f0)
    (global $g (mut i32) (i32.const 0))
    (func $init call $f1 global.set $g)
    (start $init)
    (func (export "direct") (param i32 i64 f32) (result i64 f64)
      local.get 0 local.get 1 local.get 2 call $f0)
    (func (export "twice") (result i32 i32) call $f1 call $f1)
    (func (export "indirect") (param i32 i64 f32) (result i64 f64)
      local.get 0 local.get 1 local.get 2 i32.const 0 call_indirect (type $t0))
    (func (export "g") (result i32) global.get $g)))",
        {
            {"g", {}, kRet, {start}},
            {"direct", {a, b, c}, kRet, r1},
            {"twice", {}, kRet, {r2[0], r3[0]}},
            {"indirect", {a, b, c}, kRet, r4},
        });
}

}  // namespace
}  // namespace egret::fuzz
