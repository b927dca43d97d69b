// compile_command.cc: `egret compile`.
#include "tools/commands.h"

namespace egret::tools {

int CompileCommand(std::span<const std::string> args) {
  return NotYetAvailable("egret compile", "needs the x64 backend, issue 7", args);
}

}  // namespace egret::tools
