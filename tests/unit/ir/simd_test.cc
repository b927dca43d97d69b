// simd_test.cc: the vector types, the SIMD part of the opcode table and its typing rules
// (ir/simd.h), the DFG's constant table, and every vector op at every shape through the builder,
// the verifier, the printer and the parser.
#include "ir/simd.h"

#include <gtest/gtest.h>

#include <bit>
#include <string>

#include "ir/builder.h"
#include "ir/interpreter.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace egret::ir {
namespace {

constexpr Type kVectors[] = {Type::kI8x16, Type::kI16x8, Type::kI32x4,
                             Type::kI64x2, Type::kF32x4, Type::kF64x2};

TEST(VectorTypes, NamesLanesAndClasses) {
  const char* names[] = {"i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2"};
  const Type lanes[] = {Type::kI8, Type::kI16, Type::kI32, Type::kI64, Type::kF32, Type::kF64};
  const uint32_t counts[] = {16, 8, 4, 2, 4, 2};
  for (int k = 0; k < 6; ++k) {
    const Type t = kVectors[k];
    EXPECT_EQ(TypeName(t), names[k]);
    EXPECT_EQ(ParseType(names[k]), t);
    EXPECT_TRUE(IsVector(t));
    EXPECT_FALSE(IsInt(t));
    EXPECT_FALSE(IsFloat(t));
    EXPECT_FALSE(IsScalar(t));
    EXPECT_EQ(IsIntVector(t), k < 4);
    EXPECT_EQ(IsFloatVector(t), k >= 4);
    EXPECT_EQ(TypeBits(t), 128u);
    EXPECT_EQ(TypeBytes(t), 16u);
    EXPECT_EQ(LaneType(t), lanes[k]);
    EXPECT_EQ(LaneCount(t), counts[k]);
    EXPECT_EQ(LaneCount(t) * TypeBits(LaneType(t)), 128u);
    EXPECT_EQ(VectorOf(lanes[k]), t);
    EXPECT_EQ(LaneScalarType(t), k < 2 ? Type::kI32 : lanes[k]);
    EXPECT_EQ(TypeBits(LaneType(IntVectorOf(t))), TypeBits(LaneType(t)));
    EXPECT_TRUE(IsIntVector(IntVectorOf(t)));
  }
  for (Type t : {Type::kI8, Type::kI16, Type::kI32, Type::kI64, Type::kF32, Type::kF64}) {
    EXPECT_FALSE(IsVector(t));
    EXPECT_TRUE(IsScalar(t));
    EXPECT_EQ(LaneType(t), Type::kInvalid);
    EXPECT_EQ(LaneCount(t), 0u);
  }
  EXPECT_FALSE(ParseType("v128"));
  EXPECT_FALSE(IsScalar(Type::kInvalid));
}

TEST(V128, LanesAreLittleEndian) {
  V128 v;
  for (uint32_t k = 0; k < 16; ++k) v.SetLane(8, k, k + 1);
  EXPECT_EQ(v.lo, 0x0807060504030201u);
  EXPECT_EQ(v.hi, 0x100f0e0d0c0b0a09u);
  EXPECT_EQ(v.Lane(16, 1), 0x0403u);
  EXPECT_EQ(v.Lane(32, 3), 0x100f0e0du);
  EXPECT_EQ(v.Lane(64, 1), 0x100f0e0d0c0b0a09u);
  EXPECT_EQ(v.Byte(9), 10);
  v.SetLane(16, 4, 0x1ffff);  // truncated to the lane
  EXPECT_EQ(v.Lane(16, 4), 0xffffu);
  EXPECT_EQ(v.Lane(8, 7), 8u);
  EXPECT_EQ(v.Lane(8, 10), 11u);
  v.SetLane(64, 0, ~uint64_t{0});
  EXPECT_EQ(v.lo, ~uint64_t{0});
}

TEST(OpcodeTable, VectorOpsAreFlaggedAndTyped) {
  int vector_ops = 0;
  for (int k = 0; k < kNumOpcodes; ++k) {
    const Opcode op = static_cast<Opcode>(k);
    const OpcodeInfo& info = Info(op);
    if (!info.Has(kVector)) {
      EXPECT_EQ(VectorShapes(op), 0) << info.name;
      continue;
    }
    ++vector_ops;
    EXPECT_TRUE(info.Has(kPure)) << info.name;
    EXPECT_FALSE(info.Has(kCanTrap) || info.Has(kReadsMem) || info.Has(kWritesMem)) << info.name;
    EXPECT_EQ(ParseOpcode(info.name), op);
    EXPECT_NE(VectorShapes(op), 0) << info.name;
  }
  EXPECT_EQ(vector_ops, 78);  // docs/ir.md lists each one
}

// One function computing `op` at `shape` on parameters of the signature's operand types.
Function BuildOp(Opcode op, Type shape) {
  const VectorOpTypes sig = VectorSignature(op, shape);
  Signature fsig;
  for (uint32_t k = 0; k < sig.num_args; ++k)
    fsig.params.push_back(sig.args[k] == Type::kInvalid ? Type::kF64x2 : sig.args[k]);
  fsig.results.push_back(sig.result);
  Function f("f", fsig);
  FunctionBuilder b(f);
  const Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  std::vector<Value> params;
  for (Type t : fsig.params) params.push_back(b.AppendBlockParam(entry, t));
  b.SealBlock(entry);
  InstData d;
  d.opcode = op;
  if (HasCtrlTypeSuffix(op)) d.type = shape;
  for (size_t k = 0; k < params.size(); ++k) d.args[k] = params[k];
  switch (Info(op).format) {
    case InstFormat::kVconst: {
      V128 c;
      for (uint32_t k = 0; k < 16; ++k) c.SetLane(8, k, 0x80 + 7 * k);
      d.ref = f.dfg.AddConstant(c);
      break;
    }
    case InstFormat::kShuffle: {
      V128 mask;
      for (uint32_t k = 0; k < 16; ++k) mask.SetLane(8, k, (5 * k + 3) % 32);
      d.ref = f.dfg.AddConstant(mask);
      break;
    }
    case InstFormat::kExtractLane:
    case InstFormat::kInsertLane:
      d.imm = LaneCount(shape) - 1;
      break;
    case InstFormat::kIntCompare:
      d.cond = static_cast<uint8_t>(IntCC::kSge);
      break;
    case InstFormat::kFloatCompare:
      d.cond = static_cast<uint8_t>(FloatCC::kUno);
      break;
    default:
      break;
  }
  const Inst i = b.Build(d);
  b.Return({b.Results(i)[0]});
  b.Finalize();
  return f;
}

TEST(OpcodeTable, EveryOpAtEveryShapeVerifiesRoundTripsAndRuns) {
  int combos = 0;
  for (int k = 0; k < kNumOpcodes; ++k) {
    const Opcode op = static_cast<Opcode>(k);
    if (!IsVectorOp(op)) continue;
    for (Type shape : kVectors) {
      SCOPED_TRACE(std::string(OpcodeName(op)) + " " + std::string(TypeName(shape)));
      if (!ShapeSetHas(VectorShapes(op), shape)) continue;
      ++combos;
      const Function f = BuildOp(op, shape);
      // The DFG's typing rule and simd.h agree on the result type.
      const Inst i = f.layout.FirstInst(f.EntryBlock());
      EXPECT_EQ(f.dfg.SingleResultType(i), VectorSignature(op, shape).result);
      ASSERT_TRUE(Verify(f).ok()) << Verify(f).error().message;
      const std::string text = PrintFunction(f);
      auto m = ParseModule(text, "t.eir");
      ASSERT_TRUE(m.ok()) << m.error().ToString() << "\n" << text;
      EXPECT_EQ(PrintModule(*m), text);
      ASSERT_TRUE(Verify(m->functions[0]).ok());
      // The interpreter runs it on zero arguments.
      std::vector<DataValue> args;
      for (Type t : f.signature.params) args.push_back(DataValue{t, 0, 0});
      Interpreter interp(*m);
      const InterpResult r = interp.Call("f", args);
      EXPECT_EQ(r.kind, InterpResult::Kind::kReturned) << r.error;
    }
  }
  EXPECT_GT(combos, 150);
}

TEST(OpcodeTable, ShapesOutsideTheSetAreRejected) {
  // vimul has no i8x16 form, vavgr_u no i32x4 form, vpopcnt only i8x16.
  for (auto [op, shape] :
       {std::pair{Opcode::kVimul, Type::kI8x16}, std::pair{Opcode::kVavgrU, Type::kI32x4},
        std::pair{Opcode::kVpopcnt, Type::kI16x8}, std::pair{Opcode::kViadd, Type::kF32x4}}) {
    EXPECT_FALSE(ShapeSetHas(VectorShapes(op), shape));
    Function f("f", {{shape, shape}, {shape}});
    FunctionBuilder b(f);
    const Block entry = b.CreateBlock();
    b.SwitchToBlock(entry);
    const Value x = b.AppendBlockParam(entry, shape), y = b.AppendBlockParam(entry, shape);
    b.SealBlock(entry);
    const Value r = Info(op).format == InstFormat::kUnary ? b.Unary(op, x) : b.Binary(op, x, y);
    b.Return({r});
    b.Finalize();
    const Status st = Verify(f);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("shapes"), std::string::npos) << st.error().message;
  }
}

