// decoder.cc: module sections (spec section 5.5).
//
// Each section is decoded from its own ByteReader over exactly its payload, so an entry that
// runs past the section end fails with "unexpected end" and a section with bytes left over fails
// with "section size mismatch". Vector counts are checked against the bytes left before anything
// is reserved, so a tiny module cannot ask for gigabytes.
#include "frontend/decoder.h"

#include <utility>

#include "frontend/operator_reader.h"
#include "support/leb128.h"

namespace egret::wasm {
namespace {

enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElement = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
};

// Position of a section in the required order (data count sits between element and code).
int SectionRank(uint8_t id) {
  switch (id) {
    case kDataCount:
      return 10;
    case kCode:
      return 11;
    case kData:
      return 12;
    default:
      return id;
  }
}

class Decoder {
 public:
  explicit Decoder(ModuleEnv* env) : env_(*env) {}

  Status Decode();

 private:
  Status DecodeSection(uint8_t id, ByteReader& r);
  Status DecodeTypes(ByteReader& r);
  Status DecodeImports(ByteReader& r);
  Status DecodeFunctions(ByteReader& r);
  Status DecodeTables(ByteReader& r);
  Status DecodeMemories(ByteReader& r);
  Status DecodeGlobals(ByteReader& r);
  Status DecodeExports(ByteReader& r);
  Status DecodeStart(ByteReader& r);
  Status DecodeElements(ByteReader& r);
  Status DecodeCode(ByteReader& r);
  Status DecodeData(ByteReader& r);
  Status DecodeCustom(ByteReader& r);
  void DecodeNameSection(ByteReader r);

  Expected<uint32_t> ReadCount(ByteReader& r);
  Expected<std::string> ReadName(ByteReader& r);
  Expected<ValType> ReadValType(ByteReader& r);
  Expected<ValType> ReadRefType(ByteReader& r);
  Status ReadLimits(ByteReader& r, Limits* limits);
  Status ReadMemoryType(ByteReader& r, MemoryType* t);
  Status ReadTableType(ByteReader& r, TableType* t);
  Status ReadGlobalType(ByteReader& r, GlobalType* t);
  Status ReadConstExpr(ByteReader& r, ConstExpr* e);

