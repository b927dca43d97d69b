// analysis_cache.h: the analyses a pass may ask for, computed on first use and kept until a
// pass that does not preserve them runs.
//
// Invariant: an analysis handed out by the cache describes the function as it is now. The pass
// manager keeps this by calling EndPass(preserved) after every pass with the set that pass
// declares it preserves (Pass::preserves), which also keeps what the pass published as exact
// when it ended (PublishUseCounts, PublishCfg); a pass that edits the CFG in the middle of its
// own run and needs fresh analyses afterwards calls Invalidate itself. Dependencies are kept
// consistent: dropping the CFG drops everything derived from it (all but the use counts and
// the conditional-trap fact, kCfgIndependentAnalyses),
// dropping the dominator tree drops loops and liveness. In builds with EGRET_DCHECKs every
// cached CFG and dominator tree handed out is compared with a fresh computation.
//
// The cache outlives the pipeline: the compiler keeps one per worker, verifies the function
// with its CFG and dominator tree (it is an ir::VerifierAnalyses) and hands it to lowering for
// the loops (an ir::LoopSource), so what the last passes left is not computed again.
#ifndef EGRET_OPT_ANALYSIS_CACHE_H_
#define EGRET_OPT_ANALYSIS_CACHE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ir/cfg.h"
#include "ir/dominator_tree.h"
#include "ir/function.h"
#include "ir/liveness.h"
#include "ir/loop_analysis.h"
#include "ir/verifier.h"

namespace egret::opt {

// Bit set of analyses, for Pass::preserves and AnalysisCache::Invalidate.
enum AnalysisBits : uint8_t {
  kNoAnalyses = 0,
  kCfgAnalysis = 1 << 0,       // ir::ControlFlowGraph
  kDomTreeAnalysis = 1 << 1,   // ir::DominatorTree
  kLoopAnalysis = 1 << 2,      // ir::LoopAnalysis
  kLivenessAnalysis = 1 << 3,  // ir::Liveness
  // Use counts of every value over the placed instructions. Never computed on demand: a pass
  // that ends with them exact publishes them (PublishUseCounts: simplify counts them on its
  // walk, cfg_simplify keeps them exact through its edits), passes that keep them exact through
  // their own edits preserve them (KeptUseCounts, opt/ir_edit.h: gvn, licm, load_elim,
  // iv_reduce), and a later pass takes them instead of counting (cfg_simplify, iv_reduce, dce).
  // Independent of the CFG: dropping the CFG does not drop them.
  kUseCountAnalysis = 1 << 4,
  // A fact rather than an analysis: no placed instruction is a `trapz` or `trapnz`. Never
  // computed on demand: simplify publishes it when it kept none, cfg_simplify when its scan for
  // conditional traps found none (PublishNoCondTraps), and every pass that makes no conditional
  // trap preserves it (all of them: simplify and cfg_simplify only remove them, the others only
  // move them). cfg_simplify then skips that scan, which is its only walk over the instructions
  // when it also takes the use counts. Independent of the CFG, as the use counts.
  kNoCondTrapsAnalysis = 1 << 5,
  // What no change to the block graph drops (they describe instructions, not edges).
  kCfgIndependentAnalyses = kUseCountAnalysis | kNoCondTrapsAnalysis,
  // What a pass that removes or rewrites instructions but never touches terminators, blocks or
  // block parameters preserves: the block graph and everything derived from it, not liveness.
  kCfgShapeAnalyses = kCfgAnalysis | kDomTreeAnalysis | kLoopAnalysis,
  // A fact about the block graph: no block ends in a `jump` to a block, other than itself and
  // the entry, whose only incoming edge that jump is (a pair cfg_simplify's phase 5 would
  // merge). Never computed on demand: cfg_simplify publishes it when its last round left none
  // (PublishNoMerge), and the passes that change no terminator's kind or destinations and add
  // no block preserve it (simplify, gvn, load_elim, iv_reduce, dce); licm's preheaders keep it
  // unless one makes such a pair (AddForwardingBlocks checks). The next cfg_simplify then skips
  // its first round's merge walk unless an edge changed. Not in kCfgShapeAnalyses (not every
  // pass that keeps the block graph declares it) and not CFG-independent: dropping the CFG
  // drops it.
  kNoMergeAnalysis = 1 << 6,
  // A fact about the memory accesses: no two placed loads, stores, stack_loads or stack_stores
  // of reachable blocks have the same location (opt/alias_analysis.h, MemLocation::SameAs), so
  // load_elim has no load to replace and no store to remove and skips the function. Never
  // computed on demand: gvn publishes it when its walk found no such pair
  // (PublishNoRepeatedLocations), and only licm preserves it (its preheaders hold no access; a
  // hoisted access keeps its location, or takes a constant's copy for its base, which only
  // another access hoisted from the same loop with the same base shares: it makes no new pair;
  // AddForwardingBlocks keeps it). Independent of the CFG.
  kNoRepeatedLocationsAnalysis = 1 << 7,
  kAllAnalyses = 0xff,
};

class AnalysisCache final : public ir::VerifierAnalyses, public ir::LoopSource {
 public:
  AnalysisCache() = default;
  explicit AnalysisCache(const ir::Function& f) : f_(&f) {}

