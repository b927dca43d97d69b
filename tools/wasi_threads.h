// wasi_threads.h: the wasi-threads proposal's `thread-spawn` for `egret run`.
//
// A wasi-threads module imports `wasi`.`thread-spawn` (i32 start_arg) -> i32 and a shared memory,
// and exports `wasi_thread_start` (i32 tid, i32 start_arg). `egret run` creates that memory (with
// the type the module imports) in the main Store; thread-spawn starts a host thread that gives
// itself a Store and Linker of its own, instantiates the same Module with the same memory, the
// same WASI host and thread-spawn imported, and calls wasi_thread_start(tid, start_arg). Thread
// ids count up from 1; a failure to spawn returns a negative number (the proposal's error).
//
// Invariants: the main Store (which owns the memory) outlives every spawned thread: JoinAll runs
// before it is destroyed. Each instantiation re-runs the module's active data segments and start
// function on the shared memory (as with every wasi-threads engine; toolchains guard them).
// WASI calls from several threads reach one WasiHost, which is not synchronized: the programs
// egret runs make them from one thread at a time (docs/cli.md, "wasi-threads").
#ifndef EGRET_TOOLS_WASI_THREADS_H_
#define EGRET_TOOLS_WASI_THREADS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/engine.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"
#include "runtime/wasi/wasi_host.h"
#include "support/error.h"

namespace egret::tools {

class WasiThreads {
 public:
  // Whether the module imports wasi.thread-spawn.
  static bool Wanted(const runtime::Module& module);

  WasiThreads(runtime::Engine& engine, std::shared_ptr<const runtime::Module> module,
              wasi::WasiHost& host)
      : engine_(engine), module_(std::move(module)), host_(host) {}
  ~WasiThreads() { JoinAll(); }
  WasiThreads(const WasiThreads&) = delete;
  WasiThreads& operator=(const WasiThreads&) = delete;

  // In the main store: creates the memory the module imports (it must be shared) and defines
  // it and wasi.thread-spawn in `linker`. Errors: the imported memory is not shared.
  Status Define(runtime::Linker& linker, runtime::Store& store);
  // Waits for every spawned thread (those spawned meanwhile too); returns how many trapped.
  int JoinAll();

 private:
  Status DefineSpawn(runtime::Linker& linker, runtime::Store& store);
  int32_t Spawn(int32_t start_arg);
  void Run(int32_t tid, int32_t start_arg);

  runtime::Engine& engine_;
  std::shared_ptr<const runtime::Module> module_;
  wasi::WasiHost& host_;
  runtime::LinearMemory* memory_ = nullptr;  // owned by the main store
  std::string memory_module_, memory_name_;
  std::atomic<int32_t> next_tid_{1};
  std::atomic<int> trapped_{0};
  std::mutex mu_;  // guards threads_
  std::vector<std::thread> threads_;
};

}  // namespace egret::tools

#endif  // EGRET_TOOLS_WASI_THREADS_H_
