// mulhi_native_test.cc: umulhi/smulhi and the 64-bit division-by-constant sequences built from
// them, compiled by the x64 backend and run natively, against the interpreter.
//
// The x64 code takes the high half from rdx after a one-operand mul/imul; aarch64 (umulh/smulh,
// or a widening multiply for 32 bits) is covered by the encoder tests and the aarch64 spec run.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ir/interpreter.h"
#include "ir/parser.h"
#include "opt/pass_manager.h"
#include "tests/fuzz/harness/native_module.h"

namespace egret {
namespace {

#if defined(__x86_64__)

std::string Describe(const ir::InterpResult& r) {
  if (r.kind == ir::InterpResult::Kind::kTrapped) return "trap " + std::to_string(int(r.trap));
  if (r.kind == ir::InterpResult::Kind::kError) return "error " + r.error;
  std::string s = "returned";
  for (const ir::DataValue& v : r.values) s += " " + ir::FormatDataValue(v);
  return s;
}

// Runs `text` natively and in the interpreter for every pair of `values`, for each allocator.
void ExpectNativeMatchesInterpreter(const std::string& text, ir::Type t, bool optimize) {
  Expected<ir::Module> m = ir::ParseModule(text);
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  if (optimize) {
    Expected<opt::PassManager> pm = opt::PassManager::ForOptLevel(opt::OptLevel::kSpeed);
    ASSERT_TRUE(pm.ok());
    for (ir::Function& f : m->functions) ASSERT_TRUE(pm->Run(f).ok());
  }
  std::vector<uint64_t> values = {0,
                                  1,
                                  2,
                                  3,
                                  7,
                                  0x7fffffff,
                                  0x80000000,
                                  0xffffffff,
                                  uint64_t{1} << 63,
                                  (uint64_t{1} << 63) - 1,
                                  ~uint64_t{0},
                                  ~uint64_t{0} - 6};
  std::mt19937_64 rng(3);
  for (int k = 0; k < 40; ++k) values.push_back(rng() >> (rng() % 64));
  const uint64_t mask = t == ir::Type::kI32 ? 0xffffffff : ~uint64_t{0};
  ir::Interpreter interp(*m);
  for (const char* ra : {"fast", "linear"}) {
    fuzz::NativeOptions options;
    options.regalloc = ra;
    Expected<std::unique_ptr<fuzz::NativeModule>> native = fuzz::NativeModule::Compile(*m, options);
    ASSERT_TRUE(native.ok()) << native.error().ToString();
    for (uint64_t a : values) {
      for (uint64_t b : values) {
        const ir::DataValue args[] = {{t, a & mask}, {t, b & mask}};
        const ir::DataValue iargs[] = {{ir::Type::kI64, 0}, {t, a & mask}, {t, b & mask}};
        ASSERT_EQ(Describe((*native)->Call("f", args)), Describe(interp.Call("f", iargs)))
            << ra << ": f(" << a << ", " << b << ")\n"
            << text;
      }
    }
  }
}

TEST(MulHiNative, BothWidthsBothSignednesses) {
  for (const char* t : {"i32", "i64"}) {
    const std::string ty = t;
    ExpectNativeMatchesInterpreter("function %f(i64, " + ty + ", " + ty + ") -> " + ty + ", " + ty +
                                       " {\nblock0(v0: i64, v1: " + ty + ", v2: " + ty +
                                       "):\n    v3 = umulhi v1, v2\n    v4 = smulhi v1, v2\n"
                                       "    return v3, v4\n}\n",
                                   ty == "i32" ? ir::Type::kI32 : ir::Type::kI64, false);
  }
}

TEST(MulHiNative, DivisionByConstantsAtSpeed) {
  // The second parameter only keeps the signature shape; each function divides by constants.
  std::string text;
  text += "function %f(i64, i64, i64) -> i64 {\nblock0(v0: i64, v1: i64, v2: i64):\n";
  const char* ops[] = {"udiv", "sdiv", "urem", "srem"};
  const int64_t divisors[] = {7, -7, 10, 1000000007, -3, 0x7fffffffffffffff, -1000, 641};
  int v = 3;
  std::string acc = "v1";
  for (const char* op : ops) {
    for (int64_t c : divisors) {
      text += "    v" + std::to_string(v) + " = iconst.i64 " + std::to_string(c) + "\n";
      text += "    v" + std::to_string(v + 1) + " = " + op + " v1, v" + std::to_string(v) + "\n";
      text +=
          "    v" + std::to_string(v + 2) + " = bxor " + acc + ", v" + std::to_string(v + 1) + "\n";
      text += "    v" + std::to_string(v + 3) + " = rotl_imm v" + std::to_string(v + 2) + ", 7\n";
      acc = "v" + std::to_string(v + 3);
      v += 4;
    }
  }
  text += "    return " + acc + "\n}\n";
  ExpectNativeMatchesInterpreter(text, ir::Type::kI64, true);
}

#endif  // __x86_64__

}  // namespace
}  // namespace egret
