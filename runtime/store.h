// store.h: the embedding API's values and the Store that owns instances and host objects.
//
// A Store owns everything a set of instances can reach: the instances, host functions, and
// memories/tables/globals created by the host. Handles (Func, Global, LinearMemory*, Table*,
// Instance*) are plain pointers that stay valid while their Store lives; nothing is freed
// before the Store is. A Store is used by one thread at a time.
//
// Calling into Wasm, fastest first:
//   TypedFunc<R(Args...)> (typed_func.h)  the signature is checked once when the wrapper is made;
//                                          a call packs C++ values into ValRaw slots on the stack;
//   Store::CallUnchecked(Func, span<ValRaw>)  no checks at all, caller-provided slots;
//   Store::Call(Func, args, results)       checks each argument's type per call, no allocation;
//   Store::Call(Func, args)                as above, results in a CallResult (a std::vector).
// All of them enter through one path (Enter/Leave below): on the outermost entry the store's
// limits (the stack limit, the fuel counter) are written into its instances' VMContexts when they
// changed, and the function's array_call entry runs under CallWithTrapHandling. None of them
// allocates unless the call traps (the Trap and its backtrace) or has more than kInlineSlots
// argument/result slots.
//
// Store-wide limits: the stack limit and the fuel budget belong to the Store. Compiled code reads
// them from the VMContext of the instance it runs in, so the store keeps one copy per instance
// and rewrites them all only when they change: the stack limit when the outermost entry's stack
// pointer moves, the fuel counter on every outermost entry while a budget is set. Without a
// budget, repeated calls from the same host frame write nothing.
#ifndef EGRET_RUNTIME_STORE_H_
#define EGRET_RUNTIME_STORE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "artifact/artifact.h"
#include "runtime/engine.h"
#include "runtime/extern_ref.h"
#include "runtime/linear_memory.h"
#include "runtime/table.h"
#include "runtime/trap_handler.h"
#include "runtime/vmfuncref.h"
#include "support/error.h"

namespace egret::runtime {

class Instance;

// A typed WebAssembly value. An externref Val owns one count of its reference (extern_ref.h):
// copying clones it, destroying drops it. Build externref values with Val::ExternRef or
// Val::FromRaw, never by writing `type` and `raw` by hand.
struct Val {
  artifact::ValType type = artifact::ValType::kI32;
  ValRaw raw{};

  Val() = default;
  Val(const Val& o) : type(o.type), raw(o.raw) {
    if (type == artifact::ValType::kExternRef) ExternRefRetain(static_cast<VMExternData*>(raw.ref));
  }
  Val(Val&& o) noexcept : type(o.type), raw(o.raw) {
    if (type == artifact::ValType::kExternRef) o.raw.ref = nullptr;
  }
  Val& operator=(const Val& o) {
    Val copy(o);
    return *this = std::move(copy);
  }
  Val& operator=(Val&& o) noexcept {
    std::swap(type, o.type);
    std::swap(raw, o.raw);
    return *this;
  }
  ~Val() {
    if (type == artifact::ValType::kExternRef)
      ExternRefRelease(static_cast<VMExternData*>(raw.ref));
  }

  static Val I32(int32_t v);
  static Val I64(int64_t v);
  static Val F32Bits(uint32_t bits);
  static Val F64Bits(uint64_t bits);
  static Val FuncRef(VMFuncRef* f);
  // Takes over the handle's count (a null handle is the null externref). Hosts that used to pass
  // an opaque pointer write Val::ExternRef(ExternRef::NewRaw(p)).
  static Val ExternRef(runtime::ExternRef r);
  static Val Default(artifact::ValType t);  // zero / null
  // A value of type t from a raw slot; an externref is borrowed and cloned (count + 1).
  static Val FromRaw(artifact::ValType t, const ValRaw& raw);

