// store.cc: see store.h.
#include "runtime/store.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "artifact/vmoffsets.h"
#include "runtime/instance.h"
#include "runtime/stack_walk.h"

namespace egret::runtime {

// A host function's "vmctx". The header's layout is fixed by artifact/vmoffsets.h (a module's
// wasm-to-array trampoline loads array_call from it); the rest is C++.
struct VMHostContextHeader {
  uint32_t magic = artifact::kVMHostContextMagic;
  uint32_t reserved = 0;
  ArrayCallFn array_call = nullptr;
  void* owner = nullptr;  // the HostCallback to run
};
static_assert(offsetof(VMHostContextHeader, array_call) == artifact::kVMHostContextArrayCall);

struct Store::HostFuncContext {
  VMHostContextHeader header;
  VMFuncRef funcref;
  artifact::FuncType type;
  HostCallback callback;
  Store* store = nullptr;
  std::vector<uint32_t> externref_params;  // indices of externref parameters
  uint32_t externref_results = 0;          // how many results are externrefs
};

// The array_call entry of every host function. Externref arguments are pinned (counted) for the
// callback's duration: the calling frame need not keep them live, and the callback may call
// back into Wasm, which may collect. Results written with ExternRefToRaw are in the activations
// table already; room for them is made (a collection) before the callback runs, when it is safe.
void Store::HostArrayCall(VMContext* callee_vmctx, VMContext*, ValRaw* args_results, size_t n) {
  // Compiled code (a wasm-to-array trampoline) calls this directly: the stack walk starts here.
  EGRET_WASM_EXIT_SCOPE();
  auto* header = reinterpret_cast<VMHostContextHeader*>(callee_vmctx);
  EGRET_CHECK(header->magic == artifact::kVMHostContextMagic);
  auto* ctx = static_cast<HostFuncContext*>(header->owner);
  std::optional<TrapCode> trap;
  {
    // The callback and its frames end before a trap unwinds (RaiseTrap skips destructors).
    const size_t pins = ctx->externref_params.size();
    VMExternData* inline_pins[kInlineSlots];
    std::vector<VMExternData*> heap_pins(pins > kInlineSlots ? pins : 0);
    VMExternData** pinned = pins > kInlineSlots ? heap_pins.data() : inline_pins;
    for (size_t i = 0; i < pins; ++i) {
      pinned[i] = static_cast<VMExternData*>(args_results[ctx->externref_params[i]].ref);
      ExternRefRetain(pinned[i]);
    }
    if (ctx->externref_results > ctx->store->activations_.free_slots()) ctx->store->GC();
    trap = ctx->callback(std::span<ValRaw>(args_results, n));
    for (size_t i = 0; i < pins; ++i) ExternRefRelease(pinned[i]);
  }
  if (trap) RaiseTrap(*trap);
}

Val Val::I32(int32_t v) {
  Val r;
  r.type = artifact::ValType::kI32;
  r.raw.i64 = 0;
  r.raw.i32 = v;
  return r;
}
Val Val::I64(int64_t v) {
  Val r;
  r.type = artifact::ValType::kI64;
  r.raw.i64 = v;
  return r;
}
Val Val::F32Bits(uint32_t bits) {
  Val r;
  r.type = artifact::ValType::kF32;
  r.raw.i64 = 0;
  r.raw.f32 = bits;
  return r;
}
Val Val::F64Bits(uint64_t bits) {
  Val r;
  r.type = artifact::ValType::kF64;
  r.raw.f64 = bits;
  return r;
}
Val Val::FuncRef(VMFuncRef* f) {
  Val r;
  r.type = artifact::ValType::kFuncRef;
  r.raw.ref = f;
  return r;
}
Val Val::ExternRef(runtime::ExternRef ref) {
  Val r;
  r.type = artifact::ValType::kExternRef;
  r.raw.i64 = 0;
  r.raw.ref = std::move(ref).Release();
  return r;
}
Val Val::FromRaw(artifact::ValType t, const ValRaw& raw) {
  Val r;
  r.raw = raw;
  r.type = t;
  if (t == artifact::ValType::kExternRef) ExternRefRetain(static_cast<VMExternData*>(raw.ref));
  return r;
}
Val Val::Default(artifact::ValType t) {
  Val r;
  r.type = t;
  std::memset(&r.raw, 0, sizeof r.raw);
  return r;
}

bool operator==(const Val& a, const Val& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case artifact::ValType::kI32:
    case artifact::ValType::kF32:
      return a.raw.f32 == b.raw.f32;
    case artifact::ValType::kV128:
      return std::memcmp(a.raw.v128, b.raw.v128, 16) == 0;
    case artifact::ValType::kFuncRef:
    case artifact::ValType::kExternRef:  // identity
      return a.raw.ref == b.raw.ref;
    default:
      return a.raw.f64 == b.raw.f64;
  }
}

