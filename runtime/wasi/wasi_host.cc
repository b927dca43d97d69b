// wasi_host.cc: see wasi_host.h.
#include "runtime/wasi/wasi_host.h"

#include <string>
#include <vector>

#include "runtime/wasi/wasi_functions.h"

namespace egret::wasi {
namespace {

using artifact::ValType;

// The longest preview1 signature (path_open) has 9 parameters.
constexpr size_t kMaxParams = 9;

std::vector<ValType> ToValTypes(std::span<const WasiValType> types) {
  std::vector<ValType> out;
  out.reserve(types.size());
  for (WasiValType t : types) out.push_back(t == WasiValType::kI32 ? ValType::kI32 : ValType::kI64);
  return out;
}

}  // namespace

Expected<std::unique_ptr<WasiHost>> WasiHost::Create(WasiConfig config) {
  EGRET_ASSIGN_OR_RETURN(std::unique_ptr<WasiCtx> ctx, WasiCtx::Create(std::move(config)));
  return std::unique_ptr<WasiHost>(new WasiHost(std::move(ctx)));
}

Status WasiHost::Define(runtime::Linker& linker, runtime::Store& store) {
  for (const WasiFunction& f : WasiFunctions()) {
    EGRET_CHECK(f.params.size() <= kMaxParams);
    artifact::FuncType type{ToValTypes(f.params), ToValTypes(f.results)};
    const WasiFunction* fn = &f;  // the table is static
    runtime::Func func = store.NewHostFunc(
        type, [this, fn](std::span<runtime::ValRaw> slots) -> std::optional<TrapCode> {
          GuestMemory mem;
          if (memory_ != nullptr) mem = GuestMemory(memory_->base(), memory_->size_bytes());
          uint64_t args[kMaxParams] = {};
          // i32 arguments are read from the low 32 bits by the functions themselves.
          for (size_t i = 0; i < fn->params.size(); ++i) args[i] = uint64_t(slots[i].i64);
          const uint32_t r = fn->fn(*ctx_, mem, args);
          if (r == kProcExit) return TrapCode::kUnreachable;  // unwinds; RunStart reports exit
          if (!fn->results.empty()) slots[0].i64 = int64_t(r);
          return std::nullopt;
        });
    EGRET_TRY(linker.Define(std::string(kWasiModuleName), std::string(f.name),
                            runtime::Extern::Of(func)));
  }
  return Status::Ok();
}

void WasiHost::Bind(const runtime::Instance& instance) {
  std::optional<runtime::Extern> e = instance.GetExport("memory");
  memory_ = (e && e->kind == artifact::ExternKind::kMemory) ? e->memory : nullptr;
}

Expected<CommandOutcome> WasiHost::RunStart(runtime::Store& store, runtime::Instance& instance) {
  Bind(instance);
  runtime::Func start = instance.GetFunc("_start");
  if (!start.valid()) return Error("the module exports no function '_start' (not a command)");
  const artifact::FuncType& type = store.TypeOf(start);
  if (!type.params.empty() || !type.results.empty())
    return Error("'_start' has type " + artifact::FuncTypeToString(type) + ", expected () -> ()");
  EGRET_ASSIGN_OR_RETURN(runtime::CallResult r, store.Call(start, {}));
  CommandOutcome out;
  if (std::optional<uint32_t> code = ctx_->exit_code()) {
    out.exit_code = *code;  // proc_exit: the trap that unwound the guest is not reported
  } else if (r.trap) {
    out.trap = std::move(r.trap);
  }
  return out;
}

}  // namespace egret::wasi
