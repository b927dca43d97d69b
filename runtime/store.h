// store.h: the embedding API's values and the Store that owns instances and host objects.
//
// A Store owns everything a set of instances can reach: the instances, host functions, and
// memories/tables/globals created by the host. Handles (Func, Global, LinearMemory*, Table*,
// Instance*) are plain pointers that stay valid while their Store lives; nothing is freed
// before the Store is. A Store is used by one thread at a time.
//
// Calling into Wasm: Store::Call type-checks the arguments, packs them into ValRaw slots,
// sets the stack limit of the store's instances on the outermost entry, and calls the function's
// array_call entry under CallWithTrapHandling.
#ifndef EGRET_RUNTIME_STORE_H_
#define EGRET_RUNTIME_STORE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "artifact/artifact.h"
#include "runtime/engine.h"
#include "runtime/linear_memory.h"
#include "runtime/table.h"
#include "runtime/trap_handler.h"
#include "runtime/vmfuncref.h"
#include "support/error.h"

namespace egret::runtime {

class Instance;

// A typed WebAssembly value.
struct Val {
  artifact::ValType type = artifact::ValType::kI32;
  ValRaw raw{};

  static Val I32(int32_t v);
  static Val I64(int64_t v);
  static Val F32Bits(uint32_t bits);
  static Val F64Bits(uint64_t bits);
  static Val FuncRef(VMFuncRef* f);
  static Val ExternRef(void* p);
  static Val Default(artifact::ValType t);  // zero / null

  int32_t i32() const { return raw.i32; }
  int64_t i64() const { return raw.i64; }
  uint32_t f32_bits() const { return raw.f32; }
  uint64_t f64_bits() const { return raw.f64; }
  void* ref() const { return raw.ref; }

  // Bitwise equality (NaNs with equal bits are equal), as the spec tests compare.
  friend bool operator==(const Val& a, const Val& b);
  std::string ToString() const;  // "i32:42"
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
  Val Get() const;
  void Set(const Val& v);  // the caller checks mutability and type
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
  Expected<Table*> NewTable(const artifact::TableType& type, void* init = nullptr);
  Global NewGlobal(const artifact::GlobalType& type, const Val& init);

  // The function's type, from the engine's signature registry.
  const artifact::FuncType& TypeOf(Func f) const;

  // Fuel: nullopt (the default) means unlimited. With a budget, the outermost call hands each
  // instance the remaining fuel and charges what they consumed afterwards; running out is an
  // out-of-fuel trap. Instances are charged separately during one call, so a call that crosses
  // instances may overrun the budget by what the others consumed (exact for one instance).
  void SetFuel(std::optional<uint64_t> fuel) { fuel_ = fuel; }
  std::optional<uint64_t> fuel() const { return fuel_; }

  // Calls `f`. Errors: argument count or types do not match, or no array_call entry. A trap is
  // a successful call with CallResult::trap set.
  Expected<CallResult> Call(Func f, std::span<const Val> args);

  // The untyped path: calls `f`'s array_call entry on caller-provided ValRaw slots. Arguments
  // are read from args_results[0..params) and results written to args_results[0..results);
  // nothing is type-checked or allocated. The caller guarantees `f` is valid, has an array_call
  // entry, and that args_results holds max(params, results, 1) slots of the right types (as
  // `TypeOf(f)` says). Returns the trap, if any. Fuel and the stack limit are handled as in Call.
  std::optional<Trap> CallUnchecked(Func f, std::span<ValRaw> args_results);

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

  Engine& engine_;
  std::vector<std::unique_ptr<HostFuncContext>> host_funcs_;
  std::vector<std::unique_ptr<LinearMemory>> memories_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::deque<GlobalSlot> globals_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::optional<uint64_t> fuel_;
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_STORE_H_
