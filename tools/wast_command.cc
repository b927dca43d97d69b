// wast_command.cc: `egret wast`, the spec testsuite driver.
//
// Reads a .wast script directly, or the JSON script wast2json writes (one command per entry,
// modules as .wasm files beside it); tools/wast_script.h gives both one form. Checks each
// command against the frontend:
//   module                every module decodes, validates, translates to IR and passes the IR
//                         verifier;
//   assert_malformed      binary modules must fail to decode (ErrorKind::kMalformed), text
//                         modules of a .wast script to parse; wast2json's .wat ones are skipped;
//   assert_invalid        must decode and then fail validation (ErrorKind::kInvalid);
//   everything else       (execution, linking) is skipped until the runtime lands.
// --mode=run (the default) hands the whole script to tools/wast_exec.h, which also compiles,
// instantiates and executes every command.
// --engine=interp additionally executes invoke commands on the translated IR with the IR
// interpreter (wast_interp.h), as an oracle for the translation.
// Prints `file.wast:LINE: FAIL reason` per failure and `N passed, N failed, N skipped` last.
// --expected-failures=FILE lists `file.wast:LINE` entries whose failure counts as expected.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "frontend/translator.h"
#include "frontend/validator.h"
#include "ir/verifier.h"
#include "runtime/profiling/profiling_mode.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/compile_flags.h"
#include "tools/value_text.h"
#include "tools/wast_exec.h"
#include "tools/wast_interp.h"
#include "tools/wast_script.h"

namespace egret::tools {
namespace {

struct Counts {
  int passed = 0, failed = 0, skipped = 0;
};

// Reads `file.wast:LINE` entries (anything after whitespace is a comment; '#' lines ignored).
std::set<std::string> ReadExpectedFailures(const std::string& path, bool* ok) {
  std::set<std::string> out;
  *ok = true;
  if (path.empty()) return out;
  std::ifstream in(path);
  if (!in) {
    *ok = false;
    return out;
  }
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string key;
    if (!(s >> key) || key[0] == '#') continue;
    out.insert(key);
  }
  return out;
}

class WastRunner {
 public:
  WastRunner(std::filesystem::path json_path, std::string mode, bool interp,
             const std::set<std::string>& expected, wasm::WasmFeatures features)
      : json_path_(std::move(json_path)),
        mode_(std::move(mode)),
        interp_(interp),
        features_(features),
        expected_(expected) {}

  int Run();

 private:
  // Outcome of one command: nullopt = passed, else the failure reason.
  std::optional<std::string> CheckModule(const std::string& file);
  // --engine=interp: runs an invoke command; returns false when it is skipped.
  bool RunAction(const nlohmann::json& cmd, int line);
  std::optional<std::string> CheckFailure(const std::string& file, wasm::ErrorKind want,
                                          const std::string& text);
  void Report(int line, const std::optional<std::string>& failure);