  ModuleEnv& env_;
  uint32_t num_function_decls_ = 0;  // entries of the function section
  bool saw_code_ = false;
  bool saw_data_ = false;
  std::vector<uint32_t> ref_funcs_;  // function indices named outside bodies
};

Expected<uint32_t> Decoder::ReadCount(ByteReader& r) {
  const uint64_t at = r.offset();
  EGRET_ASSIGN_OR_RETURN(uint32_t n, r.ReadU32());
  // Every vector element takes at least one byte.
  if (n > r.remaining())
    return Error(at,
                 "unexpected end (vector length " + std::to_string(n) + " exceeds the bytes left)");
  return n;
}

Expected<std::string> Decoder::ReadName(ByteReader& r) {
  const uint64_t at = r.offset();
  EGRET_ASSIGN_OR_RETURN(uint32_t n, r.ReadU32());
  if (n > r.remaining()) return Error(at, "unexpected end (name length out of bounds)");
  EGRET_ASSIGN_OR_RETURN(std::span<const uint8_t> s, r.ReadBytes(n));
  if (!IsValidUtf8(s)) return Error(at, "malformed UTF-8 encoding");
  return std::string(s.begin(), s.end());
}

Expected<ValType> Decoder::ReadValType(ByteReader& r) {
  const uint64_t at = r.offset();
  EGRET_ASSIGN_OR_RETURN(uint8_t b, r.ReadU8());
  std::optional<ValType> t = ValTypeFromByte(b);
  if (!t) return Error(at, "malformed value type");
  return *t;
}

Expected<ValType> Decoder::ReadRefType(ByteReader& r) {
  const uint64_t at = r.offset();
  EGRET_ASSIGN_OR_RETURN(uint8_t b, r.ReadU8());
  std::optional<ValType> t = ValTypeFromByte(b);
  if (!t || !IsRefType(*t)) return Error(at, "malformed reference type");
  return *t;
}

// Flags: bit 0 a maximum follows, bit 2 (memory64) the memory is i64-indexed. Other bits are
// malformed. With memory64 the limits are u64 LEB128 for every memory (the validator bounds a
// 32-bit memory's), else u32.
Status Decoder::ReadMemoryType(ByteReader& r, MemoryType* t) {
  const uint64_t at = r.offset();
  EGRET_ASSIGN_OR_RETURN(uint8_t flags, r.ReadU8());
  // Bit 1 (threads): shared, only with a maximum; 0x02 alone stays malformed (the core
  // binary.wast checks it; the text form `(memory 1 shared)` is what is invalid).
  const uint8_t known = (env_.features.has(WasmFeature::kMemory64) ? 0x05 : 0x01) | 0x02;
  if ((flags & ~known) || (flags & 0x03) == 0x02)
    return Error(at, (flags & ~0x07) == 0 && (flags & 0x03) != 0x02
                         ? "integer too large (malformed limits flags: 0x04, an i64 memory, needs "
                           "--wasm-features=+memory64)"
                         : "integer too large (malformed limits flags)");
  t->is64 = (flags & 0x04) != 0;
  Limits& l = t->limits;
  l.max.reset();
  l.shared = (flags & 0x02) != 0;
  if (env_.features.has(WasmFeature::kMemory64)) {
    EGRET_ASSIGN_OR_RETURN(l.min, r.ReadU64());
    if (flags & 1) {
      EGRET_ASSIGN_OR_RETURN(uint64_t max, r.ReadU64());
      l.max = max;
    }
    return Status::Ok();
  }
  EGRET_ASSIGN_OR_RETURN(uint32_t min, r.ReadU32());
  l.min = min;
  if (flags & 1) {
    EGRET_ASSIGN_OR_RETURN(uint32_t max, r.ReadU32());
    l.max = max;
  }
  return Status::Ok();
}

Status Decoder::ReadLimits(ByteReader& r, Limits* limits) {
  const uint64_t at = r.offset();
  EGRET_ASSIGN_OR_RETURN(uint8_t flags, r.ReadU8());
  if (flags > 1) return Error(at, "integer too large (malformed limits flags)");
  EGRET_ASSIGN_OR_RETURN(uint32_t min, r.ReadU32());
  limits->min = min;
  limits->max.reset();
  if (flags & 1) {
    EGRET_ASSIGN_OR_RETURN(uint32_t max, r.ReadU32());
    limits->max = max;
  }
  return Status::Ok();
}

Status Decoder::ReadTableType(ByteReader& r, TableType* t) {
  EGRET_ASSIGN_OR_RETURN(t->elem, ReadRefType(r));
  return ReadLimits(r, &t->limits);
}

Status Decoder::ReadGlobalType(ByteReader& r, GlobalType* t) {
  EGRET_ASSIGN_OR_RETURN(t->type, ReadValType(r));
  const uint64_t at = r.offset();
  EGRET_ASSIGN_OR_RETURN(uint8_t m, r.ReadU8());
  if (m > 1) return Error(at, "malformed mutability");
  t->mut = m == 1;
  return Status::Ok();
}

// Reads instructions up to the `end` that closes the expression. A single constant instruction
// is recorded in `e`; longer or other sequences are kOther and left to the validator.
Status Decoder::ReadConstExpr(ByteReader& r, ConstExpr* e) {
  const uint64_t start = r.offset();
  OperatorReader ops(r.bytes().subspan(r.pos()), start);
  Operator op;
  uint32_t depth = 0, count = 0;
  e->kind = ConstExpr::Kind::kOther;
  for (;;) {
    if (ops.at_end()) return Error(ops.offset(), "unexpected end of constant expression");
    EGRET_TRY(ops.Read(&op));
    if (op.op == Op::kEnd) {
      if (depth == 0) break;
      --depth;
    } else if (op.op == Op::kBlock || op.op == Op::kLoop || op.op == Op::kIf) {
      ++depth;
    }
    if (op.op == Op::kRefFunc) ref_funcs_.push_back(op.index);
    if (++count == 1) {
      switch (op.op) {
        case Op::kI32Const:
          e->kind = ConstExpr::Kind::kI32;
          e->bits = op.bits & 0xffffffffu;
          break;
        case Op::kI64Const:
          e->kind = ConstExpr::Kind::kI64;
          e->bits = op.bits;
          break;
        case Op::kF32Const:
          e->kind = ConstExpr::Kind::kF32;
          e->bits = op.bits;
          break;
        case Op::kF64Const:
          e->kind = ConstExpr::Kind::kF64;
          e->bits = op.bits;
          break;
        case Op::kV128Const:
          e->kind = ConstExpr::Kind::kV128;
          e->bits = op.bits;
          e->bits_hi = op.bits_hi;
          break;
        case Op::kRefNull:
          e->kind = ConstExpr::Kind::kRefNull;
          e->ref_type = op.type;
          break;
        case Op::kRefFunc:
          e->kind = ConstExpr::Kind::kRefFunc;
          e->bits = op.index;
          break;
        case Op::kGlobalGet:
          e->kind = ConstExpr::Kind::kGlobalGet;
          e->bits = op.index;
          break;
        default:
          e->kind = ConstExpr::Kind::kOther;
          break;
      }
    }
  }
  if (count != 1) e->kind = ConstExpr::Kind::kOther;  // not exactly one instruction + end
  const uint64_t size = ops.offset() - start;
  e->offset = static_cast<uint32_t>(start);
  e->size = static_cast<uint32_t>(size);
  EGRET_TRY(r.ReadBytes(size));
  return Status::Ok();
}

Status Decoder::DecodeTypes(ByteReader& r) {
  EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
  env_.types.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint8_t form, r.ReadU8());
    if (form != 0x60) return Error(at, "malformed function type (expected 0x60)");
    FuncType ft;
    EGRET_ASSIGN_OR_RETURN(uint32_t np, ReadCount(r));
    for (uint32_t k = 0; k < np; ++k) {
      EGRET_ASSIGN_OR_RETURN(ValType t, ReadValType(r));
      ft.types.push_back(t);
    }
    ft.num_params = np;
    EGRET_ASSIGN_OR_RETURN(uint32_t nr, ReadCount(r));
    for (uint32_t k = 0; k < nr; ++k) {
      EGRET_ASSIGN_OR_RETURN(ValType t, ReadValType(r));
      ft.types.push_back(t);
    }
    env_.types.push_back(std::move(ft));
  }
  return Status::Ok();
}

