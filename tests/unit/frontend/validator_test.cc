// validator_test.cc: typing rules, error locations and the malformed/invalid split.
#include "frontend/validator.h"

#include <gtest/gtest.h>

#include "frontend/decoder.h"
#include "frontend/opcodes.h"
#include "frontend/operator_reader.h"
#include "tests/unit/frontend/wasm_builder.h"

namespace egret::wasm {
namespace {

using namespace testing;

// "ok", or "<kind>: <error>".
std::string Check(const Bytes& bytes) {
  WasmError error;
  if (LoadModule(bytes, "m.wasm", &error)) return "ok";
  return std::string(ErrorKindName(error.kind)) + ": " + error.error.ToString();
}

Bytes Memory() { return Section(5, Bytes{0x01, 0x00, 0x01}); }

std::string CheckWith(const Bytes& bytes, WasmFeatures features) {
  WasmError error;
  if (LoadModule(bytes, "m.wasm", &error, 1, features)) return "ok";
  return std::string(ErrorKindName(error.kind)) + ": " + error.error.ToString();
}
bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// The default set plus multi-memory and/or memory64 (both off by default).
WasmFeatures With(bool multi_memory, bool memory64) {
  WasmFeatures f = WasmFeatures::Default();
  f.set(WasmFeature::kMultiMemory, multi_memory);
  f.set(WasmFeature::kMemory64, memory64);
  return f;
}
const WasmFeatures kMulti = With(true, false);
const WasmFeatures k64 = With(false, true);
const WasmFeatures kBoth = With(true, true);
// (memory 1) (memory i64 1): memory 0 is 32-bit, memory 1 is 64-bit.
Bytes Mixed() { return Section(5, Bytes{0x02, 0x00, 0x01, 0x04, 0x01}); }

TEST(Validator, AcceptsSimpleFunction) {
  // (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  EXPECT_EQ(Check(OneFunction({kI32, kI32}, {kI32}, {0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b})), "ok");
}

TEST(Validator, TypeMismatchNamesOperatorFunctionAndOffset) {
  // (func (param i32 f64) (result i32) local.get 0 local.get 1 i32.add)
  const Bytes m = OneFunction({kI32, kF64}, {kI32}, {0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b});
  // The i32.add opcode sits 4 bytes into the code, after the 1-byte locals vector.
  const size_t add_at = m.size() - 2;
  char expected[160];
  std::snprintf(expected, sizeof expected,
                "invalid: m.wasm:0x%zx: error: type mismatch in i32.add (func 0): expected "
                "[i32 i32], got [i32 f64]",
                add_at);
  EXPECT_EQ(Check(m), expected);
}

TEST(Validator, ResultCountAtEnd) {
  EXPECT_NE(Check(OneFunction({}, {kI32}, {0x0b})).find("invalid: "), std::string::npos);
  EXPECT_NE(Check(OneFunction({}, {}, {0x41, 0x01, 0x0b})).find("type mismatch in end"),
            std::string::npos);
}

TEST(Validator, UnreachableCodeIsPolymorphic) {
  // unreachable; i32.add; drop  -- operands come from the polymorphic stack
  EXPECT_EQ(Check(OneFunction({}, {}, {0x00, 0x6a, 0x1a, 0x0b})), "ok");
  // unreachable; f32.const; i32.add -- a known f32 still mismatches
  EXPECT_NE(Check(OneFunction({}, {}, {0x00, 0x43, 0, 0, 0, 0, 0x6a, 0x1a, 0x0b}))
                .find("type mismatch in i32.add"),
            std::string::npos);
  // unreachable then a result-typed end: fine; br 0 without the result value: not
  EXPECT_EQ(Check(OneFunction({}, {kI32}, {0x00, 0x0b})), "ok");
  EXPECT_NE(Check(OneFunction({}, {kI32}, {0x0c, 0x00, 0x0b})).find("type mismatch in br"),
            std::string::npos);
}

TEST(Validator, BlocksLabelsAndBrTable) {
  // block (result i32) i32.const 1 br 0 end
  EXPECT_EQ(Check(OneFunction({}, {kI32}, {0x02, kI32, 0x41, 0x01, 0x0c, 0x00, 0x0b, 0x0b})), "ok");
  // br 2 with only one enclosing label
  EXPECT_NE(Check(OneFunction({}, {}, {0x0c, 0x02, 0x0b})).find("unknown label 2"),
            std::string::npos);
  // block (result i32) block  i32.const 0 br_table 0 1  -- arities 0 and 1 differ
  EXPECT_NE(Check(OneFunction({}, {kI32},
                              {0x02, kI32, 0x02, 0x40, 0x41, 0x00, 0x0e, 0x01, 0x00, 0x01, 0x0b,
                               0x41, 0x00, 0x0b, 0x0b}))
                .find("different arities"),
            std::string::npos);
}

TEST(Validator, MultiValueBlockType) {
  // type 0: [] -> [i32 i32]; the function uses it as its own type and as a block type.
  const Bytes m = OneFunction({}, {kI32, kI32}, {0x02, 0x00, 0x41, 0x01, 0x41, 0x02, 0x0b, 0x0b});
  EXPECT_EQ(Check(m), "ok");
  // Unknown type index in a block type.
  EXPECT_NE(Check(OneFunction({}, {}, {0x02, 0x05, 0x0b, 0x0b})).find("unknown type 5"),
            std::string::npos);
}

TEST(Validator, IfWithoutElseNeedsMatchingTypes) {
  // i32.const 1 if (result i32) i32.const 2 end  -- no else to produce the i32
  EXPECT_NE(Check(OneFunction({}, {kI32}, {0x41, 0x01, 0x04, kI32, 0x41, 0x02, 0x0b, 0x0b}))
                .find("invalid"),
            std::string::npos);
}

TEST(Validator, LocalsAndGlobals) {
  EXPECT_NE(Check(OneFunction({}, {}, {0x20, 0x00, 0x1a, 0x0b})).find("unknown local 0"),
            std::string::npos);
  // Declared locals: 2 x i64; local.get 1 is an i64.
  Bytes m = ModuleOf({TypeSection({}, {kI64}), FunctionSection(1),
                      CodeSection({{0x01, 0x02, kI64, 0x20, 0x01, 0x0b}})});
  EXPECT_EQ(Check(m), "ok");
  // global.set of an immutable global.
  Bytes global = Section(6, Bytes{0x01, kI32, 0x00, 0x41, 0x00, 0x0b});
  EXPECT_NE(Check(OneFunction({}, {}, {0x41, 0x00, 0x24, 0x00, 0x0b}, {global}))
                .find("global is immutable"),
            std::string::npos);
}

TEST(Validator, TooManyLocalsIsMalformed) {
  Bytes m = ModuleOf(
      {TypeSection({}, {}), FunctionSection(1),
       CodeSection({Cat({U32(2), U32(0xffffffff), Bytes{kI32}, U32(2), Bytes{kI32, 0x0b}})})});
  EXPECT_NE(Check(m).find("malformed: "), std::string::npos);
  EXPECT_NE(Check(m).find("too many locals"), std::string::npos);
}

TEST(Validator, ManyLocalsUseGroupedLookup) {
  // 100000 i32 locals then 1 f64 local: above the dense limit, still typed correctly.
  Bytes m = ModuleOf({TypeSection({}, {kF64}), FunctionSection(1),
                      CodeSection({Cat({U32(2), U32(100000), Bytes{kI32}, U32(1), Bytes{kF64},
                                        Bytes{0x20}, U32(100000), Bytes{0x0b}})})});
  EXPECT_EQ(Check(m), "ok");
}

TEST(Validator, MemoryRules) {
  // i32.load with no memory.
  EXPECT_NE(
      Check(OneFunction({}, {kI32}, {0x41, 0x00, 0x28, 0x02, 0x00, 0x0b})).find("unknown memory 0"),
      std::string::npos);
  // i32.load align=8 (2^3 > 4).
  EXPECT_NE(Check(OneFunction({}, {kI32}, {0x41, 0x00, 0x28, 0x03, 0x00, 0x0b}, {Memory()}))
                .find("alignment must not be larger than natural"),
            std::string::npos);
  EXPECT_EQ(Check(OneFunction({}, {kI32}, {0x41, 0x00, 0x28, 0x02, 0x00, 0x0b}, {Memory()})), "ok");
  // memory.size with a non-zero memory byte is malformed.
  EXPECT_NE(Check(OneFunction({}, {kI32}, {0x3f, 0x01, 0x0b}, {Memory()})).find("malformed"),
            std::string::npos);
  // Two memories.
  EXPECT_NE(
      Check(ModuleOf({Section(5, Bytes{0x02, 0x00, 0x01, 0x00, 0x01})})).find("multiple memories"),
      std::string::npos);
  EXPECT_NE(Check(ModuleOf({Section(5, Bytes{0x01, 0x00, 0x81, 0x80, 0x04})})).find("65536"),
            std::string::npos);
}

TEST(Validator, MalformedWinsOverInvalid) {
  // Function 0 is invalid (i32.add on nothing); function 1 has an unknown opcode. The spec
  // decodes the whole module first, so the module is malformed.
  Bytes m = ModuleOf({TypeSection({}, {}), FunctionSection(2),
                      CodeSection({{0x00, 0x6a, 0x0b}, {0x00, 0xff, 0x0b}})});
  EXPECT_NE(Check(m).find("malformed: "), std::string::npos);
  EXPECT_NE(Check(m).find("illegal opcode"), std::string::npos);
}

TEST(Validator, BytesAfterFunctionEndAreMalformed) {
  EXPECT_NE(Check(OneFunction({}, {}, {0x0b, 0x01})).find("malformed"), std::string::npos);
  EXPECT_NE(Check(OneFunction({}, {}, {0x01})).find("END opcode expected"), std::string::npos);
}

TEST(Validator, DataCountRequiredWhenDataExists) {
  // memory.init 0 with a data section but no data count section.
  Bytes m = ModuleOf(
      {TypeSection({}, {}), FunctionSection(1), Memory(),
       CodeSection({{0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x00, 0x00, 0x0b}}),
       Section(11, Bytes{0x01, 0x01, 0x00})});
  EXPECT_NE(Check(m).find("malformed: "), std::string::npos);
  EXPECT_NE(Check(m).find("data count section required"), std::string::npos);
}

TEST(Validator, RefFuncMustBeDeclared) {
  Bytes code = {0xd2, 0x00, 0x1a, 0x0b};  // ref.func 0; drop
  EXPECT_NE(Check(OneFunction({}, {}, code)).find("undeclared function reference"),
            std::string::npos);
  Bytes exports = Section(7, Cat({U32(1), Name("f"), Bytes{0x00, 0x00}}));
  EXPECT_EQ(Check(OneFunction({}, {}, code, {exports})), "ok");
}

TEST(Validator, SelectRules) {
  // select on two funcref values needs the typed form.
  Bytes refs = {0xd0, 0x70, 0xd0, 0x70, 0x41, 0x01, 0x1b, 0x1a, 0x0b};
  EXPECT_NE(Check(OneFunction({}, {}, refs)).find("invalid"), std::string::npos);
  Bytes typed = {0xd0, 0x70, 0xd0, 0x70, 0x41, 0x01, 0x1c, 0x01, 0x70, 0x1a, 0x0b};
  EXPECT_EQ(Check(OneFunction({}, {}, typed)), "ok");
}

TEST(Validator, SimdLanesAndShuffle) {
  Bytes v128_zero = {0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  Bytes ok = Cat({v128_zero, Bytes{0xfd, 0x15, 15, 0x0b}});  // i8x16.extract_lane_s 15
  EXPECT_EQ(Check(OneFunction({}, {kI32}, ok)), "ok");
  Bytes bad = Cat({v128_zero, Bytes{0xfd, 0x15, 16, 0x0b}});
  EXPECT_NE(Check(OneFunction({}, {kI32}, bad)).find("invalid lane index"), std::string::npos);
  Bytes shuffle =
      Cat({v128_zero, v128_zero, Bytes{0xfd, 0x0d}, Bytes(15, 0), Bytes{32}, Bytes{0x0b}});
  EXPECT_NE(Check(OneFunction({}, {kV128}, shuffle)).find("invalid lane index"), std::string::npos);
}

TEST(Validator, ConstantExpressions) {
  // A global initialised from a non-constant instruction (i32.ctz).
  Bytes g = Section(6, Bytes{0x01, kI32, 0x00, 0x41, 0x01, 0x68, 0x0b});
  EXPECT_NE(Check(ModuleOf({g})).find("constant expression required"), std::string::npos);
  // i32.add is constant under extended-const (on by default; wasm_features_test.cc has it off).
  Bytes add = Section(6, Bytes{0x01, kI32, 0x00, 0x41, 0x01, 0x41, 0x01, 0x6a, 0x0b});
  EXPECT_EQ(Check(ModuleOf({add})), "ok");
  // ... but must leave exactly one value of the global's type.
  Bytes add64 = Section(6, Bytes{0x01, kI32, 0x00, 0x41, 0x01, 0x42, 0x01, 0x6a, 0x0b});
  EXPECT_NE(Check(ModuleOf({add64})).find("type mismatch"), std::string::npos);
  // global.get of a defined global is not allowed in Wasm 2.0.
  Bytes g2 = Section(6, Bytes{0x02, kI32, 0x00, 0x41, 0x01, 0x0b, kI32, 0x00, 0x23, 0x00, 0x0b});
  EXPECT_NE(Check(ModuleOf({g2})).find("unknown global 0"), std::string::npos);
  // Wrong type.
  Bytes g3 = Section(6, Bytes{0x01, kI64, 0x00, 0x41, 0x01, 0x0b});
  EXPECT_NE(Check(ModuleOf({g3})).find("type mismatch"), std::string::npos);
}

TEST(Validator, StartAndExports) {
  Bytes start = Section(8, Bytes{0x00});
  EXPECT_NE(Check(OneFunction({kI32}, {}, {0x0b}, {start})).find("start function"),
            std::string::npos);
  EXPECT_EQ(Check(OneFunction({}, {}, {0x0b}, {start})), "ok");
  Bytes dup = Section(7, Cat({U32(2), Name("a"), Bytes{0x00, 0x00}, Name("a"), Bytes{0x00, 0x00}}));
  EXPECT_NE(Check(OneFunction({}, {}, {0x0b}, {dup})).find("duplicate export name"),
            std::string::npos);
}

TEST(Opcodes, TableRoundTripsEveryEncoding) {
  int simd = 0, atomic = 0;
  for (int i = 0; i < kNumOps; ++i) {
    const OpInfo& info = GetOpInfo(static_cast<Op>(i));
    Op found;
    ASSERT_TRUE(LookupOp(info.prefix, info.code, &found)) << info.name;
    EXPECT_EQ(static_cast<int>(found), i) << info.name;
    if (info.prefix == 0xfd) ++simd;
    if (info.prefix == 0xfe) ++atomic;
  }
  EXPECT_EQ(simd, 236);   // every Wasm 2.0 SIMD instruction
  EXPECT_EQ(atomic, 67);  // every threads instruction: wait/notify/fence and 64 accesses
  Op op;
  EXPECT_FALSE(LookupOp(0x00, 0x06, &op));
  EXPECT_FALSE(LookupOp(0xfd, 0x9a, &op));
  EXPECT_FALSE(LookupOp(0xfe, 0x04, &op));  // a hole in the threads encodings
  EXPECT_FALSE(LookupOp(0xfe, 0x4f, &op));
  EXPECT_EQ(OpName(Op::kI32Add), "i32.add");
  EXPECT_EQ(NaturalAlignLog2(Op::kI64Load), 3u);
  EXPECT_EQ(LaneCount(Op::kV128Load16Lane), 8u);
}

TEST(OperatorReader, ReadsImmediates) {
  const Bytes code = {0x0e, 0x02, 0x00, 0x01, 0x02,  // br_table 0 1 default 2
                      0x41, 0x7f,                    // i32.const -1
                      0x28, 0x02, 0x10,              // i32.load align=4 offset=16
                      0xfc, 0x0a, 0x00, 0x00};       // memory.copy
  OperatorReader r(code, 100);
  Operator op;
  ASSERT_TRUE(r.Read(&op).ok());
  EXPECT_EQ(op.op, Op::kBrTable);
  EXPECT_EQ(op.offset, 100u);
  EXPECT_EQ(std::vector<uint32_t>(r.br_targets().begin(), r.br_targets().end()),
            (std::vector<uint32_t>{0, 1, 2}));
  ASSERT_TRUE(r.Read(&op).ok());
  EXPECT_EQ(static_cast<int64_t>(op.bits), -1);
  ASSERT_TRUE(r.Read(&op).ok());
  EXPECT_EQ(op.align, 2u);
  EXPECT_EQ(op.mem_offset, 16u);
  ASSERT_TRUE(r.Read(&op).ok());
  EXPECT_EQ(op.op, Op::kMemoryCopy);
  EXPECT_TRUE(r.at_end());
}

// An operator with every field set to a value no reader writes, so a field one reader sets
// and the other leaves alone shows up as a difference.
Operator JunkOperator() {
  Operator op;
  op.op = Op::kI64Popcnt;
  op.offset = op.index = op.index2 = op.align = op.memory = op.memory2 = 77;
  op.mem_offset = op.bits = op.bits_hi = 0x5555;
  op.block.kind = BlockType::Kind::kFuncType;
  op.block.value = ValType::kV128;
  op.block.type_index = 9;
  op.lane = 3;
  op.type = ValType::kExternRef;
  return op;
}

// Every field of two decoded operators agrees (`first` is the opcode byte, for the message).
void ExpectSameOperator(const Operator& a, const Operator& b, int first) {
  EXPECT_EQ(a.op, b.op) << first;
  EXPECT_EQ(a.offset, b.offset) << first;
  EXPECT_EQ(a.index, b.index) << first;
  EXPECT_EQ(a.index2, b.index2) << first;
  EXPECT_EQ(a.align, b.align) << first;
  EXPECT_EQ(a.mem_offset, b.mem_offset) << first;
  EXPECT_EQ(a.memory, b.memory) << first;
  EXPECT_EQ(a.memory2, b.memory2) << first;
  EXPECT_EQ(a.lane, b.lane) << first;
  EXPECT_EQ(a.type, b.type) << first;
  EXPECT_EQ(a.bits, b.bits) << first;
  EXPECT_EQ(a.bits_hi, b.bits_hi) << first;
  EXPECT_EQ(a.block.kind, b.block.kind) << first;
  EXPECT_EQ(a.block.value, b.block.value) << first;
  EXPECT_EQ(a.block.type_index, b.block.type_index) << first;
}

// ReadFast against Read: every first byte, with second and third bytes around the one-byte
// LEB128 and block-type boundaries, whole or cut short, under three feature sets. Whenever
// ReadFast takes an encoding, Read must accept it too, leave every field of the Operator (both
// start from the same junk) the same and stop at the same byte; when it declines, it must not
// have moved.
TEST(OperatorReader, ReadFastAgreesWithRead) {
  const uint8_t kTails[] = {0x00, 0x01, 0x02, 0x3f, 0x40, 0x41, 0x6f, 0x7b,
                            0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0xc0, 0xff};
  const WasmFeatures kFeatures[] = {WasmFeatures::None(), WasmFeatures::Default(),
                                    With(true, true)};
  int taken = 0;
  for (const WasmFeatures& features : kFeatures) {
    for (int first = 0; first < 256; ++first) {
      for (uint8_t b1 : kTails) {
        for (uint8_t b2 : kTails) {
          const Bytes whole = {static_cast<uint8_t>(first), b1, b2, 0x0b};
          for (size_t len = 1; len <= whole.size(); ++len) {
            const std::span<const uint8_t> code(whole.data(), len);
            OperatorReader fast(code, 1000, features), slow(code, 1000, features);
            Operator a = JunkOperator(), b = JunkOperator();
            if (!fast.ReadFast(&a)) {
              EXPECT_EQ(fast.pos(), 0u);
              continue;
            }
            ++taken;
            ASSERT_TRUE(slow.Read(&b).ok()) << first << " " << int{b1} << " " << int{b2};
            EXPECT_EQ(fast.pos(), slow.pos()) << first;
            ExpectSameOperator(a, b, first);
          }
        }
      }
    }
  }
  EXPECT_GT(taken, 10000);  // the fast path is taken, so the comparison means something
}

// ReadFast's longer immediates (ReadFastLonger) against Read: every first byte followed by
// LEB128s of one to six bytes whose bytes come from the continuation and last-byte boundaries
// (a fifth byte with the unused bits of a u32 or s32 clear, set or sign copies), and raw float
// bytes, whole or cut short, under three feature sets. Same contract as above; in addition
// every five-byte encoding Read accepts for an index, a constant or a memarg offset must be
// taken by ReadFast (linkers pad relocated immediates to five bytes).
TEST(OperatorReader, ReadFastLongerAgreesWithRead) {
  const uint8_t kBytes[] = {0x00, 0x01, 0x07, 0x08, 0x0f, 0x10, 0x3f, 0x40,
                            0x70, 0x78, 0x7f, 0x80, 0x81, 0xbf, 0xc0, 0xff};
  const WasmFeatures kFeatures[] = {WasmFeatures::None(), WasmFeatures::Default(),
                                    With(true, true)};
  uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return seed >> 16;
  };
  int taken = 0, taken_five = 0;
  for (const WasmFeatures& features : kFeatures) {
    for (int first = 0; first < 256; ++first) {
      for (int trial = 0; trial < 120; ++trial) {
        // One or two LEB128s (a memarg's alignment byte first, sometimes), then a filler.
        Bytes whole = {static_cast<uint8_t>(first)};
        if (trial % 3 == 0) whole.push_back(static_cast<uint8_t>(next() % 0x48));
        for (int leb = 0; leb < 2; ++leb) {
          const int len = 1 + static_cast<int>(next() % 6);
          for (int i = 0; i < len; ++i) {
            uint8_t b = kBytes[next() % sizeof(kBytes)];
            b = i + 1 < len ? static_cast<uint8_t>(b | 0x80) : static_cast<uint8_t>(b & 0x7f);
            whole.push_back(b);
          }
        }
        for (int i = 0; i < 9; ++i) whole.push_back(static_cast<uint8_t>(next()));
        for (size_t len : {whole.size(), size_t{3} + next() % 6}) {
          const std::span<const uint8_t> code(whole.data(), std::min(len, whole.size()));
          OperatorReader fast(code, 1000, features), slow(code, 1000, features);
          Operator a = JunkOperator(), b = JunkOperator();
          const bool read_ok = slow.Read(&b).ok();
          if (!fast.ReadFast(&a)) {
            EXPECT_EQ(fast.pos(), 0u);
            const ImmKind kind = read_ok ? GetOpInfo(b.op).imm : ImmKind::kNone;
            if (first < 0xfb &&
                (((kind == ImmKind::kIndex || kind == ImmKind::kI32 || kind == ImmKind::kI64) &&
                  slow.pos() <= 6) ||
                 (kind == ImmKind::kMemArg && code[1] < 0x40 && slow.pos() <= 7)))
              ADD_FAILURE() << "ReadFast declined " << first << " of " << code.size();
            continue;
          }
          ++taken;
          if (slow.pos() >= 6) ++taken_five;
          ASSERT_TRUE(read_ok) << first;
          EXPECT_EQ(fast.pos(), slow.pos()) << first;
          ExpectSameOperator(a, b, first);
        }
      }
    }
  }
  EXPECT_GT(taken, 10000);
  EXPECT_GT(taken_five, 1000);
}

TEST(Validator, SeveralMemoriesNeedMultiMemory) {
  const Bytes two = OneFunction({}, {}, {0x0b}, {Section(5, Bytes{0x02, 0x00, 0x01, 0x00, 0x01})});
  EXPECT_EQ(Check(two),
            "invalid: m.wasm:0x0: error: multiple memories (they need "
            "--wasm-features=+multi-memory)");
  EXPECT_EQ(CheckWith(two, kMulti), "ok");
}

TEST(Validator, MemArgMemoryIndexIsChecked) {
  // (memory 1) (memory 1): i32.load with bit 6 set and memory index 1, then index 2.
  const Bytes mems = Section(5, Bytes{0x02, 0x00, 0x01, 0x00, 0x01});
  EXPECT_EQ(
      CheckWith(OneFunction({kI32}, {kI32}, {0x20, 0x00, 0x28, 0x42, 0x01, 0x00, 0x0b}, {mems}),
                kMulti),
      "ok");
  EXPECT_TRUE(StartsWith(
      CheckWith(OneFunction({kI32}, {kI32}, {0x20, 0x00, 0x28, 0x42, 0x02, 0x00, 0x0b}, {mems}),
                kMulti),
      "invalid: m.wasm:0x"));
  EXPECT_NE(
      CheckWith(OneFunction({kI32}, {kI32}, {0x20, 0x00, 0x28, 0x42, 0x02, 0x00, 0x0b}, {mems}),
                kMulti)
          .find("unknown memory 2 in i32.load (func 0)"),
      std::string::npos);
  // Without multi-memory, bit 6 is just an alignment larger than natural.
  EXPECT_NE(Check(OneFunction({kI32}, {kI32}, {0x20, 0x00, 0x28, 0x42, 0x00, 0x0b}, {Memory()}))
                .find("alignment must not be larger than natural"),
            std::string::npos);
}

TEST(Validator, MemoryIndexImmediatesAreLeb128OnlyWithMultiMemory) {
  // memory.size with a long zero (0x80 0x00): the reserved byte must be 0x00 in Wasm 2.0, but is
  // a u32 memory index with multi-memory.
  const Bytes m = OneFunction({}, {kI32}, {0x3f, 0x80, 0x00, 0x0b}, {Memory()});
  EXPECT_TRUE(StartsWith(Check(m), "malformed: "));
  EXPECT_NE(Check(m).find("zero byte expected"), std::string::npos);
  EXPECT_EQ(CheckWith(m, kMulti), "ok");
}

TEST(Validator, Memory64AddressesAreI64) {
  const Bytes mem64 = Section(5, Bytes{0x01, 0x04, 0x01});
  // local.get 0 (i64) i32.load: ok on an i64 memory; an i32 address is a type mismatch.
  EXPECT_EQ(
      CheckWith(OneFunction({kI64}, {kI32}, {0x20, 0x00, 0x28, 0x02, 0x00, 0x0b}, {mem64}), k64),
      "ok");
  EXPECT_NE(
      CheckWith(OneFunction({kI32}, {kI32}, {0x20, 0x00, 0x28, 0x02, 0x00, 0x0b}, {mem64}), k64)
          .find("type mismatch in i32.load"),
      std::string::npos);
  // memory.size returns i64, memory.grow takes and returns i64.
  EXPECT_EQ(CheckWith(OneFunction({}, {kI64}, {0x3f, 0x00, 0x0b}, {mem64}), k64), "ok");
  EXPECT_EQ(CheckWith(OneFunction({kI64}, {kI64}, {0x20, 0x00, 0x40, 0x00, 0x0b}, {mem64}), k64),
            "ok");
  EXPECT_NE(CheckWith(OneFunction({}, {kI32}, {0x3f, 0x00, 0x0b}, {mem64}), k64).find("mismatch"),
            std::string::npos);
  // A u64 offset (2^32, 0x80 0x80 0x80 0x80 0x10) is fine for i64 memories, invalid for i32 ones
  // and malformed without memory64 (offsets are u32 there).
  const Bytes far = {0x20, 0x00, 0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0b};
  EXPECT_EQ(CheckWith(OneFunction({kI64}, {kI32}, far, {mem64}), k64), "ok");
  EXPECT_NE(
      CheckWith(OneFunction({kI32}, {kI32}, far, {Memory()}), k64).find("offset out of range"),
      std::string::npos);
  EXPECT_TRUE(StartsWith(Check(OneFunction({kI32}, {kI32}, far, {Memory()})), "malformed: "));
  // The limits flag 0x04 is malformed without memory64.
  EXPECT_NE(Check(OneFunction({}, {}, {0x0b}, {mem64})).find("malformed limits flags"),
            std::string::npos);
}

TEST(Validator, Memory64LimitsAndDataOffsets) {
  // Up to 2^48 pages: 2^48 is 0x80 0x80 0x80 0x80 0x80 0x80 0x40 in LEB128.
  const Bytes max48 = {0x01, 0x05, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40};
  EXPECT_EQ(CheckWith(OneFunction({}, {}, {0x0b}, {Section(5, max48)}), k64), "ok");
  const Bytes over = {0x01, 0x05, 0x00, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40};
  EXPECT_NE(
      CheckWith(OneFunction({}, {}, {0x0b}, {Section(5, over)}), k64).find("at most 2^48 pages"),
      std::string::npos);
  // An i32 memory's limits are u64 in the binary with memory64, and bounded to 65536 pages.
  const Bytes big32 = {0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10};
  EXPECT_NE(
      CheckWith(OneFunction({}, {}, {0x0b}, {Section(5, big32)}), k64).find("at most 65536 pages"),
      std::string::npos);
  EXPECT_TRUE(StartsWith(Check(OneFunction({}, {}, {0x0b}, {Section(5, big32)})), "malformed: "));
}

TEST(Validator, MemoryCopyBetweenMixedMemoriesTakesAnI32Length) {
  // memory.copy 1 0 (i64 dst in memory 1, i32 src in memory 0): the length is i32.
  // local.get 0 (i64) local.get 1 (i32) local.get 1 (i32) memory.copy 1 0
  const Bytes code = {0x20, 0x00, 0x20, 0x01, 0x20, 0x01, 0xfc, 0x0a, 0x01, 0x00, 0x0b};
  EXPECT_EQ(CheckWith(OneFunction({kI64, kI32}, {}, code, {Mixed()}), kBoth), "ok");
  // The same operands copying 0 <- 1 mismatch (dst must be i32, src i64).
  const Bytes swapped = {0x20, 0x00, 0x20, 0x01, 0x20, 0x01, 0xfc, 0x0a, 0x00, 0x01, 0x0b};
  EXPECT_NE(CheckWith(OneFunction({kI64, kI32}, {}, swapped, {Mixed()}), kBoth)
                .find("type mismatch in memory.copy"),
            std::string::npos);
}

}  // namespace
}  // namespace egret::wasm