TEST(ConstantTable, InternsEqualBits) {
  DataFlowGraph dfg;
  const uint32_t a = dfg.AddConstant(V128{1, 2});
  const uint32_t b = dfg.AddConstant(V128{2, 1});
  EXPECT_NE(a, b);
  EXPECT_EQ(dfg.AddConstant(V128{1, 2}), a);
  EXPECT_EQ(dfg.AddConstant(V128{2, 1}), b);
  // Many constants: the table grows and every one is still found at its index.
  for (uint64_t k = 0; k < 5000; ++k) dfg.AddConstant(V128{k * 0x9e3779b97f4a7c15, k});
  EXPECT_EQ(dfg.NumConstants(), 5002u);
  for (uint64_t k = 0; k < 5000; ++k) {
    const uint32_t idx = dfg.AddConstant(V128{k * 0x9e3779b97f4a7c15, k});
    EXPECT_EQ(dfg.constant(idx), (V128{k * 0x9e3779b97f4a7c15, k}));
  }
  EXPECT_EQ(dfg.NumConstants(), 5002u);
  EXPECT_EQ(dfg.AddConstant(V128{1, 2}), a);
  // A copy keeps the table and its index.
  DataFlowGraph copy = dfg;
  EXPECT_EQ(copy.AddConstant(V128{2, 1}), b);
  EXPECT_EQ(copy.AddConstant(V128{7, 7}), 5002u);
  EXPECT_FALSE(copy.IsValidConstant(5003));
}