Status Decoder::DecodeImports(ByteReader& r) {
  EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
  for (uint32_t i = 0; i < n; ++i) {
    Import imp;
    imp.offset = static_cast<uint32_t>(r.offset());
    EGRET_ASSIGN_OR_RETURN(imp.module, ReadName(r));
    EGRET_ASSIGN_OR_RETURN(imp.name, ReadName(r));
    const uint64_t at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint8_t kind, r.ReadU8());
    switch (kind) {
      case 0: {
        Function f;
        EGRET_ASSIGN_OR_RETURN(f.type_index, r.ReadU32());
        f.imported = true;
        imp.index = static_cast<uint32_t>(env_.functions.size());
        env_.functions.push_back(f);
        ++env_.num_imported_functions;
        break;
      }
      case 1: {
        Table t;
        EGRET_TRY(ReadTableType(r, &t.type));
        t.imported = true;
        imp.index = static_cast<uint32_t>(env_.tables.size());
        env_.tables.push_back(t);
        ++env_.num_imported_tables;
        break;
      }
      case 2: {
        Memory m;
        EGRET_TRY(ReadMemoryType(r, &m.type));
        m.imported = true;
        imp.index = static_cast<uint32_t>(env_.memories.size());
        env_.memories.push_back(m);
        ++env_.num_imported_memories;
        break;
      }
      case 3: {
        Global g;
        EGRET_TRY(ReadGlobalType(r, &g.type));
        g.imported = true;
        imp.index = static_cast<uint32_t>(env_.globals.size());
        env_.globals.push_back(g);
        ++env_.num_imported_globals;
        break;
      }
      default:
        return Error(at, "malformed import kind");
    }
    imp.kind = static_cast<ExternKind>(kind);
    env_.imports.push_back(std::move(imp));
  }
  return Status::Ok();
}

