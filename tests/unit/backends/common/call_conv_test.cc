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

// ComputeCallLayoutInto reuses a layout (lowering keeps one per thread): whatever the layout
// held before, the result is ComputeCallLayout's.
TEST(CallConv, IntoReusedLayoutMatchesFresh) {
  const std::vector<std::vector<Type>> sigs = {
      {Type::kI64, Type::kF64, Type::kI32, Type::kF32, Type::kI64, Type::kI32x4, Type::kI32},
      {Type::kF32},
      {},
      {Type::kI32, Type::kI32, Type::kI32, Type::kF64, Type::kF64}};
  CallLayout reused;
  for (size_t a = 0; a < sigs.size(); ++a) {
    for (size_t b = 0; b < sigs.size(); ++b) {
      ComputeCallLayoutInto(kConv, sigs[a], sigs[b], &reused);
      const CallLayout fresh = ComputeCallLayout(kConv, sigs[a], sigs[b]);
      ASSERT_EQ(reused.params.size(), fresh.params.size());
      ASSERT_EQ(reused.results.size(), fresh.results.size());
      auto same = [](const AbiLoc& x, const AbiLoc& y) {
        return x.kind == y.kind && x.fp == y.fp && x.reg == y.reg && x.on_stack == y.on_stack &&
               x.slot == y.slot;
      };
      for (size_t k = 0; k < fresh.params.size(); ++k)
        EXPECT_TRUE(same(reused.params[k], fresh.params[k])) << a << " " << b << " param " << k;
      for (size_t k = 0; k < fresh.results.size(); ++k)
        EXPECT_TRUE(same(reused.results[k], fresh.results[k])) << a << " " << b << " result " << k;
      EXPECT_EQ(reused.stack_args, fresh.stack_args);
      EXPECT_EQ(reused.stack_results, fresh.stack_results);
    }
  }
}

// StackArgSlots (what ArgAreaSlots asks for every function and tail call) counts the argument
// slots without building a layout: the layout's stack_args, vector alignment gaps and the even
// end included.
TEST(CallConv, StackArgSlotsMatchesLayout) {
  const std::vector<std::vector<Type>> sigs = {
      {Type::kI64, Type::kF64, Type::kI32, Type::kF32, Type::kI64, Type::kI32x4, Type::kI32},
      {Type::kF32},
      {},
      {Type::kF32, Type::kF32, Type::kI32x4},  // slot 0, a gap, slots 2-3
      {Type::kF32, Type::kI32x4, Type::kF64},  // slots 0-1, slot 2, and the even end
      {Type::kI32, Type::kI32, Type::kI32, Type::kF64, Type::kF64}};
  const std::vector<uint32_t> expected = {6, 0, 0, 4, 4, 2};
  for (size_t a = 0; a < sigs.size(); ++a) {
    EXPECT_EQ(StackArgSlots(kConv, sigs[a]), ComputeCallLayout(kConv, sigs[a], {}).stack_args) << a;
    EXPECT_EQ(StackArgSlots(kConv, sigs[a]), expected[a]) << a;
  }
}

TEST(CallConv, AreaKeeps16ByteAlignment) {
  const std::vector<Type> params = {Type::kI64, Type::kI64, Type::kI64};
  CallLayout l = ComputeCallLayout(kConv, params, {});
  EXPECT_EQ(l.stack_args, 2u);  // one slot used, the argument part rounded to 16 bytes
  EXPECT_EQ(l.AreaBytes(), 16u);
}

// Stack results start at the same slot after any argument list of the same rounded size, and
// 16-byte aligned: an odd argument count leaves a gap below them (the callee pops it too).
TEST(CallConv, StackResultsStartAfterTheRoundedArgumentPart) {
  const std::vector<Type> params = {Type::kI64, Type::kI64, Type::kI64};
  const std::vector<Type> results = {Type::kI64, Type::kI64, Type::kF64, Type::kI64x2};
  CallLayout l = ComputeCallLayout(kConv, params, results);
  EXPECT_EQ(l.params[2].slot, 0u);
  EXPECT_EQ(l.stack_args, 2u);
  EXPECT_FALSE(l.results[0].on_stack);
  EXPECT_EQ(l.results[1].slot, 2u);
  EXPECT_FALSE(l.results[2].on_stack);  // the float result register
  EXPECT_EQ(l.results[3].slot, 4u);     // 16-byte aligned: slot 3 skipped
  EXPECT_EQ(l.stack_results, 4u);
  EXPECT_EQ(l.AreaBytes(), 48u);
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
  EXPECT_EQ(back.log, "r0<-[0] f0<-[16] s2<-[32] ");
  ResultsToArray(sig, l, res);
  EXPECT_EQ(res.log, "[0]<-r0 [16]<-f0 [32]<-s2 ");
  EXPECT_EQ(ArraySlots(sig), 3u);
}

// kConv has two integer argument registers: (i64 x n) has n - 2 stack slots.
CallLayout Ints(size_t n, size_t results = 0) {
  const std::vector<Type> params(n, Type::kI64), res(results, Type::kI64);
  return ComputeCallLayout(kConv, params, res);
}

