// random_artifact.cc: see random_artifact.h.
#include "tests/unit/artifact/random_artifact.h"

#include <algorithm>
#include <set>
#include <string>

#include "artifact/builtin.h"

namespace egret::artifact::testing {
namespace {

class Gen {
 public:
  explicit Gen(std::mt19937& rng) : rng_(rng) {}
  uint32_t Below(uint32_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_);
  }
  bool Coin() { return Below(2) == 1; }
  uint64_t U64() { return (uint64_t(rng_()) << 32) | rng_(); }
  ValType AnyType() {
    static constexpr ValType kAll[] = {ValType::kI32,      ValType::kI64,  ValType::kF32,
                                       ValType::kF64,      ValType::kV128, ValType::kFuncRef,
                                       ValType::kExternRef};
    return kAll[Below(7)];
  }
  ValType RefType() { return Coin() ? ValType::kFuncRef : ValType::kExternRef; }
  std::string Name() {
    std::string s;
    uint32_t n = Below(6);
    for (uint32_t i = 0; i < n; ++i) s += char('a' + Below(26));
    return s;
  }
  Limits AnyLimits(uint64_t bound) {
    Limits l;
    l.min = Below(uint32_t(std::min<uint64_t>(bound, 100)) + 1);
    if (Coin()) l.max = l.min + Below(10);
    if (l.max && *l.max > bound) l.max = bound;
    return l;
  }

  // A constant expression of type `t`; global.get only of immutable globals below `globals`.
  ConstExpr Expr(ValType t, const std::vector<GlobalType>& globals, uint32_t num_funcs) {
    ConstExpr e;
    std::vector<uint32_t> candidates;
    for (uint32_t g = 0; g < globals.size(); ++g)
      if (!globals[g].is_mutable && globals[g].type == t) candidates.push_back(g);
    if (!candidates.empty() && Below(4) == 0) {
      e.ops.push_back(ConstOp::GlobalGet(candidates[Below(candidates.size())]));
      return e;
    }
    switch (t) {
      case ValType::kI32:
        e.ops.push_back(ConstOp::I32(int32_t(rng_())));
        if (Coin()) {
          e.ops.push_back(ConstOp::I32(int32_t(Below(1000))));
          e.ops.push_back({ConstOp::Kind(8 + Below(3)), 0, 0, 0});
        }
        break;
      case ValType::kI64:
        e.ops.push_back(ConstOp::I64(int64_t(U64())));
        if (Coin()) {
          e.ops.push_back(ConstOp::I64(-int64_t(Below(1000))));
          e.ops.push_back({ConstOp::Kind(11 + Below(3)), 0, 0, 0});
        }
        break;
      case ValType::kF32:
        e.ops.push_back({ConstOp::Kind::kF32Const, 0, rng_(), 0});
        break;
      case ValType::kF64:
        e.ops.push_back({ConstOp::Kind::kF64Const, 0, U64(), 0});
        break;
      case ValType::kV128:
        e.ops.push_back({ConstOp::Kind::kV128Const, 0, U64(), U64()});
        break;
      case ValType::kFuncRef:
        if (num_funcs > 0 && Coin())
          e.ops.push_back(ConstOp::RefFunc(Below(num_funcs)));
        else
          e.ops.push_back(ConstOp::RefNull(ValType::kFuncRef));
        break;
      case ValType::kExternRef:
        e.ops.push_back(ConstOp::RefNull(ValType::kExternRef));
        break;
    }
    return e;
  }

 private:
  std::mt19937& rng_;
};

}  // namespace

