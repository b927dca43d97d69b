// output.cc: statistics and printing for allocation results.
#include "regalloc/output.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace egret::regalloc {

std::string Stats::ToString(std::string_view allocator) const {
  const double ms = static_cast<double>(alloc_ns) / 1e6;
  const double rate = alloc_ns ? static_cast<double>(insts) * 1e3 / static_cast<double>(alloc_ns)
                               : 0.0;  // millions of instructions per second
  std::string s = absl::StrFormat(
      "regalloc %s: %d insts, %d blocks, %d vregs, %d spills, %d reloads, %d moves, "
      "%d edits on edges, %d spill slots, %.3f ms (%.1f M insts/s)",
      allocator, insts, blocks, vregs, spills, reloads, moves, edge_moves, spill_slots, ms, rate);
  if (check_ns) absl::StrAppendFormat(&s, ", checker %.3f ms", static_cast<double>(check_ns) / 1e6);
  return s;
}

void Output::CountEdits() {
  stats.spills = stats.reloads = stats.moves = 0;
  for (const Edit& e : edits) {
    if (e.from.is_reg() && e.to.is_reg()) ++stats.moves;
    if (e.from.is_reg() && e.to.is_stack()) ++stats.spills;
    if (e.from.is_stack() && e.to.is_reg()) ++stats.reloads;
  }
  stats.spill_slots = num_spill_slots;
}

std::string Output::ToString() const {
  std::string out;
  for (const Edit& e : edits)
    absl::StrAppend(&out, e.point.ToString(), ": ", e.to.ToString(), " <- ", e.from.ToString(),
                    "\n");
  for (const StackMap& m : stack_maps) {
    absl::StrAppend(&out, "stack map i", m.inst, ":");
    for (uint32_t s : StackMapSlots(m)) absl::StrAppend(&out, " stack", s);
    out += "\n";
  }
  return out;
}

}  // namespace egret::regalloc
