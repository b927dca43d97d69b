// end_to_end_test.cc: .wat -> wat2wasm -> egret compiler -> artifact bytes -> runtime -> call.
//
// Each test compiles a small module, loads the artifact through the runtime's embedding API
// (Module::FromBytes, Linker, Store::Call through the array_call trampolines) and checks results
// and trap codes against Wasm semantics. The compiler runs with the register-allocation checker
// on. Tests are skipped when wat2wasm is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "artifact/artifact_reader.h"
#include "artifact/artifact_writer.h"
#include "compiler/compiler.h"
#include "runtime/engine.h"
#include "runtime/host_target.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"

namespace egret {
namespace {

using runtime::Val;

// Runs wat2wasm on `wat`; empty on failure.
std::vector<uint8_t> Wat2Wasm(const std::string& wat) {
  char dir[] = "/tmp/egret_e2e_XXXXXX";
  if (mkdtemp(dir) == nullptr) return {};
  const std::string in = std::string(dir) + "/m.wat", out = std::string(dir) + "/m.wasm";
  {
    std::ofstream f(in);
    f << wat;
  }
  const std::string cmd = "wat2wasm --enable-all " + in + " -o " + out + " 2>&1";
  const int rc = std::system(cmd.c_str());
  std::vector<uint8_t> bytes;
  if (rc == 0) {
    std::ifstream f(out, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  std::remove(in.c_str());
  std::remove(out.c_str());
  rmdir(dir);
  return bytes;
}

bool HaveWat2Wasm() { return std::system("wat2wasm --version > /dev/null 2>&1") == 0; }

class E2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveWat2Wasm()) GTEST_SKIP() << "wat2wasm not installed";
    const std::string_view host = artifact::TargetName(runtime::HostTarget());
    // They compile for this host's target (CompileOptions' default), so they run on x86_64 and,
    // under qemu, on aarch64; a host of neither architecture cannot execute the code.
    const std::string_view target = compiler::Name(compiler::CompileOptions{}.target);
    if (host != target)
      GTEST_SKIP() << "runs code compiled for " << target << " (CompileOptions' default target), "
                   << "which this " << host << " host cannot execute";
  }

  // Compiles and instantiates `wat` with `jobs` threads and the given allocator.
  void Load(const std::string& wat, const std::string& regalloc = "linear", uint32_t jobs = 1,
            const std::function<void(runtime::Store&, runtime::Linker&)>& define = nullptr) {
    std::vector<uint8_t> wasm = Wat2Wasm(wat);
    ASSERT_FALSE(wasm.empty()) << "wat2wasm failed";
    compiler::CompileOptions o;
    o.regalloc = *compiler::ParseAllocator(regalloc);
    o.regalloc_checker = true;
    o.jobs = jobs;
    o.features = features_;
    Expected<compiler::CompileResult> r = compiler::CompileBytes(wasm, "test.wasm", o);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    artifact_bytes_ = artifact::WriteArtifact(r->artifact);
    auto m = runtime::Module::FromBytes(engine_, artifact_bytes_);
    ASSERT_TRUE(m.ok()) << m.error().ToString();
    module_ = *m;
    store_ = std::make_unique<runtime::Store>(engine_);
    if (define) define(*store_, linker_);
    auto inst = linker_.Instantiate(*store_, module_);
    ASSERT_TRUE(inst.ok()) << inst.error().ToString();
    instance_ = *inst;
  }

  runtime::CallResult Call(const std::string& name, std::vector<Val> args) {
    runtime::Func f = instance_->GetFunc(name);
    EXPECT_TRUE(f.valid()) << name;
    if (!f.valid()) return {};
    Expected<runtime::CallResult> r = store_->Call(f, args);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    if (!r.ok()) return {};
    return *r;
  }
  int32_t I32(const std::string& name, std::vector<Val> args) {
    runtime::CallResult r = Call(name, std::move(args));
    EXPECT_FALSE(r.trap) << r.trap->ToString();
    EXPECT_EQ(r.results.size(), 1u);
    return r.results.empty() ? 0 : r.results[0].i32();
  }
  int64_t I64(const std::string& name, std::vector<Val> args) {
    runtime::CallResult r = Call(name, std::move(args));
    EXPECT_FALSE(r.trap) << r.trap->ToString();
    EXPECT_EQ(r.results.size(), 1u);
    return r.results.empty() ? 0 : r.results[0].i64();
  }
  std::optional<TrapCode> TrapOf(const std::string& name, std::vector<Val> args) {
    runtime::CallResult r = Call(name, std::move(args));
    if (!r.trap) return std::nullopt;
    return r.trap->code;
  }

