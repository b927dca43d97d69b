// call_conv_test.cc: the shared layout rule and the array marshalling order, on a made-up
// target with two integer and one float argument register, so that stack slots appear early.
#include "backends/common/call_conv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backends/common/array_marshaller.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace egret::backend {
namespace {

using ir::Type;

constexpr uint8_t kInt[] = {7, 6};
constexpr uint8_t kFloat[] = {0};
constexpr uint8_t kIntRet[] = {0};
constexpr uint8_t kFloatRet[] = {0};
const CallConv kConv{kInt, kFloat, kIntRet, kFloatRet};

TEST(CallConv, RegistersInOrderThenStackSlots) {
  const std::vector<Type> params = {Type::kI64, Type::kF64, Type::kI32, Type::kF32, Type::kI64};
  const std::vector<Type> results = {Type::kI32, Type::kF64, Type::kI64, Type::kF32};
  CallLayout l = ComputeCallLayout(kConv, params, results);
  ASSERT_EQ(l.params.size(), 5u);
  EXPECT_FALSE(l.params[0].on_stack);
  EXPECT_EQ(l.params[0].reg, 7);
  EXPECT_TRUE(l.params[1].fp);
  EXPECT_EQ(l.params[1].reg, 0);
  EXPECT_EQ(l.params[2].reg, 6);
  EXPECT_TRUE(l.params[3].on_stack);  // the only float register is taken
  EXPECT_EQ(l.params[3].slot, 0u);
  EXPECT_TRUE(l.params[4].on_stack);
  EXPECT_EQ(l.params[4].slot, 1u);
  EXPECT_EQ(l.stack_args, 2u);
  // Results: one register per class, the rest in slots after the arguments.
  EXPECT_FALSE(l.results[0].on_stack);
  EXPECT_FALSE(l.results[1].on_stack);
  EXPECT_TRUE(l.results[2].on_stack);
  EXPECT_EQ(l.results[2].slot, 2u);
  EXPECT_EQ(l.results[3].slot, 3u);
  EXPECT_EQ(l.stack_results, 2u);
  EXPECT_EQ(l.AreaBytes(), 32u);
  EXPECT_EQ(LocPReg(l.params[1]), regalloc::PReg(regalloc::RegClass::kFloat, 0));
}

TEST(CallConv, AreaKeeps16ByteAlignment) {
  const std::vector<Type> params = {Type::kI64, Type::kI64, Type::kI64};
  CallLayout l = ComputeCallLayout(kConv, params, {});
  EXPECT_EQ(l.stack_args, 1u);
  EXPECT_EQ(l.AreaBytes(), 16u);
}

// Records each move as text: f/d/v for a 4/8/16-byte float-class register, r for an integer
// one, sN (or sN+2 for a 16-byte stack value) for stack slots.
class Recorder final : public ArrayMarshaller {
 public:
  void RegFromArray(const AbiLoc& loc, int32_t offset) override {
    log += Reg(loc) + "<-[" + std::to_string(offset) + "] ";
  }
  void ArrayFromReg(int32_t offset, const AbiLoc& loc) override {
    log += "[" + std::to_string(offset) + "]<-" + Reg(loc) + " ";
  }
  void StackFromArray(const AbiLoc& loc, int32_t offset) override {
    log += Slot(loc) + "<-[" + std::to_string(offset) + "] ";
  }
  void ArrayFromStack(int32_t offset, const AbiLoc& loc) override {
    log += "[" + std::to_string(offset) + "]<-" + Slot(loc) + " ";
  }
  std::string log;

