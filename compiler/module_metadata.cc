// module_metadata.cc: ModuleEnv -> artifact metadata (see module_metadata.h).
#include "compiler/module_metadata.h"

#include <algorithm>

#include "frontend/operator_reader.h"

namespace egret::compiler {
namespace {

artifact::ValType ToVal(wasm::ValType t) { return static_cast<artifact::ValType>(t); }

artifact::Limits ToLimits(const wasm::Limits& l) {
  artifact::Limits out;
  out.min = l.min;
  out.max = l.max;
  return out;
}

// An extended constant expression (a validated sequence): one ConstOp per instruction.
Expected<artifact::ConstExpr> ToExtendedConst(const wasm::ModuleEnv& env,
                                              const wasm::ConstExpr& e) {
  using wasm::Op;
  using K = artifact::ConstOp::Kind;
  artifact::ConstExpr out;
  wasm::OperatorReader r(std::span<const uint8_t>(env.bytes).subspan(e.offset, e.size), e.offset);
  wasm::Operator op;
  while (!r.at_end()) {
    EGRET_TRY(r.Read(&op));
    artifact::ConstOp c;
    switch (op.op) {
      case Op::kI32Const:
        c = artifact::ConstOp::I32(static_cast<int32_t>(op.bits));
        break;
      case Op::kI64Const:
        c = artifact::ConstOp::I64(static_cast<int64_t>(op.bits));
        break;
      case Op::kGlobalGet:
        c = artifact::ConstOp::GlobalGet(op.index);
        break;
      case Op::kI32Add:
        c.kind = K::kI32Add;
        break;
      case Op::kI32Sub:
        c.kind = K::kI32Sub;
        break;
      case Op::kI32Mul:
        c.kind = K::kI32Mul;
        break;
      case Op::kI64Add:
        c.kind = K::kI64Add;
        break;
      case Op::kI64Sub:
        c.kind = K::kI64Sub;
        break;
      case Op::kI64Mul:
        c.kind = K::kI64Mul;
        break;
      case Op::kEnd:
        continue;
      default:
        return Error(op.offset,
                     "not supported in a constant expression: " + std::string(wasm::OpName(op.op)));
    }
    out.ops.push_back(c);
  }
  return out;
}

Expected<artifact::ConstExpr> ToConst(const wasm::ModuleEnv& env, const wasm::ConstExpr& e) {
  artifact::ConstExpr out;
  artifact::ConstOp op;
  using K = wasm::ConstExpr::Kind;
  switch (e.kind) {
    case K::kI32:
      op = artifact::ConstOp::I32(static_cast<int32_t>(e.bits));
      break;
    case K::kI64:
      op = artifact::ConstOp::I64(static_cast<int64_t>(e.bits));
      break;
    case K::kF32:
      op.kind = artifact::ConstOp::Kind::kF32Const;
      op.lo = e.bits;
      break;
    case K::kF64:
      op.kind = artifact::ConstOp::Kind::kF64Const;
      op.lo = e.bits;
      break;
    case K::kV128:
      op.kind = artifact::ConstOp::Kind::kV128Const;
      op.lo = e.bits;
      op.hi = e.bits_hi;
      break;
    case K::kRefNull:
      op = artifact::ConstOp::RefNull(ToVal(e.ref_type));
      break;
    case K::kRefFunc:
      op = artifact::ConstOp::RefFunc(static_cast<uint32_t>(e.bits));
      break;
    case K::kGlobalGet:
      op = artifact::ConstOp::GlobalGet(static_cast<uint32_t>(e.bits));
      break;
    case K::kOther:
      return ToExtendedConst(env, e);
  }
  out.ops.push_back(op);
  return out;
}

}  // namespace

artifact::FuncType ToArtifactType(const wasm::FuncType& t) {
  artifact::FuncType out;
  for (wasm::ValType v : t.params()) out.params.push_back(ToVal(v));
  for (wasm::ValType v : t.results()) out.results.push_back(ToVal(v));
  return out;
}

std::vector<std::span<const uint8_t>> DataSegmentBytes(const wasm::ModuleEnv& env) {
  std::vector<std::span<const uint8_t>> out;
  out.reserve(env.datas.size());
  for (const wasm::DataSegment& s : env.datas)
    out.push_back(std::span<const uint8_t>(env.bytes).subspan(s.data_offset, s.data_size));
  return out;
}

Status FillModuleMetadata(const wasm::ModuleEnv& env, artifact::Artifact* out, bool copy_data) {
  for (const wasm::FuncType& t : env.types) out->types.push_back(ToArtifactType(t));
  for (const wasm::Import& im : env.imports) {
    artifact::Import a;
    a.module = im.module;
    a.name = im.name;
    a.kind = static_cast<artifact::ExternKind>(im.kind);
    switch (im.kind) {
      case wasm::ExternKind::kFunc:
        a.type_index = env.functions[im.index].type_index;
        break;
      case wasm::ExternKind::kTable:
        a.table.elem = ToVal(env.tables[im.index].type.elem);
        a.table.limits = ToLimits(env.tables[im.index].type.limits);
        break;
      case wasm::ExternKind::kMemory:
        a.memory.limits = ToLimits(env.memories[im.index].type.limits);
        a.memory.shared = env.memories[im.index].type.limits.shared;
        a.memory.is64 = env.memories[im.index].type.is64;
        break;
      case wasm::ExternKind::kGlobal:
        a.global.type = ToVal(env.globals[im.index].type.type);
        a.global.is_mutable = env.globals[im.index].type.mut;
        break;
    }
    out->imports.push_back(std::move(a));
  }
  for (uint32_t i = env.num_imported_functions; i < env.functions.size(); ++i) {
    artifact::Function f;
    f.type_index = env.functions[i].type_index;
    out->functions.push_back(f);
  }
  for (uint32_t i = env.num_imported_tables; i < env.tables.size(); ++i)
    out->tables.push_back({ToVal(env.tables[i].type.elem), ToLimits(env.tables[i].type.limits)});
  for (uint32_t i = env.num_imported_memories; i < env.memories.size(); ++i) {
    artifact::MemoryType m;
    m.limits = ToLimits(env.memories[i].type.limits);
    m.shared = env.memories[i].type.limits.shared;
    m.is64 = env.memories[i].type.is64;
    out->memories.push_back(m);
  }
  for (uint32_t i = env.num_imported_globals; i < env.globals.size(); ++i) {
    artifact::Global g;
    g.type.type = ToVal(env.globals[i].type.type);
    g.type.is_mutable = env.globals[i].type.mut;
    EGRET_ASSIGN_OR_RETURN(g.init, ToConst(env, env.globals[i].init));
    out->globals.push_back(std::move(g));
  }
  for (const wasm::Export& e : env.exports)
    out->exports.push_back({e.name, static_cast<artifact::ExternKind>(e.kind), e.index});
  out->start = env.start;
  for (const wasm::ElemSegment& s : env.elems) {
    artifact::ElementSegment a;
    a.mode = static_cast<artifact::SegmentMode>(s.mode);
    a.table_index = s.table;
    if (s.mode == wasm::SegmentMode::kActive) {
      EGRET_ASSIGN_OR_RETURN(a.offset, ToConst(env, s.offset_expr));
    }
    a.elem_type = ToVal(s.type);
    for (const wasm::ConstExpr& item : s.items) {
      EGRET_ASSIGN_OR_RETURN(artifact::ConstExpr c, ToConst(env, item));
      a.items.push_back(std::move(c));
    }
    out->elements.push_back(std::move(a));
  }
  for (const wasm::DataSegment& s : env.datas) {
    artifact::DataSegment a;
    a.mode = static_cast<artifact::SegmentMode>(s.mode);
    a.memory_index = s.memory;
    if (s.mode == wasm::SegmentMode::kActive) {
      EGRET_ASSIGN_OR_RETURN(a.offset, ToConst(env, s.offset_expr));
    }
    if (copy_data) {
      a.bytes.assign(env.bytes.begin() + s.data_offset,
                     env.bytes.begin() + s.data_offset + s.data_size);
    }
    out->data.push_back(std::move(a));
  }
  out->module_name = env.module_name;
  // By function index (the map's keys are distinct), each name copied once, from the map.
  std::vector<std::pair<uint32_t, const std::string*>> names;
  names.reserve(env.function_names.size());
  for (const auto& [index, name] : env.function_names)
    if (index < env.functions.size()) names.push_back({index, &name});
  std::sort(names.begin(), names.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  out->function_names.reserve(names.size());
  for (const auto& [index, name] : names) out->function_names.push_back({index, *name});
  return Status::Ok();
}

}  // namespace egret::compiler
