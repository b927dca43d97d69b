// parallel_move.h: turns a set of simultaneous moves into a sequence of single moves.
//
// Edge moves (branch arguments into block parameters, and values whose locations differ between
// a predecessor's exit and a successor's entry) happen "all at once": a move may read a location
// another move writes. Resolve() orders them so every source is read before it is overwritten,
// breaking cycles through a temporary: the class's scratch register when no stack-to-stack move
// still needs that register, otherwise a dedicated stack slot (the caller's `cycle_slot`).
// Stack-to-stack moves go through the scratch register, because no target can encode them.
// A move from `Allocation::Remat(v)` (recompute v) reads no location: it is emitted after all
// others, into a slot through the scratch register.
//
// Precondition: each destination is written by at most one move. Cost: linear in the number of
// moves (a ready list driven by per-location reader counts, as in a topological sort).
#ifndef EGRET_REGALLOC_PARALLEL_MOVE_H_
#define EGRET_REGALLOC_PARALLEL_MOVE_H_

#include <cstdint>
#include <span>
#include <vector>

#include "regalloc/operand.h"

namespace egret::regalloc {

class ParallelMoveResolver {
 public:
  struct Move {
    Allocation from, to;
    RegClass cls;
  };

  // scratch[c]: the scratch register of class c. cycle_slot[c]: a stack slot reserved for
  // breaking cycles of class c when the scratch register is busy. `out` receives (from, to)
  // pairs in execution order; returns true if cycle_slot of some class was used.
  void Resolve(std::span<const Move> moves, const PReg* scratch, const Allocation* cycle_slot,
               std::vector<std::pair<Allocation, Allocation>>* out);
  bool used_cycle_slot(RegClass c) const { return used_cycle_slot_[static_cast<int>(c)]; }

 private:
  static uint32_t Key(Allocation a) {
    return a.is_reg() ? a.reg().index() : PReg::kNumIndices + a.slot();
  }
  void Grow(uint32_t key);
  // Sequentializes pending_ (no rematerializations).
  void ResolveMoves(const PReg* scratch, const Allocation* cycle_slot,
                    std::vector<std::pair<Allocation, Allocation>>* out);

  static constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> writer_, reader_count_, first_reader_;  // per location key
  std::vector<uint32_t> next_reader_;                           // per move
  std::vector<uint8_t> done_;
  std::vector<Move> pending_, remats_;
  std::vector<uint32_t> ready_, touched_;
  bool used_cycle_slot_[kNumRegClasses] = {false, false};
};

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_PARALLEL_MOVE_H_
