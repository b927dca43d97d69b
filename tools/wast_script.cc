// wast_script.cc: see wast_script.h.
#include "tools/wast_script.h"

#include <fstream>
#include <iterator>

#include "frontend/text/script_parser.h"
#include "tools/module_loader.h"

namespace egret::tools {
namespace {

using nlohmann::json;
using text::ScriptCommand;
using text::ScriptValue;

json ValueJson(const ScriptValue& v) {
  using T = ScriptValue::Type;
  json j;
  auto nan_text = [](ScriptValue::Nan n) {
    return n == ScriptValue::Nan::kCanonical ? "nan:canonical" : "nan:arithmetic";
  };
  switch (v.type) {
    case T::kI32:
    case T::kI64:
    case T::kF32:
    case T::kF64:
      j["type"] = v.type == T::kI32   ? "i32"
                  : v.type == T::kI64 ? "i64"
                  : v.type == T::kF32 ? "f32"
                                      : "f64";
      j["value"] = v.nan != ScriptValue::Nan::kNone ? nan_text(v.nan) : std::to_string(v.bits);
      break;
    case T::kV128: {
      j["type"] = "v128";
      j["lane_type"] = v.lane_type;
      json lanes = json::array();
      for (size_t i = 0; i < v.lanes.size(); ++i)
        lanes.push_back(v.lane_nan[i] != ScriptValue::Nan::kNone ? nan_text(v.lane_nan[i])
                                                                 : std::to_string(v.lanes[i]));
      j["value"] = lanes;
      break;
    }
    case T::kFuncRef:
    case T::kExternRef:
      j["type"] = v.type == T::kFuncRef ? "funcref" : "externref";
      if (v.is_null)
        j["value"] = "null";
      else if (v.has_value)
        j["value"] = std::to_string(v.bits);
      break;
    case T::kEither: {
      j["type"] = "either";
      json alts = json::array();
      for (const ScriptValue& a : v.alternatives) alts.push_back(ValueJson(a));
      j["values"] = alts;
      break;
    }
  }
  return j;
}

json ActionJson(const text::ScriptAction& a) {
  json j;
  j["type"] = a.kind == text::ScriptAction::Kind::kInvoke ? "invoke" : "get";
  if (!a.module.empty()) j["module"] = a.module;
  j["field"] = a.field;
  json args = json::array();
  for (const ScriptValue& v : a.args) args.push_back(ValueJson(v));
  j["args"] = args;
  return j;
}

}  // namespace

Expected<WastScript> LoadWastScript(const std::filesystem::path& path) {
  WastScript out;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Error e("cannot read file");
    e.file = path.string();
    return e;
  }
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (path.extension() == ".json") {
    json script = json::parse(content, nullptr, /*allow_exceptions=*/false);
    if (script.is_discarded() || !script.is_object() || !script.contains("commands") ||
        !script["commands"].is_array()) {
      Error e("not a wast2json script");
      e.file = path.string();
      return e;
    }
    out.source = std::filesystem::path(script.value("source_filename", path.filename().string()))
                     .filename()
                     .string();
    out.commands = std::move(script["commands"]);
    out.dir = path.parent_path();
    return out;
  }
  Expected<text::Script> script = text::ParseScript(content);
  if (!script.ok()) {
    Error e = std::move(script).error();
    e.InFile(path.string());
    return e;
  }
  out.source = path.filename().string();
  out.commands = json::array();
  const std::string stem = path.stem().string();
  int n = 0;
  for (const ScriptCommand& c : script->commands) {
    json j;
    j["type"] = c.kind == ScriptCommand::Kind::kAction ? "action" : text::ScriptCommandName(c.kind);
    j["line"] = c.line;
    using K = ScriptCommand::Kind;
    switch (c.kind) {
      case K::kModule:
      case K::kAssertMalformed:
      case K::kAssertInvalid:
      case K::kAssertUnlinkable:
      case K::kAssertUninstantiable: {
        const std::string file = stem + "." + std::to_string(n++) + ".wasm";
        WastScript::Module m;
        m.wasm = c.module.wasm;
        if (c.module.error) {
          m.text_error = *c.module.error;
          m.text_error->InFile(c.module.form == text::ScriptModule::Form::kQuote
                                   ? out.source + " (quoted module at line " +
                                         std::to_string(c.module.line) + ")"
                                   : out.source);
        }
        out.modules.emplace(file, std::move(m));
        j["filename"] = file;
        j["module_type"] = "binary";
        if (c.kind == K::kModule && !c.module.id.empty()) j["name"] = c.module.id;
        if (c.kind != K::kModule) j["text"] = c.text;
        break;
      }
      case K::kRegister:
        j["as"] = c.text;
        if (!c.register_module.empty()) j["name"] = c.register_module;
        break;
      case K::kAction:
        j["action"] = ActionJson(c.action);
        break;
      case K::kAssertReturn: {
        j["action"] = ActionJson(c.action);
        json expected = json::array();
        for (const ScriptValue& v : c.expected) expected.push_back(ValueJson(v));
        j["expected"] = expected;
        break;
      }
      case K::kAssertTrap:
      case K::kAssertExhaustion:
        j["action"] = ActionJson(c.action);
        j["text"] = c.text;
        break;
    }
    out.commands.push_back(std::move(j));
  }
  return out;
}

Expected<std::vector<uint8_t>> ReadScriptModule(const WastScript& script, const std::string& file,
                                                bool* text_error) {
  *text_error = false;
  auto it = script.modules.find(file);
  if (it == script.modules.end()) return ReadFileBytes((script.dir / file).string());
  if (it->second.text_error) {
    *text_error = true;
    return *it->second.text_error;
  }
  return it->second.wasm;
}

}  // namespace egret::tools
