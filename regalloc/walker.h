// walker.h: the forward allocation engine behind both allocators.
//
// The walker visits blocks in layout order and instructions forwards, keeping an exact picture
// of the register file: which vreg each register holds (`occupant_`), which register holds each
// vreg (`home_`), and whether the vreg's spill slot holds its value (`slot_valid_`). Every edit it
// emits is applied to that picture at once, so edits at one point are correct in emission order
// and never need a later parallel-move step. When registers run out it evicts the value whose
// next use is farthest (Belady), storing it only if its slot is stale; a later use reloads it
// into whatever register is free then. That split-on-demand is the "second chance" of Traub et
// al.'s binpacking linear scan.
//
// Modes:
//   kBlockLocal (fast): each block starts with empty registers and every value live into it in
//     its spill slot; defs of values live out are stored right after the def.
//   kGlobal (linear): a block starts from the exit state of an already-visited predecessor,
//     with block parameters coalesced into their argument's register; hints steer back-edge
//     arguments and values used in fixed registers. A loop whose back edge needs moves is
//     walked once more with the header expecting what the latch leaves (see Run()).
// Then, for every CFG edge, a parallel move takes each value from where the predecessor left it
// to where the successor expects it (parallel_move.h); it goes before the predecessor's
// terminator if that block has one successor, else at the top of the (sole-predecessor)
// successor.
//
// Spill slots are virtual during the walk (one per vreg); afterwards vregs whose linear extents
// (first to last live instruction in layout order) do not overlap share physical slots, assigned
// by interval colouring per class.
//
// Complexity: linear in instructions + operands + live-in/out set sizes, times the number of
// registers of a class for each allocation decision (a constant), plus sorting the edge edits.
// Walking loops again adds at most the function's size once more.
#ifndef EGRET_REGALLOC_WALKER_H_
#define EGRET_REGALLOC_WALKER_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "regalloc/function.h"
#include "regalloc/liveness.h"
#include "regalloc/output.h"
#include "regalloc/parallel_move.h"

namespace egret::regalloc {

class ForwardWalker {
 public:
  enum class Mode { kBlockLocal, kGlobal };
  ForwardWalker(const Function& f, const MachineEnv& env, const Liveness& live, Mode mode,
                Output* out);
  Status Run();

 private:
  static constexpr uint32_t kDead = UINT32_MAX;  // no further use
  // Next-use positions are instruction indices; a position at or past the block's end means "in
  // an allocated successor, that far"; kLiveOut means live out with no known next use.
  static constexpr uint32_t kLiveOut = UINT32_MAX - 1;

  struct PendingEdit {
    uint32_t point;
    uint8_t phase;  // 0: edge moves at a block's top, 1: the walker's, 2: edge moves at its end
    Allocation from, to;
  };
  struct LocRecord {  // where a vreg is at a block's entry or exit
    VReg v;
    PReg reg;
    bool slot_valid;
    uint32_t next = kLiveOut;  // entry records: its next use, relative to the block's start
  };
  struct Span {
    uint32_t begin = 0, end = 0;
  };

  // Per block.
  void ScanBlock(uint32_t b);
  Status SetupEntry(uint32_t b);
  Status ProcessInst(uint32_t b, uint32_t i);
  Status RecordExit(uint32_t b);
  Status ResolveEdges();
  uint32_t EdgeCost(uint32_t p, const SuccEdge& e);
  void PreferExitOf(uint32_t p, const SuccEdge& e);
  void AssignSlots();

