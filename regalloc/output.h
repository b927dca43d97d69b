// output.h: what an allocator hands back to the backend.
//
// Invariants of a finished Output (the checker proves the data-flow ones):
//   - allocs[k] is the location of Function::operands[k] and satisfies its constraint.
//   - edits are sorted by point; edits at one point execute in vector order (parallel moves are
//     already sequentialized). No edit moves stack to stack: that goes through the scratch
//     register of its class.
//   - Every spill slot index is < num_spill_slots; slot s holds values of spill_slot_class[s].
//   - stack_maps has one entry per safepoint instruction, in instruction order, listing exactly
//     the slots that hold reference vregs live across it.
#ifndef EGRET_REGALLOC_OUTPUT_H_
#define EGRET_REGALLOC_OUTPUT_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "regalloc/operand.h"

namespace egret::regalloc {

// A move inserted by the allocator: reg->reg (move), reg->stack (spill), stack->reg (reload),
// or Remat(v)->reg (remat: the backend re-emits rematerializable vreg v's defining instruction
// with `to` as its destination; `to` then holds exactly v). A remat edit never targets a slot and
// never changes the flags the surrounding code may rely on (x64: `mov $imm`, not `xor`).
//
// A remat of a vreg whose definition reads an operand u (VRegData::remat_reads_operand) also
// names `remat_src`, the register that holds u at the edit (after the edits before it at the
// same point), which the expansion reads (`lea imm(remat_src), to`); invalid for constants.
struct Edit {
  ProgPoint point;
  Allocation from, to;
  PReg remat_src = PReg();
  friend bool operator==(const Edit&, const Edit&) = default;
};

struct StackMap {
  uint32_t inst = 0;
  uint32_t slot_begin = 0, slot_end = 0;  // into Output::stack_map_slots
};

struct Stats {
  uint64_t insts = 0, blocks = 0, vregs = 0;
  uint64_t spills = 0;   // reg -> stack edits
  uint64_t reloads = 0;  // stack -> reg edits
  uint64_t moves = 0;    // reg -> reg edits
  uint64_t remats = 0;   // remat -> reg edits (rematerialized constants and cheap values)
  uint64_t spill_slots = 0;
  uint64_t edge_moves = 0;  // edits inserted on CFG edges (counted in the three above too)
  uint64_t alloc_ns = 0, check_ns = 0;

  // Remats are not counted: a constant materialized into a register costs no memory access and
  // replaces what would otherwise be a reload or a move.
  uint64_t Cost() const { return spills + reloads + moves; }
  // Accumulates another function's statistics (a module's total for `--stats`); spill_slots
  // becomes the largest frame seen.
  Stats& operator+=(const Stats& o);
  // One line: `regalloc linear: 1164 insts, 151 blocks, 1023 vregs, 350 spills, 410 reloads,
  // 423 moves, 0 remats, 375 edits on edges, 35 spill slots, 0.664 ms (1.8 M insts/s)`.
  std::string ToString(std::string_view allocator) const;
};

// A value's extent in layout order, for sharing spill slots (Output::ShareSpillSlots).
struct SlotExtent {
  uint32_t first, last, vreg;
};

struct Output {
  std::vector<Allocation> allocs;  // parallel to Function::operands
  std::vector<Edit> edits;
  uint32_t num_spill_slots = 0;
  std::vector<RegClass> spill_slot_class;
  std::vector<StackMap> stack_maps;
  std::vector<uint32_t> stack_map_slots;
  Stats stats;

  std::span<const uint32_t> StackMapSlots(const StackMap& m) const {
    return {stack_map_slots.data() + m.slot_begin, m.slot_end - m.slot_begin};
  }
  // Interval colouring of one class: gives each extent a new or shared spill slot of class `cls`
  // (phys[vreg] = slot), sharing a slot between extents that do not overlap, through a min-heap
  // of slot end points. `touching_share`: an extent may start at the point where the slot's last
  // one ended (half-open extents); otherwise it must start after it. Sorts `extents` by start.
  void ShareSpillSlots(RegClass cls, std::vector<SlotExtent>& extents, bool touching_share,
                       std::vector<uint32_t>& phys);
  // Recomputes spills/reloads/moves/remats/spill_slots from the edits.
  void CountEdits();
  // A readable dump of the edits and stack maps.
  std::string ToString() const;
};

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_OUTPUT_H_
