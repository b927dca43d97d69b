// vmctx_layout.h: where compiled code finds things in an instance's VMContext.
//
// Compiled Wasm code receives a pointer to its instance's VMContext as its first argument and
// reaches everything instance-specific through fixed offsets from it: the linear memory's base
// and current length, the fuel counter, the stack limit, the engine's signature ids, imported
// functions, tables, globals and the funcref (VMFuncRef) of every function. This struct is the
// one place those offsets are computed (from a ModuleEnv, with checked arithmetic); the runtime
// adopts or mirrors it. docs/frontend.md draws the layout.
//
//   offset 0   u64  heap_base       memory 0's base address (0 when there is no memory)
//   offset 8   u64  heap_bound      memory 0's current length in bytes
//   offset 16  i64  fuel            remaining fuel (when fuel is enabled)
//   offset 24  u64  stack_limit     lowest allowed stack pointer
//   offset 32  u64  type_ids        pointer to u32[num types]: engine-wide signature ids
//   then, each region 16-byte aligned:
//   imported functions  16 bytes each: {u64 code (wasm_call), u64 callee vmctx}
//   tables              16 bytes each: {u64 base (VMFuncRef*[] / externref[]), u64 length}
//   imported globals     8 bytes each: pointer to the global's 16-byte storage
//   defined globals     16 bytes each: the value, little-endian, zero-extended
//   funcrefs            32 bytes each (one per function, imported ones too): a VMFuncRef
//
// A VMFuncRef is {u64 wasm_call, u64 array_call, u32 type_id, u32 pad, u64 vmctx}; funcref values
// are pointers to one (0 is null); table elements are such pointers.
#ifndef EGRET_FRONTEND_VMCTX_LAYOUT_H_
#define EGRET_FRONTEND_VMCTX_LAYOUT_H_

#include <cstdint>

#include "frontend/module_env.h"
#include "support/error.h"

namespace egret::wasm {

struct VMFuncRefLayout {
  static constexpr uint32_t kWasmCall = 0;
  static constexpr uint32_t kArrayCall = 8;
  static constexpr uint32_t kTypeId = 16;
  static constexpr uint32_t kVmctx = 24;
  static constexpr uint32_t kSize = 32;
};

struct VMContextLayout {
  static constexpr uint32_t kHeapBase = 0;
  static constexpr uint32_t kHeapBound = 8;
  static constexpr uint32_t kFuel = 16;
  static constexpr uint32_t kStackLimit = 24;
  static constexpr uint32_t kTypeIds = 32;
  static constexpr uint32_t kHeaderSize = 48;  // rounded up to 16

  uint32_t imported_functions = 0;
  uint32_t tables = 0;
  uint32_t imported_globals = 0;
  uint32_t defined_globals = 0;
  uint32_t funcrefs = 0;
  uint32_t size = 0;
  uint32_t num_imported_globals = 0;

  // Fails (unsupported) if the module's VMContext would not fit in 2 GiB.
  static Expected<VMContextLayout> Compute(const ModuleEnv& env);

  uint32_t ImportedFunction(uint32_t func_index) const {
    return imported_functions + 16 * func_index;
  }
  uint32_t TableBase(uint32_t table) const { return tables + 16 * table; }
  uint32_t TableLength(uint32_t table) const { return tables + 16 * table + 8; }
  // Imported globals: the slot holds a pointer to the value; defined: the slot is the value.
  bool GlobalIsIndirect(uint32_t global) const { return global < num_imported_globals; }
  uint32_t Global(uint32_t global) const {
    return global < num_imported_globals ? imported_globals + 8 * global
                                         : defined_globals + 16 * (global - num_imported_globals);
  }
  uint32_t FuncRef(uint32_t func_index) const {
    return funcrefs + VMFuncRefLayout::kSize * func_index;
  }
};

}  // namespace egret::wasm

#endif  // EGRET_FRONTEND_VMCTX_LAYOUT_H_
