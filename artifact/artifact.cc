// artifact.cc: names and the allocation-free queries over a validated Artifact.
#include "artifact/artifact.h"

#include <algorithm>

#include "artifact/builtin.h"

namespace egret::artifact {

bool IsValidValType(uint8_t code) {
  switch (code) {
    case 0x7F:
    case 0x7E:
    case 0x7D:
    case 0x7C:
    case 0x7B:
    case 0x70:
    case 0x6F:
      return true;
    default:
      return false;
  }
}

bool IsRefType(ValType t) { return t == ValType::kFuncRef || t == ValType::kExternRef; }

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
  }
  return "?";
}

std::string FuncTypeToString(const FuncType& t) {
  std::string out = "(";
  for (size_t i = 0; i < t.params.size(); ++i) {
    if (i) out += ' ';
    out += ValTypeName(t.params[i]);
  }
  out += ") -> (";
  for (size_t i = 0; i < t.results.size(); ++i) {
    if (i) out += ' ';
    out += ValTypeName(t.results[i]);
  }
  out += ')';
  return out;
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

std::string_view TargetName(Target t) {
  switch (t) {
    case Target::kX86_64:
      return "x86_64";
    case Target::kAarch64:
      return "aarch64";
  }
  return "?";
}

std::string_view BuiltinName(Builtin b) {
  static constexpr std::string_view kNames[kNumBuiltins] = {"memory_grow",
                                                            "memory_fill",
                                                            "memory_copy",
                                                            "memory_init",
                                                            "data_drop",
                                                            "table_grow",
                                                            "table_fill",
                                                            "table_copy",
                                                            "table_init",
                                                            "elem_drop",
                                                            "table_get",
                                                            "table_set",
                                                            "ref_func",
                                                            "out_of_fuel",
                                                            "raise_trap",
                                                            "floor_f32",
                                                            "floor_f64",
                                                            "ceil_f32",
                                                            "ceil_f64",
                                                            "trunc_f32",
                                                            "trunc_f64",
                                                            "nearest_f32",
                                                            "nearest_f64",
                                                            "memory_atomic_notify",
                                                            "memory_atomic_wait32",
                                                            "memory_atomic_wait64",
                                                            "global_get_externref",
                                                            "global_set_externref"};
  uint32_t i = uint32_t(b);
  return i < kNumBuiltins ? kNames[i] : "?";
}

uint32_t Artifact::NumImported(ExternKind kind) const {
  uint32_t n = 0;
  for (const Import& im : imports) n += im.kind == kind;
  return n;
}

std::optional<TrapCode> Artifact::LookupTrap(uint32_t text_offset) const {
  auto it = std::lower_bound(traps.begin(), traps.end(), text_offset,
                             [](const TrapEntry& e, uint32_t off) { return e.offset < off; });
  if (it == traps.end() || it->offset != text_offset) return std::nullopt;
  return it->code;
}

std::optional<uint32_t> Artifact::FunctionAt(uint32_t text_offset) const {
  // First function whose body starts after text_offset; the candidate is the one before it.
  auto it = std::upper_bound(functions.begin(), functions.end(), text_offset,
                             [](uint32_t off, const Function& f) { return off < f.body.offset; });
  if (it == functions.begin()) return std::nullopt;
  --it;
  if (text_offset - it->body.offset >= it->body.size) return std::nullopt;
  return uint32_t(it - functions.begin());
}

const StackMap* Artifact::LookupStackMap(uint32_t return_offset) const {
  auto it = std::lower_bound(stack_maps.begin(), stack_maps.end(), return_offset,
                             [](const StackMap& m, uint32_t off) { return m.offset < off; });
  if (it == stack_maps.end() || it->offset != return_offset) return nullptr;
  return &*it;
}

const FrameRange* Artifact::FrameRangeAt(uint32_t text_offset) const {
  // The last range starting at or before text_offset.
  auto it = std::upper_bound(frame_ranges.begin(), frame_ranges.end(), text_offset,
                             [](uint32_t off, const FrameRange& r) { return off < r.offset; });
  if (it == frame_ranges.begin()) return nullptr;
  --it;
  return text_offset - it->offset < it->size ? &*it : nullptr;
}

bool Artifact::IsFrameless(uint32_t index) const {
  const CodeRange& body = functions[index].body;
  const FrameRange* r = FrameRangeAt(body.offset);
  return r != nullptr && r->offset == body.offset && r->size == body.size;
}

std::string_view Artifact::FunctionNameOf(uint32_t func_index) const {
  auto it = std::lower_bound(function_names.begin(), function_names.end(), func_index,
                             [](const FunctionName& n, uint32_t i) { return n.func_index < i; });
  if (it == function_names.end() || it->func_index != func_index) return {};
  return it->name;
}

const FuncType* Artifact::FunctionType(uint32_t func_index) const {
  uint32_t i = 0;
  for (const Import& im : imports) {
    if (im.kind != ExternKind::kFunc) continue;
    if (i == func_index) return im.type_index < types.size() ? &types[im.type_index] : nullptr;
    ++i;
  }
  uint32_t d = func_index - i;
  if (func_index < i || d >= functions.size()) return nullptr;
  uint32_t t = functions[d].type_index;
  return t < types.size() ? &types[t] : nullptr;
}

}  // namespace egret::artifact
