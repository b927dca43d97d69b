// cli.h: a small command-line parser for egret's subcommands.
//
// Each subcommand declares its flags, options and positional arguments with help text, then
// calls Parse(). Accepted spellings: `--name`, `--name=value`, `--name value`, and for a
// one-letter name `-o value` or `-ovalue` (never `--o`); `--` ends the
// options; `-` alone is a positional (stdin). Unknown flags, missing values, bad numbers and
// values outside a fixed choice list are errors that name the flag. `--help`/`-h` print the
// generated help. Nothing here is global state, so commands stay independent and testable.
#ifndef EGRET_TOOLS_CLI_H_
#define EGRET_TOOLS_CLI_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace egret::cli {

enum class ParseOutcome { kOk, kHelp, kError };

class ArgParser {
 public:
  // `command` as typed (e.g. "egret ir print"), `usage` the argument synopsis, `summary` one
  // sentence shown at the top of --help.
  ArgParser(std::string command, std::string usage, std::string summary);

  void Flag(const std::string& name, bool* out, const std::string& help);
  void Option(const std::string& name, std::string* out, const std::string& metavar,
              const std::string& help);
  void Option(const std::string& name, int64_t* out, const std::string& metavar,
              const std::string& help);
  // Repeatable: each occurrence appends.
  void Option(const std::string& name, std::vector<std::string>* out, const std::string& metavar,
              const std::string& help);
  // Value must be one of `choices`.
  void Choice(const std::string& name, std::string* out, std::vector<std::string> choices,
              const std::string& help);
  // Value must be the `name` of a row of `table` (rows with `value` and `name`, such as
  // compiler::kAllocators); `*out` gets that row's `value`. The table must outlive the parser.
  template <class Out, class Row, size_t N>
  requires requires(const Row& r) { r.name, r.value; }
  void Choice(const std::string& name, Out* out, const Row (&table)[N], const std::string& help) {
    std::string metavar;
    for (const Row& r : table) metavar += (metavar.empty() ? "" : "|") + std::string(r.name);
    opts_.push_back(
        {name, metavar, help,
         [out, name, &table, metavar](const std::string& v) -> std::optional<std::string> {
           for (const Row& r : table) {
             if (r.name == v) {
               *out = r.value;
               return std::nullopt;
             }
           }
           return "--" + name + " must be one of " + metavar + ", got '" + v + "'";
         }});
  }
  // A value parsed by `set`, which returns an error message (shown after the flag's name) or
  // nullopt; each occurrence calls it again.
  void Custom(const std::string& name, const std::string& metavar, const std::string& help,
              std::function<std::optional<std::string>(const std::string&)> set);
  // Positional arguments: at least `min`, at most `max` (nullopt: unbounded).
  void Positionals(std::vector<std::string>* out, size_t min, std::optional<size_t> max);
  // After the first positional, everything (including things that look like flags) is
  // positional: for `egret run prog.wasm --prog-flag`.
  void StopAtFirstPositional() { stop_at_positional_ = true; }
  // Extra text appended to --help (examples, notes).
  void Epilog(std::string text) { epilog_ = std::move(text); }

  // Parses `args` (not including the command words). Prints help to stdout (kHelp) or an error
  // with a hint to stderr (kError).
  ParseOutcome Parse(std::span<const std::string> args);
  std::string Help() const;

 private:
  struct Opt {
    std::string name;     // without leading dashes
    std::string metavar;  // empty for boolean flags
    std::string help;
    std::function<std::optional<std::string>(const std::string&)> set;  // error or nullopt
  };
  const Opt* Find(const std::string& name) const;

  std::string command_, usage_, summary_, epilog_;
  std::vector<Opt> opts_;
  std::vector<std::string>* positionals_ = nullptr;
  size_t min_pos_ = 0;
  std::optional<size_t> max_pos_ = 0;
  bool stop_at_positional_ = false;
};

// Exit codes shared by all subcommands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the input was bad or a check failed
inline constexpr int kExitUsage = 2;    // the command line was bad

}  // namespace egret::cli

#endif  // EGRET_TOOLS_CLI_H_
