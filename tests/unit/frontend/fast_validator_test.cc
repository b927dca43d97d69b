// fast_validator_test.cc: the validator's fused fast path against its generic rules, and
// parallel validation against sequential validation.
//
// The fast path (FunctionValidator::RunBody) may only accept what the generic rules accept and
// must leave every error to them, so for any body both modes give the same status, message and
// kind. The differential tests below check that on generated valid modules, on the same modules
// with random bytes changed (which reaches type mismatches, bad LEB128s, unknown indices and
// unreachable code), and on every fixed-signature single-byte operator with right and wrong
// operand types.
#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "frontend/decoder.h"
#include "frontend/opcodes.h"
#include "frontend/validator.h"
#include "tests/fuzz/wasmgen/module_generator.h"
#include "tests/unit/frontend/wasm_builder.h"

namespace egret::wasm {
namespace {

using namespace testing;

// "ok" or "<kind>: <message>" for one function in one mode.
std::string ValidateOne(const ModuleEnv& env, uint32_t f, bool generic_only) {
  FunctionValidator v(env);
  v.set_generic_only(generic_only);
  Status st = v.Validate(f);
  if (st.ok()) return "ok";
  return std::string(ErrorKindName(v.error_kind())) + ": " + st.error().ToString();
}

// Compares both modes on every defined function of `bytes` (if it decodes); returns the number
// of functions compared and counts the rejected ones in *rejected.
int CompareModes(const std::vector<uint8_t>& bytes, int* rejected) {
  Expected<ModuleEnv> env = DecodeModule(bytes, "m.wasm");
  if (!env.ok()) return 0;
  int n = 0;
  for (uint32_t f = env->num_imported_functions; f < env->functions.size(); ++f, ++n) {
    const std::string fast = ValidateOne(*env, f, false);
    const std::string generic = ValidateOne(*env, f, true);
    EXPECT_EQ(fast, generic) << "function " << f;
    if (generic != "ok") ++*rejected;
  }
  return n;
}

std::vector<uint8_t> Generate(std::mt19937_64& rng, const fuzz::GenOptions& options) {
  std::vector<uint8_t> seed(4096);
  for (uint8_t& b : seed) b = static_cast<uint8_t>(rng());
  fuzz::ByteSource source(seed);
  return fuzz::GenerateModule(source, options);
}

TEST(FastValidator, AgreesWithGenericRulesOnGeneratedModules) {
  std::mt19937_64 rng(24);
  fuzz::GenOptions options;
  options.max_functions = 8;
  options.max_ops_per_function = 120;
  int functions = 0, rejected = 0;
  for (int i = 0; i < 300; ++i) functions += CompareModes(Generate(rng, options), &rejected);
  EXPECT_GT(functions, 300);
  EXPECT_EQ(rejected, 0);  // generated modules are valid by construction
}

TEST(FastValidator, AgreesWithGenericRulesOnMutatedModules) {
  std::mt19937_64 rng(2024);
  fuzz::GenOptions options;
  options.max_functions = 6;
  options.max_ops_per_function = 80;
  int functions = 0, rejected = 0;
  for (int i = 0; i < 1500; ++i) {
    std::vector<uint8_t> m = Generate(rng, options);
    // Change 1-3 bytes in the last third (where the code section usually is), sometimes to a
    // byte that starts a long LEB128 or is an opcode.
    const int changes = 1 + static_cast<int>(rng() % 3);
    for (int c = 0; c < changes; ++c) {
      const size_t at = m.size() - 1 - rng() % (m.size() / 3 + 1);
      const uint8_t kInteresting[] = {0x80, 0xff, 0x0b, 0x1a, 0x20, 0x6a, 0x7c, 0x00, 0x41};
      m[at] = rng() % 2 ? static_cast<uint8_t>(rng()) : kInteresting[rng() % 9];
    }
    functions += CompareModes(m, &rejected);
  }
  EXPECT_GT(functions, 1000);
  EXPECT_GT(rejected, 100);  // the mutations do reach the error paths
}

// The encoding of a zero constant of `t` (one of kI32..kF64).
Bytes ZeroOf(uint8_t t) {
  switch (t) {
    case kI32:
      return {0x41, 0x00};
    case kI64:
      return {0x42, 0x00};
    case kF32:
      return {0x43, 0, 0, 0, 0};
    default:
      return {0x44, 0, 0, 0, 0, 0, 0, 0, 0};
  }
}

// Every single-byte fixed-signature operator (numeric, constants, loads, stores) with operands
// of its types validates in both modes; any wrong operand or result type is rejected by both,
// with the same message.
TEST(FastValidator, EveryFixedSignatureOperator) {
  const uint8_t kTypes[] = {kI32, kI64, kF32, kF64};
  const Bytes memory = Section(5, Bytes{0x01, 0x00, 0x01});
  int checked = 0;
  for (int i = 0; i < kNumOps; ++i) {
    const OpInfo& info = GetOpInfo(static_cast<Op>(i));
    if (info.prefix != 0 || !info.sig.fixed || info.code == 0x01) continue;  // nop: no operands
    Bytes imm;
    switch (info.imm) {
      case ImmKind::kNone:
        break;
      case ImmKind::kMemArg:
        imm = {static_cast<uint8_t>(NaturalAlignLog2(static_cast<Op>(i))), 0x00};
        break;
      case ImmKind::kMemIdx:
        imm = {0x00};
        break;
      case ImmKind::kI32:
      case ImmKind::kI64:
        imm = {0x00};
        break;
      case ImmKind::kF32:
        imm = {0, 0, 0, 0};
        break;
      case ImmKind::kF64:
        imm = {0, 0, 0, 0, 0, 0, 0, 0};
        break;
      default:
        ADD_FAILURE() << info.name;
        continue;
    }
    std::vector<uint8_t> params;
    for (ValType t : info.sig.param_span()) params.push_back(static_cast<uint8_t>(t));
    const Bytes result =
        info.sig.num_results ? Bytes{static_cast<uint8_t>(info.sig.result)} : Bytes{};
    auto module = [&](const std::vector<uint8_t>& operand_types, const Bytes& results) {
      Bytes code;
      for (uint8_t t : operand_types) code = Cat({code, ZeroOf(t)});
      code = Cat({code, Bytes{static_cast<uint8_t>(info.code)}, imm, Bytes{0x0b}});
      return OneFunction({}, results, code, {memory});
    };
    auto both = [&](const Bytes& m) {
      int rejected = 0;
      EXPECT_EQ(CompareModes(m, &rejected), 1) << info.name;
      return rejected == 0;
    };
    EXPECT_TRUE(both(module(params, result))) << info.name;
    for (size_t k = 0; k < params.size(); ++k) {
      for (uint8_t wrong : kTypes) {
        if (wrong == params[k]) continue;
        std::vector<uint8_t> p = params;
        p[k] = wrong;
        EXPECT_FALSE(both(module(p, result))) << info.name << " operand " << k;
      }
    }
    for (uint8_t wrong : kTypes) {
      if (!result.empty() && wrong == result[0]) continue;
      EXPECT_FALSE(both(module(params, Bytes{wrong}))) << info.name << " result";
    }
    ++checked;
  }
  EXPECT_GT(checked, 150);
}

// A module of `n` functions of type [] -> [], each `nop end` except those in `bad`, which get
// `i32.add end` (a type mismatch) and, for odd indices, an unknown opcode (malformed).
std::vector<uint8_t> ManyFunctions(uint32_t n, const std::vector<uint32_t>& bad,
                                   bool malformed_odd) {
  Bytes code = U32(n);
  for (uint32_t f = 0; f < n; ++f) {
    Bytes body = {0x00, 0x01, 0x0b};
    for (uint32_t b : bad)
      if (b == f)
        body = (malformed_odd && f % 2) ? Bytes{0x00, 0xd7, 0x0b} : Bytes{0x00, 0x6a, 0x0b};
    code = Cat({code, U32(static_cast<uint32_t>(body.size())), body});
  }
  return Cat({Header(), TypeSection({}, {}), FunctionSection(n), Section(10, code)});
}

std::string LoadError(const std::vector<uint8_t>& bytes, uint32_t jobs) {
  WasmError error;
  if (LoadModule(bytes, "m.wasm", &error, jobs)) return "ok";
  return std::string(ErrorKindName(error.kind)) + ": " + error.error.ToString();
}

TEST(ParallelValidation, ReportsTheSameFirstErrorAsSequential) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 40; ++round) {
    const uint32_t n = 50 + static_cast<uint32_t>(rng() % 400);
    std::vector<uint32_t> bad;
    for (int k = static_cast<int>(rng() % 4); k > 0; --k)
      bad.push_back(static_cast<uint32_t>(rng() % n));
    const std::vector<uint8_t> m = ManyFunctions(n, bad, /*malformed_odd=*/false);
    const std::string sequential = LoadError(m, 1);
    if (bad.empty()) {
      EXPECT_EQ(sequential, "ok");
    } else {
      uint32_t first = n;
      for (uint32_t b : bad) first = std::min(first, b);
      EXPECT_NE(sequential.find("(func " + std::to_string(first) + ")"), std::string::npos)
          << sequential;
    }
    for (uint32_t jobs : {2u, 3u, 8u, 0u}) EXPECT_EQ(LoadError(m, jobs), sequential) << jobs;
  }
}

TEST(ParallelValidation, MalformedBodyStillWinsOverAnEarlierInvalidOne) {
  // Function 4 is invalid, function 9 malformed: the spec decodes everything first, so the
  // malformed one is reported, in both modes.
  const std::vector<uint8_t> m = ManyFunctions(200, {4, 9}, /*malformed_odd=*/true);
  const std::string sequential = LoadError(m, 1);
  EXPECT_EQ(sequential.rfind("malformed: ", 0), 0u) << sequential;
  EXPECT_NE(sequential.find("(func 9)"), std::string::npos) << sequential;
  EXPECT_EQ(LoadError(m, 4), sequential);
}

}  // namespace
}  // namespace egret::wasm
