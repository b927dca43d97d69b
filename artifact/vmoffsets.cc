// vmoffsets.cc: see vmoffsets.h. All arithmetic is done in 64 bits and checked against
// INT32_MAX once per region, so a hostile module with 2^32-1 imports fails cleanly here instead
// of wrapping an offset that the compiler would then bake into code.
#include "artifact/vmoffsets.h"

#include <string>

#include "artifact/artifact.h"

namespace egret::artifact {

VMOffsetsCounts VMOffsetsCounts::Of(const Artifact& a) {
  VMOffsetsCounts c;
  for (const Import& im : a.imports) {
    switch (im.kind) {
      case ExternKind::kFunc:
        ++c.imported_functions;
        break;
      case ExternKind::kTable:
        ++c.imported_tables;
        break;
      case ExternKind::kMemory:
        ++c.imported_memories;
        break;
      case ExternKind::kGlobal:
        ++c.imported_globals;
        break;
    }
  }
  c.defined_functions = uint32_t(a.functions.size());
  c.defined_tables = uint32_t(a.tables.size());
  c.defined_memories = uint32_t(a.memories.size());
  c.defined_globals = uint32_t(a.globals.size());
  return c;
}

Expected<VMOffsets> VMOffsets::Compute(const VMOffsetsCounts& c) {
  constexpr uint64_t kLimit = INT32_MAX;
  VMOffsets o;
  o.counts_ = c;
  uint64_t at = 64;
  Status status;
  auto region = [&](uint32_t* field, uint64_t count, uint64_t elem_size, uint64_t align,
                    const char* what) {
    if (!status.ok()) return;
    at = (at + align - 1) & ~(align - 1);
    const uint64_t end = at + count * elem_size;  // < 2^31 + 2^32 * 32: no u64 overflow
    if (end > kLimit) {
      status = Error("VMContext too large: " + std::to_string(count) + " " + what);
      return;
    }
    *field = uint32_t(at);
    at = end;
  };
  region(&o.imported_functions_, c.imported_functions, kVMFunctionImportSize, 8,
         "imported functions");
  region(&o.imported_tables_, c.imported_tables, 8, 8, "imported tables");
  region(&o.imported_memories_, c.imported_memories, 8, 8, "imported memories");
  region(&o.imported_globals_, c.imported_globals, 8, 8, "imported globals");
  region(&o.defined_tables_, c.defined_tables, kVMTableDefinitionSize, 16, "tables");
  region(&o.defined_memories_, c.defined_memories, kVMMemoryDefinitionSize, 16, "memories");
  region(&o.defined_globals_, c.defined_globals, kVMGlobalSize, 16, "globals");
  region(&o.funcrefs_, uint64_t(c.imported_functions) + c.defined_functions, kVMFuncRefSize, 16,
         "functions");
  if (!status.ok()) return std::move(status).error();
  o.size_ = uint32_t((at + 15) & ~uint64_t{15});
  if (o.size_ > kLimit) return Error("VMContext too large");
  return o;
}

Expected<VMOffsets> VMOffsets::Compute(const Artifact& artifact) {
  return Compute(VMOffsetsCounts::Of(artifact));
}

}  // namespace egret::artifact