Status Decoder::DecodeFunctions(ByteReader& r) {
  env_.function_section_offset = static_cast<uint32_t>(r.offset());
  EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
  num_function_decls_ = n;
  env_.functions.reserve(env_.functions.size() + n);
  for (uint32_t i = 0; i < n; ++i) {
    Function f;
    EGRET_ASSIGN_OR_RETURN(f.type_index, r.ReadU32());
    env_.functions.push_back(f);
  }
  return Status::Ok();
}

Status Decoder::DecodeTables(ByteReader& r) {
  EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
  for (uint32_t i = 0; i < n; ++i) {
    Table t;
    EGRET_TRY(ReadTableType(r, &t.type));
    env_.tables.push_back(t);
  }
  return Status::Ok();
}

Status Decoder::DecodeMemories(ByteReader& r) {
  EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
  for (uint32_t i = 0; i < n; ++i) {
    Memory m;
    EGRET_TRY(ReadMemoryType(r, &m.type));
    env_.memories.push_back(m);
  }
  return Status::Ok();
}

Status Decoder::DecodeGlobals(ByteReader& r) {
  EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
  for (uint32_t i = 0; i < n; ++i) {
    Global g;
    EGRET_TRY(ReadGlobalType(r, &g.type));
    EGRET_TRY(ReadConstExpr(r, &g.init));
    env_.globals.push_back(g);
  }
  return Status::Ok();
}

Status Decoder::DecodeExports(ByteReader& r) {
  EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
  for (uint32_t i = 0; i < n; ++i) {
    Export e;
    e.offset = static_cast<uint32_t>(r.offset());
    EGRET_ASSIGN_OR_RETURN(e.name, ReadName(r));
    const uint64_t at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint8_t kind, r.ReadU8());
    if (kind > 3) return Error(at, "malformed export kind");
    e.kind = static_cast<ExternKind>(kind);
    EGRET_ASSIGN_OR_RETURN(e.index, r.ReadU32());
    if (e.kind == ExternKind::kFunc) ref_funcs_.push_back(e.index);
    env_.exports.push_back(std::move(e));
  }
  return Status::Ok();
}

Status Decoder::DecodeStart(ByteReader& r) {
  env_.start_offset = static_cast<uint32_t>(r.offset());
  EGRET_ASSIGN_OR_RETURN(uint32_t idx, r.ReadU32());
  env_.start = idx;
  return Status::Ok();
}

Status Decoder::DecodeElements(ByteReader& r) {
  EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
  for (uint32_t i = 0; i < n; ++i) {
    ElemSegment seg;
    seg.offset = static_cast<uint32_t>(r.offset());
    EGRET_ASSIGN_OR_RETURN(uint32_t flags, r.ReadU32());
    if (flags > 7) return Error(seg.offset, "malformed elements segment kind");
    // Bit 0: passive or declarative (else active); bit 1: explicit table index (active) or
    // declarative (otherwise); bit 2: expressions instead of function indices.
    const bool not_active = flags & 1;
    const bool bit1 = flags & 2;
    const bool exprs = flags & 4;
    if (!not_active) {
      seg.mode = SegmentMode::kActive;
      if (bit1) {
        EGRET_ASSIGN_OR_RETURN(seg.table, r.ReadU32());
      }
      EGRET_TRY(ReadConstExpr(r, &seg.offset_expr));
    } else {
      seg.mode = bit1 ? SegmentMode::kDeclarative : SegmentMode::kPassive;
    }
    // Flags 0 and 4 imply funcref; the others spell out an elemkind or a reference type.
    if (not_active || bit1) {
      if (exprs) {
        EGRET_ASSIGN_OR_RETURN(seg.type, ReadRefType(r));
      } else {
        const uint64_t at = r.offset();
        EGRET_ASSIGN_OR_RETURN(uint8_t kind, r.ReadU8());
        if (kind != 0) return Error(at, "malformed element kind");
        seg.type = ValType::kFuncRef;
      }
    }
    EGRET_ASSIGN_OR_RETURN(uint32_t count, ReadCount(r));
    seg.items.resize(count);
    for (uint32_t k = 0; k < count; ++k) {
      ConstExpr& item = seg.items[k];
      if (exprs) {
        EGRET_TRY(ReadConstExpr(r, &item));
      } else {
        item.offset = static_cast<uint32_t>(r.offset());
        EGRET_ASSIGN_OR_RETURN(uint32_t f, r.ReadU32());
        item.kind = ConstExpr::Kind::kRefFunc;
        item.bits = f;
        item.size = static_cast<uint32_t>(r.offset() - item.offset);
        ref_funcs_.push_back(f);
      }
    }
    env_.elems.push_back(std::move(seg));
  }
  return Status::Ok();
}

