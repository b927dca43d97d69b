// main.cc: the `egret` driver. Reads as the list of subcommands; each one parses its own flags.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tools/cli.h"
#include "tools/commands.h"

namespace egret::tools {
namespace {

struct Subcommand {
  const char* name;
  const char* summary;
  int (*run)(std::span<const std::string>);
};

constexpr Subcommand kSubcommands[] = {
    {"compile", "compile a .wasm or .wat module to machine code or print an intermediate form",
     CompileCommand},
    {"run", "run a .wasm or .wat module or a compiled .egret artifact", RunCommand},
    {"wast", "run a spec test script (.wast, or wast2json's .json)", WastCommand},
    {"validate", "decode and validate a .wasm or .wat module", ValidateCommand},
    {"ir", "work with egret IR text (.eir): print, verify, interp, run, dot, opt", IrCommand},
};

void PrintUsage(FILE* out) {
  std::fprintf(out,
               "usage: egret <command> [options] [args]\n\n"
               "egret is a WebAssembly compiler pipeline: Wasm -> SSA IR -> machine code.\n\n"
               "commands:\n");
  for (const auto& c : kSubcommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out,
               "\nglobal options:\n"
               "  --help     show this help ('egret <command> --help' for a command)\n"
               "  --version  print the version\n");
}

}  // namespace

int NotYetAvailable(const char* command, const char* what, std::span<const std::string> args) {
  for (const auto& a : args) {
    if (a == "--") break;
    if (a == "--help" || a == "-h") {
      std::printf("usage: %s ...\n\n%s: not available in this build yet (%s).\n", command, command,
                  what);
      return cli::kExitOk;
    }
  }
  std::fprintf(stderr, "%s: error: not available in this build yet (%s)\n", command, what);
  return cli::kExitUsage;
}

}  // namespace egret::tools

int main(int argc, char** argv) {
  using namespace egret::tools;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(stderr);
    return egret::cli::kExitUsage;
  }
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "help") {
    PrintUsage(stdout);
    return egret::cli::kExitOk;
  }
  if (first == "--version" || first == "version") {
    std::printf("egret %s\n", EGRET_VERSION);
    return egret::cli::kExitOk;
  }
  for (const auto& c : kSubcommands) {
    if (first == c.name) return c.run(std::span<const std::string>(args).subspan(1));
  }
  if (!first.empty() && first[0] == '-') {
    std::fprintf(stderr, "egret: error: unknown flag '%s'\n(see 'egret --help')\n", first.c_str());
  } else {
    std::fprintf(stderr, "egret: error: unknown command '%s'\n(see 'egret --help')\n",
                 first.c_str());
  }
  return egret::cli::kExitUsage;
}
