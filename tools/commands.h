// commands.h: the subcommands of the `egret` driver.
//
// Each subcommand lives in its own file (`<name>_command.cc`) and owns its flags. The table in
// main.cc is the one place that lists them; `egret --help` prints it in this order.
#ifndef EGRET_TOOLS_COMMANDS_H_
#define EGRET_TOOLS_COMMANDS_H_

#include <span>
#include <string>

namespace egret::tools {

// Each takes the arguments after the subcommand name and returns the process exit code.
int CompileCommand(std::span<const std::string> args);
int RunCommand(std::span<const std::string> args);
int WastCommand(std::span<const std::string> args);
int ValidateCommand(std::span<const std::string> args);
int IrCommand(std::span<const std::string> args);
// `egret ir run`, dispatched by IrCommand (tools/ir_run_command.cc).
int IrRunCommand(std::span<const std::string> args);

// For subcommands whose pipeline stage has not landed yet: prints which stage is missing after
// handling --help, so `egret X --help` always works. Returns the exit code.
int NotYetAvailable(const char* command, const char* what, std::span<const std::string> args);

}  // namespace egret::tools

#endif  // EGRET_TOOLS_COMMANDS_H_