  runtime::Engine engine_;
  runtime::Linker linker_;
  std::shared_ptr<const runtime::Module> module_;
  std::unique_ptr<runtime::Store> store_;
  runtime::Instance* instance_ = nullptr;
  std::vector<uint8_t> artifact_bytes_;
  std::string features_;  // "" = the host's
};

Val F32(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return Val::F32Bits(b);
}
Val F64(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return Val::F64Bits(b);
}
float AsF32(const Val& v) {
  float f;
  uint32_t b = v.f32_bits();
  std::memcpy(&f, &b, 4);
  return f;
}
double AsF64(const Val& v) {
  double d;
  uint64_t b = v.f64_bits();
  std::memcpy(&d, &b, 8);
  return d;
}

const char kArith[] = R"((module
  (func $add (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func $fac (export "fac") (param i32) (result i32)
    (local i32)
    i32.const 1 local.set 1
    block loop
      local.get 0 i32.eqz br_if 1
      local.get 1 local.get 0 i32.mul local.set 1
      local.get 0 i32.const 1 i32.sub local.set 0
      br 0
    end end
    local.get 1)
  (func (export "callfac") (param i32) (result i32) local.get 0 call $fac i32.const 1 call $add)
  (func (export "fib") (param i64) (result i64)
    local.get 0 i64.const 2 i64.lt_u
    if (result i64) local.get 0
    else local.get 0 i64.const 1 i64.sub call 4 local.get 0 i64.const 2 i64.sub call 4 i64.add
    end)
  (func $fibr (param i64) (result i64)
    local.get 0 i64.const 2 i64.lt_u
    if (result i64) local.get 0
    else local.get 0 i64.const 1 i64.sub call $fibr local.get 0 i64.const 2 i64.sub call $fibr
         i64.add
    end)
  (func (export "shifts") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.shl local.get 0 local.get 1 i32.rotr i32.xor
    local.get 0 i32.const 3 i32.shr_s i32.add)
  (func (export "bits") (param i64) (result i64)
    local.get 0 i64.clz local.get 0 i64.ctz i64.const 8 i64.shl i64.or
    local.get 0 i64.popcnt i64.const 16 i64.shl i64.or)
  (func (export "bits32") (param i32) (result i32)
    local.get 0 i32.clz local.get 0 i32.ctz i32.const 8 i32.shl i32.or
    local.get 0 i32.popcnt i32.const 16 i32.shl i32.or)
  (func (export "select") (param i32 i32 i32) (result i32)
    local.get 1 local.get 2 local.get 0 select)
  (func (export "select_lt") (param i64 i64) (result i64)
    local.get 0 local.get 1 local.get 0 local.get 1 i64.lt_s select)
  (func (export "cmp") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.lt_u local.get 0 local.get 1 i32.ge_s i32.const 1 i32.shl i32.or)
  (func (export "ext") (param i32) (result i64)
    local.get 0 i32.extend8_s i64.extend_i32_s local.get 0 i64.extend_i32_u i64.add)
))";

TEST_F(E2E, IntegerArithmeticLocalsLoopsAndCalls) {
  Load(kArith);
  EXPECT_EQ(I32("add", {Val::I32(2), Val::I32(40)}), 42);
  EXPECT_EQ(I32("add", {Val::I32(-1), Val::I32(1)}), 0);
  EXPECT_EQ(I32("fac", {Val::I32(5)}), 120);
  EXPECT_EQ(I32("fac", {Val::I32(0)}), 1);
  EXPECT_EQ(I32("callfac", {Val::I32(6)}), 721);
  EXPECT_EQ(I64("fib", {Val::I64(20)}), 6765);
  const uint32_t x = 0x81234567u;
  for (uint32_t s : {0u, 1u, 5u, 31u, 32u, 33u}) {
    const uint32_t shl = x << (s & 31), rotr = (x >> (s & 31)) | (x << ((32 - (s & 31)) & 31));
    const uint32_t want = (shl ^ rotr) + static_cast<uint32_t>(static_cast<int32_t>(x) >> 3);
    EXPECT_EQ(static_cast<uint32_t>(I32("shifts", {Val::I32(static_cast<int32_t>(x)),
                                                   Val::I32(static_cast<int32_t>(s))})),
              want)
        << s;
  }
  for (uint64_t v : {0ull, 1ull, 0x8000000000000000ull, 0x00f0000000000100ull, ~0ull}) {
    const uint64_t clz = v == 0 ? 64 : __builtin_clzll(v), ctz = v == 0 ? 64 : __builtin_ctzll(v);
    const uint64_t pop = __builtin_popcountll(v);
    EXPECT_EQ(static_cast<uint64_t>(I64("bits", {Val::I64(static_cast<int64_t>(v))})),
              clz | (ctz << 8) | (pop << 16))
        << v;
  }
  for (uint32_t v : {0u, 1u, 0x80000000u, 0x00f00100u, ~0u}) {
    const uint32_t clz = v == 0 ? 32 : __builtin_clz(v), ctz = v == 0 ? 32 : __builtin_ctz(v);
    const uint32_t pop = __builtin_popcount(v);
    EXPECT_EQ(static_cast<uint32_t>(I32("bits32", {Val::I32(static_cast<int32_t>(v))})),
              clz | (ctz << 8) | (pop << 16))
        << v;
  }
  EXPECT_EQ(I32("select", {Val::I32(1), Val::I32(10), Val::I32(20)}), 10);
  EXPECT_EQ(I32("select", {Val::I32(0), Val::I32(10), Val::I32(20)}), 20);
  EXPECT_EQ(I64("select_lt", {Val::I64(-5), Val::I64(3)}), -5);
  EXPECT_EQ(I64("select_lt", {Val::I64(7), Val::I64(3)}), 3);
  EXPECT_EQ(I32("cmp", {Val::I32(-1), Val::I32(1)}), 0);  // not <u, not >=s
  EXPECT_EQ(I32("cmp", {Val::I32(1), Val::I32(-1)}), 3);
  EXPECT_EQ(I64("ext", {Val::I32(0x180)}), static_cast<int64_t>(-128) + 0x180);
}

