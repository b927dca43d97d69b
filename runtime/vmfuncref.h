// vmfuncref.h: the records compiled code reads through the VMContext, as C++ structs.
//
// Their layouts are fixed by artifact/vmoffsets.h (the compiler bakes those offsets into code);
// the static_asserts below keep the structs and the constants from drifting apart.
//
//   VMFuncRef            one per function per instance; what a funcref table slot points to
//   VMFunctionImport     how an instance calls an imported function (wasm_call + callee vmctx)
//   VMMemoryDefinition   base and current byte length of a linear memory
//   VMTableDefinition    base and current element count of a table
//   VMStoreLimits        the store-wide stack limit and fuel counter every VMContext points to
//   ValRaw               one argument or result slot of an array_call entry
#ifndef EGRET_RUNTIME_VMFUNCREF_H_
#define EGRET_RUNTIME_VMFUNCREF_H_

#include <cstddef>
#include <cstdint>

#include "artifact/vmoffsets.h"

namespace egret::runtime {

// An instance's VMContext; its layout is VMOffsets, so C++ only ever handles it by pointer.
struct VMContext;

// One argument/result slot of the array calling convention. Integers are stored in the low
// bytes, little-endian; floats as their bit patterns; references as pointers.
union ValRaw {
  int32_t i32;
  int64_t i64;
  uint32_t f32;  // bits
  uint64_t f64;  // bits
  uint8_t v128[16];
  void* ref;  // VMFuncRef* for funcref, an opaque host pointer for externref; nullptr is null
};
static_assert(sizeof(ValRaw) == 16);

// The array calling convention: arguments in args_results[0..params), results written back to
// args_results[0..results); `n` is the slot count (max(params, results)).
using ArrayCallFn = void (*)(VMContext* callee_vmctx, VMContext* caller_vmctx, ValRaw* args_results,
                             size_t n);

struct VMFuncRef {
  const void* wasm_call = nullptr;   // entry with the Wasm calling convention
  ArrayCallFn array_call = nullptr;  // entry with the array calling convention
  uint32_t type_id = 0;              // engine-wide signature id (SignatureRegistry)
  uint32_t reserved = 0;
  VMContext* vmctx = nullptr;  // the callee's VMContext (or host data for host functions)
};
static_assert(sizeof(VMFuncRef) == artifact::kVMFuncRefSize);
static_assert(offsetof(VMFuncRef, wasm_call) == artifact::kVMFuncRefWasmCall);
static_assert(offsetof(VMFuncRef, array_call) == artifact::kVMFuncRefArrayCall);
static_assert(offsetof(VMFuncRef, type_id) == artifact::kVMFuncRefTypeId);
static_assert(offsetof(VMFuncRef, vmctx) == artifact::kVMFuncRefVMContext);

struct VMFunctionImport {
  const void* wasm_call = nullptr;
  VMContext* vmctx = nullptr;
};
static_assert(sizeof(VMFunctionImport) == artifact::kVMFunctionImportSize);
static_assert(offsetof(VMFunctionImport, wasm_call) == artifact::kVMFunctionImportWasmCall);
static_assert(offsetof(VMFunctionImport, vmctx) == artifact::kVMFunctionImportVMContext);

struct VMMemoryDefinition {
  uint8_t* base = nullptr;
  uint64_t current_length = 0;  // bytes
};
static_assert(sizeof(VMMemoryDefinition) == artifact::kVMMemoryDefinitionSize);
static_assert(offsetof(VMMemoryDefinition, base) == artifact::kVMMemoryDefinitionBase);
static_assert(offsetof(VMMemoryDefinition, current_length) == artifact::kVMMemoryDefinitionLength);

struct VMTableDefinition {
  void** base = nullptr;  // elements: VMFuncRef* or externref pointers
  uint64_t current_elements = 0;
};
static_assert(sizeof(VMTableDefinition) == artifact::kVMTableDefinitionSize);
static_assert(offsetof(VMTableDefinition, base) == artifact::kVMTableDefinitionBase);
static_assert(offsetof(VMTableDefinition, current_elements) == artifact::kVMTableDefinitionLength);
static_assert(sizeof(void*) == artifact::kTableElementSize);

// One per Store; VMContext::store_limits of each of its instances points here. Compiled
// prologues compare SP with stack_limit (trapping stk_ovf below it); fuel-instrumented code adds
// each block's cost to fuel_consumed and traps out_of_fuel once it is positive. Being one record,
// a call from one instance into another (import, table, funcref, host re-entry) charges the
// same budget and checks the same limit.
struct VMStoreLimits {
  uintptr_t stack_limit = 0;
  int64_t fuel_consumed = INT64_MIN;  // unlimited: 2^63 units from running out
};
static_assert(sizeof(VMStoreLimits) == artifact::kVMStoreLimitsSize);
static_assert(offsetof(VMStoreLimits, stack_limit) == artifact::kVMStoreLimitsStackLimit);
static_assert(offsetof(VMStoreLimits, fuel_consumed) == artifact::kVMStoreLimitsFuelConsumed);

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_VMFUNCREF_H_
