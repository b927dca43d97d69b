// analysis_cache.cc: lazily computed CFG, dominator tree, loops and liveness. See
// analysis_cache.h.
#include "opt/analysis_cache.h"

#include "opt/ir_edit.h"

namespace egret::opt {

const ir::ControlFlowGraph& AnalysisCache::Cfg() {
  if (!(valid_ & kCfgAnalysis)) {
    cfg_.Compute(*f_);
    valid_ |= kCfgAnalysis;
    ++computations_;
  } else {
#ifdef EGRET_DEBUG
    // A held CFG must be the one the function has now (a pass that declared the CFG preserved,
    // or published one, and changed an edge would fail here).
    EGRET_CHECK(cfg_.SameEdges(ir::ControlFlowGraph(*f_)));
#endif
  }
  return cfg_;
}

const ir::DominatorTree& AnalysisCache::DomTree() {
  if (!(valid_ & kDomTreeAnalysis)) {
    const ir::ControlFlowGraph& cfg = Cfg();
    domtree_.Compute(*f_, cfg);
    valid_ |= kDomTreeAnalysis;
    ++computations_;
  } else {
#ifdef EGRET_DEBUG
    const ir::ControlFlowGraph fresh(*f_);
    EGRET_CHECK(cfg_.SameEdges(fresh) && domtree_.SameTree(ir::DominatorTree(*f_, fresh)));
#endif
  }
  return domtree_;
}

void AnalysisCache::PublishCfg(ir::ControlFlowGraph& cfg) {
  if (&cfg != &cfg_) {
    cfg_.Swap(cfg);
    // What was derived from the graph held before (if any) describes that one.
    valid_ &= kCfgIndependentAnalyses;
    valid_ |= kCfgAnalysis;
  }
  EGRET_DCHECK(valid_ & kCfgAnalysis);
  published_ |= kCfgAnalysis;
#ifdef EGRET_DEBUG
  EGRET_CHECK(cfg_.SameEdges(ir::ControlFlowGraph(*f_)));
#endif
}

void AnalysisCache::PublishCfgBypassing(ir::ControlFlowGraph& cfg,
                                        std::span<const ir::BypassedEdge> bypassed,
                                        std::span<const ir::Block> removed) {
  EGRET_DCHECK(&cfg != &cfg_);
  bool tree = valid_ & kDomTreeAnalysis;
  // Every forwarder is gone, and the preds and targets stay (no chain of forwarders).
  const ir::Layout& layout = f_->layout;
  for (const ir::BypassedEdge& e : bypassed) {
    tree &= !layout.IsBlockInserted(e.forwarder) && layout.IsBlockInserted(e.pred) &&
            layout.IsBlockInserted(e.target);
  }
  const bool loops =
      tree && (valid_ & kLoopAnalysis) && loops_.CanRemoveForwardingBlocks(domtree_, bypassed);
  PublishCfg(cfg);
  if (!tree) return;
  domtree_.RemoveForwardingBlocks(*f_, bypassed);
  // Any other block removed must have been unreachable; else the tree goes after all.
  for (const ir::Block b : removed)
    if (domtree_.IsReachable(b)) return;
  valid_ |= kDomTreeAnalysis;
  published_ |= kDomTreeAnalysis;
  if (loops) {
    loops_.RemoveForwardingBlocks(bypassed);
    valid_ |= kLoopAnalysis;
    published_ |= kLoopAnalysis;
  }
#ifdef EGRET_DEBUG
  const ir::DominatorTree fresh_dt(*f_, cfg_);
  EGRET_CHECK(domtree_.SameTree(fresh_dt));
  if (loops) {
    ir::LoopAnalysis fresh_loops;
    fresh_loops.Compute(*f_, cfg_, fresh_dt);
    EGRET_CHECK(loops_.SameLoops(fresh_loops));
  }
#endif
}

const ir::LoopAnalysis& AnalysisCache::Loops() {
  if (!(valid_ & kLoopAnalysis)) {
    const ir::ControlFlowGraph& cfg = Cfg();
    const ir::DominatorTree& dt = DomTree();
    loops_.Compute(*f_, cfg, dt);
    valid_ |= kLoopAnalysis;
    ++computations_;
  }
  return loops_;
}

const ir::Liveness& AnalysisCache::Liveness() {
  if (!(valid_ & kLivenessAnalysis)) {
    const ir::ControlFlowGraph& cfg = Cfg();
    const ir::DominatorTree& dt = DomTree();
    liveness_ = ir::Liveness();
    liveness_.Compute(*f_, cfg, dt);
    valid_ |= kLivenessAnalysis;
    ++computations_;
  }
  return liveness_;
}

void AnalysisCache::ReorderSuccessors(ir::Block b) {
  if (!(valid_ & kCfgAnalysis)) return;
  cfg_.ReorderSuccessors(*f_, b);
  Invalidate(kCfgAnalysis | kCfgIndependentAnalyses);
}

void AnalysisCache::AddForwardingBlocks(std::span<const ir::ForwardingBlock> added) {
  EGRET_CHECK(valid_ & kCfgAnalysis);
  Invalidate(kCfgShapeAnalyses | kCfgIndependentAnalyses | kNoMergeAnalysis |
             kNoRepeatedLocationsAnalysis);
  if (added.empty()) return;
  if (valid_ & kUseCountAnalysis) {
    KeptUseCounts uses(&use_counts_);
    for (const ir::ForwardingBlock& fb : added)
      uses.AddOperands(f_->dfg, f_->layout.LastInst(fb.block), +1);
    uses.Finish(f_->dfg);
  }
  cfg_.AddForwardingBlocks(*f_, added);
  if (valid_ & kNoMergeAnalysis) {
    // Only the forwarders and their targets gained or lost incoming edges, and only the
    // forwarders' jumps are new terminators: a pair to merge now has a forwarder in it.
    // (Predecessor lists name each predecessor once.)
    for (const ir::ForwardingBlock& fb : added) {
      const auto preds = cfg_.Preds(fb.block);
      if (cfg_.Preds(fb.target).size() < 2 ||
          (preds.size() == 1 &&
           f_->dfg[f_->layout.LastInst(preds[0])].opcode == ir::Opcode::kJump)) {
        valid_ &= ~kNoMergeAnalysis;
        break;
      }
    }
  }
  if (valid_ & kDomTreeAnalysis) domtree_.AddForwardingBlocks(*f_, added);
  if (valid_ & kLoopAnalysis) loops_.AddForwardingBlocks(*f_, added);
#ifdef EGRET_DEBUG
  const ir::ControlFlowGraph fresh(*f_);
  EGRET_CHECK(cfg_.SameEdges(fresh));
  if (valid_ & kDomTreeAnalysis) {
    const ir::DominatorTree fresh_dt(*f_, fresh);
    EGRET_CHECK(domtree_.SameTree(fresh_dt));
    if (valid_ & kLoopAnalysis) {
      ir::LoopAnalysis fresh_loops;
      fresh_loops.Compute(*f_, fresh, fresh_dt);
      EGRET_CHECK(loops_.SameLoops(fresh_loops));
    }
  }
#endif
}

void AnalysisCache::Invalidate(uint8_t preserved) {
  published_ &= preserved;
  if (!(preserved & kCfgAnalysis))
    preserved &= kCfgIndependentAnalyses | kNoRepeatedLocationsAnalysis;
  if (!(preserved & kDomTreeAnalysis)) preserved &= ~(kLoopAnalysis | kLivenessAnalysis);
  valid_ &= preserved;
}

}  // namespace egret::opt