std::string Val::ToString() const {
  char buf[64];
  switch (type) {
    case artifact::ValType::kI32:
      std::snprintf(buf, sizeof buf, "i32:%" PRId32, raw.i32);
      break;
    case artifact::ValType::kI64:
      std::snprintf(buf, sizeof buf, "i64:%" PRId64, raw.i64);
      break;
    case artifact::ValType::kF32:
      std::snprintf(buf, sizeof buf, "f32:0x%08" PRIx32, raw.f32);
      break;
    case artifact::ValType::kF64:
      std::snprintf(buf, sizeof buf, "f64:0x%016" PRIx64, raw.f64);
      break;
    case artifact::ValType::kV128: {  // i32x4 lanes, lane 0 first
      uint32_t lanes[4];
      std::memcpy(lanes, raw.v128, 16);
      std::snprintf(buf, sizeof buf,
                    "v128:0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32, lanes[0],
                    lanes[1], lanes[2], lanes[3]);
      break;
    }
    default:
      std::snprintf(buf, sizeof buf, "%s:%p", std::string(ValTypeName(type)).c_str(), raw.ref);
      break;
  }
  return buf;
}

Val Global::Get() const { return Val::FromRaw(type.type, *slot); }

void Global::Set(const Val& v) {
  if (type.type == artifact::ValType::kExternRef) {
    // Count the new value before releasing the old one: they may be the same reference.
    ExternRefRetain(static_cast<VMExternData*>(v.raw.ref));
    auto* old = static_cast<VMExternData*>(slot->ref);
    std::memcpy(slot, &v.raw, sizeof(ValRaw));
    ExternRefRelease(old);
    return;
  }
  std::memcpy(slot, &v.raw, sizeof(ValRaw));
}

Store::Store(Engine& engine)
    : engine_(engine), activations_(engine.config().externref_activations) {}

Store::~Store() {
  // Every count the store's objects own goes, in an order where nothing is used after it:
  // the activations (no Wasm frame of this store can be live now), the host's globals, then
  // instances (their globals and element segments) and tables (their elements).
  activations_.Collect(ExternRefActivations::Mode::kNoWasmFrames);
  for (ValRaw* slot : externref_globals_) ExternRefRelease(static_cast<VMExternData*>(slot->ref));
  instances_.clear();
  tables_.clear();
}

ExternRefActivations::CollectStats Store::GC() {
  // With no entry of this store on the stack, no frame can hold an entry. Otherwise the stack
  // walk reports every live reference slot of every suspended Wasm frame on this thread (other
  // stores' frames too: keeping their references until the next collection is harmless).
  if (wasm_depth_ == 0) return activations_.Collect(ExternRefActivations::Mode::kNoWasmFrames);
  return activations_.Collect(
      ExternRefActivations::Mode::kPrecise,
      [](void*, ExternRefVisitor visit, void* visit_ctx) {
        VisitWasmStackRefs([&](void** slot) { visit(visit_ctx, slot); });
      },
      nullptr);
}

void Store::ActivateFromWasmSlow(VMExternData* d) {
  // `d` is owned by the table or global it was read from, so a collection cannot free it.
  GC();
  activations_.Insert(d);
}

