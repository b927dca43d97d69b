// simd.cc: shapes and operand types of the SIMD opcodes (see simd.h).
#include "ir/simd.h"

#include <initializer_list>

namespace egret::ir {
namespace {

constexpr ShapeSet kAllShapes = 0x3f;
constexpr ShapeSet kIntShapes = ShapeBit(Type::kI8x16) | ShapeBit(Type::kI16x8) |
                                ShapeBit(Type::kI32x4) | ShapeBit(Type::kI64x2);
constexpr ShapeSet kFloatShapes = ShapeBit(Type::kF32x4) | ShapeBit(Type::kF64x2);
constexpr ShapeSet kNarrowInt = ShapeBit(Type::kI8x16) | ShapeBit(Type::kI16x8);
constexpr ShapeSet kWideLanes = ShapeBit(Type::kI32x4) | ShapeBit(Type::kI64x2) | kFloatShapes;
constexpr ShapeSet kWidened =
    ShapeBit(Type::kI16x8) | ShapeBit(Type::kI32x4) | ShapeBit(Type::kI64x2);

// The integer vector type with lanes half (or twice) as wide as shape's.
Type Narrower(Type shape) { return VectorOf(IntTypeOfWidth(TypeBits(LaneType(shape)) / 2)); }
Type Wider(Type shape) { return VectorOf(IntTypeOfWidth(TypeBits(LaneType(shape)) * 2)); }

}  // namespace

ShapeSet VectorShapes(Opcode op) {
  switch (op) {
    case Opcode::kVconst:
    case Opcode::kVbitcast:
    case Opcode::kVsplat:
    case Opcode::kVinsertlane:
    case Opcode::kVand:
    case Opcode::kVor:
    case Opcode::kVxor:
    case Opcode::kVandnot:
    case Opcode::kVnot:
    case Opcode::kVbitselect:
    case Opcode::kVanyTrue:
      return kAllShapes;
    case Opcode::kVscalarToVector:
    case Opcode::kVextractlane:
      return kWideLanes;
    case Opcode::kVextractlaneS:
    case Opcode::kVextractlaneU:
    case Opcode::kVsaddSat:
    case Opcode::kVuaddSat:
    case Opcode::kVssubSat:
    case Opcode::kVusubSat:
    case Opcode::kVavgrU:
      return kNarrowInt;
    case Opcode::kVshuffle:
    case Opcode::kVswizzle:
    case Opcode::kVpopcnt:
      return ShapeBit(Type::kI8x16);
    case Opcode::kValltrue:
    case Opcode::kVbitmask:
    case Opcode::kViadd:
    case Opcode::kVisub:
    case Opcode::kVineg:
    case Opcode::kViabs:
    case Opcode::kVishl:
    case Opcode::kVushr:
    case Opcode::kVsshr:
    case Opcode::kVicmp:
      return kIntShapes;
    case Opcode::kVimul:
      return kWidened;
    case Opcode::kVsmin:
    case Opcode::kVumin:
    case Opcode::kVsmax:
    case Opcode::kVumax:
      return kNarrowInt | ShapeBit(Type::kI32x4);
    case Opcode::kVq15mulrSatS:
      return ShapeBit(Type::kI16x8);
    case Opcode::kVfadd:
    case Opcode::kVfsub:
    case Opcode::kVfmul:
    case Opcode::kVfdiv:
    case Opcode::kVfmin:
    case Opcode::kVfmax:
    case Opcode::kVfpmin:
    case Opcode::kVfpmax:
    case Opcode::kVfabs:
    case Opcode::kVfneg:
    case Opcode::kVfsqrt:
    case Opcode::kVfceil:
    case Opcode::kVffloor:
    case Opcode::kVftrunc:
    case Opcode::kVfnearest:
    case Opcode::kVfcmp:
      return kFloatShapes;
    case Opcode::kVnarrowS:
    case Opcode::kVnarrowU:
      return kNarrowInt;
    case Opcode::kVextendLowS:
    case Opcode::kVextendLowU:
    case Opcode::kVextendHighS:
    case Opcode::kVextendHighU:
    case Opcode::kVextmulLowS:
    case Opcode::kVextmulLowU:
    case Opcode::kVextmulHighS:
    case Opcode::kVextmulHighU:
      return kWidened;
    case Opcode::kVextaddPairwiseS:
    case Opcode::kVextaddPairwiseU:
      return ShapeBit(Type::kI16x8) | ShapeBit(Type::kI32x4);
    case Opcode::kVdotS:
    case Opcode::kVtruncSatS:
    case Opcode::kVtruncSatU:
    case Opcode::kVtruncSatZeroS:
    case Opcode::kVtruncSatZeroU:
      return ShapeBit(Type::kI32x4);
    case Opcode::kVfcvtFromSint:
    case Opcode::kVfcvtFromUint:
    case Opcode::kVdemoteZero:
      return ShapeBit(Type::kF32x4);
    case Opcode::kVfcvtLowFromSint:
    case Opcode::kVfcvtLowFromUint:
    case Opcode::kVpromoteLow:
      return ShapeBit(Type::kF64x2);
    default:
      return 0;
  }
}

VectorOpTypes VectorSignature(Opcode op, Type s) {
  VectorOpTypes r;
  auto set = [&r](Type result, std::initializer_list<Type> args) {
    r.result = result;
    r.num_args = 0;
    for (Type t : args) r.args[r.num_args++] = t;
    return r;
  };
  switch (op) {
    case Opcode::kVconst:
      return set(s, {});
    case Opcode::kVbitcast:
      return set(s, {Type::kInvalid});
    case Opcode::kVsplat:
      return set(s, {LaneScalarType(s)});
    case Opcode::kVscalarToVector:
      return set(s, {LaneType(s)});
    case Opcode::kVextractlane:
      return set(LaneType(s), {s});
    case Opcode::kVextractlaneS:
    case Opcode::kVextractlaneU:
      return set(Type::kI32, {s});
    case Opcode::kVinsertlane:
      return set(s, {s, LaneScalarType(s)});
    case Opcode::kVnot:
    case Opcode::kVineg:
    case Opcode::kViabs:
    case Opcode::kVpopcnt:
    case Opcode::kVfabs:
    case Opcode::kVfneg:
    case Opcode::kVfsqrt:
    case Opcode::kVfceil:
    case Opcode::kVffloor:
    case Opcode::kVftrunc:
    case Opcode::kVfnearest:
      return set(s, {s});
    case Opcode::kVbitselect:
      return set(s, {s, s, s});
    case Opcode::kVanyTrue:
    case Opcode::kValltrue:
    case Opcode::kVbitmask:
      return set(Type::kI32, {s});
    case Opcode::kVishl:
    case Opcode::kVushr:
    case Opcode::kVsshr:
      return set(s, {s, Type::kI32});
    case Opcode::kVfcmp:
      return set(IntVectorOf(s), {s, s});
    case Opcode::kVnarrowS:
    case Opcode::kVnarrowU:
      return set(s, {Wider(s), Wider(s)});
    case Opcode::kVextendLowS:
    case Opcode::kVextendLowU:
    case Opcode::kVextendHighS:
    case Opcode::kVextendHighU:
    case Opcode::kVextaddPairwiseS:
    case Opcode::kVextaddPairwiseU:
      return set(s, {Narrower(s)});
    case Opcode::kVextmulLowS:
    case Opcode::kVextmulLowU:
    case Opcode::kVextmulHighS:
    case Opcode::kVextmulHighU:
    case Opcode::kVdotS:
      return set(s, {Narrower(s), Narrower(s)});
    case Opcode::kVfcvtFromSint:
    case Opcode::kVfcvtFromUint:
    case Opcode::kVfcvtLowFromSint:
    case Opcode::kVfcvtLowFromUint:
      return set(s, {Type::kI32x4});
    case Opcode::kVtruncSatS:
    case Opcode::kVtruncSatU:
    case Opcode::kVpromoteLow:
      return set(s, {Type::kF32x4});
    case Opcode::kVtruncSatZeroS:
    case Opcode::kVtruncSatZeroU:
    case Opcode::kVdemoteZero:
      return set(s, {Type::kF64x2});
    default:
      // The remaining vector ops are binary on their shape (viadd, vand, vicmp, vshuffle, ...).
      if (IsVectorOp(op)) return set(s, {s, s});
      return r;
  }
}

}  // namespace egret::ir