Status Decoder::DecodeCode(ByteReader& r) {
  saw_code_ = true;
  env_.code_section_offset = static_cast<uint32_t>(r.offset());
  const uint64_t at = r.offset();
  EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
  if (n != num_function_decls_)
    return Error(at, "function and code section have inconsistent lengths");
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t size_at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint32_t size, r.ReadU32());
    if (size > r.remaining()) return Error(size_at, "unexpected end (function body size)");
    Function& f = env_.functions[env_.num_imported_functions + i];
    f.body_offset = static_cast<uint32_t>(r.offset());
    f.body_size = size;
    EGRET_TRY(r.ReadBytes(size));
  }
  return Status::Ok();
}

Status Decoder::DecodeData(ByteReader& r) {
  saw_data_ = true;
  const uint64_t at = r.offset();
  EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
  if (env_.data_count && *env_.data_count != n)
    return Error(at, "data count and data section have inconsistent lengths");
  for (uint32_t i = 0; i < n; ++i) {
    DataSegment seg;
    seg.offset = static_cast<uint32_t>(r.offset());
    EGRET_ASSIGN_OR_RETURN(uint32_t flags, r.ReadU32());
    if (flags > 2) return Error(seg.offset, "malformed data segment kind");
    if (flags == 1) {
      seg.mode = SegmentMode::kPassive;
    } else {
      seg.mode = SegmentMode::kActive;
      if (flags == 2) {
        EGRET_ASSIGN_OR_RETURN(seg.memory, r.ReadU32());
      }
      EGRET_TRY(ReadConstExpr(r, &seg.offset_expr));
    }
    const uint64_t size_at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint32_t size, r.ReadU32());
    if (size > r.remaining()) return Error(size_at, "unexpected end of section or function");
    seg.data_offset = static_cast<uint32_t>(r.offset());
    seg.data_size = size;
    EGRET_TRY(r.ReadBytes(size));
    env_.datas.push_back(seg);
  }
  return Status::Ok();
}

Status Decoder::DecodeCustom(ByteReader& r) {
  CustomSection c;
  EGRET_ASSIGN_OR_RETURN(c.name, ReadName(r));
  c.offset = static_cast<uint32_t>(r.offset());
  c.size = static_cast<uint32_t>(r.remaining());
  EGRET_TRY(r.ReadBytes(r.remaining()));
  if (c.name == "name") {
    DecodeNameSection(
        ByteReader(std::span<const uint8_t>(env_.bytes).subspan(c.offset, c.size), c.offset));
  }
  env_.customs.push_back(std::move(c));
  return Status::Ok();
}

// The name section is advisory: a malformed one is dropped, never an error. Subsection 0 is the
// module name, 1 the function names, 2 the local names (an indirect name map).
void Decoder::DecodeNameSection(ByteReader r) {
  auto read_map = [&](ByteReader& s, std::unordered_map<uint32_t, std::string>* out) -> bool {
    Expected<uint32_t> n = ReadCount(s);
    if (!n.ok()) return false;
    for (uint32_t i = 0; i < *n; ++i) {
      Expected<uint32_t> idx = s.ReadU32();
      if (!idx.ok()) return false;
      Expected<std::string> name = ReadName(s);
      if (!name.ok()) return false;
      (*out)[*idx] = std::move(*name);
    }
    return true;
  };
  while (!r.at_end()) {
    Expected<uint8_t> id = r.ReadU8();
    Expected<uint32_t> size = id.ok() ? r.ReadU32() : Expected<uint32_t>(Error("bad"));
    if (!size.ok() || *size > r.remaining()) return;
    const uint64_t off = r.offset();
    ByteReader s(r.bytes().subspan(r.pos(), *size), off);
    (void)r.ReadBytes(*size);
    if (*id == 0) {
      Expected<std::string> name = ReadName(s);
      if (!name.ok()) return;
      env_.module_name = std::move(*name);
    } else if (*id == 1) {
      if (!read_map(s, &env_.function_names)) return;
    } else if (*id == 2) {
      Expected<uint32_t> n = ReadCount(s);
      if (!n.ok()) return;
      for (uint32_t i = 0; i < *n; ++i) {
        Expected<uint32_t> func = s.ReadU32();
        if (!func.ok()) return;
        if (!read_map(s, &env_.local_names[*func])) return;
      }
    }
  }
}

