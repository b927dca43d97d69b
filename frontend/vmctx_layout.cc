// vmctx_layout.cc: the VMContext offsets of one module, computed with overflow checks.
#include "frontend/vmctx_layout.h"

#include <string>

namespace egret::wasm {
namespace {

// Accumulates region sizes in 64 bits, so no intermediate can overflow, and checks the total.
class LayoutCursor {
 public:
  explicit LayoutCursor(uint64_t start) : at_(start) {}
  uint32_t Region(uint64_t count, uint64_t stride) {
    at_ = (at_ + 15) & ~uint64_t{15};
    const uint64_t start = at_;
    at_ += count * stride;  // count < 2^32 and stride <= 32: no overflow in 64 bits
    return static_cast<uint32_t>(start > UINT32_MAX ? UINT32_MAX : start);
  }
  uint64_t end() const { return at_; }

 private:
  uint64_t at_;
};

}  // namespace

Expected<VMContextLayout> VMContextLayout::Compute(const ModuleEnv& env) {
  VMContextLayout l;
  LayoutCursor c(kHeaderSize);
  l.num_imported_globals = env.num_imported_globals;
  l.imported_functions = c.Region(env.num_imported_functions, 16);
  l.tables = c.Region(env.tables.size(), 16);
  l.imported_globals = c.Region(env.num_imported_globals, 8);
  l.defined_globals = c.Region(env.globals.size() - env.num_imported_globals, 16);
  l.funcrefs = c.Region(env.functions.size(), VMFuncRefLayout::kSize);
  const uint64_t end = (c.end() + 15) & ~uint64_t{15};
  if (end > INT32_MAX)
    return Error("not supported: the module's VMContext would take " + std::to_string(end) +
                 " bytes (limit 2 GiB)");
  l.size = static_cast<uint32_t>(end);
  return l;
}

}  // namespace egret::wasm