// The x64 feature strings below select x64 code paths; other targets have no such fallbacks.
bool HostIsX64() { return compiler::HostTarget() == compiler::Target::kX86_64; }

TEST_F(E2E, BitCountFallbacksWithoutLzcntTzcntPopcnt) {
  if (!HostIsX64()) GTEST_SKIP() << "tests x64's fallbacks without lzcnt, tzcnt and popcnt";
  features_ = "+sse4.1";  // no lzcnt, no bmi1 (tzcnt), no popcnt
  Load(kArith);
  for (uint64_t v :
       {0ull, 1ull, 0x8000000000000000ull, 0x00f0000000000100ull, ~0ull, 0x123456789abcdef0ull}) {
    const uint64_t clz = v == 0 ? 64 : __builtin_clzll(v), ctz = v == 0 ? 64 : __builtin_ctzll(v);
    const uint64_t pop = __builtin_popcountll(v);
    EXPECT_EQ(static_cast<uint64_t>(I64("bits", {Val::I64(static_cast<int64_t>(v))})),
              clz | (ctz << 8) | (pop << 16))
        << v;
  }
  for (uint32_t v : {0u, 1u, 0x80000000u, 0x00f00100u, ~0u, 0x9abcdef0u}) {
    const uint32_t clz = v == 0 ? 32 : __builtin_clz(v), ctz = v == 0 ? 32 : __builtin_ctz(v);
    const uint32_t pop = __builtin_popcount(v);
    EXPECT_EQ(static_cast<uint32_t>(I32("bits32", {Val::I32(static_cast<int32_t>(v))})),
              clz | (ctz << 8) | (pop << 16))
        << v;
  }
}

TEST_F(E2E, FastAllocatorGivesTheSameResults) {
  Load(kArith, "fast");
  EXPECT_EQ(I32("fac", {Val::I32(10)}), 3628800);
  EXPECT_EQ(I64("fib", {Val::I64(15)}), 610);
}