Artifact RandomArtifact(std::mt19937& rng, int scale) {
  Gen g(rng);
  Artifact a;
  a.target = g.Coin() ? Target::kX86_64 : Target::kAarch64;
  const uint32_t n_types = 1 + g.Below(scale);
  for (uint32_t i = 0; i < n_types; ++i) {
    FuncType t;
    for (uint32_t j = g.Below(4); j > 0; --j) t.params.push_back(g.AnyType());
    for (uint32_t j = g.Below(3); j > 0; --j) t.results.push_back(g.AnyType());
    a.types.push_back(std::move(t));
  }
  a.types.push_back(FuncType{});  // () -> () for the start function
  std::vector<GlobalType> globals;
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  uint32_t imported_funcs = 0;
  for (uint32_t i = g.Below(scale + 1); i > 0; --i) {
    Import im;
    im.module = g.Name();
    im.name = g.Name();
    im.kind = ExternKind(g.Below(4));
    switch (im.kind) {
      case ExternKind::kFunc:
        im.type_index = g.Below(a.types.size());
        ++imported_funcs;
        break;
      case ExternKind::kTable:
        im.table = {g.RefType(), g.AnyLimits(100000)};
        tables.push_back(im.table);
        break;
      case ExternKind::kMemory:
        im.memory.limits = g.AnyLimits(65536);
        im.memory.is64 = g.Coin();
        im.memory.shared = im.memory.limits.max && g.Coin();
        memories.push_back(im.memory);
        break;
      case ExternKind::kGlobal:
        im.global = {g.AnyType(), g.Coin()};
        globals.push_back(im.global);
        break;
    }
    a.imports.push_back(std::move(im));
  }
  // Text: bodies laid out in order with random gaps (padding, veneer islands), then array_call
  // trampolines, then wasm-to-array trampolines; every range and gap is a whole number of the
  // target's instructions, as the reader requires.
  const uint32_t unit = a.target == Target::kAarch64 ? 4 : 1;
  const uint32_t n_funcs = g.Below(scale + 1);
  std::vector<uint8_t> text;
  std::vector<CodeRange> ranges;  // every declared range, in text order
  auto place = [&](uint32_t max_units, uint32_t max_gap_units, bool random_bytes) {
    for (uint32_t k = g.Below(max_gap_units) * unit; k > 0; --k) text.push_back(0xCC);
    CodeRange r{uint32_t(text.size()), (1 + g.Below(max_units)) * unit};
    for (uint32_t k = 0; k < r.size; ++k)
      text.push_back(random_bytes ? uint8_t(g.Below(256)) : uint8_t(0xC3));
    ranges.push_back(r);
    return r;
  };
  for (uint32_t i = 0; i < n_funcs; ++i) {
    Function f;
    f.type_index = g.Below(a.types.size());
    f.body = place(24, 8, true);
    a.functions.push_back(f);
  }
  for (uint32_t k = g.Below(16) * unit; k > 0; --k) text.push_back(0x90);
  for (Function& f : a.functions) {
    const uint32_t choice = g.Below(8);
    if (choice < 4) continue;
    // Rarely, the body is its own array_call entry (hand-assembled artifacts do this).
    f.array_call = choice == 4 ? f.body : place(8, 2, false);
  }
  for (uint32_t t = 0; t < a.types.size(); ++t) {
    if (g.Below(3) != 0) continue;
    a.wasm_to_array.push_back({t, place(8, 2, false)});
  }
  if (text.empty()) text.push_back(0xC3);
  a.text = std::move(text);
  const uint32_t num_funcs = imported_funcs + n_funcs;

  for (uint32_t i = g.Below(3); i > 0; --i) {
    a.tables.push_back({g.RefType(), g.AnyLimits(1000)});
    tables.push_back(a.tables.back());
  }
  for (uint32_t i = g.Below(2); i > 0; --i) {
    MemoryType m;
    m.limits = g.AnyLimits(65536);
    m.is64 = g.Coin();
    a.memories.push_back(m);
    memories.push_back(m);
  }
  for (uint32_t i = g.Below(scale + 1); i > 0; --i) {
    Global gl;
    gl.type = {g.AnyType(), g.Coin()};
    gl.init = g.Expr(gl.type.type, globals, num_funcs);
    globals.push_back(gl.type);
    a.globals.push_back(std::move(gl));
  }
  std::set<std::string> export_names;
  for (uint32_t i = g.Below(scale + 1); i > 0; --i) {
    Export e;
    e.name = g.Name() + std::to_string(i);
    if (!export_names.insert(e.name).second) continue;
    e.kind = ExternKind(g.Below(4));
    uint32_t bound = e.kind == ExternKind::kFunc     ? num_funcs
                     : e.kind == ExternKind::kTable  ? uint32_t(tables.size())
                     : e.kind == ExternKind::kMemory ? uint32_t(memories.size())
                                                     : uint32_t(globals.size());
    if (bound == 0) continue;
    e.index = g.Below(bound);
    a.exports.push_back(std::move(e));
  }
  if (n_funcs > 0 && g.Coin()) {
    // Find a () -> () function, or make one.
    a.functions[0].type_index = uint32_t(a.types.size() - 1);
    a.start = imported_funcs;
  }
  for (uint32_t i = g.Below(3); i > 0; --i) {
    ElementSegment e;
    e.mode = SegmentMode(g.Below(3));
    e.elem_type = g.RefType();
    if (e.mode == SegmentMode::kActive) {
      std::vector<uint32_t> ok;
      for (uint32_t t = 0; t < tables.size(); ++t)
        if (tables[t].elem == e.elem_type) ok.push_back(t);
      if (ok.empty()) continue;
      e.table_index = ok[g.Below(ok.size())];
      e.offset = g.Expr(ValType::kI32, globals, num_funcs);
    }
    for (uint32_t k = g.Below(5); k > 0; --k)
      e.items.push_back(g.Expr(e.elem_type, globals, num_funcs));
    a.elements.push_back(std::move(e));
  }
  for (uint32_t i = g.Below(3); i > 0; --i) {
    DataSegment d;
    d.mode = SegmentMode(g.Below(2));
    if (d.mode == SegmentMode::kActive) {
      if (memories.empty()) continue;
      d.memory_index = g.Below(memories.size());
      d.offset =
          g.Expr(memories[d.memory_index].is64 ? ValType::kI64 : ValType::kI32, globals, num_funcs);
    }
    for (uint32_t k = g.Below(12); k > 0; --k) d.bytes.push_back(uint8_t(g.Below(256)));
    a.data.push_back(std::move(d));
  }
  // Side tables point into the declared ranges only: relocations (8 bytes, inside one range)
  // first, then traps and source locations on instruction boundaries outside the relocations.
  std::sort(ranges.begin(), ranges.end(),
            [](const CodeRange& x, const CodeRange& y) { return x.offset < y.offset; });
  ranges.erase(std::unique(ranges.begin(), ranges.end()), ranges.end());
  for (const CodeRange& r : ranges) {
    uint32_t reloc_end = r.offset;  // end of the last relocation placed in this range
    for (uint32_t off = r.offset; off < r.end(); off += unit) {
      if (off >= reloc_end && off + 8 <= r.end() && g.Below(6) == 0) {
        a.relocations.push_back({off, RelocKind::kAbs64Builtin, g.Below(kNumBuiltins)});
        reloc_end = off + 8;
      }
      if (off < reloc_end) continue;
      if (g.Below(5) == 0) a.traps.push_back({off, TrapCode(g.Below(kNumTrapCodes))});
      if (g.Below(3) == 0) a.source_locs.push_back({off, g.Below(100000)});
    }
  }
  // Stack maps at return addresses inside function bodies (offset - 1 in the body), each with
  // a frame of up to 8 words and a random subset of its slots.
  for (const Function& f : a.functions) {
    for (uint32_t off = f.body.offset + unit; off <= f.body.end(); off += unit) {
      if (g.Below(4) != 0) continue;
      StackMap m;
      m.offset = off;
      const uint32_t words = g.Below(9);
      m.frame_size = 8 * words;
      m.first_slot = uint32_t(a.stack_map_slots.size());
      for (uint32_t w = 0; w < words; ++w)
        if (g.Coin()) a.stack_map_slots.push_back(w);
      m.num_slots = uint32_t(a.stack_map_slots.size()) - m.first_slot;
      a.stack_maps.push_back(m);
    }
  }
  {
    // Sorted by offset, slots in map order (bodies may have been declared out of order).
    std::vector<StackMap> maps = a.stack_maps;
    std::sort(maps.begin(), maps.end(),
              [](const StackMap& x, const StackMap& y) { return x.offset < y.offset; });
    std::vector<uint32_t> slots;
    for (StackMap& m : maps) {
      const uint32_t first = uint32_t(slots.size());
      slots.insert(slots.end(), a.stack_map_slots.begin() + m.first_slot,
                   a.stack_map_slots.begin() + m.first_slot + m.num_slots);
      m.first_slot = first;
    }
    a.stack_maps = std::move(maps);
    a.stack_map_slots = std::move(slots);
  }
  // Frame ranges of the target's kinds: per body none, the whole body (a frameless function), its
  // first instruction (a prologue window), or its first and last (prologue and epilogue).
  {
    std::vector<CodeRange> bodies;
    for (const Function& f : a.functions) bodies.push_back(f.body);
    std::sort(bodies.begin(), bodies.end(),
              [](const CodeRange& x, const CodeRange& y) { return x.offset < y.offset; });
    auto kind = [&] {
      if (a.target == Target::kAarch64) return FrameKind::kReturnInLr;
      return g.Coin() ? FrameKind::kReturnAtSp : FrameKind::kReturnAtSp8;
    };
    for (const CodeRange& b : bodies) {
      switch (g.Below(4)) {
        case 1:
          a.frame_ranges.push_back({b.offset, b.size, kind()});
          break;
        case 2:
          if (b.size >= unit) a.frame_ranges.push_back({b.offset, unit, kind()});
          break;
        case 3:
          if (b.size >= 2 * unit) {
            a.frame_ranges.push_back({b.offset, unit, kind()});
            a.frame_ranges.push_back({b.end() - unit, unit, kind()});
          }
          break;
        default:
          break;
      }
    }
  }
  if (g.Coin()) a.module_name = g.Name();
  for (uint32_t f = 0; f < num_funcs; ++f)
    if (g.Coin()) a.function_names.push_back({f, "f" + g.Name()});
  return a;
}