// The area a function owns covers its own stack arguments and every tail callee's.
TEST(TailCall, ArgAreaSlotsCoverEveryTailCallee) {
  Expected<ir::Module> m = ir::ParseModule(R"(
function %f(i64, i64, i64) -> i64 {
    sig0 = (i64, i64, i64, i64, i64, i64, i64) -> i64
    sig1 = (i64, i64, i64, i64) -> i64
    sig2 = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) -> i64
    fn0 = %big sig0
    fn1 = %small sig1
    fn2 = %plain sig2
block0(v0: i64, v1: i64, v2: i64):
    brif v0, block1, block2
block1:
    return_call %big(v0, v1, v2, v2, v2, v2, v2)
block2:
    v3 = call %plain(v0, v1, v2, v2, v2, v2, v2, v2, v2, v2)
    return_call %small(v3, v1, v2, v2)
}

function %g(i64, i64, i64, i64, i64, i64) -> i64 {
    sig0 = (i64, i64, i64) -> i64
    fn0 = %h sig0
block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: i64):
    return_call %h(v0, v1, v2)
}
)");
  ASSERT_TRUE(m.ok()) << m.error().ToString();
  // %f receives 1 slot (2 rounded); %big needs 5 (6 rounded); the plain call does not count.
  EXPECT_EQ(ArgAreaSlots(m->functions[0], kConv), 6u);
  // %g receives 4 and tail-calls a function that needs 1 (2): it keeps its own 4.
  EXPECT_EQ(ArgAreaSlots(m->functions[1], kConv), 4u);
}

// A tail call's stack arguments end at the top of the owned area, whatever its size; the slots
// below them are released before the jump; a caller's own parameters and results are addressed
// from the same top.
TEST(TailCall, PlanEndsTheArgumentsAtTheTop) {
  const CallLayout five = Ints(5);  // 3 slots used, 4 rounded
  TailCallPlan p = PlanTailCall(five, 10);
  ASSERT_EQ(p.stores.size(), 3u);
  EXPECT_EQ(p.reg_args, (std::vector<uint32_t>{0, 1}));
  // Top = fp + 16 + 8 * 10; the callee's 4 slots are the 4 below it.
  EXPECT_EQ(p.stores[0].arg, 2u);
  EXPECT_EQ(p.stores[0].disp, kFrameRecordBytes + 8 * 6);
  EXPECT_EQ(p.stores[2].disp, kFrameRecordBytes + 8 * 8);
  EXPECT_EQ(p.pop_bytes, 8u * 6);
  // Exactly the owned size: nothing released.
  EXPECT_EQ(PlanTailCall(five, 4).pop_bytes, 0u);
  EXPECT_EQ(PlanTailCall(five, 4).stores[0].disp, kFrameRecordBytes);
  // The owner's own parameter slot 0 and result slot (stack_args + j) from the same top.
  const CallLayout own = Ints(3, 3);  // 1 argument slot (2), results in slots 2 and 3
  EXPECT_EQ(IncomingArgDisp(own, 6, 0), kFrameRecordBytes + 8 * 4);
  EXPECT_EQ(StackResultDisp(own, 6, own.results[1].slot), kFrameRecordBytes + 8 * 6);
  EXPECT_EQ(StackResultDisp(own, 2, own.results[1].slot), kFrameRecordBytes + 8 * 2);
}

// Stack vectors are stored with their kind (16 bytes) at their 16-byte aligned slot.
TEST(TailCall, PlanKeepsVectorKindsAndAlignment) {
  const std::vector<Type> params = {Type::kI64,   Type::kI64, Type::kF64,
                                    Type::kI64x2, Type::kI64, Type::kF32x4};
  const CallLayout l = ComputeCallLayout(kConv, params, {});
  // f64 -> the float register; v128 -> slot 0-1; i64 -> slot 2; v128 -> slot 4-5 (3 skipped).
  EXPECT_EQ(l.stack_args, 6u);
  TailCallPlan p = PlanTailCall(l, 8);
  ASSERT_EQ(p.stores.size(), 3u);
  EXPECT_EQ(p.stores[0].kind, ValueKind::kV128);
  EXPECT_EQ(p.stores[0].disp, kFrameRecordBytes + 16);
  EXPECT_EQ(p.stores[1].kind, ValueKind::kInt);
  EXPECT_EQ(p.stores[2].kind, ValueKind::kV128);
  EXPECT_EQ(p.stores[2].disp, kFrameRecordBytes + 16 + 32);
  for (const TailCallStore& s : p.stores) {
    if (s.kind == ValueKind::kV128) {
      EXPECT_EQ(s.disp % 16, 0);
    }
  }
  EXPECT_EQ(p.pop_bytes, 16u);
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
  EXPECT_EQ(l.stack_args, 6u);          // 5 used, rounded to 16 bytes
  EXPECT_FALSE(l.results[0].on_stack);  // the float result register
  EXPECT_FALSE(l.results[1].on_stack);
  EXPECT_TRUE(l.results[2].on_stack);
  EXPECT_EQ(l.results[2].slot, 6u);  // after the rounded argument part
  EXPECT_EQ(l.stack_results, 2u);
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
