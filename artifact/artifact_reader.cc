// artifact_reader.cc: see artifact_reader.h.
//
// Sections come in increasing id order, and every section only refers to sections before it
// (text precedes the function table; types precede imports and functions; ...), so each item is
// validated completely when it is parsed, with the reader's offset at hand for the error.
//
// Code ranges are the exception: the functions and wasm_to_array sections both declare them, so
// they are collected with the file offset of their field and checked together (CheckCodeLayout)
// as soon as the reader moves past section 5. From then on `code_` is the sorted, disjoint list
// of every range the compiler declared, and the trap, relocation and source-location sections
// look their offsets up in it: nothing the runtime turns into a pointer may fall into padding,
// a veneer island, or the middle of another range.
#include "artifact/artifact_reader.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "artifact/builtin.h"
#include "artifact/checksum.h"
#include "artifact/format.h"
#include "support/leb128.h"

namespace egret::artifact {
namespace {

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

class Parser {
 public:
  Parser(Artifact& a, std::span<const uint8_t>* borrowed_text)
      : a_(a),
        insn_align_(a.target == Target::kAarch64 ? uint32_t{4} : uint32_t{1}),
        borrowed_text_(borrowed_text) {}

  Status ParsePayload(std::span<const uint8_t> payload) {
    ByteReader r(payload, kHeaderSize);
    int last_id = -1;
    while (!r.at_end()) {
      const uint64_t id_offset = r.offset();
      EGRET_ASSIGN_OR_RETURN(uint8_t id, r.ReadU8());
      // Every readable version (7 on) knows all sections up to kMaxSectionId.
      if (id > kMaxSectionId)
        return Error(id_offset, "artifact: unknown section id " + std::to_string(id));
      if (id <= last_id)
        return Error(id_offset,
                     "artifact: section " + std::to_string(id) + " is out of order or repeated");
      last_id = id;
      if (id > uint8_t(SectionId::kWasmToArray)) EGRET_TRY(CheckCodeLayout());
      EGRET_ASSIGN_OR_RETURN(uint32_t size, r.ReadU32());
      if (size > r.remaining())
        return Error(id_offset, "artifact: section " + std::to_string(id) + " size " +
                                    std::to_string(size) + " runs past the end of the file");
      const uint64_t contents_offset = r.offset();
      EGRET_ASSIGN_OR_RETURN(auto contents, r.ReadBytes(size));
      ByteReader s(contents, contents_offset);
      EGRET_TRY(ParseSection(SectionId(id), s));
      if (!s.at_end())
        return Error(s.offset(), "artifact: section " + std::to_string(id) + " has trailing bytes");
    }
    return CheckCodeLayout();
  }

 private:
  Status ParseSection(SectionId id, ByteReader& s) {
    switch (id) {
      case SectionId::kTypes:
        return ParseTypes(s);
      case SectionId::kImports:
        return ParseImports(s);
      case SectionId::kPadding:
        for (size_t i = 0; i < s.bytes().size(); ++i)
          if (s.bytes()[i] != 0)
            return Error(s.offset() + i, "artifact: padding section holds a non-zero byte");
        return SkipAll(s);
      case SectionId::kText:
        text_size_ = s.bytes().size();
        if (borrowed_text_ != nullptr)
          *borrowed_text_ = s.bytes();
        else
          a_.text.assign(s.bytes().begin(), s.bytes().end());
        return SkipAll(s);
      case SectionId::kFunctions:
        return ParseFunctions(s);
      case SectionId::kWasmToArray:
        return ParseWasmToArray(s);
      case SectionId::kTables:
        return ParseList(s, [&](ByteReader& r) -> Status {
          EGRET_ASSIGN_OR_RETURN(TableType t, ReadTableType(r));
          a_.tables.push_back(t);
          table_types_.push_back(t);
          return Status::Ok();
        });
      case SectionId::kMemories:
        return ParseList(s, [&](ByteReader& r) -> Status {
          EGRET_ASSIGN_OR_RETURN(MemoryType m, ReadMemoryType(r));
          a_.memories.push_back(m);
          memory_types_.push_back(m);
          return Status::Ok();
        });
      case SectionId::kGlobals:
        return ParseGlobals(s);
      case SectionId::kExports:
        return ParseExports(s);
      case SectionId::kStart:
        return ParseStart(s);
      case SectionId::kElements:
        return ParseElements(s);
      case SectionId::kData:
        return ParseData(s);
      case SectionId::kTraps:
        return ParseTraps(s);
      case SectionId::kRelocations:
        return ParseRelocations(s);
      case SectionId::kSourceLocs:
        return ParseSourceLocs(s);
      case SectionId::kStackMaps:
        return ParseStackMaps(s);
      case SectionId::kFrameRanges:
        return ParseFrameRanges(s);
      case SectionId::kNames:
        return ParseNames(s);
    }
    return Error(s.offset(), "artifact: unknown section");
  }

  static Status SkipAll(ByteReader& s) {
    EGRET_TRY(s.ReadBytes(s.remaining()));
    return Status::Ok();
  }

