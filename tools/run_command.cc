// run_command.cc: `egret run`.
#include "tools/commands.h"

namespace egret::tools {

int RunCommand(std::span<const std::string> args) {
  return NotYetAvailable("egret run", "needs the runtime, issue 8", args);
}

}  // namespace egret::tools
