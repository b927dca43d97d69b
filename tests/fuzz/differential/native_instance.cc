// native_instance.cc: see native_instance.h.
#include "tests/fuzz/differential/native_instance.h"

#include <cstring>

#include "artifact/artifact_reader.h"
#include "artifact/artifact_writer.h"
#include "compiler/compiler.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "tests/fuzz/differential/host_import.h"

namespace egret::fuzz {

std::string NativeConfig::ToString() const {
  return "target=" + target + " opt=" + opt_level + " regalloc=" + regalloc +
         " heap=" + (heap == wasm::HeapStrategy::kGuardPages ? "guard" : "bounds-check") +
         " features=" + features +
         (branch_range_shrink == 1 ? "" : " shrink=" + std::to_string(branch_range_shrink));
}

std::optional<TrapCode> TrapInMessage(const std::string& message) {
  const size_t at = message.find("wasm trap: ");
  if (at == std::string::npos) return std::nullopt;
  const std::string rest = message.substr(at + 11);
  std::optional<TrapCode> best;
  size_t best_len = 0;
  for (int c = 0; c < kNumTrapCodes; ++c) {
    const std::string_view m = TrapCodeMessage(TrapCode(c));
    if (rest.compare(0, m.size(), m) == 0 && m.size() > best_len) {
      best = TrapCode(c);
      best_len = m.size();
    }
  }
  return best;
}

namespace {

CallOutcome FromTrap(TrapCode code) {
  CallOutcome out;
  out.kind = CallOutcome::Kind::kTrapped;
  out.trap = code;
  if (code == TrapCode::kStackOverflow) {
    out.kind = CallOutcome::Kind::kInconclusive;
    out.note = "native stack exhausted";
  }
  return out;
}

compiler::CompileOptions CompileOptionsFor(const NativeConfig& config) {
  compiler::CompileOptions options;
  // NativeConfig's words are always known ones.
  options.target = *compiler::ParseTarget(config.target);
  options.opt_level = *compiler::ParseOptLevel(config.opt_level);
  options.regalloc = *compiler::ParseAllocator(config.regalloc);
  options.jobs = 1;  // modules of a few small functions: worker threads would cost more
  options.heap = config.heap;
  options.features = config.features;
  options.debug_branch_range_shrink = config.branch_range_shrink;
  options.fuel = true;
  options.regalloc_checker = true;  // an allocation the checker rejects aborts: a finding too
  return options;
}

// A numeric argument's normalised bits (outcome.h); references: 0 (host_import.h ignores them).
uint64_t NumericBits(wasm::ValType t, const runtime::ValRaw& raw) {
  switch (t) {
    case wasm::ValType::kI32:
    case wasm::ValType::kF32:
      return raw.f32;
    case wasm::ValType::kI64:
    case wasm::ValType::kF64:
      return raw.f64;
    default:
      return 0;
  }
}

// A host result slot from normalised bits; references come back null (host_import.h).
runtime::ValRaw FromNumericBits(wasm::ValType t, uint64_t bits) {
  runtime::ValRaw raw;
  std::memset(&raw, 0, sizeof raw);
  switch (t) {
    case wasm::ValType::kI32:
    case wasm::ValType::kF32:
      raw.f32 = static_cast<uint32_t>(bits);
      break;
    case wasm::ValType::kI64:
    case wasm::ValType::kF64:
      raw.f64 = bits;
      break;
    default:
      raw.ref = nullptr;
      break;
  }
  return raw;
}

CodeFigures FiguresOf(const compiler::CompileResult& compiled, size_t artifact_bytes) {
  CodeFigures f;
  f.artifact_bytes = artifact_bytes;
  f.islands = compiled.stats.islands + compiled.stats.call_islands;
  f.veneers = compiled.stats.veneers + compiled.stats.call_veneers;
  return f;
}

}  // namespace

std::optional<CodeFigures> CompileForTarget(const wasm::ModuleEnv& env, const NativeConfig& config,
                                            std::string* why) {
  Expected<compiler::CompileResult> compiled =
      compiler::CompileModule(env, CompileOptionsFor(config));
  if (!compiled.ok()) {
    *why = "compile: " + compiled.error().ToString();
    return std::nullopt;
  }
  const std::vector<uint8_t> bytes = artifact::WriteArtifact(compiled->artifact);
  Expected<artifact::Artifact> read = artifact::ReadArtifact(bytes);
  if (!read.ok()) {
    *why = "the artifact reader rejects the written artifact: " + read.error().ToString();
    return std::nullopt;
  }
  if (artifact::WriteArtifact(*read) != bytes) {
    *why = "the artifact read back writes different bytes";
    return std::nullopt;
  }
  return FiguresOf(*compiled, bytes.size());
}

std::unique_ptr<NativeInstance> NativeInstance::Create(const wasm::ModuleEnv& env,
                                                       const NativeConfig& config, uint64_t fuel,
                                                       CallOutcome* init, std::string* why) {
  Expected<compiler::CompileResult> compiled =
      compiler::CompileModule(env, CompileOptionsFor(config));
  if (!compiled.ok()) {
    *why = "compile: " + compiled.error().ToString();
    return nullptr;
  }
  std::unique_ptr<NativeInstance> inst(new NativeInstance());
  inst->env_ = &env;
  inst->engine_ = std::make_unique<runtime::Engine>();
  // Through the serialised artifact, as `egret compile` + `egret run` would: the writer and the
  // reader's checks are part of what is tested.
  const std::vector<uint8_t> bytes = artifact::WriteArtifact(compiled->artifact);
  inst->figures_ = FiguresOf(*compiled, bytes.size());
  auto module = runtime::Module::FromBytes(*inst->engine_, bytes);
  if (!module.ok()) {
    *why = "load: " + module.error().ToString();
    return nullptr;
  }
  inst->store_ = std::make_unique<runtime::Store>(*inst->engine_);
  inst->store_->SetFuel(fuel);
  runtime::Linker linker;
  for (const wasm::Import& im : env.imports) {
    if (im.kind != wasm::ExternKind::kFunc) {
      *why = "instantiate: the harness defines imported functions only";
      return nullptr;
    }
    const wasm::FuncType& type = env.function_type(im.index);
    artifact::FuncType atype;
    for (wasm::ValType t : type.params()) atype.params.push_back(static_cast<artifact::ValType>(t));
    for (wasm::ValType t : type.results())
      atype.results.push_back(static_cast<artifact::ValType>(t));
    NativeInstance* self = inst.get();
    const uint32_t import = im.index;
    runtime::Func f = inst->store_->NewHostFunc(
        atype, [self, import, &type](std::span<runtime::ValRaw> slots) -> std::optional<TrapCode> {
          std::vector<uint64_t> args;
          for (size_t i = 0; i < type.params().size(); ++i)
            args.push_back(NumericBits(type.params()[i], slots[i]));
          const std::vector<uint64_t> results =
              HostImportResults(import, type, args, self->host_calls_++);
          for (size_t j = 0; j < results.size(); ++j)
            slots[j] = FromNumericBits(type.results()[j], results[j]);
          return std::nullopt;
        });
    if (Status st = linker.Define(im.module, im.name, runtime::Extern::Of(f)); !st.ok()) {
      *why = "define import: " + st.error().ToString();
      return nullptr;
    }
  }
  Expected<runtime::Instance*> instance = linker.Instantiate(*inst->store_, *module);
  *init = CallOutcome{};
  if (!instance.ok()) {
    const std::string& msg = instance.error().message;
    std::optional<TrapCode> trap = TrapInMessage(msg);
    if (!trap) {
      *why = "instantiate: " + instance.error().ToString();
      return nullptr;
    }
    *init = FromTrap(*trap);
    return inst;
  }
  inst->instance_ = *instance;
  return inst;
}

uint64_t NativeInstance::Normalise(wasm::ValType t, runtime::ValRaw raw) const {
  switch (t) {
    case wasm::ValType::kI32:
    case wasm::ValType::kF32:
      return raw.f32;
    case wasm::ValType::kI64:
    case wasm::ValType::kF64:
      return raw.f64;
    case wasm::ValType::kFuncRef: {
      if (raw.ref == nullptr) return 0;
      for (uint32_t f = 0; f < env_->functions.size(); ++f)
        if (instance_->funcref(f) == raw.ref) return f + 1;
      return ~uint64_t{0};  // not one of this instance's functions: shows up as a difference
    }
    case wasm::ValType::kExternRef: {
      if (raw.ref == nullptr) return 0;
      const uint64_t* n = runtime::ExternRef::FromRaw(raw.ref).get<uint64_t>();
      return n != nullptr ? *n : ~uint64_t{0};
    }
    default:
      return reinterpret_cast<uintptr_t>(raw.ref);
  }
}

CallOutcome NativeInstance::Call(uint32_t func_index, std::span<const uint64_t> args,
                                 uint64_t fuel) {
  const wasm::FuncType& type = env_->function_type(func_index);
  std::vector<runtime::Val> vals;
  for (size_t i = 0; i < type.params().size(); ++i) {
    const uint64_t a = args[i];
    switch (type.params()[i]) {
      case wasm::ValType::kI32:
        vals.push_back(runtime::Val::I32(static_cast<int32_t>(a)));
        break;
      case wasm::ValType::kI64:
        vals.push_back(runtime::Val::I64(static_cast<int64_t>(a)));
        break;
      case wasm::ValType::kF32:
        vals.push_back(runtime::Val::F32Bits(static_cast<uint32_t>(a)));
        break;
      case wasm::ValType::kF64:
        vals.push_back(runtime::Val::F64Bits(a));
        break;
      case wasm::ValType::kFuncRef:
        vals.push_back(runtime::Val::FuncRef(
            a == 0 ? nullptr : instance_->funcref(static_cast<uint32_t>(a - 1))));
        break;
      default:
        // A host reference holding `a` (0 is null); Normalise reads the number back.
        vals.push_back(a == 0 ? runtime::Val::Default(artifact::ValType::kExternRef)
                              : runtime::Val::ExternRef(runtime::ExternRef::New<uint64_t>(a)));
        break;
    }
  }
  store_->SetFuel(fuel);
  Expected<runtime::CallResult> r =
      store_->Call(runtime::Func{instance_->funcref(func_index)}, vals);
  CallOutcome out;
  if (!r.ok()) {
    out.kind = CallOutcome::Kind::kInconclusive;
    out.note = "runtime call error: " + r.error().ToString();
    return out;
  }
  if (r->trap) return FromTrap(r->trap->code);
  for (size_t i = 0; i < r->results.size(); ++i)
    out.values.push_back(Normalise(type.results()[i], r->results[i].raw));
  return out;
}

InstanceState NativeInstance::State() const {
  InstanceState s;
  if (!env_->memories.empty()) {
    const runtime::LinearMemory* m = instance_->memory(0);
    s.memory.assign(m->base(), m->base() + m->size_bytes());
  }
  for (uint32_t g = 0; g < env_->globals.size(); ++g)
    s.globals.push_back(Normalise(env_->globals[g].type.type, *instance_->global(g).slot));
  for (uint32_t t = 0; t < env_->tables.size(); ++t) {
    const runtime::Table* table = instance_->table(t);
    std::vector<uint64_t> elems;
    for (uint64_t i = 0; i < table->size(); ++i) {
      runtime::ValRaw raw{};
      void* p = nullptr;
      (void)table->Get(i, &p);
      raw.ref = p;
      elems.push_back(Normalise(env_->tables[t].type.elem, raw));
    }
    s.tables.push_back(std::move(elems));
  }
  return s;
}

}  // namespace egret::fuzz
