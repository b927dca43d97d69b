// run_test.h: executes the `; run:` lines of an .eir file with the interpreter.
//
// A run line is a comment that states a call and what it must give:
//   ; run: %add(1, 2) == 3
//   ; run: %pair(7) == 7, 8                 several results
//   ; run: %div(1, 0) traps int_divz
//   ; run: %f(nan:0x200001) == nan:0x200001 float results compare bit for bit, except
//   ; run: %g(0x1p+0) == nan:canonical      any canonical NaN, and `nan:arithmetic` (any quiet NaN)
//   ; run: %effects(3)                       must return normally; results are not checked
//   ; run: %v([1 2 3 4]) == [2 4 6 8]     vectors: lanes of the value's type, lane 0 first
//   ; run: %w(i32x4 [1 2 3 4]) == i8x16 [1 0 0 0 2 0 0 0 3 0 0 0 4 0 0 0]   or of another shape
//   ; run: %x([1 2]) == [nan:canonical 0x1p+0]   NaN patterns apply per float lane
// Integer literals are decimal or hex and may be negative; float literals use the IR's syntax
// (`1.5`, `-0x1p-1`, `inf`, `-nan`, `nan:0x1`).
#ifndef EGRET_IR_RUN_TEST_H_
#define EGRET_IR_RUN_TEST_H_

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/function.h"
#include "ir/interpreter.h"
#include "support/error.h"

namespace egret::ir {

struct RunOutcome {
  uint32_t line = 0;    // 1-based line of the run line
  std::string command;  // the text after `run:`
  bool passed = false;
  std::string actual;  // what the call gave: `3`, `trap int_divz`, `error: ...`
};

// Runs every `; run:` line in `text` (whose functions are `module`). A malformed run line is an
// Error with file:line:col; a failing one is an outcome with passed == false.
Expected<std::vector<RunOutcome>> RunTestLines(std::string_view text, std::string_view file,
                                               const Module& module,
                                               const InterpOptions& options = {});

// Executes one parsed run line: calls `f` (a function of the module) with `args`, whose types
// match its parameters. The interpreter is one executor; `egret ir run` runs compiled code.
using RunLineExecutor =
    std::function<InterpResult(const Function& f, std::span<const DataValue> args)>;

// As above, with the calls made by `execute` instead of a fresh interpreter per line. Parsing and
// checking of the lines, and the comparison of results, are the same for every executor.
Expected<std::vector<RunOutcome>> RunTestLines(std::string_view text, std::string_view file,
                                               const Module& module,
                                               const RunLineExecutor& execute);

}  // namespace egret::ir

#endif  // EGRET_IR_RUN_TEST_H_
