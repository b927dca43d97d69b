// pass_manager.cc: the pass registry, the opt-level pipelines, and running them with
// verification and --print-after hooks. See pass_manager.h.
#include "opt/pass_manager.h"

#include <string>

#include "ir/verifier.h"

namespace egret::opt {
namespace {

constexpr Pass kPasses[] = {
    {"gvn", "global value numbering of pure instructions and readonly notrap loads", &RunGvn},
    {"dce", "remove instructions without side effects whose results are unused", &RunDce},
};

// What `--opt-level=speed` runs, in order. GVN first so that the duplicates it makes dead are
// then swept by DCE.
constexpr std::string_view kSpeedPipeline[] = {"gvn", "dce"};

std::string KnownNames() {
  std::string s;
  for (const Pass& p : kPasses) {
    if (!s.empty()) s += ", ";
    s += p.name;
  }
  return s;
}

}  // namespace

std::span<const Pass> AllPasses() { return kPasses; }

const Pass* FindPass(std::string_view name) {
  for (const Pass& p : kPasses) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Status CheckPrintAfter(std::string_view name) {
  if (name == "all" || FindPass(name) != nullptr) return Status::Ok();
  return Error("unknown pass '" + std::string(name) + "' (known: " + KnownNames() + ", or all)");
}

Expected<PassManager> PassManager::FromNames(std::span<const std::string_view> names,
                                             PassManagerOptions options) {
  if (!options.print_after.empty()) EGRET_TRY(CheckPrintAfter(options.print_after));
  PassManager pm;
  for (std::string_view n : names) {
    const Pass* p = FindPass(n);
    if (p == nullptr) {
      return Error("unknown pass '" + std::string(n) + "' (known: " + KnownNames() + ")");
    }
    pm.passes_.push_back(p);
  }
  pm.options_ = std::move(options);
  return pm;
}

Expected<PassManager> PassManager::ForOptLevel(std::string_view level, PassManagerOptions options) {
  if (level == "none") return FromNames({}, std::move(options));
  if (level == "speed") return FromNames(kSpeedPipeline, std::move(options));
  return Error("unknown opt level '" + std::string(level) + "' (known: none, speed)");
}

Status PassManager::Run(ir::Function& f) const {
  for (const Pass* p : passes_) {
    EGRET_TRY(p->run(f));
    if (options_.verify) {
      Status s = ir::Verify(f);
      if (!s.ok()) {
        return Error("IR verifier failed after pass '" + std::string(p->name) +
                     "': " + s.error().message);
      }
    }
    if (options_.on_print && (options_.print_after == "all" || options_.print_after == p->name)) {
      options_.on_print(p->name, f);
    }
  }
  return Status::Ok();
}

}  // namespace egret::opt