Func Store::NewHostFunc(const artifact::FuncType& type, HostCallback callback) {
  auto ctx = std::make_unique<HostFuncContext>();
  ctx->type = type;
  ctx->callback = std::move(callback);
  ctx->store = this;
  for (size_t i = 0; i < type.params.size(); ++i)
    if (type.params[i] == artifact::ValType::kExternRef)
      ctx->externref_params.push_back(uint32_t(i));
  for (artifact::ValType t : type.results)
    ctx->externref_results += t == artifact::ValType::kExternRef;
  ctx->header.array_call = &HostArrayCall;
  ctx->header.owner = ctx.get();
  ctx->funcref.wasm_call = nullptr;  // set per importing module (its wasm-to-array trampoline)
  ctx->funcref.array_call = &HostArrayCall;
  ctx->funcref.type_id = engine_.signatures().Intern(type);
  ctx->funcref.vmctx = reinterpret_cast<VMContext*>(&ctx->header);
  Func f{&ctx->funcref};
  host_funcs_.push_back(std::move(ctx));
  return f;
}

Expected<LinearMemory*> Store::NewMemory(const artifact::MemoryType& type) {
  EGRET_ASSIGN_OR_RETURN(auto m, LinearMemory::Create(type, engine_.config().memory));
  return Adopt(std::move(m));
}

Expected<Table*> Store::NewTable(const artifact::TableType& type, void* init) {
  EGRET_ASSIGN_OR_RETURN(auto t, Table::Create(type, init, engine_.config().max_table_elements));
  return Adopt(std::move(t));
}

Global Store::NewGlobal(const artifact::GlobalType& type, const Val& init) {
  globals_.emplace_back();
  Global g{type, &globals_.back().value};
  g.Set(init);
  if (type.type == artifact::ValType::kExternRef) externref_globals_.push_back(g.slot);
  return g;
}

const artifact::FuncType& Store::TypeOf(Func f) const {
  EGRET_CHECK(f.valid());
  const artifact::FuncType* t = engine_.signatures().Lookup(f.ref->type_id);
  EGRET_CHECK(t != nullptr);
  return *t;
}

namespace {

// Checks `args` against `type`; the message says which argument is wrong.
Status CheckArguments(const artifact::FuncType& type, std::span<const Val> args) {
  if (args.size() != type.params.size())
    return Error("call: expected " + std::to_string(type.params.size()) + " arguments, got " +
                 std::to_string(args.size()) + " (" + artifact::FuncTypeToString(type) + ")");
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].type != type.params[i])
      return Error("call: argument " + std::to_string(i) + " is " +
                   std::string(ValTypeName(args[i].type)) + ", expected " +
                   std::string(ValTypeName(type.params[i])));
  return Status::Ok();
}

// The slots of one call: on the stack up to kInlineSlots, else on the heap.
class Slots {
 public:
  explicit Slots(size_t n) : n_(std::max<size_t>(n, 1)) {
    if (n_ > kInlineSlots) heap_.resize(n_);
  }
  std::span<ValRaw> span() { return {n_ > kInlineSlots ? heap_.data() : inline_, n_}; }

 private:
  size_t n_;
  ValRaw inline_[kInlineSlots];
  std::vector<ValRaw> heap_;
};

}  // namespace

Expected<std::optional<Trap>> Store::Call(Func f, std::span<const Val> args,
                                          std::span<Val> results) {
  if (!f.valid()) return Error("call: null function");
  const artifact::FuncType& type = TypeOf(f);
  EGRET_TRY(CheckArguments(type, args));
  if (results.size() != type.results.size())
    return Error("call: room for " + std::to_string(results.size()) +
                 " results, the function has " + std::to_string(type.results.size()) + " (" +
                 artifact::FuncTypeToString(type) + ")");
  if (f.ref->array_call == nullptr) return Error("call: the function has no array_call entry");
  Slots slots(std::max(type.params.size(), type.results.size()));
  std::span<ValRaw> io = slots.span();
  // Externref arguments enter the activations table (collect first if they do not all fit:
  // the Vals own them meanwhile).
  size_t refs = 0;
  for (const Val& a : args) refs += a.type == artifact::ValType::kExternRef && a.raw.ref != nullptr;
  if (refs > activations_.free_slots()) GC();
  for (size_t i = 0; i < args.size(); ++i) {
    io[i] = args[i].raw;
    if (args[i].type == artifact::ValType::kExternRef)
      activations_.Insert(static_cast<VMExternData*>(args[i].raw.ref));
  }
  std::optional<Trap> trap = CallUnchecked(f, io);
  // Results are activated (no collection ran since the call returned): the Vals clone them.
  if (!trap)
    for (size_t i = 0; i < results.size(); ++i) results[i] = Val::FromRaw(type.results[i], io[i]);
  return trap;
}

