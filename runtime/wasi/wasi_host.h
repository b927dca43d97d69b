// wasi_host.h: the glue between the WASI preview1 functions (wasi_functions.h) and the runtime's
// embedding API: it defines the `wasi_snapshot_preview1` module in a Linker and runs a command
// module's `_start`.
//
// Host functions are defined before the instance exists, but they read the guest's linear
// memory, so a WasiHost holds a pointer to the memory it serves, set by Bind() right after
// instantiation (the instance's exported "memory"). Each call re-reads base and size, because
// memory.grow may change them between calls. A module that exports no memory gets an empty
// GuestMemory: every pointer argument then fails with EFAULT.
//
// proc_exit (see the contract in wasi_functions.h): its host function records the status in the
// WasiCtx and returns kProcExit; the glue turns that into a trap (TrapCode::kUnreachable), which
// unwinds out of the guest like any trap. RunStart() then sees WasiCtx::exit_code() set and
// reports an exit instead of a trap. No Wasm code runs after proc_exit.
//
// One WasiHost serves one instance, on one thread (WasiCtx is not thread-safe).
#ifndef EGRET_RUNTIME_WASI_WASI_HOST_H_
#define EGRET_RUNTIME_WASI_WASI_HOST_H_

#include <cstdint>
#include <memory>
#include <optional>

#include "runtime/instance.h"
#include "runtime/linear_memory.h"
#include "runtime/linker.h"
#include "runtime/store.h"
#include "runtime/wasi/wasi_ctx.h"
#include "support/error.h"

namespace egret::wasi {

// How a command ended: an exit status (proc_exit's, or 0 when _start returned) or a trap.
struct CommandOutcome {
  uint32_t exit_code = 0;
  std::optional<runtime::Trap> trap;  // set: the guest trapped; exit_code is meaningless
};

class WasiHost {
 public:
  // Opens the preopened directories (errors name the directory).
  static Expected<std::unique_ptr<WasiHost>> Create(WasiConfig config);

  // Defines every preview1 function as `wasi_snapshot_preview1`.`name` with its Wasm type.
  // The store must outlive every call of these functions; the WasiHost must too.
  Status Define(runtime::Linker& linker, runtime::Store& store);

  // Serves `instance`'s exported memory named "memory" (none: an empty view).
  void Bind(const runtime::Instance& instance);
  void BindMemory(runtime::LinearMemory* memory) { memory_ = memory; }

  // Runs the command's `_start` (binding the instance first). Errors: no `_start` export, or it
  // is not a function of type [] -> [].
  Expected<CommandOutcome> RunStart(runtime::Store& store, runtime::Instance& instance);

  WasiCtx& ctx() { return *ctx_; }

 private:
  explicit WasiHost(std::unique_ptr<WasiCtx> ctx) : ctx_(std::move(ctx)) {}

  std::unique_ptr<WasiCtx> ctx_;
  runtime::LinearMemory* memory_ = nullptr;
};

}  // namespace egret::wasi

#endif  // EGRET_RUNTIME_WASI_WASI_HOST_H_
