// wasi_functions.h: the wasi_snapshot_preview1 host functions as one table the runtime can
// register generically.
//
// Every preview1 function is a WasiHostFn: it receives the context, a GuestMemory snapshot of the
// caller's exported memory, and its Wasm arguments as raw u64 slots (an i32 argument in the low
// 32 bits; the upper bits are ignored). It returns the WASI errno, which the runtime passes back
// to the guest as the function's i32 result.
//
// proc_exit contract: proc_exit has no result. Its host function records the status in
// WasiCtx::exit_code() and returns kProcExit, a value outside the u16 errno range. The runtime
// must then stop executing the guest (unwind to the entry point as it does for a trap, without
// reporting a trap) and report exit_code() as the program's exit status. No other function
// returns kProcExit.
//
// Registration: for each entry, define a host function `wasi_snapshot_preview1`.`name` of type
// params -> results that copies its argument slots into a u64 array, builds a GuestMemory from
// the instance's exported memory, calls `fn`, and stores the result (docs/wasi.md has a sketch).
//
// Functions the table lists but egret does not implement (sockets, proc_raise) return ENOSYS
// and never abort.
#ifndef EGRET_RUNTIME_WASI_WASI_FUNCTIONS_H_
#define EGRET_RUNTIME_WASI_WASI_FUNCTIONS_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "runtime/wasi/guest_memory.h"
#include "runtime/wasi/wasi_abi.h"
#include "runtime/wasi/wasi_ctx.h"

namespace egret::wasi {

inline constexpr std::string_view kWasiModuleName = "wasi_snapshot_preview1";

// Returned by proc_exit only; see the contract above.
inline constexpr uint32_t kProcExit = 0x10000;

using WasiHostFn = uint32_t (*)(WasiCtx& ctx, GuestMemory mem, const uint64_t* args);

enum class WasiValType : uint8_t { kI32, kI64 };

struct WasiFunction {
  std::string_view name;
  std::span<const WasiValType> params;
  std::span<const WasiValType> results;  // [i32] (the errno), or empty for proc_exit
  WasiHostFn fn;
  bool implemented;  // false: always returns ENOSYS
};

// All preview1 functions, sorted by name.
std::span<const WasiFunction> WasiFunctions();
// The function named `name`, or nullptr.
const WasiFunction* FindWasiFunction(std::string_view name);

}  // namespace egret::wasi

#endif  // EGRET_RUNTIME_WASI_WASI_FUNCTIONS_H_