  std::filesystem::path json_path_;
  std::string mode_;
  bool interp_ = false;
  wasm::WasmFeatures features_;
  std::unique_ptr<InterpInstance> instance_;  // the current module, under --engine=interp
  const std::set<std::string>& expected_;
  WastScript script_;
  std::string source_;  // the .wast file name, for messages
  Counts counts_;
};

std::optional<std::string> WastRunner::CheckModule(const std::string& file) {
  bool text_error = false;
  Expected<std::vector<uint8_t>> bytes = ReadScriptModule(script_, file, &text_error);
  if (!bytes.ok()) return "module rejected: " + bytes.error().ToString();
  wasm::WasmError error;
  std::optional<wasm::ModuleEnv> env =
      wasm::LoadModule(std::move(*bytes), file, &error, 1, features_);
  if (!env)
    return "module rejected (" + std::string(wasm::ErrorKindName(error.kind)) +
           "): " + error.error.ToString();
  // Translate every function and verify its IR.
  Expected<wasm::VMContextLayout> layout = wasm::VMContextLayout::Compute(*env);
  if (!layout.ok()) return "translation failed: " + layout.error().ToString();
  const std::vector<std::string> symbols = wasm::FunctionSymbols(*env);
  wasm::FunctionTranslator translator(*env, *layout, symbols);
  for (uint32_t i = env->num_imported_functions; i < env->functions.size(); ++i) {
    Expected<ir::Function> f = translator.Translate(i);
    if (!f.ok()) return "translation failed: " + f.error().ToString();
    if (Status st = ir::Verify(*f); !st.ok())
      return "IR verifier failed on func " + std::to_string(i) + ": " + st.error().ToString();
  }
  if (interp_) {
    std::string why;
    instance_ = InterpInstance::Create(std::move(*env), &why);
  }
  return std::nullopt;
}

namespace {

// A wast2json v128 (`"lane_type": "i32", "value": ["1", ...]`) as its shape and lane texts.
bool V128Lanes(const nlohmann::json& v, V128Shape* shape, std::vector<std::string>* lanes) {
  const std::string lane_type = v.value("lane_type", "");
  std::optional<V128Shape> s = ParseV128Shape(lane_type);
  if (!s || !v.contains("value") || !v["value"].is_array() ||
      v["value"].size() != size_t(V128LaneCount(*s)))
    return false;
  *shape = *s;
  lanes->clear();
  for (const nlohmann::json& lane : v["value"]) {
    if (!lane.is_string()) return false;
    lanes->push_back(lane.get<std::string>());
  }
  return true;
}

// A wast2json value as interpreter input; false for types the interpreter run does not handle.
bool ParseValue(const nlohmann::json& v, ir::DataValue* out) {
  const std::string type = v.value("type", "");
  if (type == "v128") {  // lanes as unsigned decimal bits; v128 is IR i8x16
    V128Shape shape;
    std::vector<std::string> lanes;
    if (!V128Lanes(v, &shape, &lanes)) return false;
    uint8_t bytes[16] = {};
    for (size_t i = 0; i < lanes.size(); ++i) {
      if (lanes[i].empty() || lanes[i].find_first_not_of("0123456789") != std::string::npos)
        return false;  // a NaN pattern: expected values only
      SetV128Lane(bytes, shape, int(i), std::stoull(lanes[i]));
    }
    ir::V128 bits;
    std::memcpy(&bits.lo, bytes, 8);
    std::memcpy(&bits.hi, bytes + 8, 8);
    *out = ir::DataValue::Vector(ir::Type::kI8x16, bits);
    return true;
  }
  const std::string text = v.value("value", "");
  if (text.rfind("nan:", 0) == 0) return false;
  if (type == "i32")
    *out = {ir::Type::kI32, std::stoull(text) & 0xffffffffu};
  else if (type == "i64")
    *out = {ir::Type::kI64, std::stoull(text)};
  else if (type == "f32")
    *out = {ir::Type::kF32, std::stoull(text) & 0xffffffffu};
  else if (type == "f64")
    *out = {ir::Type::kF64, std::stoull(text)};
  else
    return false;
  return true;
}

// Whether float bits `b` (32 or 64 bits) are in the NaN class `text`.
bool NanMatches(const std::string& text, uint64_t b, bool f64) {
  if (!f64) {
    const uint32_t x = static_cast<uint32_t>(b);
    const bool nan = (x & 0x7f800000u) == 0x7f800000u && (x & 0x7fffffu);
    return text == "nan:canonical" ? (x & 0x7fffffffu) == 0x7fc00000u : nan && (x & 0x400000u);
  }
  const bool nan = (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0xfffffffffffffull);
  return text == "nan:canonical" ? (b & 0x7fffffffffffffffull) == 0x7ff8000000000000ull
                                 : nan && (b & 0x8000000000000ull);
}

// The 16 bytes of a vector result.
void VectorBytes(const ir::DataValue& v, uint8_t* bytes) {
  std::memcpy(bytes, &v.bits, 8);
  std::memcpy(bytes + 8, &v.hi, 8);
}

// Whether `got` is what `want` (a wast2json expected value) allows, including NaN classes
// (lane by lane for v128).
bool Matches(const nlohmann::json& want, const ir::DataValue& got) {
  const std::string type = want.value("type", "");
  if (type == "v128") {
    V128Shape shape;
    std::vector<std::string> lanes;
    if (!ir::IsVector(got.type) || !V128Lanes(want, &shape, &lanes)) return false;
    uint8_t bytes[16];
    VectorBytes(got, bytes);
    for (size_t i = 0; i < lanes.size(); ++i) {
      const uint64_t bits = GetV128Lane(bytes, shape, int(i));
      if (lanes[i].rfind("nan:", 0) == 0) {
        if (!V128IsFloat(shape) || !NanMatches(lanes[i], bits, shape == V128Shape::kF64x2))
          return false;
      } else if (lanes[i].empty() ||
                 lanes[i].find_first_not_of("0123456789") != std::string::npos ||
                 std::stoull(lanes[i]) != bits) {
        return false;
      }
    }
    return true;
  }
  const std::string text = want.value("value", "");
  if (text == "nan:canonical" || text == "nan:arithmetic")
    return NanMatches(text, got.bits, type == "f64");
  ir::DataValue w;
  if (!ParseValue(want, &w)) return false;
  return w.bits == got.bits;
}

}  // namespace

bool WastRunner::RunAction(const nlohmann::json& cmd, int line) {
  const std::string type = cmd.value("type", "");
  if (!instance_ || !cmd.contains("action")) return false;
  const nlohmann::json& action = cmd["action"];
  if (action.value("type", "") != "invoke" || action.contains("module")) return false;
  std::vector<ir::DataValue> args;
  for (const nlohmann::json& a : action.value("args", nlohmann::json::array())) {
    ir::DataValue v;
    if (!ParseValue(a, &v)) return false;
    args.push_back(v);
  }
  const nlohmann::json expected = cmd.value("expected", nlohmann::json::array());
  for (const nlohmann::json& e : expected) {
    const std::string t = e.value("type", "");
    if (t != "i32" && t != "i64" && t != "f32" && t != "f64" && t != "v128") return false;
  }
  const std::string field = action.value("field", "");
  ir::InterpResult r = instance_->Invoke(field, args);
  if (r.kind == ir::InterpResult::Kind::kError &&
      r.error.find("egret_builtin_") != std::string::npos) {
    // Builtins other than memory.grow are not available to the interpreter; later commands
    // would see the wrong state, so the rest of this module is skipped.
    instance_.reset();
    return false;
  }
  if (r.kind == ir::InterpResult::Kind::kTrapped && r.trap == TrapCode::kOutOfFuel) {
    instance_.reset();  // memory.grow past the sandbox's capacity (see wast_interp.cc)
    return false;
  }
  if (r.kind == ir::InterpResult::Kind::kError) {
    Report(line, "interpreter error in " + field + ": " + r.error);
    return true;
  }
  if (type == "assert_trap" || type == "assert_exhaustion") {
    const std::string want = cmd.value("text", "");
    if (r.kind != ir::InterpResult::Kind::kTrapped) {
      Report(line, field + " returned, expected trap \"" + want + "\"");
      return true;
    }
    const std::string got(TrapCodeMessage(r.trap));
    if (want.rfind(got, 0) != 0 && got.rfind(want, 0) != 0) {
      Report(line, field + " trapped \"" + got + "\", expected \"" + want + "\"");
      return true;
    }
    Report(line, std::nullopt);
    return true;
  }
  if (r.kind == ir::InterpResult::Kind::kTrapped) {
    Report(line, field + " trapped: " + std::string(TrapCodeMessage(r.trap)));
    return true;
  }
  if (type == "action") {
    Report(line, std::nullopt);
    return true;
  }
  if (r.values.size() != expected.size()) {
    Report(line, field + ": wrong number of results");
    return true;
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (expected[i].value("type", "") == "v128" && !Matches(expected[i], r.values[i])) {
      // Lane by lane, in the expected value's shape.
      V128Shape shape = V128Shape::kI32x4;
      std::vector<std::string> lanes;
      V128Lanes(expected[i], &shape, &lanes);
      uint8_t bytes[16];
      VectorBytes(r.values[i], bytes);
      Report(line, field + ": result " + std::to_string(i) +
                       " is v128:" + FormatV128(bytes, shape) +
                       ", expected v128:" + FormatV128Pattern(shape, lanes));
      return true;
    }
    if (!Matches(expected[i], r.values[i])) {
      Report(
          line, field + ": result " + std::to_string(i) + " is " +
                    ir::FormatDataValue(r.values[i]) + " (bits 0x" +
                    [&] {
                      char buf[32];
                      std::snprintf(buf, sizeof buf, "%llx",
                                    static_cast<unsigned long long>(r.values[i].bits));
                      return std::string(buf);
                    }() +
                    "), expected " + expected[i].value("value", ""));
      return true;
    }
  }
  Report(line, std::nullopt);
  return true;
}

std::optional<std::string> WastRunner::CheckFailure(const std::string& file, wasm::ErrorKind want,
                                                    const std::string& text) {
  bool text_error = false;  // a text module that does not parse is malformed
  Expected<std::vector<uint8_t>> bytes = ReadScriptModule(script_, file, &text_error);
  if (!bytes.ok() && text_error && want == wasm::ErrorKind::kMalformed) {
    // As the reference interpreter: the parse error must start with the expected text.
    if (bytes.error().message.rfind(text, 0) == 0) return std::nullopt;
    return "wrong parse error (\"" + bytes.error().message + "\", expected \"" + text +
           "\"): " + bytes.error().ToString();
  }
  if (!bytes.ok()) return "module rejected: " + bytes.error().ToString();
  wasm::WasmError error;
  std::optional<wasm::ModuleEnv> env =
      wasm::LoadModule(std::move(*bytes), file, &error, 1, features_);
  if (env)
    return "module accepted, expected " + std::string(wasm::ErrorKindName(want)) + " (\"" + text +
           "\")";
  if (error.kind != want)
    return "module " + std::string(wasm::ErrorKindName(error.kind)) + ", expected " +
           std::string(wasm::ErrorKindName(want)) + " (\"" + text +
           "\"): " + error.error.ToString();
  return std::nullopt;
}

void WastRunner::Report(int line, const std::optional<std::string>& failure) {
  const std::string key = source_ + ":" + std::to_string(line);
  const bool expected = expected_.count(key) > 0;
  if (!failure) {
    ++counts_.passed;
    if (expected)
      std::printf("%s: note: expected failure now passes (shrink the list)\n", key.c_str());
    return;
  }
  if (expected) {
    ++counts_.passed;
    std::printf("%s: expected failure: %s\n", key.c_str(), failure->c_str());
    return;
  }
  ++counts_.failed;
  std::printf("%s: FAIL %s\n", key.c_str(), failure->c_str());
}

int WastRunner::Run() {
  Expected<WastScript> loaded = LoadWastScript(json_path_);  // .json or .wast
  if (!loaded.ok()) {
    std::fprintf(stderr, "egret wast: %s\n", loaded.error().ToString().c_str());
    return cli::kExitFailure;
  }
  script_ = std::move(*loaded);
  source_ = script_.source;

  for (const nlohmann::json& cmd : script_.commands) {
    const std::string type = cmd.value("type", "");
    const int line = cmd.value("line", 0);
    const std::string file = cmd.value("filename", "");
    const std::string module_type = cmd.value("module_type", "binary");
    const std::string text = cmd.value("text", "");
    if (type == "module") {
      instance_.reset();
      Report(line, CheckModule(file));
    } else if (type == "assert_malformed" || type == "assert_invalid") {
      if (module_type != "binary") {
        ++counts_.skipped;  // text-format modules: egret reads binaries only
        continue;
      }
      const wasm::ErrorKind want =
          type == "assert_malformed" ? wasm::ErrorKind::kMalformed : wasm::ErrorKind::kInvalid;
      Report(line, CheckFailure(file, want, text));
    } else if (interp_ && (type == "assert_return" || type == "assert_trap" ||
                           type == "assert_exhaustion" || type == "action")) {
      if (!RunAction(cmd, line)) {
        ++counts_.skipped;
        instance_.reset();  // a skipped invoke may have changed state: stop trusting it
      }
    } else {
      ++counts_.skipped;  // execution, linking and instantiation need the runtime
    }
  }
  std::printf("%d passed, %d failed, %d skipped\n", counts_.passed, counts_.failed,
              counts_.skipped);
  return counts_.failed ? cli::kExitFailure : cli::kExitOk;
}

}  // namespace