Expected<CallResult> Store::Call(Func f, std::span<const Val> args) {
  if (!f.valid()) return Error("call: null function");
  const size_t num_results = TypeOf(f).results.size();
  CallResult result;
  Val inline_results[kInlineSlots];
  std::vector<Val> heap_results(num_results > kInlineSlots ? num_results : 0);
  std::span<Val> out = num_results > kInlineSlots ? std::span<Val>(heap_results)
                                                  : std::span<Val>(inline_results, num_results);
  EGRET_ASSIGN_OR_RETURN(result.trap, Call(f, args, out));
  if (!result.trap) result.results.assign(out.begin(), out.end());
  return result;
}

void Store::InstallLimits(uintptr_t stack_limit, int64_t fuel_counter) {
  for (auto& instance : instances_) {
    instance->SetStackLimit(stack_limit);
    instance->SetFuelConsumed(fuel_counter);
  }
  stack_limit_ = stack_limit;
  fuel_start_ = fuel_counter;
}

void Store::Enter(void* store, uintptr_t limit) {
  static_cast<Store*>(store)->EnterWithLimit(limit);
}

void Store::EnterWithLimit(uintptr_t limit) {
  if (fuel_) {
    // Fuel handed to each instance: -remaining, so it runs out when the counter passes 0.
    InstallLimits(limit, -int64_t(std::min<uint64_t>(*fuel_, INT64_MAX)));
    limits_dirty_ = true;  // stays set while a budget exists
  } else if (limits_dirty_ || limit != stack_limit_) {
    // Unlimited: counters start at INT64_MIN and are not reset per call (2^63 units away from
    // running out).
    InstallLimits(limit, INT64_MIN);
    limits_dirty_ = false;
  }
}

void Store::Leave() {
  // Every counter started at fuel_start_ and only grows. Instances linked through fuel
  // forwarders (instance.cc) carry the store-wide consumption, so the largest counter is what
  // the call consumed. Instances that called each other some other way (a table, a funcref)
  // each ran against the whole remaining budget; charging the largest is then a lower bound.
  uint64_t consumed = 0;
  for (auto& instance : instances_) {
    const int64_t now = instance->FuelConsumed();
    if (now > fuel_start_)  // the difference in unsigned arithmetic cannot overflow
      consumed = std::max(consumed, uint64_t(now) - uint64_t(fuel_start_));
  }
  *fuel_ -= std::min(consumed, *fuel_);
}

namespace {

struct ArrayCallArgs {
  VMFuncRef* ref;
  ValRaw* data;
  size_t n;
};

void RunArrayCall(void* p) {
  const auto* c = static_cast<const ArrayCallArgs*>(p);
  c->ref->array_call(c->ref->vmctx, c->ref->vmctx, c->data, c->n);
}

}  // namespace

std::optional<Trap> Store::CallUnchecked(Func f, std::span<ValRaw> args_results) {
  EGRET_DCHECK(f.valid() && f.ref->array_call != nullptr);
  ArrayCallArgs call{f.ref, args_results.data(), args_results.size()};
  const WasmEntry entry{&Store::Enter, this, engine_.config().max_wasm_stack};
  bool outermost = false;
  ++wasm_depth_;
  std::optional<Trap> trap = CallWithTrapHandling(&RunArrayCall, &call, &entry, &outermost);
  --wasm_depth_;
  if (outermost && fuel_) Leave();
  return trap;
}

Instance* Store::Adopt(std::unique_ptr<Instance> instance) {
  instances_.push_back(std::move(instance));
  return instances_.back().get();
}

LinearMemory* Store::Adopt(std::unique_ptr<LinearMemory> memory) {
  memories_.push_back(std::move(memory));
  return memories_.back().get();
}

Table* Store::Adopt(std::unique_ptr<Table> table) {
  tables_.push_back(std::move(table));
  return tables_.back().get();
}

}  // namespace egret::runtime
