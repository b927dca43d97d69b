// egret_fuzz_exec.cc: runs one binaryen `wasm-opt -ttf` module under egret and prints what it
// does, line for line in the format of run_v8.mjs (see there), so that
// tests/fuzz/differential.sh can compare egret with V8.
//
//   egret_fuzz_exec [--opt-level=none|speed] [--regalloc=fast|linear] [--no-checker] FILE.wasm
//
// The module is compiled in memory through the embedding API (compiler::CompileBytes, then
// runtime::Module::FromArtifact), with the register-allocation checker on unless --no-checker,
// instantiated with the fuzzing-support log-i32/i64/f32/f64 imports, and every exported function
// is called in export order with zero-valued arguments (after a silent call of
// hangLimitInitializer when the module has one). Trap codes are folded into the kinds V8 can
// also tell apart: int_ovf and bad_toint are both `int_ovf`, table_oob and icall_oob are
// `table`, icall_null and bad_sig are `icall`.
//
// Exit status: 0 after running every export; 2 if the module does not compile or link (printed
// as `invalid: MESSAGE`); 1 for usage errors.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "runtime/engine.h"
#include "runtime/instance.h"
#include "runtime/linker.h"
#include "runtime/module.h"
#include "runtime/store.h"

namespace egret {
namespace {

std::string TrapKind(TrapCode code) {
  switch (code) {
    case TrapCode::kIntegerOverflow:
    case TrapCode::kBadConversionToInteger:
      return "int_ovf";
    case TrapCode::kTableOutOfBounds:
    case TrapCode::kIndirectCallOutOfBounds:
      return "table";
    case TrapCode::kIndirectCallToNull:
    case TrapCode::kBadSignature:
      return "icall";
    default:
      return std::string(TrapCodeName(code));
  }
}

std::string FormatValue(artifact::ValType type, const runtime::ValRaw& raw) {
  char buf[64];
  switch (type) {
    case artifact::ValType::kI32:
      std::snprintf(buf, sizeof buf, "%" PRId32, raw.i32);
      return buf;
    case artifact::ValType::kI64:
      std::snprintf(buf, sizeof buf, "%" PRId64, raw.i64);
      return buf;
    case artifact::ValType::kF32:
      if ((raw.f32 & 0x7f800000) == 0x7f800000 && (raw.f32 & 0x7fffff)) return "nan";
      std::snprintf(buf, sizeof buf, "0x%08" PRIx32, raw.f32);
      return buf;
    case artifact::ValType::kF64:
      if ((raw.f64 & 0x7ff0000000000000) == 0x7ff0000000000000 && (raw.f64 & 0xfffffffffffff))
        return "nan";
      std::snprintf(buf, sizeof buf, "0x%016" PRIx64, raw.f64);
      return buf;
    default:
      return raw.ref == nullptr ? "null" : "ref";
  }
}

const char* TypeName(artifact::ValType t) {
  switch (t) {
    case artifact::ValType::kI32:
      return "i32";
    case artifact::ValType::kI64:
      return "i64";
    case artifact::ValType::kF32:
      return "f32";
    case artifact::ValType::kF64:
      return "f64";
    case artifact::ValType::kV128:
      return "v128";
    case artifact::ValType::kFuncRef:
      return "funcref";
    case artifact::ValType::kExternRef:
      return "externref";
  }
  return "?";
}

int Invalid(const std::string& message) {
  std::printf("invalid: %s\n", message.c_str());
  return 2;
}

int Run(const std::string& file, const compiler::CompileOptions& options) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Invalid("cannot read " + file);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  Expected<compiler::CompileResult> compiled = compiler::CompileBytes(bytes, file, options);
  if (!compiled.ok()) return Invalid(compiled.error().ToString());
  const artifact::Artifact art = compiled->artifact;
  runtime::Engine engine;
  Expected<std::shared_ptr<const runtime::Module>> module =
      runtime::Module::FromArtifact(engine, std::move(compiled->artifact));
  if (!module.ok()) return Invalid(module.error().ToString());

