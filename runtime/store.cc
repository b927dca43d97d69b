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
};

namespace {

// The array_call entry of every host function.
void HostArrayCall(VMContext* callee_vmctx, VMContext*, ValRaw* args_results, size_t n) {
  // Compiled code (a wasm-to-array trampoline) calls this directly: the stack walk starts here.
  EGRET_WASM_EXIT_SCOPE();
  auto* header = reinterpret_cast<VMHostContextHeader*>(callee_vmctx);
  EGRET_CHECK(header->magic == artifact::kVMHostContextMagic);
  std::optional<TrapCode> trap;
  {
    // The callback and its frames end before a trap unwinds (RaiseTrap skips destructors).
    auto* ctx = static_cast<const std::function<std::optional<TrapCode>(std::span<ValRaw>)>*>(
        header->owner);
    trap = (*ctx)(std::span<ValRaw>(args_results, n));
  }
  if (trap) RaiseTrap(*trap);
}

}  // namespace

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
Val Val::ExternRef(void* p) {
  Val r;
  r.type = artifact::ValType::kExternRef;
  r.raw.ref = p;
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
    case artifact::ValType::kExternRef:
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

Val Global::Get() const {
  Val v;
  v.type = type.type;
  std::memcpy(&v.raw, slot, sizeof(ValRaw));
  return v;
}

void Global::Set(const Val& v) { std::memcpy(slot, &v.raw, sizeof(ValRaw)); }

Store::Store(Engine& engine) : engine_(engine) {}
Store::~Store() = default;

Func Store::NewHostFunc(const artifact::FuncType& type, HostCallback callback) {
  auto ctx = std::make_unique<HostFuncContext>();
  ctx->type = type;
  ctx->callback = std::move(callback);
  ctx->header.array_call = &HostArrayCall;
  ctx->header.owner = &ctx->callback;
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
  for (size_t i = 0; i < args.size(); ++i) io[i] = args[i].raw;
  std::optional<Trap> trap = CallUnchecked(f, io);
  if (!trap)
    for (size_t i = 0; i < results.size(); ++i) {
      results[i].type = type.results[i];
      results[i].raw = io[i];
    }
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
  std::optional<Trap> trap = CallWithTrapHandling(&RunArrayCall, &call, &entry, &outermost);
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