  int32_t i32() const { return raw.i32; }
  int64_t i64() const { return raw.i64; }
  uint32_t f32_bits() const { return raw.f32; }
  uint64_t f64_bits() const { return raw.f64; }
  void* ref() const { return raw.ref; }  // borrowed; for externref a VMExternData*
  // A new handle to the externref (null for other types).
  runtime::ExternRef externref() const {
    return type == artifact::ValType::kExternRef ? runtime::ExternRef::FromRaw(raw.ref)
                                                 : runtime::ExternRef();
  }

  // Bitwise equality (NaNs with equal bits are equal), as the spec tests compare; references by
  // identity.
  friend bool operator==(const Val& a, const Val& b);
  std::string ToString() const;  // "i32:42"; v128 as i32x4 hex lanes, lane 0 first
};

// A function: a VMFuncRef owned by an instance (its VMContext) or by the store (host functions).
struct Func {
  VMFuncRef* ref = nullptr;
  bool valid() const { return ref != nullptr; }
};

// A global: its type and its 16-byte slot (inside a VMContext, or owned by the store).
struct Global {
  artifact::GlobalType type;
  ValRaw* slot = nullptr;
  Val Get() const;         // an externref is cloned into the Val
  void Set(const Val& v);  // the caller checks mutability and type; externref slots are counted
};

struct Extern {
  artifact::ExternKind kind = artifact::ExternKind::kFunc;
  Func func;
  LinearMemory* memory = nullptr;
  Table* table = nullptr;
  Global global;

  static Extern Of(Func f) { return {artifact::ExternKind::kFunc, f, nullptr, nullptr, {}}; }
  static Extern Of(LinearMemory* m) { return {artifact::ExternKind::kMemory, {}, m, nullptr, {}}; }
  static Extern Of(Table* t) { return {artifact::ExternKind::kTable, {}, nullptr, t, {}}; }
  static Extern Of(Global g) { return {artifact::ExternKind::kGlobal, {}, nullptr, nullptr, g}; }
};

// A host function: reads its arguments from args_results[0..params) and writes its results to
// args_results[0..results). Returning a TrapCode traps the calling Wasm code.
using HostCallback = std::function<std::optional<TrapCode>(std::span<ValRaw> args_results)>;

// Argument/result slots a call keeps on the stack; beyond that the typed paths allocate.
inline constexpr size_t kInlineSlots = 16;

struct CallResult {
  std::vector<Val> results;  // empty if trapped
  std::optional<Trap> trap;  // set if the call trapped
};

class Store {
 public:
  explicit Store(Engine& engine);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Engine& engine() const { return engine_; }

  Func NewHostFunc(const artifact::FuncType& type, HostCallback callback);
  Expected<LinearMemory*> NewMemory(const artifact::MemoryType& type);
  // `init` is a raw element: a VMFuncRef*, or for externref tables a borrowed VMExternData*
  // (ExternRef::raw()) that the table counts once per element.
  Expected<Table*> NewTable(const artifact::TableType& type, void* init = nullptr);
  Global NewGlobal(const artifact::GlobalType& type, const Val& init);

  // The function's type, from the engine's signature registry.
  const artifact::FuncType& TypeOf(Func f) const;

  // Fuel: nullopt (the default) means unlimited. With a budget, the outermost call hands each
  // instance the remaining fuel and charges what they consumed afterwards; running out is an
  // out-of-fuel trap. Instances are charged separately during one call, so a call that crosses
  // instances may overrun the budget by what the others consumed (exact for one instance).
  void SetFuel(std::optional<uint64_t> fuel) {
    fuel_ = fuel;
    limits_dirty_ = true;  // the next entry rewrites every instance's counter
  }
  std::optional<uint64_t> fuel() const { return fuel_; }

  // Calls `f`. Errors: argument count or types do not match, or no array_call entry. A trap is
  // a successful call with CallResult::trap set.
  Expected<CallResult> Call(Func f, std::span<const Val> args);

  // The checked path without allocation: `args` must match f's parameter types and `results`
  // must have exactly as many elements as f has results (their types are set from f's type).
  // Returns the trap, or nullopt; an Error for mismatched arguments (nothing runs then).
  Expected<std::optional<Trap>> Call(Func f, std::span<const Val> args, std::span<Val> results);

