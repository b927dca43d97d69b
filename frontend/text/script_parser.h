// script_parser.h: the WebAssembly script language (.wast) of the spec testsuite.
//
// ParseScript() turns a .wast text into a list of ScriptCommands; running them is the tools'
// business (tools/wast_script.h feeds them to `egret wast`). Every module in the script is
// already encoded: text modules by the module parser, `(module binary "..")` from its strings,
// `(module quote "..")` by parsing the quoted text as a module of its own. A module that fails
// to parse does not stop the script: its ScriptModule carries the error (line:column in the
// .wast, or inside the quoted text for `quote`), which is what `assert_malformed` expects and
// a failure for every other command.
//
// Errors in the script structure itself (a bad command, an unbalanced parenthesis, a bad
// constant in an argument) end the parse with an error at line:column.
#ifndef EGRET_FRONTEND_TEXT_SCRIPT_PARSER_H_
#define EGRET_FRONTEND_TEXT_SCRIPT_PARSER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/error.h"

namespace egret::text {

// A constant in an argument or an expected result.
struct ScriptValue {
  enum class Type : uint8_t { kI32, kI64, kF32, kF64, kV128, kFuncRef, kExternRef, kEither };
  enum class Nan : uint8_t { kNone, kCanonical, kArithmetic };
  Type type = Type::kI32;
  uint64_t bits = 0;      // integers and floats: the bit pattern; refs: the host value N
  Nan nan = Nan::kNone;   // expected floats only
  bool is_null = false;   // refs: `ref.null`
  bool has_value = true;  // refs: false for `(ref.func)` / `(ref.extern)` (any non-null)
  // v128: the lane shape ("i8", "i16", "i32", "i64", "f32", "f64") and one entry per lane,
  // with `lane_nan` set for expected NaN classes.
  std::string lane_type;
  std::vector<uint64_t> lanes;
  std::vector<Nan> lane_nan;
  std::vector<ScriptValue> alternatives;  // kEither
};

struct ScriptModule {
  enum class Form : uint8_t { kText, kBinary, kQuote };
  Form form = Form::kText;
  std::string id;  // `$name`, or empty
  uint32_t line = 0;
  std::optional<Error> error;  // set when the module is malformed text
  std::vector<uint8_t> wasm;   // the binary, when !error
};

struct ScriptAction {
  enum class Kind : uint8_t { kInvoke, kGet };
  Kind kind = Kind::kInvoke;
  std::string module;  // `$name`, or empty for the current module
  std::string field;
  std::vector<ScriptValue> args;
};

struct ScriptCommand {
  enum class Kind : uint8_t {
    kModule,
    kRegister,
    kAction,
    kAssertReturn,
    kAssertTrap,  // on an action
    kAssertExhaustion,
    kAssertMalformed,
    kAssertInvalid,
    kAssertUnlinkable,
    kAssertUninstantiable,  // also `(assert_trap (module ..) "msg")`
  };
  Kind kind = Kind::kModule;
  uint32_t line = 0;                  // of the command's '('
  ScriptModule module;                // kModule and the assertions on modules
  ScriptAction action;                // actions and the assertions on actions
  std::vector<ScriptValue> expected;  // kAssertReturn
  std::string text;                   // the expected message, or `register`'s "as" name
  std::string register_module;        // kRegister: `$name`, or empty for the current module
};

struct Script {
  std::vector<ScriptCommand> commands;
};

// `options` apply to every module of the script (TextOptions, module_parser.h).
struct TextOptions;
Expected<Script> ParseScript(std::string_view source);
Expected<Script> ParseScript(std::string_view source, const TextOptions& options);

const char* ScriptCommandName(ScriptCommand::Kind kind);  // "assert_return", ...

}  // namespace egret::text

#endif  // EGRET_FRONTEND_TEXT_SCRIPT_PARSER_H_