  // Reads a count; each item takes at least `min_item_bytes`, which bounds what a corrupt count
  // can make us allocate.
  static Expected<uint32_t> ReadCount(ByteReader& r, size_t min_item_bytes = 1) {
    const uint64_t at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint32_t n, r.ReadU32());
    if (uint64_t(n) * min_item_bytes > r.remaining())
      return Error(at, "artifact: count " + std::to_string(n) + " exceeds the remaining " +
                           std::to_string(r.remaining()) + " bytes");
    return n;
  }

  template <class F>
  static Status ParseList(ByteReader& r, F&& item) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
    for (uint32_t i = 0; i < n; ++i) EGRET_TRY(item(r));
    return Status::Ok();
  }

  static Expected<std::string> ReadString(ByteReader& r) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
    EGRET_ASSIGN_OR_RETURN(auto bytes, r.ReadBytes(n));
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }

  static Expected<ValType> ReadValType(ByteReader& r) {
    const uint64_t at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint8_t b, r.ReadU8());
    if (!IsValidValType(b)) return Error(at, "artifact: invalid value type " + Hex(b));
    return ValType(b);
  }

  static Expected<ValType> ReadRefType(ByteReader& r) {
    const uint64_t at = r.offset();
    EGRET_ASSIGN_OR_RETURN(ValType t, ReadValType(r));
    if (!IsRefType(t)) return Error(at, "artifact: expected a reference type");
    return t;
  }

  Expected<uint32_t> ReadIndex(ByteReader& r, uint64_t bound, const char* what) {
    const uint64_t at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint32_t i, r.ReadU32());
    if (i >= bound)
      return Error(at, std::string("artifact: ") + what + " index " + std::to_string(i) +
                           " out of range (" + std::to_string(bound) + ")");
    return i;
  }

  static Expected<Limits> ReadLimits(ByteReader& r, uint8_t allowed_flags, uint64_t bound,
                                     uint8_t* flags_out) {
    const uint64_t at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint8_t flags, r.ReadU8());
    if (flags & ~(allowed_flags | kLimitsHasMax))
      return Error(at, "artifact: invalid limits flags " + Hex(flags));
    if ((flags & kMemoryIs64) == 0 && bound == kMaxMemory64Pages) bound = kMaxMemory32Pages;
    Limits l;
    const uint64_t min_at = r.offset();
    EGRET_ASSIGN_OR_RETURN(l.min, r.ReadU64());
    if (l.min > bound)
      return Error(min_at, "artifact: minimum size " + std::to_string(l.min) + " exceeds " +
                               std::to_string(bound));
    if (flags & kLimitsHasMax) {
      const uint64_t max_at = r.offset();
      EGRET_ASSIGN_OR_RETURN(uint64_t max, r.ReadU64());
      if (max > bound)
        return Error(max_at, "artifact: maximum size " + std::to_string(max) + " exceeds " +
                                 std::to_string(bound));
      if (max < l.min) return Error(max_at, "artifact: maximum size is below the minimum");
      l.max = max;
    }
    *flags_out = flags;
    return l;
  }

  static Expected<TableType> ReadTableType(ByteReader& r) {
    TableType t;
    EGRET_ASSIGN_OR_RETURN(t.elem, ReadRefType(r));
    uint8_t flags;
    EGRET_ASSIGN_OR_RETURN(t.limits, ReadLimits(r, 0, kMaxTableElements, &flags));
    return t;
  }

  static Expected<MemoryType> ReadMemoryType(ByteReader& r) {
    const uint64_t at = r.offset();
    MemoryType m;
    uint8_t flags;
    EGRET_ASSIGN_OR_RETURN(m.limits,
                           ReadLimits(r, kMemoryIs64 | kMemoryShared, kMaxMemory64Pages, &flags));
    m.is64 = flags & kMemoryIs64;
    m.shared = flags & kMemoryShared;
    if (m.shared && !m.limits.max) return Error(at, "artifact: shared memory needs a maximum");
    return m;
  }

  static Expected<GlobalType> ReadGlobalType(ByteReader& r) {
    GlobalType g;
    EGRET_ASSIGN_OR_RETURN(g.type, ReadValType(r));
    const uint64_t at = r.offset();
    EGRET_ASSIGN_OR_RETURN(uint8_t m, r.ReadU8());
    if (m > 1) return Error(at, "artifact: invalid mutability " + Hex(m));
    g.is_mutable = m;
    return g;
  }

  Expected<CodeRange> ReadRange(ByteReader& r, bool allow_empty, const char* what) {
    const uint64_t at = r.offset();
    CodeRange c;
    EGRET_ASSIGN_OR_RETURN(c.offset, r.ReadU32());
    EGRET_ASSIGN_OR_RETURN(c.size, r.ReadU32());
    if (c.size == 0) {
      if (!allow_empty) return Error(at, std::string("artifact: empty ") + what);
      if (c.offset != 0)
        return Error(
            at, std::string("artifact: empty ") + what + " at " + Hex(c.offset) + " (must be 0)");
      return c;
    }
    if (uint64_t(c.offset) + c.size > text_size_)
      return Error(at, std::string("artifact: ") + what + " [" + Hex(c.offset) + ", +" +
                           Hex(c.size) + ") lies outside the text section (size " +
                           Hex(text_size_) + ")");
    if (c.offset % insn_align_ != 0 || c.size % insn_align_ != 0)
      return Error(at, std::string("artifact: ") + what + " [" + Hex(c.offset) + ", +" +
                           Hex(c.size) + ") is not aligned to " + std::to_string(insn_align_) +
                           " bytes (the " + std::string(TargetName(a_.target)) +
                           " instruction size)");
    return c;
  }

  // --- Code layout ---------------------------------------------------------------------------

  enum class RangeKind : uint8_t { kBody, kArrayCall, kWasmToArray };

  // A non-empty code range declared by the functions or wasm_to_array section. `index` is the
  // defined-function index (bodies, array_call trampolines) or the type index (wasm-to-array
  // trampolines); `at` is the file offset of its field, for errors.
  struct DeclaredRange {
    CodeRange range;
    RangeKind kind = RangeKind::kBody;
    uint32_t index = 0;
    uint64_t at = 0;
  };

  static std::string Describe(const DeclaredRange& d) {
    std::string out;
    switch (d.kind) {
      case RangeKind::kBody:
        out = "body of defined function " + std::to_string(d.index);
        break;
      case RangeKind::kArrayCall:
        out = "array_call trampoline of defined function " + std::to_string(d.index);
        break;
      case RangeKind::kWasmToArray:
        out = "wasm-to-array trampoline for type " + std::to_string(d.index);
        break;
    }
    return out + " [" + Hex(d.range.offset) + ", +" + Hex(d.range.size) + ")";
  }

  void Declare(const CodeRange& range, RangeKind kind, uint32_t index, uint64_t at) {
    if (!range.empty()) code_.push_back({range, kind, index, at});
  }

  // Sorts the declared ranges and rejects any overlap, so that every entry point the runtime
  // computes (a body's wasm_call entry, an array_call or wasm-to-array trampoline) is the first
  // byte of a range of its own kind that no other range shares. One exception: an array_call
  // range may be exactly its own function's body (a body written directly in the array calling
  // convention, as hand-assembled runtime tests do); it still starts a range and cannot point
  // into the middle of one. Runs once, when the reader passes section 5 or reaches the end.
  Status CheckCodeLayout() {
    if (code_checked_) return Status::Ok();
    code_checked_ = true;
    std::stable_sort(code_.begin(), code_.end(),
                     [](const DeclaredRange& x, const DeclaredRange& y) {
                       return x.range.offset < y.range.offset;
                     });
    std::vector<DeclaredRange> disjoint;
    disjoint.reserve(code_.size());
    for (const DeclaredRange& cur : code_) {
      if (!disjoint.empty()) {
        // The last accepted range ends furthest: the accepted ones are sorted and disjoint.
        const DeclaredRange& prev = disjoint.back();
        if (cur.range.offset < prev.range.end()) {
          const bool own_body =
              cur.range == prev.range && cur.index == prev.index &&
              ((cur.kind == RangeKind::kArrayCall && prev.kind == RangeKind::kBody) ||
               (cur.kind == RangeKind::kBody && prev.kind == RangeKind::kArrayCall));
          if (own_body) {
            if (cur.kind == RangeKind::kBody) disjoint.back() = cur;  // keep the body for lookups
            continue;
          }
          // Bodies are sorted and disjoint among themselves (ParseFunctions), so at most one of
          // the two is a body: blame the trampoline, else the field that comes later.
          const bool blame_cur =
              prev.kind == RangeKind::kBody || (cur.kind != RangeKind::kBody && cur.at > prev.at);
          const DeclaredRange& culprit = blame_cur ? cur : prev;
          const DeclaredRange& other = blame_cur ? prev : cur;
          return Error(culprit.at, "artifact: " + Describe(culprit) + " overlaps the " +
                                       Describe(other) +
                                       ": every entry point must start a range of its own");
        }
      }
      disjoint.push_back(cur);
    }
    code_ = std::move(disjoint);
    return Status::Ok();
  }

  // The declared range containing text offset `offset`, or nullptr (padding, veneer islands).
  // Callers walk sorted tables (traps, relocations, source locations), so `*cursor` (an index
  // into `code_`, 0 at the start of a table) only moves forward: a table costs O(its size +
  // ranges), not a binary search per entry. `offset` must not decrease between calls.
  const DeclaredRange* CodeContaining(uint32_t offset, size_t* cursor) const {
    size_t& i = *cursor;
    while (i < code_.size() && code_[i].range.end() <= offset) ++i;
    return i < code_.size() && code_[i].range.offset <= offset ? &code_[i] : nullptr;
  }

  // Parses a constant expression and checks that it yields exactly one `expected` value.
  // `visible_globals`: global.get may name globals below this index, which must be immutable.
  Expected<ConstExpr> ReadConstExpr(ByteReader& r, ValType expected, uint32_t visible_globals) {
    const uint64_t start = r.offset();
    ConstExpr e;
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(r));
    e.ops.reserve(n);
    // Type stack; 64 entries is far beyond what extended-const producers emit.
    ValType stack[64];
    size_t depth = 0;
    auto push = [&](ValType t, uint64_t at) -> Status {
      if (depth == std::size(stack)) return Error(at, "artifact: constant expression too deep");
      stack[depth++] = t;
      return Status::Ok();
    };
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t at = r.offset();
      EGRET_ASSIGN_OR_RETURN(uint8_t k, r.ReadU8());
      if (k >= ConstOp::kNumKinds)
        return Error(at, "artifact: invalid constant-expression opcode " + Hex(k));
      ConstOp op;
      op.kind = ConstOp::Kind(k);
      using K = ConstOp::Kind;
      switch (op.kind) {
        case K::kI32Const: {
          EGRET_ASSIGN_OR_RETURN(int32_t v, r.ReadS32());
          op.lo = uint64_t(int64_t(v));
          EGRET_TRY(push(ValType::kI32, at));
          break;
        }
        case K::kI64Const: {
          EGRET_ASSIGN_OR_RETURN(int64_t v, r.ReadS64());
          op.lo = uint64_t(v);
          EGRET_TRY(push(ValType::kI64, at));
          break;
        }
        case K::kF32Const: {
          EGRET_ASSIGN_OR_RETURN(op.lo, r.ReadFixedU32());
          EGRET_TRY(push(ValType::kF32, at));
          break;
        }
        case K::kF64Const: {
          EGRET_ASSIGN_OR_RETURN(op.lo, r.ReadFixedU64());
          EGRET_TRY(push(ValType::kF64, at));
          break;
        }
        case K::kV128Const: {
          EGRET_ASSIGN_OR_RETURN(op.lo, r.ReadFixedU64());
          EGRET_ASSIGN_OR_RETURN(op.hi, r.ReadFixedU64());
          EGRET_TRY(push(ValType::kV128, at));
          break;
        }
        case K::kRefNull: {
          EGRET_ASSIGN_OR_RETURN(ValType t, ReadRefType(r));
          op.index = uint32_t(t);
          EGRET_TRY(push(t, at));
          break;
        }
        case K::kRefFunc: {
          EGRET_ASSIGN_OR_RETURN(op.index, ReadIndex(r, NumFuncs(), "function"));
          EGRET_TRY(push(ValType::kFuncRef, at));
          break;
        }
        case K::kGlobalGet: {
          EGRET_ASSIGN_OR_RETURN(op.index, ReadIndex(r, visible_globals, "global"));
          const GlobalType& g = global_types_[op.index];
          if (g.is_mutable)
            return Error(at, "artifact: constant expression reads mutable global " +
                                 std::to_string(op.index));
          EGRET_TRY(push(g.type, at));
          break;
        }
        default: {  // binary arithmetic
          const bool is32 = k <= uint8_t(K::kI32Mul);
          const ValType t = is32 ? ValType::kI32 : ValType::kI64;
          if (depth < 2 || stack[depth - 1] != t || stack[depth - 2] != t)
            return Error(at, std::string("artifact: constant-expression arithmetic needs two ") +
                                 std::string(ValTypeName(t)) + " operands");
          --depth;
          break;
        }
      }
      e.ops.push_back(op);
    }
    if (depth != 1 || stack[0] != expected)
      return Error(start, "artifact: constant expression must produce one " +
                              std::string(ValTypeName(expected)));
    return e;
  }

  Status ParseTypes(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 2));
    a_.types.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      FuncType t;
      EGRET_ASSIGN_OR_RETURN(uint32_t np, ReadCount(s));
      t.params.reserve(np);
      for (uint32_t j = 0; j < np; ++j) {
        EGRET_ASSIGN_OR_RETURN(ValType v, ReadValType(s));
        t.params.push_back(v);
      }
      EGRET_ASSIGN_OR_RETURN(uint32_t nr, ReadCount(s));
      t.results.reserve(nr);
      for (uint32_t j = 0; j < nr; ++j) {
        EGRET_ASSIGN_OR_RETURN(ValType v, ReadValType(s));
        t.results.push_back(v);
      }
      a_.types.push_back(std::move(t));
    }
    return Status::Ok();
  }

  Status ParseImports(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 4));
    a_.imports.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      Import im;
      EGRET_ASSIGN_OR_RETURN(im.module, ReadString(s));
      EGRET_ASSIGN_OR_RETURN(im.name, ReadString(s));
      const uint64_t at = s.offset();
      EGRET_ASSIGN_OR_RETURN(uint8_t kind, s.ReadU8());
      if (kind > uint8_t(ExternKind::kGlobal))
        return Error(at, "artifact: invalid import kind " + Hex(kind));
      im.kind = ExternKind(kind);
      switch (im.kind) {
        case ExternKind::kFunc: {
          EGRET_ASSIGN_OR_RETURN(im.type_index, ReadIndex(s, a_.types.size(), "type"));
          ++imported_funcs_;
          break;
        }
        case ExternKind::kTable: {
          EGRET_ASSIGN_OR_RETURN(im.table, ReadTableType(s));
          table_types_.push_back(im.table);
          break;
        }
        case ExternKind::kMemory: {
          EGRET_ASSIGN_OR_RETURN(im.memory, ReadMemoryType(s));
          memory_types_.push_back(im.memory);
          break;
        }
        case ExternKind::kGlobal: {
          EGRET_ASSIGN_OR_RETURN(im.global, ReadGlobalType(s));
          global_types_.push_back(im.global);
          break;
        }
      }
      a_.imports.push_back(std::move(im));
    }
    return Status::Ok();
  }

  Status ParseFunctions(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 5));
    a_.functions.reserve(n);
    uint64_t prev_end = 0;
    for (uint32_t i = 0; i < n; ++i) {
      Function f;
      EGRET_ASSIGN_OR_RETURN(f.type_index, ReadIndex(s, a_.types.size(), "type"));
      const uint64_t body_at = s.offset();
      EGRET_ASSIGN_OR_RETURN(f.body, ReadRange(s, false, "function body"));
      if (f.body.offset < prev_end)
        return Error(body_at, "artifact: function " + std::to_string(i) +
                                  " body overlaps or precedes the previous one");
      prev_end = f.body.end();
      const uint64_t array_at = s.offset();
      EGRET_ASSIGN_OR_RETURN(f.array_call, ReadRange(s, true, "array_call trampoline"));
      Declare(f.body, RangeKind::kBody, i, body_at);
      Declare(f.array_call, RangeKind::kArrayCall, i, array_at);
      a_.functions.push_back(f);
    }
    return Status::Ok();
  }

  Status ParseWasmToArray(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 3));
    a_.wasm_to_array.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      WasmToArrayTrampoline t;
      const uint64_t at = s.offset();
      EGRET_ASSIGN_OR_RETURN(t.type_index, ReadIndex(s, a_.types.size(), "type"));
      if (i > 0 && t.type_index <= a_.wasm_to_array.back().type_index)
        return Error(at, "artifact: wasm-to-array trampolines are not sorted by type");
      const uint64_t code_at = s.offset();
      EGRET_ASSIGN_OR_RETURN(t.code, ReadRange(s, false, "wasm-to-array trampoline"));
      Declare(t.code, RangeKind::kWasmToArray, t.type_index, code_at);
      a_.wasm_to_array.push_back(t);
    }
    return Status::Ok();
  }

  Status ParseGlobals(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 3));
    a_.globals.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      Global g;
      EGRET_ASSIGN_OR_RETURN(g.type, ReadGlobalType(s));
      EGRET_ASSIGN_OR_RETURN(g.init, ReadConstExpr(s, g.type.type, uint32_t(global_types_.size())));
      global_types_.push_back(g.type);
      a_.globals.push_back(std::move(g));
    }
    return Status::Ok();
  }

  Status ParseExports(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 3));
    a_.exports.reserve(n);
    std::vector<std::pair<std::string_view, uint64_t>> names;
    names.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      Export e;
      const uint64_t name_at = s.offset();
      EGRET_ASSIGN_OR_RETURN(e.name, ReadString(s));
      const uint64_t at = s.offset();
      EGRET_ASSIGN_OR_RETURN(uint8_t kind, s.ReadU8());
      if (kind > uint8_t(ExternKind::kGlobal))
        return Error(at, "artifact: invalid export kind " + Hex(kind));
      e.kind = ExternKind(kind);
      uint64_t bound = 0;
      switch (e.kind) {
        case ExternKind::kFunc:
          bound = NumFuncs();
          break;
        case ExternKind::kTable:
          bound = uint32_t(table_types_.size());
          break;
        case ExternKind::kMemory:
          bound = uint32_t(memory_types_.size());
          break;
        case ExternKind::kGlobal:
          bound = uint32_t(global_types_.size());
          break;
      }
      EGRET_ASSIGN_OR_RETURN(e.index, ReadIndex(s, bound, "export"));
      a_.exports.push_back(std::move(e));
      names.emplace_back(std::string_view(), name_at);
    }
    for (uint32_t i = 0; i < n; ++i) names[i].first = a_.exports[i].name;
    std::sort(names.begin(), names.end());
    for (size_t i = 1; i < names.size(); ++i)
      if (names[i].first == names[i - 1].first)
        return Error(names[i].second,
                     "artifact: duplicate export name \"" + std::string(names[i].first) + "\"");
    return Status::Ok();
  }

  Status ParseStart(ByteReader& s) {
    const uint64_t at = s.offset();
    EGRET_ASSIGN_OR_RETURN(uint32_t f, ReadIndex(s, NumFuncs(), "start function"));
    const FuncType* t = a_.FunctionType(f);
    if (t == nullptr || !t->params.empty() || !t->results.empty())
      return Error(at, "artifact: start function must have type () -> ()");
    a_.start = f;
    return Status::Ok();
  }

  Expected<SegmentMode> ReadMode(ByteReader& s, bool allow_declarative) {
    const uint64_t at = s.offset();
    EGRET_ASSIGN_OR_RETURN(uint8_t m, s.ReadU8());
    if (m > uint8_t(SegmentMode::kDeclarative) ||
        (!allow_declarative && m == uint8_t(SegmentMode::kDeclarative)))
      return Error(at, "artifact: invalid segment mode " + Hex(m));
    return SegmentMode(m);
  }

  uint32_t NumFuncs() const { return imported_funcs_ + uint32_t(a_.functions.size()); }

  Status ParseElements(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 3));
    a_.elements.reserve(n);
    const uint32_t num_globals = uint32_t(global_types_.size());
    for (uint32_t i = 0; i < n; ++i) {
      ElementSegment e;
      EGRET_ASSIGN_OR_RETURN(e.mode, ReadMode(s, true));
      uint64_t table_at = 0;
      if (e.mode == SegmentMode::kActive) {
        table_at = s.offset();
        EGRET_ASSIGN_OR_RETURN(e.table_index, ReadIndex(s, uint32_t(table_types_.size()), "table"));
        EGRET_ASSIGN_OR_RETURN(e.offset, ReadConstExpr(s, ValType::kI32, num_globals));
      }
      EGRET_ASSIGN_OR_RETURN(e.elem_type, ReadRefType(s));
      if (e.mode == SegmentMode::kActive && table_types_[e.table_index].elem != e.elem_type)
        return Error(table_at, "artifact: element segment type does not match its table");
      EGRET_ASSIGN_OR_RETURN(uint32_t items, ReadCount(s));
      e.items.reserve(items);
      for (uint32_t j = 0; j < items; ++j) {
        EGRET_ASSIGN_OR_RETURN(ConstExpr item, ReadConstExpr(s, e.elem_type, num_globals));
        e.items.push_back(std::move(item));
      }
      a_.elements.push_back(std::move(e));
    }
    return Status::Ok();
  }

  Status ParseData(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 2));
    a_.data.reserve(n);
    const uint32_t num_globals = uint32_t(global_types_.size());
    for (uint32_t i = 0; i < n; ++i) {
      DataSegment d;
      EGRET_ASSIGN_OR_RETURN(d.mode, ReadMode(s, false));
      if (d.mode == SegmentMode::kActive) {
        EGRET_ASSIGN_OR_RETURN(d.memory_index,
                               ReadIndex(s, uint32_t(memory_types_.size()), "memory"));
        const ValType t = memory_types_[d.memory_index].is64 ? ValType::kI64 : ValType::kI32;
        EGRET_ASSIGN_OR_RETURN(d.offset, ReadConstExpr(s, t, num_globals));
      }
      EGRET_ASSIGN_OR_RETURN(uint32_t len, ReadCount(s));
      EGRET_ASSIGN_OR_RETURN(auto bytes, s.ReadBytes(len));
      d.bytes.assign(bytes.begin(), bytes.end());
      a_.data.push_back(std::move(d));
    }
    return Status::Ok();
  }

  Status ParseTraps(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 2));
    a_.traps.reserve(n);
    size_t cursor = 0;
    for (uint32_t i = 0; i < n; ++i) {
      TrapEntry t;
      const uint64_t at = s.offset();
      EGRET_ASSIGN_OR_RETURN(t.offset, s.ReadU32());
      if (t.offset >= text_size_)
        return Error(at, "artifact: trap at " + Hex(t.offset) + " lies outside the text section");
      if (i > 0 && t.offset <= a_.traps.back().offset)
        return Error(at, "artifact: trap table is not sorted by offset");
      EGRET_TRY(CheckInstructionOffset(t.offset, at, "trap", &cursor));
      const uint64_t code_at = s.offset();
      EGRET_ASSIGN_OR_RETURN(uint8_t code, s.ReadU8());
      if (code >= kNumTrapCodes) return Error(code_at, "artifact: invalid trap code " + Hex(code));
      t.code = TrapCode(code);
      a_.traps.push_back(t);
    }
    return Status::Ok();
  }

  Status ParseRelocations(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 3));
    a_.relocations.reserve(n);
    uint64_t prev_end = 0;
    size_t cursor = 0;
    auto trap = a_.traps.begin();  // the first trap entry at or after the current relocation
    for (uint32_t i = 0; i < n; ++i) {
      Relocation rel;
      const uint64_t at = s.offset();
      EGRET_ASSIGN_OR_RETURN(rel.offset, s.ReadU32());
      const uint64_t kind_at = s.offset();
      EGRET_ASSIGN_OR_RETURN(uint8_t kind, s.ReadU8());
      if (kind != uint8_t(RelocKind::kAbs64Builtin))
        return Error(kind_at, "artifact: invalid relocation kind " + Hex(kind));
      rel.kind = RelocKind(kind);
      if (uint64_t(rel.offset) + 8 > text_size_)
        return Error(
            at, "artifact: relocation at " + Hex(rel.offset) + " lies outside the text section");
      if (i > 0 && rel.offset < prev_end)
        return Error(at, "artifact: relocations overlap or are not sorted");
      prev_end = uint64_t(rel.offset) + 8;
      // The loader writes 8 bytes here: they must belong to one range, and not to an
      // instruction the trap table says may fault.
      const DeclaredRange* in = CodeContaining(rel.offset, &cursor);
      if (in == nullptr || uint64_t(rel.offset) + 8 > in->range.end())
        return Error(at, "artifact: relocation [" + Hex(rel.offset) + ", +0x8) is not inside one " +
                             "function body or trampoline" +
                             (in ? " (it crosses the end of the " + Describe(*in) + ")" : ""));
      if (rel.offset % insn_align_ != 0)
        return Error(at, "artifact: relocation at " + Hex(rel.offset) + " is not aligned to " +
                             std::to_string(insn_align_) + " bytes");
      while (trap != a_.traps.end() && trap->offset < rel.offset) ++trap;
      if (trap != a_.traps.end() && trap->offset < uint64_t(rel.offset) + 8)
        return Error(at, "artifact: relocation [" + Hex(rel.offset) +
                             ", +0x8) overwrites the instruction of the trap entry at " +
                             Hex(trap->offset));
      EGRET_ASSIGN_OR_RETURN(rel.target, ReadIndex(s, kNumBuiltins, "builtin"));
      a_.relocations.push_back(rel);
    }
    return Status::Ok();
  }

  // See the writer for the encoding. Each map must sit at the end of a call inside one function
  // body (offset - 1 in the body: a return address) and list distinct slots inside its frame,
  // so a stack walker that trusts it only reads the caller's own frame.
  Status ParseStackMaps(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 3));
    a_.stack_maps.reserve(n);
    uint64_t offset = 0;
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t at = s.offset();
      EGRET_ASSIGN_OR_RETURN(uint32_t delta, s.ReadU32());
      offset += delta;
      if (i > 0 && delta == 0) return Error(at, "artifact: stack maps are not sorted by offset");
      if (offset == 0 || offset > text_size_)
        return Error(at,
                     "artifact: stack map at " + Hex(offset) + " lies outside the text section");
      if (!a_.FunctionAt(uint32_t(offset - 1)))
        return Error(at, "artifact: stack map at " + Hex(offset) +
                             " is not a return address inside a function body");
      if (offset % insn_align_ != 0)
        return Error(at, "artifact: stack map at " + Hex(offset) + " is not aligned to " +
                             std::to_string(insn_align_) + " bytes");
      StackMap m;
      m.offset = uint32_t(offset);
      const uint64_t frame_at = s.offset();
      EGRET_ASSIGN_OR_RETURN(uint32_t words, s.ReadU32());
      if (words > (uint32_t{1} << 28))
        return Error(frame_at, "artifact: stack map frame of " + std::to_string(words) +
                                   " words is too large");
      m.frame_size = words * 8;
      EGRET_ASSIGN_OR_RETURN(m.num_slots, ReadCount(s));
      m.first_slot = uint32_t(a_.stack_map_slots.size());
      uint64_t slot = UINT64_MAX;  // the previous slot; the first delta counts from -1
      for (uint32_t k = 0; k < m.num_slots; ++k) {
        const uint64_t slot_at = s.offset();
        EGRET_ASSIGN_OR_RETURN(uint32_t d, s.ReadU32());
        slot = slot + 1 + d;
        if (slot >= words)
          return Error(slot_at, "artifact: stack map slot " + std::to_string(slot) +
                                    " lies outside its frame of " + std::to_string(words) +
                                    " words");
        a_.stack_map_slots.push_back(uint32_t(slot));
      }
      a_.stack_maps.push_back(m);
    }
    return Status::Ok();
  }

  // See the writer for the encoding. A stack walker trusts a range to say where a return address
  // is, so each must lie inside one function body (never a trampoline, whose frames the walker
  // treats as glue), carry a kind of this target, and on aarch64 cover whole instructions.
  Status ParseFrameRanges(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 3));
    a_.frame_ranges.reserve(n);
    uint64_t prev_end = 0;
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t at = s.offset();
      EGRET_ASSIGN_OR_RETURN(uint32_t gap, s.ReadU32());
      EGRET_ASSIGN_OR_RETURN(uint32_t size, s.ReadU32());
      const uint64_t kind_at = s.offset();
      EGRET_ASSIGN_OR_RETURN(uint8_t kind, s.ReadU8());
      const uint64_t start = prev_end + gap, end = start + size;
      const std::string what = "artifact: frame range [" + Hex(start) + ", " + Hex(end) + ")";
      if (size == 0) return Error(at, what + " is empty");
      if (end > text_size_) return Error(at, what + " lies outside the text section");
      const auto first = a_.FunctionAt(uint32_t(start));
      if (!first || first != a_.FunctionAt(uint32_t(end - 1)))
        return Error(at, what + " is not inside one function body");
      if (start % insn_align_ != 0 || size % insn_align_ != 0)
        return Error(at, what + " is not aligned to " + std::to_string(insn_align_) + " bytes");
      const bool a64 = a_.target == Target::kAarch64;
      if (kind > kMaxFrameKind || (FrameKind(kind) == FrameKind::kReturnInLr) != a64)
        return Error(kind_at, "artifact: frame range kind " + std::to_string(kind) +
                                  " is not one of the target's");
      a_.frame_ranges.push_back({uint32_t(start), size, FrameKind(kind)});
      prev_end = end;
    }
    return Status::Ok();
  }

  Status ParseSourceLocs(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 2));
    a_.source_locs.reserve(n);
    size_t cursor = 0;
    for (uint32_t i = 0; i < n; ++i) {
      SourceLoc l;
      const uint64_t at = s.offset();
      EGRET_ASSIGN_OR_RETURN(l.text_offset, s.ReadU32());
      if (l.text_offset >= text_size_)
        return Error(at, "artifact: source location lies outside the text section");
      if (i > 0 && l.text_offset <= a_.source_locs.back().text_offset)
        return Error(at, "artifact: source locations are not sorted");
      EGRET_TRY(CheckInstructionOffset(l.text_offset, at, "source location", &cursor));
      EGRET_ASSIGN_OR_RETURN(l.wasm_offset, s.ReadU32());
      a_.source_locs.push_back(l);
    }
    return Status::Ok();
  }

  Status ParseNames(ByteReader& s) {
    EGRET_ASSIGN_OR_RETURN(a_.module_name, ReadString(s));
    EGRET_ASSIGN_OR_RETURN(uint32_t n, ReadCount(s, 2));
    a_.function_names.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      FunctionName fn;
      const uint64_t at = s.offset();
      EGRET_ASSIGN_OR_RETURN(fn.func_index, ReadIndex(s, NumFuncs(), "function"));
      if (i > 0 && fn.func_index <= a_.function_names.back().func_index)
        return Error(at, "artifact: function names are not sorted by index");
      EGRET_ASSIGN_OR_RETURN(fn.name, ReadString(s));
      a_.function_names.push_back(std::move(fn));
    }
    return Status::Ok();
  }

  // An offset that names an instruction (a trap entry, a source location): inside a declared
  // range, and on the target's instruction alignment.
  Status CheckInstructionOffset(uint32_t offset, uint64_t at, const char* what,
                                size_t* cursor) const {
    if (CodeContaining(offset, cursor) == nullptr)
      return Error(at, std::string("artifact: ") + what + " at " + Hex(offset) +
                           " is not inside a function body or trampoline");
    if (offset % insn_align_ != 0)
      return Error(at, std::string("artifact: ") + what + " at " + Hex(offset) +
                           " is not aligned to " + std::to_string(insn_align_) + " bytes");
    return Status::Ok();
  }

  Artifact& a_;
  const uint32_t insn_align_;  // every instruction starts at a multiple of this (target's)
  std::span<const uint8_t>* borrowed_text_;  // set: the text stays in the input, not copied
  uint64_t text_size_ = 0;
  std::vector<DeclaredRange> code_;
  bool code_checked_ = false;
  // The index spaces seen so far (imports first), so lookups are O(1).
  uint32_t imported_funcs_ = 0;
  std::vector<TableType> table_types_;
  std::vector<MemoryType> memory_types_;
  std::vector<GlobalType> global_types_;
};