const char kDiv[] = R"((module
  (func (export "div_s") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "div_u") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_u)
  (func (export "rem_s") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_s)
  (func (export "rem_u") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_u)
  (func (export "div_s64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s)
  (func (export "rem_s64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_s)
  (func (export "unreachable") unreachable)
))";

TEST_F(E2E, DivisionTrapsAndIntMinRemainder) {
  Load(kDiv);
  EXPECT_EQ(I32("div_s", {Val::I32(-7), Val::I32(2)}), -3);
  EXPECT_EQ(I32("div_u", {Val::I32(-7), Val::I32(2)}), 0x7ffffffc);
  EXPECT_EQ(I32("rem_s", {Val::I32(-7), Val::I32(2)}), -1);
  EXPECT_EQ(I32("rem_u", {Val::I32(-7), Val::I32(2)}), 1);
  EXPECT_EQ(TrapOf("div_s", {Val::I32(1), Val::I32(0)}), TrapCode::kIntegerDivisionByZero);
  EXPECT_EQ(TrapOf("rem_u", {Val::I32(1), Val::I32(0)}), TrapCode::kIntegerDivisionByZero);
  EXPECT_EQ(TrapOf("div_s", {Val::I32(INT32_MIN), Val::I32(-1)}), TrapCode::kIntegerOverflow);
  EXPECT_EQ(I32("rem_s", {Val::I32(INT32_MIN), Val::I32(-1)}), 0);
  EXPECT_EQ(TrapOf("div_s64", {Val::I64(INT64_MIN), Val::I64(-1)}), TrapCode::kIntegerOverflow);
  EXPECT_EQ(I64("rem_s64", {Val::I64(INT64_MIN), Val::I64(-1)}), 0);
  EXPECT_EQ(I64("div_s64", {Val::I64(INT64_MIN), Val::I64(2)}), INT64_MIN / 2);
  EXPECT_EQ(TrapOf("unreachable", {}), TrapCode::kUnreachable);
}

TEST_F(E2E, UntypedCallPathUsesValRawSlots) {
  // Store::CallUnchecked: the caller's slots carry the arguments in and the results out.
  Load(kDiv);
  runtime::Func div = instance_->GetFunc("div_s");
  ASSERT_TRUE(div.valid());
  runtime::ValRaw slots[2] = {};
  slots[0].i32 = -7;
  slots[1].i32 = 2;
  EXPECT_FALSE(store_->CallUnchecked(div, slots).has_value());
  EXPECT_EQ(slots[0].i32, -3);
  slots[0].i32 = 1;
  slots[1].i32 = 0;
  std::optional<runtime::Trap> trap = store_->CallUnchecked(div, slots);
  ASSERT_TRUE(trap.has_value());
  EXPECT_EQ(trap->code, TrapCode::kIntegerDivisionByZero);
  // The same store keeps working after a trap on the untyped path.
  EXPECT_EQ(I32("rem_s", {Val::I32(INT32_MIN), Val::I32(-1)}), 0);
}

const char kAbi[] = R"((module
  (func $many (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64 i32 i32)
               (result i64)
    local.get 0 i64.extend_i32_s local.get 1 i64.add local.get 2 i64.trunc_f32_s i64.add
    local.get 3 i64.trunc_f64_s i64.add local.get 4 i64.extend_i32_s i64.add local.get 5 i64.add
    local.get 6 i64.trunc_f32_s i64.add local.get 7 i64.trunc_f64_s i64.add
    local.get 8 i64.extend_i32_s i64.add local.get 9 i64.add local.get 10 i64.trunc_f32_s i64.add
    local.get 11 i64.trunc_f64_s i64.add local.get 12 i64.extend_i32_s i64.add
    local.get 13 i64.add local.get 14 i64.trunc_f32_s i64.add local.get 15 i64.trunc_f64_s i64.add
    local.get 16 i64.extend_i32_s i64.add local.get 17 i64.extend_i32_s i64.const 1000 i64.mul
    i64.add)
  (func (export "many") (param i32) (result i64)
    local.get 0 i64.const 2 f32.const 3 f64.const 4 i32.const 5 i64.const 6 f32.const 7
    f64.const 8 i32.const 9 i64.const 10 f32.const 11 f64.const 12 i32.const 13 i64.const 14
    f32.const 15 f64.const 16 i32.const 17 i32.const 18 call $many)
  (func $multi (param i32) (result i32 i64 f32 f64 i32 i64 f64 f32)
    local.get 0 local.get 0 i64.extend_i32_s i64.const 1 i64.add
    local.get 0 f32.convert_i32_s f32.const 0.5 f32.add
    local.get 0 f64.convert_i32_s f64.const 0.25 f64.add
    local.get 0 i32.const 4 i32.add local.get 0 i64.extend_i32_s i64.const 5 i64.add
    local.get 0 f64.convert_i32_s f64.const 6 f64.add
    local.get 0 f32.convert_i32_s f32.const 7 f32.add)
  (func (export "multi") (param i32) (result i32 i64 f32 f64 i32 i64 f64 f32)
    local.get 0 call $multi)
  (func (export "multi_sum") (param i32) (result f64)
    (local i32 i64 f32 f64 i32 i64 f64 f32)
    local.get 0 call $multi
    local.set 8 local.set 7 local.set 6 local.set 5 local.set 4 local.set 3 local.set 2 local.set 1
    local.get 1 f64.convert_i32_s local.get 2 f64.convert_i64_s f64.add local.get 3 f64.promote_f32
    f64.add local.get 4 f64.add local.get 5 f64.convert_i32_s f64.add local.get 6 f64.convert_i64_s
    f64.add local.get 7 f64.add local.get 8 f64.promote_f32 f64.add)
))";

TEST_F(E2E, ManyArgumentsAndMultiValueReturns) {
  Load(kAbi);
  EXPECT_EQ(I64("many", {Val::I32(1)}), 18000 + (17 * 18) / 2);  // 1 + ... + 17 + 18 * 1000
  runtime::CallResult r = Call("multi", {Val::I32(10)});
  ASSERT_FALSE(r.trap);
  ASSERT_EQ(r.results.size(), 8u);
  EXPECT_EQ(r.results[0].i32(), 10);
  EXPECT_EQ(r.results[1].i64(), 11);
  EXPECT_EQ(AsF32(r.results[2]), 10.5f);
  EXPECT_EQ(AsF64(r.results[3]), 10.25);
  EXPECT_EQ(r.results[4].i32(), 14);
  EXPECT_EQ(r.results[5].i64(), 15);
  EXPECT_EQ(AsF64(r.results[6]), 16.0);
  EXPECT_EQ(AsF32(r.results[7]), 17.0f);
  r = Call("multi_sum", {Val::I32(10)});
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(AsF64(r.results[0]), 10 + 11 + 10.5 + 10.25 + 14 + 15 + 16 + 17);
}

const char kFloat[] = R"((module
  (func (export "fmin") (param f64 f64) (result f64) local.get 0 local.get 1 f64.min)
  (func (export "fmax") (param f32 f32) (result f32) local.get 0 local.get 1 f32.max)
  (func (export "nearest") (param f64) (result f64) local.get 0 f64.nearest)
  (func (export "floor") (param f32) (result f32) local.get 0 f32.floor)
  (func (export "copysign") (param f64 f64) (result f64) local.get 0 local.get 1 f64.copysign)
  (func (export "neg_abs") (param f32) (result f32) local.get 0 f32.neg f32.abs f32.neg)
  (func (export "trunc_s") (param f64) (result i32) local.get 0 i32.trunc_f64_s)
  (func (export "trunc_u") (param f32) (result i32) local.get 0 i32.trunc_f32_u)
  (func (export "trunc_u64") (param f64) (result i64) local.get 0 i64.trunc_f64_u)
  (func (export "sat_s") (param f64) (result i32) local.get 0 i32.trunc_sat_f64_s)
  (func (export "sat_u64") (param f32) (result i64) local.get 0 i64.trunc_sat_f32_u)
  (func (export "from_u64") (param i64) (result f64) local.get 0 f64.convert_i64_u)
  (func (export "feq") (param f64 f64) (result i32) local.get 0 local.get 1 f64.eq)
  (func (export "flt_br") (param f32 f32) (result i32)
    local.get 0 local.get 1 f32.lt if (result i32) i32.const 1 else i32.const 2 end)
  (func (export "fne_br") (param f64 f64) (result i32)
    local.get 0 local.get 1 f64.ne if (result i32) i32.const 1 else i32.const 2 end)
))";

