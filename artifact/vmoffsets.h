// vmoffsets.h: the layout of an instance's VMContext, computed once per module.
//
// Compiled code reaches everything instance-specific through one pointer, the VMContext: the
// store's limits record (the stack limit its prologue compares against, the fuel counter, both
// shared by every instance of the store), memory bases and lengths, globals,
// tables, imported functions, funcrefs, signature ids and builtins. The compiler bakes these
// offsets into code as immediates; the runtime allocates and fills a VMContext with the same
// offsets. Both sides compute them here, from the same counts, so they cannot disagree.
//
//   offset            contents                                           size
//   0                 magic kVMContextMagic (u32), reserved (u32)        8
//   8                 store limits: VMStoreLimits* (below), per store    8
//   16                reserved                                           8
//   24                signature ids: const uint32_t* by module type      8
//   32                builtins: void* const* (kNumBuiltins entries)      8
//   40                store: opaque runtime pointer                      8
//   48                instance: opaque runtime pointer                   8
//   56                reserved                                           8
//   64                imported functions: {wasm_call, vmctx}             16 each
//   ..                imported tables: VMTableDefinition*                8 each
//   ..                imported memories: VMMemoryDefinition*             8 each
//   ..                imported globals: pointer to the 16-byte slot      8 each
//   ..(16-aligned)    defined tables: {base, current elements}           16 each
//   ..                defined memories: {base, current length in bytes}  16 each
//   ..                defined globals: value, inline                     16 each
//   ..                funcrefs, whole function index space: VMFuncRef    32 each
//                     {wasm_call, array_call, type id (u32) + pad, vmctx}
//   size()
//
// The store limits record (one per Store; every VMContext of the store points to it, so a call
// from one instance into another, however it is made, charges the same fuel and checks the same
// stack limit):
//   0                 stack limit: lowest SP a prologue accepts          8
//   8                 fuel consumed (i64, counts up to 0; > 0: out)      8
//
// Invariant: every offset fits in a signed 32-bit displacement (Compute() rejects modules whose
// VMContext would not), so the accessors below never overflow and need no checks at run time.
#ifndef EGRET_ARTIFACT_VMOFFSETS_H_
#define EGRET_ARTIFACT_VMOFFSETS_H_

#include <cstdint>

#include "support/error.h"

namespace egret::artifact {

struct Artifact;

inline constexpr uint32_t kVMContextMagic = 0x78636d76;  // "vmcx" in memory order

// Sizes of the fixed-layout records (runtime/ static_asserts its structs against these).
inline constexpr uint32_t kVMFunctionImportSize = 16;
inline constexpr uint32_t kVMFunctionImportWasmCall = 0;
inline constexpr uint32_t kVMFunctionImportVMContext = 8;
inline constexpr uint32_t kVMTableDefinitionSize = 16;
inline constexpr uint32_t kVMTableDefinitionBase = 0;
inline constexpr uint32_t kVMTableDefinitionLength = 8;
inline constexpr uint32_t kVMMemoryDefinitionSize = 16;
inline constexpr uint32_t kVMMemoryDefinitionBase = 0;
inline constexpr uint32_t kVMMemoryDefinitionLength = 8;
inline constexpr uint32_t kVMGlobalSize = 16;
inline constexpr uint32_t kVMFuncRefSize = 32;
inline constexpr uint32_t kVMFuncRefWasmCall = 0;
inline constexpr uint32_t kVMFuncRefArrayCall = 8;
inline constexpr uint32_t kVMFuncRefTypeId = 16;
inline constexpr uint32_t kVMFuncRefVMContext = 24;
// A host function's "vmctx" (VMFuncRef::vmctx of a host function) starts with this magic and
// holds its array_call entry at kVMHostContextArrayCall, which is where a module's
// wasm-to-array trampoline loads it from.
inline constexpr uint32_t kVMHostContextMagic = 0x74736f68;  // "host" in memory order
inline constexpr uint32_t kVMHostContextArrayCall = 8;
// The store-wide limits record VMContext::store_limits points to.
inline constexpr uint32_t kVMStoreLimitsSize = 16;
inline constexpr uint32_t kVMStoreLimitsStackLimit = 0;
inline constexpr uint32_t kVMStoreLimitsFuelConsumed = 8;
// Table elements are pointers: VMFuncRef* for funcref tables, an opaque pointer for externref.
inline constexpr uint32_t kTableElementSize = 8;

struct VMOffsetsCounts {
  uint32_t imported_functions = 0;
  uint32_t imported_tables = 0;
  uint32_t imported_memories = 0;
  uint32_t imported_globals = 0;
  uint32_t defined_functions = 0;
  uint32_t defined_tables = 0;
  uint32_t defined_memories = 0;
  uint32_t defined_globals = 0;