// "version 7", or "versions 4 to 6" when a build reads several.
std::string ReadableVersions() {
  if (kMinReadableFormatVersion == kFormatVersion)
    return "version " + std::to_string(kFormatVersion);
  return "versions " + std::to_string(kMinReadableFormatVersion) + " to " +
         std::to_string(kFormatVersion);
}

}  // namespace

Expected<Artifact> ReadArtifact(std::span<const uint8_t> bytes, const ReadOptions& options) {
  if (bytes.size() < kHeaderSize) {
    if (bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
      return Error(0, "artifact: not an egret artifact (bad magic)");
    return Error(bytes.size(), "artifact: truncated header (" + std::to_string(bytes.size()) +
                                   " of " + std::to_string(kHeaderSize) + " bytes)");
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return Error(0, "artifact: not an egret artifact (bad magic)");
  ByteReader h(bytes.subspan(8, kHeaderSize - 8), 8);
  const uint32_t version = *h.ReadFixedU32();
  const uint32_t flags = *h.ReadFixedU32();
  const uint64_t payload_size = *h.ReadFixedU64();
  const uint64_t checksum = *h.ReadFixedU64();
  if (version >= 1 && version < kMinReadableFormatVersion) {
    // Versions 1 to 3: code for the VMContext before the store-limits pointer; 4 to 6: the
    // payload sealed with the multiply-rotate checksum that XXH3 replaced in version 7.
    const char* why = version < 4 ? " was compiled for an older VMContext layout"
                                  : " is sealed with the checksum before XXH3";
    return Error(8, "artifact: format version " + std::to_string(version) + why +
                        " (this build reads " + ReadableVersions() + "): recompile the .wasm");
  }
  if (version < kMinReadableFormatVersion || version > kFormatVersion)
    return Error(8, "artifact: unsupported format version " + std::to_string(version) +
                        " (this build reads " + ReadableVersions() + ")");
  if (flags != uint32_t(Target::kX86_64) && flags != uint32_t(Target::kAarch64))
    return Error(12, "artifact: unknown target or flags " + Hex(flags));
  if (options.host_target && flags != uint32_t(*options.host_target)) {
    const std::string host(TargetName(*options.host_target));
    return Error(12, "artifact: compiled for " + std::string(TargetName(Target(flags))) +
                         ", but this host is " + host +
                         " (compile the .wasm with --target=" + host + ")");
  }
  if (payload_size != bytes.size() - kHeaderSize)
    return Error(16, "artifact: payload size " + std::to_string(payload_size) +
                         " does not match the file (" + std::to_string(bytes.size() - kHeaderSize) +
                         " bytes after the header)");
  auto payload = bytes.subspan(kHeaderSize);
  if (options.verify_checksum) {
    const uint64_t actual = Checksum64(payload, version);
    if (actual != checksum)
      return Error(24, "artifact: checksum mismatch (stored " + Hex(checksum) + ", computed " +
                           Hex(actual) + "): the file is corrupt");
  }
  Artifact a;
  a.target = Target(flags);
  if (options.borrowed_text != nullptr) *options.borrowed_text = {};
  Parser p(a, options.borrowed_text);
  EGRET_TRY(p.ParsePayload(payload));
  return a;
}

}  // namespace egret::artifact
