// wasi_threads.cc: see wasi_threads.h.
#include "tools/wasi_threads.h"

#include <cstdio>

#include "runtime/instance.h"

namespace egret::tools {

bool WasiThreads::Wanted(const runtime::Module& module) {
  for (const artifact::Import& im : module.artifact().imports)
    if (im.module == "wasi" && im.name == "thread-spawn") return true;
  return false;
}

Status WasiThreads::Define(runtime::Linker& linker, runtime::Store& store) {
  for (const artifact::Import& im : module_->artifact().imports) {
    if (im.kind != artifact::ExternKind::kMemory) continue;
    if (!im.memory.shared)
      return Error("wasi-threads: the imported memory " + im.module + "." + im.name +
                   " is not shared");
    EGRET_ASSIGN_OR_RETURN(memory_, store.NewMemory(im.memory));
    memory_module_ = im.module;
    memory_name_ = im.name;
    EGRET_TRY(linker.Define(im.module, im.name, runtime::Extern::Of(memory_)));
  }
  return DefineSpawn(linker, store);
}

Status WasiThreads::DefineSpawn(runtime::Linker& linker, runtime::Store& store) {
  artifact::FuncType type;
  type.params = {artifact::ValType::kI32};
  type.results = {artifact::ValType::kI32};
  runtime::Func spawn =
      store.NewHostFunc(type, [this](std::span<runtime::ValRaw> slots) -> std::optional<TrapCode> {
        slots[0].i32 = Spawn(slots[0].i32);
        return std::nullopt;
      });
  return linker.Define("wasi", "thread-spawn", runtime::Extern::Of(spawn));
}

int32_t WasiThreads::Spawn(int32_t start_arg) {
  const int32_t tid = next_tid_.fetch_add(1);
  if (tid <= 0 || tid > 0x1fffffff) return -1;  // ids are positive 29-bit numbers
  std::lock_guard<std::mutex> lock(mu_);
  try {
    threads_.emplace_back([this, tid, start_arg] { Run(tid, start_arg); });
  } catch (const std::system_error&) {
    return -1;  // the host cannot start another thread
  }
  return tid;
}

void WasiThreads::Run(int32_t tid, int32_t start_arg) {
  runtime::Store store(engine_);
  runtime::Linker linker;
  auto fail = [&](const std::string& why) {
    std::fprintf(stderr, "egret run: thread %d: %s\n", tid, why.c_str());
    trapped_.fetch_add(1);
  };
  if (Status st = host_.Define(linker, store); !st.ok()) return fail(st.error().message);
  if (Status st = DefineSpawn(linker, store); !st.ok()) return fail(st.error().message);
  if (memory_ != nullptr) {
    if (Status st = linker.Define(memory_module_, memory_name_, runtime::Extern::Of(memory_));
        !st.ok())
      return fail(st.error().message);
  }
  Expected<runtime::Instance*> instance = linker.Instantiate(store, module_);
  if (!instance.ok()) return fail(instance.error().message);
  runtime::Func start = (*instance)->GetFunc("wasi_thread_start");
  if (!start.valid()) return fail("the module exports no function 'wasi_thread_start'");
  const runtime::Val args[] = {runtime::Val::I32(tid), runtime::Val::I32(start_arg)};
  Expected<runtime::CallResult> r = store.Call(start, args);
  if (!r.ok()) return fail(r.error().message);
  if (r->trap) return fail("wasm trap: " + std::string(TrapCodeMessage(r->trap->code)));
}

int WasiThreads::JoinAll() {
  // Threads may spawn threads: join until none is left.
  for (;;) {
    std::vector<std::thread> batch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      batch.swap(threads_);
    }
    if (batch.empty()) break;
    for (std::thread& t : batch) t.join();
  }
  return trapped_.load();
}

}  // namespace egret::tools