TEST(Builder, VectorHelpersBuildVerifiedCode) {
  Function f("f", {{Type::kI8x16, Type::kI32}, {Type::kI32x4}});
  FunctionBuilder b(f);
  const Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  const Value v = b.AppendBlockParam(entry, Type::kI8x16);
  const Value x = b.AppendBlockParam(entry, Type::kI32);
  b.SealBlock(entry);
  const uint8_t lanes[16] = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23};
  const Value s = b.Shuffle(v, v, lanes);
  const Value w = b.Convert(Opcode::kVextendLowS, Type::kI16x8, s);
  const Value n = b.BinaryTo(Opcode::kVnarrowU, Type::kI8x16, w, w);
  const Value e = b.ExtractLane(Opcode::kVextractlaneU, n, 15);
  const Value v32 = b.Convert(Opcode::kVbitcast, Type::kI32x4, n);
  const Value ins = b.InsertLane(v32, b.Binary(Opcode::kIadd, e, x), 1);
  const Value c = b.Vconst(Type::kI32x4, V128{0x100000001, 0});
  const Value cmp = b.Vicmp(IntCC::kUgt, ins, c);
  const Value sel = b.Vbitselect(cmp, ins, c);
  const Value f32 = b.Convert(Opcode::kVfcvtFromSint, Type::kF32x4, sel);
  const Value fc = b.Vfcmp(FloatCC::kLt, f32, f32);
  b.Return({b.Binary(Opcode::kViadd, fc, sel)});
  b.Finalize();
  ASSERT_TRUE(Verify(f).ok()) << Verify(f).error().message << PrintFunction(f);
  EXPECT_NE(PrintFunction(f).find("vshuffle v0, v0, [0 16 1 17"), std::string::npos);
}

TEST(Builder, VectorVariablesStartAsZeroVectors) {
  // A Wasm v128 local read before any write is the zero vector (vconst of zeros).
  Function f("f", {{}, {Type::kI8x16}});
  FunctionBuilder b(f);
  const Variable var = b.DeclareVar(Type::kI8x16);
  const Block entry = b.CreateBlock();
  b.SwitchToBlock(entry);
  b.SealBlock(entry);
  b.Return({b.UseVar(var)});
  b.Finalize();
  ASSERT_TRUE(Verify(f).ok());
  Module m;
  m.functions.push_back(f);
  Interpreter interp(m);
  const InterpResult r = interp.Call("f", {});
  ASSERT_EQ(r.values.size(), 1u);
  EXPECT_EQ(r.values[0], DataValue::Vector(Type::kI8x16, V128{}));
}

}  // namespace
}  // namespace egret::ir
