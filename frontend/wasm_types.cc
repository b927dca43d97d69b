// wasm_types.cc: names and small helpers for the Wasm types.
#include "frontend/wasm_types.h"

namespace egret::wasm {

std::optional<ValType> ValTypeFromByte(uint8_t b) {
  switch (b) {
    case 0x7f:
      return ValType::kI32;
    case 0x7e:
      return ValType::kI64;
    case 0x7d:
      return ValType::kF32;
    case 0x7c:
      return ValType::kF64;
    case 0x7b:
      return ValType::kV128;
    case 0x70:
      return ValType::kFuncRef;
    case 0x6f:
      return ValType::kExternRef;
    default:
      return std::nullopt;
  }
}

std::string_view ValTypeName(ValType t) {
  switch (t) {
    case ValType::kI32:
      return "i32";
    case ValType::kI64:
      return "i64";
    case ValType::kF32:
      return "f32";
    case ValType::kF64:
      return "f64";
    case ValType::kV128:
      return "v128";
    case ValType::kFuncRef:
      return "funcref";
    case ValType::kExternRef:
      return "externref";
    case ValType::kBottom:
      return "unknown";
  }
  return "unknown";
}

std::string TypeListString(std::span<const ValType> types) {
  std::string s = "[";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) s += ' ';
    s += ValTypeName(types[i]);
  }
  s += ']';
  return s;
}

std::span<const ValType> SingleType(ValType t) {
  static constexpr ValType kAll[] = {ValType::kI32,       ValType::kI64,   ValType::kF32,
                                     ValType::kF64,       ValType::kV128,  ValType::kFuncRef,
                                     ValType::kExternRef, ValType::kBottom};
  for (const ValType& v : kAll)
    if (v == t) return {&v, 1};
  return {&kAll[7], 1};
}

std::string FuncTypeString(const FuncType& t) {
  return TypeListString(t.params()) + " -> " + TypeListString(t.results());
}

std::string_view ExternKindName(ExternKind k) {
  switch (k) {
    case ExternKind::kFunc:
      return "func";
    case ExternKind::kTable:
      return "table";
    case ExternKind::kMemory:
      return "memory";
    case ExternKind::kGlobal:
      return "global";
  }
  return "?";
}

std::string_view ErrorKindName(ErrorKind k) {
  switch (k) {
    case ErrorKind::kMalformed:
      return "malformed";
    case ErrorKind::kInvalid:
      return "invalid";
    case ErrorKind::kUnsupported:
      return "unsupported";
  }
  return "?";
}

}  // namespace egret::wasm
