// validate_command.cc: `egret validate FILE.wasm`.
//
// Decodes and validates a module. Prints nothing and exits 0 when it is valid; otherwise prints
// the located error (`prog.wasm:0x2f: error: ...`) and exits 1. `--kind` adds the spec
// category (malformed, invalid or unsupported) to the message, which is what the testsuite
// distinguishes.
// `--jobs=N` validates function bodies on N threads (0: all cores); the error reported is the
// same whatever N is (that of the lowest-indexed invalid function).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "frontend/validator.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/compile_flags.h"
#include "tools/text_input.h"

namespace egret::tools {

int ValidateCommand(std::span<const std::string> args) {
  cli::ArgParser parser("egret validate", "FILE.wasm|FILE.wat",
                        "Decode and validate a WebAssembly module; print nothing if it is valid.");
  std::vector<std::string> files;
  bool show_kind = false;
  int64_t jobs = 1;
  parser.Flag("kind", &show_kind,
              "prefix the error with its category (malformed, invalid or unsupported)");
  parser.Option("jobs", &jobs, "N", "validate function bodies on N threads (0: all cores)");
  wasm::WasmFeatures features = wasm::WasmFeatures::Default();
  AddWasmFeaturesFlag(parser, &features);
  parser.Positionals(&files, 1, 1);
  switch (parser.Parse(args)) {
    case cli::ParseOutcome::kHelp:
      return cli::kExitOk;
    case cli::ParseOutcome::kError:
      return cli::kExitUsage;
    case cli::ParseOutcome::kOk:
      break;
  }
  const std::string& path = files[0];
  bool text_error = false;  // a .wat that does not parse is malformed
  Expected<wasm::ModuleBytes> input = ReadModuleInput(path, &text_error);
  if (!input.ok()) {
    if (!text_error) {
      std::fprintf(stderr, "egret validate: error: cannot read '%s'\n", path.c_str());
      return cli::kExitFailure;
    }
    std::string text = input.error().ToString();
    if (show_kind) text = "malformed: " + text;
    std::fprintf(stderr, "%s\n", text.c_str());
    return cli::kExitFailure;
  }
  wasm::ModuleBytes bytes = std::move(*input);
  wasm::WasmError error;
  if (!wasm::LoadModule(std::move(bytes), path, &error,
                        static_cast<uint32_t>(std::clamp<int64_t>(jobs, 0, 1024)), features)) {
    std::string text = error.error.ToString();
    if (show_kind) text = std::string(wasm::ErrorKindName(error.kind)) + ": " + text;
    std::fprintf(stderr, "%s\n", text.c_str());
    return cli::kExitFailure;
  }
  return cli::kExitOk;
}

}  // namespace egret::tools