  // Starts over on `f`: nothing is valid and the count is zero, but the analyses keep their
  // storage, so a cache reused for every function a worker compiles (PassManager::Run keeps one
  // per thread) recomputes them without allocating in steady state.
  void Reset(const ir::Function& f) {
    f_ = &f;
    valid_ = 0;
    published_ = 0;
    computations_ = 0;
  }

  const ir::ControlFlowGraph& Cfg() override;
  const ir::DominatorTree& DomTree() override;
  const ir::LoopAnalysis& Loops() override;
  const ir::Liveness& Liveness();

  // Use counts published by the last pass that had them exact, by value index (size
  // NumValues() when published), or null when none are valid. The caller may change them (a
  // pass that does not preserve kUseCountAnalysis: they are dropped after it).
  std::vector<uint32_t>* UseCounts() {
    return (valid_ & kUseCountAnalysis) ? &use_counts_ : nullptr;
  }
  // Moves the held use counts into `into` (swapped, so both keep their capacity) when they are
  // valid and sized for `num_values` values, and returns whether it did; they are then no
  // longer held (the caller keeps them exact and may publish them again).
  bool TakeUseCounts(std::vector<uint32_t>& into, size_t num_values) {
    if (!(valid_ & kUseCountAnalysis) || use_counts_.size() != num_values) return false;
    into.swap(use_counts_);
    valid_ &= ~kUseCountAnalysis;
    return true;
  }
  // Records that no placed instruction is a trapz or trapnz (kNoCondTrapsAnalysis).
  void PublishNoCondTraps() {
    valid_ |= kNoCondTrapsAnalysis;
    published_ |= kNoCondTrapsAnalysis;
  }
  // Records that no block pair is left for cfg_simplify's phase 5 to merge (kNoMergeAnalysis).
  // After PublishCfg, which drops what the graph held before implied.
  void PublishNoMerge() {
    valid_ |= kNoMergeAnalysis;
    published_ |= kNoMergeAnalysis;
  }
  // Records that no two memory accesses have the same location (kNoRepeatedLocationsAnalysis).
  void PublishNoRepeatedLocations() {
    valid_ |= kNoRepeatedLocationsAnalysis;
    published_ |= kNoRepeatedLocationsAnalysis;
  }
  // Takes `counts` (swapped with the cache's storage, so both keep their capacity) as the use
  // counts of the function as it is now.
  void PublishUseCounts(std::vector<uint32_t>& counts) {
    use_counts_.swap(counts);
    valid_ |= kUseCountAnalysis;
    published_ |= kUseCountAnalysis;
  }
  // Takes `cfg` (swapped, as above) as the CFG of the function as it is now, and drops what was
  // derived from the one held before. EndPass keeps it even when the running pass declares no
  // CFG preserved (cfg_simplify ends with a CFG of its final edges).
  void PublishCfg(ir::ControlFlowGraph& cfg);
  // The same for the CFG the cache holds (a pass that took it and then added, removed and
  // redirected nothing: the blocks and edges are as they were), with what was derived from it
  // and depends on nothing else: the dominator tree and the loops, if held, stay too.
  void PublishCfg() {
    PublishCfg(cfg_);
    published_ |= valid_ & (kDomTreeAnalysis | kLoopAnalysis);
  }