TEST_F(E2E, FloatSemantics) {
  Load(kFloat);
  auto f64 = [&](const char* n, std::vector<Val> a) {
    runtime::CallResult r = Call(n, std::move(a));
    EXPECT_FALSE(r.trap);
    return r.results.empty() ? 0.0 : AsF64(r.results[0]);
  };
  auto f32 = [&](const char* n, std::vector<Val> a) {
    runtime::CallResult r = Call(n, std::move(a));
    EXPECT_FALSE(r.trap);
    return r.results.empty() ? 0.0f : AsF32(r.results[0]);
  };
  EXPECT_EQ(f64("fmin", {F64(1), F64(2)}), 1);
  EXPECT_TRUE(std::signbit(f64("fmin", {F64(0.0), F64(-0.0)})));
  EXPECT_TRUE(std::signbit(f64("fmin", {F64(-0.0), F64(0.0)})));
  EXPECT_TRUE(std::isnan(f64("fmin", {F64(NAN), F64(1)})));
  EXPECT_TRUE(std::isnan(f64("fmin", {F64(1), F64(NAN)})));
  EXPECT_FALSE(std::signbit(f32("fmax", {F32(-0.0f), F32(0.0f)})));
  EXPECT_TRUE(std::isnan(f32("fmax", {F32(NAN), F32(1)})));
  EXPECT_EQ(f32("fmax", {F32(-3), F32(2)}), 2.0f);
  EXPECT_EQ(f64("nearest", {F64(2.5)}), 2.0);
  EXPECT_EQ(f64("nearest", {F64(-3.5)}), -4.0);
  EXPECT_EQ(f32("floor", {F32(-1.5f)}), -2.0f);
  EXPECT_EQ(f64("copysign", {F64(3), F64(-0.0)}), -3.0);
  EXPECT_EQ(f32("neg_abs", {F32(5)}), -5.0f);
  EXPECT_EQ(I32("trunc_s", {F64(-2147483648.9)}), INT32_MIN);
  EXPECT_EQ(I32("trunc_s", {F64(2147483647.9)}), INT32_MAX);
  EXPECT_EQ(TrapOf("trunc_s", {F64(2147483648.0)}), TrapCode::kIntegerOverflow);
  EXPECT_EQ(TrapOf("trunc_s", {F64(-2147483649.0)}), TrapCode::kIntegerOverflow);
  EXPECT_EQ(TrapOf("trunc_s", {F64(NAN)}), TrapCode::kBadConversionToInteger);
  EXPECT_EQ(static_cast<uint32_t>(I32("trunc_u", {F32(4294967040.0f)})), 4294967040u);
  EXPECT_EQ(I32("trunc_u", {F32(-0.9f)}), 0);
  EXPECT_EQ(TrapOf("trunc_u", {F32(-1.0f)}), TrapCode::kIntegerOverflow);
  EXPECT_EQ(static_cast<uint64_t>(I64("trunc_u64", {F64(18446744073709549568.0)})),
            18446744073709549568ull);
  EXPECT_EQ(TrapOf("trunc_u64", {F64(18446744073709551616.0)}), TrapCode::kIntegerOverflow);
  EXPECT_EQ(I32("sat_s", {F64(1e10)}), INT32_MAX);
  EXPECT_EQ(I32("sat_s", {F64(-1e10)}), INT32_MIN);
  EXPECT_EQ(I32("sat_s", {F64(NAN)}), 0);
  EXPECT_EQ(static_cast<uint64_t>(I64("sat_u64", {F32(1e30f)})), ~0ull);
  EXPECT_EQ(I64("sat_u64", {F32(-5.0f)}), 0);
  EXPECT_EQ(f64("from_u64", {Val::I64(-1)}), 18446744073709551616.0);
  EXPECT_EQ(f64("from_u64", {Val::I64(12345)}), 12345.0);
  EXPECT_EQ(I32("feq", {F64(NAN), F64(NAN)}), 0);
  EXPECT_EQ(I32("feq", {F64(1), F64(1)}), 1);
  EXPECT_EQ(I32("flt_br", {F32(1), F32(2)}), 1);
  EXPECT_EQ(I32("flt_br", {F32(NAN), F32(2)}), 2);
  EXPECT_EQ(I32("fne_br", {F64(NAN), F64(NAN)}), 1);
  EXPECT_EQ(I32("fne_br", {F64(3), F64(3)}), 2);
}

