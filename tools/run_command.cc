// run_command.cc: `egret run`: load a module (compiling a .wasm in memory, or reading an .egret
// artifact) and either call one export (`--invoke NAME ARGS...`) or run it as a WASI command
// (`_start`, with the remaining arguments as the program's argv).
//
// Command line: egret's own options may come before FILE and, for convenience, right after it;
// the first argument after FILE that is not one of egret's options (or everything after `--`)
// starts the program's arguments, so `egret run prog.wasm --invoke f 1 2` and
// `egret run prog.wasm -- --help` both do what they say.
//
// Exit status: the guest's proc_exit code (0 when _start returns) for commands; 0 after a
// successful --invoke; kExitTrap (134, like an abort) when the guest traps, after printing
// `egret run: error: wasm trap: ...` and the backtrace to stderr; 1 for errors (unreadable or
// invalid module, link errors, bad arguments); 2 for usage errors.
#include <signal.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "runtime/engine.h"
#include "runtime/instance.h"
#include "runtime/linker.h"
#include "runtime/profiling/profiling_mode.h"
#include "runtime/store.h"
#include "runtime/wasi/wasi_host.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/compile_flags.h"
#include "tools/module_loader.h"
#include "tools/value_text.h"
#include "tools/wasi_threads.h"

namespace egret::tools {
namespace {

constexpr int kExitTrap = 134;

// egret's own options that may follow FILE, and whether each takes a value.
struct KnownOption {
  const char* name;
  bool takes_value;
};
constexpr KnownOption kOptions[] = {
    {"--invoke", true},       {"--dir", true},
    {"--env", true},          {"--fuel", true},
    {"--stats", false},       {"--regalloc", true},
    {"--jobs", true},         {"--opt-level", true},
    {"--profile", true},      {"--debug-branch-range-shrink", true},
    {"--verify-each", false}, {"--align-loops", true},
};

const KnownOption* FindOption(const std::string& arg) {
  const std::string name = arg.substr(0, arg.find('='));
  for (const KnownOption& o : kOptions)
    if (name == o.name) return &o;
  return nullptr;
}

// Splits the command line into egret's part (options and FILE) and the program's arguments.
void SplitArgs(std::span<const std::string> args, std::vector<std::string>* own,
               std::vector<std::string>* program) {
  size_t i = 0;
  bool have_file = false;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!have_file) {
      if (a == "--") {  // `egret run [options] -- FILE args...`
        if (i + 1 < args.size()) own->push_back(args[++i]);
        have_file = true;
        continue;
      }
      own->push_back(a);
      if (a.size() > 1 && a[0] == '-') {
        const KnownOption* o = FindOption(a);
        if (o && o->takes_value && a.find('=') == std::string::npos && i + 1 < args.size())
          own->push_back(args[++i]);
        continue;
      }
      have_file = true;
      continue;
    }
    if (a == "--") {
      ++i;
      break;
    }
    const KnownOption* o = FindOption(a);
    if (o == nullptr) break;
    own->push_back(a);
    if (o->takes_value && a.find('=') == std::string::npos && i + 1 < args.size())
      own->push_back(args[++i]);
  }
  program->assign(args.begin() + i, args.end());
}

double MsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

int ReportError(Error e, const std::string& file = "") {
  if (!file.empty()) e.InFile(file);
  std::fprintf(stderr, "egret run: %s\n", e.ToString().c_str());
  return cli::kExitFailure;
}

int ReportTrap(const runtime::Trap& trap) {
  std::fflush(stdout);
  std::fprintf(stderr, "egret run: error: %s\n", trap.ToString().c_str());
  return kExitTrap;
}

}  // namespace

