// parallel_move.h: turns a set of simultaneous moves into a sequence of single moves.
//
// Edge moves (branch arguments into block parameters, and values whose locations differ between
// a predecessor's exit and a successor's entry) happen "all at once": a move may read a location
// another move writes. Resolve() orders them so every source is read before it is overwritten,
// breaking cycles through a temporary. Stack-to-stack moves go through a register, because no
// target can encode them. The temporary register of a class is, in order of preference:
//   - the environment's dedicated scratch register (`Temps::scratch`, when the target keeps one);
//   - a register the caller's `ScratchSource` reports free at the moves' program point (holding
//     no live value and not read or written by any of the moves);
//   - none: a cycle is then broken through the class's cycle slot, and each stack-to-stack move
//     borrows `Temps::borrow`: its value is saved in `save_slot` around that one move
//     (borrow -> save, from -> borrow, borrow -> to, save -> borrow), so the borrowed register
//     may be any register of the class, even one the parallel move itself reads or writes.
// A register temporary holds a cycle's parked value only while no stack-to-stack move of its
// class is pending (otherwise the cycle slot does), so the two uses never overlap.
// A move from `Allocation::Remat(v)` (recompute v) reads no location: it is emitted after all
// others; one into a slot goes through the scratch register or a borrowed register.
//
// Precondition: each destination is written by at most one move. Cost: linear in the number of
// moves (a ready list driven by per-location reader counts, as in a topological sort).
#ifndef EGRET_REGALLOC_PARALLEL_MOVE_H_
#define EGRET_REGALLOC_PARALLEL_MOVE_H_

#include <cstdint>
#include <span>
#include <vector>

#include "regalloc/function.h"
#include "regalloc/operand.h"

namespace egret::regalloc {

class ParallelMoveResolver {
 public:
  struct Move {
    Allocation from, to;
    RegClass cls;
  };

  // Where the resolver finds a register temporary when a target keeps no scratch register.
  class ScratchSource {
   public:
    // A register of `cls`, not in `busy` (every register the parallel move reads or writes),
    // that holds no live value at the moves' program point; an invalid PReg if there is none.
    // Called at most once per Resolve() and class, and only when a temporary is needed.
    virtual PReg FreeReg(RegClass cls, const PRegSet& busy) = 0;

   protected:
    ~ScratchSource() = default;
  };

  // Per class c: scratch[c] (valid: always used, nothing else is asked), cycle_slot[c] (breaks a
  // cycle when no register temporary is available), borrow[c] and save_slot[c] (a register a
  // stack-to-stack move borrows when no register is free, and where its value waits).
  struct Temps {
    PReg scratch[kNumRegClasses];
    Allocation cycle_slot[kNumRegClasses];
    PReg borrow[kNumRegClasses];
    Allocation save_slot[kNumRegClasses];
    ScratchSource* source = nullptr;  // null: no register is known to be free
    // Registers that hold live values at the moves' program point without being a location of
    // any move: the identity moves a caller leaves out (each would read and write its
    // register). A register temporary is never one of them, as if they were moves.
    PRegSet held;
  };

  // `out` receives (from, to) pairs in execution order.
  void Resolve(std::span<const Move> moves, const Temps& temps,
               std::vector<std::pair<Allocation, Allocation>>* out);
  // Whether any Resolve() so far used the cycle slot / the save slot of class c.
  bool used_cycle_slot(RegClass c) const { return used_cycle_slot_[static_cast<int>(c)]; }
  bool used_save_slot(RegClass c) const { return used_save_slot_[static_cast<int>(c)]; }
  // Stack-to-stack moves that had to borrow a register (4 edits instead of 2), over all calls.
  uint64_t borrowed_moves() const { return borrowed_moves_; }
  // Forgets the uses above, as for a new function (a resolver kept from function to function
  // keeps its tables' capacity).
  void ClearUsage() {
    for (int c = 0; c < kNumRegClasses; ++c) used_cycle_slot_[c] = used_save_slot_[c] = false;
    borrowed_moves_ = 0;
  }

 private:
  static uint32_t Key(Allocation a) {
    return a.is_reg() ? a.reg().index() : PReg::kNumIndices + a.slot();
  }
  void Grow(uint32_t key);
  // Sequentializes `moves` (no rematerializations).
  void ResolveMoves(std::span<const Move> moves, const Temps& temps,
                    std::vector<std::pair<Allocation, Allocation>>* out);

  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr uint32_t kSmall = 8;  // moves checked pairwise for independence
  std::vector<uint32_t> writer_, reader_count_, first_reader_;  // per location key
  std::vector<uint32_t> next_reader_;                           // per move
  std::vector<uint8_t> done_;
  std::vector<Move> pending_, plain_, remats_;
  std::vector<uint32_t> ready_, touched_;
  bool used_cycle_slot_[kNumRegClasses] = {false, false};
  bool used_save_slot_[kNumRegClasses] = {false, false};
  uint64_t borrowed_moves_ = 0;
};

// A ScratchSource for program points where every value live in a register is a location of the
// parallel move (CFG edges: the moves take every live-in value and parameter from where the
// predecessor left it to where the successor expects it, identity moves included): then any
// allocatable register the moves do not mention is free. Caller-saved registers first, so the
// temporary never costs a prologue save when one of those is free.
class UnmentionedRegScratch final : public ParallelMoveResolver::ScratchSource {
 public:
  explicit UnmentionedRegScratch(const MachineEnv& env) : env_(env) {}
  PReg FreeReg(RegClass cls, const PRegSet& busy) override;

 private:
  const MachineEnv& env_;
};

// The first allocatable register of `cls` (for Temps::borrow), or an invalid PReg.
PReg FirstAllocatable(const MachineEnv& env, RegClass cls);

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_PARALLEL_MOVE_H_