TEST_F(E2E, RoundingWithoutSse41CallsBuiltins) {
  if (!HostIsX64()) GTEST_SKIP() << "tests x64's builtin calls for rounding without SSE4.1";
  features_ = "+all,-sse4.1";
  Load(R"((module
    (func (export "floor") (param f32) (result f32) local.get 0 f32.floor)
    (func (export "nearest") (param f64 f64) (result f64)
      local.get 0 f64.nearest local.get 1 f64.add)
    (func (export "trunc") (param f64) (result f64) local.get 0 f64.trunc)
    (func (export "ceil") (param f32) (result f32) local.get 0 f32.ceil)))");
  runtime::CallResult r = Call("floor", {F32(-1.5f)});
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(AsF32(r.results[0]), -2.0f);
  r = Call("nearest", {F64(2.5), F64(0.25)});  // the second argument lives across the call
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(AsF64(r.results[0]), 2.25);
  r = Call("trunc", {F64(-3.7)});
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(AsF64(r.results[0]), -3.0);
  r = Call("ceil", {F32(0.2f)});
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(AsF32(r.results[0]), 1.0f);
}

const char kBrTable[] = R"((module
  (func (export "classify") (param i32) (result i32)
    block block block block
      local.get 0 br_table 0 1 2 1 3
    end i32.const 100 return
    end i32.const 200 return
    end i32.const 300 return
    end i32.const 400)
))";

TEST_F(E2E, BrTable) {
  Load(kBrTable);
  EXPECT_EQ(I32("classify", {Val::I32(0)}), 100);
  EXPECT_EQ(I32("classify", {Val::I32(1)}), 200);
  EXPECT_EQ(I32("classify", {Val::I32(2)}), 300);
  EXPECT_EQ(I32("classify", {Val::I32(3)}), 200);
  EXPECT_EQ(I32("classify", {Val::I32(4)}), 400);
  EXPECT_EQ(I32("classify", {Val::I32(-1)}), 400);
}

// Leaf functions without calls, spills or callee-saved registers get no frame record
// (docs/x64.md "Leaf prologues", docs/aarch64.md); a trap inside one still reports the leaf, its
// caller and its caller's caller, from the artifact's frame ranges, with every allocator.
TEST_F(E2E, TrapInFramelessLeafHasTheFullBacktrace) {
  constexpr const char* kWat = R"((module (memory 1)
    (func $load_leaf (param i32) (result i32) local.get 0 i32.load)
    (func $div_leaf (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_s)
    (func $unreachable_leaf unreachable)
    (func $middle (param i32 i32) (result i32)
      local.get 1 i32.const 7 i32.eq if call $unreachable_leaf end
      local.get 0 call $load_leaf local.get 0 local.get 1 call $div_leaf i32.add)
    (func $outer (export "outer") (param i32 i32) (result i32)
      local.get 0 local.get 1 call $middle i32.const 1 i32.add)
    (func (export "leaf") (param i32) (result i32) local.get 0 i32.load)))";
  for (const char* regalloc : {"fast", "linear", "backtrack"}) {
    SCOPED_TRACE(regalloc);
    Load(kWat, regalloc);
    auto a = artifact::ReadArtifact(artifact_bytes_);
    ASSERT_TRUE(a.ok());
    for (uint32_t leaf : {0u, 1u, 2u, 5u}) EXPECT_TRUE(a->IsFrameless(leaf)) << leaf;
    EXPECT_FALSE(a->IsFrameless(3));
    EXPECT_FALSE(a->IsFrameless(4));
    auto backtrace_of = [&](std::vector<Val> args, const char* export_name = "outer") {
      runtime::CallResult r = Call(export_name, std::move(args));
      std::vector<uint32_t> funcs;
      EXPECT_TRUE(r.trap.has_value());
      if (r.trap)
        for (const runtime::BacktraceFrame& f : r.trap->backtrace) funcs.push_back(f.func_index);
      return funcs;
    };
    using Funcs = std::vector<uint32_t>;
    EXPECT_EQ(backtrace_of({Val::I32(70000), Val::I32(1)}), (Funcs{0, 3, 4}));  // fault
    EXPECT_EQ(backtrace_of({Val::I32(8), Val::I32(0)}), (Funcs{1, 3, 4}));      // check
    EXPECT_EQ(backtrace_of({Val::I32(8), Val::I32(7)}), (Funcs{2, 3, 4}));      // ud2 / udf
    EXPECT_EQ(backtrace_of({Val::I32(70000)}, "leaf"), (Funcs{5}));  // called by the host
    EXPECT_EQ(I32("outer", {Val::I32(8), Val::I32(3)}), 3);
  }
}

TEST_F(E2E, DeepRecursionTrapsWithStackOverflow) {
  Load(R"((module (func $f (export "f") (param i32) (result i32)
             local.get 0 i32.const 1 i32.add call $f)))");
  EXPECT_EQ(TrapOf("f", {Val::I32(0)}), TrapCode::kStackOverflow);
}

