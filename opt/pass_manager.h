// pass_manager.h: named IR passes and the pipelines that run them.
//
// A pass is a plain function `Status Run(ir::Function&)` with a name; the registry below lists
// every pass once, and the pipeline each opt level runs is a readable list of names in
// pass_manager.cc (`kSpeedPipeline`). Invariants the manager keeps:
//  - after every pass the function still verifies: when `verify` is set (the default in debug
//    and test builds) the IR verifier runs after each pass and a failure names the pass;
//  - passes run in list order on one function at a time, so the manager is reentrant and the
//    compiler may run it from several worker threads on different functions.
#ifndef EGRET_OPT_PASS_MANAGER_H_
#define EGRET_OPT_PASS_MANAGER_H_

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/function.h"
#include "support/error.h"

namespace egret::opt {

using PassFn = Status (*)(ir::Function&);

struct Pass {
  std::string_view name;
  std::string_view description;
  PassFn run;
};

// The passes (one file each).
Status RunDce(ir::Function& f);  // dce.cc
Status RunGvn(ir::Function& f);  // gvn.cc

// Every known pass, in a stable order.
std::span<const Pass> AllPasses();
// nullptr when no pass has that name.
const Pass* FindPass(std::string_view name);
// Checks a `--print-after` argument: a pass name or "all". The error lists the known names.
Status CheckPrintAfter(std::string_view name);

struct PassManagerOptions {
#ifdef EGRET_DEBUG
  bool verify = true;
#else
  bool verify = false;
#endif
  // "" prints nothing, "all" after every pass, else after the pass of that name.
  std::string print_after;
  // Receives the function after each pass selected by print_after.
  std::function<void(std::string_view pass, const ir::Function&)> on_print;
};

class PassManager {
 public:
  // The pipeline of an opt level: "none" (empty) or "speed"; other names are an error.
  static Expected<PassManager> ForOptLevel(std::string_view level, PassManagerOptions options = {});
  // An explicit list of pass names (tests); unknown names are an error.
  static Expected<PassManager> FromNames(std::span<const std::string_view> names,
                                         PassManagerOptions options = {});

  Status Run(ir::Function& f) const;

  std::span<const Pass* const> passes() const { return passes_; }
  bool empty() const { return passes_.empty(); }

 private:
  std::vector<const Pass*> passes_;
  PassManagerOptions options_;
};

}  // namespace egret::opt

#endif  // EGRET_OPT_PASS_MANAGER_H_
