// translate_simd.cc: the Wasm 2.0 SIMD instructions (prefix 0xfd) as IR vector operations.
//
// Canonical type: every Wasm v128 value that crosses a boundary (locals, parameters, results,
// block parameters, globals, select, calls) is IR i8x16. Inside straight-line code an operation's
// result keeps the vector type it was computed in (an i32x4.add leaves an i32x4 on the operand
// stack); the next operation bitcasts it only if it needs another shape (`vbitcast`, free in the
// backends), and values flowing into a boundary are bitcast to i8x16 (CanonicalizeVectors).
//
// Memory: v128.load/store are `load`/`store` of the whole vector, with the scalar accesses' address
// computation and bounds checks (HeapAddress). The other memory forms are composed: load8x8_s =
// load.i64 + vscalar_to_vector.i64x2 + vbitcast.i8x16 + vextend_low_s.i16x8; load_splat = scalar
// load + vsplat; load32/64_zero = scalar load + vscalar_to_vector; load_lane = scalar load +
// vinsertlane; store_lane = vextractlane + narrow store.
#include <cstring>

#include "frontend/translator_internal.h"

namespace egret::wasm {

using ir::Opcode;
using ir::Type;

namespace {

// The IR vector type of each Wasm lane shape.
constexpr Type kI8x16 = Type::kI8x16;
constexpr Type kI16x8 = Type::kI16x8;
constexpr Type kI32x4 = Type::kI32x4;
constexpr Type kI64x2 = Type::kI64x2;
constexpr Type kF32x4 = Type::kF32x4;
constexpr Type kF64x2 = Type::kF64x2;

}  // namespace

ir::Value Translation::AsVector(ir::Value v, Type t) {
  if (b_.func().dfg.ValueType(v) == t) return v;
  return b_.Convert(Opcode::kVbitcast, t, v);
}

void Translation::BitcastTopVectors(size_t n) {
  for (size_t i = values_.size() - n; i < values_.size(); ++i) {
    const Type t = b_.func().dfg.ValueType(values_[i]);
    if (ir::IsVector(t) && t != kI8x16)
      values_[i] = b_.Convert(Opcode::kVbitcast, kI8x16, values_[i]);
  }
}

Status Translation::Simd(const Operator& op) {
  vectors_ = true;
  // Unary and binary lanewise operations of one shape.
  auto unary = [&](Opcode opc, Type t) {
    ir::Value x = PopVector(t);
    Push(b_.Unary(opc, x));
  };
  auto binary = [&](Opcode opc, Type t) {
    ir::Value y = PopVector(t), x = PopVector(t);
    Push(b_.Binary(opc, x, y));
  };
  // Operations whose operands have shape `from` and result shape `to` (ctrl type = `to`).
  auto unary_to = [&](Opcode opc, Type to, Type from) {
    ir::Value x = PopVector(from);
    Push(b_.Convert(opc, to, x));
  };
  auto binary_to = [&](Opcode opc, Type to, Type from) {
    ir::Value y = PopVector(from), x = PopVector(from);
    Push(b_.BinaryTo(opc, to, x, y));
  };
  auto icmp = [&](ir::IntCC cc, Type t) {
    ir::Value y = PopVector(t), x = PopVector(t);
    Push(b_.Vicmp(cc, x, y));
  };
  auto fcmp = [&](ir::FloatCC cc, Type t) {
    ir::Value y = PopVector(t), x = PopVector(t);
    Push(b_.Vfcmp(cc, x, y));
  };
  auto shift = [&](Opcode opc, Type t) {
    ir::Value amount = Pop();
    ir::Value x = PopVector(t);
    Push(b_.Binary(opc, x, amount));
  };
  auto reduce = [&](Opcode opc, Type t) {  // vector -> i32
    ir::Value x = PopVector(t);
    Push(b_.Unary(opc, x));
  };
  auto splat = [&](Type t) { Push(b_.Convert(Opcode::kVsplat, t, Pop())); };
  auto extract = [&](Opcode opc, Type t) {
    ir::Value x = PopVector(t);
    Push(b_.ExtractLane(opc, x, op.lane));
  };
  auto replace = [&](Type t) {
    ir::Value y = Pop();
    ir::Value x = PopVector(t);
    Push(b_.InsertLane(x, y, op.lane));
  };
  using CC = ir::IntCC;
  using FCC = ir::FloatCC;
  switch (op.op) {
    case Op::kV128Const: {
      Push(b_.Vconst(kI8x16, ir::V128{op.bits, op.bits_hi}));
      return Status::Ok();
    }
    case Op::kI8x16Shuffle: {
      uint8_t lanes[16];
      std::memcpy(lanes, &op.bits, 8);
      std::memcpy(lanes + 8, &op.bits_hi, 8);
      ir::Value y = PopVector(kI8x16), x = PopVector(kI8x16);
      Push(b_.Shuffle(x, y, lanes));
      return Status::Ok();
    }
    case Op::kI8x16Swizzle:
      binary(Opcode::kVswizzle, kI8x16);
      return Status::Ok();

    case Op::kI8x16Splat:
      splat(kI8x16);
      return Status::Ok();
    case Op::kI16x8Splat:
      splat(kI16x8);
      return Status::Ok();
    case Op::kI32x4Splat:
      splat(kI32x4);
      return Status::Ok();
    case Op::kI64x2Splat:
      splat(kI64x2);
      return Status::Ok();
    case Op::kF32x4Splat:
      splat(kF32x4);
      return Status::Ok();
    case Op::kF64x2Splat:
      splat(kF64x2);
      return Status::Ok();

    case Op::kI8x16ExtractLaneS:
      extract(Opcode::kVextractlaneS, kI8x16);
      return Status::Ok();
    case Op::kI8x16ExtractLaneU:
      extract(Opcode::kVextractlaneU, kI8x16);
      return Status::Ok();
    case Op::kI16x8ExtractLaneS:
      extract(Opcode::kVextractlaneS, kI16x8);
      return Status::Ok();
    case Op::kI16x8ExtractLaneU:
      extract(Opcode::kVextractlaneU, kI16x8);
      return Status::Ok();
    case Op::kI32x4ExtractLane:
      extract(Opcode::kVextractlane, kI32x4);
      return Status::Ok();
    case Op::kI64x2ExtractLane:
      extract(Opcode::kVextractlane, kI64x2);
      return Status::Ok();
    case Op::kF32x4ExtractLane:
      extract(Opcode::kVextractlane, kF32x4);
      return Status::Ok();
    case Op::kF64x2ExtractLane:
      extract(Opcode::kVextractlane, kF64x2);
      return Status::Ok();
    case Op::kI8x16ReplaceLane:
      replace(kI8x16);
      return Status::Ok();
    case Op::kI16x8ReplaceLane:
      replace(kI16x8);
      return Status::Ok();
    case Op::kI32x4ReplaceLane:
      replace(kI32x4);
      return Status::Ok();
    case Op::kI64x2ReplaceLane:
      replace(kI64x2);
      return Status::Ok();
    case Op::kF32x4ReplaceLane:
      replace(kF32x4);
      return Status::Ok();
    case Op::kF64x2ReplaceLane:
      replace(kF64x2);
      return Status::Ok();

#define EGRET_ICMP_CASES(Shape, T) \
  case Op::k##Shape##Eq:           \
    icmp(CC::kEq, T);              \
    return Status::Ok();           \
  case Op::k##Shape##Ne:           \
    icmp(CC::kNe, T);              \
    return Status::Ok();           \
  case Op::k##Shape##LtS:          \
    icmp(CC::kSlt, T);             \
    return Status::Ok();           \
  case Op::k##Shape##GtS:          \
    icmp(CC::kSgt, T);             \
    return Status::Ok();           \
  case Op::k##Shape##LeS:          \
    icmp(CC::kSle, T);             \
    return Status::Ok();           \
  case Op::k##Shape##GeS:          \
    icmp(CC::kSge, T);             \
    return Status::Ok();
#define EGRET_ICMP_U_CASES(Shape, T) \
  case Op::k##Shape##LtU:            \
    icmp(CC::kUlt, T);               \
    return Status::Ok();             \
  case Op::k##Shape##GtU:            \
    icmp(CC::kUgt, T);               \
    return Status::Ok();             \
  case Op::k##Shape##LeU:            \
    icmp(CC::kUle, T);               \
    return Status::Ok();             \
  case Op::k##Shape##GeU:            \
    icmp(CC::kUge, T);               \
    return Status::Ok();
      EGRET_ICMP_CASES(I8x16, kI8x16)
      EGRET_ICMP_U_CASES(I8x16, kI8x16)
      EGRET_ICMP_CASES(I16x8, kI16x8)
      EGRET_ICMP_U_CASES(I16x8, kI16x8)
      EGRET_ICMP_CASES(I32x4, kI32x4)
      EGRET_ICMP_U_CASES(I32x4, kI32x4)
      EGRET_ICMP_CASES(I64x2, kI64x2)
#undef EGRET_ICMP_CASES
#undef EGRET_ICMP_U_CASES

#define EGRET_FCMP_CASES(Shape, T) \
  case Op::k##Shape##Eq:           \
    fcmp(FCC::kEq, T);             \
    return Status::Ok();           \
  case Op::k##Shape##Ne:           \
    fcmp(FCC::kNe, T);             \
    return Status::Ok();           \
  case Op::k##Shape##Lt:           \
    fcmp(FCC::kLt, T);             \
    return Status::Ok();           \
  case Op::k##Shape##Gt:           \
    fcmp(FCC::kGt, T);             \
    return Status::Ok();           \
  case Op::k##Shape##Le:           \
    fcmp(FCC::kLe, T);             \
    return Status::Ok();           \
  case Op::k##Shape##Ge:           \
    fcmp(FCC::kGe, T);             \
    return Status::Ok();
      EGRET_FCMP_CASES(F32x4, kF32x4)
      EGRET_FCMP_CASES(F64x2, kF64x2)
#undef EGRET_FCMP_CASES

    // Bitwise: any shape; i8x16 is the canonical one.
    case Op::kV128Not:
      unary(Opcode::kVnot, kI8x16);
      return Status::Ok();
    case Op::kV128And:
      binary(Opcode::kVand, kI8x16);
      return Status::Ok();
    case Op::kV128Andnot:
      binary(Opcode::kVandnot, kI8x16);
      return Status::Ok();
    case Op::kV128Or:
      binary(Opcode::kVor, kI8x16);
      return Status::Ok();
    case Op::kV128Xor:
      binary(Opcode::kVxor, kI8x16);
      return Status::Ok();
    case Op::kV128Bitselect: {
      ir::Value c = PopVector(kI8x16), y = PopVector(kI8x16), x = PopVector(kI8x16);
      Push(b_.Vbitselect(c, x, y));
      return Status::Ok();
    }
    case Op::kV128AnyTrue:
      reduce(Opcode::kVanyTrue, kI8x16);
      return Status::Ok();
    case Op::kI8x16AllTrue:
      reduce(Opcode::kValltrue, kI8x16);
      return Status::Ok();
    case Op::kI16x8AllTrue:
      reduce(Opcode::kValltrue, kI16x8);
      return Status::Ok();
    case Op::kI32x4AllTrue:
      reduce(Opcode::kValltrue, kI32x4);
      return Status::Ok();
    case Op::kI64x2AllTrue:
      reduce(Opcode::kValltrue, kI64x2);
      return Status::Ok();
    case Op::kI8x16Bitmask:
      reduce(Opcode::kVbitmask, kI8x16);
      return Status::Ok();
    case Op::kI16x8Bitmask:
      reduce(Opcode::kVbitmask, kI16x8);
      return Status::Ok();
    case Op::kI32x4Bitmask:
      reduce(Opcode::kVbitmask, kI32x4);
      return Status::Ok();
    case Op::kI64x2Bitmask:
      reduce(Opcode::kVbitmask, kI64x2);
      return Status::Ok();

      // Integer lanewise.
#define EGRET_INT_COMMON(Shape, T) \
  case Op::k##Shape##Add:          \
    binary(Opcode::kViadd, T);     \
    return Status::Ok();           \
  case Op::k##Shape##Sub:          \
    binary(Opcode::kVisub, T);     \
    return Status::Ok();           \
  case Op::k##Shape##Neg:          \
    unary(Opcode::kVineg, T);      \
    return Status::Ok();           \
  case Op::k##Shape##Abs:          \
    unary(Opcode::kViabs, T);      \
    return Status::Ok();           \
  case Op::k##Shape##Shl:          \
    shift(Opcode::kVishl, T);      \
    return Status::Ok();           \
  case Op::k##Shape##ShrS:         \
    shift(Opcode::kVsshr, T);      \
    return Status::Ok();           \
  case Op::k##Shape##ShrU:         \
    shift(Opcode::kVushr, T);      \
    return Status::Ok();
      EGRET_INT_COMMON(I8x16, kI8x16)
      EGRET_INT_COMMON(I16x8, kI16x8)
      EGRET_INT_COMMON(I32x4, kI32x4)
      EGRET_INT_COMMON(I64x2, kI64x2)
#undef EGRET_INT_COMMON
    case Op::kI16x8Mul:
      binary(Opcode::kVimul, kI16x8);
      return Status::Ok();
    case Op::kI32x4Mul:
      binary(Opcode::kVimul, kI32x4);
      return Status::Ok();
    case Op::kI64x2Mul:
      binary(Opcode::kVimul, kI64x2);
      return Status::Ok();
#define EGRET_SAT_MINMAX(Shape, T) \
  case Op::k##Shape##AddSatS:      \
    binary(Opcode::kVsaddSat, T);  \
    return Status::Ok();           \
  case Op::k##Shape##AddSatU:      \
    binary(Opcode::kVuaddSat, T);  \
    return Status::Ok();           \
  case Op::k##Shape##SubSatS:      \
    binary(Opcode::kVssubSat, T);  \
    return Status::Ok();           \
  case Op::k##Shape##SubSatU:      \
    binary(Opcode::kVusubSat, T);  \
    return Status::Ok();           \
  case Op::k##Shape##AvgrU:        \
    binary(Opcode::kVavgrU, T);    \
    return Status::Ok();
      EGRET_SAT_MINMAX(I8x16, kI8x16)
      EGRET_SAT_MINMAX(I16x8, kI16x8)
#undef EGRET_SAT_MINMAX
#define EGRET_MINMAX(Shape, T) \
  case Op::k##Shape##MinS:     \
    binary(Opcode::kVsmin, T); \
    return Status::Ok();       \
  case Op::k##Shape##MinU:     \
    binary(Opcode::kVumin, T); \
    return Status::Ok();       \
  case Op::k##Shape##MaxS:     \
    binary(Opcode::kVsmax, T); \
    return Status::Ok();       \
  case Op::k##Shape##MaxU:     \
    binary(Opcode::kVumax, T); \
    return Status::Ok();
      EGRET_MINMAX(I8x16, kI8x16)
      EGRET_MINMAX(I16x8, kI16x8)
      EGRET_MINMAX(I32x4, kI32x4)
#undef EGRET_MINMAX
    case Op::kI8x16Popcnt:
      unary(Opcode::kVpopcnt, kI8x16);
      return Status::Ok();
    case Op::kI16x8Q15mulrSatS:
      binary(Opcode::kVq15mulrSatS, kI16x8);
      return Status::Ok();

      // Float lanewise.
#define EGRET_FLOAT(Shape, T)     \
  case Op::k##Shape##Add:         \
    binary(Opcode::kVfadd, T);    \
    return Status::Ok();          \
  case Op::k##Shape##Sub:         \
    binary(Opcode::kVfsub, T);    \
    return Status::Ok();          \
  case Op::k##Shape##Mul:         \
    binary(Opcode::kVfmul, T);    \
    return Status::Ok();          \
  case Op::k##Shape##Div:         \
    binary(Opcode::kVfdiv, T);    \
    return Status::Ok();          \
  case Op::k##Shape##Min:         \
    binary(Opcode::kVfmin, T);    \
    return Status::Ok();          \
  case Op::k##Shape##Max:         \
    binary(Opcode::kVfmax, T);    \
    return Status::Ok();          \
  case Op::k##Shape##Pmin:        \
    binary(Opcode::kVfpmin, T);   \
    return Status::Ok();          \
  case Op::k##Shape##Pmax:        \
    binary(Opcode::kVfpmax, T);   \
    return Status::Ok();          \
  case Op::k##Shape##Abs:         \
    unary(Opcode::kVfabs, T);     \
    return Status::Ok();          \
  case Op::k##Shape##Neg:         \
    unary(Opcode::kVfneg, T);     \
    return Status::Ok();          \
  case Op::k##Shape##Sqrt:        \
    unary(Opcode::kVfsqrt, T);    \
    return Status::Ok();          \
  case Op::k##Shape##Ceil:        \
    unary(Opcode::kVfceil, T);    \
    return Status::Ok();          \
  case Op::k##Shape##Floor:       \
    unary(Opcode::kVffloor, T);   \
    return Status::Ok();          \
  case Op::k##Shape##Trunc:       \
    unary(Opcode::kVftrunc, T);   \
    return Status::Ok();          \
  case Op::k##Shape##Nearest:     \
    unary(Opcode::kVfnearest, T); \
    return Status::Ok();
      EGRET_FLOAT(F32x4, kF32x4)
      EGRET_FLOAT(F64x2, kF64x2)
#undef EGRET_FLOAT

    // Widening and narrowing (ctrl type = result type).
    case Op::kI8x16NarrowI16x8S:
      binary_to(Opcode::kVnarrowS, kI8x16, kI16x8);
      return Status::Ok();
    case Op::kI8x16NarrowI16x8U:
      binary_to(Opcode::kVnarrowU, kI8x16, kI16x8);
      return Status::Ok();
    case Op::kI16x8NarrowI32x4S:
      binary_to(Opcode::kVnarrowS, kI16x8, kI32x4);
      return Status::Ok();
    case Op::kI16x8NarrowI32x4U:
      binary_to(Opcode::kVnarrowU, kI16x8, kI32x4);
      return Status::Ok();
#define EGRET_EXTEND(To, From, ToT, FromT)        \
  case Op::k##To##ExtendLow##From##S:             \
    unary_to(Opcode::kVextendLowS, ToT, FromT);   \
    return Status::Ok();                          \
  case Op::k##To##ExtendLow##From##U:             \
    unary_to(Opcode::kVextendLowU, ToT, FromT);   \
    return Status::Ok();                          \
  case Op::k##To##ExtendHigh##From##S:            \
    unary_to(Opcode::kVextendHighS, ToT, FromT);  \
    return Status::Ok();                          \
  case Op::k##To##ExtendHigh##From##U:            \
    unary_to(Opcode::kVextendHighU, ToT, FromT);  \
    return Status::Ok();                          \
  case Op::k##To##ExtmulLow##From##S:             \
    binary_to(Opcode::kVextmulLowS, ToT, FromT);  \
    return Status::Ok();                          \
  case Op::k##To##ExtmulLow##From##U:             \
    binary_to(Opcode::kVextmulLowU, ToT, FromT);  \
    return Status::Ok();                          \
  case Op::k##To##ExtmulHigh##From##S:            \
    binary_to(Opcode::kVextmulHighS, ToT, FromT); \
    return Status::Ok();                          \
  case Op::k##To##ExtmulHigh##From##U:            \
    binary_to(Opcode::kVextmulHighU, ToT, FromT); \
    return Status::Ok();
      EGRET_EXTEND(I16x8, I8x16, kI16x8, kI8x16)
      EGRET_EXTEND(I32x4, I16x8, kI32x4, kI16x8)
      EGRET_EXTEND(I64x2, I32x4, kI64x2, kI32x4)
#undef EGRET_EXTEND
    case Op::kI16x8ExtaddPairwiseI8x16S:
      unary_to(Opcode::kVextaddPairwiseS, kI16x8, kI8x16);
      return Status::Ok();
    case Op::kI16x8ExtaddPairwiseI8x16U:
      unary_to(Opcode::kVextaddPairwiseU, kI16x8, kI8x16);
      return Status::Ok();
    case Op::kI32x4ExtaddPairwiseI16x8S:
      unary_to(Opcode::kVextaddPairwiseS, kI32x4, kI16x8);
      return Status::Ok();
    case Op::kI32x4ExtaddPairwiseI16x8U:
      unary_to(Opcode::kVextaddPairwiseU, kI32x4, kI16x8);
      return Status::Ok();
    case Op::kI32x4DotI16x8S:
      binary_to(Opcode::kVdotS, kI32x4, kI16x8);
      return Status::Ok();

    // Conversions (ctrl type = result type).
    case Op::kF32x4ConvertI32x4S:
      unary_to(Opcode::kVfcvtFromSint, kF32x4, kI32x4);
      return Status::Ok();
    case Op::kF32x4ConvertI32x4U:
      unary_to(Opcode::kVfcvtFromUint, kF32x4, kI32x4);
      return Status::Ok();
    case Op::kF64x2ConvertLowI32x4S:
      unary_to(Opcode::kVfcvtLowFromSint, kF64x2, kI32x4);
      return Status::Ok();
    case Op::kF64x2ConvertLowI32x4U:
      unary_to(Opcode::kVfcvtLowFromUint, kF64x2, kI32x4);
      return Status::Ok();
    case Op::kI32x4TruncSatF32x4S:
      unary_to(Opcode::kVtruncSatS, kI32x4, kF32x4);
      return Status::Ok();
    case Op::kI32x4TruncSatF32x4U:
      unary_to(Opcode::kVtruncSatU, kI32x4, kF32x4);
      return Status::Ok();
    case Op::kI32x4TruncSatF64x2SZero:
      unary_to(Opcode::kVtruncSatZeroS, kI32x4, kF64x2);
      return Status::Ok();
    case Op::kI32x4TruncSatF64x2UZero:
      unary_to(Opcode::kVtruncSatZeroU, kI32x4, kF64x2);
      return Status::Ok();
    case Op::kF32x4DemoteF64x2Zero:
      unary_to(Opcode::kVdemoteZero, kF32x4, kF64x2);
      return Status::Ok();
    case Op::kF64x2PromoteLowF32x4:
      unary_to(Opcode::kVpromoteLow, kF64x2, kF32x4);
      return Status::Ok();

    default:
      break;
  }
  return SimdMemory(op);
}

// The SIMD memory instructions. Every access computes its address and bounds check exactly as
// the scalar loads do (HeapAddress with the access's width).
Status Translation::SimdMemory(const Operator& op) {
  const Type i32 = Type::kI32, i64 = Type::kI64;
  struct Scalar {
    Opcode load;  // the scalar load of the memory part
    Type type;    // its result type
    uint32_t bytes;
  };
  auto load = [&](const Scalar& s, ir::Value index) {
    int32_t offset = 0;
    bool checked = false;
    ir::Value addr = HeapAddress(op, index, s.bytes, &offset, &checked);
    ir::MemFlags flags = ir::MemFlags{}.With(ir::MemFlags::kHeap);
    if (checked) flags = flags.With(ir::MemFlags::kNotrap);
    return b_.Load(s.load, s.type, flags, addr, offset, TrapCode::kHeapOutOfBounds);
  };
  auto store = [&](Opcode opc, uint32_t bytes, ir::Value value, ir::Value index) {
    int32_t offset = 0;
    bool checked = false;
    ir::Value addr = HeapAddress(op, index, bytes, &offset, &checked);
    ir::MemFlags flags = ir::MemFlags{}.With(ir::MemFlags::kHeap);
    if (checked) flags = flags.With(ir::MemFlags::kNotrap);
    b_.Store(opc, flags, value, addr, offset, TrapCode::kHeapOutOfBounds);
  };
  // load8x8_s etc.: 8 bytes into the low half, then a widening of the low lanes.
  auto load_extend = [&](Opcode extend, Type to) {
    ir::Value bits = load({Opcode::kLoad, i64, 8}, Pop());
    ir::Value v = b_.Convert(Opcode::kVscalarToVector, kI64x2, bits);
    const Type from = to == kI16x8 ? kI8x16 : to == kI32x4 ? kI16x8 : kI32x4;
    Push(b_.Convert(extend, to, AsVector(v, from)));
  };
  auto load_splat = [&](Opcode opc, Type scalar, uint32_t bytes, Type t) {
    ir::Value x = load({opc, scalar, bytes}, Pop());
    Push(b_.Convert(Opcode::kVsplat, t, x));
  };
  auto load_lane = [&](Opcode opc, Type scalar, uint32_t bytes, Type t) {
    ir::Value v = PopVector(t);
    ir::Value x = load({opc, scalar, bytes}, Pop());
    Push(b_.InsertLane(v, x, op.lane));
  };
  auto store_lane = [&](Opcode opc, Type t, uint32_t bytes) {
    ir::Value v = PopVector(t);
    ir::Value index = Pop();
    const Opcode extract =
        t == kI8x16 || t == kI16x8 ? Opcode::kVextractlaneU : Opcode::kVextractlane;
    ir::Value lane = b_.ExtractLane(extract, v, op.lane);
    store(opc, bytes, lane, index);
  };
  switch (op.op) {
    case Op::kV128Load:
      Push(load({Opcode::kLoad, kI8x16, 16}, Pop()));
      return Status::Ok();
    case Op::kV128Store: {
      ir::Value v = PopVector(kI8x16);
      store(Opcode::kStore, 16, v, Pop());
      return Status::Ok();
    }
    case Op::kV128Load8x8S:
      load_extend(Opcode::kVextendLowS, kI16x8);
      return Status::Ok();
    case Op::kV128Load8x8U:
      load_extend(Opcode::kVextendLowU, kI16x8);
      return Status::Ok();
    case Op::kV128Load16x4S:
      load_extend(Opcode::kVextendLowS, kI32x4);
      return Status::Ok();
    case Op::kV128Load16x4U:
      load_extend(Opcode::kVextendLowU, kI32x4);
      return Status::Ok();
    case Op::kV128Load32x2S:
      load_extend(Opcode::kVextendLowS, kI64x2);
      return Status::Ok();
    case Op::kV128Load32x2U:
      load_extend(Opcode::kVextendLowU, kI64x2);
      return Status::Ok();
    case Op::kV128Load8Splat:
      load_splat(Opcode::kUload8, i32, 1, kI8x16);
      return Status::Ok();
    case Op::kV128Load16Splat:
      load_splat(Opcode::kUload16, i32, 2, kI16x8);
      return Status::Ok();
    case Op::kV128Load32Splat:
      load_splat(Opcode::kLoad, i32, 4, kI32x4);
      return Status::Ok();
    case Op::kV128Load64Splat:
      load_splat(Opcode::kLoad, i64, 8, kI64x2);
      return Status::Ok();
    case Op::kV128Load32Zero:
      Push(b_.Convert(Opcode::kVscalarToVector, kI32x4, load({Opcode::kLoad, i32, 4}, Pop())));
      return Status::Ok();
    case Op::kV128Load64Zero:
      Push(b_.Convert(Opcode::kVscalarToVector, kI64x2, load({Opcode::kLoad, i64, 8}, Pop())));
      return Status::Ok();
    case Op::kV128Load8Lane:
      load_lane(Opcode::kUload8, i32, 1, kI8x16);
      return Status::Ok();
    case Op::kV128Load16Lane:
      load_lane(Opcode::kUload16, i32, 2, kI16x8);
      return Status::Ok();
    case Op::kV128Load32Lane:
      load_lane(Opcode::kLoad, i32, 4, kI32x4);
      return Status::Ok();
    case Op::kV128Load64Lane:
      load_lane(Opcode::kLoad, i64, 8, kI64x2);
      return Status::Ok();
    case Op::kV128Store8Lane:
      store_lane(Opcode::kIstore8, kI8x16, 1);
      return Status::Ok();
    case Op::kV128Store16Lane:
      store_lane(Opcode::kIstore16, kI16x8, 2);
      return Status::Ok();
    case Op::kV128Store32Lane:
      store_lane(Opcode::kStore, kI32x4, 4);
      return Status::Ok();
    case Op::kV128Store64Lane:
      store_lane(Opcode::kStore, kI64x2, 8);
      return Status::Ok();
    default:
      break;
  }
  // Every SIMD operator of Wasm 2.0 is handled above; the decoder knows no others.
  return Unsupported(op.offset, "SIMD instruction " + std::string(OpName(op.op)));
}

}  // namespace egret::wasm
