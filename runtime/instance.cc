// instance.cc: see instance.h for the instantiation order.
#include "runtime/instance.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "artifact/vmoffsets.h"
#include "runtime/instance_pre.h"

namespace egret::runtime {
namespace {

using artifact::ExternKind;
using artifact::VMOffsets;

std::string ImportName(const artifact::Import& im) {
  return "\"" + im.module + "\" \"" + im.name + "\"";
}

bool LimitsMatch(uint64_t actual_min, std::optional<uint64_t> actual_max,
                 const artifact::Limits& wanted) {
  if (actual_min < wanted.min) return false;
  if (!wanted.max) return true;
  return actual_max && *actual_max <= *wanted.max;
}

}  // namespace

void Instance::VMContextDeleter::operator()(uint8_t* p) const {
  if (pool != nullptr)
    pool->Give(p, bytes);
  else
    std::free(p);
}

VMFuncRef Instance::ResolveImport(const Module& module, const VMFuncRef& ref,
                                  const artifact::Import& im) {
  VMFuncRef f = ref;
  // A host function is called through the module's wasm-to-array trampoline for its type.
  if (f.wasm_call == nullptr) f.wasm_call = module.WasmToArrayTrampoline(im.type_index);
  return f;
}

Instance::~Instance() {
  // Externref counts the instance owns: its defined globals and its undropped segments.
  if (vmctx_ == nullptr) return;
  const artifact::Artifact& a = module_->artifact();
  const uint32_t imported = a.NumImported(ExternKind::kGlobal);
  for (uint32_t i = imported; i < globals_.size(); ++i)
    if (globals_[i].type.type == artifact::ValType::kExternRef)
      ExternRefRelease(static_cast<VMExternData*>(globals_[i].slot->ref));
  for (uint32_t i = 0; i < elements_.size(); ++i) DropElement(i);
}

Instance* Instance::FromVMContext(VMContext* vmctx) {
  Instance* instance;
  std::memcpy(&instance, reinterpret_cast<uint8_t*>(vmctx) + VMOffsets::instance(),
              sizeof instance);
  return instance;
}

Expected<Instance*> Instance::Instantiate(Store& store, std::shared_ptr<const Module> module,
                                          std::span<const Extern> imports) {
  return Create(store, std::move(module), imports, nullptr);
}

Expected<Instance*> Instance::Create(Store& store, std::shared_ptr<const Module> module,
                                     std::span<const Extern> imports, const InstancePre* pre) {
  if (&module->engine() != &store.engine())
    return Error("instantiate: the module and the store belong to different engines");
  // The store owns the instance from the start, even if instantiation fails: memories and tables
  // it created point into its VMContext, and a trapping segment or start function may already
  // have written through imports.
  std::unique_ptr<Instance> owned(new Instance());
  owned->store_ = &store;
  owned->module_ = std::move(module);
  Instance* instance = store.Adopt(std::move(owned));
  EGRET_TRY(instance->Initialize(imports, pre));
  EGRET_TRY(instance->ApplySegmentsAndStart());
  return instance;
}

Status Instance::CheckImports(const Store& store, const Module& module,
                              std::span<const Extern> imports) {
  const artifact::Artifact& a = module.artifact();
  if (imports.size() != a.imports.size())
    return Error("instantiate: the module has " + std::to_string(a.imports.size()) + " imports, " +
                 std::to_string(imports.size()) + " were given");
  for (size_t i = 0; i < imports.size(); ++i) {
    const artifact::Import& im = a.imports[i];
    const Extern& ext = imports[i];
    // Built only for an error message: the check loop allocates nothing when imports match.
    struct Where {
      const artifact::Import& im;
      operator std::string() const { return "instantiate: import " + ImportName(im) + ": "; }
      std::string operator+(const std::string& rest) const { return std::string(*this) + rest; }
      std::string operator+(const char* rest) const { return std::string(*this) + rest; }
    } where{im};
    if (ext.kind != im.kind)
      return Error(where + "expected a " + std::string(ExternKindName(im.kind)) + ", got a " +
                   std::string(ExternKindName(ext.kind)));
    switch (im.kind) {
      case ExternKind::kFunc:
        if (!ext.func.valid()) return Error(where + "null function");
        if (ext.func.ref->type_id != module.signature_ids()[im.type_index])
          return Error(where + "incompatible import type: expected " +
                       artifact::FuncTypeToString(a.types[im.type_index]) + ", got " +
                       artifact::FuncTypeToString(store.TypeOf(ext.func)));
        if (ext.func.ref->wasm_call == nullptr &&
            module.WasmToArrayTrampoline(im.type_index) == nullptr)
          return Error(where +
                       "host function, but the module has no wasm-to-array trampoline "
                       "for its type");
        break;
      case ExternKind::kTable:
        if (ext.table == nullptr || ext.table->elem_type() != im.table.elem ||
            !LimitsMatch(ext.table->size(), ext.table->type().limits.max, im.table.limits))
          return Error(where + "incompatible import type (table)");
        break;
      case ExternKind::kMemory:
        if (ext.memory == nullptr || ext.memory->type().is64 != im.memory.is64 ||
            ext.memory->type().shared != im.memory.shared ||
            !LimitsMatch(ext.memory->pages(), ext.memory->type().limits.max, im.memory.limits))
          return Error(where + "incompatible import type (memory)");
        break;
      case ExternKind::kGlobal:
        if (ext.global.slot == nullptr || !(ext.global.type == im.global))
          return Error(where + "incompatible import type (global)");
        break;
    }
  }
  return Status::Ok();
}

Status Instance::Initialize(std::span<const Extern> imports, const InstancePre* pre) {
  const artifact::Artifact& a = module_->artifact();
  const VMOffsets& o = module_->offsets();
  Engine& engine = store_->engine();

  // 1. Check every import before anything is allocated (InstancePre did it once already).
  if (pre == nullptr) EGRET_TRY(CheckImports(*store_, *module_, imports));

  // 2. The VMContext and its header.
  EGRET_ASSIGN_OR_RETURN(SlotPool * vmctx_pool, engine.vmctx_pool());
  if (vmctx_pool != nullptr) {
    // A pooled slot: page-aligned and already zero.
    EGRET_ASSIGN_OR_RETURN(uint8_t * slot, vmctx_pool->Take(o.size()));
    vmctx_ = std::unique_ptr<uint8_t[], VMContextDeleter>(slot, {vmctx_pool, o.size()});
  } else {
    auto* raw = static_cast<uint8_t*>(std::aligned_alloc(16, o.size()));
    EGRET_CHECK(raw != nullptr);
    std::memset(raw, 0, o.size());
    vmctx_.reset(raw);
  }
  *At<uint32_t>(VMOffsets::magic()) = artifact::kVMContextMagic;
  *At<const uint32_t*>(VMOffsets::signature_ids()) = module_->signature_ids().data();
  *At<const void* const*>(VMOffsets::builtins()) = engine.builtins().data();
  *At<Store*>(VMOffsets::store()) = store_;
  *At<Instance*>(VMOffsets::instance()) = this;
  // The store-wide stack limit and fuel counter: one record, shared by every instance.
  *At<VMStoreLimits*>(VMOffsets::store_limits()) = store_->limits();

  // 3. Imports.
  uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
  for (size_t i = 0; i < imports.size(); ++i) {
    const artifact::Import& im = a.imports[i];
    const Extern& ext = imports[i];
    switch (im.kind) {
      case ExternKind::kFunc: {
        VMFuncRef f =
            pre != nullptr ? pre->import_funcrefs_[nf] : ResolveImport(*module_, *ext.func.ref, im);
        *At<VMFunctionImport>(o.imported_function(nf)) = VMFunctionImport{f.wasm_call, f.vmctx};
        *At<VMFuncRef>(o.funcref(nf)) = f;
        ++nf;
        break;
      }
      case ExternKind::kTable:
        *At<VMTableDefinition*>(o.imported_table(nt++)) = ext.table->definition();
        tables_.push_back(ext.table);
        break;
      case ExternKind::kMemory:
        *At<VMMemoryDefinition*>(o.imported_memory(nm++)) = ext.memory->definition();
        memories_.push_back(ext.memory);
        break;
      case ExternKind::kGlobal:
        *At<ValRaw*>(o.imported_global(ng++)) = ext.global.slot;
        globals_.push_back(ext.global);
        break;
    }
  }

  // 4. Defined memories and tables, with their definitions inside the VMContext.
  for (uint32_t i = 0; i < a.memories.size(); ++i) {
    EGRET_ASSIGN_OR_RETURN(auto m, LinearMemory::Create(a.memories[i], engine.config().memory));
    m->RelocateDefinition(At<VMMemoryDefinition>(o.defined_memory(i)));
    memories_.push_back(store_->Adopt(std::move(m)));
  }
  EGRET_ASSIGN_OR_RETURN(SlotPool * table_pool, engine.table_pool());
  for (uint32_t i = 0; i < a.tables.size(); ++i) {
    EGRET_ASSIGN_OR_RETURN(auto t, Table::Create(a.tables[i], nullptr,
                                                 engine.config().max_table_elements, table_pool));
    t->RelocateDefinition(At<VMTableDefinition>(o.defined_table(i)));
    tables_.push_back(store_->Adopt(std::move(t)));
  }

  // 5. Funcrefs of defined functions.
  for (uint32_t i = 0; i < a.functions.size(); ++i) {
    VMFuncRef* f = At<VMFuncRef>(o.funcref(nf + i));
    f->wasm_call = module_->WasmCall(i);
    f->array_call = module_->ArrayCall(i);
    f->type_id = module_->signature_ids()[a.functions[i].type_index];
    f->vmctx = vmctx();
  }

  // 6. Globals, in order (an initializer may read earlier globals).
  for (uint32_t i = 0; i < a.globals.size(); ++i) {
    Global g{a.globals[i].type, At<ValRaw>(o.defined_global(i))};
    EGRET_ASSIGN_OR_RETURN(Val v, Evaluate(a.globals[i].init));
    g.Set(v);
    globals_.push_back(g);
  }

  // 7. Segments are evaluated now; active ones are applied by ApplySegmentsAndStart.
  data_dropped_.assign(a.data.size(), false);
  elements_.resize(a.elements.size());
  for (uint32_t i = 0; i < a.elements.size(); ++i) {
    std::vector<void*>& items = elements_[i];
    items.reserve(a.elements[i].items.size());
    for (const artifact::ConstExpr& e : a.elements[i].items) {
      EGRET_ASSIGN_OR_RETURN(Val v, Evaluate(e));
      // An externref segment owns one count per item until it is dropped.
      if (a.elements[i].elem_type == artifact::ValType::kExternRef)
        ExternRefRetain(static_cast<VMExternData*>(v.ref()));
      items.push_back(v.ref());
    }
  }
  return Status::Ok();
}

Status Instance::ApplySegmentsAndStart() {
  const artifact::Artifact& a = module_->artifact();
  auto trapped = [](TrapCode code) {
    return Error("instantiate: wasm trap: " + std::string(TrapCodeMessage(code)));
  };
  for (uint32_t i = 0; i < a.elements.size(); ++i) {
    const artifact::ElementSegment& seg = a.elements[i];
    if (seg.mode == artifact::SegmentMode::kActive) {
      EGRET_ASSIGN_OR_RETURN(Val offset, Evaluate(seg.offset));
      if (auto trap = tables_[seg.table_index]->Init(uint32_t(offset.i32()), elements_[i], 0,
                                                     elements_[i].size()))
        return trapped(*trap);
    }
    if (seg.mode != artifact::SegmentMode::kPassive) DropElement(i);
  }
  // Defined memories with a copy-on-write image get it mapped, in place of their segments
  // (the image holds exactly what copying them in order would write; none of them can trap).
  const uint32_t imported_memories = a.NumImported(ExternKind::kMemory);
  for (uint32_t m = imported_memories; m < memories_.size() && !a.data.empty(); ++m)
    if (const MemoryImage* image = module_->memory_image(m))
      EGRET_TRY(memories_[m]->MapImage(*image));
  for (uint32_t i = 0; i < a.data.size(); ++i) {
    const artifact::DataSegment& seg = a.data[i];
    if (seg.mode != artifact::SegmentMode::kActive) continue;
    if (seg.memory_index >= imported_memories && module_->memory_image(seg.memory_index)) {
      DropData(i);
      continue;
    }
    EGRET_ASSIGN_OR_RETURN(Val offset, Evaluate(seg.offset));
    LinearMemory* m = memories_[seg.memory_index];
    const uint64_t dst = m->type().is64 ? uint64_t(offset.i64()) : uint32_t(offset.i32());
    if (auto trap = m->Init(dst, seg.bytes, 0, seg.bytes.size())) return trapped(*trap);
    DropData(i);
  }
  if (a.start) {
    EGRET_ASSIGN_OR_RETURN(CallResult r, store_->Call(Func{funcref(*a.start)}, {}));
    if (r.trap) return Error("instantiate: start function: " + r.trap->ToString());
  }
  return Status::Ok();
}

Expected<Val> Instance::Evaluate(const artifact::ConstExpr& expr) const {
  using K = artifact::ConstOp::Kind;
  Val stack[64];
  size_t depth = 0;
  for (const artifact::ConstOp& op : expr.ops) {
    // The reader has type-checked the expression; these checks only guard hand-made artifacts.
    if (depth == std::size(stack)) return Error("constant expression too deep");
    switch (op.kind) {
      case K::kI32Const:
        stack[depth++] = Val::I32(int32_t(uint32_t(op.lo)));
        break;
      case K::kI64Const:
        stack[depth++] = Val::I64(int64_t(op.lo));
        break;
      case K::kF32Const:
        stack[depth++] = Val::F32Bits(uint32_t(op.lo));
        break;
      case K::kF64Const:
        stack[depth++] = Val::F64Bits(op.lo);
        break;
      case K::kV128Const: {
        Val v = Val::Default(artifact::ValType::kV128);
        std::memcpy(v.raw.v128, &op.lo, 8);
        std::memcpy(v.raw.v128 + 8, &op.hi, 8);
        stack[depth++] = v;
        break;
      }
      case K::kRefNull:
        stack[depth++] = Val::Default(artifact::ValType(op.index));
        break;
      case K::kRefFunc:
        if (op.index >= module_->artifact().NumFunctions()) return Error("ref.func out of range");
        stack[depth++] = Val::FuncRef(funcref(op.index));
        break;
      case K::kGlobalGet:
        if (op.index >= globals_.size()) return Error("global.get out of range");
        stack[depth++] = globals_[op.index].Get();
        break;
      default: {
        if (depth < 2) return Error("constant expression underflow");
        const Val b = stack[--depth];
        Val& x = stack[depth - 1];
        switch (op.kind) {
          case K::kI32Add:
            x = Val::I32(int32_t(uint32_t(x.i32()) + uint32_t(b.i32())));
            break;
          case K::kI32Sub:
            x = Val::I32(int32_t(uint32_t(x.i32()) - uint32_t(b.i32())));
            break;
          case K::kI32Mul:
            x = Val::I32(int32_t(uint32_t(x.i32()) * uint32_t(b.i32())));
            break;
          case K::kI64Add:
            x = Val::I64(int64_t(uint64_t(x.i64()) + uint64_t(b.i64())));
            break;
          case K::kI64Sub:
            x = Val::I64(int64_t(uint64_t(x.i64()) - uint64_t(b.i64())));
            break;
          case K::kI64Mul:
            x = Val::I64(int64_t(uint64_t(x.i64()) * uint64_t(b.i64())));
            break;
          default:
            return Error("invalid constant-expression opcode");
        }
        break;
      }
    }
  }
  if (depth != 1) return Error("constant expression must produce one value");
  return stack[0];
}

std::optional<Extern> Instance::GetExport(std::string_view name) const {
  auto e = module_->FindExport(name);
  if (!e) return std::nullopt;
  switch (e->kind) {
    case ExternKind::kFunc:
      return Extern::Of(Func{funcref(e->index)});
    case ExternKind::kTable:
      return Extern::Of(tables_[e->index]);
    case ExternKind::kMemory:
      return Extern::Of(memories_[e->index]);
    case ExternKind::kGlobal:
      return Extern::Of(globals_[e->index]);
  }
  return std::nullopt;
}

Func Instance::GetFunc(std::string_view name) const {
  auto e = GetExport(name);
  return e && e->kind == ExternKind::kFunc ? e->func : Func{};
}

VMFuncRef* Instance::funcref(uint32_t func_index) const {
  EGRET_CHECK(func_index < module_->artifact().NumFunctions());
  return At<VMFuncRef>(module_->offsets().funcref(func_index));
}

Global Instance::global(uint32_t index) const {
  EGRET_CHECK(index < globals_.size());
  return globals_[index];
}

std::span<const uint8_t> Instance::data_segment(uint32_t index) const {
  EGRET_CHECK(index < data_dropped_.size());
  if (data_dropped_[index]) return {};
  return module_->artifact().data[index].bytes;
}

std::span<void* const> Instance::element_segment(uint32_t index) const {
  EGRET_CHECK(index < elements_.size());
  return elements_[index];
}

void Instance::DropData(uint32_t index) {
  EGRET_CHECK(index < data_dropped_.size());
  data_dropped_[index] = true;
}

void Instance::DropElement(uint32_t index) {
  EGRET_CHECK(index < elements_.size());
  if (module_->artifact().elements[index].elem_type == artifact::ValType::kExternRef)
    for (void* p : elements_[index]) ExternRefRelease(static_cast<VMExternData*>(p));
  elements_[index].clear();
  elements_[index].shrink_to_fit();
}

}  // namespace egret::runtime
