// liveness.h: which values are live on entry to and on exit from each block.
//
// Computed per value by walking backwards from its uses to its definition (the "path
// exploration" formulation of SSA liveness): a value used in block U (a branch argument counts
// as a use in the branching block) and defined in D is live-in at every block on a path from D
// to U, excluding D, and live-out at their predecessors. Cost is proportional to the total size
// of the live ranges; nothing is quadratic in the number of blocks. Block parameters are defined
// at the top of their block, so they are never live-in there. Sets are sorted by value number.
// Unreachable blocks are ignored.
#ifndef EGRET_IR_LIVENESS_H_
#define EGRET_IR_LIVENESS_H_

#include <span>
#include <vector>

#include "ir/cfg.h"
#include "ir/dominator_tree.h"

namespace egret::ir {

class Liveness {
 public:
  void Compute(const Function& f, const ControlFlowGraph& cfg, const DominatorTree& domtree);

  std::span<const Value> LiveIn(Block b) const { return Get(live_in_, b); }
  std::span<const Value> LiveOut(Block b) const { return Get(live_out_, b); }
  bool IsLiveIn(Block b, Value v) const;
  bool IsLiveOut(Block b, Value v) const;

 private:
  static std::span<const Value> Get(const std::vector<std::vector<Value>>& sets, Block b) {
    return b.index < sets.size() ? std::span<const Value>(sets[b.index]) : std::span<const Value>();
  }
  std::vector<std::vector<Value>> live_in_, live_out_;
};

}  // namespace egret::ir

#endif  // EGRET_IR_LIVENESS_H_
