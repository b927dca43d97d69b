// opcode.cc: opcode lookup by name.
#include "ir/opcode.h"

#include <string>
#include <unordered_map>

namespace egret::ir {

std::optional<Opcode> ParseOpcode(std::string_view name) {
  // Built on first use; opcode names are static strings, so views into them stay valid.
  static const auto* const kByName = [] {
    auto* m = new std::unordered_map<std::string_view, Opcode>();
    for (int i = 0; i < kNumOpcodes; ++i) m->emplace(kOpcodeInfos[i].name, static_cast<Opcode>(i));
    return m;
  }();
  auto it = kByName->find(name);
  if (it == kByName->end()) return std::nullopt;
  return it->second;
}

bool TypeInClass(TypeClass c, Type t) {
  switch (c) {
    case TypeClass::kAny:
      return IsScalar(t);
    case TypeClass::kInt:
      return IsInt(t);
    case TypeClass::kFloat:
      return IsFloat(t);
    case TypeClass::kVec:
      return IsVector(t);
    case TypeClass::kIntVec:
      return IsIntVector(t);
    case TypeClass::kFloatVec:
      return IsFloatVector(t);
    case TypeClass::kAnyOrVec:
      return IsScalar(t) || IsVector(t);
    case TypeClass::kRef:
      return IsRef(t);
    case TypeClass::kIntOrRef:
      return IsInt(t) || IsRef(t);
  }
  return false;
}

uint32_t MemAccessBytes(Opcode op) {
  switch (op) {
    case Opcode::kUload8:
    case Opcode::kSload8:
    case Opcode::kIstore8:
      return 1;
    case Opcode::kUload16:
    case Opcode::kSload16:
    case Opcode::kIstore16:
      return 2;
    case Opcode::kUload32:
    case Opcode::kSload32:
    case Opcode::kIstore32:
      return 4;
    default:
      return 0;
  }
}

std::string_view AtomicRmwOpName(AtomicRmwOp op) {
  static constexpr std::string_view kNames[kNumAtomicRmwOps] = {"add", "sub", "and",
                                                                "or",  "xor", "xchg"};
  return kNames[static_cast<int>(op)];
}

std::optional<AtomicRmwOp> ParseAtomicRmwOp(std::string_view name) {
  for (int i = 0; i < kNumAtomicRmwOps; ++i)
    if (AtomicRmwOpName(static_cast<AtomicRmwOp>(i)) == name) return static_cast<AtomicRmwOp>(i);
  return std::nullopt;
}

}  // namespace egret::ir
