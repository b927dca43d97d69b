// interp_outcome.h: what the division tests share to run IR text before and after the passes.
#ifndef EGRET_TESTS_UNIT_OPT_INTERP_OUTCOME_H_
#define EGRET_TESTS_UNIT_OPT_INTERP_OUTCOME_H_

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "ir/interpreter.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "opt/pass_manager.h"

namespace egret::opt::testing {

// The module that `text` holds (a parse error fails the test and yields an empty module).
inline ir::Module Parse(const std::string& text) {
  Expected<ir::Module> m = ir::ParseModule(text);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().ToString());
  return m.ok() ? std::move(*m) : ir::Module{};
}

// A call's outcome as text: the trap's code, the error, or the first result's value.
inline std::string Describe(const ir::InterpResult& r) {
  if (r.kind == ir::InterpResult::Kind::kTrapped) return "trap " + std::to_string(int(r.trap));
  if (r.kind == ir::InterpResult::Kind::kError) return "error " + r.error;
  return "returned " + ir::FormatDataValue(r.values[0]);
}

// Runs the speed pipeline (verifying after each pass) on m's first function and returns it printed.
inline std::string OptimizeAtSpeed(ir::Module& m) {
  PassManagerOptions o;
  o.verify = true;
  Expected<PassManager> pm = PassManager::ForOptLevel(OptLevel::kSpeed, o);
  EXPECT_TRUE(pm.ok());
  if (!pm.ok()) return "";
  const Status s = pm->Run(m.functions[0]);
  EXPECT_TRUE(s.ok());
  return ir::PrintFunction(m.functions[0]);
}

}  // namespace egret::opt::testing

#endif  // EGRET_TESTS_UNIT_OPT_INTERP_OUTCOME_H_