  // PublishCfg(cfg) for a pass whose only changes to the block graph since the held dominator
  // tree was computed were bypassed edges into forwarding blocks that it then removed, and the
  // removal of blocks the entry did not reach (the preconditions of
  // ir::DominatorTree::RemoveForwardingBlocks; cfg_simplify undoing licm's unused preheaders):
  // the dominator tree, and the loops if they stay what Compute would give
  // (ir::LoopAnalysis::CanRemoveForwardingBlocks), are updated in place and published with the
  // CFG instead of being dropped.
  // `removed` lists every block removed from the layout since then (forwarders included); the
  // preconditions that can be checked here are (every forwarder removed, its preds and target
  // not, every other removed block unreachable before), and when one fails the dominator tree
  // and loops are dropped, as PublishCfg(cfg) drops them. `cfg` is not the cache's own.
  void PublishCfgBypassing(ir::ControlFlowGraph& cfg, std::span<const ir::BypassedEdge> bypassed,
                           std::span<const ir::Block> removed);

  // The order of b's destinations changed, not the blocks they name (simplify swaps a brif's
  // arms): the CFG, if held, takes the new order (ControlFlowGraph::ReorderSuccessors); what
  // was derived from it (the reverse post-order follows the successor order) is dropped.
  void ReorderSuccessors(ir::Block b);

  // The pass inserted forwarding blocks (ir::ForwardingBlock; licm's preheaders) whose sources
  // are exactly the predecessors their target does not dominate, and changed nothing else of
  // the block graph: the held CFG, dominator tree and loops are updated in place to what
  // computing them now would give (their AddForwardingBlocks), instead of being dropped. The
  // CFG must be held. Liveness is dropped; held use counts take the forwarders' jumps (their
  // arguments are the forwarders' new parameters; the sources' branches pass what they passed
  // before). kNoMergeAnalysis stays unless a forwarder's jump is its target's only incoming
  // edge, or the forwarder's only predecessor ends in a jump (no other block's incoming edges
  // or terminator changed).
  void AddForwardingBlocks(std::span<const ir::ForwardingBlock> added);

  // Drops every analysis not in `preserved` (and whatever depends on a dropped one).
  void Invalidate(uint8_t preserved);
  // The pass manager's call after each pass: Invalidate(preserved), except that what the pass
  // published stays.
  void EndPass(uint8_t preserved) {
    Invalidate(preserved | published_);
    published_ = 0;
  }
  // Which analyses are currently held (for tests and statistics).
  uint8_t Valid() const { return valid_; }
  // How many analyses were computed since construction (each compute counts once).
  uint32_t computations() const { return computations_; }

 private:
  const ir::Function* f_ = nullptr;
  uint8_t valid_ = 0;
  uint8_t published_ = 0;  // published since the last EndPass
  uint32_t computations_ = 0;
  ir::ControlFlowGraph cfg_;
  ir::DominatorTree domtree_;
  ir::LoopAnalysis loops_;
  ir::Liveness liveness_;
  std::vector<uint32_t> use_counts_;
};

}  // namespace egret::opt

#endif  // EGRET_OPT_ANALYSIS_CACHE_H_
