// translator.h: Wasm function bodies to egret IR.
//
// Each defined function becomes one ir::Function with signature (vmctx: i64, params...) ->
// results, built with the IR's FunctionBuilder: Wasm locals are builder variables (SSA is
// constructed on the fly, Braun et al.), the operand stack is a vector of IR values, and each
// structured control construct maps onto blocks whose parameters carry the construct's results
// (loops: its parameters). Code after an unconditional branch is skipped, keeping only the
// nesting, as the validator has already typed it.
//
// Everything instance-specific goes through the VMContext (vmctx_layout.h). Heap accesses use
// the guard-page strategy by default: address = heap_base + zext(i32 index) + offset, no check,
// and the access carries `heap` and trap code heap_oob; offsets of 2 GiB or more, and every
// access under HeapStrategy::kBoundsCheck, get an explicit check against heap_bound instead.
// Operations that need the runtime call builtins declared as external functions named
// `egret_builtin_<what>` (see kBuiltins in translator.cc and docs/frontend.md).
//
// Translation assumes a validated module. Functions are independent: a FunctionTranslator reads
// the ModuleEnv and layout but shares no mutable state, so translators may run in parallel.
// SIMD translates to the IR's vector operations, with Wasm v128 as IR i8x16 at every boundary
// (translate_simd.cc).
#ifndef EGRET_FRONTEND_TRANSLATOR_H_
#define EGRET_FRONTEND_TRANSLATOR_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "frontend/module_env.h"
#include "frontend/vmctx_layout.h"
#include "ir/function.h"
#include "support/error.h"

namespace egret::wasm {

enum class HeapStrategy : uint8_t {
  kGuardPages,   // 4 GiB reservation + at least 2 GiB guard region: no explicit checks
  kBoundsCheck,  // compare every access against heap_bound
};

struct TranslateOptions {
  HeapStrategy heap = HeapStrategy::kGuardPages;
  // Fuel accounting (docs/frontend.md "Fuel"): each executed Wasm operator costs one unit,
  // added to the store's fuel_consumed counter (through the VMContext) before every branch,
  // call and return, which then traps out_of_fuel once the counter is positive. Off: no fuel
  // code at all.
  bool fuel = false;
};

// Unique IR function names for every function of the module (imported ones included): the
// name-section name made into an IR identifier when there is one, else `func<N>`.
std::vector<std::string> FunctionSymbols(const ModuleEnv& env);

// The IR signature of a Wasm function type: (i64 vmctx, params...) -> results. Reference types
// are i64 (pointers, 0 for null). Fails (unsupported) for v128.
Expected<ir::Signature> WasmSignature(const FuncType& type);

class FunctionTranslator {
 public:
  FunctionTranslator(const ModuleEnv& env, const VMContextLayout& layout,
                     std::span<const std::string> symbols, TranslateOptions options = {})
      : env_(env), layout_(layout), symbols_(symbols), options_(options) {}

  // Translates defined function `func_index` of a validated module.
  Expected<ir::Function> Translate(uint32_t func_index) const;
  // The same into `*out`, which is reset first (ir::Function::Reset): a worker that translates
  // function after function into one Function reuses its tables' capacity. On an error `*out`
  // holds a partial function.
  Status Translate(uint32_t func_index, ir::Function* out) const;

 private:
  const ModuleEnv& env_;
  const VMContextLayout& layout_;
  std::span<const std::string> symbols_;
  TranslateOptions options_;
};

// Translates every defined function, in index order.
Expected<std::vector<ir::Function>> TranslateModule(const ModuleEnv& env,
                                                    TranslateOptions options = {});

}  // namespace egret::wasm

#endif  // EGRET_FRONTEND_TRANSLATOR_H_