Status Decoder::DecodeSection(uint8_t id, ByteReader& r) {
  switch (id) {
    case kCustom:
      return DecodeCustom(r);
    case kType:
      return DecodeTypes(r);
    case kImport:
      return DecodeImports(r);
    case kFunction:
      return DecodeFunctions(r);
    case kTable:
      return DecodeTables(r);
    case kMemory:
      return DecodeMemories(r);
    case kGlobal:
      return DecodeGlobals(r);
    case kExport:
      return DecodeExports(r);
    case kStart:
      return DecodeStart(r);
    case kElement:
      return DecodeElements(r);
    case kCode:
      return DecodeCode(r);
    case kData:
      return DecodeData(r);
    case kDataCount: {
      EGRET_ASSIGN_OR_RETURN(uint32_t n, r.ReadU32());
      env_.data_count = n;
      return Status::Ok();
    }
  }
  return Error(r.offset(), "malformed section id");
}

Status Decoder::Decode() {
  ByteReader r(env_.bytes);
  if (env_.bytes.size() < 4 || env_.bytes[0] != 0 || env_.bytes[1] != 'a' || env_.bytes[2] != 's' ||
      env_.bytes[3] != 'm')
    return Error(0, "magic header not detected");
  EGRET_TRY(r.ReadBytes(4));
  if (env_.bytes.size() < 8) return Error(4, "unexpected end (unknown binary version)");
  EGRET_ASSIGN_OR_RETURN(uint32_t version, r.ReadFixedU32());
  if (version != 1) return Error(4, "unknown binary version");

  int last_rank = 0;
  while (!r.at_end()) {
    const uint64_t section_at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint8_t id, r.ReadU8());
    if (id > kDataCount) return Error(section_at, "malformed section id");
    const uint64_t size_at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint32_t size, r.ReadU32());
    if (size > r.remaining()) return Error(size_at, "unexpected end (section size out of bounds)");
    if (id != kCustom) {
      const int rank = SectionRank(id);
      if (rank <= last_rank)
        return Error(section_at, "unexpected content after last section (section out of order)");
      last_rank = rank;
    }
    ByteReader s(r.bytes().subspan(r.pos(), size), r.offset());
    EGRET_TRY(r.ReadBytes(size));
    EGRET_TRY(DecodeSection(id, s));
    if (!s.at_end()) return Error(s.offset(), "section size mismatch");
  }
  if (num_function_decls_ != 0 && !saw_code_)
    return Error(r.offset(), "function and code section have inconsistent lengths");
  if (env_.data_count && *env_.data_count != 0 && !saw_data_)
    return Error(r.offset(), "data count and data section have inconsistent lengths");

  env_.declared_refs.assign(env_.functions.size(), false);
  for (uint32_t f : ref_funcs_)
    if (f < env_.declared_refs.size()) env_.declared_refs[f] = true;
  return Status::Ok();
}

}  // namespace

bool IsValidUtf8(std::span<const uint8_t> s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    int n;
    uint32_t cp;
    if ((b & 0xe0) == 0xc0) {
      n = 1;
      cp = b & 0x1f;
    } else if ((b & 0xf0) == 0xe0) {
      n = 2;
      cp = b & 0x0f;
    } else if ((b & 0xf8) == 0xf0) {
      n = 3;
      cp = b & 0x07;
    } else {
      return false;
    }
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

Expected<ModuleEnv> DecodeModule(ModuleBytes bytes, std::string file, WasmFeatures features) {
  ModuleEnv env;
  env.bytes = std::move(bytes);
  env.file = std::move(file);
  env.features = features;
  Decoder d(&env);
  Status st = d.Decode();
  if (!st.ok()) {
    Error e = std::move(st).error();
    e.InFile(env.file);
    return e;
  }
  return env;
}

}  // namespace egret::wasm
