// wast_exec.cc: see wast_exec.h.
#include "tools/wast_exec.h"

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "frontend/validator.h"
#include "runtime/engine.h"
#include "runtime/instance.h"
#include "runtime/linker.h"
#include "runtime/spectest.h"
#include "runtime/store.h"
#include "tools/cli.h"
#include "tools/module_loader.h"
#include "tools/value_text.h"
#include "tools/wast_script.h"

namespace egret::tools {
namespace {

using artifact::ValType;
using nlohmann::json;
using runtime::Val;

// nullopt: the command passed; otherwise why it failed.
using Outcome = std::optional<std::string>;

std::optional<ValType> ParseType(const std::string& t) {
  if (t == "i32") return ValType::kI32;
  if (t == "i64") return ValType::kI64;
  if (t == "f32") return ValType::kF32;
  if (t == "f64") return ValType::kF64;
  if (t == "funcref") return ValType::kFuncRef;
  if (t == "externref") return ValType::kExternRef;
  if (t == "v128") return ValType::kV128;
  return std::nullopt;
}

std::optional<uint64_t> ParseU64(const std::string& s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = uint64_t(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// A v128's lane shape and lane texts (`"lane_type": "i32", "value": ["1", ...]`, one string
// per lane: the lane's bits as unsigned decimal, or a NaN class in expected values).
struct V128Json {
  V128Shape shape;
  std::vector<std::string> lanes;
};
Expected<V128Json> ParseV128Json(const json& v) {
  const std::string lane_type = v.value("lane_type", "");
  std::optional<V128Shape> shape = ParseV128Shape(lane_type);
  if (!shape || lane_type.find('x') != std::string::npos)
    return Error("bad v128 lane type '" + lane_type + "'");
  V128Json out{*shape, {}};
  if (!v.contains("value") || !v["value"].is_array() ||
      v["value"].size() != size_t(V128LaneCount(*shape)))
    return Error("v128 value needs " + std::to_string(V128LaneCount(*shape)) + " " + lane_type +
                 " lanes");
  for (const json& lane : v["value"]) {
    if (!lane.is_string()) return Error("bad v128 lane");
    out.lanes.push_back(lane.get<std::string>());
  }
  return out;
}

// The script's host references: `ref.extern N` is one ExternRef holding N, the same object
// every time the script names N (so results compare by identity).
using HostRefs = std::map<uint64_t, runtime::ExternRef>;

// A wast2json argument value. Errors say what is unsupported or malformed.
Expected<Val> ParseArg(const json& v, HostRefs* refs) {
  const std::string type = v.value("type", "");
  std::optional<ValType> t = ParseType(type);
  if (!t) return Error("unsupported argument type '" + type + "'");
  if (*t == ValType::kV128) {
    EGRET_ASSIGN_OR_RETURN(V128Json lanes, ParseV128Json(v));
    Val out = Val::Default(ValType::kV128);
    const int lane_bits = 128 / V128LaneCount(lanes.shape);
    for (size_t i = 0; i < lanes.lanes.size(); ++i) {
      std::optional<uint64_t> bits = ParseU64(lanes.lanes[i]);
      if (!bits || (lane_bits < 64 && *bits >> lane_bits != 0))
        return Error("bad v128 " + std::string(V128ShapeName(lanes.shape)) + " lane '" +
                     lanes.lanes[i] + "'");
      SetV128Lane(out.raw.v128, lanes.shape, int(i), *bits);
    }
    return out;
  }
  const std::string text = v.contains("value") && v["value"].is_string() ? v["value"] : "";
  if (*t == ValType::kFuncRef || *t == ValType::kExternRef) {
    if (text == "null") return Val::Default(*t);
    std::optional<uint64_t> n = ParseU64(text);
    if (*t == ValType::kFuncRef || !n) return Error("unsupported " + type + " argument " + text);
    runtime::ExternRef& r = (*refs)[*n];
    if (r.is_null()) r = runtime::ExternRef::New<uint64_t>(*n);
    return Val::ExternRef(r);
  }
  std::optional<uint64_t> bits = ParseU64(text);
  if (!bits) return Error("bad " + type + " value '" + text + "'");
  switch (*t) {
    case ValType::kI32:
      return Val::I32(static_cast<int32_t>(static_cast<uint32_t>(*bits)));
    case ValType::kI64:
      return Val::I64(static_cast<int64_t>(*bits));
    case ValType::kF32:
      return Val::F32Bits(static_cast<uint32_t>(*bits));
    default:
      return Val::F64Bits(*bits);
  }
}

bool IsCanonicalNan32(uint32_t b) { return (b & 0x7fffffffu) == 0x7fc00000u; }
bool IsArithmeticNan32(uint32_t b) { return (b & 0x7fc00000u) == 0x7fc00000u; }
bool IsCanonicalNan64(uint64_t b) { return (b & ~(uint64_t{1} << 63)) == 0x7ff8000000000000ull; }
bool IsArithmeticNan64(uint64_t b) { return (b & 0x7ff8000000000000ull) == 0x7ff8000000000000ull; }

// Whether lane `bits` of a float lane (32 or 64 bits) is in the NaN class `pattern`
// ("nan:canonical" or "nan:arithmetic"); false for any other pattern.
bool LaneNanMatches(const std::string& pattern, uint64_t bits, bool f64) {
  if (pattern == "nan:canonical")
    return f64 ? IsCanonicalNan64(bits) : IsCanonicalNan32(uint32_t(bits));
  if (pattern == "nan:arithmetic")
    return f64 ? IsArithmeticNan64(bits) : IsArithmeticNan32(uint32_t(bits));
  return false;
}

// A v128 result against a lane-wise expected value: each lane bit for bit, or in its NaN class.
bool MatchesV128(const json& want, const Val& got, std::string* unsupported) {
  Expected<V128Json> lanes = ParseV128Json(want);
  if (!lanes.ok()) {
    *unsupported = lanes.error().message;
    return false;
  }
  const V128Shape shape = lanes->shape;
  for (size_t i = 0; i < lanes->lanes.size(); ++i) {
    const std::string& text = lanes->lanes[i];
    const uint64_t bits = GetV128Lane(got.raw.v128, shape, int(i));
    if (text.rfind("nan:", 0) == 0) {
      if (!V128IsFloat(shape)) {
        *unsupported = "NaN pattern in an integer v128 lane";
        return false;
      }
      if (!LaneNanMatches(text, bits, shape == V128Shape::kF64x2)) return false;
      continue;
    }
    std::optional<uint64_t> w = ParseU64(text);
    if (!w) {
      *unsupported = "bad v128 lane '" + text + "'";
      return false;
    }
    if (*w != bits) return false;
  }
  return true;
}

// Whether `got` is allowed by the expected value `want`; *unsupported is set for expected
// values this runner cannot compare.
bool Matches(const json& want, const Val& got, HostRefs* refs, std::string* unsupported) {
  const std::string type = want.value("type", "");
  if (type == "either") {
    for (const json& alt : want.value("values", json::array()))
      if (Matches(alt, got, refs, unsupported)) return true;
    return false;
  }
  std::optional<ValType> t = ParseType(type);
  if (!t) {
    *unsupported = "unsupported result type '" + type + "'";
    return false;
  }
  if (got.type != *t) return false;
  if (*t == ValType::kV128) return MatchesV128(want, got, unsupported);
  const bool has_value = want.contains("value") && want["value"].is_string();
  const std::string text = has_value ? want["value"].get<std::string>() : "";
  switch (*t) {
    case ValType::kF32:
      if (text == "nan:canonical") return IsCanonicalNan32(got.f32_bits());
      if (text == "nan:arithmetic") return IsArithmeticNan32(got.f32_bits());
      break;
    case ValType::kF64:
      if (text == "nan:canonical") return IsCanonicalNan64(got.f64_bits());
      if (text == "nan:arithmetic") return IsArithmeticNan64(got.f64_bits());
      break;
    case ValType::kFuncRef:
    case ValType::kExternRef:
      // (ref.func) / (ref.extern): any non-null reference
      if (!has_value) return got.ref() != nullptr;
      break;
    default:
      break;
  }
  Expected<Val> w = ParseArg(want, refs);
  if (!w.ok()) {
    *unsupported = w.error().message;
    return false;
  }
  return *w == got;
}

// A result as text; a v128 in the lane shape of the expected value `want` when it has one.
std::string Describe(const Val& v, const json& want = json()) {
  if (v.type == ValType::kV128 && want.is_object()) {
    std::optional<V128Shape> shape = ParseV128Shape(want.value("lane_type", ""));
    if (shape) return "v128:" + FormatV128(v.raw.v128, *shape);
  }
  return FormatVal(v);
}

std::string DescribeExpected(const json& want) {
  if (want.value("type", "") == "either") {
    std::string s = "either(";
    for (const json& alt : want.value("values", json::array()))
      s += (s.size() > 7 ? " | " : "") + DescribeExpected(alt);
    return s + ")";
  }
  const std::string type = want.value("type", "");
  if (type == "v128") {
    Expected<V128Json> lanes = ParseV128Json(want);
    if (!lanes.ok()) return "v128:?";
    return "v128:" + FormatV128Pattern(lanes->shape, lanes->lanes);
  }
  const std::string text = want.contains("value") && want["value"].is_string()
                               ? want["value"].get<std::string>()
                               : "non-null";
  std::optional<uint64_t> bits = ParseU64(text);
  if (bits && type == "f32") return "f32:" + FormatF32Bits(uint32_t(*bits));
  if (bits && type == "f64") return "f64:" + FormatF64Bits(*bits);
  if (bits && type == "i32") return "i32:" + std::to_string(int32_t(uint32_t(*bits)));
  if (bits && type == "i64") return "i64:" + std::to_string(int64_t(*bits));
  return type + ":" + text;
}

// The trap message the script expects matches ours if one is a prefix of the other (scripts
// sometimes say more, e.g. "uninitialized element 2", or less).
bool TrapMessageMatches(const std::string& want, TrapCode got) {
  const std::string g(TrapCodeMessage(got));
  return want.rfind(g, 0) == 0 || g.rfind(want, 0) == 0;
}

runtime::EngineConfig EngineConfigFor(const WastExecOptions& options) {
  runtime::EngineConfig config;
  config.profiling = options.profiling;
  return config;
}

class WastExecutor {
 public:
  WastExecutor(std::filesystem::path json_path, const WastExecOptions& options,
               const std::set<std::string>& expected)
      : json_path_(std::move(json_path)),
        expected_(expected),
        engine_(EngineConfigFor(options)),
        store_(engine_) {
    compile_ = options.compile;
    compile_.debug_branch_range_shrink = options.debug_branch_range_shrink;
    // Run mode tests results, so it skips the allocation checker; compile mode exists to prove
    // every module's allocation (docs/testing.md), so it runs the checker on every function.
    compile_.regalloc_checker = !options.execute;
    execute_ = options.execute;
    linker_.set_allow_shadowing(true);  // `register` may rebind a name, as in the reference
  }

  int Run();

 private:
  struct ActionResult {
    std::vector<Val> values;
    std::optional<runtime::Trap> trap;
  };

  Expected<std::shared_ptr<const runtime::Module>> Compile(const std::string& file);
  Outcome DoModule(const json& cmd);
  Outcome DoRegister(const json& cmd);
  Expected<ActionResult> DoAction(const json& action);
  Outcome DoAssertReturn(const json& cmd);
  Outcome DoAssertTrap(const json& cmd, bool exhaustion);
  Outcome DoRejected(const json& cmd, wasm::ErrorKind want);
  Outcome DoUnlinkable(const json& cmd, bool expect_trap);
  Expected<runtime::Instance*> FindInstance(const json& action);
  void Report(int line, const Outcome& failure);

  std::filesystem::path json_path_;
  const std::set<std::string>& expected_;
  compiler::CompileOptions compile_;
  runtime::Engine engine_;
  HostRefs host_refs_;  // counted handles: each object lives while the script or the store holds it
  runtime::Store store_;
  runtime::Linker linker_;
  runtime::Instance* current_ = nullptr;
  std::string current_error_ = "no module";  // why current_ is null
  std::map<std::string, runtime::Instance*> named_;
  WastScript script_;
  std::string source_;
  bool execute_ = true;
  int passed_ = 0, failed_ = 0, skipped_ = 0;
};

Expected<std::shared_ptr<const runtime::Module>> WastExecutor::Compile(const std::string& file) {
  bool text_error = false;
  EGRET_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadScriptModule(script_, file, &text_error));
  EGRET_ASSIGN_OR_RETURN(LoadedModule m,
                         LoadModuleBytes(engine_, std::move(bytes), file, compile_));
  return m.module;
}

Outcome WastExecutor::DoModule(const json& cmd) {
  current_ = nullptr;
  const std::string file = cmd.value("filename", "");
  Expected<std::shared_ptr<const runtime::Module>> m = Compile(file);
  if (!m.ok()) {
    current_error_ = "module failed to compile";
    return "module failed to compile: " + m.error().ToString();
  }
  if (!execute_) return std::nullopt;
  Expected<runtime::Instance*> inst = linker_.Instantiate(store_, *m);
  if (!inst.ok()) {
    current_error_ = "module failed to instantiate";
    return "module failed to instantiate: " + inst.error().ToString();
  }
  current_ = *inst;
  if (cmd.contains("name")) named_[cmd["name"].get<std::string>()] = current_;
  return std::nullopt;
}

Outcome WastExecutor::DoRegister(const json& cmd) {
  runtime::Instance* inst = current_;
  if (cmd.contains("name")) {
    auto it = named_.find(cmd["name"].get<std::string>());
    inst = it == named_.end() ? nullptr : it->second;
  }
  if (inst == nullptr) return "register: " + current_error_;
  if (Status st = linker_.DefineInstance(cmd.value("as", ""), *inst); !st.ok())
    return "register failed: " + st.error().ToString();
  return std::nullopt;
}

Expected<runtime::Instance*> WastExecutor::FindInstance(const json& action) {
  if (action.contains("module")) {
    const std::string name = action["module"].get<std::string>();
    auto it = named_.find(name);
    if (it == named_.end()) return Error("no module named " + name);
    return it->second;
  }
  if (current_ == nullptr) return Error(current_error_);
  return current_;
}

Expected<WastExecutor::ActionResult> WastExecutor::DoAction(const json& action) {
  EGRET_ASSIGN_OR_RETURN(runtime::Instance * inst, FindInstance(action));
  const std::string type = action.value("type", "");
  const std::string field = action.value("field", "");
  ActionResult out;
  if (type == "get") {
    std::optional<runtime::Extern> e = inst->GetExport(field);
    if (!e || e->kind != artifact::ExternKind::kGlobal) return Error("no global export " + field);
    out.values.push_back(e->global.Get());
    return out;
  }
  if (type != "invoke") return Error("unsupported action '" + type + "'");
  runtime::Func f = inst->GetFunc(field);
  if (!f.valid()) return Error("no function export '" + field + "'");
  std::vector<Val> args;
  for (const json& a : action.value("args", json::array())) {
    EGRET_ASSIGN_OR_RETURN(Val v, ParseArg(a, &host_refs_));
    args.push_back(v);
  }
  EGRET_ASSIGN_OR_RETURN(runtime::CallResult r, store_.Call(f, args));
  out.values = std::move(r.results);
  out.trap = std::move(r.trap);
  return out;
}

Outcome WastExecutor::DoAssertReturn(const json& cmd) {
  const std::string field = cmd["action"].value("field", "");
  Expected<ActionResult> r = DoAction(cmd["action"]);
  if (!r.ok()) return field + ": " + r.error().message;
  if (r->trap) return field + " trapped: " + std::string(TrapCodeMessage(r->trap->code));
  const json expected = cmd.value("expected", json::array());
  if (r->values.size() != expected.size())
    return field + ": " + std::to_string(r->values.size()) + " results, expected " +
           std::to_string(expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    std::string unsupported;
    if (!Matches(expected[i], r->values[i], &host_refs_, &unsupported)) {
      if (!unsupported.empty()) return field + ": " + unsupported;
      return field + ": result " + std::to_string(i) + " is " +
             Describe(r->values[i], expected[i]) + ", expected " + DescribeExpected(expected[i]);
    }
  }
  return std::nullopt;
}

Outcome WastExecutor::DoAssertTrap(const json& cmd, bool exhaustion) {
  const std::string field = cmd["action"].value("field", "");
  const std::string want = exhaustion ? "call stack exhausted" : cmd.value("text", "");
  Expected<ActionResult> r = DoAction(cmd["action"]);
  if (!r.ok()) return field + ": " + r.error().message;
  if (!r->trap) {
    std::string got;
    for (const Val& v : r->values) got += " " + Describe(v);
    return field + " returned" + got + ", expected trap \"" + want + "\"";
  }
  if (!TrapMessageMatches(want, r->trap->code))
    return field + " trapped \"" + std::string(TrapCodeMessage(r->trap->code)) + "\", expected \"" +
           want + "\"";
  return std::nullopt;
}

Outcome WastExecutor::DoRejected(const json& cmd, wasm::ErrorKind want) {
  const std::string file = cmd.value("filename", "");
  const std::string text = cmd.value("text", "");
  bool text_error = false;
  Expected<std::vector<uint8_t>> bytes = ReadScriptModule(script_, file, &text_error);
  // A text module that does not parse is malformed; as the reference interpreter, the message
  // must start with the expected text.
  if (!bytes.ok() && text_error && want == wasm::ErrorKind::kMalformed) {
    if (bytes.error().message.rfind(text, 0) == 0) return std::nullopt;
    return "wrong parse error (\"" + bytes.error().message + "\", expected \"" + text +
           "\"): " + bytes.error().ToString();
  }
  if (!bytes.ok() && text_error)
    return "module malformed (text), expected " + std::string(wasm::ErrorKindName(want)) + " (\"" +
           text + "\"): " + bytes.error().ToString();
  if (!bytes.ok()) return bytes.error().ToString();
  wasm::WasmError error;
  std::optional<wasm::ModuleEnv> env =
      wasm::LoadModule(std::move(*bytes), file, &error, 1, compile_.wasm_features);
  if (env)
    return "module accepted, expected " + std::string(wasm::ErrorKindName(want)) + " (\"" + text +
           "\")";
  if (error.kind != want)
    return "module " + std::string(wasm::ErrorKindName(error.kind)) + ", expected " +
           std::string(wasm::ErrorKindName(want)) + " (\"" + text +
           "\"): " + error.error.ToString();
  return std::nullopt;
}

Outcome WastExecutor::DoUnlinkable(const json& cmd, bool expect_trap) {
  const std::string text = cmd.value("text", "");
  Expected<std::shared_ptr<const runtime::Module>> m = Compile(cmd.value("filename", ""));
  if (!m.ok()) return "module failed to compile: " + m.error().ToString();
  Expected<runtime::Instance*> inst = linker_.Instantiate(store_, *m);
  if (inst.ok()) return "module instantiated, expected failure \"" + text + "\"";
  // Instantiation errors carry the trap message for traps in segments or the start function.
  const std::string& msg = inst.error().message;
  const bool trapped = msg.find("wasm trap") != std::string::npos;
  if (expect_trap && !trapped)
    return "instantiation failed without a trap (\"" + msg + "\"), expected \"" + text + "\"";
  if (!expect_trap && trapped)
    return "instantiation trapped (\"" + msg + "\"), expected link error \"" + text + "\"";
  return std::nullopt;
}

void WastExecutor::Report(int line, const Outcome& failure) {
  const std::string key = source_ + ":" + std::to_string(line);
  const bool expected = expected_.count(key) > 0;
  if (!failure) {
    ++passed_;
    if (expected)
      std::printf("%s: note: expected failure now passes (shrink the list)\n", key.c_str());
    return;
  }
  if (expected) {
    ++passed_;
    std::printf("%s: expected failure: %s\n", key.c_str(), failure->c_str());
    return;
  }
  ++failed_;
  std::printf("%s: FAIL %s\n", key.c_str(), failure->c_str());
}

int WastExecutor::Run() {
  // A wast2json .json script or a .wast script, in one form (tools/wast_script.h).
  Expected<WastScript> loaded = LoadWastScript(json_path_);
  if (!loaded.ok()) {
    std::fprintf(stderr, "egret wast: %s\n", loaded.error().ToString().c_str());
    return cli::kExitFailure;
  }
  script_ = std::move(*loaded);
  source_ = script_.source;
  if (Status st = runtime::DefineSpectest(linker_, store_, stdout); !st.ok()) {
    std::fprintf(stderr, "egret wast: error: %s\n", st.error().ToString().c_str());
    return cli::kExitFailure;
  }
  for (const json& cmd : script_.commands) {
    const std::string type = cmd.value("type", "");
    const int line = cmd.value("line", 0);
    const bool binary = cmd.value("module_type", "binary") == "binary";
    const bool needs_instance = type == "register" || type == "action" || type == "assert_return" ||
                                type == "assert_trap" || type == "assert_exhaustion" ||
                                type == "assert_unlinkable" || type == "assert_uninstantiable";
    if (!execute_ && needs_instance) {
      ++skipped_;  // --mode=compile
      continue;
    }
    if (type == "module") {
      Report(line, DoModule(cmd));
    } else if (type == "register") {
      Report(line, DoRegister(cmd));
    } else if (type == "action") {
      Expected<ActionResult> r = DoAction(cmd["action"]);
      if (!r.ok())
        Report(line, r.error().message);
      else if (r->trap)
        Report(line, "trapped: " + std::string(TrapCodeMessage(r->trap->code)));
      else
        Report(line, std::nullopt);
    } else if (type == "assert_return") {
      Report(line, DoAssertReturn(cmd));
    } else if (type == "assert_trap" || type == "assert_exhaustion") {
      Report(line, DoAssertTrap(cmd, type == "assert_exhaustion"));
    } else if (type == "assert_malformed" || type == "assert_invalid") {
      if (!binary) {
        ++skipped_;  // text-format modules: egret reads binaries only
        continue;
      }
      Report(line, DoRejected(cmd, type == "assert_malformed" ? wasm::ErrorKind::kMalformed
                                                              : wasm::ErrorKind::kInvalid));
    } else if (type == "assert_unlinkable" || type == "assert_uninstantiable") {
      if (!binary) {
        ++skipped_;
        continue;
      }
      Report(line, DoUnlinkable(cmd, type == "assert_uninstantiable"));
    } else {
      Report(line, "unsupported command '" + type + "'");
    }
  }
  std::printf("%d passed, %d failed, %d skipped\n", passed_, failed_, skipped_);
  return failed_ ? cli::kExitFailure : cli::kExitOk;
}

}  // namespace

int RunWastScript(const std::filesystem::path& json_path, const WastExecOptions& options,
                  const std::set<std::string>& expected_failures) {
  return WastExecutor(json_path, options, expected_failures).Run();
}

}  // namespace egret::tools