  static VMOffsetsCounts Of(const Artifact& artifact);
};

class VMOffsets {
 public:
  // Fails (with a message naming the count) if the layout would exceed INT32_MAX bytes.
  static Expected<VMOffsets> Compute(const VMOffsetsCounts& counts);
  static Expected<VMOffsets> Compute(const Artifact& artifact);

  const VMOffsetsCounts& counts() const { return counts_; }

  static constexpr uint32_t magic() { return 0; }
  // A pointer to the store's limits record (kVMStoreLimits*): stack limit and fuel counter.
  static constexpr uint32_t store_limits() { return 8; }
  static constexpr uint32_t signature_ids() { return 24; }
  static constexpr uint32_t builtins() { return 32; }
  static constexpr uint32_t store() { return 40; }
  static constexpr uint32_t instance() { return 48; }

  uint32_t imported_functions_begin() const { return imported_functions_; }
  uint32_t imported_function(uint32_t i) const {
    EGRET_DCHECK(i < counts_.imported_functions);
    return imported_functions_ + i * kVMFunctionImportSize;
  }
  uint32_t imported_function_wasm_call(uint32_t i) const {
    return imported_function(i) + kVMFunctionImportWasmCall;
  }
  uint32_t imported_function_vmctx(uint32_t i) const {
    return imported_function(i) + kVMFunctionImportVMContext;
  }
  uint32_t imported_table(uint32_t i) const {
    EGRET_DCHECK(i < counts_.imported_tables);
    return imported_tables_ + i * 8;
  }
  uint32_t imported_memory(uint32_t i) const {
    EGRET_DCHECK(i < counts_.imported_memories);
    return imported_memories_ + i * 8;
  }
  uint32_t imported_global(uint32_t i) const {
    EGRET_DCHECK(i < counts_.imported_globals);
    return imported_globals_ + i * 8;
  }
  uint32_t defined_table(uint32_t i) const {
    EGRET_DCHECK(i < counts_.defined_tables);
    return defined_tables_ + i * kVMTableDefinitionSize;
  }
  uint32_t defined_table_base(uint32_t i) const {
    return defined_table(i) + kVMTableDefinitionBase;
  }
  uint32_t defined_table_length(uint32_t i) const {
    return defined_table(i) + kVMTableDefinitionLength;
  }
  uint32_t defined_memory(uint32_t i) const {
    EGRET_DCHECK(i < counts_.defined_memories);
    return defined_memories_ + i * kVMMemoryDefinitionSize;
  }
  uint32_t defined_memory_base(uint32_t i) const {
    return defined_memory(i) + kVMMemoryDefinitionBase;
  }
  uint32_t defined_memory_length(uint32_t i) const {
    return defined_memory(i) + kVMMemoryDefinitionLength;
  }
  uint32_t defined_global(uint32_t i) const {
    EGRET_DCHECK(i < counts_.defined_globals);
    return defined_globals_ + i * kVMGlobalSize;
  }
  // `i` indexes the whole function index space (imports first).
  uint32_t funcref(uint32_t i) const {
    EGRET_DCHECK(i < counts_.imported_functions + counts_.defined_functions);
    return funcrefs_ + i * kVMFuncRefSize;
  }
  uint32_t size() const { return size_; }

 private:
  VMOffsetsCounts counts_;
  uint32_t imported_functions_ = 0, imported_tables_ = 0, imported_memories_ = 0,
           imported_globals_ = 0, defined_tables_ = 0, defined_memories_ = 0, defined_globals_ = 0,
           funcrefs_ = 0, size_ = 0;
};

}  // namespace egret::artifact

#endif  // EGRET_ARTIFACT_VMOFFSETS_H_
