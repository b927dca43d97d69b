// wast_script.h: one in-memory form for `egret wast`'s two inputs, .wast text and wast2json JSON.
//
// The executors (wast_exec.h for run/compile, the validate-mode runner in wast_command.cc) walk
// a command list in wast2json's JSON schema and fetch each command's module by file name. A
// .wast script is parsed by the text format's script parser (frontend/text/script_parser.h) and
// converted to exactly that schema, with its modules already encoded and held in memory under
// made-up file names (`name.N.wasm`), so both inputs share every line of the executors.
//
// A text module that does not parse is kept as its error: fetching it reports the error as
// malformed, which is what `assert_malformed` expects (and a failure anywhere else). Modules
// converted from text are marked `"module_type": "binary"`, since they are binaries now.
#ifndef EGRET_TOOLS_WAST_SCRIPT_H_
#define EGRET_TOOLS_WAST_SCRIPT_H_

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/error.h"

namespace egret::tools {

struct WastScript {
  std::string source;         // the .wast file name, for `file.wast:LINE` messages
  nlohmann::json commands;    // wast2json's "commands" array
  std::filesystem::path dir;  // JSON input: where its module files are
  struct Module {
    std::vector<uint8_t> wasm;
    std::optional<Error> text_error;  // the text module did not parse
  };
  std::map<std::string, Module> modules;  // .wast input: every module, by file name
};

// Reads `path`: a wast2json .json script (by extension), or a .wast script otherwise.
Expected<WastScript> LoadWastScript(const std::filesystem::path& path);

// The bytes of the module `file` names. When it is a text module that failed to parse, sets
// *text_error and returns that error.
Expected<std::vector<uint8_t>> ReadScriptModule(const WastScript& script, const std::string& file,
                                                bool* text_error);

}  // namespace egret::tools

#endif  // EGRET_TOOLS_WAST_SCRIPT_H_
