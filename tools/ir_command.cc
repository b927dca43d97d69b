// ir_command.cc: `egret ir print|verify|interp|dot|opt FILE.eir` (and `run`, in ir_run_command.cc).
//
// Every subcommand reads one .eir file (`-` for stdin) that may hold several functions. Parse
// and verifier errors print as `file:line:col: error: ...` and exit 1; bad command lines exit 2.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "ir/graphviz.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/run_test.h"
#include "ir/verifier.h"
#include "opt/pass_manager.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace egret::tools {
namespace {

struct Input {
  std::string name;  // for messages: the path, or <stdin>
  std::string text;
  ir::Module module;
  ir::SourceMap map;
};

void PrintError(const Error& e) { std::fprintf(stderr, "%s\n", e.ToString().c_str()); }

// Reads and parses `path`; prints the error and returns false on failure.
bool Load(const std::string& path, Input& in) {
  if (path == "-") {
    in.name = "<stdin>";
    in.text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    in.name = path;
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "%s: error: cannot open file\n", path.c_str());
      return false;
    }
    std::ostringstream ss;
    ss << file.rdbuf();
    in.text = ss.str();
  }
  auto parsed = ir::ParseModule(in.text, in.name, &in.map);
  if (!parsed.ok()) {
    PrintError(parsed.error());
    return false;
  }
  in.module = std::move(parsed).value();
  return true;
}

// Verifies every function, printing each error at its instruction's line; true if all valid.
bool VerifyAll(const Input& in) {
  bool ok = true;
  for (size_t k = 0; k < in.module.functions.size(); ++k) {
    const ir::Function& f = in.module.functions[k];
    for (const ir::VerifierError& e : ir::VerifyFunction(f)) {
      uint32_t offset = in.map.function_offsets[k];
      const auto& insts = in.map.inst_offsets[k];
      if (e.inst.valid() && e.inst.index < insts.size()) offset = insts[e.inst.index];
      auto [line, col] = ir::SourceMap::LineColumn(in.text, offset);
      Error err = Error::AtLine(line, col, "function %" + f.name + ": " + e.message);
      err.InFile(in.name);
      PrintError(err);
      ok = false;
    }
  }
  return ok;
}

int Print(std::span<const std::string> args) {
  std::vector<std::string> files;
  bool no_srclocs = false;
  cli::ArgParser p("egret ir print", "FILE.eir",
                   "Parse IR text and print it back in canonical form.");
  p.Flag("no-srclocs", &no_srclocs, "omit @offset source locations");
  p.Positionals(&files, 1, 1);
  p.Epilog("FILE may be '-' for stdin. The input is not verified (see 'egret ir verify').");
  if (auto r = p.Parse(args); r != cli::ParseOutcome::kOk)
    return r == cli::ParseOutcome::kHelp ? cli::kExitOk : cli::kExitUsage;
  Input in;
  if (!Load(files[0], in)) return cli::kExitFailure;
  ir::PrintOptions options;
  options.srclocs = !no_srclocs;
  std::fputs(ir::PrintModule(in.module, options).c_str(), stdout);
  return cli::kExitOk;
}

int Verify(std::span<const std::string> args) {
  std::vector<std::string> files;
  cli::ArgParser p("egret ir verify", "FILE.eir",
                   "Check every function in an IR file: SSA dominance, types, block arguments, "
                   "terminators, entity ranges.");
  p.Positionals(&files, 1, 1);
  p.Epilog(
      "Prints nothing and exits 0 when every function is valid; otherwise prints each "
      "error as file:line:col: error: ... and exits 1.");
  if (auto r = p.Parse(args); r != cli::ParseOutcome::kOk)
    return r == cli::ParseOutcome::kHelp ? cli::kExitOk : cli::kExitUsage;
  Input in;
  if (!Load(files[0], in)) return cli::kExitFailure;
  return VerifyAll(in) ? cli::kExitOk : cli::kExitFailure;
}

