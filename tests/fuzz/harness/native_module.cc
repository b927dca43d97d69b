// native_module.cc: see native_module.h.
#include "tests/fuzz/harness/native_module.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <vector>

#include "artifact/artifact.h"
#include "artifact/builtin.h"
#include "artifact/vmoffsets.h"
#include "backends/common/target_isa.h"
#include "backends/target_registry.h"
#include "machbuffer/text_section.h"
#include "runtime/builtins.h"
#include "runtime/code_memory.h"
#include "runtime/code_registry.h"
#include "runtime/host_target.h"
#include "runtime/trap_handler.h"
#include "runtime/vmfuncref.h"

namespace egret::fuzz {

namespace {

// The VMContext's fixed header (artifact/vmoffsets.h) plus room: no module-specific regions.
constexpr size_t kVmctxSize = 256;

bool IsValueType(ir::Type t) {
  return t == ir::Type::kI32 || t == ir::Type::kI64 || t == ir::Type::kF32 || t == ir::Type::kF64 ||
         ir::IsVector(t);
}

uint64_t MaskToType(ir::Type t, uint64_t bits) {
  const uint32_t w = ir::TypeBits(t);
  return w >= 64 ? bits : bits & ((uint64_t{1} << w) - 1);
}

}  // namespace

struct NativeModule::Impl {
  struct Entry {
    const ir::Signature* sig = nullptr;
    runtime::ArrayCallFn array_call = nullptr;
  };
  ir::Module module;  // a copy: signatures outlive the caller's module
  std::unordered_map<std::string, Entry> entries;
  // The artifact the trap handler reads; heap-allocated so its address is stable.
  std::unique_ptr<artifact::Artifact> artifact = std::make_unique<artifact::Artifact>();
  std::unique_ptr<runtime::CodeMemory> code;
  runtime::CodeRegistration registration;
  std::array<const void*, artifact::kNumBuiltins> builtins = runtime::builtins::BuiltinTable();
  alignas(64) uint8_t vmctx[kVmctxSize] = {};
  runtime::VMStoreLimits limits;  // what the VMContext's store-limits pointer points to
  size_t max_stack = 0;
};

NativeModule::NativeModule(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NativeModule::~NativeModule() = default;

size_t NativeModule::code_size() const { return impl_->artifact->text.size(); }

namespace {

// A module's text section for one target: functions [0, n), then their array-to-wasm
// trampolines [n, 2n).
struct CompiledText {
  TextSection section;
  artifact::Target target;
};

Expected<CompiledText> CompileText(const ir::Module& module, std::string_view target,
                                   const NativeOptions& options) {
  const std::vector<ir::Function>& fns = module.functions;
  const uint32_t n = static_cast<uint32_t>(fns.size());
  if (n == 0) return Error("native module: no functions");
  EGRET_ASSIGN_OR_RETURN(std::unique_ptr<backend::TargetIsa> isa,
                         backend::LookupTargetIsa(target, options.features));
  backend::ModuleContext ctx;
  for (uint32_t i = 0; i < n; ++i) {
    const ir::Function& f = fns[i];
    if (f.signature.params.empty() || f.signature.params[0] != ir::Type::kI64)
      return Error("native module: function %" + f.name +
                   " does not take the vmctx (i64) as its first parameter");
    for (ir::Type t : f.signature.params)
      if (!IsValueType(t)) return Error("native module: %" + f.name + " has a non-Wasm type");
    for (ir::Type t : f.signature.results)
      if (!IsValueType(t)) return Error("native module: %" + f.name + " has a non-Wasm type");
    if (!ctx.callees.emplace(f.name, backend::CallTarget{backend::CallTarget::Kind::kFunction, i})
             .second)
      return Error("native module: two functions named %" + f.name);
  }
  ctx.builtins_offset = artifact::VMOffsets::builtins();
  ctx.store_limits_offset = artifact::VMOffsets::store_limits();
  ctx.stack_limit_offset = artifact::kVMStoreLimitsStackLimit;
  // Calls to anything outside the module would reach an unrelated text entry or a builtin.
  for (const ir::Function& f : fns)
    for (uint32_t k = 0; k < f.dfg.NumExtFuncs(); ++k) {
      const std::string& callee = f.dfg.ext_func(ir::FuncRef{k}).name;
      if (!ctx.callees.contains(callee))
        return Error("native module: %" + f.name + " calls %" + callee +
                     ", which is not in the module");
    }

  backend::CompileOptions bopts;
  bopts.regalloc = options.regalloc;
  bopts.regalloc_checker = options.regalloc_checker;
  bopts.debug_branch_range_shrink = options.branch_range_shrink;
  std::vector<MachCode> codes;  // the functions, then their trampolines
  for (uint32_t i = 0; i < n; ++i) {
    Expected<backend::CompiledFunction> c = isa->CompileFunction(fns[i], ctx, bopts);
    if (!c.ok())
      return Error("native module: " + std::string(target) + ": %" + fns[i].name + ": " +
                   c.error().message);
    codes.push_back(std::move(c->code));
  }
  for (uint32_t i = 0; i < n; ++i) codes.push_back(isa->ArrayToWasmTrampoline(fns[i].signature, i));
  // Under range shrinking, call reach stays above what the largest function needs, as in
  // compiler/compiler.cc.
  TextSectionOptions text_options;
  text_options.debug_branch_range_shrink = options.branch_range_shrink;
  for (const MachCode& code : codes) {
    text_options.largest_function =
        std::max(text_options.largest_function, static_cast<uint32_t>(code.bytes.size()));
    text_options.most_calls =
        std::max(text_options.most_calls, static_cast<uint32_t>(code.call_sites.size()));
  }
  std::unique_ptr<backend::TextBuilder> text = isa->NewTextBuilder(2 * n, text_options);
  for (uint32_t i = 0; i < 2 * n; ++i) EGRET_TRY(text->Append(i, codes[i]));
  EGRET_ASSIGN_OR_RETURN(TextSection section, text->Finish());
  return CompiledText{std::move(section), isa->artifact_target()};
}

}  // namespace

std::string_view HostTargetName() { return artifact::TargetName(runtime::HostTarget()); }

Expected<size_t> CompileForTarget(const ir::Module& module, std::string_view target,
                                  const NativeOptions& options) {
  EGRET_ASSIGN_OR_RETURN(CompiledText text, CompileText(module, target, options));
  return text.section.bytes.size();
}

Expected<std::unique_ptr<NativeModule>> NativeModule::Compile(const ir::Module& module,
                                                              const NativeOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->module = module;
  impl->max_stack = options.max_stack;
  const std::vector<ir::Function>& fns = impl->module.functions;
  const uint32_t n = static_cast<uint32_t>(fns.size());
  EGRET_ASSIGN_OR_RETURN(CompiledText compiled,
                         CompileText(impl->module, HostTargetName(), options));
  TextSection& section = compiled.section;

  artifact::Artifact& art = *impl->artifact;
  art.target = compiled.target;
  art.text = std::move(section.bytes);
  art.module_name = "native";
  for (uint32_t i = 0; i < n; ++i) {
    artifact::Function af;
    af.body = {section.functions[i].start, section.functions[i].size};
    af.array_call = {section.functions[n + i].start, section.functions[n + i].size};
    art.functions.push_back(af);
  }
  for (const MachTrap& t : section.traps) art.traps.push_back({t.offset, t.code});

  EGRET_ASSIGN_OR_RETURN(impl->code, runtime::LoadCode(art, impl->builtins));
  EGRET_ASSIGN_OR_RETURN(impl->registration,
                         runtime::CodeRegistration::Create(
                             {impl->code->start(), impl->code->end(), impl->artifact.get()}));
  for (uint32_t i = 0; i < n; ++i) {
    Impl::Entry e;
    e.sig = &fns[i].signature;
    e.array_call = reinterpret_cast<runtime::ArrayCallFn>(impl->code->start() +
                                                          art.functions[i].array_call.offset);
    impl->entries.emplace(fns[i].name, e);
  }

  const uint32_t magic = artifact::kVMContextMagic;
  std::memcpy(impl->vmctx, &magic, sizeof magic);
  const void* const* table = impl->builtins.data();
  std::memcpy(impl->vmctx + artifact::VMOffsets::builtins(), &table, sizeof table);
  runtime::VMStoreLimits* limits = &impl->limits;
  std::memcpy(impl->vmctx + artifact::VMOffsets::store_limits(), &limits, sizeof limits);
  return std::unique_ptr<NativeModule>(new NativeModule(std::move(impl)));
}

ir::InterpResult NativeModule::Call(std::string_view name, std::span<const ir::DataValue> args) {
  ir::InterpResult r;
  auto it = impl_->entries.find(std::string(name));
  if (it == impl_->entries.end()) {
    r.kind = ir::InterpResult::Kind::kError;
    r.error = "no function %" + std::string(name);
    return r;
  }
  const ir::Signature& sig = *it->second.sig;
  if (args.size() + 1 != sig.params.size()) {
    r.kind = ir::InterpResult::Kind::kError;
    r.error = "%" + std::string(name) + " takes " + std::to_string(sig.params.size() - 1) +
              " arguments after the vmctx, got " + std::to_string(args.size());
    return r;
  }
  std::vector<runtime::ValRaw> slots(std::max<size_t>({args.size(), sig.results.size(), 1}));
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != sig.params[i + 1]) {
      r.kind = ir::InterpResult::Kind::kError;
      r.error =
          "argument " + std::to_string(i) + " of %" + std::string(name) + " has the wrong type";
      return r;
    }
    std::memset(&slots[i], 0, sizeof slots[i]);
    const uint64_t bits = MaskToType(args[i].type, args[i].bits);
    std::memcpy(&slots[i], &bits, sizeof bits);
    // A vector fills the whole 16-byte slot (lanes little-endian: bits, then hi).
    if (ir::IsVector(args[i].type))
      std::memcpy(reinterpret_cast<uint8_t*>(&slots[i]) + 8, &args[i].hi, sizeof args[i].hi);
  }
  impl_->limits.stack_limit = runtime::StackLimitForEntry(impl_->max_stack);
  auto* vmctx = reinterpret_cast<runtime::VMContext*>(impl_->vmctx);
  runtime::ArrayCallFn fn = it->second.array_call;
  runtime::ValRaw* data = slots.data();
  const size_t nslots = slots.size();
  std::optional<runtime::Trap> trap =
      runtime::CallWithTrapHandling([fn, vmctx, data, nslots] { fn(vmctx, vmctx, data, nslots); });
  if (trap) {
    r.kind = ir::InterpResult::Kind::kTrapped;
    r.trap = trap->code;
    return r;
  }
  for (size_t i = 0; i < sig.results.size(); ++i) {
    uint64_t bits = 0;
    std::memcpy(&bits, &slots[i], sizeof bits);
    if (ir::IsVector(sig.results[i])) {
      uint64_t hi = 0;
      std::memcpy(&hi, reinterpret_cast<const uint8_t*>(&slots[i]) + 8, sizeof hi);
      r.values.push_back(ir::DataValue::Vector(sig.results[i], ir::V128{bits, hi}));
      continue;
    }
    r.values.push_back({sig.results[i], MaskToType(sig.results[i], bits)});
  }
  return r;
}

}  // namespace egret::fuzz
