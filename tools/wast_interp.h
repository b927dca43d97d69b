// wast_interp.h: runs spec-script commands on translated IR with the IR interpreter.
//
// This is a test oracle for the frontend's translation, not the runtime: `egret wast
// --engine=interp` instantiates a module inside the interpreter's sandbox heap (a VMContext laid
// out by VMContextLayout, tables of VMFuncRef pointers, linear memory, data and element
// segments, start function) and executes assert_return / assert_trap / action commands against
// the IR that the frontend produced (translated with explicit bounds checks, since the sandbox
// has no guard pages). Modules it cannot host (imports, passive segments, large memories)
// and builtins other than memory.grow make their commands count as skipped.
#ifndef EGRET_TOOLS_WAST_INTERP_H_
#define EGRET_TOOLS_WAST_INTERP_H_

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "frontend/module_env.h"
#include "ir/function.h"
#include "ir/interpreter.h"

namespace egret::tools {

class InterpInstance {
 public:
  // Instantiates `env`; nullptr with the reason in `*why` when the interpreter cannot host it or
  // instantiation traps.
  static std::unique_ptr<InterpInstance> Create(wasm::ModuleEnv env, std::string* why);

  // The type of exported function `name`, or nullptr.
  const wasm::FuncType* ExportType(const std::string& name) const;
  // Invokes exported function `name` (args without the vmctx).
  ir::InterpResult Invoke(const std::string& name, std::span<const ir::DataValue> args);

 private:
  InterpInstance() = default;

  wasm::ModuleEnv env_;
  std::vector<std::string> symbols_;
  std::unique_ptr<ir::Module> module_;
  std::unique_ptr<ir::Interpreter> interp_;
  uint64_t vmctx_ = 0;
};

}  // namespace egret::tools

#endif  // EGRET_TOOLS_WAST_INTERP_H_
