// analysis_cache.cc: lazily computed CFG, dominator tree, loops and liveness. See
// analysis_cache.h.
#include "opt/analysis_cache.h"

namespace egret::opt {

const ir::ControlFlowGraph& AnalysisCache::Cfg() {
  if (!(valid_ & kCfgAnalysis)) {
    cfg_.Compute(*f_);
    valid_ |= kCfgAnalysis;
    ++computations_;
  }
  return cfg_;
}

const ir::DominatorTree& AnalysisCache::DomTree() {
  if (!(valid_ & kDomTreeAnalysis)) {
    const ir::ControlFlowGraph& cfg = Cfg();
    domtree_.Compute(*f_, cfg);
    valid_ |= kDomTreeAnalysis;
    ++computations_;
  }
  return domtree_;
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

void AnalysisCache::Invalidate(uint8_t preserved) {
  if (!(preserved & kCfgAnalysis)) preserved &= kUseCountAnalysis;
  if (!(preserved & kDomTreeAnalysis)) preserved &= ~(kLoopAnalysis | kLivenessAnalysis);
  valid_ &= preserved;
}

}  // namespace egret::opt