  // The untyped path: calls `f`'s array_call entry on caller-provided ValRaw slots. Arguments
  // are read from args_results[0..params) and results written to args_results[0..results);
  // nothing is type-checked or allocated. The caller guarantees `f` is valid, has an array_call
  // entry, and that args_results holds max(params, results, 1) slots of the right types (as
  // `TypeOf(f)` says). Returns the trap, if any. Fuel and the stack limit are handled as in Call.
  // Externref arguments must be raw values from ExternRefToRaw; externref results are valid
  // until the next collection (the next call into the store may collect): clone them with
  // ExternRef::FromRaw to keep them.
  std::optional<Trap> CallUnchecked(Func f, std::span<ValRaw> args_results);

  // Host references (extern_ref.h; docs/runtime.md, "Host references").
  //
  // The raw value to hand to Wasm for `r`: a host function's result slot, or an argument of
  // CallUnchecked. The reference enters the activations table, which keeps it alive until a
  // collection finds it in no live Wasm frame. Never collects, so several results can be
  // written in a row.
  void* ExternRefToRaw(const ExternRef& r) {
    activations_.Insert(r.raw());
    return r.raw();
  }
  // A garbage collection of the activations table: every entry that no live Wasm frame of this
  // thread holds is released. Runs by itself when the table is full at a point where
  // references flow into Wasm. Without a stack walker (or with no Wasm frame of this store on the
  // stack) it is exact at depth 0 and conservative (keeps everything) inside Wasm calls.
  ExternRefActivations::CollectStats GC();
  const ExternRefActivations& activations() const { return activations_; }
  // Internal (builtins): activates a borrowed reference flowing into Wasm from a table or a
  // global: the bump (false when full), else a collection first (the caller, a builtin, opens
  // a WasmExitScope so that the stack walk finds the calling Wasm frames).
  bool TryActivateFromWasm(VMExternData* d) { return activations_.TryInsert(d); }
  void ActivateFromWasmSlow(VMExternData* d);

  // Internal: the values every instance's VMContext holds between entries. A new instance
  // starts with them, so the store never needs to visit it before its first call.
  uintptr_t installed_stack_limit() const { return stack_limit_; }
  int64_t installed_fuel_counter() const { return fuel_start_; }

  // Internal: instances register themselves here; the store owns them.
  Instance* Adopt(std::unique_ptr<Instance> instance);
  // Internal: keeps memories and tables that instances define alive with the store.
  LinearMemory* Adopt(std::unique_ptr<LinearMemory> memory);
  Table* Adopt(std::unique_ptr<Table> table);

 private:
  struct HostFuncContext;
  struct alignas(16) GlobalSlot {
    ValRaw value;
  };

  static void HostArrayCall(VMContext* callee_vmctx, VMContext* caller_vmctx, ValRaw* args_results,
                            size_t n);

  Engine& engine_;
  ExternRefActivations activations_;
  uint32_t wasm_depth_ = 0;  // active CallUnchecked entries of this store on this thread
  std::vector<ValRaw*> externref_globals_;  // store-owned externref global slots (counted)
  std::vector<std::unique_ptr<HostFuncContext>> host_funcs_;
  std::vector<std::unique_ptr<LinearMemory>> memories_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::deque<GlobalSlot> globals_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::optional<uint64_t> fuel_;

  // The outermost entry: installs the limits (see the file comment). Leave charges fuel.
  static void Enter(void* store, uintptr_t stack_limit);  // a WasmEntry hook
  void EnterWithLimit(uintptr_t stack_limit);
  void Leave();
  void InstallLimits(uintptr_t stack_limit, int64_t fuel_counter);
  uintptr_t stack_limit_ = 0;       // in every instance's VMContext::stack_limit
  int64_t fuel_start_ = INT64_MIN;  // every instance's fuel counter at the last outermost entry
  bool limits_dirty_ = true;        // a budget is or was set: rewrite the counters on entry
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_STORE_H_
