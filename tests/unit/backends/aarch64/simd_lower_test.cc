// simd_lower_test.cc: every IR vector op at every shape it accepts compiles for aarch64 (the
// register-allocation checker on), and the NEON patterns of docs/aarch64.md "SIMD" are chosen.
//
// Execution is the spec testsuite's (simd_*.wast under qemu) and the IR runtests'; here each op
// is built with ir::FunctionBuilder from ir/simd.h's own tables (VectorShapes, VectorSignature), so
// an op or shape added to the IR without an aarch64 expansion fails by name.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backends/aarch64/aarch64_isa.h"
#include "ir/builder.h"
#include "ir/parser.h"
#include "ir/simd.h"

namespace egret::aarch64::testing {
namespace {

using ir::Opcode;
using ir::Type;

// Compiles `f` for aarch64 with the allocation checker; the disassembly, or the error in *error.
std::string CompileFn(const ir::Function& f, std::string* error) {
  Expected<std::unique_ptr<backend::TargetIsa>> isa = A64Isa::Create("");
  backend::ModuleContext module;
  module.callees["g"] = backend::CallTarget{};  // the call tests' callee
  backend::CompileOptions options;
  options.regalloc_checker = true;
  Expected<backend::CompiledFunction> c = (*isa)->CompileFunction(f, module, options);
  if (!c.ok()) {
    *error = c.error().message;
    return "";
  }
  return (*isa)->Disassemble(c->code.bytes, 0);
}

std::string CompileText(const std::string& text) {
  Expected<ir::Module> m = ir::ParseModule(text);
  EXPECT_TRUE(m.ok()) << m.error().message;
  if (!m.ok()) return "";
  std::string error;
  const std::string s = CompileFn(m->functions[0], &error);
  EXPECT_TRUE(error.empty()) << error;
  return s;
}

// fn(vmctx: i64, args...) -> result, computing `op` at `shape` (and condition `cc` for compares).
ir::Function OneOp(Opcode op, Type shape, uint8_t cc) {
  const ir::VectorOpTypes t = ir::VectorSignature(op, shape);
  ir::Function f;
  f.name = std::string(ir::OpcodeName(op)) + "." + std::string(ir::TypeName(shape));
  f.signature.params.push_back(Type::kI64);
  std::vector<Type> args;
  for (uint8_t k = 0; k < t.num_args; ++k)
    args.push_back(t.args[k] == Type::kInvalid ? Type::kI8x16 : t.args[k]);
  for (Type a : args) f.signature.params.push_back(a);
  f.signature.results.push_back(t.result);
  ir::FunctionBuilder b(f);
  const ir::Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  b.AppendBlockParam(entry, Type::kI64);
  std::vector<ir::Value> p;
  for (Type a : args) p.push_back(b.AppendBlockParam(entry, a));
  b.SealBlock(entry);
  ir::Value r;
  const uint32_t last_lane = ir::LaneCount(shape) - 1;
  switch (ir::Info(op).format) {
    case ir::InstFormat::kVconst: {
      ir::V128 bits;
      bits.lo = 0x0706050403020100ull;
      bits.hi = 0x8f8e8d8c8b8a8988ull;
      r = b.Vconst(shape, bits);
      break;
    }
    case ir::InstFormat::kExtractLane:
      r = b.ExtractLane(op, p[0], last_lane);
      break;
    case ir::InstFormat::kInsertLane:
      r = b.InsertLane(p[0], p[1], last_lane);
      break;
    case ir::InstFormat::kShuffle: {
      const uint8_t lanes[16] = {0, 17, 2, 19, 4, 21, 6, 23, 31, 30, 1, 0, 15, 16, 3, 3};
      r = b.Shuffle(p[0], p[1], lanes);
      break;
    }
    case ir::InstFormat::kIntCompare:
      r = b.Vicmp(static_cast<ir::IntCC>(cc), p[0], p[1]);
      break;
    case ir::InstFormat::kFloatCompare:
      r = b.Vfcmp(static_cast<ir::FloatCC>(cc), p[0], p[1]);
      break;
    case ir::InstFormat::kTernary:
      r = b.Vbitselect(p[0], p[1], p[2]);
      break;
    default:
      if (ir::Info(op).typing == ir::ResultTyping::kCtrl) {
        r = p.size() == 1 ? b.Convert(op, shape, p[0]) : b.BinaryTo(op, shape, p[0], p[1]);
      } else {
        r = p.size() == 1 ? b.Unary(op, p[0]) : b.Binary(op, p[0], p[1]);
      }
      break;
  }
  b.Return({r});
  return f;
}

TEST(A64Simd, EveryVectorOpAtEveryShapeCompiles) {
  int compiled = 0;
  for (int k = 0; k < ir::kNumOpcodes; ++k) {
    const Opcode op = static_cast<Opcode>(k);
    if (!ir::IsVectorOp(op)) continue;
    for (int s = 0; s < ir::kNumVectorTypes; ++s) {
      const Type shape = static_cast<Type>(ir::kFirstVectorType + s);
      if (!ir::ShapeSetHas(ir::VectorShapes(op), shape)) continue;
      const int ccs = op == Opcode::kVicmp   ? ir::kNumIntCC
                      : op == Opcode::kVfcmp ? ir::kNumFloatCC
                                             : 1;
      for (uint8_t cc = 0; cc < ccs; ++cc) {
        if (op == Opcode::kVicmp && !ir::VectorIntCCAllowed(static_cast<ir::IntCC>(cc), shape))
          continue;
        const ir::Function f = OneOp(op, shape, cc);
        std::string error;
        const std::string s = CompileFn(f, &error);
        EXPECT_TRUE(error.empty()) << f.name << ": " << error;
        EXPECT_FALSE(s.empty()) << f.name;
        ++compiled;
      }
    }
  }
  EXPECT_GT(compiled, 150);
}

TEST(A64Simd, PatternsOfDocsAarch64) {
  const std::string s = CompileText(R"(
function %f(i64, i8x16, i8x16, i32, f32x4, f32x4) -> i8x16, i32, i32x4, f32x4, i64x2 {
block0(v0: i64, v1: i8x16, v2: i8x16, v3: i32, v4: f32x4, v5: f32x4):
    v6 = vshuffle v1, v2, [0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31]
    v7 = vbitmask v6
    v8 = vbitcast.i32x4 v1
    v9 = iconst.i32 3
    v10 = vushr v8, v9
    v11 = vfpmin v4, v5
    v12 = vconst.i64x2 [0 -1]
    return v6, v7, v10, v11, v12
}
)");
  EXPECT_NE(s.find("tbl v"), std::string::npos) << s;                       // two-source shuffle
  EXPECT_NE(s.find("{v30.16b, v31.16b}"), std::string::npos) << s;          // in v30/v31
  EXPECT_NE(s.find("usra v30.2d, v30.2d, #0x1c"), std::string::npos) << s;  // bitmask's last fold
  EXPECT_NE(s.find("ushr v"), std::string::npos) << s;                      // constant shift
  EXPECT_EQ(s.find("ushl"), std::string::npos) << s;
  EXPECT_NE(s.find("fcmgt v30.4s"), std::string::npos) << s;  // pmin's mask
  EXPECT_NE(s.find("bsl v30.16b"), std::string::npos) << s;
  EXPECT_NE(s.find("ldr q"), std::string::npos) << s;  // [0 -1] is no movi: the constant pool
}

TEST(A64Simd, ByteMaskConstantsAreMovi) {
  const std::string s = CompileText(R"(
function %f(i64) -> i8x16, i32x4, i16x8 {
block0(v0: i64):
    v1 = vconst.i8x16 [0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0]
    v2 = vconst.i32x4 [-1 -1 -1 -1]
    v3 = vconst.i16x8 [0x2a2a 0x2a2a 0x2a2a 0x2a2a 0x2a2a 0x2a2a 0x2a2a 0x2a2a]
    return v1, v2, v3
}
)");
  EXPECT_NE(s.find("movi v0.2d, #0000000000000000"), std::string::npos) << s;
  EXPECT_NE(s.find("movi v1.2d, #0xffffffffffffffff"), std::string::npos) << s;
  EXPECT_NE(s.find("movi v2.16b, #0x2a"), std::string::npos) << s;
  EXPECT_EQ(s.find("ldr q"), std::string::npos) << s;
}

// A vector live across a call is not left in v8-v15 (AAPCS64 callees keep only their low
// halves): it is spilled with a 16-byte store and reloaded whole.
TEST(A64Simd, VectorsAcrossCallsAreSpilledWhole) {
  const std::string s = CompileText(R"(
function %f(i64, i32x4) -> i32x4 {
    sig0 = (i64)
    fn0 = %g sig0
block0(v0: i64, v1: i32x4):
    call %g(v0)
    v2 = viadd v1, v1
    return v2
}
)");
  EXPECT_NE(s.find("str q"), std::string::npos) << s;
  EXPECT_NE(s.find("ldr q"), std::string::npos) << s;
}

}  // namespace
}  // namespace egret::aarch64::testing