  std::string out;  // printed at the end, like run_v8.mjs
  runtime::Store store(engine);
  runtime::Linker linker;
  for (const artifact::Import& imp : art.imports) {
    if (imp.module != "fuzzing-support" || imp.kind != artifact::ExternKind::kFunc ||
        imp.name.rfind("log-", 0) != 0)
      return Invalid("unsupported import " + imp.module + "." + imp.name);
    const artifact::FuncType& type = art.types[imp.type_index];
    if (type.params.size() != 1 || !type.results.empty())
      return Invalid("unsupported import " + imp.module + "." + imp.name);
    const artifact::ValType t = type.params[0];
    runtime::Func f = store.NewHostFunc(type, [&out, t](std::span<runtime::ValRaw> args) {
      out += std::string("log ") + TypeName(t) + " " + FormatValue(t, args[0]) + "\n";
      return std::optional<TrapCode>();
    });
    if (Status st = linker.Define(imp.module, imp.name, runtime::Extern::Of(f)); !st.ok())
      return Invalid(st.error().ToString());
  }
  Expected<runtime::Instance*> instance = linker.Instantiate(store, *module);
  if (!instance.ok()) {
    // A trapping segment or start function is a trap; anything else is a link error.
    const std::string& m = instance.error().message;
    for (int c = 0; c < kNumTrapCodes; ++c) {
      const TrapCode code = static_cast<TrapCode>(c);
      if (m.find("wasm trap: " + std::string(TrapCodeMessage(code))) != std::string::npos) {
        std::printf("%strap %s\n", out.c_str(), TrapKind(code).c_str());
        return 0;
      }
    }
    return Invalid(instance.error().ToString());
  }
  runtime::Func hang = (*instance)->GetFunc("hangLimitInitializer");
  for (const artifact::Export& e : art.exports) {
    if (e.kind != artifact::ExternKind::kFunc || e.name == "hangLimitInitializer") continue;
    out += "call " + e.name + "\n";
    if (hang.valid()) {
      Expected<runtime::CallResult> r = store.Call(hang, {});
      if (!r.ok()) return Invalid(r.error().ToString());
      if (r->trap) {
        out += "trap " + TrapKind(r->trap->code) + "\n";
        continue;
      }
    }
    runtime::Func f = (*instance)->GetFunc(e.name);
    const artifact::FuncType& type = store.TypeOf(f);
    std::vector<runtime::Val> args;
    for (artifact::ValType t : type.params) args.push_back(runtime::Val::Default(t));
    Expected<runtime::CallResult> r = store.Call(f, args);
    if (!r.ok()) return Invalid(r.error().ToString());
    if (r->trap) {
      out += "trap " + TrapKind(r->trap->code) + "\n";
      continue;
    }
    for (const runtime::Val& v : r->results)
      out += std::string("result ") + TypeName(v.type) + " " + FormatValue(v.type, v.raw) + "\n";
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

int Usage() {
  std::fprintf(stderr,
               "usage: egret_fuzz_exec [--opt-level=none|speed] [--regalloc=fast|linear] "
               "[--no-checker] FILE.wasm\n");
  return 1;
}

}  // namespace
}  // namespace egret

int main(int argc, char** argv) {
  using namespace egret;
  compiler::CompileOptions options;
  options.regalloc_checker = true;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--opt-level=", 0) == 0) {
      Expected<compiler::OptLevel> level = compiler::ParseOptLevel(a.substr(12));
      if (!level.ok()) return Usage();
      options.opt_level = *level;
    } else if (a.rfind("--regalloc=", 0) == 0) {
      Expected<compiler::Allocator> allocator = compiler::ParseAllocator(a.substr(11));
      if (!allocator.ok()) return Usage();
      options.regalloc = *allocator;
    } else if (a == "--no-checker") {
      options.regalloc_checker = false;
    } else if (a.rfind("-", 0) == 0 || !file.empty()) {
      return Usage();
    } else {
      file = a;
    }
  }
  if (file.empty()) return Usage();
  return Run(file, options);
}