int WastCommand(std::span<const std::string> args) {
  cli::ArgParser parser("egret wast", "[options] SCRIPT.wast|SCRIPT.json",
                        "Run a spec test script (.wast, or wast2json's .json) against egret.");
  std::string mode = "run", expected_path;
  WastExecOptions exec;
  CompileFlags compile_flags;
  std::vector<std::string> files;
  parser.Choice(
      "mode", &mode, {"validate", "compile", "run"},
      "validate: decode/validate/translate modules and check assert_malformed and "
      "assert_invalid; run (default): also compile, instantiate and execute every command "
      "(tools/wast_exec.h)");
  std::string engine = "none";
  parser.Choice("engine", &engine, {"none", "interp"},
                "interp: also execute assert_return/assert_trap on the translated IR with the IR "
                "interpreter (a translation oracle; modules with imports are skipped)");
  // Run and compile modes.
  AddCompileFlags(parser, &compile_flags, /*with_target=*/true);
  parser.Option("expected-failures", &expected_path, "FILE",
                "file.wast:LINE entries whose failures are expected");
  std::string profile = "none";
  parser.Option("profile", &profile, "MODE",
                std::string("run/compile modes: ") + runtime::profiling::kProfilingModeHelp);
  int64_t branch_range_shrink = 1;
  parser.Option(
      "debug-branch-range-shrink", &branch_range_shrink, "N",
      "run/compile modes, test mode: divide every shrinkable branch range by N so that small "
      "code gets islands and veneers (docs/machbuffer.md); 1 (default): real "
      "ranges");
  parser.Positionals(&files, 1, 1);
  switch (parser.Parse(args)) {
    case cli::ParseOutcome::kHelp:
      return cli::kExitOk;
    case cli::ParseOutcome::kError:
      return cli::kExitUsage;
    case cli::ParseOutcome::kOk:
      break;
  }
  Expected<runtime::profiling::ProfilingMode> profiling =
      runtime::profiling::ParseProfilingMode(profile);
  if (!profiling.ok()) {
    std::fprintf(stderr, "egret wast: error: --profile: %s\n", profiling.error().message.c_str());
    return cli::kExitUsage;
  }
  if (*profiling != runtime::profiling::ProfilingMode::kNone && engine != "none") {
    std::fprintf(stderr, "egret wast: error: --profile needs compiled code (--engine=none)\n");
    return cli::kExitUsage;
  }
  if (*profiling != runtime::profiling::ProfilingMode::kNone && mode == "validate") {
    std::fprintf(stderr, "egret wast: error: --profile needs --mode=run or --mode=compile\n");
    return cli::kExitUsage;
  }
  if (!CheckJobs("egret wast", compile_flags.jobs)) return cli::kExitUsage;
  Expected<uint32_t> shrink = compiler::ParseBranchRangeShrink(branch_range_shrink);
  if (!shrink.ok()) {
    std::fprintf(stderr, "egret wast: error: %s\n", shrink.error().message.c_str());
    return cli::kExitUsage;
  }
  bool ok = true;
  const std::set<std::string> expected = ReadExpectedFailures(expected_path, &ok);
  if (!ok) {
    std::fprintf(stderr, "egret wast: error: cannot read '%s'\n", expected_path.c_str());
    return cli::kExitUsage;
  }
  // Run mode executes every command on compiled code (tools/wast_exec.h).
  compile_flags.ApplyTo(&exec.compile);
  exec.profiling = *profiling;
  exec.debug_branch_range_shrink = *shrink;
  if (mode == "run" && engine == "none") return RunWastScript(files[0], exec, expected);
  // Compile mode: the same runner, compiling every module without instantiating it.
  exec.execute = false;
  if (mode == "compile" && engine == "none") return RunWastScript(files[0], exec, expected);
  return WastRunner(files[0], mode, engine == "interp", expected, compile_flags.wasm_features)
      .Run();
}

}  // namespace egret::tools
