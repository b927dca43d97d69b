// compile_command.cc: `egret compile`.
//
// Today: `egret compile --emit=ir FILE.wasm` decodes, validates and translates every defined
// function and prints its IR (names from the name section). The flags of the whole pipeline are
// parsed here already (CompileOptions) so that later stages add their emit kinds and options by
// extending EmitStage below; kinds whose stage has not landed give a clear error.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "frontend/translator.h"
#include "frontend/validator.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace egret::tools {
namespace {

struct CompileOptions {
  std::string input;
  std::string output;
  std::string target = "x86_64";
  std::string opt_level = "none";
  std::string regalloc = "fast";
  std::string emit;  // empty: produce an artifact
  std::string heap = "guard";
  bool no_srclocs = false;
  bool verify = true;
};

int EmitIr(const CompileOptions& o, const wasm::ModuleEnv& env) {
  wasm::TranslateOptions topts;
  topts.heap =
      o.heap == "bounds-check" ? wasm::HeapStrategy::kBoundsCheck : wasm::HeapStrategy::kGuardPages;
  Expected<std::vector<ir::Function>> funcs = wasm::TranslateModule(env, topts);
  if (!funcs.ok()) {
    std::fprintf(stderr, "%s\n", funcs.error().ToString().c_str());
    return cli::kExitFailure;
  }
  ir::PrintOptions popts;
  popts.srclocs = !o.no_srclocs;
  std::string out;
  for (const ir::Function& f : *funcs) {
    if (o.verify) {
      if (Status st = ir::Verify(f); !st.ok()) {
        std::fprintf(stderr, "%s\n%s", st.error().ToString().c_str(),
                     ir::PrintFunction(f, popts).c_str());
        return cli::kExitFailure;
      }
    }
    if (!out.empty()) out += '\n';
    out += ir::PrintFunction(f, popts);
  }
  if (o.output.empty() || o.output == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    std::ofstream file(o.output, std::ios::binary);
    file << out;
    if (!file) {
      std::fprintf(stderr, "egret compile: error: cannot write '%s'\n", o.output.c_str());
      return cli::kExitFailure;
    }
  }
  return cli::kExitOk;
}

}  // namespace

int CompileCommand(std::span<const std::string> args) {
  cli::ArgParser parser("egret compile", "[options] FILE.wasm",
                        "Compile a WebAssembly module, or print one of its intermediate forms.");
  CompileOptions o;
  std::vector<std::string> files;
  parser.Option("o", &o.output, "FILE", "output file (default: stdout for --emit)");
  parser.Choice("target", &o.target, {"x86_64", "aarch64"}, "target architecture");
  parser.Choice("opt-level", &o.opt_level, {"none", "speed"}, "optimisation level");
  parser.Choice("regalloc", &o.regalloc, {"fast", "linear"}, "register allocator");
  parser.Choice("emit", &o.emit, {"ir", "opt-ir", "vcode", "asm", "dot"},
                "print an intermediate form instead of writing an artifact");
  parser.Choice("heap", &o.heap, {"guard", "bounds-check"},
                "linear-memory strategy: guard pages (default) or explicit bounds checks");
  parser.Flag("no-srclocs", &o.no_srclocs, "omit the @offset source locations in IR output");
  parser.Positionals(&files, 1, 1);
  switch (parser.Parse(args)) {
    case cli::ParseOutcome::kHelp:
      return cli::kExitOk;
    case cli::ParseOutcome::kError:
      return cli::kExitUsage;
    case cli::ParseOutcome::kOk:
      break;
  }
  o.input = files[0];
  if (o.emit != "ir") {
    const std::string what = o.emit.empty() ? "compiling to an artifact" : "--emit=" + o.emit;
    std::fprintf(stderr,
                 "egret compile: error: %s is not available in this build yet (needs the "
                 "optimizer and backend stages); --emit=ir works\n",
                 what.c_str());
    return cli::kExitUsage;
  }
  std::ifstream in(o.input, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "egret compile: error: cannot read '%s'\n", o.input.c_str());
    return cli::kExitFailure;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  wasm::WasmError error;
  std::optional<wasm::ModuleEnv> env = wasm::LoadModule(std::move(bytes), o.input, &error);
  if (!env) {
    std::fprintf(stderr, "%s\n", error.error.ToString().c_str());
    return cli::kExitFailure;
  }
  return EmitIr(o, *env);
}

}  // namespace egret::tools
