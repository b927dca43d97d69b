// simd.h: the typing of the SIMD opcodes (the `// SIMD` section of opcodes.def).
//
// A vector op's *shape* is its `.type` suffix when its typing is kCtrl (then the shape is the
// result type: vsplat.i32x4, vnarrow_s.i8x16, vtrunc_sat_s.i32x4), else the type of its first
// operand (viadd v1, v2 on i32x4 values has shape i32x4). Each op accepts exactly the shapes Wasm
// 2.0 has an instruction for (viadd: all four integer shapes; vimul: not i8x16; vavgr_u: i8x16 and
// i16x8), and at each shape its operand and result types are fixed. The verifier, the
// interpreter, the random-function generator and the backends all ask these two functions, so
// the rules live in one place.
#ifndef EGRET_IR_SIMD_H_
#define EGRET_IR_SIMD_H_

#include <cstdint>

#include "ir/opcode.h"
#include "ir/types.h"

namespace egret::ir {

// A set of vector types: bit (t - kFirstVectorType) for each type t.
using ShapeSet = uint8_t;
constexpr ShapeSet ShapeBit(Type t) {
  return IsVector(t) ? static_cast<ShapeSet>(1u << (static_cast<int>(t) - kFirstVectorType)) : 0;
}
constexpr bool ShapeSetHas(ShapeSet s, Type t) { return (s & ShapeBit(t)) != 0; }

// The shapes vector op `op` accepts (0 for scalar opcodes).
ShapeSet VectorShapes(Opcode op);

// The operand and result types of a vector op at one of its shapes. An operand type of kInvalid
// means "any vector type" (vbitcast's operand).
struct VectorOpTypes {
  Type args[3] = {Type::kInvalid, Type::kInvalid, Type::kInvalid};
  uint8_t num_args = 0;
  Type result = Type::kInvalid;
};
VectorOpTypes VectorSignature(Opcode op, Type shape);

// The shape of an instruction with opcode `op`, `.type` suffix `ctrl` and first operand type
// `arg0` (kInvalid if it has none).
inline Type VectorShapeOf(Opcode op, Type ctrl, Type arg0) {
  return Info(op).typing == ResultTyping::kCtrl ? ctrl : arg0;
}

// Whether vicmp supports condition `cc` at `shape`: Wasm has no unsigned i64x2 comparisons, so
// neither does the IR.
inline bool VectorIntCCAllowed(IntCC cc, Type shape) {
  return shape != Type::kI64x2 || cc == IntCC::kEq || cc == IntCC::kNe || cc == IntCC::kSlt ||
         cc == IntCC::kSle || cc == IntCC::kSgt || cc == IntCC::kSge;
}

}  // namespace egret::ir

#endif  // EGRET_IR_SIMD_H_