 private:
  static std::string Reg(const AbiLoc& l) {
    const char* k = l.kind == ValueKind::kV128  ? "v"
                    : l.kind == ValueKind::kF64 ? "d"
                    : l.kind == ValueKind::kF32 ? "f"
                                                : "r";
    return k + std::to_string(l.reg);
  }
  static std::string Slot(const AbiLoc& l) {
    return "s" + std::to_string(l.slot) + (l.kind == ValueKind::kV128 ? "+2" : "");
  }
};

TEST(ArrayMarshaller, SkipsTheVmctxAndKeepsValueOrder) {
  ir::Signature sig;
  sig.params = {Type::kI64, Type::kF64, Type::kI32, Type::kF32};
  sig.results = {Type::kI32, Type::kF32, Type::kI64};
  CallLayout l = ComputeCallLayout(kConv, sig.params, sig.results);
  Recorder in, out, back, res;
  ParamsFromArray(sig, l, in);
  EXPECT_EQ(in.log, "d0<-[0] r6<-[16] s0<-[32] ");
  ParamsToArray(sig, l, out);
  EXPECT_EQ(out.log, "[0]<-d0 [16]<-r6 [32]<-s0 ");
  ResultsFromArray(sig, l, back);
  EXPECT_EQ(back.log, "r0<-[0] f0<-[16] s1<-[32] ");
  ResultsToArray(sig, l, res);
  EXPECT_EQ(res.log, "[0]<-r0 [16]<-f0 [32]<-s1 ");
  EXPECT_EQ(ArraySlots(sig), 3u);
}

// kConv has two integer argument registers: (i64 x n) has n - 2 stack slots.
CallLayout Ints(size_t n, size_t results = 0) {
  const std::vector<Type> params(n, Type::kI64), res(results, Type::kI64);
  return ComputeCallLayout(kConv, params, res);
}

TEST(TailCall, FitsWhenTheCalleeNeedsNoMoreStackSlots) {
  EXPECT_TRUE(TailCallFits(Ints(2), Ints(2)));
  EXPECT_TRUE(TailCallFits(Ints(5), Ints(4)));  // 2 slots into 3
  EXPECT_TRUE(TailCallFits(Ints(5), Ints(5)));
  EXPECT_FALSE(TailCallFits(Ints(4), Ints(5)));  // 3 slots into 2
  EXPECT_FALSE(TailCallFits(Ints(2), Ints(3)));
  // Stack results (kConv returns one integer in a register) follow the arguments: equal counts.
  EXPECT_TRUE(TailCallFits(Ints(4, 3), Ints(4, 3)));
  EXPECT_FALSE(TailCallFits(Ints(5, 3), Ints(4, 3)));
  EXPECT_TRUE(TailCallFits(Ints(5, 1), Ints(4, 1)));
}

TEST(TailCall, LegalizeRewritesOnlyTheCallsThatDoNotFit) {
  Expected<ir::Module> m = ir::ParseModule(R"(
function %f(i64, i64, i64) -> i64 {
    sig0 = (i64, i64, i64, i64) -> i64
    sig1 = (i64, i64, i64) -> i64
    fn0 = %big sig0
    fn1 = %same sig1
block0(v0: i64, v1: i64, v2: i64):
    brif v0, block1, block2
block1:
    return_call %big(v0, v1, v2, v2)
block2:
    return_call %same(v0, v1, v2)
}
)");
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  ir::Function& f = m->functions[0];
  ASSERT_TRUE(HasUnfitTailCalls(f, kConv));
  LegalizeTailCalls(f, kConv);
  EXPECT_FALSE(HasUnfitTailCalls(f, kConv));
  EXPECT_TRUE(ir::Verify(f).ok());
  const std::string text = ir::PrintFunction(f);
  EXPECT_NE(text.find("= call %big(v0, v1, v2, v2)"), std::string::npos) << text;
  EXPECT_NE(text.find("return_call %same(v0, v1, v2)"), std::string::npos) << text;
  EXPECT_EQ(text.find("return_call %big"), std::string::npos) << text;
}

// 128-bit vectors take float/vector registers, and on the stack two 8-byte slots starting at an
// even index (16-byte aligned); an odd slot skipped for alignment stays unused, and results
// continue after the arguments under the same rule.
TEST(CallConv, VectorsUseFloatRegistersAndAligned16ByteSlots) {
  const std::vector<Type> params = {Type::kI8x16, Type::kI64,   Type::kI64,
                                    Type::kI64,   Type::kF64x2, Type::kF64};
  const std::vector<Type> results = {Type::kF32x4, Type::kI64, Type::kI64x2};
  CallLayout l = ComputeCallLayout(kConv, params, results);
  EXPECT_FALSE(l.params[0].on_stack);
  EXPECT_TRUE(l.params[0].fp);
  EXPECT_EQ(l.params[0].kind, ValueKind::kV128);
  EXPECT_EQ(LocPReg(l.params[0]), regalloc::PReg(regalloc::RegClass::kFloat, 0));
  EXPECT_TRUE(l.params[3].on_stack);  // third integer: slot 0
  EXPECT_EQ(l.params[3].slot, 0u);
  EXPECT_TRUE(l.params[4].on_stack);  // slot 1 is skipped: the vector takes slots 2 and 3
  EXPECT_EQ(l.params[4].slot, 2u);
  EXPECT_EQ(l.params[5].slot, 4u);  // an 8-byte value after it
  EXPECT_EQ(l.params[5].kind, ValueKind::kF64);
  EXPECT_EQ(l.stack_args, 5u);
  EXPECT_FALSE(l.results[0].on_stack);  // the float result register
  EXPECT_FALSE(l.results[1].on_stack);
  EXPECT_TRUE(l.results[2].on_stack);
  EXPECT_EQ(l.results[2].slot, 6u);  // slot 5 skipped
  EXPECT_EQ(l.stack_results, 3u);
  EXPECT_EQ(l.AreaBytes(), 64u);
  EXPECT_EQ(StackBytes(l.results[2].kind), 16u);
}

TEST(ArrayMarshaller, VectorsMoveWithTheirKind) {
  ir::Signature sig;
  sig.params = {Type::kI64, Type::kI8x16, Type::kI64, Type::kI64, Type::kI16x8};
  sig.results = {Type::kI32x4, Type::kF32, Type::kF64x2};
  CallLayout l = ComputeCallLayout(kConv, sig.params, sig.results);
  Recorder in, res;
  ParamsFromArray(sig, l, in);
  EXPECT_EQ(in.log, "v0<-[0] r6<-[16] s0<-[32] s2+2<-[48] ");
  ResultsToArray(sig, l, res);
  EXPECT_EQ(res.log, "[0]<-v0 [16]<-s4 [32]<-s6+2 ");
}

}  // namespace
}  // namespace egret::backend
