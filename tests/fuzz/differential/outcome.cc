// outcome.cc: see outcome.h.
#include "tests/fuzz/differential/outcome.h"

#include <cinttypes>
#include <cstdio>

namespace egret::fuzz {

std::string FormatValue(wasm::ValType type, uint64_t value) {
  char buf[64];
  switch (type) {
    case wasm::ValType::kI32:
    case wasm::ValType::kF32:
      std::snprintf(buf, sizeof buf, "%s:0x%08" PRIx64, std::string(ValTypeName(type)).c_str(),
                    value);
      break;
    case wasm::ValType::kFuncRef:
      if (value == 0) return "funcref:null";
      std::snprintf(buf, sizeof buf, "funcref:f%" PRIu64, value - 1);
      break;
    default:
      std::snprintf(buf, sizeof buf, "%s:0x%016" PRIx64, std::string(ValTypeName(type)).c_str(),
                    value);
  }
  return buf;
}

std::string CallOutcome::ToString(const std::vector<wasm::ValType>& types) const {
  switch (kind) {
    case Kind::kTrapped:
      return "trap " + std::string(TrapCodeName(trap));
    case Kind::kInconclusive:
      return "inconclusive (" + note + ")";
    case Kind::kReturned:
      break;
  }
  std::string s = "returned [";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += " ";
    s += FormatValue(i < types.size() ? types[i] : wasm::ValType::kI64, values[i]);
  }
  return s + "]";
}

std::string DescribeStateDifference(const InstanceState& a, const InstanceState& b) {
  if (a == b) return "";  // the common case: one memcmp per memory
  char buf[160];
  if (a.memory.size() != b.memory.size()) {
    std::snprintf(buf, sizeof buf, "memory size: %zu vs %zu bytes", a.memory.size(),
                  b.memory.size());
    return buf;
  }
  for (size_t i = 0; a.memory != b.memory && i < a.memory.size(); ++i) {
    if (a.memory[i] == b.memory[i]) continue;
    std::snprintf(buf, sizeof buf, "memory[0x%zx]: 0x%02x vs 0x%02x (first difference)", i,
                  a.memory[i], b.memory[i]);
    return buf;
  }
  for (size_t g = 0; g < std::min(a.globals.size(), b.globals.size()); ++g) {
    if (a.globals[g] == b.globals[g]) continue;
    std::snprintf(buf, sizeof buf, "global %zu: 0x%" PRIx64 " vs 0x%" PRIx64, g, a.globals[g],
                  b.globals[g]);
    return buf;
  }
  if (a.globals.size() != b.globals.size()) return "global count differs";
  if (a.tables.size() != b.tables.size()) return "table count differs";
  for (size_t t = 0; t < a.tables.size(); ++t) {
    if (a.tables[t].size() != b.tables[t].size()) {
      std::snprintf(buf, sizeof buf, "table %zu size: %zu vs %zu", t, a.tables[t].size(),
                    b.tables[t].size());
      return buf;
    }
    for (size_t i = 0; i < a.tables[t].size(); ++i) {
      if (a.tables[t][i] == b.tables[t][i]) continue;
      std::snprintf(buf, sizeof buf, "table %zu[%zu]: 0x%" PRIx64 " vs 0x%" PRIx64, t, i,
                    a.tables[t][i], b.tables[t][i]);
      return buf;
    }
  }
  return "";
}

}  // namespace egret::fuzz
