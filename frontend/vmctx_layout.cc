// vmctx_layout.cc: the VMContext offsets of one module, computed with overflow checks.
#include "frontend/vmctx_layout.h"

#include <string>

namespace egret::wasm {

Expected<VMContextLayout> VMContextLayout::Compute(const ModuleEnv& env) {
  VMContextLayout l;
  l.num_imported_tables = env.num_imported_tables;
  l.num_imported_memories = env.num_imported_memories;
  l.num_imported_globals = env.num_imported_globals;
  // 64-bit cursor: count < 2^32 and stride <= 32, so nothing below can overflow.
  uint64_t at = kHeaderSize;
  uint64_t too_big = 0;
  auto region = [&](uint32_t* field, uint64_t count, uint64_t stride, uint64_t align) {
    at = (at + align - 1) & ~(align - 1);
    *field = at > INT32_MAX ? 0 : static_cast<uint32_t>(at);
    at += count * stride;
    if (at > INT32_MAX) too_big = at;
  };
  region(&l.imported_functions, env.num_imported_functions, 16, 8);
  region(&l.imported_tables, env.num_imported_tables, 8, 8);
  region(&l.imported_memories, env.num_imported_memories, 8, 8);
  region(&l.imported_globals, env.num_imported_globals, 8, 8);
  region(&l.defined_tables, env.tables.size() - env.num_imported_tables, 16, 16);
  region(&l.defined_memories, env.memories.size() - env.num_imported_memories, 16, 16);
  region(&l.defined_globals, env.globals.size() - env.num_imported_globals, 16, 16);
  region(&l.funcrefs, env.functions.size(), VMFuncRefLayout::kSize, 16);
  const uint64_t end = (at + 15) & ~uint64_t{15};
  if (too_big || end > INT32_MAX)
    return Error("not supported: the module's VMContext would take " +
                 std::to_string(too_big ? too_big : end) + " bytes (limit 2 GiB)");
  l.size = static_cast<uint32_t>(end);
  return l;
}

}  // namespace egret::wasm
