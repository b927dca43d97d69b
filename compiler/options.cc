// options.cc: name tables and the defaults policy (see options.h).
#include "compiler/options.h"

#include <unistd.h>

namespace egret::compiler {
namespace {

template <class Row, size_t N, class E>
std::string_view NameIn(const Row (&table)[N], E value) {
  for (const Row& r : table)
    if (r.value == value) return r.name;
  return "?";
}

template <class Row, size_t N>
auto ParseIn(const Row (&table)[N], std::string_view what, std::string_view name)
    -> Expected<decltype(table[0].value)> {
  std::string known;
  for (const Row& r : table) {
    if (r.name == name) return r.value;
    known += (known.empty() ? "" : ", ") + std::string(r.name);
  }
  return Error("unknown " + std::string(what) + " '" + std::string(name) + "' (known: " + known +
               ")");
}

}  // namespace

std::string_view Name(Allocator a) { return NameIn(kAllocators, a); }
std::string_view Name(Target t) { return NameIn(kTargets, t); }

Expected<OptLevel> ParseOptLevel(std::string_view name) { return opt::ParseOptLevel(name); }
Expected<Allocator> ParseAllocator(std::string_view name) {
  return ParseIn(kAllocators, "register allocator", name);
}
Expected<Target> ParseTarget(std::string_view name) { return ParseIn(kTargets, "target", name); }

uint32_t DefaultJobs() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1u : static_cast<uint32_t>(n);
}

}  // namespace egret::compiler
