// ir_command.cc: `egret ir`.
#include "tools/commands.h"

namespace egret::tools {

int IrCommand(std::span<const std::string> args) {
  return NotYetAvailable("egret ir", "needs the IR library, issue 3", args);
}

}  // namespace egret::tools