TEST_F(E2E, JobsDoNotChangeTheArtifact) {
  Load(kArith, "linear", 1);
  std::vector<uint8_t> one = artifact_bytes_;
  Load(kArith, "linear", 2);
  EXPECT_EQ(one, artifact_bytes_);
  Load(kArith, "linear", 4);
  EXPECT_EQ(one, artifact_bytes_);
}

const char kMemory[] = R"((module
  (memory 1 3)
  (data (i32.const 16) "\01\02\03\04\05\06\07\08")
  (func (export "load8s") (param i32) (result i32) local.get 0 i32.load8_s offset=16)
  (func (export "load16u") (param i32) (result i32) local.get 0 i32.load16_u offset=16)
  (func (export "load64") (param i32) (result i64) local.get 0 i64.load offset=16)
  (func (export "store_load") (param i32 i64) (result i64)
    local.get 0 local.get 1 i64.store offset=8
    local.get 0 local.get 1 i64.const 1 i64.add i64.store32 offset=100
    local.get 0 i64.load offset=8 local.get 0 i64.load32_u offset=100 i64.add)
  (func (export "f32rt") (param i32 f32) (result f32)
    local.get 0 local.get 1 f32.store local.get 0 f32.load)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "size") (result i32) memory.size)
  (func (export "fill") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)
  (func (export "add_load") (param i32 i32) (result i32)
    local.get 1 local.get 0 i32.load offset=16 i32.add)
))";

