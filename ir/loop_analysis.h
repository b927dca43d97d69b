// loop_analysis.h: the natural loops of a function and how they nest.
//
// A loop is identified by its header h: the target of a back edge b -> h where h dominates b.
// Its body is every block that reaches a back edge's source without passing through h.
// Headers are processed innermost first (decreasing RPO number), so when the backward walk from
// an outer loop's latches meets a block already claimed by an inner loop, it makes that inner
// loop's outermost ancestor a child of the current loop and continues from its header. Each
// block belongs to its innermost loop. Retreating edges into a block that does not dominate
// their source (irreducible control flow) form no loop.
#ifndef EGRET_IR_LOOP_ANALYSIS_H_
#define EGRET_IR_LOOP_ANALYSIS_H_

#include <span>
#include <vector>

#include "ir/cfg.h"
#include "ir/dominator_tree.h"

namespace egret::ir {

using Loop = Id<struct LoopTag>;

class LoopAnalysis {
 public:
  void Compute(const Function& f, const ControlFlowGraph& cfg, const DominatorTree& domtree);
  // After forwarding blocks were inserted as for DominatorTree::AddForwardingBlocks: gives the
  // result Compute would give on the new graph. The headers and their order do not change (a
  // forwarder has no back edge: the target does not dominate its sources, so neither does the
  // forwarder), nor does any old block's loop; a forwarder is in exactly the loops that hold
  // its target other than the one the target heads (it reaches their latches through the
  // target), so its innermost loop is the target's, or that loop's parent when the target is
  // its header.
  void AddForwardingBlocks(const Function& f, std::span<const ForwardingBlock> added);
  // After forwarding blocks were bypassed and removed as for
  // DominatorTree::RemoveForwardingBlocks, with `domtree` the tree of the graph before: whether
  // the loops stay those Compute would give on the new graph but for the removed forwarders,
  // which is so when no reachable forwarder heads a loop and every bypassed edge pred -> target
  // that is a back edge now (target dominates pred) replaces one through a forwarder the target
  // dominates (then forwarder -> target was a back edge, the headers are the same and each
  // loop's body loses only the forwarders). Otherwise (an edge into an irreducible cycle became
  // a back edge) the loops must be computed again.
  bool CanRemoveForwardingBlocks(const DominatorTree& domtree,
                                 std::span<const BypassedEdge> bypassed) const;
  // Takes the forwarders out of their loops (CanRemoveForwardingBlocks must hold).
  void RemoveForwardingBlocks(std::span<const BypassedEdge> bypassed);
  // Whether both describe the same loops, nesting and block membership (checks of the
  // analysis cache).
  bool SameLoops(const LoopAnalysis& o) const {
    return loops_ == o.loops_ && block_loop_ == o.block_loop_;
  }

  size_t NumLoops() const { return loops_.size(); }
  Block Header(Loop l) const { return loops_[l].header; }
  Loop Parent(Loop l) const { return loops_[l].parent; }
  uint32_t Depth(Loop l) const { return loops_[l].depth; }  // outermost loops: 1
  // The innermost loop containing b (invalid if none).
  Loop InnermostLoop(Block b) const { return block_loop_[b]; }
  uint32_t LoopDepth(Block b) const {
    Loop l = block_loop_[b];
    return l.valid() ? loops_[l].depth : 0;
  }
  bool IsLoopHeader(Block b) const {
    Loop l = block_loop_[b];
    return l.valid() && loops_[l].header == b;
  }
  // Whether loop `inner` is `outer` or nested in it.
  bool IsChildOf(Loop inner, Loop outer) const;
  // Whether b is in loop l (directly or in a nested loop).
  bool Contains(Loop l, Block b) const {
    Loop m = block_loop_[b];
    return m.valid() && IsChildOf(m, l);
  }

 private:
  struct LoopData {
    Block header;
    Loop parent;
    uint32_t depth = 1;
    friend bool operator==(const LoopData&, const LoopData&) = default;
  };
  PrimaryMap<Loop, LoopData> loops_;
  SecondaryMap<Block, Loop> block_loop_;
  // Compute's worklist and header marks (by block), kept for their capacity.
  std::vector<Block> work_;
  std::vector<uint8_t> is_header_;
};

// Where a consumer takes the loops of a function from when its caller holds them
// (opt::AnalysisCache is one; the compiler hands it to lowering, CompileOptions::loops):
// computed on first use if need be, and describing the function as it is now.
class LoopSource {
 public:
  virtual const LoopAnalysis& Loops() = 0;

 protected:
  ~LoopSource() = default;
};

}  // namespace egret::ir

#endif  // EGRET_IR_LOOP_ANALYSIS_H_
