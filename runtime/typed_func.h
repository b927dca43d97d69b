// typed_func.h: calling a Wasm function with C++ types, its signature checked once.
//
//   auto add = TypedFunc<int32_t(int32_t, int32_t)>::Create(store, instance->GetFunc("add"));
//   if (!add.ok()) ...;                          // wrong signature: an Error, checked here once
//   TypedResult<int32_t> r = add->Call(store, 2, 3);
//   if (r.trap) ... else use(r.value);
//
// Create compares the C++ signature with the function's type (SignatureRegistry, lock-free) and
// keeps the function; Call packs the arguments into ValRaw slots on the stack and enters through
// Store::CallUnchecked, the same entry (limits, trap handling) as every other call path. No type
// check, lookup or allocation happens per call (a trap allocates its Trap).
//
// C++ types map to Wasm types one to one: int32_t/uint32_t → i32, int64_t/uint64_t → i64,
// float → f32, double → f64 (bit patterns preserved, NaN payloads included). Results: void, one
// type, or std::tuple of types for multiple results.
//
// Invariant: a TypedFunc is used with the Store it was created for (checked in Debug builds).
#ifndef EGRET_RUNTIME_TYPED_FUNC_H_
#define EGRET_RUNTIME_TYPED_FUNC_H_

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/store.h"
#include "runtime/trap_handler.h"
#include "support/error.h"

namespace egret::runtime {

namespace internal {

template <class T>
struct WasmTypeOf;
template <>
struct WasmTypeOf<int32_t> {
  static constexpr artifact::ValType kType = artifact::ValType::kI32;
  static void Put(ValRaw& s, int32_t v) { s.i64 = uint32_t(v); }
  static int32_t Get(const ValRaw& s) { return s.i32; }
};
template <>
struct WasmTypeOf<uint32_t> {
  static constexpr artifact::ValType kType = artifact::ValType::kI32;
  static void Put(ValRaw& s, uint32_t v) { s.i64 = v; }
  static uint32_t Get(const ValRaw& s) { return uint32_t(s.i32); }
};
template <>
struct WasmTypeOf<int64_t> {
  static constexpr artifact::ValType kType = artifact::ValType::kI64;
  static void Put(ValRaw& s, int64_t v) { s.i64 = v; }
  static int64_t Get(const ValRaw& s) { return s.i64; }
};
template <>
struct WasmTypeOf<uint64_t> {
  static constexpr artifact::ValType kType = artifact::ValType::kI64;
  static void Put(ValRaw& s, uint64_t v) { s.i64 = int64_t(v); }
  static uint64_t Get(const ValRaw& s) { return uint64_t(s.i64); }
};
template <>
struct WasmTypeOf<float> {
  static constexpr artifact::ValType kType = artifact::ValType::kF32;
  static void Put(ValRaw& s, float v) { s.i64 = std::bit_cast<uint32_t>(v); }
  static float Get(const ValRaw& s) { return std::bit_cast<float>(s.f32); }
};
template <>
struct WasmTypeOf<double> {
  static constexpr artifact::ValType kType = artifact::ValType::kF64;
  static void Put(ValRaw& s, double v) { s.f64 = std::bit_cast<uint64_t>(v); }
  static double Get(const ValRaw& s) { return std::bit_cast<double>(s.f64); }
};

// Results: void, one value, or a tuple.
template <class R>
struct Results {
  static constexpr size_t kCount = 1;
  static bool Matches(const std::vector<artifact::ValType>& t) {
    return t.size() == 1 && t[0] == WasmTypeOf<R>::kType;
  }
  static R Read(const ValRaw* s) { return WasmTypeOf<R>::Get(s[0]); }
};
template <>
struct Results<void> {
  static constexpr size_t kCount = 0;
  static bool Matches(const std::vector<artifact::ValType>& t) { return t.empty(); }
};
template <class... Rs>
struct Results<std::tuple<Rs...>> {
  static constexpr size_t kCount = sizeof...(Rs);
  static bool Matches(const std::vector<artifact::ValType>& t) {
    size_t i = 0;
    (void)i;
    return t.size() == kCount && ((t[i++] == WasmTypeOf<Rs>::kType) && ...);
  }
  static std::tuple<Rs...> Read(const ValRaw* s) {
    return Read(s, std::index_sequence_for<Rs...>());
  }
  template <size_t... I>
  static std::tuple<Rs...> Read(const ValRaw* s, std::index_sequence<I...>) {
    return {WasmTypeOf<Rs>::Get(s[I])...};
  }
};

}  // namespace internal

// What a typed call returns: the results, or the trap that ended the call.
template <class R>
struct TypedResult {
  R value{};
  std::optional<Trap> trap;
  bool ok() const { return !trap.has_value(); }
};
template <>
struct TypedResult<void> {
  std::optional<Trap> trap;
  bool ok() const { return !trap.has_value(); }
};

template <class Sig>
class TypedFunc;

template <class R, class... Args>
class TypedFunc<R(Args...)> {
 public:
  // Errors: `f` is null, has no array_call entry, or its type is not R(Args...).
  static Expected<TypedFunc> Create(const Store& store, Func f) {
    if (!f.valid()) return Error("typed func: null function");
    if (f.ref->array_call == nullptr)
      return Error("typed func: the function has no array_call entry");
    const artifact::FuncType& type = store.TypeOf(f);
    size_t i = 0;
    (void)i;  // unused when there are no parameters
    const bool params_match = type.params.size() == sizeof...(Args) &&
                              ((type.params[i++] == internal::WasmTypeOf<Args>::kType) && ...);
    if (!params_match || !internal::Results<R>::Matches(type.results))
      return Error("typed func: the function's type is " + artifact::FuncTypeToString(type) +
                   ", not " + artifact::FuncTypeToString(ExpectedType()));
    return TypedFunc(&store, f);
  }

  TypedResult<R> Call(Store& store, Args... args) const {
    EGRET_DCHECK(&store == store_);
    constexpr size_t kSlots = std::max<size_t>({sizeof...(Args), internal::Results<R>::kCount, 1});
    ValRaw slots[kSlots];
    size_t i = 0;
    (void)i;
    (internal::WasmTypeOf<Args>::Put(slots[i++], args), ...);
    TypedResult<R> r;
    r.trap = store.CallUnchecked(func_, std::span<ValRaw>(slots, kSlots));
    if constexpr (!std::is_void_v<R>)
      if (!r.trap) r.value = internal::Results<R>::Read(slots);
    return r;
  }

  Func func() const { return func_; }

  // The Wasm type this C++ signature stands for.
  static artifact::FuncType ExpectedType() {
    artifact::FuncType t;
    (t.params.push_back(internal::WasmTypeOf<Args>::kType), ...);
    if constexpr (std::is_void_v<R>) {
    } else if constexpr (internal::Results<R>::kCount == 1 && !IsTuple<R>::value) {
      t.results.push_back(internal::WasmTypeOf<R>::kType);
    } else {
      PushTuple(t.results, static_cast<R*>(nullptr));
    }
    return t;
  }

 private:
  template <class T>
  struct IsTuple : std::false_type {};
  template <class... Ts>
  struct IsTuple<std::tuple<Ts...>> : std::true_type {};
  template <class... Ts>
  static void PushTuple(std::vector<artifact::ValType>& out, std::tuple<Ts...>*) {
    (out.push_back(internal::WasmTypeOf<Ts>::kType), ...);
  }

  TypedFunc(const Store* store, Func f) : store_(store), func_(f) {}
  [[maybe_unused]] const Store* store_;
  Func func_;
};

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_TYPED_FUNC_H_