TEST_F(E2E, LinearMemoryLoadsStoresGrowAndTraps) {
  Load(kMemory);
  EXPECT_EQ(I32("load8s", {Val::I32(0)}), 1);
  EXPECT_EQ(I32("load16u", {Val::I32(1)}), 0x0302);
  EXPECT_EQ(I64("load64", {Val::I32(0)}), 0x0807060504030201);
  EXPECT_EQ(I64("store_load", {Val::I32(1000), Val::I64(0x100000000ll)}), 0x100000000ll + 1);
  runtime::CallResult r = Call("f32rt", {Val::I32(40), F32(1.5f)});
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(AsF32(r.results[0]), 1.5f);
  EXPECT_EQ(TrapOf("load64", {Val::I32(65536 - 16 - 7)}), TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(TrapOf("load8s", {Val::I32(-1)}), TrapCode::kHeapOutOfBounds);
  // The load folded into the add keeps its trap record.
  EXPECT_EQ(I32("add_load", {Val::I32(0), Val::I32(1)}), 0x04030201 + 1);
  EXPECT_EQ(TrapOf("add_load", {Val::I32(65536 - 16 - 3), Val::I32(1)}),
            TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(I32("size", {}), 1);
  EXPECT_EQ(I32("grow", {Val::I32(1)}), 1);
  EXPECT_EQ(I32("size", {}), 2);
  EXPECT_EQ(I64("load64", {Val::I32(65536 - 16 - 7)}), 0);  // now in bounds
  EXPECT_EQ(I32("grow", {Val::I32(5)}), -1);
  Call("fill", {Val::I32(16), Val::I32(0xab), Val::I32(4)});
  EXPECT_EQ(I32("load8s", {Val::I32(0)}), static_cast<int8_t>(0xab));
  // index + offset is computed without wrapping: 0xfffffff0 + 16 is past 4 GiB.
  EXPECT_EQ(TrapOf("load8s", {Val::I32(-16)}), TrapCode::kHeapOutOfBounds);
  EXPECT_EQ(TrapOf("fill", {Val::I32(131000), Val::I32(0), Val::I32(1000)}),
            TrapCode::kHeapOutOfBounds);
}

const char kGlobalsTables[] = R"((module
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (global $g (mut i64) (i64.const 5))
  (global $k f64 (f64.const 2.5))
  (type $i2i (func (param i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $inc $dbl $twice)
  (func $inc (type $i2i) local.get 0 i32.const 1 i32.add)
  (func $dbl (type $i2i) local.get 0 i32.const 2 i32.mul)
  (func $other (param i64) (result i64) local.get 0)
  (func (export "bump") (param i64) (result i64)
    global.get $g local.get 0 i64.add global.set $g global.get $g)
  (func (export "k") (result f64) global.get $k)
  (func (export "icall") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect (type $i2i))
  (func (export "host") (param i32) (result i32) local.get 0 call $twice i32.const 1 i32.add)
))";

TEST_F(E2E, GlobalsIndirectCallsAndHostImports) {
  Load(kGlobalsTables, "linear", 1, [](runtime::Store& store, runtime::Linker& linker) {
    artifact::FuncType t{{artifact::ValType::kI32}, {artifact::ValType::kI32}};
    runtime::Func f = store.NewHostFunc(t, [](std::span<runtime::ValRaw> a) {
      a[0].i32 = a[0].i32 * 2;
      return std::optional<TrapCode>();
    });
    ASSERT_TRUE(linker.Define("env", "twice", runtime::Extern::Of(f)).ok());
  });
  EXPECT_EQ(I64("bump", {Val::I64(10)}), 15);
  EXPECT_EQ(I64("bump", {Val::I64(1)}), 16);
  runtime::CallResult r = Call("k", {});
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(AsF64(r.results[0]), 2.5);
  EXPECT_EQ(I32("icall", {Val::I32(0), Val::I32(41)}), 42);
  EXPECT_EQ(I32("icall", {Val::I32(1), Val::I32(21)}), 42);
  EXPECT_EQ(I32("icall", {Val::I32(2), Val::I32(21)}), 42);  // a host function via the table
  EXPECT_EQ(TrapOf("icall", {Val::I32(3), Val::I32(0)}), TrapCode::kIndirectCallToNull);
  EXPECT_EQ(TrapOf("icall", {Val::I32(4), Val::I32(0)}), TrapCode::kIndirectCallOutOfBounds);
  EXPECT_EQ(I32("host", {Val::I32(20)}), 41);
}

// v128 through every ABI path: host -> Wasm (array-to-Wasm trampoline, v128 arguments and
// result in 16-byte ValRaw slots), Wasm -> host (Wasm-to-array trampoline with nine vector
// arguments, so the ninth and eleventh travel in 16-byte-aligned stack slots, and three vector
// results, the third a stack result), Wasm -> Wasm with the same shapes, and vectors live across
// those calls (16-byte spill slots).
constexpr const char* kVectorAbi = R"(
(module
  (import "env" "vhost" (func $vhost (param v128 v128 v128 v128 v128 v128 v128 v128 v128 i64 v128)
                                     (result v128 v128 v128)))
  (func $vwasm (param v128 v128 v128 v128 v128 v128 v128 v128 v128 i64 v128)
               (result v128 v128 v128)
    local.get 8
    local.get 10 local.get 9 i64x2.splat i64x2.add
    local.get 0)
  (func (export "host") (param v128 v128) (result v128)
    (call $vhost (local.get 0) (local.get 1) (local.get 0) (local.get 1) (local.get 0)
                 (local.get 1) (local.get 0) (local.get 1) (i32x4.add (local.get 0) (local.get 1))
                 (i64.const 7) (local.get 1))
    i32x4.add i32x4.add local.get 0 i32x4.sub)
  (func (export "wasm") (param v128 v128) (result v128)
    (call $vwasm (local.get 0) (local.get 1) (local.get 0) (local.get 1) (local.get 0)
                 (local.get 1) (local.get 0) (local.get 1) (i32x4.add (local.get 0) (local.get 1))
                 (i64.const 7) (local.get 1))
    i32x4.add i32x4.add local.get 0 i32x4.sub))
)";

Val V128Of(uint64_t lo, uint64_t hi) {
  Val v;
  v.type = artifact::ValType::kV128;
  std::memcpy(v.raw.v128, &lo, 8);
  std::memcpy(v.raw.v128 + 8, &hi, 8);
  return v;
}

class E2EVectors : public E2E {
 protected:
  void Run(const char* regalloc) {
    Load(kVectorAbi, regalloc, 1, [](runtime::Store& store, runtime::Linker& linker) {
      using artifact::ValType;
      artifact::FuncType t;
      for (int k = 0; k < 9; ++k) t.params.push_back(ValType::kV128);
      t.params.push_back(ValType::kI64);
      t.params.push_back(ValType::kV128);
      t.results = {ValType::kV128, ValType::kV128, ValType::kV128};
      runtime::Func f = store.NewHostFunc(t, [](std::span<runtime::ValRaw> a) {
        // The same as $vwasm: (a8, a10 + splat(a9) as i64x2, a0).
        runtime::ValRaw r0 = a[8], r1 = a[10], r2 = a[0];
        for (int h = 0; h < 2; ++h) {
          uint64_t lane;
          std::memcpy(&lane, r1.v128 + 8 * h, 8);
          lane += static_cast<uint64_t>(a[9].i64);
          std::memcpy(r1.v128 + 8 * h, &lane, 8);
        }
        a[0] = r0;
        a[1] = r1;
        a[2] = r2;
        return std::optional<TrapCode>();
      });
      ASSERT_TRUE(linker.Define("env", "vhost", runtime::Extern::Of(f)).ok());
    });
    // a = i32x4 [1 2 3 4], b = i32x4 [10 20 30 40]: (a + b) + (b + 7 in each i64 lane) + a - a
    // = [28 42 70 84].
    const Val a = V128Of(0x0000000200000001ull, 0x0000000400000003ull);
    const Val b = V128Of(0x000000140000000aull, 0x000000280000001eull);
    const Val want = V128Of(0x0000002a0000001cull, 0x0000005400000046ull);
    for (const char* fn : {"host", "wasm"}) {
      runtime::CallResult r = Call(fn, {a, b});
      ASSERT_FALSE(r.trap) << fn << " " << regalloc;
      ASSERT_EQ(r.results.size(), 1u);
      EXPECT_EQ(r.results[0], want) << fn << " " << regalloc << ": " << r.results[0].ToString();
    }
  }
};

TEST_F(E2EVectors, ThroughTrampolinesStackSlotsAndSpillsFast) { Run("fast"); }
TEST_F(E2EVectors, ThroughTrampolinesStackSlotsAndSpillsLinear) { Run("linear"); }
TEST_F(E2EVectors, ThroughTrampolinesStackSlotsAndSpillsBacktrack) { Run("backtrack"); }

}  // namespace
}  // namespace egret
