// vmctx_layout.h: where compiled code finds things in an instance's VMContext.
//
// Compiled Wasm code receives a pointer to its instance's VMContext as its first argument and
// reaches everything instance-specific through fixed offsets from it. This struct computes those
// offsets from a ModuleEnv (64-bit arithmetic, failing above 2 GiB). It mirrors
// artifact/vmoffsets.h (artifact::VMOffsets), which the runtime uses, region for region; the
// frontend cannot include artifact/ (it sits to its right), so a unit test
// (tests/unit/frontend/translator_test.cc) checks that the two agree.
//
//   0    u32 magic, u32 reserved      8    store limits*      16   reserved
//   24   signature ids (u32* by module type index)            32   builtins (void* const*)
//   40   store                        48   instance           56   reserved
//   64   imported functions   {u64 wasm_call, u64 vmctx}       16 each (8-aligned)
//        imported tables      VMTableDefinition*              8 each
//        imported memories    VMMemoryDefinition*             8 each
//        imported globals     pointer to the 16-byte value    8 each
//        defined tables       {u64 base, u64 length}          16 each (16-aligned)
//        defined memories     {u64 base, u64 length in bytes} 16 each (16-aligned)
//        defined globals      the value, inline               16 each (16-aligned)
//        funcrefs             VMFuncRef, whole index space    32 each (16-aligned)
//
// The store limits record (one per store, shared by its instances) is {u64 stack limit, i64 fuel
// consumed}: a prologue compares SP with the first, fuel accounting charges the second.
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
  // Where a table's or memory's {u64 base, u64 length} record is: inline in the VMContext at
  // `offset` (defined), or behind a pointer stored at `offset` (imported). Table lengths count
  // elements, memory lengths bytes.
  struct RecordRef {
    uint32_t offset;
    bool indirect;
  };
  static constexpr uint32_t kRecordBase = 0;
  static constexpr uint32_t kRecordLength = 8;

  static constexpr uint32_t kStoreLimits = 8;       // pointer to the store's limits record
  static constexpr uint32_t kLimitsStackLimit = 0;  // inside the limits record
  static constexpr uint32_t kLimitsFuel = 8;        // inside the limits record
  static constexpr uint32_t kTypeIds = 24;
  static constexpr uint32_t kBuiltins = 32;
  static constexpr uint32_t kHeaderSize = 64;

  uint32_t imported_functions = 0;
  uint32_t imported_tables = 0;
  uint32_t imported_memories = 0;
  uint32_t imported_globals = 0;
  uint32_t defined_tables = 0;
  uint32_t defined_memories = 0;
  uint32_t defined_globals = 0;
  uint32_t funcrefs = 0;
  uint32_t size = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  // Fails (unsupported) if the module's VMContext would not fit in 2 GiB.
  static Expected<VMContextLayout> Compute(const ModuleEnv& env);

  uint32_t ImportedFunction(uint32_t func_index) const {
    return imported_functions + 16 * func_index;
  }
  RecordRef Table(uint32_t table) const {
    if (table < num_imported_tables) return {imported_tables + 8 * table, true};
    return {defined_tables + 16 * (table - num_imported_tables), false};
  }
  RecordRef Memory(uint32_t memory) const {
    if (memory < num_imported_memories) return {imported_memories + 8 * memory, true};
    return {defined_memories + 16 * (memory - num_imported_memories), false};
  }
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
