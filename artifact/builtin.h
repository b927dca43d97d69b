// builtin.h: runtime functions that compiled code calls, by stable id.
//
// Compiled code reaches a builtin either through the VMContext's builtin array
// (VMOffsets::builtin(id)) or, where the compiler prefers an absolute address, through a
// RelocKind::kAbs64Builtin relocation the loader patches. The numeric values are part of the
// artifact format and of the VMContext layout: append, never renumber.
//
// Every builtin takes the caller's VMContext first. A builtin that traps unwinds directly to the
// host entry point (it never returns an error code for compiled code to test); the C signatures
// live with their implementations in runtime/builtins.h.
#ifndef EGRET_ARTIFACT_BUILTIN_H_
#define EGRET_ARTIFACT_BUILTIN_H_

#include <cstdint>
#include <string_view>

namespace egret::artifact {

enum class Builtin : uint32_t {
  kMemoryGrow = 0,  // (vmctx, mem, delta_pages) -> old pages or -1
  kMemoryFill = 1,  // (vmctx, mem, dst, val, len) -> trap code or ok
  kMemoryCopy = 2,  // (vmctx, dst_mem, dst, src_mem, src, len)
  kMemoryInit = 3,  // (vmctx, mem, data_index, dst, src, len)
  kDataDrop = 4,    // (vmctx, data_index)
  kTableGrow = 5,   // (vmctx, table, delta, init) -> old size or -1
  kTableFill = 6,   // (vmctx, table, dst, val, len)
  kTableCopy = 7,   // (vmctx, dst_table, src_table, dst, src, len)
  kTableInit = 8,   // (vmctx, table, elem_index, dst, src, len)
  kElemDrop = 9,    // (vmctx, elem_index)
  kTableGet = 10,   // (vmctx, table, index) for tables the code cannot read inline
  kTableSet = 11,   // (vmctx, table, index, value)
  kRefFunc = 12,    // (vmctx, func_index) -> VMFuncRef*
  kOutOfFuel = 13,  // (vmctx): refuel or trap
  kRaiseTrap = 14,  // (vmctx, trap code): traps that are not faults (e.g. from a builtin)
  kFloorF32 = 15,   // libm-style helpers for targets without the instruction
  kFloorF64 = 16,
  kCeilF32 = 17,
  kCeilF64 = 18,
  kTruncF32 = 19,
  kTruncF64 = 20,
  kNearestF32 = 21,
  kNearestF64 = 22,
  // threads: wait/notify on a Wasm address already checked for alignment and bounds.
  kMemoryAtomicNotify = 23,  // (vmctx, mem, addr, count) -> woken
  kMemoryAtomicWait32 =
      24,  // (vmctx, mem, addr, expected i32, timeout ns) -> 0 ok, 1 ne, 2 timeout
  kMemoryAtomicWait64 = 25,  // (vmctx, mem, addr, expected i64, timeout ns) -> as wait32
  // externref globals (counted slots; the value read enters the store's activations table).
  kGlobalGetExternRef = 26,  // (vmctx, global) -> VMExternData*
  kGlobalSetExternRef = 27,  // (vmctx, global, VMExternData*)
};
inline constexpr uint32_t kNumBuiltins = 28;

std::string_view BuiltinName(Builtin b);

}  // namespace egret::artifact

#endif  // EGRET_ARTIFACT_BUILTIN_H_
