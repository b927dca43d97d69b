// output.cc: statistics and printing for allocation results.
#include "regalloc/output.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace egret::regalloc {

std::string Stats::ToString(std::string_view allocator) const {
  const double ms = static_cast<double>(alloc_ns) / 1e6;
  const double rate = alloc_ns ? static_cast<double>(insts) * 1e3 / static_cast<double>(alloc_ns)
                               : 0.0;  // millions of instructions per second
  std::string s = absl::StrFormat(
      "regalloc %s: %d insts, %d blocks, %d vregs, %d spills, %d reloads, %d moves, %d remats, "
      "%d edits on edges, %d spill slots, %.3f ms (%.1f M insts/s)",
      allocator, insts, blocks, vregs, spills, reloads, moves, remats, edge_moves, spill_slots, ms,
      rate);
  if (check_ns) absl::StrAppendFormat(&s, ", checker %.3f ms", static_cast<double>(check_ns) / 1e6);
  return s;
}

Stats& Stats::operator+=(const Stats& o) {
  insts += o.insts;
  blocks += o.blocks;
  vregs += o.vregs;
  spills += o.spills;
  reloads += o.reloads;
  moves += o.moves;
  remats += o.remats;
  spill_slots = std::max(spill_slots, o.spill_slots);
  edge_moves += o.edge_moves;
  alloc_ns += o.alloc_ns;
  check_ns += o.check_ns;
  return *this;
}

void Output::CountEdits() {
  // Edits counted per (source kind, destination kind): an Allocation's kind is its top two bits
  // (none, reg, stack, remat), so one table increment per edit, no branches.
  static_assert(Allocation::Reg(PReg::FromIndex(0)).bits() >> 30 == 1 &&
                Allocation::Stack(0).bits() >> 30 == 2 && Allocation::Remat(0).bits() >> 30 == 3);
  uint64_t count[16] = {};
  for (const Edit& e : edits) ++count[(e.from.bits() >> 30) * 4 + (e.to.bits() >> 30)];
  stats.moves = count[1 * 4 + 1];
  stats.spills = count[1 * 4 + 2];
  stats.reloads = count[2 * 4 + 1];
  stats.remats = count[3 * 4 + 0] + count[3 * 4 + 1] + count[3 * 4 + 2] + count[3 * 4 + 3];
  stats.spill_slots = num_spill_slots;
}

void Output::ShareSpillSlots(RegClass cls, std::vector<SlotExtent>& extents, bool touching_share,
                             std::vector<uint32_t>& phys) {
  std::sort(extents.begin(), extents.end(),
            [](const SlotExtent& a, const SlotExtent& b) { return a.first < b.first; });
  using End = std::pair<uint32_t, uint32_t>;  // (end point, physical slot)
  std::priority_queue<End, std::vector<End>, std::greater<End>> busy;
  for (const SlotExtent& e : extents) {
    uint32_t slot;
    if (!busy.empty() &&
        (touching_share ? busy.top().first <= e.first : busy.top().first < e.first)) {
      slot = busy.top().second;
      busy.pop();
    } else {
      spill_slot_class.push_back(cls);
      slot = num_spill_slots++;
    }
    phys[e.vreg] = slot;
    busy.push({e.last, slot});
  }
}

std::string Output::ToString() const {
  std::string out;
  for (const Edit& e : edits)
    absl::StrAppend(&out, e.point.ToString(), ": ", e.to.ToString(), " <- ", e.from.ToString(),
                    e.remat_src.valid() ? absl::StrCat(" from ", e.remat_src.ToString()) : "",
                    "\n");
  for (const StackMap& m : stack_maps) {
    absl::StrAppend(&out, "stack map i", m.inst, ":");
    for (uint32_t s : StackMapSlots(m)) absl::StrAppend(&out, " stack", s);
    out += "\n";
  }
  return out;
}

}  // namespace egret::regalloc