Artifact SmallArtifact() {
  Artifact a;
  a.types = {FuncType{{ValType::kI32}, {ValType::kI32}}, FuncType{}};
  a.imports = {Import{"env", "f", ExternKind::kFunc, 0, {}, {}, {}},
               Import{"env", "g", ExternKind::kGlobal, 0, {}, {}, {ValType::kI32, false}}};
  a.text = {0x55, 0x48, 0x89, 0xE5, 0x0F, 0x0B, 0x5D, 0xC3, 0x90, 0x90, 0xC3, 0xC3};
  a.functions = {Function{0, {0, 8}, {10, 1}}, Function{1, {8, 2}, {}}};
  a.tables = {TableType{ValType::kFuncRef, {2, 10}}};
  a.memories = {MemoryType{{1, 2}, false, false}};
  a.globals = {Global{{ValType::kI32, true}, ConstExpr{{ConstOp::GlobalGet(0)}}}};
  a.exports = {Export{"run", ExternKind::kFunc, 1}, Export{"mem", ExternKind::kMemory, 0}};
  a.start = 2;
  a.elements = {ElementSegment{SegmentMode::kActive,
                               0,
                               ConstExpr{{ConstOp::I32(0)}},
                               ValType::kFuncRef,
                               {ConstExpr{{ConstOp::RefFunc(1)}}}}};
  a.data = {DataSegment{SegmentMode::kActive, 0, ConstExpr{{ConstOp::I32(16)}}, {1, 2, 3}}};
  a.traps = {{4, TrapCode::kUnreachable}};
  a.source_locs = {{4, 0x2a}};
  // Inside function 0 (a stand-in for a call's return address; 4-aligned, so also valid when a
  // test retargets this artifact to aarch64): slots 0 and 2 of a 4-word frame.
  a.stack_maps = {{4, 32, 0, 2}};
  a.stack_map_slots = {0, 2};
  a.module_name = "small";
  a.function_names = {{1, "ud2_fn"}, {2, "nop"}};
  return a;
}

}  // namespace egret::artifact::testing
