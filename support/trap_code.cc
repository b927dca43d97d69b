#include "support/trap_code.h"

namespace egret {
namespace {

struct TrapInfo {
  std::string_view name, message;
};

constexpr TrapInfo kTraps[kNumTrapCodes] = {
    {"stk_ovf", "call stack exhausted"},
    {"heap_oob", "out of bounds memory access"},
    {"table_oob", "out of bounds table access"},
    {"icall_oob", "undefined element"},
    {"icall_null", "uninitialized element"},
    {"bad_sig", "indirect call type mismatch"},
    {"int_ovf", "integer overflow"},
    {"int_divz", "integer divide by zero"},
    {"bad_toint", "invalid conversion to integer"},
    {"unreachable", "unreachable"},
    {"out_of_fuel", "all fuel consumed"},
    {"null_ref", "null reference"},
    {"unaligned_atomic", "unaligned atomic"},
    {"unshared_wait", "expected shared memory"},
};

}  // namespace

std::string_view TrapCodeName(TrapCode code) { return kTraps[static_cast<int>(code)].name; }

std::string_view TrapCodeMessage(TrapCode code) { return kTraps[static_cast<int>(code)].message; }

std::optional<TrapCode> ParseTrapCode(std::string_view name) {
  for (int i = 0; i < kNumTrapCodes; ++i) {
    if (kTraps[i].name == name) return static_cast<TrapCode>(i);
  }
  return std::nullopt;
}

}  // namespace egret
