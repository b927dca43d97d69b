// oracle_instance.cc: see oracle_instance.h.
#include "tests/fuzz/differential/oracle_instance.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "frontend/translator.h"
#include "tests/fuzz/differential/host_import.h"

namespace egret::fuzz {
namespace {

// Above the unmapped first page (InterpOptions::unmapped_low), where a null funcref's fields are:
// call_indirect's type id load from a null entry must trap icall_null as it does natively.
constexpr uint64_t kNullPage = 4096;
constexpr uint64_t kVmctxAddr = kNullPage;
constexpr uint64_t kMaxSandboxPages = 64;          // 4 MiB of linear memory at most
constexpr uint64_t kMaxTableCapacity = 4096;       // elements reserved per table at most
constexpr uint64_t kRuntimeTableCap = 10'000'000;  // runtime::Table::kDefaultMaxElements
constexpr const char* kInconclusive = "inconclusive: ";

uint64_t Align(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }

// The IR type of a Wasm value (the frontend's IrType): externrefs are r64, funcrefs i64.
ir::Type IrTypeOf(wasm::ValType t) {
  return t == wasm::ValType::kI32         ? ir::Type::kI32
         : t == wasm::ValType::kF32       ? ir::Type::kF32
         : t == wasm::ValType::kF64       ? ir::Type::kF64
         : t == wasm::ValType::kExternRef ? ir::Type::kR64
                                          : ir::Type::kI64;
}

ir::InterpResult Returned(std::initializer_list<uint64_t> values) {
  ir::InterpResult r;
  r.kind = ir::InterpResult::Kind::kReturned;
  for (uint64_t v : values) r.values.push_back({ir::Type::kI64, v});
  return r;
}

ir::InterpResult ReturnedI32(uint32_t value) {
  ir::InterpResult r;
  r.kind = ir::InterpResult::Kind::kReturned;
  r.values.push_back({ir::Type::kI32, value});
  return r;
}

ir::InterpResult Trapped(TrapCode code) {
  ir::InterpResult r;
  r.kind = ir::InterpResult::Kind::kTrapped;
  r.trap = code;
  return r;
}

ir::InterpResult Unmodelled(std::string why) {
  ir::InterpResult r;
  r.kind = ir::InterpResult::Kind::kError;
  r.error = kInconclusive + std::move(why);
  return r;
}

// [dst, dst + len) inside [0, size) without overflow.
bool InBounds(uint64_t dst, uint64_t len, uint64_t size) {
  return len <= size && dst <= size - len;
}

}  // namespace

uint64_t OracleInstance::Get64(uint64_t addr) const {
  uint64_t v;
  std::memcpy(&v, interp_->heap().data() + addr, 8);
  return v;
}

void OracleInstance::Put64(uint64_t addr, uint64_t v) {
  std::memcpy(interp_->heap().data() + addr, &v, 8);
}

void OracleInstance::SyncCodes(uint32_t t, uint64_t b, uint64_t e) {
  const TableInfo& info = tables_[t];
  if (!info.mirrored) return;
  for (uint64_t i = b; i < e; ++i) {
    const uint64_t ref = Get64(info.base + 8 * i);
    Put64(info.base + 8 * (info.capacity + i),
          ref == 0 ? 0 : Get64(ref + wasm::VMFuncRefLayout::kWasmCall));
  }
}

uint64_t OracleInstance::NormaliseFuncRef(uint64_t addr) const {
  if (addr == 0) return 0;
  const uint64_t first = vm_ + layout_.FuncRef(0);
  const uint64_t n = env_->functions.size();
  if (addr < first || (addr - first) % wasm::VMFuncRefLayout::kSize != 0 ||
      (addr - first) / wasm::VMFuncRefLayout::kSize >= n)
    return ~uint64_t{0};  // not a VMFuncRef of this instance: shows up as a difference
  return (addr - first) / wasm::VMFuncRefLayout::kSize + 1;
}

uint64_t OracleInstance::Normalise(wasm::ValType t, uint64_t bits) const {
  switch (t) {
    case wasm::ValType::kI32:
    case wasm::ValType::kF32:
      return bits & 0xffffffffu;
    case wasm::ValType::kFuncRef:
      return NormaliseFuncRef(bits);
    default:
      return bits;
  }
}

uint64_t OracleInstance::Denormalise(wasm::ValType t, uint64_t value) const {
  if (t == wasm::ValType::kFuncRef)
    return value == 0 ? 0 : vm_ + layout_.FuncRef(static_cast<uint32_t>(value - 1));
  return Normalise(t, value);
}

std::unique_ptr<OracleInstance> OracleInstance::Create(const wasm::ModuleEnv& env, uint64_t fuel,
                                                       CallOutcome* init, std::string* why) {
  for (const wasm::Import& im : env.imports) {
    if (im.kind != wasm::ExternKind::kFunc) {
      *why = "imports other than functions";
      return nullptr;
    }
  }
  std::unique_ptr<OracleInstance> inst(new OracleInstance());
  inst->env_ = &env;
  Expected<wasm::VMContextLayout> layout = wasm::VMContextLayout::Compute(env);
  if (!layout.ok()) {
    *why = layout.error().message;
    return nullptr;
  }
  inst->layout_ = *layout;
  Expected<std::vector<ir::Function>> funcs =
      wasm::TranslateModule(env, {.heap = wasm::HeapStrategy::kBoundsCheck, .fuel = true});
  if (!funcs.ok()) {
    *why = funcs.error().ToString();
    return nullptr;
  }
  inst->symbols_ = wasm::FunctionSymbols(env);
  inst->module_ = std::make_unique<ir::Module>();
  inst->module_->functions = std::move(*funcs);
  if (Status st = inst->Instantiate(fuel, init); !st.ok()) {
    *why = st.error().message;
    return nullptr;
  }
  return inst;
}

Status OracleInstance::Instantiate(uint64_t fuel, CallOutcome* init) {
  const wasm::ModuleEnv& m = *env_;
  vm_ = kVmctxAddr;
  uint64_t at = Align(vm_ + layout_.size, 16);
  limits_ = at;  // the store limits record (the fuel counter), which the VMContext points to
  at += 16;
  const uint64_t type_ids = at;
  at = Align(at + 4 * m.types.size(), 16);
  for (uint32_t t = 0; t < m.tables.size(); ++t) {
    const wasm::Limits& l = m.tables[t].type.limits;
    TableInfo info;
    info.max = std::min<uint64_t>(l.max.value_or(kRuntimeTableCap), kRuntimeTableCap);
    info.capacity = std::min<uint64_t>(info.max, kMaxTableCapacity);
    if (l.min > info.capacity) return Error("table too large for the sandbox");
    info.base = at;
    info.record = layout_.Table(t).offset;
    // As the runtime's Table: a fixed-size funcref table (capacity == min here) keeps its
    // elements' code pointers right after them, where call_indirect reads its target.
    info.mirrored =
        m.tables[t].type.elem == wasm::ValType::kFuncRef && l.max.has_value() && *l.max == l.min;
    at = Align(at + 8 * info.capacity * (info.mirrored ? 2 : 1), 16);
    tables_.push_back(info);
  }
  has_memory_ = !m.memories.empty();
  mem_base_ = Align(at, 65536);
  uint64_t pages = 0;
  if (has_memory_) {
    const wasm::Limits& l = m.memories[0].type.limits;
    pages = l.min;
    mem_max_pages_ = l.max.value_or(wasm::kMaxPages);
    mem_capacity_pages_ = std::min<uint64_t>(mem_max_pages_, kMaxSandboxPages);
    if (pages > mem_capacity_pages_) return Error("memory too large for the sandbox");
    memory_record_ = layout_.Memory(0).offset;
  }
  ir::InterpOptions options;
  options.heap_size = mem_base_ + mem_capacity_pages_ * 65536 + 16;
  options.max_steps = 40'000'000;
  options.unmapped_low = kNullPage;
  interp_ = std::make_unique<ir::Interpreter>(*module_, options);
  // Imports first: host k's function address is kFuncBase + (defined functions) + k.
  if (Status st = DefineImports(); !st.ok()) return st;
  DefineBuiltins();

  auto put32 = [&](uint64_t addr, uint32_t v) {
    std::memcpy(interp_->heap().data() + addr, &v, 4);
  };
  if (has_memory_) {
    Put64(vm_ + memory_record_, mem_base_);
    Put64(vm_ + memory_record_ + 8, pages * 65536);
  }
  Put64(vm_ + wasm::VMContextLayout::kTypeIds, type_ids);
  Put64(vm_ + wasm::VMContextLayout::kStoreLimits, limits_);
  std::vector<uint32_t> canon(m.types.size());
  for (uint32_t i = 0; i < m.types.size(); ++i) {
    canon[i] = i;
    for (uint32_t j = 0; j < i; ++j) {
      if (m.types[j] == m.types[i]) {
        canon[i] = canon[j];
        break;
      }
    }
    put32(type_ids + 4 * i, canon[i]);
  }
  for (uint32_t t = 0; t < tables_.size(); ++t) {
    Put64(vm_ + tables_[t].record, tables_[t].base);
    Put64(vm_ + tables_[t].record + 8, m.tables[t].type.limits.min);
  }
  // Function addresses: the IR module holds the defined functions, the imports are host
  // functions defined after them (DefineImports).
  const uint32_t num_imported = m.num_imported_functions;
  const uint64_t num_defined = module_->functions.size();
  for (uint32_t f = 0; f < m.functions.size(); ++f) {
    const uint64_t ref = vm_ + layout_.FuncRef(f);
    const uint64_t addr = f < num_imported ? ir::Interpreter::kFuncBase + num_defined + f
                                           : ir::Interpreter::kFuncBase + (f - num_imported);
    Put64(ref + wasm::VMFuncRefLayout::kWasmCall, addr);
    put32(ref + wasm::VMFuncRefLayout::kTypeId, canon[m.functions[f].type_index]);
    Put64(ref + wasm::VMFuncRefLayout::kVmctx, vm_);
    if (f < num_imported) {
      Put64(vm_ + layout_.ImportedFunction(f), addr);
      Put64(vm_ + layout_.ImportedFunction(f) + 8, vm_);
    }
  }
  auto eval = [&](const wasm::ConstExpr& e, uint64_t* out) -> bool {
    switch (e.kind) {
      case wasm::ConstExpr::Kind::kI32:
      case wasm::ConstExpr::Kind::kI64:
      case wasm::ConstExpr::Kind::kF32:
      case wasm::ConstExpr::Kind::kF64:
        *out = e.bits;
        return true;
      case wasm::ConstExpr::Kind::kRefNull:
        *out = 0;
        return true;
      case wasm::ConstExpr::Kind::kRefFunc:
        *out = vm_ + layout_.FuncRef(static_cast<uint32_t>(e.bits));
        return true;
      default:
        return false;  // global.get needs an imported global, and imports are refused
    }
  };
  for (uint32_t g = 0; g < m.globals.size(); ++g) {
    uint64_t v = 0;
    if (!eval(m.globals[g].init, &v)) return Error("global initialiser");
    Put64(vm_ + layout_.Global(g), v);
  }
  // Segments, in the runtime's (and the spec's) order: every element segment, then data.
  *init = CallOutcome{};
  for (const wasm::ElemSegment& seg : m.elems) {
    ElemState state;
    for (const wasm::ConstExpr& item : seg.items) {
      uint64_t v = 0;
      if (!eval(item, &v)) return Error("element item");
      state.values.push_back(v);
    }
    if (seg.mode == wasm::SegmentMode::kActive) {
      uint64_t offset = 0;
      if (!eval(seg.offset_expr, &offset)) return Error("element offset");
      offset &= 0xffffffffu;
      if (!InBounds(offset, state.values.size(), TableLength(seg.table))) {
        init->kind = CallOutcome::Kind::kTrapped;
        init->trap = TrapCode::kTableOutOfBounds;
        return Status::Ok();
      }
      for (size_t k = 0; k < state.values.size(); ++k)
        Put64(tables_[seg.table].base + 8 * (offset + k), state.values[k]);
      SyncCodes(seg.table, offset, offset + state.values.size());
    }
    state.dropped = seg.mode != wasm::SegmentMode::kPassive;
    if (state.dropped) state.values.clear();
    elems_.push_back(std::move(state));
  }
  data_dropped_.assign(m.datas.size(), false);
  for (uint32_t d = 0; d < m.datas.size(); ++d) {
    const wasm::DataSegment& seg = m.datas[d];
    if (seg.mode != wasm::SegmentMode::kActive) continue;
    uint64_t offset = 0;
    if (!eval(seg.offset_expr, &offset)) return Error("data offset");
    offset &= 0xffffffffu;
    if (!InBounds(offset, seg.data_size, MemoryLength())) {
      init->kind = CallOutcome::Kind::kTrapped;
      init->trap = TrapCode::kHeapOutOfBounds;
      return Status::Ok();
    }
    std::memcpy(interp_->heap().data() + mem_base_ + offset, m.bytes.data() + seg.data_offset,
                seg.data_size);
    data_dropped_[d] = true;
  }
  if (m.start) *init = Call(*m.start, {}, fuel);
  return Status::Ok();
}

Status OracleInstance::DefineImports() {
  for (uint32_t f = 0; f < env_->num_imported_functions; ++f) {
    const wasm::FuncType& type = env_->function_type(f);
    EGRET_ASSIGN_OR_RETURN(ir::Signature sig, wasm::WasmSignature(type));
    interp_->DefineHostFunction(
        symbols_[f], std::move(sig),
        [this, f, &type](std::span<const ir::DataValue> args, ir::Interpreter&) {
          std::vector<uint64_t> normalised;  // args[0] is the callee's vmctx
          for (size_t i = 0; i < type.params().size(); ++i)
            normalised.push_back(Normalise(type.params()[i], args[i + 1].bits));
          const std::vector<uint64_t> values =
              HostImportResults(f, type, normalised, host_calls_++);
          ir::InterpResult r;
          r.kind = ir::InterpResult::Kind::kReturned;
          for (size_t j = 0; j < values.size(); ++j) {
            const wasm::ValType t = type.results()[j];
            r.values.push_back({IrTypeOf(t), Denormalise(t, values[j])});
          }
          return r;
        });
  }
  return Status::Ok();
}

void OracleInstance::DefineBuiltins() {
  using ir::Type;
  const Type i32 = Type::kI32, i64 = Type::kI64;
  using Args = std::span<const ir::DataValue>;
  // Results are retyped to the signature's (Returned makes i64s; the externref-table forms
  // return r64).
  auto def = [&](const char* name, std::vector<Type> params, std::vector<Type> results,
                 std::function<ir::InterpResult(Args)> fn) {
    params.insert(params.begin(), i64);  // vmctx
    interp_->DefineHostFunction(
        std::string("egret_builtin_") + name, ir::Signature{std::move(params), results},
        [fn = std::move(fn), results](Args args, ir::Interpreter&) {
          ir::InterpResult r = fn(args);
          if (r.kind == ir::InterpResult::Kind::kReturned)
            for (size_t k = 0; k < r.values.size() && k < results.size(); ++k)
              r.values[k].type = results[k];
          return r;
        });
  };
  // The table builtins under both names: i64 references (funcref tables) and r64 (externref
  // tables), as the frontend calls them.
  const Type r64 = Type::kR64;
  auto def_table = [&](const char* name, std::vector<Type> params, std::vector<Type> results,
                       size_t ref_param, bool ref_result,
                       std::function<ir::InterpResult(Args)> fn) {
    def(name, params, results, fn);
    if (ref_param != SIZE_MAX) params[ref_param] = r64;
    if (ref_result) results[0] = r64;
    def((std::string(name) + "_ref").c_str(), params, results, fn);
  };

  def("memory_grow", {i32, i64}, {i64}, [this](Args a) {
    const uint64_t pages = MemoryLength() / 65536, delta = a[2].bits;
    if (delta > mem_max_pages_ || pages + delta > mem_max_pages_) return Returned({~uint64_t{0}});
    if (pages + delta > mem_capacity_pages_) return Unmodelled("memory.grow past the sandbox");
    // Pages beyond the current length were never written (memory never shrinks): still zero.
    Put64(vm_ + memory_record_ + 8, (pages + delta) * 65536);
    return Returned({pages});
  });
  def("memory_fill", {i32, i64, i32, i64}, {}, [this](Args a) {
    const uint64_t dst = a[2].bits, len = a[4].bits;
    if (!InBounds(dst, len, MemoryLength())) return Trapped(TrapCode::kHeapOutOfBounds);
    std::memset(interp_->heap().data() + mem_base_ + dst, static_cast<uint8_t>(a[3].bits), len);
    return Returned({});
  });
  def("memory_copy", {i32, i64, i32, i64, i64}, {}, [this](Args a) {
    const uint64_t dst = a[2].bits, src = a[4].bits, len = a[5].bits, size = MemoryLength();
    if (!InBounds(dst, len, size) || !InBounds(src, len, size))
      return Trapped(TrapCode::kHeapOutOfBounds);
    std::memmove(interp_->heap().data() + mem_base_ + dst, interp_->heap().data() + mem_base_ + src,
                 len);
    return Returned({});
  });
  def("memory_init", {i32, i32, i64, i64, i64}, {}, [this](Args a) {
    const uint32_t d = static_cast<uint32_t>(a[2].bits);
    const uint64_t dst = a[3].bits, src = a[4].bits, len = a[5].bits;
    const wasm::DataSegment& seg = env_->datas[d];
    const uint64_t seg_size = data_dropped_[d] ? 0 : seg.data_size;
    if (!InBounds(src, len, seg_size) || !InBounds(dst, len, MemoryLength()))
      return Trapped(TrapCode::kHeapOutOfBounds);
    std::memcpy(interp_->heap().data() + mem_base_ + dst,
                env_->bytes.data() + seg.data_offset + src, len);
    return Returned({});
  });
  // Threads with one thread: notify finds no waiter (0, shared or not); wait traps on an unshared
  // memory, returns 1 (not equal) when the cell differs from the expected value, and otherwise
  // times out (2): with no other thread nothing could wake it, and the generator's timeouts are
  // finite (wasmgen GenOptions::atomics). The translation checked alignment and bounds first.
  def("memory_atomic_notify", {i32, i64, i32}, {i32}, [](Args) { return ReturnedI32(0); });
  auto wait = [this](Args a, uint32_t bytes) {
    if (!env_->memories[0].type.limits.shared) return Trapped(TrapCode::kWaitOnUnsharedMemory);
    uint64_t now = 0;
    std::memcpy(&now, interp_->heap().data() + mem_base_ + a[2].bits, bytes);
    const uint64_t mask = bytes == 8 ? ~uint64_t{0} : 0xffffffffu;
    if (now != (a[3].bits & mask)) return ReturnedI32(1);
    if (static_cast<int64_t>(a[4].bits) < 0)
      return Unmodelled("memory.atomic.wait without a timeout on one thread never returns");
    return ReturnedI32(2);
  };
  def("memory_atomic_wait32", {i32, i64, i32, i64}, {i32}, [wait](Args a) { return wait(a, 4); });
  def("memory_atomic_wait64", {i32, i64, i64, i64}, {i32}, [wait](Args a) { return wait(a, 8); });
  def("data_drop", {i32}, {}, [this](Args a) {
    data_dropped_[a[1].bits] = true;
    return Returned({});
  });
  def("elem_drop", {i32}, {}, [this](Args a) {
    elems_[a[1].bits].dropped = true;
    elems_[a[1].bits].values.clear();
    return Returned({});
  });
  // externref globals (no imports here: every global is inline in the VMContext); the
  // frontend calls these with r64 values.
  def("global_get_externref", {i32}, {r64}, [this](Args a) {
    return Returned({Get64(vm_ + layout_.Global(static_cast<uint32_t>(a[1].bits)))});
  });
  def("global_set_externref", {i32, r64}, {}, [this](Args a) {
    Put64(vm_ + layout_.Global(static_cast<uint32_t>(a[1].bits)), a[2].bits);
    return Returned({});
  });
  def_table("table_get", {i32, i64}, {i64}, SIZE_MAX, true, [this](Args a) {
    const uint32_t t = static_cast<uint32_t>(a[1].bits);
    if (a[2].bits >= TableLength(t)) return Trapped(TrapCode::kTableOutOfBounds);
    return Returned({Get64(tables_[t].base + 8 * a[2].bits)});
  });
  def_table("table_set", {i32, i64, i64}, {}, 2, false, [this](Args a) {
    const uint32_t t = static_cast<uint32_t>(a[1].bits);
    if (a[2].bits >= TableLength(t)) return Trapped(TrapCode::kTableOutOfBounds);
    Put64(tables_[t].base + 8 * a[2].bits, a[3].bits);
    SyncCodes(t, a[2].bits, a[2].bits + 1);
    return Returned({});
  });
  def_table("table_grow", {i32, i64, i64}, {i64}, 2, false, [this](Args a) {
    const uint32_t t = static_cast<uint32_t>(a[1].bits);
    const TableInfo& info = tables_[t];
    const uint64_t size = TableLength(t), delta = a[2].bits;
    if (delta > info.max || size + delta > info.max) return Returned({~uint64_t{0}});
    if (size + delta > info.capacity) return Unmodelled("table.grow past the sandbox");
    for (uint64_t i = size; i < size + delta; ++i) Put64(info.base + 8 * i, a[3].bits);
    SyncCodes(t, size, size + delta);  // (a mirrored table cannot grow: max == min)
    Put64(vm_ + info.record + 8, size + delta);
    return Returned({size});
  });
  def_table("table_fill", {i32, i64, i64, i64}, {}, 2, false, [this](Args a) {
    const uint32_t t = static_cast<uint32_t>(a[1].bits);
    const uint64_t dst = a[2].bits, len = a[4].bits;
    if (!InBounds(dst, len, TableLength(t))) return Trapped(TrapCode::kTableOutOfBounds);
    for (uint64_t i = 0; i < len; ++i) Put64(tables_[t].base + 8 * (dst + i), a[3].bits);
    SyncCodes(t, dst, dst + len);
    return Returned({});
  });
  def("table_copy", {i32, i32, i64, i64, i64}, {}, [this](Args a) {
    const uint32_t dt = static_cast<uint32_t>(a[1].bits), st = static_cast<uint32_t>(a[2].bits);
    const uint64_t dst = a[3].bits, src = a[4].bits, len = a[5].bits;
    if (!InBounds(dst, len, TableLength(dt)) || !InBounds(src, len, TableLength(st)))
      return Trapped(TrapCode::kTableOutOfBounds);
    std::memmove(interp_->heap().data() + tables_[dt].base + 8 * dst,
                 interp_->heap().data() + tables_[st].base + 8 * src, 8 * len);
    SyncCodes(dt, dst, dst + len);
    return Returned({});
  });
  def("table_init", {i32, i32, i64, i64, i64}, {}, [this](Args a) {
    const uint32_t t = static_cast<uint32_t>(a[1].bits), e = static_cast<uint32_t>(a[2].bits);
    const uint64_t dst = a[3].bits, src = a[4].bits, len = a[5].bits;
    const std::vector<uint64_t>& items = elems_[e].values;
    if (!InBounds(src, len, items.size()) || !InBounds(dst, len, TableLength(t)))
      return Trapped(TrapCode::kTableOutOfBounds);
    for (uint64_t i = 0; i < len; ++i) Put64(tables_[t].base + 8 * (dst + i), items[src + i]);
    SyncCodes(t, dst, dst + len);
    return Returned({});
  });
}

CallOutcome OracleInstance::Call(uint32_t func_index, std::span<const uint64_t> args,
                                 uint64_t fuel) {
  const wasm::FuncType& type = env_->function_type(func_index);
  std::vector<ir::DataValue> values;
  values.push_back({ir::Type::kI64, vm_});
  for (size_t i = 0; i < type.params().size(); ++i) {
    const wasm::ValType t = type.params()[i];
    values.push_back({IrTypeOf(t), Denormalise(t, args[i])});
  }
  return Run(func_index, values, fuel);
}

CallOutcome OracleInstance::Run(uint32_t func_index, std::span<const ir::DataValue> args,
                                uint64_t fuel) {
  Put64(limits_ + wasm::VMContextLayout::kLimitsFuel,
        static_cast<uint64_t>(-static_cast<int64_t>(fuel)));
  ir::InterpResult r = interp_->Call(symbols_[func_index], args);
  CallOutcome out;
  switch (r.kind) {
    case ir::InterpResult::Kind::kReturned: {
      const wasm::FuncType& type = env_->function_type(func_index);
      for (size_t i = 0; i < r.values.size(); ++i)
        out.values.push_back(Normalise(type.results()[i], r.values[i].bits));
      break;
    }
    case ir::InterpResult::Kind::kTrapped:
      out.kind = CallOutcome::Kind::kTrapped;
      out.trap = r.trap;
      if (r.trap == TrapCode::kStackOverflow) {
        out.kind = CallOutcome::Kind::kInconclusive;
        out.note = "interpreter call depth exhausted";
      }
      break;
    case ir::InterpResult::Kind::kError:
      out.kind = CallOutcome::Kind::kInconclusive;
      out.note = r.error;
      if (r.error.rfind(kInconclusive, 0) != 0) {
        // Anything but a documented limit is a harness or interpreter bug: say so loudly.
        out.note = "interpreter error: " + r.error;
      }
      break;
  }
  return out;
}

InstanceState OracleInstance::State() const {
  InstanceState s;
  if (has_memory_) {
    const uint8_t* base = interp_->heap().data() + mem_base_;
    s.memory.assign(base, base + MemoryLength());
  }
  for (uint32_t g = 0; g < env_->globals.size(); ++g)
    s.globals.push_back(Normalise(env_->globals[g].type.type, Get64(vm_ + layout_.Global(g))));
  for (uint32_t t = 0; t < tables_.size(); ++t) {
    std::vector<uint64_t> elems;
    for (uint64_t i = 0; i < TableLength(t); ++i)
      elems.push_back(Normalise(env_->tables[t].type.elem, Get64(tables_[t].base + 8 * i)));
    s.tables.push_back(std::move(elems));
  }
  return s;
}

}  // namespace egret::fuzz