  // Register-file helpers; all edits go "before i" unless named otherwise.
  Allocation Slot(VReg v) {
    has_slot_[v.index] = 1;
    return Allocation::Stack(v.index);
  }
  void Emit(uint32_t point, uint8_t phase, Allocation from, Allocation to) {
    edits_.push_back({point, phase, from, to});
  }
  void EmitBefore(uint32_t i, Allocation from, Allocation to) {
    Emit(ProgPoint::Before(i).bits(), 1, from, to);
  }
  void Assign(PReg r, VReg v) {
    occupant_[r.index()] = v;
    home_[v.index] = r;
  }
  void Release(VReg v) {
    const PReg h = home_[v.index];
    if (h.valid()) {
      if (occupant_[h.index()] == v) occupant_[h.index()] = VReg();
      home_[v.index] = PReg();
    }
  }
  void EnsureSlot(VReg v, uint32_t i);
  // Frees r before instruction i: its occupant moves to a free register outside `keep_out`
  // (relocate) or to its slot, unless it is dead.
  void Vacate(PReg r, uint32_t i, PRegSet keep_out, bool relocate);
  // A register of `cls` outside `avoid`: the hint if free, a free one (outside `rather_not` if
  // possible), or an evicted one (never from `no_evict`). Invalid when none is left.
  PReg AllocReg(RegClass cls, PRegSet avoid, PRegSet no_evict, PReg hint, uint32_t i,
                PRegSet rather_not = PRegSet());
  PReg FreeReg(RegClass cls, PRegSet avoid) const;

  const Function& f_;
  const MachineEnv& env_;
  const Liveness& live_;
  const Mode mode_;
  Output* out_;
  std::vector<PReg> order_[kNumRegClasses];
  PRegSet allocatable_;

  // Register file.
  VReg occupant_[PReg::kNumIndices];
  bool temp_[PReg::kNumIndices] = {};  // a copy for one instruction; the vreg's home is elsewhere
  std::vector<PReg> temps_;

  // Per vreg.
  std::vector<PReg> home_, hint_;
  std::vector<uint8_t> slot_valid_, has_slot_;
  std::vector<uint32_t> next_use_;
  // Backward-scan scratch, valid where scan_epoch_[v] == epoch_.
  std::vector<uint32_t> scan_next_, scan_epoch_, liveout_epoch_;
  uint32_t epoch_ = 0;
  std::vector<uint32_t> live_refs_;  // during the scan: reference vregs live
  std::vector<uint32_t> live_ref_pos_;

  // Per operand: the next use of its vreg after its instruction (kDead, kLiveOut or an index).
  std::vector<uint32_t> op_next_use_;
  // Per operand: its vreg's value lives across a clobbering instruction before its next use.
  std::vector<uint8_t> op_crosses_call_;
  PRegSet clobbered_anywhere_;  // union of all clobber sets
  PRegSet CallAvoid(uint32_t operand) const {
    return op_crosses_call_[operand] ? clobbered_anywhere_ : PRegSet();
  }
  // Per instruction of the current block: reference vregs live across it (safepoints only).
  std::vector<Span> safepoint_refs_;
  std::vector<uint32_t> safepoint_ref_list_;

  std::vector<Span> entry_span_, exit_span_;
  std::vector<LocRecord> entry_recs_, exit_recs_;
  std::vector<uint8_t> walked_;
  std::vector<uint32_t> rec_epoch_;
  uint32_t rec_stamp_ = 0;
  std::vector<LocRecord> rec_;

  std::vector<PReg> reuse_reg_;  // per operand of the current instruction
  // Preferred entry registers for the loop header walked again (invalid: its slot).
  uint32_t prefer_block_ = UINT32_MAX;
  uint32_t pref_stamp_ = 0;
  std::vector<uint32_t> pref_epoch_;
  std::vector<PReg> pref_reg_;
  std::vector<VReg> param_arg_;  // EdgeCost(): the argument feeding each parameter
  // ScanBlock(): the argument feeding each parameter of one successor, where edge_epoch_ matches.
  std::vector<uint32_t> edge_epoch_;
  std::vector<VReg> edge_arg_;
  uint32_t edge_stamp_ = 0;

  std::vector<PendingEdit> edits_;
  size_t walk_edits_ = 0;  // edits_[0, walk_edits_) come from the walk, in program order

  // Per vreg: its extent in layout order (first and last instruction where it is live), for
  // sharing spill slots.
  std::vector<uint32_t> first_pos_, last_pos_;
  void Touch(VReg v, uint32_t pos) {
    first_pos_[v.index] = std::min(first_pos_[v.index], pos);
    last_pos_[v.index] = std::max(last_pos_[v.index], pos);
  }
  ParallelMoveResolver resolver_;
};

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_WALKER_H_
