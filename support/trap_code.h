// trap_code.h: the reasons a WebAssembly program can trap.
//
// Shared by the IR (trapping instructions carry one), the backends (trap records in the
// MachBuffer), the artifact (the trap table) and the runtime (the message a trap reports). The
// numeric values are part of the artifact format: append, never renumber.
#ifndef EGRET_SUPPORT_TRAP_CODE_H_
#define EGRET_SUPPORT_TRAP_CODE_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace egret {

enum class TrapCode : uint8_t {
  kStackOverflow = 0,        // stk_ovf      "call stack exhausted"
  kHeapOutOfBounds,          // heap_oob     "out of bounds memory access"
  kTableOutOfBounds,         // table_oob    "out of bounds table access"
  kIndirectCallOutOfBounds,  // icall_oob "undefined element"
  kIndirectCallToNull,       // icall_null   "uninitialized element"
  kBadSignature,             // bad_sig      "indirect call type mismatch"
  kIntegerOverflow,          // int_ovf      "integer overflow"
  kIntegerDivisionByZero,    // int_divz    "integer divide by zero"
  kBadConversionToInteger,   // bad_toint  "invalid conversion to integer"
  kUnreachable,              // unreachable  "unreachable"
  kOutOfFuel,                // out_of_fuel  "all fuel consumed"
  kNullReference,            // null_ref     "null reference"
  kUnalignedAtomic,          // unaligned_atomic "unaligned atomic" (threads)
  kWaitOnUnsharedMemory,     // unshared_wait "expected shared memory" (wait on a non-shared one)
};
inline constexpr int kNumTrapCodes = 14;

// The short name used in IR text and dumps (`trap int_divz`).
std::string_view TrapCodeName(TrapCode code);
// The message the spec testsuite expects (`assert_trap`), used in user-facing trap reports.
std::string_view TrapCodeMessage(TrapCode code);
// Parses a short name; nullopt if unknown.
std::optional<TrapCode> ParseTrapCode(std::string_view name);

}  // namespace egret

#endif  // EGRET_SUPPORT_TRAP_CODE_H_