int RunCommand(std::span<const std::string> args) {
  cli::ArgParser parser(
      "egret run", "FILE.wasm|FILE.egret [ARGS...]",
      "Run a WebAssembly module (compiled in memory) or a compiled .egret artifact: call one "
      "export with --invoke, or run the module's _start as a WASI command.");
  std::string invoke, profile = "none";
  std::vector<std::string> dirs, envs, positionals;
  int64_t fuel = -1, branch_range_shrink = 1;
  CompileFlags compile_flags;
  bool stats = false;
  parser.Option("invoke", &invoke, "NAME",
                "call export NAME with ARGS (parsed by its parameter types) and print its results, "
                "one per line as TYPE:VALUE");
  parser.Option("dir", &dirs, "HOST[::GUEST]",
                "WASI: preopen host directory HOST, visible to the guest as GUEST (repeatable)");
  parser.Option("env", &envs, "KEY=VALUE", "WASI: an environment variable (repeatable)");
  parser.Option("fuel", &fuel, "N",
                "trap with 'all fuel consumed' after N units of fuel (needs fuel-instrumented "
                "code; see docs/cli.md)");
  parser.Flag("stats", &stats, "print compile statistics and timings to stderr");
  // For .wasm/.wat input (an artifact is already compiled); the target is the host's.
  AddCompileFlags(parser, &compile_flags, /*with_target=*/false);
  parser.Option("profile", &profile, "MODE", runtime::profiling::kProfilingModeHelp);
  parser.Option(
      "debug-branch-range-shrink", &branch_range_shrink, "N",
      "for .wasm input, test mode: divide every shrinkable branch range by N so that small "
      "code gets islands and veneers (docs/machbuffer.md); 1 (default): real "
      "ranges");
  parser.Positionals(&positionals, 1, 1);
  parser.Epilog(
      "Options may also follow FILE; the first other argument (or everything after '--') is\n"
      "passed to the program. Exit status: the program's proc_exit code (0 when _start\n"
      "returns), 134 on a trap, 1 on errors, 2 on usage errors.\n\n"
      "examples:\n"
      "  egret run fac.wasm --invoke fac 10\n"
      "  egret run --dir data::/data --env LANG=C prog.wasm input.txt\n"
      "  perf record -k mono egret run --profile=jitdump prog.wasm   # then perf inject --jit\n");
  std::vector<std::string> own, program_args;
  SplitArgs(args, &own, &program_args);
  switch (parser.Parse(own)) {
    case cli::ParseOutcome::kHelp:
      return cli::kExitOk;
    case cli::ParseOutcome::kError:
      return cli::kExitUsage;
    case cli::ParseOutcome::kOk:
      break;
  }
  if (!CheckJobs("egret run", compile_flags.jobs)) return cli::kExitUsage;
  Expected<runtime::profiling::ProfilingMode> profiling =
      runtime::profiling::ParseProfilingMode(profile);
  if (!profiling.ok()) {
    std::fprintf(stderr, "egret run: error: --profile: %s\n", profiling.error().message.c_str());
    return cli::kExitUsage;
  }
  Expected<uint32_t> shrink = compiler::ParseBranchRangeShrink(branch_range_shrink);
  if (!shrink.ok()) {
    std::fprintf(stderr, "egret run: error: %s\n", shrink.error().message.c_str());
    return cli::kExitUsage;
  }
  const std::string& path = positionals[0];
  // A guest writing to a closed pipe should see EPIPE from fd_write, not kill the host.
  signal(SIGPIPE, SIG_IGN);

  runtime::EngineConfig engine_config;
  engine_config.profiling = *profiling;
  runtime::Engine engine(engine_config);
  compiler::CompileOptions options;
  compile_flags.ApplyTo(&options);
  options.time_stages = stats;
  options.fuel = fuel >= 0;  // only instrumented code ever runs out of fuel
  options.debug_branch_range_shrink = *shrink;
  Expected<LoadedModule> loaded = LoadModuleFile(engine, path, options);
  if (!loaded.ok()) return ReportError(loaded.error());
  if (runtime::profiling::HasMode(*profiling, runtime::profiling::ProfilingMode::kJitDump) &&
      loaded->module->artifact().source_locs.empty() && loaded->module->code_size() > 0)
    std::fprintf(stderr,
                 "egret run: note: %s has no source locations; the jitdump file names the "
                 "functions and holds their code, but maps no code to Wasm byte offsets\n",
                 path.c_str());

  wasi::WasiConfig config;
  config.args.push_back(path);
  config.args.insert(config.args.end(), program_args.begin(), program_args.end());
  config.env = envs;
  for (const std::string& spec : dirs) {
    Expected<wasi::Preopen> p = wasi::ParsePreopen(spec);
    if (!p.ok()) return ReportError(p.error());
    config.preopens.push_back(*p);
  }
  Expected<std::unique_ptr<wasi::WasiHost>> host = wasi::WasiHost::Create(std::move(config));
  if (!host.ok()) return ReportError(host.error());

  runtime::Store store(engine);
  if (fuel >= 0) store.SetFuel(static_cast<uint64_t>(fuel));
  runtime::Linker linker;
  if (Status st = (*host)->Define(linker, store); !st.ok()) return ReportError(st.error());
  // wasi-threads: the shared memory lives in this store; `threads` (declared after `store`)
  // joins every spawned thread before the store goes away.
  std::optional<WasiThreads> threads;
  if (WasiThreads::Wanted(*loaded->module)) {
    threads.emplace(engine, loaded->module, **host);
    if (Status st = threads->Define(linker, store); !st.ok()) return ReportError(st.error(), path);
  }
  const auto inst_start = std::chrono::steady_clock::now();
  Expected<runtime::Instance*> instance = linker.Instantiate(store, loaded->module);
  if (!instance.ok()) return ReportError(instance.error(), path);
  (*host)->Bind(**instance);
  const double inst_ms = MsSince(inst_start);

  const auto run_start = std::chrono::steady_clock::now();
  int exit_code = cli::kExitOk;
  if (!invoke.empty()) {
    runtime::Func f = (*instance)->GetFunc(invoke);
    if (!f.valid()) {
      std::fprintf(stderr, "egret run: error: %s exports no function named '%s'\n", path.c_str(),
                   invoke.c_str());
      return cli::kExitFailure;
    }
    const artifact::FuncType type = store.TypeOf(f);
    if (program_args.size() != type.params.size()) {
      std::fprintf(stderr, "egret run: error: '%s' takes %zu arguments %s, got %zu\n",
                   invoke.c_str(), type.params.size(), artifact::FuncTypeToString(type).c_str(),
                   program_args.size());
      return cli::kExitFailure;
    }
    std::vector<runtime::Val> vals;
    for (size_t i = 0; i < type.params.size(); ++i) {
      Expected<runtime::Val> v = ParseVal(type.params[i], program_args[i]);
      if (!v.ok()) return ReportError(v.error());
      vals.push_back(*v);
    }
    Expected<runtime::CallResult> r = store.Call(f, vals);
    if (!r.ok()) return ReportError(r.error());
    if (r->trap) {
      exit_code = ReportTrap(*r->trap);
    } else {
      for (const runtime::Val& v : r->results) std::printf("%s\n", FormatVal(v).c_str());
      std::fflush(stdout);
    }
  } else {
    Expected<wasi::CommandOutcome> outcome = (*host)->RunStart(store, **instance);
    if (!outcome.ok()) return ReportError(outcome.error(), path);
    exit_code = outcome->trap ? ReportTrap(*outcome->trap) : static_cast<int>(outcome->exit_code);
  }
  if (threads && threads->JoinAll() > 0 && exit_code == cli::kExitOk) exit_code = cli::kExitFailure;
  if (stats) {
    const double run_ms = MsSince(run_start);
    if (loaded->stats) std::fprintf(stderr, "%s", loaded->stats->ToString().c_str());
    std::fprintf(stderr, "load %.3f ms (compile + map), instantiate %.3f ms, run %.3f ms\n",
                 loaded->load_ms, inst_ms, run_ms);
    if (store.fuel())
      std::fprintf(stderr, "fuel: %" PRId64 " of %" PRId64 " left\n", int64_t(*store.fuel()), fuel);
  }
  return exit_code;
}

}  // namespace egret::tools
