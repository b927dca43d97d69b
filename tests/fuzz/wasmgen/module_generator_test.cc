// module_generator_test.cc: the generator's promise, checked on a few thousand modules made from
// pseudo-random bytes (a fixed seed, so a failure reproduces):
//   - every module decodes and validates with egret's validator, and with wabt's wasm-validate
//     when it is on PATH (a slice of the modules, since each is one process);
//   - every module translates to IR (what the differential target needs);
//   - across the modules, every non-SIMD Wasm 2.0 instruction appears at least once, read back
//     from the emitted bodies by the frontend's OperatorReader (so the coverage claim can fail);
//   - with GenOptions::simd / GenOptions::atomics, every SIMD / threads instruction appears, and
//     none without;
//   - the same bytes give the same module, and NaN canonicalisation adds its select guards.
#include "tests/fuzz/wasmgen/module_generator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "frontend/opcodes.h"
#include "frontend/operator_reader.h"
#include "frontend/translator.h"
#include "frontend/validator.h"
#include "frontend/wasm_features.h"

namespace egret::fuzz {
namespace {

std::vector<uint8_t> RandomBytes(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> b(n);
  for (uint8_t& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

std::string Hex(const std::vector<uint8_t>& bytes) {
  std::string s;
  char buf[4];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    s += buf;
  }
  return s;
}

bool HaveWasmValidate() { return std::system("wasm-validate --version > /dev/null 2>&1") == 0; }

// Marks every operator of every body in `env`.
void CollectOps(const wasm::ModuleEnv& env, std::vector<bool>* seen) {
  for (uint32_t f = env.num_imported_functions; f < env.functions.size(); ++f) {
    wasm::OperatorReader r(env.body(f), env.functions[f].body_offset);
    std::vector<wasm::LocalGroup> groups;
    uint64_t total = 0;
    ASSERT_TRUE(r.ReadLocals(&groups, &total).ok());
    wasm::Operator op;
    while (!r.at_end()) {
      ASSERT_TRUE(r.Read(&op).ok());
      (*seen)[static_cast<size_t>(op.op)] = true;
    }
  }
}

TEST(ModuleGenerator, ThousandsOfModulesValidateTranslateAndCoverEveryInstruction) {
  constexpr int kModules = 3000;
  constexpr int kWabtEvery = 15;  // one wasm-validate process per this many modules
  std::mt19937_64 rng(0x5eed);
  std::vector<bool> seen(wasm::kNumOps, false);
  const bool wabt = HaveWasmValidate();
  char dir[] = "/tmp/egret_wasmgen_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/m.wasm";
  int wabt_checked = 0, failures = 0;
  for (int i = 0; i < kModules && failures < 5; ++i) {
    const std::vector<uint8_t> input = RandomBytes(rng, 64 + rng() % 3000);
    ByteSource src(input);
    GenOptions options;
    options.canonicalize_nans = i % 2 == 0;
    options.tail_calls = i % 3 == 0;
    std::vector<uint8_t> bytes = GenerateModule(src, options);
    wasm::WasmError err;
    std::optional<wasm::ModuleEnv> env = wasm::LoadModule(bytes, "gen.wasm", &err);
    if (!env) {
      ++failures;
      ADD_FAILURE() << "module " << i << " is invalid: " << err.error.ToString() << "\n"
                    << Hex(bytes);
      continue;
    }
    CollectOps(*env, &seen);
    Expected<std::vector<ir::Function>> ir = wasm::TranslateModule(*env, {.fuel = true});
    if (!ir.ok()) {
      ++failures;
      ADD_FAILURE() << "module " << i << " does not translate: " << ir.error().ToString();
    }
    if (wabt && i % kWabtEvery == 0) {
      FILE* f = std::fopen(path.c_str(), "wb");
      ASSERT_NE(f, nullptr);
      std::fwrite(bytes.data(), 1, bytes.size(), f);
      std::fclose(f);
      const std::string cmd = "wasm-validate --enable-tail-call " + path + " 2>&1";
      if (std::system(cmd.c_str()) != 0) {
        ++failures;
        ADD_FAILURE() << "wasm-validate rejects module " << i << ":\n" << Hex(bytes);
      }
      ++wabt_checked;
    }
  }
  std::remove(path.c_str());
  rmdir(dir);
  if (wabt) {
    EXPECT_GE(wabt_checked, kModules / kWabtEvery);
  }
  std::string missing;
  for (int i = 0; i < wasm::kNumOps; ++i) {
    const wasm::Op op = static_cast<wasm::Op>(i);
    // Wasm 2.0 without SIMD, and tail calls (GenOptions::tail_calls); other proposals'
    // operators are not generated.
    if (wasm::IsSimdOp(op) || seen[i]) continue;
    if (wasm::OpFeature(op) && wasm::OpFeature(op) != wasm::WasmFeature::kTailCall) continue;
    missing += " ";
    missing += wasm::OpName(op);
  }
  EXPECT_EQ(missing, "") << "never generated:" << missing;
}

// GenOptions::simd: modules with SIMD validate (egret and wabt), translate, and across them every
// SIMD instruction appears; without the option none does.
TEST(ModuleGenerator, SimdModulesValidateTranslateAndCoverEverySimdInstruction) {
  constexpr int kModules = 1500;
  std::mt19937_64 rng(0x51d);
  std::vector<bool> seen(wasm::kNumOps, false), seen_off(wasm::kNumOps, false);
  const bool wabt = HaveWasmValidate();
  char dir[] = "/tmp/egret_wasmgen_simd_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/m.wasm";
  int failures = 0;
  for (int i = 0; i < kModules && failures < 5; ++i) {
    const std::vector<uint8_t> input = RandomBytes(rng, 64 + rng() % 3000);
    for (bool simd : {true, false}) {
      if (!simd && i % 10 != 0) continue;
      ByteSource src(input);
      GenOptions options;
      options.simd = simd;
      options.canonicalize_nans = i % 2 == 0;
      std::vector<uint8_t> bytes = GenerateModule(src, options);
      wasm::WasmError err;
      std::optional<wasm::ModuleEnv> env = wasm::LoadModule(bytes, "gen.wasm", &err);
      if (!env) {
        ++failures;
        ADD_FAILURE() << "module " << i << " (simd " << simd
                      << ") is invalid: " << err.error.ToString() << "\n"
                      << Hex(bytes);
        continue;
      }
      CollectOps(*env, simd ? &seen : &seen_off);
      Expected<std::vector<ir::Function>> ir = wasm::TranslateModule(*env, {.fuel = true});
      if (!ir.ok()) {
        ++failures;
        ADD_FAILURE() << "module " << i << " does not translate: " << ir.error().ToString();
      }
      if (simd && wabt && i % 25 == 0) {
        FILE* f = std::fopen(path.c_str(), "wb");
        ASSERT_NE(f, nullptr);
        std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
        const std::string cmd = "wasm-validate " + path + " 2>&1";
        if (std::system(cmd.c_str()) != 0) {
          ++failures;
          ADD_FAILURE() << "wasm-validate rejects module " << i << ":\n" << Hex(bytes);
        }
      }
    }
  }
  std::remove(path.c_str());
  rmdir(dir);
  std::string missing, unexpected;
  for (int i = 0; i < wasm::kNumOps; ++i) {
    const wasm::Op op = static_cast<wasm::Op>(i);
    if (!wasm::IsSimdOp(op)) continue;
    if (!seen[i]) missing += " " + std::string(wasm::OpName(op));
    if (seen_off[i]) unexpected += " " + std::string(wasm::OpName(op));
  }
  EXPECT_EQ(missing, "") << "never generated:" << missing;
  EXPECT_EQ(unexpected, "") << "generated without GenOptions::simd:" << unexpected;
}

// GenOptions::atomics: modules with shared memories and atomics validate (egret and wabt with
// threads), translate, and across them every threads instruction appears (each atomic access at
// every width, wait32/64, notify, fence) and some memories are shared; without the option none
// appears and no memory is shared.
TEST(ModuleGenerator, AtomicModulesValidateTranslateAndCoverEveryAtomicInstruction) {
  constexpr int kModules = 1500;
  std::mt19937_64 rng(0xa70);
  std::vector<bool> seen(wasm::kNumOps, false), seen_off(wasm::kNumOps, false);
  const bool wabt = HaveWasmValidate();
  char dir[] = "/tmp/egret_wasmgen_atomics_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/m.wasm";
  int failures = 0, shared = 0, shared_off = 0;
  for (int i = 0; i < kModules && failures < 5; ++i) {
    const std::vector<uint8_t> input = RandomBytes(rng, 64 + rng() % 3000);
    for (bool atomics : {true, false}) {
      if (!atomics && i % 10 != 0) continue;
      ByteSource src(input);
      GenOptions options;
      options.atomics = atomics;
      options.simd = i % 3 == 0;
      options.canonicalize_nans = i % 2 == 0;
      std::vector<uint8_t> bytes = GenerateModule(src, options);
      wasm::WasmError err;
      std::optional<wasm::ModuleEnv> env = wasm::LoadModule(bytes, "gen.wasm", &err);
      if (!env) {
        ++failures;
        ADD_FAILURE() << "module " << i << " (atomics " << atomics
                      << ") is invalid: " << err.error.ToString() << "\n"
                      << Hex(bytes);
        continue;
      }
      CollectOps(*env, atomics ? &seen : &seen_off);
      for (const wasm::Memory& m : env->memories)
        (atomics ? shared : shared_off) += m.type.limits.shared;
      Expected<std::vector<ir::Function>> ir = wasm::TranslateModule(*env, {.fuel = true});
      if (!ir.ok()) {
        ++failures;
        ADD_FAILURE() << "module " << i << " does not translate: " << ir.error().ToString();
      }
      if (atomics && wabt && i % 25 == 0) {
        FILE* f = std::fopen(path.c_str(), "wb");
        ASSERT_NE(f, nullptr);
        std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
        const std::string cmd = "wasm-validate --enable-threads " + path + " 2>&1";
        if (std::system(cmd.c_str()) != 0) {
          ++failures;
          ADD_FAILURE() << "wasm-validate rejects module " << i << ":\n" << Hex(bytes);
        }
      }
    }
  }
  std::remove(path.c_str());
  rmdir(dir);
  std::string missing, unexpected;
  for (int i = 0; i < wasm::kNumOps; ++i) {
    const wasm::Op op = static_cast<wasm::Op>(i);
    if (!wasm::IsAtomicOp(op)) continue;
    if (!seen[i]) missing += " " + std::string(wasm::OpName(op));
    if (seen_off[i]) unexpected += " " + std::string(wasm::OpName(op));
  }
  EXPECT_EQ(missing, "") << "never generated:" << missing;
  EXPECT_EQ(unexpected, "") << "generated without GenOptions::atomics:" << unexpected;
  EXPECT_GT(shared, kModules / 3);
  EXPECT_EQ(shared_off, 0);
}

TEST(ModuleGenerator, SameBytesSameModule) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50; ++i) {
    const std::vector<uint8_t> input = RandomBytes(rng, 1500);
    ByteSource a(input), b(input);
    EXPECT_EQ(GenerateModule(a, {}), GenerateModule(b, {}));
  }
}

TEST(ModuleGenerator, EmptyInputGivesAValidModule) {
  ByteSource src({});
  std::vector<uint8_t> bytes = GenerateModule(src, {});
  wasm::WasmError err;
  EXPECT_TRUE(wasm::LoadModule(bytes, "empty.wasm", &err).has_value()) << err.error.ToString();
}

// With canonicalisation every float arithmetic result is followed by the guard
// `local.tee t; fN.const nan; local.get t; local.get t; fN.eq; select`.
TEST(ModuleGenerator, CanonicalizationGuardsEveryFloatArithmeticResult) {
  std::mt19937_64 rng(11);
  int guarded = 0;
  for (int i = 0; i < 300; ++i) {
    const std::vector<uint8_t> input = RandomBytes(rng, 2000);
    ByteSource src(input);
    GenOptions options;
    options.canonicalize_nans = true;
    std::vector<uint8_t> bytes = GenerateModule(src, options);
    wasm::WasmError err;
    std::optional<wasm::ModuleEnv> env = wasm::LoadModule(bytes, "gen.wasm", &err);
    ASSERT_TRUE(env.has_value()) << err.error.ToString();
    for (uint32_t f = 0; f < env->functions.size(); ++f) {
      wasm::OperatorReader r(env->body(f), env->functions[f].body_offset);
      std::vector<wasm::LocalGroup> groups;
      uint64_t total = 0;
      ASSERT_TRUE(r.ReadLocals(&groups, &total).ok());
      std::vector<wasm::Operator> ops;
      wasm::Operator op;
      while (!r.at_end()) {
        ASSERT_TRUE(r.Read(&op).ok());
        ops.push_back(op);
      }
      for (size_t k = 0; k < ops.size(); ++k) {
        const std::string_view name = wasm::OpName(ops[k].op);
        const wasm::OpInfo& info = wasm::GetOpInfo(ops[k].op);
        const bool float_result =
            info.sig.fixed && info.sig.num_results == 1 &&
            (info.sig.result == wasm::ValType::kF32 || info.sig.result == wasm::ValType::kF64);
        const bool float_param =
            info.sig.num_params > 0 && (info.sig.params[0] == wasm::ValType::kF32 ||
                                        info.sig.params[0] == wasm::ValType::kF64);
        if (!float_result || !float_param || info.imm != wasm::ImmKind::kNone) continue;
        if (name.find("abs") != name.npos || name.find("neg") != name.npos ||
            name.find("copysign") != name.npos)
          continue;
        ASSERT_LT(k + 6, ops.size() + 1) << name;
        EXPECT_EQ(ops[k + 1].op, wasm::Op::kLocalTee) << name;
        EXPECT_EQ(ops[k + 6].op, wasm::Op::kSelect) << name;
        ++guarded;
      }
    }
  }
  EXPECT_GT(guarded, 100);
}

}  // namespace
}  // namespace egret::fuzz
