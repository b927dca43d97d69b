// validate_command.cc: `egret validate`.
#include "tools/commands.h"

namespace egret::tools {

int ValidateCommand(std::span<const std::string> args) {
  return NotYetAvailable("egret validate", "needs the frontend, issue 4", args);
}

}  // namespace egret::tools
