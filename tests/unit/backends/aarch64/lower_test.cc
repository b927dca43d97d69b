// lower_test.cc: the lowering matchers and errors, from IR text to the final aarch64 code.
//
// Each case parses an IR function, compiles it with A64Isa::CompileFunction with the register
// allocation checker on, and looks for the instruction its matcher must produce in the
// disassembly (capstone): the folds that Wasm rarely produces on its own are pinned here.
#include <gtest/gtest.h>

#include <string>

#include "backends/aarch64/aarch64_isa.h"
#include "ir/parser.h"

namespace egret::aarch64::testing {
namespace {

// The disassembly of the only function in `ir`, or the compile error.
std::string Compile(const std::string& ir, std::string* error = nullptr) {
  Expected<ir::Module> m = ir::ParseModule(ir);
  EXPECT_TRUE(m.ok()) << m.error().message;
  if (!m.ok()) return "";
  Expected<std::unique_ptr<backend::TargetIsa>> isa = A64Isa::Create("");
  backend::ModuleContext module;
  backend::CompileOptions options;
  options.regalloc_checker = true;
  Expected<backend::CompiledFunction> f = (*isa)->CompileFunction(m->functions[0], module, options);
  if (!f.ok()) {
    if (error != nullptr) *error = f.error().message;
    return "";
  }
  return (*isa)->Disassemble(f->code.bytes, 0);
}

TEST(A64Lower, ShiftedOperand) {
  const std::string s = Compile(R"(
function %f(i64, i64, i64) -> i64 {
block0(v0: i64, v1: i64, v2: i64):
    v3 = ishl_imm v2, 3
    v4 = isub v1, v3
    return v4
}
)");
  EXPECT_NE(s.find("sub x0, x1, x2, lsl #3"), std::string::npos) << s;
}

TEST(A64Lower, ExtendedOperand) {
  const std::string s = Compile(R"(
function %f(i64, i64, i32) -> i64 {
block0(v0: i64, v1: i64, v2: i32):
    v3 = sextend.i64 v2
    v4 = iadd v3, v1
    return v4
}
)");
  EXPECT_NE(s.find("add x0, x1, w2, sxtw"), std::string::npos) << s;
}

TEST(A64Lower, MultiplyAdd) {
  const std::string s = Compile(R"(
function %f(i64, i32, i32, i32) -> i32, i32 {
block0(v0: i64, v1: i32, v2: i32, v3: i32):
    v4 = imul v1, v2
    v5 = iadd v3, v4
    v6 = imul v2, v3
    v7 = isub v1, v6
    return v5, v7
}
)");
  EXPECT_NE(s.find("madd w"), std::string::npos) << s;
  EXPECT_NE(s.find("msub w"), std::string::npos) << s;
  EXPECT_EQ(s.find("mul w"), std::string::npos) << s;
}

TEST(A64Lower, BitTestBranchAndRegisterOffset) {
  const std::string s = Compile(R"(
function %f(i64, i64, i64) -> i64 {
block0(v0: i64, v1: i64, v2: i64):
    v3 = band_imm v2, 0x100000000
    brif v3, block1, block2
block1:
    v4 = ishl_imm v2, 3
    v5 = iadd v1, v4
    v6 = load.i64 notrap v5
    return v6
block2:
    return v2
}
)");
  EXPECT_NE(s.find("tbz x2, #0x20"), std::string::npos) << s;
  EXPECT_NE(s.find(", lsl #3]"), std::string::npos) << s;
}

TEST(A64Lower, ZeroExtendedIndexAddress) {
  const std::string s = Compile(R"(
function %f(i64, i64, i32) -> i32 {
block0(v0: i64, v1: i64, v2: i32):
    v3 = uextend.i64 v2
    v4 = iadd v1, v3
    v5 = uload16.i32 v4
    return v5
}
)");
  EXPECT_NE(s.find("ldrh w0, [x1, w2, uxtw]"), std::string::npos) << s;
  EXPECT_EQ(s.find("mov w"), std::string::npos) << s;
}

TEST(A64Lower, ImmediatesAtTheirEdges) {
  const std::string s = Compile(R"(
function %f(i64, i64) -> i64, i64, i64, i64 {
block0(v0: i64, v1: i64):
    v2 = iadd_imm v1, -4095
    v3 = iadd_imm v1, 0xfff000
    v4 = band_imm v1, 0xff00ff00ff00ff00
    v5 = bxor_imm v1, 0x1234
    return v2, v3, v4, v5
}
)");
  EXPECT_NE(s.find("sub x0, x1, #0xfff"), std::string::npos) << s;
  EXPECT_NE(s.find("add x2, x1, #0xfff, lsl #12"), std::string::npos) << s;
  EXPECT_NE(s.find("and x3, x1, #0xff00ff00ff00ff00"), std::string::npos) << s;
  EXPECT_NE(s.find("movz x"), std::string::npos) << s;  // 0x1234 is no bitmask immediate
}

TEST(A64Lower, UnsupportedOperationsNameThemselvesAndTheFunction) {
  std::string error;
  const std::string s = Compile(R"(
function %uses_a_slot(i64, i32) -> i32 {
    ss0 = stack_slot 8, align 4
block0(v0: i64, v1: i32):
    stack_store v1, ss0
    v2 = stack_load.i32 ss0
    return v2
}
)",
                                &error);
  EXPECT_EQ(s, "");
  EXPECT_NE(error.find("aarch64: not supported: opcode stack_store (function uses_a_slot)"),
            std::string::npos)
      << error;
}

// i8/i16 values sit in 32-bit registers with unspecified upper bits: what only moves or wraps
// their low bits lowers, what reads the upper ones is refused by name (the IR runtests found x64
// and aarch64 both computing these at 32 bits before).
TEST(A64Lower, NarrowIntegersOnlyWhereTheLowBitsSuffice) {
  std::string error;
  const std::string exact = Compile(R"(
function %wraps(i64, i32, i32) -> i32 {
block0(v0: i64, v1: i32, v2: i32):
    v3 = ireduce.i16 v1
    v4 = ireduce.i16 v2
    v5 = imul v3, v4
    v6 = bxor v5, v3
    v7 = select v1, v6, v4
    v8 = sextend.i32 v7
    return v8
}
)",
                                    &error);
  EXPECT_NE(exact, "") << error;
  EXPECT_NE(exact.find("sxth"), std::string::npos) << exact;
  const struct {
    const char* body;
    const char* what;
  } refused[] = {
      {"v5 = sdiv v3, v4\n    v6 = uextend.i32 v5", "i16 sdiv"},
      {"v5 = icmp slt v3, v4\n    v6 = iadd v5, v1", "i16 icmp"},
      {"v5 = sshr_imm v3, 1\n    v6 = uextend.i32 v5", "i16 sshr_imm"},
      {"v5 = popcnt v3\n    v6 = uextend.i32 v5", "i16 popcnt"},
      {"v5 = select v3, v1, v2\n    v6 = iadd v5, v1", "i16 select"},
      {"trapz v3, int_divz\n    v6 = iadd v1, v2", "i16 trapz"},
  };
  for (const auto& r : refused) {
    error.clear();
    const std::string ir = std::string(R"(
function %narrow(i64, i32, i32) -> i32 {
block0(v0: i64, v1: i32, v2: i32):
    v3 = ireduce.i16 v1
    v4 = ireduce.i16 v2
    )") + r.body + R"(
    return v6
}
)";
    EXPECT_EQ(Compile(ir, &error), "") << r.what;
    EXPECT_NE(error.find(std::string("aarch64: not supported: ") + r.what), std::string::npos)
        << error;
    EXPECT_NE(error.find("(function narrow)"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace egret::aarch64::testing
