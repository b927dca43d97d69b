// translate_numeric.cc: Wasm numeric operators to IR, one case per operator.
//
// The IR's integer ops are sign-agnostic with Wasm's semantics (shift amounts modulo the width,
// sdiv/udiv/srem/urem trap int_divz and sdiv int_ovf), its comparisons produce i32 0/1 like
// Wasm's, fmin/fmax follow Wasm's NaN and signed-zero rules, and the trapping float-to-int
// conversions trap bad_toint/int_ovf exactly as Wasm does. So almost every operator is one IR
// instruction; only sign-extension from 8/16/32 bits needs two (reduce, then extend).
#include "frontend/translator_internal.h"

namespace egret::wasm {

using ir::FloatCC;
using ir::IntCC;
using ir::Opcode;
using ir::Type;

Status Translation::Numeric(const Operator& op) {
  auto unary = [&](Opcode o) { Push(b_.Unary(o, Pop())); };
  auto binary = [&](Opcode o) {
    ir::Value y = Pop(), x = Pop();
    Push(b_.Binary(o, x, y));
  };
  auto icmp = [&](IntCC cc) {
    ir::Value y = Pop(), x = Pop();
    Push(b_.Icmp(cc, x, y));
  };
  auto fcmp = [&](FloatCC cc) {
    ir::Value y = Pop(), x = Pop();
    Push(b_.Fcmp(cc, x, y));
  };
  auto convert = [&](Opcode o, Type to) { Push(b_.Convert(o, to, Pop())); };
  auto sign_extend = [&](Type from, Type to) {
    ir::Value narrow = b_.Convert(Opcode::kIreduce, from, Pop());
    Push(b_.Convert(Opcode::kSextend, to, narrow));
  };

  switch (op.op) {
    // Constants.
    case Op::kI32Const:
      Push(b_.Iconst(Type::kI32, static_cast<int32_t>(op.bits)));
      break;
    case Op::kI64Const:
      Push(b_.Iconst(Type::kI64, static_cast<int64_t>(op.bits)));
      break;
    case Op::kF32Const:
      Push(b_.F32const(static_cast<uint32_t>(op.bits)));
      break;
    case Op::kF64Const:
      Push(b_.F64const(op.bits));
      break;

    // Integer comparisons.
    case Op::kI32Eqz:
    case Op::kI64Eqz:
      Push(b_.IcmpImm(IntCC::kEq, Pop(), 0));
      break;
    case Op::kI32Eq:
    case Op::kI64Eq:
      icmp(IntCC::kEq);
      break;
    case Op::kI32Ne:
    case Op::kI64Ne:
      icmp(IntCC::kNe);
      break;
    case Op::kI32LtS:
    case Op::kI64LtS:
      icmp(IntCC::kSlt);
      break;
    case Op::kI32LtU:
    case Op::kI64LtU:
      icmp(IntCC::kUlt);
      break;
    case Op::kI32GtS:
    case Op::kI64GtS:
      icmp(IntCC::kSgt);
      break;
    case Op::kI32GtU:
    case Op::kI64GtU:
      icmp(IntCC::kUgt);
      break;
    case Op::kI32LeS:
    case Op::kI64LeS:
      icmp(IntCC::kSle);
      break;
    case Op::kI32LeU:
    case Op::kI64LeU:
      icmp(IntCC::kUle);
      break;
    case Op::kI32GeS:
    case Op::kI64GeS:
      icmp(IntCC::kSge);
      break;
    case Op::kI32GeU:
    case Op::kI64GeU:
      icmp(IntCC::kUge);
      break;

    // Float comparisons.
    case Op::kF32Eq:
    case Op::kF64Eq:
      fcmp(FloatCC::kEq);
      break;
    case Op::kF32Ne:
    case Op::kF64Ne:
      fcmp(FloatCC::kNe);
      break;
    case Op::kF32Lt:
    case Op::kF64Lt:
      fcmp(FloatCC::kLt);
      break;
    case Op::kF32Gt:
    case Op::kF64Gt:
      fcmp(FloatCC::kGt);
      break;
    case Op::kF32Le:
    case Op::kF64Le:
      fcmp(FloatCC::kLe);
      break;
    case Op::kF32Ge:
    case Op::kF64Ge:
      fcmp(FloatCC::kGe);
      break;

    // Integer arithmetic.
    case Op::kI32Clz:
    case Op::kI64Clz:
      unary(Opcode::kClz);
      break;
    case Op::kI32Ctz:
    case Op::kI64Ctz:
      unary(Opcode::kCtz);
      break;
    case Op::kI32Popcnt:
    case Op::kI64Popcnt:
      unary(Opcode::kPopcnt);
      break;
    case Op::kI32Add:
    case Op::kI64Add:
      binary(Opcode::kIadd);
      break;
    case Op::kI32Sub:
    case Op::kI64Sub:
      binary(Opcode::kIsub);
      break;
    case Op::kI32Mul:
    case Op::kI64Mul:
      binary(Opcode::kImul);
      break;
    case Op::kI32DivS:
    case Op::kI64DivS:
      binary(Opcode::kSdiv);
      break;
    case Op::kI32DivU:
    case Op::kI64DivU:
      binary(Opcode::kUdiv);
      break;
    case Op::kI32RemS:
    case Op::kI64RemS:
      binary(Opcode::kSrem);
      break;
    case Op::kI32RemU:
    case Op::kI64RemU:
      binary(Opcode::kUrem);
      break;
    case Op::kI32And:
    case Op::kI64And:
      binary(Opcode::kBand);
      break;
    case Op::kI32Or:
    case Op::kI64Or:
      binary(Opcode::kBor);
      break;
    case Op::kI32Xor:
    case Op::kI64Xor:
      binary(Opcode::kBxor);
      break;
    case Op::kI32Shl:
    case Op::kI64Shl:
      binary(Opcode::kIshl);
      break;
    case Op::kI32ShrS:
    case Op::kI64ShrS:
      binary(Opcode::kSshr);
      break;
    case Op::kI32ShrU:
    case Op::kI64ShrU:
      binary(Opcode::kUshr);
      break;
    case Op::kI32Rotl:
    case Op::kI64Rotl:
      binary(Opcode::kRotl);
      break;
    case Op::kI32Rotr:
    case Op::kI64Rotr:
      binary(Opcode::kRotr);
      break;

    // Float arithmetic.
    case Op::kF32Abs:
    case Op::kF64Abs:
      unary(Opcode::kFabs);
      break;
    case Op::kF32Neg:
    case Op::kF64Neg:
      unary(Opcode::kFneg);
      break;
    case Op::kF32Ceil:
    case Op::kF64Ceil:
      unary(Opcode::kCeil);
      break;
    case Op::kF32Floor:
    case Op::kF64Floor:
      unary(Opcode::kFloor);
      break;
    case Op::kF32Trunc:
    case Op::kF64Trunc:
      unary(Opcode::kTrunc);
      break;
    case Op::kF32Nearest:
    case Op::kF64Nearest:
      unary(Opcode::kNearest);
      break;
    case Op::kF32Sqrt:
    case Op::kF64Sqrt:
      unary(Opcode::kSqrt);
      break;
    case Op::kF32Add:
    case Op::kF64Add:
      binary(Opcode::kFadd);
      break;
    case Op::kF32Sub:
    case Op::kF64Sub:
      binary(Opcode::kFsub);
      break;
    case Op::kF32Mul:
    case Op::kF64Mul:
      binary(Opcode::kFmul);
      break;
    case Op::kF32Div:
    case Op::kF64Div:
      binary(Opcode::kFdiv);
      break;
    case Op::kF32Min:
    case Op::kF64Min:
      binary(Opcode::kFmin);
      break;
    case Op::kF32Max:
    case Op::kF64Max:
      binary(Opcode::kFmax);
      break;
    case Op::kF32Copysign:
    case Op::kF64Copysign:
      binary(Opcode::kFcopysign);
      break;

    // Integer width changes and sign extension.
    case Op::kI32WrapI64:
      convert(Opcode::kIreduce, Type::kI32);
      break;
    case Op::kI64ExtendI32S:
      convert(Opcode::kSextend, Type::kI64);
      break;
    case Op::kI64ExtendI32U:
      convert(Opcode::kUextend, Type::kI64);
      break;
    case Op::kI32Extend8S:
      sign_extend(Type::kI8, Type::kI32);
      break;
    case Op::kI32Extend16S:
      sign_extend(Type::kI16, Type::kI32);
      break;
    case Op::kI64Extend8S:
      sign_extend(Type::kI8, Type::kI64);
      break;
    case Op::kI64Extend16S:
      sign_extend(Type::kI16, Type::kI64);
      break;
    case Op::kI64Extend32S:
      sign_extend(Type::kI32, Type::kI64);
      break;

    // Float to integer (trapping and saturating).
    case Op::kI32TruncF32S:
    case Op::kI32TruncF64S:
      convert(Opcode::kFcvtToSint, Type::kI32);
      break;
    case Op::kI32TruncF32U:
    case Op::kI32TruncF64U:
      convert(Opcode::kFcvtToUint, Type::kI32);
      break;
    case Op::kI64TruncF32S:
    case Op::kI64TruncF64S:
      convert(Opcode::kFcvtToSint, Type::kI64);
      break;
    case Op::kI64TruncF32U:
    case Op::kI64TruncF64U:
      convert(Opcode::kFcvtToUint, Type::kI64);
      break;
    case Op::kI32TruncSatF32S:
    case Op::kI32TruncSatF64S:
      convert(Opcode::kFcvtToSintSat, Type::kI32);
      break;
    case Op::kI32TruncSatF32U:
    case Op::kI32TruncSatF64U:
      convert(Opcode::kFcvtToUintSat, Type::kI32);
      break;
    case Op::kI64TruncSatF32S:
    case Op::kI64TruncSatF64S:
      convert(Opcode::kFcvtToSintSat, Type::kI64);
      break;
    case Op::kI64TruncSatF32U:
    case Op::kI64TruncSatF64U:
      convert(Opcode::kFcvtToUintSat, Type::kI64);
      break;

    // Integer to float, float width, reinterpretation.
    case Op::kF32ConvertI32S:
    case Op::kF32ConvertI64S:
      convert(Opcode::kFcvtFromSint, Type::kF32);
      break;
    case Op::kF32ConvertI32U:
    case Op::kF32ConvertI64U:
      convert(Opcode::kFcvtFromUint, Type::kF32);
      break;
    case Op::kF64ConvertI32S:
    case Op::kF64ConvertI64S:
      convert(Opcode::kFcvtFromSint, Type::kF64);
      break;
    case Op::kF64ConvertI32U:
    case Op::kF64ConvertI64U:
      convert(Opcode::kFcvtFromUint, Type::kF64);
      break;
    case Op::kF32DemoteF64:
      convert(Opcode::kFdemote, Type::kF32);
      break;
    case Op::kF64PromoteF32:
      convert(Opcode::kFpromote, Type::kF64);
      break;
    case Op::kI32ReinterpretF32:
      convert(Opcode::kBitcast, Type::kI32);
      break;
    case Op::kI64ReinterpretF64:
      convert(Opcode::kBitcast, Type::kI64);
      break;
    case Op::kF32ReinterpretI32:
      convert(Opcode::kBitcast, Type::kF32);
      break;
    case Op::kF64ReinterpretI64:
      convert(Opcode::kBitcast, Type::kF64);
      break;

    default:
      return Unsupported(op.offset, std::string(OpName(op.op)));
  }
  return Status::Ok();
}

}  // namespace egret::wasm
