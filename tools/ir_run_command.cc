// ir_run_command.cc: `egret ir run FILE.eir`, the `; run:` lines of an IR file executed on
// compiled code (the runtests of docs/testing.md).
//
// The same lines `egret ir interp` checks against the interpreter are checked here against the
// host target's backend: each function is adapted to the Wasm calling convention and compiled
// (tools/native_ir_module.h), then each line calls it through its array-call trampoline under the
// runtime's trap handling. So every IR filetest with run lines is a conformance test of the
// backend that compiled it; under qemu-aarch64 the cross-built egret runs the aarch64 backend.
//
// Output: one line per run line (`FILE:LINE: ok: ...`, `FILE:LINE: FAIL: ..., got ...`, or
// `FILE:LINE: not compiled: function %f: <why>`), then `N passed, N failed, N not compiled`.
// Exit 1 if any line failed or could not run, or the file has no run lines; 2 for a bad command
// line or a target this host cannot execute.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "compiler/options.h"
#include "ir/parser.h"
#include "ir/run_test.h"
#include "ir/verifier.h"
#include "opt/pass_manager.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/native_ir_module.h"

namespace egret::tools {
namespace {

bool ReadText(const std::string& path, std::string& name, std::string& text) {
  if (path == "-") {
    name = "<stdin>";
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  name = path;
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  std::ostringstream ss;
  ss << file.rdbuf();
  text = ss.str();
  return true;
}

}  // namespace

int IrRunCommand(std::span<const std::string> args) {
  std::vector<std::string> files;
  std::string target(compiler::Name(compiler::HostTarget())), features, regalloc,
      opt_level = "none";
  int64_t heap = 65536, max_stack = 1024 * 1024, shrink = 1;
  cli::ArgParser p("egret ir run", "FILE.eir",
                   "Compile every function of an IR file for this host's target and execute the "
                   "file's '; run:' lines on the compiled code.");
  p.Choice("target", &target, {"x86_64", "aarch64"},
           "the target to compile for; must be this host's (default)");
  p.Option("target-features", &features, "SPEC",
           "CPU features in the target's syntax (default: the host's)");
  p.Choice("opt-level", &opt_level, {"none", "speed"},
           "speed: run the IR passes of the speed pipeline first (default: none)");
  p.Choice("regalloc", &regalloc, {"fast", "linear"},
           "register allocator (default: fast at --opt-level=none, linear at speed)");
  p.Option("heap-size", &heap, "BYTES",
           "interpreter addresses [0, BYTES) are the heap, as in 'egret ir interp' (default "
           "65536)");
  p.Option("max-stack", &max_stack, "BYTES",
           "stack the compiled code may use per run line (default 1048576)");
  p.Option("debug-branch-range-shrink", &shrink, "N",
           "test mode: divide every shrinkable branch range by N (docs/machbuffer.md)");
  p.Positionals(&files, 1, 1);
  p.Epilog(
      "The run lines are those of 'egret ir interp' (see its --help). Each function takes the "
      "VMContext as a new first parameter, i8/i16 parameters and results travel as i32, and every "
      "load and store adds the heap's base (docs/testing.md, \"IR runtests\"). Functions the "
      "backend cannot compile, or that use stack_addr, func_addr or call_indirect, or call a "
      "function with i8/i16 in its signature, are reported as 'not compiled' with the reason, "
      "naming the function.\n"
      "Exits 1 if a line fails or does not run, or there are no run lines; 2 on a bad command "
      "line or a target this host cannot execute.");
  if (auto r = p.Parse(args); r != cli::ParseOutcome::kOk)
    return r == cli::ParseOutcome::kHelp ? cli::kExitOk : cli::kExitUsage;
  if (heap < 0 || heap > (int64_t{1} << 30) || max_stack < 4096 || max_stack > (int64_t{1} << 30)) {
    std::fprintf(stderr,
                 "egret ir run: error: --heap-size must be in [0, 1 GiB] and --max-stack in "
                 "[4 KiB, 1 GiB]\n");
    return cli::kExitUsage;
  }
  Expected<uint32_t> shrink_n = compiler::ParseBranchRangeShrink(shrink);
  if (!shrink_n.ok()) {
    std::fprintf(stderr, "egret ir run: error: %s\n", shrink_n.error().message.c_str());
    return cli::kExitUsage;
  }
  const compiler::Target parsed_target = *compiler::ParseTarget(target);  // a Choice above
  if (parsed_target != compiler::HostTarget()) {
    std::fprintf(stderr,
                 "egret ir run: error: this %s host cannot execute %s code: run an %s build of "
                 "egret (on another host under qemu, docs/testing.md)\n",
                 std::string(compiler::Name(compiler::HostTarget())).c_str(), target.c_str(),
                 target.c_str());
    return cli::kExitUsage;
  }
  Expected<std::unique_ptr<backend::TargetIsa>> isa = compiler::LookupIsa(parsed_target, features);
  if (!isa.ok()) {
    std::fprintf(stderr, "egret ir run: error: %s\n", isa.error().message.c_str());
    return cli::kExitUsage;
  }

  std::string name, text;
  if (!ReadText(files[0], name, text)) {
    std::fprintf(stderr, "%s: error: cannot open file\n", files[0].c_str());
    return cli::kExitFailure;
  }
  ir::SourceMap map;
  Expected<ir::Module> parsed = ir::ParseModule(text, name, &map);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s\n", parsed.error().ToString().c_str());
    return cli::kExitFailure;
  }
  ir::Module module = std::move(parsed).value();
  for (const ir::Function& f : module.functions) {
    if (Status st = ir::Verify(f); !st.ok()) {
      std::fprintf(stderr, "%s: error: %s (see 'egret ir verify')\n", name.c_str(),
                   st.error().message.c_str());
      return cli::kExitFailure;
    }
  }
  // The module the run lines are parsed against keeps the original signatures.
  ir::Module compiled = module;
  if (opt_level == "speed") {
    const std::vector<std::string_view> names = opt::PipelineFor(opt::OptLevel::kSpeed);
    opt::PassManagerOptions popts;
    popts.verify = true;
    Expected<opt::PassManager> pm = opt::PassManager::FromNames(names, std::move(popts));
    if (!pm.ok()) {
      std::fprintf(stderr, "egret ir run: error: %s\n", pm.error().message.c_str());
      return cli::kExitFailure;
    }
    for (ir::Function& f : compiled.functions) {
      if (Status st = pm->Run(f, nullptr); !st.ok()) {
        std::fprintf(stderr, "%s: error: function %%%s: %s\n", name.c_str(), f.name.c_str(),
                     st.error().message.c_str());
        return cli::kExitFailure;
      }
    }
  }
  NativeIrOptions options;
  options.regalloc = !regalloc.empty() ? regalloc : opt_level == "speed" ? "linear" : "fast";
  options.heap_size = static_cast<uint64_t>(heap);
  options.max_stack = static_cast<size_t>(max_stack);
  options.debug_branch_range_shrink = *shrink_n;
  Expected<std::unique_ptr<NativeIrModule>> native =
      NativeIrModule::Compile(compiled, **isa, options);
  if (!native.ok()) {
    std::fprintf(stderr, "%s: error: %s\n", name.c_str(), native.error().message.c_str());
    return cli::kExitFailure;
  }
  NativeIrModule& nm = **native;
  auto outcomes = ir::RunTestLines(
      text, name, module,
      [&nm](const ir::Function& f, auto call_args) { return nm.Call(f.name, call_args); });
  if (!outcomes.ok()) {
    std::fprintf(stderr, "%s\n", outcomes.error().ToString().c_str());
    return cli::kExitFailure;
  }
  int passed = 0, failed = 0, not_compiled = 0;
  for (const ir::RunOutcome& o : *outcomes) {
    const std::string callee = o.command.substr(1, o.command.find('(') - 1);
    if (const std::string& why = nm.CompileError(callee); !why.empty()) {
      ++not_compiled;
      std::printf("%s:%u: not compiled: %s\n", name.c_str(), o.line, why.c_str());
    } else if (o.passed) {
      ++passed;
      std::printf("%s:%u: ok: %s\n", name.c_str(), o.line, o.command.c_str());
    } else {
      ++failed;
      std::printf("%s:%u: FAIL: %s, got %s\n", name.c_str(), o.line, o.command.c_str(),
                  o.actual.c_str());
    }
  }
  if (*shrink_n > 1) {
    const MachBufferStats& b = nm.buffer_stats();
    std::printf(
        "islands (ranges shrunk by %u): %u in the code (%u bytes), %u veneers, %u constants\n",
        *shrink_n, b.code_islands, b.island_bytes, b.veneers, b.island_constants);
  }
  std::printf("%d passed, %d failed, %d not compiled (%s)\n", passed, failed, not_compiled,
              target.c_str());
  if (passed + failed + not_compiled == 0) {
    std::fprintf(stderr, "%s: error: no '; run:' lines\n", name.c_str());
    return cli::kExitFailure;
  }
  return failed || not_compiled ? cli::kExitFailure : cli::kExitOk;
}

}  // namespace egret::tools
