// translate_numeric.cc: Wasm numeric operators to IR, one case per operator.
//
// The IR's integer ops are sign-agnostic with Wasm's semantics (shift amounts modulo the width,
// sdiv/udiv/srem/urem trap int_divz and sdiv int_ovf), its comparisons produce i32 0/1 like
// Wasm's, fmin/fmax follow Wasm's NaN and signed-zero rules, and the trapping float-to-int
// conversions trap bad_toint/int_ovf exactly as Wasm does. So almost every operator is one IR
// instruction; only sign-extension from 8/16/32 bits needs two (reduce, then extend).
#include <array>
#include <string_view>

#include "frontend/translator_internal.h"

namespace egret::wasm {

using ir::FloatCC;
using ir::IntCC;
using ir::Opcode;
using ir::Type;

namespace {

// What Numeric does for an operator: one IR instruction made from the popped operands (or two
// for a sign extension), by kind, with the IR opcode and its condition code or result type.
enum NumericKind : uint8_t {
  kNumUnsupported,
  kNumI32Const,
  kNumI64Const,
  kNumF32Const,
  kNumF64Const,
  kNumEqz,         // icmp_imm eq x, 0
  kNumIcmp,        // cond: IntCC
  kNumFcmp,        // cond: FloatCC
  kNumUnary,       // same type (`type`: the operand's, filled in from the signature)
  kNumBinary,      // same type (likewise)
  kNumConvert,     // to `type`
  kNumSignExtend,  // ireduce to `from`, then sextend to `type`
};

struct NumericRule {
  NumericKind kind = kNumUnsupported;
  Opcode opcode = Opcode::kTrap;
  uint8_t cond = 0;
  Type type = Type::kInvalid;
  Type from = Type::kInvalid;
};

constexpr NumericRule Rule(NumericKind kind, Opcode opcode, uint8_t cond = 0,
                           Type type = Type::kInvalid, Type from = Type::kInvalid) {
  return {kind, opcode, cond, type, from};
}

// One case per operator.
constexpr NumericRule NumericRuleOf(Op op) {
  switch (op) {
    case Op::kI32Const:
      return Rule(kNumI32Const, Opcode::kIconst);
    case Op::kI64Const:
      return Rule(kNumI64Const, Opcode::kIconst);
    case Op::kF32Const:
      return Rule(kNumF32Const, Opcode::kF32const);
    case Op::kF64Const:
      return Rule(kNumF64Const, Opcode::kF64const);
    case Op::kI32Eqz:
    case Op::kI64Eqz:
      return Rule(kNumEqz, Opcode::kIcmpImm, static_cast<uint8_t>(IntCC::kEq));
    case Op::kI32Eq:
    case Op::kI64Eq:
      return Rule(kNumIcmp, Opcode::kIcmp, static_cast<uint8_t>(IntCC::kEq));
    case Op::kI32Ne:
    case Op::kI64Ne:
      return Rule(kNumIcmp, Opcode::kIcmp, static_cast<uint8_t>(IntCC::kNe));
    case Op::kI32LtS:
    case Op::kI64LtS:
      return Rule(kNumIcmp, Opcode::kIcmp, static_cast<uint8_t>(IntCC::kSlt));
    case Op::kI32LtU:
    case Op::kI64LtU:
      return Rule(kNumIcmp, Opcode::kIcmp, static_cast<uint8_t>(IntCC::kUlt));
    case Op::kI32GtS:
    case Op::kI64GtS:
      return Rule(kNumIcmp, Opcode::kIcmp, static_cast<uint8_t>(IntCC::kSgt));
    case Op::kI32GtU:
    case Op::kI64GtU:
      return Rule(kNumIcmp, Opcode::kIcmp, static_cast<uint8_t>(IntCC::kUgt));
    case Op::kI32LeS:
    case Op::kI64LeS:
      return Rule(kNumIcmp, Opcode::kIcmp, static_cast<uint8_t>(IntCC::kSle));
    case Op::kI32LeU:
    case Op::kI64LeU:
      return Rule(kNumIcmp, Opcode::kIcmp, static_cast<uint8_t>(IntCC::kUle));
    case Op::kI32GeS:
    case Op::kI64GeS:
      return Rule(kNumIcmp, Opcode::kIcmp, static_cast<uint8_t>(IntCC::kSge));
    case Op::kI32GeU:
    case Op::kI64GeU:
      return Rule(kNumIcmp, Opcode::kIcmp, static_cast<uint8_t>(IntCC::kUge));
    case Op::kF32Eq:
    case Op::kF64Eq:
      return Rule(kNumFcmp, Opcode::kFcmp, static_cast<uint8_t>(FloatCC::kEq));
    case Op::kF32Ne:
    case Op::kF64Ne:
      return Rule(kNumFcmp, Opcode::kFcmp, static_cast<uint8_t>(FloatCC::kNe));
    case Op::kF32Lt:
    case Op::kF64Lt:
      return Rule(kNumFcmp, Opcode::kFcmp, static_cast<uint8_t>(FloatCC::kLt));
    case Op::kF32Gt:
    case Op::kF64Gt:
      return Rule(kNumFcmp, Opcode::kFcmp, static_cast<uint8_t>(FloatCC::kGt));
    case Op::kF32Le:
    case Op::kF64Le:
      return Rule(kNumFcmp, Opcode::kFcmp, static_cast<uint8_t>(FloatCC::kLe));
    case Op::kF32Ge:
    case Op::kF64Ge:
      return Rule(kNumFcmp, Opcode::kFcmp, static_cast<uint8_t>(FloatCC::kGe));
    case Op::kI32Clz:
    case Op::kI64Clz:
      return Rule(kNumUnary, Opcode::kClz);
    case Op::kI32Ctz:
    case Op::kI64Ctz:
      return Rule(kNumUnary, Opcode::kCtz);
    case Op::kI32Popcnt:
    case Op::kI64Popcnt:
      return Rule(kNumUnary, Opcode::kPopcnt);
    case Op::kI32Add:
    case Op::kI64Add:
      return Rule(kNumBinary, Opcode::kIadd);
    case Op::kI32Sub:
    case Op::kI64Sub:
      return Rule(kNumBinary, Opcode::kIsub);
    case Op::kI32Mul:
    case Op::kI64Mul:
      return Rule(kNumBinary, Opcode::kImul);
    case Op::kI32DivS:
    case Op::kI64DivS:
      return Rule(kNumBinary, Opcode::kSdiv);
    case Op::kI32DivU:
    case Op::kI64DivU:
      return Rule(kNumBinary, Opcode::kUdiv);
    case Op::kI32RemS:
    case Op::kI64RemS:
      return Rule(kNumBinary, Opcode::kSrem);
    case Op::kI32RemU:
    case Op::kI64RemU:
      return Rule(kNumBinary, Opcode::kUrem);
    case Op::kI32And:
    case Op::kI64And:
      return Rule(kNumBinary, Opcode::kBand);
    case Op::kI32Or:
    case Op::kI64Or:
      return Rule(kNumBinary, Opcode::kBor);
    case Op::kI32Xor:
    case Op::kI64Xor:
      return Rule(kNumBinary, Opcode::kBxor);
    case Op::kI32Shl:
    case Op::kI64Shl:
      return Rule(kNumBinary, Opcode::kIshl);
    case Op::kI32ShrS:
    case Op::kI64ShrS:
      return Rule(kNumBinary, Opcode::kSshr);
    case Op::kI32ShrU:
    case Op::kI64ShrU:
      return Rule(kNumBinary, Opcode::kUshr);
    case Op::kI32Rotl:
    case Op::kI64Rotl:
      return Rule(kNumBinary, Opcode::kRotl);
    case Op::kI32Rotr:
    case Op::kI64Rotr:
      return Rule(kNumBinary, Opcode::kRotr);
    case Op::kF32Abs:
    case Op::kF64Abs:
      return Rule(kNumUnary, Opcode::kFabs);
    case Op::kF32Neg:
    case Op::kF64Neg:
      return Rule(kNumUnary, Opcode::kFneg);
    case Op::kF32Ceil:
    case Op::kF64Ceil:
      return Rule(kNumUnary, Opcode::kCeil);
    case Op::kF32Floor:
    case Op::kF64Floor:
      return Rule(kNumUnary, Opcode::kFloor);
    case Op::kF32Trunc:
    case Op::kF64Trunc:
      return Rule(kNumUnary, Opcode::kTrunc);
    case Op::kF32Nearest:
    case Op::kF64Nearest:
      return Rule(kNumUnary, Opcode::kNearest);
    case Op::kF32Sqrt:
    case Op::kF64Sqrt:
      return Rule(kNumUnary, Opcode::kSqrt);
    case Op::kF32Add:
    case Op::kF64Add:
      return Rule(kNumBinary, Opcode::kFadd);
    case Op::kF32Sub:
    case Op::kF64Sub:
      return Rule(kNumBinary, Opcode::kFsub);
    case Op::kF32Mul:
    case Op::kF64Mul:
      return Rule(kNumBinary, Opcode::kFmul);
    case Op::kF32Div:
    case Op::kF64Div:
      return Rule(kNumBinary, Opcode::kFdiv);
    case Op::kF32Min:
    case Op::kF64Min:
      return Rule(kNumBinary, Opcode::kFmin);
    case Op::kF32Max:
    case Op::kF64Max:
      return Rule(kNumBinary, Opcode::kFmax);
    case Op::kF32Copysign:
    case Op::kF64Copysign:
      return Rule(kNumBinary, Opcode::kFcopysign);
    case Op::kI32WrapI64:
      return Rule(kNumConvert, Opcode::kIreduce, 0, Type::kI32);
    case Op::kI64ExtendI32S:
      return Rule(kNumConvert, Opcode::kSextend, 0, Type::kI64);
    case Op::kI64ExtendI32U:
      return Rule(kNumConvert, Opcode::kUextend, 0, Type::kI64);
    case Op::kI32Extend8S:
      return Rule(kNumSignExtend, Opcode::kSextend, 0, Type::kI32, Type::kI8);
    case Op::kI32Extend16S:
      return Rule(kNumSignExtend, Opcode::kSextend, 0, Type::kI32, Type::kI16);
    case Op::kI64Extend8S:
      return Rule(kNumSignExtend, Opcode::kSextend, 0, Type::kI64, Type::kI8);
    case Op::kI64Extend16S:
      return Rule(kNumSignExtend, Opcode::kSextend, 0, Type::kI64, Type::kI16);
    case Op::kI64Extend32S:
      return Rule(kNumSignExtend, Opcode::kSextend, 0, Type::kI64, Type::kI32);
    case Op::kI32TruncF32S:
    case Op::kI32TruncF64S:
      return Rule(kNumConvert, Opcode::kFcvtToSint, 0, Type::kI32);
    case Op::kI32TruncF32U:
    case Op::kI32TruncF64U:
      return Rule(kNumConvert, Opcode::kFcvtToUint, 0, Type::kI32);
    case Op::kI64TruncF32S:
    case Op::kI64TruncF64S:
      return Rule(kNumConvert, Opcode::kFcvtToSint, 0, Type::kI64);
    case Op::kI64TruncF32U:
    case Op::kI64TruncF64U:
      return Rule(kNumConvert, Opcode::kFcvtToUint, 0, Type::kI64);
    case Op::kI32TruncSatF32S:
    case Op::kI32TruncSatF64S:
      return Rule(kNumConvert, Opcode::kFcvtToSintSat, 0, Type::kI32);
    case Op::kI32TruncSatF32U:
    case Op::kI32TruncSatF64U:
      return Rule(kNumConvert, Opcode::kFcvtToUintSat, 0, Type::kI32);
    case Op::kI64TruncSatF32S:
    case Op::kI64TruncSatF64S:
      return Rule(kNumConvert, Opcode::kFcvtToSintSat, 0, Type::kI64);
    case Op::kI64TruncSatF32U:
    case Op::kI64TruncSatF64U:
      return Rule(kNumConvert, Opcode::kFcvtToUintSat, 0, Type::kI64);
    case Op::kF32ConvertI32S:
    case Op::kF32ConvertI64S:
      return Rule(kNumConvert, Opcode::kFcvtFromSint, 0, Type::kF32);
    case Op::kF32ConvertI32U:
    case Op::kF32ConvertI64U:
      return Rule(kNumConvert, Opcode::kFcvtFromUint, 0, Type::kF32);
    case Op::kF64ConvertI32S:
    case Op::kF64ConvertI64S:
      return Rule(kNumConvert, Opcode::kFcvtFromSint, 0, Type::kF64);
    case Op::kF64ConvertI32U:
    case Op::kF64ConvertI64U:
      return Rule(kNumConvert, Opcode::kFcvtFromUint, 0, Type::kF64);
    case Op::kF32DemoteF64:
      return Rule(kNumConvert, Opcode::kFdemote, 0, Type::kF32);
    case Op::kF64PromoteF32:
      return Rule(kNumConvert, Opcode::kFpromote, 0, Type::kF64);
    case Op::kI32ReinterpretF32:
      return Rule(kNumConvert, Opcode::kBitcast, 0, Type::kI32);
    case Op::kI64ReinterpretF64:
      return Rule(kNumConvert, Opcode::kBitcast, 0, Type::kI64);
    case Op::kF32ReinterpretI32:
      return Rule(kNumConvert, Opcode::kBitcast, 0, Type::kF32);
    case Op::kF64ReinterpretI64:
      return Rule(kNumConvert, Opcode::kBitcast, 0, Type::kF64);
    default:
      return {};
  }
}

// The IR type of an operator's one result from its signature in the opcode X-macro ("ii:i":
// i32, "l:l": i64, "f:f": f32, "dd:d": f64; ParseOpSig) when its operands all have that scalar
// type, kInvalid for anything else.
constexpr Type SameTypeResult(std::string_view text) {
  const OpSig sig = ParseOpSig(text);
  if (!sig.fixed || sig.num_params == 0 || sig.num_results != 1) return Type::kInvalid;
  for (size_t k = 0; k < sig.num_params; ++k)
    if (sig.params[k] != sig.result) return Type::kInvalid;
  switch (sig.result) {
    case ValType::kI32:
    case ValType::kI64:
    case ValType::kF32:
    case ValType::kF64:
      return kIrTypeOf[static_cast<uint8_t>(sig.result)];
    default:
      return Type::kInvalid;
  }
}

// NumericRuleOf for every operator, so Numeric dispatches once, on the kind, with its opcode
// at hand (a switch over the operators calling a helper per kind costs a call more). Unary and
// binary operators get their result type (the operands' type, which the IR instruction's
// typing rule would read) from their signature, so the builder need not work it out.
constexpr std::array<NumericRule, kNumOps> kNumericRules = [] {
  std::array<NumericRule, kNumOps> t{};
  for (int k = 0; k < kNumOps; ++k) t[k] = NumericRuleOf(static_cast<Op>(k));
#define EGRET_NUMERIC_TYPE(name, prefix, code, text, imm, sig, extra)              \
  if (NumericRule& r = t[static_cast<int>(Op::k##name)];                           \
      r.kind == kNumUnary || r.kind == kNumBinary) {                               \
    r.type = SameTypeResult(sig);                                                  \
    if (r.type == Type::kInvalid)                                                  \
      throw "a unary or binary operator whose operands and result differ in type"; \
  }
  EGRET_WASM_OPCODES(EGRET_NUMERIC_TYPE)
#undef EGRET_NUMERIC_TYPE
  return t;
}();

}  // namespace

Status Translation::Numeric(const Operator& op) {
  const NumericRule& r = kNumericRules[static_cast<int>(op.op)];
  switch (r.kind) {
    case kNumI32Const:
      Push(b_.Iconst(Type::kI32, static_cast<int32_t>(op.bits)));
      break;
    case kNumI64Const:
      Push(b_.Iconst(Type::kI64, static_cast<int64_t>(op.bits)));
      break;
    case kNumF32Const:
      Push(b_.F32const(static_cast<uint32_t>(op.bits)));
      break;
    case kNumF64Const:
      Push(b_.F64const(op.bits));
      break;
    case kNumEqz:
      Push(b_.IcmpImm(IntCC::kEq, Pop(), 0));
      break;
    case kNumIcmp: {
      ir::Value y = Pop(), x = Pop();
      Push(b_.Icmp(static_cast<IntCC>(r.cond), x, y));
      break;
    }
    case kNumFcmp: {
      ir::Value y = Pop(), x = Pop();
      Push(b_.Fcmp(static_cast<FloatCC>(r.cond), x, y));
      break;
    }
    case kNumUnary:
      Push(b_.Unary(r.opcode, Pop(), r.type));
      break;
    case kNumBinary: {
      ir::Value y = Pop(), x = Pop();
      Push(b_.Binary(r.opcode, x, y, r.type));
      break;
    }
    case kNumConvert:
      Push(b_.Convert(r.opcode, r.type, Pop()));
      break;
    case kNumSignExtend: {
      ir::Value narrow = b_.Convert(Opcode::kIreduce, r.from, Pop());
      Push(b_.Convert(Opcode::kSextend, r.type, narrow));
      break;
    }
    case kNumUnsupported:
      return Unsupported(op.offset, std::string(OpName(op.op)));
  }
  return Status::Ok();
}

}  // namespace egret::wasm
