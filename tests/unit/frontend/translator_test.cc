// translator_test.cc: translation to IR, checked with the IR verifier and by running the result
// in the IR interpreter (values and trap codes), plus symbols and the VMContext layout.
#include "frontend/translator.h"

#include <gtest/gtest.h>

#include <cstring>

#include "artifact/vmoffsets.h"
#include "frontend/validator.h"
#include "frontend/vmctx_layout.h"
#include "ir/interpreter.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "tests/unit/frontend/wasm_builder.h"

namespace egret::wasm {
namespace {

using namespace testing;
using ir::DataValue;
using ir::InterpResult;
using ir::Type;

struct Translated {
  ModuleEnv env;
  ir::Module module;
};

Translated TranslateOk(const Bytes& bytes, TranslateOptions options = {},
                       WasmFeatures features = WasmFeatures::Default()) {
  WasmError error;
  std::optional<ModuleEnv> env = LoadModule(bytes, "t.wasm", &error, 1, features);
  EXPECT_TRUE(env.has_value()) << error.error.ToString();
  Translated t{std::move(*env), {}};
  Expected<std::vector<ir::Function>> funcs = TranslateModule(t.env, options);
  EXPECT_TRUE(funcs.ok()) << funcs.error().ToString();
  t.module.functions = std::move(*funcs);
  for (const ir::Function& f : t.module.functions) {
    Status st = ir::Verify(f);
    EXPECT_TRUE(st.ok()) << st.error().ToString();
  }
  return t;
}

DataValue I32(int32_t v) { return {Type::kI32, static_cast<uint32_t>(v)}; }
DataValue I64(uint64_t v) { return {Type::kI64, v}; }

TEST(Translator, ArithmeticRunsInTheInterpreter) {
  // (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.sub)
  Translated t =
      TranslateOk(OneFunction({kI32, kI32}, {kI32}, {0x20, 0x00, 0x20, 0x01, 0x6b, 0x0b}));
  ASSERT_EQ(t.module.functions.size(), 1u);
  EXPECT_EQ(t.module.functions[0].signature.params,
            (std::vector<Type>{Type::kI64, Type::kI32, Type::kI32}));
  ir::Interpreter interp(t.module);
  const DataValue args[] = {I64(0), I32(7), I32(10)};
  InterpResult r = interp.Call("func0", args);
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
  EXPECT_EQ(r.values[0], I32(-3));
}

TEST(Translator, LoopWithLocalsComputesSum) {
  // (func (param $n i32) (result i32) (local $s i32)
  //   block loop  local.get 0 i32.eqz br_if 1
  //     local.get 1 local.get 0 i32.add local.set 1
  //     local.get 0 i32.const 1 i32.sub local.set 0  br 0 end end  local.get 1)
  Bytes body = {0x01, 0x01, kI32,                          // one i32 local
                0x02, 0x40, 0x03, 0x40,                    // block loop
                0x20, 0x00, 0x45, 0x0d, 0x01,              // n == 0 -> exit
                0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01,  // s += n
                0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00,  // n -= 1
                0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b};
  Translated t =
      TranslateOk(ModuleOf({TypeSection({kI32}, {kI32}), FunctionSection(1), CodeSection({body})}));
  ir::Interpreter interp(t.module);
  const DataValue args[] = {I64(0), I32(100)};
  InterpResult r = interp.Call("func0", args);
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
  EXPECT_EQ(r.values[0], I32(5050));
}

// Loop headers get parameters only for the locals their loops set (Translation::ScanLoops,
// FunctionBuilder::DeclareLoopHeader): here the outer loop sets n, s (in the inner loop's `if`)
// and j, the inner loop s and j, and k is set before the loops and only read in them.
TEST(Translator, LoopHeadersGetParametersOnlyForTheLocalsTheirLoopsSet) {
  // (func (param $n i32) (result i32) (local $s i32) (local $k i32) (local $j i32)
  //   i32.const 2 local.set $k
  //   loop $outer
  //     i32.const 0 local.set $j
  //     loop $inner
  //       local.get $n local.get $k i32.gt_u
  //       if local.get $s local.get $k i32.add local.set $s end
  //       local.get $j i32.const 1 i32.add local.tee $j i32.const 3 i32.lt_u br_if $inner
  //     end
  //     local.get $n i32.const 1 i32.sub local.tee $n br_if $outer
  //   end
  //   local.get $s)
  Bytes body = {0x01, 0x03, kI32,                                // three i32 locals
                0x41, 0x02, 0x21, 0x02,                          // k = 2
                0x03, 0x40, 0x41, 0x00, 0x21, 0x03,              // loop  j = 0
                0x03, 0x40, 0x20, 0x00, 0x20, 0x02, 0x4b,        // loop  n > k
                0x04, 0x40, 0x20, 0x01, 0x20, 0x02, 0x6a, 0x21,  // if s += k
                0x01, 0x0b,                                      // end
                0x20, 0x03, 0x41, 0x01, 0x6a, 0x22, 0x03,        // ++j
                0x41, 0x03, 0x49, 0x0d, 0x00, 0x0b,              // j < 3: br_if inner, end
                0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00,        // --n
                0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b};             // br_if outer, end, s
  Translated t =
      TranslateOk(ModuleOf({TypeSection({kI32}, {kI32}), FunctionSection(1), CodeSection({body})}));
  const ir::Function& f = t.module.functions[0];
  // entry (vmctx, n), outer (n, s), inner (s, j), the if's join (s); none for k anywhere.
  std::vector<size_t> params;
  for (ir::Block b : f.layout.Blocks()) {
    if (!f.dfg.BlockParams(b).empty()) params.push_back(f.dfg.BlockParams(b).size());
  }
  EXPECT_EQ(params, (std::vector<size_t>{2, 2, 2, 1})) << ir::PrintFunction(f);
  ir::Interpreter interp(t.module);
  for (int32_t n : {10, 2}) {
    const DataValue args[] = {I64(0), I32(n)};
    InterpResult r = interp.Call("func0", args);
    ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
    EXPECT_EQ(r.values[0], I32(n > 2 ? 6 * (n - 2) : 0));
  }
}

// A loop in unreachable code outside any loop is counted but never read ahead; the live loop
// after it is read ahead from its own ordinal (the fuzz generator found this).
TEST(Translator, LiveLoopAfterDeadLoopIsReadAhead) {
  // (func (param $n i32) (result i32) (local $c i32)
  //   block br 0 loop end end
  //   loop  local.get $c i32.const 1 i32.add local.set $c
  //         local.get $n i32.const 1 i32.sub local.tee $n br_if 0  end
  //   local.get $c)
  Bytes body = {0x01, 0x01, kI32,                                // one i32 local
                0x02, 0x40, 0x0c, 0x00, 0x03, 0x40, 0x0b, 0x0b,  // block br 0 loop end end
                0x03, 0x40, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21,  // loop ++c
                0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00,  // --n
                0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b};             // br_if 0 end, c
  Translated t =
      TranslateOk(ModuleOf({TypeSection({kI32}, {kI32}), FunctionSection(1), CodeSection({body})}));
  ir::Interpreter interp(t.module);
  const DataValue args[] = {I64(0), I32(7)};
  InterpResult r = interp.Call("func0", args);
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
  EXPECT_EQ(r.values[0], I32(7));
}

TEST(Translator, MultiValueIfElse) {
  // type [i32] -> [i32 i32]; if (type 0) with param: swap-ish arms.
  // local.get 0 local.get 0 if (type 0) i32.const 1 else i32.const 2 end
  Bytes code = {0x20, 0x00, 0x20, 0x00, 0x04, 0x00, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0b, 0x0b};
  Translated t = TranslateOk(OneFunction({kI32}, {kI32, kI32}, code));
  ir::Interpreter interp(t.module);
  for (int32_t c : {0, 5}) {
    const DataValue args[] = {I64(0), I32(c)};
    InterpResult r = interp.Call("func0", args);
    ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
    ASSERT_EQ(r.values.size(), 2u);
    EXPECT_EQ(r.values[0], I32(c)) << "the if's parameter flows through";
    EXPECT_EQ(r.values[1], I32(c ? 1 : 2));
  }
}

// A worker translates function after function into one reused ir::Function (its tables and the
// thread's translation tables keep their capacity): every function prints exactly as when
// translated into a fresh Function, whatever was translated into the storage before it (big
// then small then big, and the same function twice).
TEST(Translator, ReusedFunctionStorageTranslatesLikeFresh) {
  const Bytes loop = {0x01, 0x01, kI32,                          // one i32 local
                      0x02, 0x40, 0x03, 0x40,                    // block loop
                      0x20, 0x00, 0x45, 0x0d, 0x01,              // n == 0 -> exit
                      0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01,  // s += n
                      0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00,  // n -= 1
                      0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b};
  const Bytes mul = {0x00, 0x20, 0x00, 0x41, 0x03, 0x6c, 0x0b};  // n * 3
  // if n { n / 2 } else { 7 }
  const Bytes diamond = {0x00, 0x20, 0x00, 0x04, 0x7f, 0x20, 0x00, 0x41,
                         0x02, 0x6d, 0x05, 0x41, 0x07, 0x0b, 0x0b};
  WasmError error;
  std::optional<ModuleEnv> env =
      LoadModule(ModuleOf({TypeSection({kI32}, {kI32}), FunctionSection(3),
                           CodeSection({loop, mul, diamond})}),
                 "t.wasm", &error, 1, WasmFeatures::Default());
  ASSERT_TRUE(env.has_value()) << error.error.ToString();
  Expected<VMContextLayout> layout = VMContextLayout::Compute(*env);
  ASSERT_TRUE(layout.ok());
  const std::vector<std::string> symbols = FunctionSymbols(*env);
  const FunctionTranslator translator(*env, *layout, symbols);
  ir::Function reused;
  for (uint32_t index : {0u, 1u, 2u, 0u, 0u, 2u, 1u}) {
    Expected<ir::Function> fresh = translator.Translate(index);
    ASSERT_TRUE(fresh.ok()) << fresh.error().ToString();
    ASSERT_TRUE(translator.Translate(index, &reused).ok());
    ASSERT_TRUE(ir::Verify(reused).ok()) << "function " << index;
    EXPECT_EQ(ir::PrintFunction(reused), ir::PrintFunction(*fresh)) << "function " << index;
    EXPECT_EQ(reused.name, fresh->name);
    EXPECT_EQ(reused.signature, fresh->signature);
  }
}

TEST(Translator, DivisionTrapsWithWasmCodes) {
  Translated t =
      TranslateOk(OneFunction({kI32, kI32}, {kI32}, {0x20, 0x00, 0x20, 0x01, 0x6d, 0x0b}));
  ir::Interpreter interp(t.module);
  const DataValue by_zero[] = {I64(0), I32(1), I32(0)};
  InterpResult r = interp.Call("func0", by_zero);
  ASSERT_EQ(r.kind, InterpResult::Kind::kTrapped);
  EXPECT_EQ(r.trap, TrapCode::kIntegerDivisionByZero);
  const DataValue overflow[] = {I64(0), I32(INT32_MIN), I32(-1)};
  r = interp.Call("func0", overflow);
  ASSERT_EQ(r.kind, InterpResult::Kind::kTrapped);
  EXPECT_EQ(r.trap, TrapCode::kIntegerOverflow);
}

TEST(Translator, BoundsCheckedMemoryThroughTheVmctx) {
  // (memory 1) (func (param i32) (result i32) local.get 0 i32.load offset=4)
  Bytes m = OneFunction({kI32}, {kI32}, {0x20, 0x00, 0x28, 0x02, 0x04, 0x0b},
                        {Section(5, Bytes{0x01, 0x00, 0x01})});
  Translated t = TranslateOk(m, {.heap = HeapStrategy::kBoundsCheck});
  constexpr uint64_t kVmctx = 16, kBase = 4096;
  ir::InterpOptions options;
  options.heap_size = kBase + 65536;
  ir::Interpreter interp(t.module, options);
  std::vector<uint8_t>& heap = interp.heap();
  const uint64_t base = kBase, bound = 65536;
  Expected<VMContextLayout> layout = VMContextLayout::Compute(t.env);
  ASSERT_TRUE(layout.ok());
  const VMContextLayout::RecordRef memory = layout->Memory(0);
  ASSERT_FALSE(memory.indirect);
  std::memcpy(&heap[kVmctx + memory.offset + VMContextLayout::kRecordBase], &base, 8);
  std::memcpy(&heap[kVmctx + memory.offset + VMContextLayout::kRecordLength], &bound, 8);
  const uint32_t value = 0xdeadbeef;
  std::memcpy(&heap[kBase + 100 + 4], &value, 4);
  const DataValue ok[] = {I64(kVmctx), I32(100)};
  InterpResult r = interp.Call("func0", ok);
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
  EXPECT_EQ(r.values[0].bits, value);
  const DataValue oob[] = {I64(kVmctx), I32(65532)};  // 65532 + 4 + 4 > 65536
  r = interp.Call("func0", oob);
  ASSERT_EQ(r.kind, InterpResult::Kind::kTrapped);
  EXPECT_EQ(r.trap, TrapCode::kHeapOutOfBounds);
}

// Writes a memory's {base, length} record into the interpreter's heap (a defined memory's record
// is inline in the VMContext at `vmctx`).
void SetMemoryRecord(ir::Interpreter& interp, const VMContextLayout& layout, uint32_t memory,
                     uint64_t vmctx, uint64_t base, uint64_t length) {
  const VMContextLayout::RecordRef r = layout.Memory(memory);
  ASSERT_FALSE(r.indirect);
  std::memcpy(&interp.heap()[vmctx + r.offset + VMContextLayout::kRecordBase], &base, 8);
  std::memcpy(&interp.heap()[vmctx + r.offset + VMContextLayout::kRecordLength], &length, 8);
}

TEST(Translator, Memory64AccessesCheckTheirEndIncludingTheWrap) {
  // (memory i64 1) (func (param i64) (result i32) local.get 0 i32.load offset=8)
  Bytes m = OneFunction({kI64}, {kI32}, {0x20, 0x00, 0x28, 0x02, 0x08, 0x0b},
                        {Section(5, Bytes{0x01, 0x04, 0x01})});
  WasmFeatures features = WasmFeatures::Default();
  features.set(WasmFeature::kMemory64, true);
  Translated t = TranslateOk(m, {}, features);  // guard pages: still checked
  constexpr uint64_t kVmctx = 16, kBase = 4096, kLength = 65536;
  ir::InterpOptions options;
  options.heap_size = kBase + kLength;
  ir::Interpreter interp(t.module, options);
  Expected<VMContextLayout> layout = VMContextLayout::Compute(t.env);
  ASSERT_TRUE(layout.ok());
  SetMemoryRecord(interp, *layout, 0, kVmctx, kBase, kLength);
  const uint32_t value = 0x12345678;
  std::memcpy(&interp.heap()[kBase + kLength - 4], &value, 4);
  const DataValue last[] = {I64(kVmctx), I64(kLength - 12)};  // ends exactly at the length
  InterpResult r = interp.Call("func0", last);
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
  EXPECT_EQ(r.values[0].bits, value);
  for (uint64_t index : {kLength - 11, uint64_t{1} << 32, ~uint64_t{0} - 7, ~uint64_t{0} - 11}) {
    // Past the end by one; far past; and two indices whose index + 12 wraps past 2^64 to a
    // small end (3 and 0) that a lone `end > length` compare would let through.
    const DataValue oob[] = {I64(kVmctx), I64(index)};
    r = interp.Call("func0", oob);
    ASSERT_EQ(r.kind, InterpResult::Kind::kTrapped) << index;
    EXPECT_EQ(r.trap, TrapCode::kHeapOutOfBounds) << index;
  }
}

TEST(Translator, MultiMemoryLoadsReadTheirOwnMemoryRecord) {
  // (memory 1) (memory 1)
  // (func (param i32) (result i32) local.get 0 i32.load 1 offset=0  local.get 0 i32.load  i32.sub)
  Bytes m =
      OneFunction({kI32}, {kI32},
                  {0x20, 0x00, 0x28, 0x42, 0x01, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x6b, 0x0b},
                  {Section(5, Bytes{0x02, 0x00, 0x01, 0x00, 0x01})});
  WasmFeatures features = WasmFeatures::Default();
  features.set(WasmFeature::kMultiMemory, true);
  Translated t = TranslateOk(m, {}, features);
  constexpr uint64_t kVmctx = 16, kBase0 = 4096, kBase1 = 8192, kLength = 65536;
  ir::InterpOptions options;
  options.heap_size = kBase1 + kLength;
  ir::Interpreter interp(t.module, options);
  Expected<VMContextLayout> layout = VMContextLayout::Compute(t.env);
  ASSERT_TRUE(layout.ok());
  SetMemoryRecord(interp, *layout, 0, kVmctx, kBase0, kLength);
  SetMemoryRecord(interp, *layout, 1, kVmctx, kBase1, kLength);
  const uint32_t in0 = 5, in1 = 47;
  std::memcpy(&interp.heap()[kBase0 + 40], &in0, 4);
  std::memcpy(&interp.heap()[kBase1 + 40], &in1, 4);
  const DataValue args[] = {I64(kVmctx), I32(40)};
  InterpResult r = interp.Call("func0", args);
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
  EXPECT_EQ(r.values[0].bits, 42u);
}

// Every Wasm 2.0 SIMD instruction, alone in a function with constant operands (and a memory for
// the memory forms), translates to IR that the verifier accepts. The operands come from the
// opcode table's signature, so a SIMD instruction added there is covered too.
TEST(Translator, EverySimdInstructionTranslatesAndVerifies) {
  int ops = 0;
  for (int i = 0; i < kNumOps; ++i) {
    const Op op = static_cast<Op>(i);
    if (!IsSimdOp(op)) continue;
    const OpInfo& info = GetOpInfo(op);
    ASSERT_TRUE(info.sig.fixed) << info.name;
    Bytes code;
    for (ValType p : info.sig.param_span()) {
      switch (p) {
        case ValType::kI32:
          code.insert(code.end(), {0x41, 0x07});
          break;
        case ValType::kI64:
          code.insert(code.end(), {0x42, 0x07});
          break;
        case ValType::kF32:
          code.insert(code.end(), {0x43, 0, 0, 0x80, 0x3f});
          break;
        case ValType::kF64:
          code.insert(code.end(), {0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f});
          break;
        default:
          code.insert(code.end(), {0xfd, 0x0c});
          for (int b = 0; b < 16; ++b) code.push_back(static_cast<uint8_t>(b * 17));
          break;
      }
    }
    code.push_back(0xfd);
    WriteU32(code, info.code);
    if (info.imm == ImmKind::kMemArg || info.imm == ImmKind::kMemArgLane) {
      code.push_back(static_cast<uint8_t>(NaturalAlignLog2(op)));
      code.push_back(0x05);  // offset
    }
    if (info.imm == ImmKind::kLane || info.imm == ImmKind::kMemArgLane)
      code.push_back(static_cast<uint8_t>(LaneCount(op) - 1));
    if (info.imm == ImmKind::kV128 || info.imm == ImmKind::kShuffle)
      for (int b = 0; b < 16; ++b) code.push_back(static_cast<uint8_t>(31 - b));
    if (info.sig.num_results) code.push_back(0x1a);  // drop
    code.push_back(0x0b);
    Bytes m = OneFunction({}, {}, code, {Section(5, Bytes{0x01, 0x00, 0x01})});
    SCOPED_TRACE(std::string(info.name));
    for (HeapStrategy heap : {HeapStrategy::kGuardPages, HeapStrategy::kBoundsCheck}) {
      Translated t = TranslateOk(m, {.heap = heap});
      ASSERT_EQ(t.module.functions.size(), 1u);
    }
    ++ops;
  }
  EXPECT_EQ(ops, 236);  // Wasm 2.0's SIMD instructions
}

// v128 crosses every boundary as IR i8x16: parameters, results, locals (zero-initialised), block
// parameters and results, select, calls, globals; an operation in another shape bitcasts its
// operand and leaves its result in its own type until it reaches a boundary.
TEST(Translator, V128IsI8x16AtEveryBoundary) {
  // (global (mut v128) (v128.const ...))
  // (func (param v128 v128) (result v128) (local v128)
  //   local.get 0 local.get 1 i32x4.add          ;; i32x4 on the stack
  //   block (param v128) (result v128) end       ;; block parameter and result: i8x16
  //   local.get 2 i32.const 1 select             ;; select of i8x16 values
  //   local.tee 2 global.set 0 global.get 0
  //   local.get 0 local.get 1 f32x4.mul          ;; f32x4 into the call: i8x16
  //   call 1 local.get 0 i64x2.add)
  // (func (param v128 v128) (result v128) local.get 1)
  const Bytes types = Section(
      1, Bytes{0x02, 0x60, 0x02, kV128, kV128, 0x01, kV128, 0x60, 0x01, kV128, 0x01, kV128});
  Bytes globals = {0x01, kV128, 0x01, 0xfd, 0x0c};
  for (int b = 0; b < 16; ++b) globals.push_back(static_cast<uint8_t>(b));
  globals.push_back(0x0b);
  Bytes f0 = {0x01, 0x01, kV128, 0x20, 0x00, 0x20, 0x01, 0xfd, 0xae, 0x01,  // i32x4.add
              0x02, 0x01, 0x0b,                                             // block (type 1) end
              0x20, 0x02, 0x41,  0x01, 0x1b,                                // select
              0x22, 0x02, 0x24,  0x00, 0x23, 0x00,        // local.tee 2, global.set/get 0
              0x20, 0x00, 0x20,  0x01, 0xfd, 0xe6, 0x01,  // f32x4.mul
              0x10, 0x01, 0x20,  0x00,                    // call 1, local.get 0
              0xfd, 0xce, 0x01,  0x0b};                   // i64x2.add
  Bytes f1 = {0x00, 0x20, 0x01, 0x0b};
  Bytes m = Cat({Header(), types, Section(3, Bytes{0x02, 0x00, 0x00}), Section(6, globals),
                 Section(10, Cat({Bytes{0x02}, U32(static_cast<uint32_t>(f0.size())), f0,
                                  U32(static_cast<uint32_t>(f1.size())), f1}))});
  Translated t = TranslateOk(m);
  ASSERT_EQ(t.module.functions.size(), 2u);
  const ir::Function& f = t.module.functions[0];
  ASSERT_EQ(f.signature.params.size(), 3u);
  EXPECT_EQ(f.signature.params[1], Type::kI8x16);
  EXPECT_EQ(f.signature.params[2], Type::kI8x16);
  ASSERT_EQ(f.signature.results.size(), 1u);
  EXPECT_EQ(f.signature.results[0], Type::kI8x16);
  // Every call argument and every return value is i8x16.
  int calls = 0, returns = 0;
  for (ir::Block b : f.layout.Blocks()) {
    for (ir::Inst inst : f.layout.Insts(b)) {
      const ir::InstData& d = f.dfg[inst];
      if (d.opcode == ir::Opcode::kCall) {
        for (ir::Value v : f.dfg.VarArgs(inst).subspan(1))
          EXPECT_EQ(f.dfg.ValueType(v), Type::kI8x16);
        ++calls;
      }
      if (d.opcode == ir::Opcode::kReturn) {
        for (ir::Value v : f.dfg.VarArgs(inst)) EXPECT_EQ(f.dfg.ValueType(v), Type::kI8x16);
        ++returns;
      }
    }
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(returns, 1);
}

TEST(Translator, UnreachableCodeIsSkippedAndVerifies) {
  // block (result i32) i32.const 1 br 0 i32.const 2 i32.add end
  Translated t = TranslateOk(
      OneFunction({}, {kI32}, {0x02, kI32, 0x41, 0x01, 0x0c, 0x00, 0x41, 0x02, 0x6a, 0x0b, 0x0b}));
  ir::Interpreter interp(t.module);
  const DataValue args[] = {I64(0)};
  InterpResult r = interp.Call("func0", args);
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
  EXPECT_EQ(r.values[0], I32(1));
}

TEST(Translator, DeepNestingNeedsNoRecursion) {
  // 10,000 nested loops, each incrementing a local: validation, translation (SSA construction
  // across every header) and verification must neither recurse per level nor go quadratic.
  constexpr int kDepth = 10000;
  Bytes body = {0x01, 0x01, kI32};
  for (int i = 0; i < kDepth; ++i)
    body.insert(body.end(), {0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00});
  body.insert(body.end(), kDepth, 0x0b);
  body.insert(body.end(), {0x20, 0x00, 0x0b});
  Translated t =
      TranslateOk(ModuleOf({TypeSection({}, {kI32}), FunctionSection(1), CodeSection({body})}));
  ir::Interpreter interp(t.module);
  const DataValue args[] = {I64(0)};
  InterpResult r = interp.Call("func0", args);
  ASSERT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
  EXPECT_EQ(r.values[0], I32(kDepth));
}

TEST(Translator, SymbolsAreUniqueIdentifiers) {
  ModuleEnv env;
  env.functions.resize(4);
  env.function_names[0] = "main";
  env.function_names[1] = "main";    // duplicate: falls back to func1
  env.function_names[2] = "a b(c)";  // sanitised
  env.function_names[3] = "func0";   // would collide with a default name
  std::vector<std::string> s = FunctionSymbols(env);
  EXPECT_EQ(s, (std::vector<std::string>{"main", "func1", "a_b_c_", "func3"}));
}

TEST(Translator, SymbolsKeepOnlyOtherFunctionsDefaultNames) {
  // Only "func" + std::to_string(j) for an existing function j is reserved.
  ModuleEnv env;
  env.functions.resize(6);
  env.function_names[0] = "func4";   // function 4's default
  env.function_names[1] = "func6";   // no function 6: a free name
  env.function_names[2] = "func6";   // duplicate
  env.function_names[3] = "func01";  // not a default spelling
  env.function_names[4] = "func";
  env.function_names[5] = "func5";  // its own default
  std::vector<std::string> s = FunctionSymbols(env);
  EXPECT_EQ(s, (std::vector<std::string>{"func0", "func6", "func2", "func01", "func", "func5"}));
}

TEST(Translator, VmctxLayoutMirrorsArtifactVMOffsets) {
  ModuleEnv env;
  env.functions.resize(3);
  env.num_imported_functions = 1;
  env.tables.resize(3);
  env.num_imported_tables = 1;
  env.memories.resize(1);
  env.globals.resize(3);
  env.num_imported_globals = 1;
  Expected<VMContextLayout> l = VMContextLayout::Compute(env);
  ASSERT_TRUE(l.ok());
  artifact::VMOffsetsCounts c;
  c.imported_functions = 1;
  c.defined_functions = 2;
  c.imported_tables = 1;
  c.defined_tables = 2;
  c.defined_memories = 1;
  c.imported_globals = 1;
  c.defined_globals = 2;
  Expected<artifact::VMOffsets> o = artifact::VMOffsets::Compute(c);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(VMContextLayout::kStoreLimits, artifact::VMOffsets::store_limits());
  EXPECT_EQ(VMContextLayout::kLimitsStackLimit, artifact::kVMStoreLimitsStackLimit);
  EXPECT_EQ(VMContextLayout::kLimitsFuel, artifact::kVMStoreLimitsFuelConsumed);
  EXPECT_EQ(VMContextLayout::kTypeIds, artifact::VMOffsets::signature_ids());
  EXPECT_EQ(VMContextLayout::kBuiltins, artifact::VMOffsets::builtins());
  EXPECT_EQ(l->ImportedFunction(0), o->imported_function(0));
  EXPECT_EQ(l->Table(0).offset, o->imported_table(0));
  EXPECT_TRUE(l->Table(0).indirect);
  EXPECT_EQ(l->Table(2).offset, o->defined_table(1));
  EXPECT_FALSE(l->Table(2).indirect);
  EXPECT_EQ(l->Memory(0).offset, o->defined_memory(0));
  EXPECT_EQ(l->Global(0), o->imported_global(0));
  EXPECT_EQ(l->Global(2), o->defined_global(1));
  EXPECT_EQ(l->FuncRef(2), o->funcref(2));
  EXPECT_EQ(l->size, o->size());
  EXPECT_EQ(VMFuncRefLayout::kTypeId, artifact::kVMFuncRefTypeId);
  EXPECT_EQ(VMFuncRefLayout::kVmctx, artifact::kVMFuncRefVMContext);
  EXPECT_EQ(VMContextLayout::kRecordLength, artifact::kVMMemoryDefinitionLength);
}

TEST(Translator, VmctxLayoutWithSeveralMemoriesMirrorsVMOffsets) {
  // 2 imported memories (pointers, 8 bytes apart) and 3 defined ones (inline records, 16 apart).
  ModuleEnv env;
  env.memories.resize(5);
  env.num_imported_memories = 2;
  env.globals.resize(1);
  Expected<VMContextLayout> l = VMContextLayout::Compute(env);
  ASSERT_TRUE(l.ok());
  artifact::VMOffsetsCounts c;
  c.imported_memories = 2;
  c.defined_memories = 3;
  c.defined_globals = 1;
  Expected<artifact::VMOffsets> o = artifact::VMOffsets::Compute(c);
  ASSERT_TRUE(o.ok());
  for (uint32_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(l->Memory(i).indirect);
    EXPECT_EQ(l->Memory(i).offset, o->imported_memory(i));
    EXPECT_EQ(l->Memory(i).offset, l->Memory(0).offset + 8 * i);
  }
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(l->Memory(2 + i).indirect);
    EXPECT_EQ(l->Memory(2 + i).offset, o->defined_memory(i));
    EXPECT_EQ(l->Memory(2 + i).offset % 16, 0u);
    EXPECT_EQ(l->Memory(2 + i).offset, l->Memory(2).offset + 16 * i);
  }
  EXPECT_EQ(l->Global(0), o->defined_global(0));
  EXPECT_EQ(l->size, o->size());
}

TEST(Translator, MoreMemoriesLeaveMemoryZeroWhereItWas) {
  // Single-memory code is unchanged by multi-memory: memory 0 is the first record after the
  // header whether or not other memories follow it.
  for (uint32_t n : {1u, 2u, 7u}) {
    ModuleEnv env;
    env.memories.resize(n);
    Expected<VMContextLayout> l = VMContextLayout::Compute(env);
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l->Memory(0).offset, VMContextLayout::kHeaderSize) << n;
    EXPECT_FALSE(l->Memory(0).indirect);
  }
  ModuleEnv imported;
  imported.memories.resize(3);
  imported.num_imported_memories = 1;
  Expected<VMContextLayout> l = VMContextLayout::Compute(imported);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->Memory(0).offset, VMContextLayout::kHeaderSize);
  EXPECT_TRUE(l->Memory(0).indirect);
}

}  // namespace
}  // namespace egret::wasm
