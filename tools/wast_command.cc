// wast_command.cc: `egret wast`.
#include "tools/commands.h"

namespace egret::tools {

int WastCommand(std::span<const std::string> args) {
  return NotYetAvailable("egret wast", "needs the frontend and runtime, issues 4 and 8", args);
}

}  // namespace egret::tools
