// wast_interp.cc: a module instance inside the IR interpreter's sandbox (see wast_interp.h).
//
// Sandbox layout (addresses are offsets into the interpreter heap):
//   [16, 16 + layout.size)   the VMContext (memory 0 and tables are defined: records inline)
//   then                     type_ids (u32 per type), each table's elements (u64 each)
//   then, 64 KiB aligned     linear memory, sized for its maximum (capped at kMaxPages)
#include "tools/wast_interp.h"

#include <cstring>
#include <utility>

#include "frontend/translator.h"
#include "frontend/vmctx_layout.h"
#include "ir/builder.h"

namespace egret::tools {
namespace {

constexpr uint64_t kMaxPages = 64;  // 4 MiB of linear memory in the sandbox
constexpr uint64_t kMaxTableElems = 1 << 16;
// Above the unmapped first page (InterpOptions::unmapped_low), where a null funcref's fields are:
// call_indirect's type id load from a null entry must trap icall_null as it does natively.
constexpr uint64_t kNullPage = 4096;
constexpr uint64_t kVmctxAddr = kNullPage;

uint64_t Align(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }

// memory.grow as IR: bound' = bound + delta pages unless that passes the declared maximum
// (then -1). Growing past the sandbox's capacity but within the declared maximum cannot be
// emulated: it traps out_of_fuel, which the harness reads as "skip the rest of this module".
ir::Function MemoryGrowBuiltin(uint64_t max_pages, uint64_t sandbox_pages, uint32_t memory_record) {
  using ir::Opcode;
  using ir::Type;
  ir::Function f("egret_builtin_memory_grow", {{Type::kI64, Type::kI32, Type::kI64}, {Type::kI64}});
  ir::FunctionBuilder b(f);
  ir::Block entry = b.CreateBlock(), ok = b.CreateBlock(), fail = b.CreateBlock();
  b.SwitchToBlock(entry);
  ir::Value vmctx = b.AppendBlockParam(entry, Type::kI64);
  b.AppendBlockParam(entry, Type::kI32);  // memory index: always 0 in Wasm 2.0
  ir::Value delta = b.AppendBlockParam(entry, Type::kI64);
  b.SealBlock(entry);
  ir::MemFlags flags = ir::MemFlags{}.With(ir::MemFlags::kVmctx);
  const int32_t length_at =
      static_cast<int32_t>(memory_record + wasm::VMContextLayout::kRecordLength);
  ir::Value bound = b.Load(Opcode::kLoad, Type::kI64, flags, vmctx, length_at);
  ir::Value pages = b.BinaryImm(Opcode::kUshrImm, bound, 16);
  ir::Value grown = b.Binary(Opcode::kIadd, pages, delta);
  ir::Value too_big = b.IcmpImm(ir::IntCC::kUgt, grown, static_cast<int64_t>(max_pages));
  ir::Block fits = b.CreateBlock();
  b.Brif(too_big, fail, {}, fits, {});
  b.SealBlock(fits);
  b.SealBlock(fail);
  b.SwitchToBlock(fail);
  b.Return({b.Iconst(Type::kI64, -1)});
  b.SwitchToBlock(fits);
  b.Trapnz(b.IcmpImm(ir::IntCC::kUgt, grown, static_cast<int64_t>(sandbox_pages)),
           TrapCode::kOutOfFuel);
  b.Jump(ok);
  b.SealBlock(ok);
  b.SwitchToBlock(ok);
  b.Store(Opcode::kStore, flags, b.BinaryImm(Opcode::kIshlImm, grown, 16), vmctx, length_at);
  b.Return({pages});
  b.Finalize();
  return f;
}

}  // namespace

std::unique_ptr<InterpInstance> InterpInstance::Create(wasm::ModuleEnv env, std::string* why) {
  using wasm::ConstExpr;
  if (!env.imports.empty()) {
    *why = "imports";
    return nullptr;
  }
  // The sandbox has one 32-bit memory (its grow builtin is memory 0's).
  if (env.memories.size() > 1 || (env.memories.size() == 1 && env.memories[0].type.is64)) {
    *why = "several memories or memory64";
    return nullptr;
  }
  std::unique_ptr<InterpInstance> inst(new InterpInstance());
  inst->env_ = std::move(env);
  const wasm::ModuleEnv& m = inst->env_;
  Expected<wasm::VMContextLayout> layout = wasm::VMContextLayout::Compute(m);
  if (!layout.ok()) {
    *why = layout.error().message;
    return nullptr;
  }
  Expected<std::vector<ir::Function>> funcs =
      wasm::TranslateModule(m, {.heap = wasm::HeapStrategy::kBoundsCheck});
  if (!funcs.ok()) {
    *why = funcs.error().message;
    return nullptr;
  }
  inst->symbols_ = wasm::FunctionSymbols(m);
  inst->module_ = std::make_unique<ir::Module>();
  inst->module_->functions = std::move(*funcs);

  // Sandbox layout.
  uint64_t at = Align(kVmctxAddr + layout->size, 16);
  const uint64_t type_ids = at;
  at = Align(at + 4 * m.types.size(), 16);
  std::vector<uint64_t> table_base;
  for (const wasm::Table& t : m.tables) {
    if (t.type.limits.min > kMaxTableElems) {
      *why = "large table";
      return nullptr;
    }
    table_base.push_back(at);
    // A fixed-size funcref table keeps its elements' code pointers right after them, where
    // call_indirect reads its target (runtime/table.h, "Code mirror").
    const bool mirrored = t.type.elem == wasm::ValType::kFuncRef && t.type.limits.max.has_value() &&
                          *t.type.limits.max == t.type.limits.min;
    at = Align(at + 8 * t.type.limits.min * (mirrored ? 2 : 1), 16);
  }
  uint64_t pages = 0, max_pages = 0, sandbox_pages = 0, mem_base = Align(at, 65536);
  if (!m.memories.empty()) {
    const wasm::Limits& l = m.memories[0].type.limits;
    pages = l.min;
    max_pages = l.max.value_or(wasm::kMaxPages);
    sandbox_pages = std::min<uint64_t>(max_pages, kMaxPages);
    if (pages > sandbox_pages) {
      *why = "large memory";
      return nullptr;
    }
  }
  // Imports are refused above, so memory 0 and every table are defined (records inline).
  const uint32_t memory_record = m.memories.empty() ? 0 : layout->Memory(0).offset;
  inst->module_->functions.push_back(MemoryGrowBuiltin(max_pages, sandbox_pages, memory_record));
  ir::InterpOptions options;
  options.heap_size = mem_base + sandbox_pages * 65536 + 16;
  options.max_steps = 20'000'000;
  options.unmapped_low = kNullPage;
  inst->interp_ = std::make_unique<ir::Interpreter>(*inst->module_, options);
  std::vector<uint8_t>& heap = inst->interp_->heap();
  auto put64 = [&](uint64_t addr, uint64_t v) { std::memcpy(&heap[addr], &v, 8); };
  auto put32 = [&](uint64_t addr, uint32_t v) { std::memcpy(&heap[addr], &v, 4); };
  const uint64_t vm = kVmctxAddr;
  inst->vmctx_ = vm;

  if (!m.memories.empty()) {
    put64(vm + memory_record + wasm::VMContextLayout::kRecordBase, mem_base);
    put64(vm + memory_record + wasm::VMContextLayout::kRecordLength, pages * 65536);
  }
  put64(vm + wasm::VMContextLayout::kTypeIds, type_ids);
  // Signature ids: structurally equal types share the id of the first of them.
  std::vector<uint32_t> canon(m.types.size());
  for (uint32_t i = 0; i < m.types.size(); ++i) {
    canon[i] = i;
    for (uint32_t j = 0; j < i; ++j)
      if (m.types[j] == m.types[i]) {
        canon[i] = canon[j];
        break;
      }
    put32(type_ids + 4 * i, canon[i]);
  }
  for (uint32_t t = 0; t < m.tables.size(); ++t) {
    const uint32_t record = layout->Table(t).offset;
    put64(vm + record + wasm::VMContextLayout::kRecordBase, table_base[t]);
    put64(vm + record + wasm::VMContextLayout::kRecordLength, m.tables[t].type.limits.min);
  }
  for (uint32_t f = 0; f < m.functions.size(); ++f) {
    const uint64_t ref = vm + layout->FuncRef(f);
    put64(ref + wasm::VMFuncRefLayout::kWasmCall, ir::Interpreter::kFuncBase + f);
    put32(ref + wasm::VMFuncRefLayout::kTypeId, canon[m.functions[f].type_index]);
    put64(ref + wasm::VMFuncRefLayout::kVmctx, vm);
  }
  auto eval = [&](const ConstExpr& e, uint64_t* out) -> bool {
    switch (e.kind) {
      case ConstExpr::Kind::kI32:
      case ConstExpr::Kind::kI64:
      case ConstExpr::Kind::kF32:
      case ConstExpr::Kind::kF64:
        *out = e.bits;
        return true;
      case ConstExpr::Kind::kRefNull:
        *out = 0;
        return true;
      case ConstExpr::Kind::kRefFunc:
        *out = vm + layout->FuncRef(static_cast<uint32_t>(e.bits));
        return true;
      default:
        return false;
    }
  };
  for (uint32_t g = 0; g < m.globals.size(); ++g) {
    const ConstExpr& init = m.globals[g].init;
    if (init.kind == ConstExpr::Kind::kV128) {  // 16 bytes, little-endian
      put64(vm + layout->Global(g), init.bits);
      put64(vm + layout->Global(g) + 8, init.bits_hi);
      continue;
    }
    uint64_t v = 0;
    if (!eval(init, &v)) {
      *why = "global initialiser";
      return nullptr;
    }
    put64(vm + layout->Global(g), v);
  }
  for (const wasm::ElemSegment& seg : m.elems) {
    if (seg.mode == wasm::SegmentMode::kDeclarative) continue;
    if (seg.mode == wasm::SegmentMode::kPassive) {
      *why = "passive element segment";
      return nullptr;
    }
    uint64_t offset = 0;
    if (!eval(seg.offset_expr, &offset)) {
      *why = "element offset";
      return nullptr;
    }
    offset &= 0xffffffffu;
    if (offset + seg.items.size() > m.tables[seg.table].type.limits.min) {
      *why = "element segment out of bounds (uninstantiable)";
      return nullptr;
    }
    for (size_t k = 0; k < seg.items.size(); ++k) {
      uint64_t v = 0;
      if (!eval(seg.items[k], &v)) {
        *why = "element item";
        return nullptr;
      }
      put64(table_base[seg.table] + 8 * (offset + k), v);
      const wasm::TableType& tt = m.tables[seg.table].type;
      if (tt.elem == wasm::ValType::kFuncRef && tt.limits.max.has_value() &&
          *tt.limits.max == tt.limits.min) {
        uint64_t code = 0;
        if (v != 0) std::memcpy(&code, &heap[v + wasm::VMFuncRefLayout::kWasmCall], 8);
        put64(table_base[seg.table] + 8 * (tt.limits.min + offset + k), code);
      }
    }
  }
  for (const wasm::DataSegment& seg : m.datas) {
    if (seg.mode != wasm::SegmentMode::kActive) {
      *why = "passive data segment";
      return nullptr;
    }
    uint64_t offset = 0;
    if (!eval(seg.offset_expr, &offset)) {
      *why = "data offset";
      return nullptr;
    }
    offset &= 0xffffffffu;
    if (offset + seg.data_size > pages * 65536) {
      *why = "data segment out of bounds (uninstantiable)";
      return nullptr;
    }
    std::memcpy(&heap[mem_base + offset], m.bytes.data() + seg.data_offset, seg.data_size);
  }
  if (m.start) {
    const ir::DataValue arg{ir::Type::kI64, vm};
    ir::InterpResult r = inst->interp_->Call(inst->symbols_[*m.start], {&arg, 1});
    if (r.kind != ir::InterpResult::Kind::kReturned) {
      *why = "start function did not return";
      return nullptr;
    }
  }
  return inst;
}

const wasm::FuncType* InterpInstance::ExportType(const std::string& name) const {
  for (const wasm::Export& e : env_.exports)
    if (e.kind == wasm::ExternKind::kFunc && e.name == name) return &env_.function_type(e.index);
  return nullptr;
}

ir::InterpResult InterpInstance::Invoke(const std::string& name,
                                        std::span<const ir::DataValue> args) {
  for (const wasm::Export& e : env_.exports) {
    if (e.kind != wasm::ExternKind::kFunc || e.name != name) continue;
    std::vector<ir::DataValue> all;
    all.push_back({ir::Type::kI64, vmctx_});
    all.insert(all.end(), args.begin(), args.end());
    return interp_->Call(symbols_[e.index], all);
  }
  ir::InterpResult r;
  r.kind = ir::InterpResult::Kind::kError;
  r.error = "no exported function " + name;
  return r;
}

}  // namespace egret::tools