int Interp(std::span<const std::string> args) {
  std::vector<std::string> files;
  int64_t heap = 65536, max_steps = 50'000'000;
  cli::ArgParser p("egret ir interp", "FILE.eir",
                   "Verify an IR file, then execute each of its '; run:' lines with the "
                   "interpreter and report the outcome.");
  p.Option("heap-size", &heap, "BYTES", "size of the sandbox heap at address 0 (default 65536)");
  p.Option("max-steps", &max_steps, "N", "instruction budget per run line (default 50000000)");
  p.Positionals(&files, 1, 1);
  p.Epilog(
      "Run lines:\n"
      "  ; run: %f(1, 2) == 3          results (several: == 1, 2)\n"
      "  ; run: %g(0) traps int_divz   an expected trap\n"
      "  ; run: %h(nan:0x1) == nan:canonical   (also nan:arithmetic)\n"
      "Exits 1 if any line fails or the file has no run lines.");
  if (auto r = p.Parse(args); r != cli::ParseOutcome::kOk)
    return r == cli::ParseOutcome::kHelp ? cli::kExitOk : cli::kExitUsage;
  if (heap < 0 || heap > (int64_t{1} << 30) || max_steps <= 0) {
    std::fprintf(stderr,
                 "egret ir interp: error: --heap-size must be in [0, 1 GiB] and "
                 "--max-steps positive\n");
    return cli::kExitUsage;
  }
  Input in;
  if (!Load(files[0], in)) return cli::kExitFailure;
  if (!VerifyAll(in)) return cli::kExitFailure;
  ir::InterpOptions options;
  options.heap_size = static_cast<uint64_t>(heap);
  options.max_steps = static_cast<uint64_t>(max_steps);
  auto outcomes = ir::RunTestLines(in.text, in.name, in.module, options);
  if (!outcomes.ok()) {
    PrintError(outcomes.error());
    return cli::kExitFailure;
  }
  int passed = 0, failed = 0;
  for (const ir::RunOutcome& o : *outcomes) {
    if (o.passed) {
      ++passed;
      std::printf("%s:%u: ok: %s\n", in.name.c_str(), o.line, o.command.c_str());
    } else {
      ++failed;
      std::printf("%s:%u: FAIL: %s, got %s\n", in.name.c_str(), o.line, o.command.c_str(),
                  o.actual.c_str());
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  if (passed + failed == 0) {
    std::fprintf(stderr, "%s: error: no '; run:' lines\n", in.name.c_str());
    return cli::kExitFailure;
  }
  return failed ? cli::kExitFailure : cli::kExitOk;
}

int Dot(std::span<const std::string> args) {
  std::vector<std::string> files;
  std::string function;
  bool domtree = false, loops = false;
  cli::ArgParser p("egret ir dot", "FILE.eir",
                   "Write the control-flow graph of each function as Graphviz dot "
                   "(render with 'dot -Tsvg').");
  p.Option("function", &function, "NAME", "only this function (without '%')");
  p.Flag("domtree", &domtree, "overlay the dominator tree (dashed blue edges)");
  p.Flag("loops", &loops, "group blocks into nested loop clusters");
  p.Positionals(&files, 1, 1);
  if (auto r = p.Parse(args); r != cli::ParseOutcome::kOk)
    return r == cli::ParseOutcome::kHelp ? cli::kExitOk : cli::kExitUsage;
  Input in;
  if (!Load(files[0], in)) return cli::kExitFailure;
  if (!VerifyAll(in)) return cli::kExitFailure;
  ir::DotOptions options;
  options.domtree = domtree;
  options.loops = loops;
  bool found = function.empty();
  for (const ir::Function& f : in.module.functions) {
    if (!function.empty() && f.name != function) continue;
    found = true;
    std::fputs(ir::WriteDot(f, options).c_str(), stdout);
  }
  if (!found) {
    std::fprintf(stderr, "%s: error: no function %%%s\n", in.name.c_str(), function.c_str());
    return cli::kExitFailure;
  }
  return cli::kExitOk;
}

// Splits "a,b,c" into names; empty items are kept so that "a,,b" is reported as an error.
std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

int Opt(std::span<const std::string> args) {
  std::vector<std::string> files;
  std::string passes, print_after;
  bool no_srclocs = false, stats = false;
  cli::ArgParser p("egret ir opt", "FILE.eir",
                   "Verify an IR file, run optimisation passes over each function, verify "
                   "after every pass, and print the result.");
  p.Option(
      "passes", &passes, "A,B,...",
      "the passes to run, in order (default: the speed pipeline); known: " + opt::KnownPassNames());
  p.Option("print-after", &print_after, "PASS|all",
           "also write the IR after PASS (or every pass) to stderr");
  p.Flag("stats", &stats, "write per-pass time and instructions removed to stderr");
  p.Flag("no-srclocs", &no_srclocs, "omit @offset source locations");
  p.Positionals(&files, 1, 1);
  p.Epilog(
      "FILE may be '-' for stdin. Pass filetests use it:\n"
      "  egret ir opt --passes=simplify,dce f.eir | FileCheck f.eir\n"
      "Exits 1 on parse or verifier errors (input or after a pass), 2 on a bad command line.");
  if (auto r = p.Parse(args); r != cli::ParseOutcome::kOk)
    return r == cli::ParseOutcome::kHelp ? cli::kExitOk : cli::kExitUsage;
  std::vector<std::string> names;
  if (passes.empty()) {
    Expected<std::vector<std::string_view>> speed = opt::PipelineFor("speed");
    for (std::string_view n : *speed) names.emplace_back(n);
  } else {
    names = SplitCommas(passes);
  }
  std::vector<std::string_view> views(names.begin(), names.end());
  ir::PrintOptions print_options;
  print_options.srclocs = !no_srclocs;
  opt::PassManagerOptions options;
  options.verify = true;
  options.print_after = print_after;
  options.on_print = [&print_options](std::string_view pass, const ir::Function& fn) {
    std::fprintf(stderr, "; after %.*s\n%s", static_cast<int>(pass.size()), pass.data(),
                 ir::PrintFunction(fn, print_options).c_str());
  };
  Expected<opt::PassManager> pm = opt::PassManager::FromNames(views, std::move(options));
  if (!pm.ok()) {
    std::fprintf(stderr, "egret ir opt: error: %s\n", pm.error().message.c_str());
    return cli::kExitUsage;
  }
  Input in;
  if (!Load(files[0], in)) return cli::kExitFailure;
  if (!VerifyAll(in)) return cli::kExitFailure;
  opt::PipelineStats pipeline_stats;
  for (ir::Function& f : in.module.functions) {
    if (Status st = pm->Run(f, stats ? &pipeline_stats : nullptr); !st.ok()) {
      std::fprintf(stderr, "%s: error: function %%%s: %s\n", in.name.c_str(), f.name.c_str(),
                   st.error().message.c_str());
      return cli::kExitFailure;
    }
  }
  std::fputs(ir::PrintModule(in.module, print_options).c_str(), stdout);
  if (stats) std::fputs(pipeline_stats.ToString().c_str(), stderr);
  return cli::kExitOk;
}

constexpr const char* kUsage =
    "usage: egret ir <print|verify|interp|run|dot|opt> [options] FILE.eir\n\n"
    "Work with egret IR text (.eir).\n\n"
    "commands:\n"
    "  print    parse and print back in canonical form\n"
    "  verify   check SSA dominance, types, block arguments and terminators\n"
    "  interp   run the file's '; run:' lines with the interpreter\n"
    "  run      run the file's '; run:' lines on code compiled for this host\n"
    "  dot      write the CFG as Graphviz dot\n"
    "  opt      run optimisation passes and print the result\n"
    "\n'egret ir <command> --help' describes a command.\n";

}  // namespace

int IrCommand(std::span<const std::string> args) {
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return cli::kExitUsage;
  }
  const std::string& sub = args[0];
  auto rest = args.subspan(1);
  if (sub == "print") return Print(rest);
  if (sub == "verify") return Verify(rest);
  if (sub == "interp") return Interp(rest);
  if (sub == "dot") return Dot(rest);
  if (sub == "opt") return Opt(rest);
  if (sub == "run") return IrRunCommand(rest);
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::fputs(kUsage, stdout);
    return cli::kExitOk;
  }
  std::fprintf(stderr, "egret ir: error: unknown command '%s'\n(see 'egret ir --help')\n",
               sub.c_str());
  return cli::kExitUsage;
}

}  // namespace egret::tools
