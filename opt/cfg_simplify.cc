// cfg_simplify.cc: control-flow cleanup.
//
// Rounds of five linear phases, repeated while a later round could change something (at most
// kMaxRounds; a round whose phases 3-5 changed nothing is the last, and phases 2 and 5 run only
// after an edge changed, see Run):
//  1. fold terminators: brif on a constant, or to one block with the same arguments on both
//     arms, and br_table on a constant or with every entry equal, become jumps; a trapz/trapnz
//     whose condition is a constant that traps becomes `trap` and ends its block;
//  2. drop blocks the entry cannot reach;
//  3. remove block parameters that are unused (or only passed back to themselves), or that
//     receive the same value on every edge (that value then replaces the parameter; it
//     dominates the block because it is available at the end of every predecessor);
//  4. forward empty blocks: a block whose only instruction is `jump T(args)` is bypassed by
//     each predecessor, which jumps to T directly with the arguments substituted;
//  5. merge straight-line blocks: B ending in `jump C` where C has no other incoming edge
//     becomes one block.
// Invariants: the entry block and its parameters are never touched; no instruction other than
// the terminators and the removed blocks' contents changes; a predecessor is never left with
// two edges to one block carrying different arguments (forwarding skips such predecessors).
// The CFG changes, so no analysis of it is preserved; the use counts it keeps are published to
// the analysis cache (kUseCountAnalysis) when it ends, and so is the CFG of its final edges
// (AnalysisCache::PublishCfg), which it has at hand when it ends by finding nothing to change,
// with the fact that no block pair is left to merge (kNoMergeAnalysis): a later run that finds
// it held skips its first round's merge walk unless an edge changed.
//
// Cost: the first round's phase 1 walks every instruction once and counts every value's uses
// on the way, unless the cache holds exact counts (in the speed pipeline both runs take them:
// simplify published them, the passes between the runs kept them exact), and then its walk
// only looks for conditional traps, and is skipped when the cache says there are none
// (kNoCondTrapsAnalysis, which simplify and a run that found none publish); from then on each edit
// keeps the counts exact (a folded terminator, a removed block or instruction, a removed parameter,
// a forwarded edge, a merged jump), so later rounds touch blocks and terminators only. Their
// conditional-trap scan runs only while a `trapz`/`trapnz` is left and phase 3 or 5 of the round
// before replaced a value (nothing else can make a condition constant).
#include <algorithm>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ir/cfg.h"
#include "opt/ir_edit.h"
#include "opt/pass_manager.h"

namespace egret::opt {
namespace {

using ir::Block;
using ir::BlockCall;
using ir::Inst;
using ir::InstData;
using ir::Opcode;
using ir::Value;

constexpr int kMaxRounds = 16;

// What the edges into a block pass to one of its parameters.
struct ParamArgs {
  Value same;              // the value every edge passes (other than the parameter itself)
  bool unique = true;      // no edge passes another value
  uint32_t self_uses = 0;  // edges that pass the parameter back to itself
  void Add(Value a, Value param) {
    if (a == param) {
      ++self_uses;
    } else if (!same.valid()) {
      same = a;
    } else if (same != a) {
      unique = false;
    }
  }
};

// A predecessor whose every edge to `forwarder` phase 4 sent to `target` instead.
using Redirect = ir::BypassedEdge;

// The simplifier's storage, one per thread and kept between functions and rounds for its
// capacity (nothing in it carries meaning from one function to the next).
struct CfgScratch {
  ir::ControlFlowGraph cfg;
  std::vector<uint32_t> uses, edges;  // edges: MergeBlocks' predecessor count changes
  // Use-count changes of phase 4, applied when it ends (it decides on the counts of its start).
  std::vector<std::pair<Value, int32_t>> pending;
  std::vector<uint8_t> reached;
  std::vector<Block> stack;
  // Copies of block parameters and branch arguments (phases 4 and 5), kept between blocks.
  std::vector<Value> params, out_args, new_args;
  // Phase 3's sweep: what the edges into one block pass to each of its parameters.
  std::vector<ParamArgs> param_args;
  // The blocks phases 3 and 4 can act on, in layout order (see Run).
  std::vector<Block> param_blocks, lone_blocks;
  // Phase 4's redirections, in the order made: (pred, from, to), see ForwardEmptyBlocksAt.
  std::vector<Redirect> redirects;
  // The blocks phase 2 removed last, in increasing index order.
  std::vector<Block> removed;
  // Over the whole run: every redirection and every block phase 2 removed (see
  // AnalysisCache::PublishCfgBypassing).
  std::vector<Redirect> bypassed;
  std::vector<Block> all_removed;
  // By block: the epoch (CfgSimplifier::epoch_) in which something phase 3 reads about the
  // block last changed (see MarkBlock).
  std::vector<uint32_t> changed_in;
};

class CfgSimplifier {
 public:
  CfgSimplifier(ir::Function& f, AnalysisCache& analyses, CfgScratch& scratch)
      : f_(f),
        dfg_(f.dfg),
        analyses_(analyses),
        cfg_(scratch.cfg),
        uses_(scratch.uses),
        edges_(scratch.edges),
        pending_(scratch.pending),
        reached_(scratch.reached),
        stack_(scratch.stack),
        params_(scratch.params),
        param_args_(scratch.param_args),
        param_blocks_(scratch.param_blocks),
        lone_blocks_(scratch.lone_blocks),
        redirects_(scratch.redirects),
        removed_(scratch.removed),
        bypassed_(scratch.bypassed),
        all_removed_(scratch.all_removed),
        changed_in_(scratch.changed_in),
        out_args_(scratch.out_args),
        new_args_(scratch.new_args) {}

  // Not for a function with a single block (RunCfgSimplify).
  void Run() {
    // Use counts: those the cache holds, when the passes before kept them exact
    // (kUseCountAnalysis; sized for every value), else counted by the first round's phase 1 on
    // its walk.
    const bool count_uses = !analyses_.TakeUseCounts(uses_, dfg_.NumValues());
    if (count_uses) uses_.assign(dfg_.NumValues(), 0);
    // Without conditional traps (the cache says so: an earlier pass found none, and no pass
    // makes one) and with the counts taken, the first round's phase 1 looks at terminators only.
    no_condtraps_ = analyses_.Valid() & kNoCondTrapsAnalysis;
    // No pair of blocks to merge (the cache says so: the last cfg_simplify left none, and the
    // passes since kept it so): the first round's phase 5 runs only after an edge changed, as
    // later rounds' do.
    const bool no_merge = analyses_.Valid() & kNoMergeAnalysis;
#ifdef EGRET_DEBUG
    if (no_condtraps_) {
      for (Block b : f_.layout.Blocks())
        for (Inst i : f_.layout.Insts(b))
          EGRET_CHECK(dfg_[i].opcode != Opcode::kTrapz && dfg_[i].opcode != Opcode::kTrapnz);
    }
#endif
    changed_in_.assign(dfg_.NumBlocks(), 0);
    // The only blocks phase 3 (blocks with parameters) and phase 4 (blocks whose one
    // instruction is a jump) can act on, other than the entry, listed once in layout order: the
    // pass never adds a parameter, never reorders blocks, and a block gets to be a lone jump only
    // from being a lone branch (folded in phase 1, or the block a merge appends a lone
    // terminator to, which was a lone jump itself). So both phases walk these lists, skipping
    // blocks removed since, instead of every block in every round, and act on the same blocks
    // in the same order. The first round's phase 1 makes them on its walk (ListBlock).
    param_blocks_.clear();
    lone_blocks_.clear();
    // A CFG that describes the current edges, or null. Only the terminators' destinations and
    // the blocks in the layout shape it: phases 1, 2, 4 and 5 change them, phase 3 (parameters
    // and branch arguments) does not, so a round after one that changed only parameters reuses
    // the CFG. While nothing has changed yet, the CFG the pass manager's cache holds (if any)
    // still describes the function: the first round takes it instead of computing its own.
    const ir::ControlFlowGraph* cfg =
        (analyses_.Valid() & kCfgAnalysis) ? &analyses_.Cfg() : nullptr;
    // Phases 2 and 5 each leave nothing for a second run to find unless an edge went away or
    // moved in between: phase 2 removes every block the entry cannot reach, and only a removed
    // edge (a folded terminator, phase 1; a forwarded one, phase 4) makes another; phase 5
    // leaves no block ending in a jump to a block without other incoming edges, and its own
    // merges change no other block's incoming edges. Phase 3 changes no edge. So after the
    // first round each runs only when phase 1 (or 2), or phase 4 of the round before (phase 2)
    // or of this round (phase 5), changed something: skipping them changes nothing.
    bool forwarded = false;  // phase 4 of the round before redirected an edge
    // cfg_'s successor lists describe the current edges, its predecessor lists those before
    // phase 4 of the round before (which changed no edge but the ones it redirected, applied to
    // the successor lists; see ApplyRedirects): phase 2 searches them, and the graph is made
    // current by rebuilding the predecessor lists instead of computing it again.
    bool succs_current = false;
    // Phase 3 found nothing to change in the round before, and since then only forwarded
    // edges and blocks phase 2 removed changed anything it reads (both mark the blocks they
    // touch, MarkBlock): it then looks at marked blocks only, until it changes something.
    bool marked_only = false;
    // Whether the block graph changed only by forwardings and the removal of blocks (so far):
    // then a dominator tree and loops the cache holds of the graph the pass started from can be
    // updated instead of dropped (AnalysisCache::PublishCfgBypassing).
    bool bypassing_only = true;
    bypassed_.clear();
    all_removed_.clear();
    bool settled = false;  // the loop ended on a round that changed nothing in phases 3-5
    for (int round = 0; round < kMaxRounds; ++round) {
      bool changed = FoldTerminators(/*first_round=*/round == 0, round == 0 && count_uses);
      if (changed) succs_current = marked_only = bypassing_only = false;
      bool removed = false;
      if (round == 0 || changed || forwarded) {
        // Phase 2, unless the cache's dominator tree, which describes the function as it is
        // (the first round's phase 1 changed nothing), says every block is reachable: its
        // reverse post-order lists exactly the blocks the entry reaches.
        const bool all_reachable = round == 0 && !changed &&
                                   (analyses_.Valid() & kDomTreeAnalysis) &&
                                   analyses_.DomTree().Rpo().size() == f_.layout.NumBlocks();
        if (!all_reachable) {
          const ir::ControlFlowGraph* succs =
              succs_current ? &cfg_ : (round == 0 && !changed ? cfg : nullptr);
          removed = succs_current ? RemoveBypassedUnreachable() : RemoveUnreachable(succs);
          if (removed) all_removed_.insert(all_removed_.end(), removed_.begin(), removed_.end());
        }
        changed |= removed;
      }
      if (changed && !succs_current) cfg = nullptr;
      if (cfg == nullptr) {
        if (succs_current) {
          if (removed) cfg_.DropSuccessors(removed_);
          cfg_.RebuildPredecessors();
#ifdef EGRET_DEBUG
          EGRET_CHECK(cfg_.SameEdges(ir::ControlFlowGraph(f_)));
#endif
        } else {
          cfg_.Compute(f_);
        }
        cfg = &cfg_;
      }
      succs_current = false;
      CheckUseCounts();
      // Parameter removal keeps the CFG and maintains the use counts, so forwarding reuses both.
      const bool params = SimplifyParams(*cfg, uses_, marked_only);
      ++epoch_;  // the marks from here on are of changes after this phase 3
      forwarded = ForwardEmptyBlocks(*cfg, uses_);
      // Phase 3 changes no edge, so the CFG still holds for phase 5 unless phase 4 forwarded.
      EGRET_DCHECK(!(round == 0 && no_merge && !changed && !forwarded) || !CanMerge(*cfg));
      const bool merged =
          ((round == 0 && !no_merge) || changed || forwarded) && MergeBlocks(*cfg, forwarded);
      marked_only = !params && forwarded && !merged;
      if (merged) bypassing_only = false;
      if (forwarded) bypassed_.insert(bypassed_.end(), redirects_.begin(), redirects_.end());
      const bool edges = forwarded || merged;
      // Forwarding alone changed edges: the successor lists take its redirections (a merge
      // moves whole lists, so the graph is computed again after one).
      if (forwarded && !merged) {
        ApplyRedirects(*cfg);
        succs_current = true;
      }
      if (edges) cfg = nullptr;
      // Phases 1 and 2 leave nothing for a second run to find by themselves (phase 1 folds
      // every foldable terminator, and only a replaced value, phase 3 or 5, makes another
      // condition constant or two arms' arguments equal; phase 2, above). So a round whose
      // phases 3-5 changed nothing ends the loop: the next one would change nothing either.
      if (!(params || edges)) {
        settled = true;
        break;
      }
    }
    // No alias is left in an operand: none survives a pass (ir_edit.h), and phases 3 and 5,
    // the only ones that replace values, resolve theirs before returning.
    // The counts are exact (aliases' aside): a following dce takes them instead of counting.
    analyses_.PublishUseCounts(uses_);
    // The last scan for conditional traps found none (or none was needed: the cache said so),
    // and the phases since only removed instructions or moved whole blocks.
    if (!condtraps_) analyses_.PublishNoCondTraps();
    // A CFG left non-null describes the final edges (the loop drops it after every phase that
    // changes one): the passes after this one (gvn, or dce and then the verifier and lowering)
    // take it instead of computing their own. If it is still the cache's, taken in the first
    // round, no block or edge changed at all, so the cache's dominator tree and loops stay too;
    // when the only changes were forwardings whose forwarders phase 2 then removed (and
    // unreachable blocks removed), the cache updates them instead of dropping them.
    if (cfg == &cfg_ && bypassing_only) {
      analyses_.PublishCfgBypassing(cfg_, bypassed_, all_removed_);
    } else if (cfg == &cfg_) {
      analyses_.PublishCfg(cfg_);
    } else if (cfg != nullptr) {
      analyses_.PublishCfg();
    }
    // The last round's phase 5 found no pair to merge, or was skipped because it would have
    // found none (above): none is left (phase 3, after it, changes no edge).
    if (settled) analyses_.PublishNoMerge();
  }

 private:
  // Use counts (uses_) of one instruction's operands, added or taken away. No operand names an
  // alias outside phases 3 and 5 (see CountUses). uses_ is sized once per run (Run) and no
  // value is made during the pass, so its storage does not move: the walks go through the raw
  // pointer (a store through a uint32_t* could otherwise be taken to change the vector).
  void Count(Inst i) {
    uint32_t* const uses = uses_.data();
    ForEachOperandInline(dfg_, i, [uses](Value v) { ++uses[v.index]; });
  }
  void Uncount(Inst i) {
    uint32_t* const uses = uses_.data();
    ForEachOperandInline(dfg_, i, [uses](Value v) { --uses[v.index]; });
  }

  // In a build with EGRET_DCHECKs: the maintained counts equal a recount (aliases excepted:
  // they are no one's operand any more and keep a stale count).
  void CheckUseCounts() const {
#ifdef EGRET_DEBUG
    std::vector<uint32_t> fresh;
    CountUses(fresh);
    for (size_t k = 0; k < fresh.size(); ++k) {
      if (dfg_.ValueInfo(Value(static_cast<uint32_t>(k))).kind == ir::ValueKind::kAlias) continue;
      EGRET_DCHECK(fresh[k] == uses_[k]);
    }
#endif
  }

  Inst Terminator(Block b) const { return f_.layout.LastInst(b); }

  // Marks b as changed in the current epoch: its incoming edges or arguments, or the use count
  // of one of its parameters (MarkOwner), changed since the last phase 3.
  void MarkBlock(Block b) { changed_in_[b.index] = epoch_; }
  // v names no alias (phases 2 and 4 call this; see CountUses).
  void MarkOwner(Value v) {
    EGRET_DCHECK(dfg_.ResolveAliases(v) == v);
    const ir::ValueData& vd = dfg_.ValueInfo(v);
    if (vd.kind == ir::ValueKind::kParam) MarkBlock(Block(vd.def));
  }

  // Whether a and b name one block with the same arguments. Phases 1 and 4 ask, when no
  // operand names an alias (see CountUses), so the arguments compare as written.
  bool SameArgs(const BlockCall& a, const BlockCall& b) const {
    if (a.block != b.block || a.args.size != b.args.size) return false;
    const auto x = dfg_.pool().Get(a.args), y = dfg_.pool().Get(b.args);
    for (size_t k = 0; k < x.size(); ++k) {
      EGRET_DCHECK(dfg_.ResolveAliases(x[k]) == x[k] && dfg_.ResolveAliases(y[k]) == y[k]);
      if (x[k] != y[k]) return false;
    }
    return true;
  }

  void MakeJump(Inst i, BlockCall dest) {
    InstData nd;
    nd.opcode = Opcode::kJump;
    nd.dest[0] = dest;
    dfg_[i] = nd;
  }

  // Replaces terminator t by `jump dest`, keeping the use counts.
  void FoldToJump(Inst t, BlockCall dest) {
    Uncount(t);
    MakeJump(t, dest);
    Count(t);
  }

  // Puts b in the lists of the blocks phases 3 and 4 can act on (see Run), as the pass found it.
  void ListBlock(Block b) {
    if (b == f_.EntryBlock()) return;
    if (!dfg_.BlockParams(b).empty()) param_blocks_.push_back(b);
    const Inst first = f_.layout.FirstInst(b);
    if (first.valid() && first == Terminator(b)) lone_blocks_.push_back(b);
  }

  // --- 1. In the first round, also lists the blocks phases 3 and 4 can act on (ListBlock) and
  // scans every block for conditional traps (unless the cache says there are none); with
  // count_uses (the first round, when the cache held no counts), also counts the uses of every
  // instruction that stays, which is every use in the function but those of blocks phase 2 then
  // removes.
  bool FoldTerminators(bool first_round, bool count_uses) {
    bool changed = false;
    const bool scan_traps =
        count_uses || (first_round && !no_condtraps_) || (condtraps_ && replaced_);
    if (scan_traps) condtraps_ = false;
    replaced_ = false;
    for (Block b : f_.layout.Blocks()) {
      // b is as the pass found it until this visit changes it: no phase ran before, and the
      // visits of the blocks before b changed only those blocks.
      if (first_round) ListBlock(b);
      if (scan_traps) {
        // (The layout's own walk: the trap case below removes what follows i and leaves the
        // loop before advancing.)
        for (Inst i : f_.layout.Insts(b)) {
          const InstData& d = dfg_[i];
          if (d.opcode == Opcode::kTrapz || d.opcode == Opcode::kTrapnz) {
            const std::optional<uint64_t> c = IntConstant(f_, d.args[0]);
            if (!c || (d.opcode == Opcode::kTrapz) != (*c == 0)) {
              condtraps_ = true;
              if (count_uses) Count(i);
              continue;
            }
            // An unconditional trap: it ends the block. (While counting, neither it nor what
            // follows has been counted yet.)
            while (f_.layout.NextInst(i).valid()) {
              const Inst next = f_.layout.NextInst(i);
              if (!count_uses) Uncount(next);
              f_.layout.RemoveInst(next);
            }
            if (!count_uses) Uncount(i);
            InstData nd;
            nd.opcode = Opcode::kTrap;
            nd.trap = d.trap;
            dfg_[i] = nd;
            changed = true;
            break;
          }
          if (count_uses) Count(i);
        }
      }
      const Inst t = Terminator(b);
      if (!t.valid()) continue;
      // FoldToJump rewrites dfg_[t], but takes its destination by value first.
      const InstData& d = dfg_[t];
      if (d.opcode == Opcode::kBrif) {
        if (const std::optional<uint64_t> c = IntConstant(f_, d.args[0])) {
          FoldToJump(t, d.dest[*c != 0 ? 0 : 1]);
          changed = true;
        } else if (SameArgs(d.dest[0], d.dest[1])) {
          FoldToJump(t, d.dest[0]);
          changed = true;
        }
      } else if (d.opcode == Opcode::kBrTable) {
        const ir::JumpTableData& jt = dfg_.jump_table(ir::JumpTable(d.ref));
        if (const std::optional<uint64_t> c = IntConstant(f_, d.args[0])) {
          FoldToJump(t, *c < jt.entries.size() ? jt.entries[*c] : jt.default_dest);
          changed = true;
        } else {
          bool all_same = true;
          for (const BlockCall& bc : jt.entries) all_same &= SameArgs(bc, jt.default_dest);
          if (all_same) {
            FoldToJump(t, jt.default_dest);
            changed = true;
          }
        }
      }
    }
    return changed;
  }

  // --- 2. After a round whose only edge changes were phase 4's redirections (cfg_'s successor
  // lists current, its predecessor lists from before that phase 4: succs_current). Every placed
  // block was reachable after the phase 2 before (or the dominator tree said so), phases 3 and 5
  // change no reachability, and a redirection p -> F -> T to p -> T keeps every block but F
  // reachable (F's only successor is T). So the only blocks that can be unreachable now are the
  // forwarders edges were redirected from (the candidates), and a candidate is reachable
  // exactly when a current predecessor is: any other block, or a reachable candidate. Its
  // current predecessors are among its predecessors before that phase 4 and the redirections'
  // preds that now go to it; the successor lists say which still have the edge. Removes the
  // unreachable candidates as RemoveUnreachable would (the same blocks, the same edits) without
  // a search from the entry or a walk over the layout.
  bool RemoveBypassedUnreachable() {
    std::vector<uint8_t>& state = reached_;  // by block: 0 no candidate, 1 candidate, 2 reached
    state.assign(dfg_.NumBlocks(), 0);
    for (const Redirect& r : redirects_) state[r.forwarder.index] = 1;
    std::vector<Block>& work = stack_;
    work.clear();
    const auto has_edge = [&](Block p, Block to) {
      for (const Block s : cfg_.Succs(p))
        if (s == to) return true;
      return false;
    };
    const auto reach = [&](Block b) {
      if (state[b.index] != 1) return;
      state[b.index] = 2;
      work.push_back(b);
    };
    for (const Redirect& r : redirects_) {
      const Block fw = r.forwarder;
      if (state[fw.index] != 1) continue;
      for (const Block p : cfg_.Preds(fw)) {
        if (state[p.index] == 0 && has_edge(p, fw)) {
          reach(fw);
          break;
        }
      }
    }
    // An edge a redirection made (its pred is no candidate: a candidate's only edge goes to its
    // target, reached through the walk below).
    for (const Redirect& r : redirects_) {
      if (state[r.pred.index] == 0 && has_edge(r.pred, r.target)) reach(r.target);
    }
    while (!work.empty()) {
      const Block b = work.back();
      work.pop_back();
      for (const Block s : cfg_.Succs(b)) reach(s);
    }
    removed_.clear();
    for (const Redirect& r : redirects_) {
      const Block fw = r.forwarder;
      if (state[fw.index] != 1) continue;
      state[fw.index] = 0;  // listed once
      RemoveBlockAndContents(fw);
    }
#ifdef EGRET_DEBUG
    // The same blocks as a search from the entry over the successor lists finds unreachable.
    std::vector<uint8_t> seen(dfg_.NumBlocks(), 0);
    std::vector<Block> dfs{f_.EntryBlock()};
    seen[f_.EntryBlock().index] = 1;
    while (!dfs.empty()) {
      const Block b = dfs.back();
      dfs.pop_back();
      for (const Block s : cfg_.Succs(b)) {
        if (!seen[s.index]) {
          seen[s.index] = 1;
          dfs.push_back(s);
        }
      }
    }
    for (const Block b : f_.layout.Blocks()) EGRET_CHECK(seen[b.index]);
    for (const Block b : removed_) EGRET_CHECK(!seen[b.index]);
#endif
    std::sort(removed_.begin(), removed_.end());
    return !removed_.empty();
  }

  // Removes b and its instructions from the layout (phase 2), keeping the counts and marks.
  void RemoveBlockAndContents(Block b) {
    while (f_.layout.FirstInst(b).valid()) {
      const Inst i = f_.layout.FirstInst(b);
      Uncount(i);
      // The counts of its operands change, and its successors lose an edge.
      ForEachOperandInline(dfg_, i, [this](Value v) { MarkOwner(v); });
      dfg_.ForEachDest(i, [this](const BlockCall& bc) { MarkBlock(bc.block); });
      f_.layout.RemoveInst(i);
    }
    f_.layout.RemoveBlock(b);
    removed_.push_back(b);
  }

  // --- 2. The search follows `succs`'s successor lists when they describe the current edges
  // (not null), else the terminators. When it reaches every placed block (every block it
  // reaches is placed), nothing is removed and the layout is not walked.
  bool RemoveUnreachable(const ir::ControlFlowGraph* succs) {
    std::vector<uint8_t>& reached = reached_;
    reached.assign(dfg_.NumBlocks(), 0);
    std::vector<Block>& stack = stack_;
    stack.assign(1, f_.EntryBlock());
    reached[f_.EntryBlock().index] = 1;
    size_t num_reached = 1;
    if (succs != nullptr) {
      const std::span<const uint32_t> starts = succs->SuccStarts();
      const size_t num_listed = starts.empty() ? 0 : starts.size() - 1;
      const Block* const edges = succs->SuccEdges().data();
      uint8_t* const seen = reached.data();
      while (!stack.empty()) {
        const Block b = stack.back();
        stack.pop_back();
        if (b.index >= num_listed) continue;
        for (uint32_t e = starts[b.index]; e < starts[b.index + 1]; ++e) {
          const Block s = edges[e];
          if (!seen[s.index]) {
            seen[s.index] = 1;
            ++num_reached;
            stack.push_back(s);
          }
        }
      }
    } else {
      while (!stack.empty()) {
        const Block b = stack.back();
        stack.pop_back();
        const Inst t = Terminator(b);
        if (!t.valid()) continue;
        dfg_.ForEachDest(t, [&](const BlockCall& bc) {
          if (!reached[bc.block.index]) {
            reached[bc.block.index] = 1;
            ++num_reached;
            stack.push_back(bc.block);
          }
        });
      }
    }
    removed_.clear();
    if (num_reached == f_.layout.NumBlocks()) return false;
    for (Block b = f_.layout.FirstBlock(); b.valid();) {
      const Block next = f_.layout.NextBlock(b);
      if (!reached[b.index]) RemoveBlockAndContents(b);
      b = next;
    }
    std::sort(removed_.begin(), removed_.end());
    return !removed_.empty();
  }

  // Use counts of every value over the placed instructions (what uses_ holds between phases).
  // No operand names an alias here: none enters the pass (ir_edit.h), phases 1, 2 and 4 make
  // none, and phases 3 and 5 resolve theirs before they return.
  void CountUses(std::vector<uint32_t>& uses) const {
    uses.assign(dfg_.NumValues(), 0);
    for (Block b : f_.layout.Blocks()) {
      for (Inst i : f_.layout.Insts(b)) dfg_.ForEachOperand(i, [&](Value v) { ++uses[v.index]; });
    }
  }

  // The ParamArgs of parameter p of b, edge by edge in CFG order.
  ParamArgs ArgsOf(const ir::ControlFlowGraph& cfg, Block b, uint32_t p, Value param) const {
    ParamArgs pa;
    for (Block pred : cfg.Preds(b)) {
      dfg_.ForEachDest(Terminator(pred), [&](const BlockCall& bc) {
        if (bc.block == b) pa.Add(dfg_.ResolveAliases(dfg_.pool().Get(bc.args)[p]), param);
      });
    }
    return pa;
  }

  // --- 3. Per block, one sweep over the edges into it gives every parameter's ParamArgs (the
  // same edges in the same order as ArgsOf, so the same result). Removing an unused parameter
  // leaves the lower parameters' arguments as they were; replacing one changes what they may
  // resolve to (an argument naming it now names its replacement), so after a replacement the
  // block's remaining parameters are looked at one by one, as they are then.
  // With marked_only, a block not marked since the last phase 3 (which changed nothing) is
  // skipped until the phase first changes something: nothing it would read about the block has
  // changed, so it would find nothing again (a change made now could change that, so from the
  // first one on every block is looked at, as in a full sweep).
  bool SimplifyParams(const ir::ControlFlowGraph& cfg, std::vector<uint32_t>& uses,
                      bool marked_only) {
    bool changed = false;
    bool replaced = false;      // an alias was made (removing an unused parameter makes none)
    size_t alias_operands = 0;  // a bound on the operand slots that name an alias
    Block first_replaced;       // the first block whose parameter was replaced
    std::vector<ParamArgs>& swept = param_args_;
    for (Block b : param_blocks_) {
      if (marked_only && !changed && changed_in_[b.index] != epoch_) {
        EGRET_DCHECK(!WouldRemoveAParam(cfg, b, uses));
        continue;
      }
      if (!f_.layout.IsBlockInserted(b)) continue;
      const auto block_params = dfg_.BlockParams(b);
      const uint32_t n = static_cast<uint32_t>(block_params.size());
      if (n == 0) continue;
      swept.assign(n, ParamArgs{});
      // Until this phase replaces a parameter no operand names an alias (none does when a
      // phase starts: CountUses), so the arguments are taken as written.
      if (replaced) {
        for (Block pred : cfg.Preds(b)) {
          dfg_.ForEachDest(Terminator(pred), [&](const BlockCall& bc) {
            if (bc.block != b) return;
            const auto args = dfg_.pool().Get(bc.args);
            for (uint32_t k = 0; k < n; ++k)
              swept[k].Add(dfg_.ResolveAliases(args[k]), block_params[k]);
          });
        }
      } else {
        for (Block pred : cfg.Preds(b)) {
          dfg_.ForEachDest(Terminator(pred), [&](const BlockCall& bc) {
            if (bc.block != b) return;
            const auto args = dfg_.pool().Get(bc.args);
            for (uint32_t k = 0; k < n; ++k) {
              EGRET_DCHECK(dfg_.ResolveAliases(args[k]) == args[k]);
              swept[k].Add(args[k], block_params[k]);
            }
          });
        }
      }
      bool stale = false;  // a parameter of b was replaced: `swept` may be stale for the others
      for (uint32_t p = n; p-- > 0;) {
        const Value param = dfg_.BlockParams(b)[p];
        const ParamArgs pa = stale ? ArgsOf(cfg, b, p, param) : swept[p];
        const bool unused = uses[param.index] == pa.self_uses;
        if (!unused && !(pa.unique && pa.same.valid())) continue;
        for (Block pred : cfg.Preds(b)) {
          dfg_.ForEachDest(Terminator(pred), [&](const BlockCall& bc) {
            if (bc.block == b) --uses[dfg_.ResolveAliases(dfg_.pool().Get(bc.args)[p]).index];
          });
        }
        RemoveBlockParamAndArgs(f_, b, p, cfg.Preds(b));
        if (!unused) {
          // param_blocks_ is in layout order: the first block with a replaced parameter is
          // the earliest, where the walk that resolves the aliases starts.
          if (!replaced) first_replaced = b;
          replaced_ = replaced = stale = true;
          // Every operand slot that names the parameter, or an alias of it made earlier in this
          // phase, is counted in its (exact) use count: their sum bounds the rewrites.
          alias_operands += uses[param.index];
          ReplaceValue(f_, param, pa.same);
          // The edges' arguments (self-passes included) were subtracted above: what is left
          // are the parameter's other uses, which now use `same`.
          uses[pa.same.index] += uses[param.index];
        }
        changed = true;
      }
    }
    // Operands name aliases only if this phase made some (phases 1, 2 and 4 make none).
    if (replaced) ResolveOperandAliases(f_, alias_operands, first_replaced);
    return changed;
  }

  // Whether phase 3 would remove a parameter of b now (for the check of skipped blocks).
  bool WouldRemoveAParam(const ir::ControlFlowGraph& cfg, Block b,
                         const std::vector<uint32_t>& uses) const {
    if (!f_.layout.IsBlockInserted(b)) return false;
    const auto block_params = dfg_.BlockParams(b);
    for (uint32_t p = 0; p < block_params.size(); ++p) {
      const ParamArgs pa = ArgsOf(cfg, b, p, block_params[p]);
      if (uses[block_params[p].index] == pa.self_uses || (pa.unique && pa.same.valid())) {
        return true;
      }
    }
    return false;
  }

  // --- 4.
  bool ForwardEmptyBlocks(const ir::ControlFlowGraph& cfg, const std::vector<uint32_t>& uses) {
    redirects_.clear();
    bool changed = ForwardEmptyBlocksAt(cfg, uses);
    for (const auto& [v, delta] : pending_) {
      uses_[v.index] += delta;
      MarkOwner(v);
    }
    for (const Redirect& r : redirects_) {
      MarkBlock(r.forwarder);
      MarkBlock(r.target);
    }
    pending_.clear();
    return changed;
  }
  bool ForwardEmptyBlocksAt(const ir::ControlFlowGraph& cfg, const std::vector<uint32_t>& uses) {
    bool changed = false;
    wide_base_.clear();
    wide_head_.clear();
    wide_next_.clear();
    for (Block e : lone_blocks_) {
      if (!f_.layout.IsBlockInserted(e)) continue;
      const Inst j = f_.layout.FirstInst(e);
      if (!j.valid() || j != Terminator(e)) continue;
      if (dfg_[j].opcode != Opcode::kJump) continue;
      const BlockCall out = dfg_[j].dest[0];
      const Block target = out.block;
      if (target == e) continue;
      // E's parameters may be used only by its own jump (nothing else can see them once the
      // predecessors bypass E).
      // Copies: MakeList below may move the pool that spans point into.
      std::vector<Value>& params = params_;
      params.assign(dfg_.BlockParams(e).begin(), dfg_.BlockParams(e).end());
      std::vector<Value>& out_args = out_args_;
      out_args.clear();
      // No operand names an alias in this phase (see CountUses).
      for (Value a : dfg_.pool().Get(out.args)) {
        EGRET_DCHECK(dfg_.ResolveAliases(a) == a);
        out_args.push_back(a);
      }
      bool local = true;
      for (Value p : params) {
        uint32_t in_jump = 0;
        for (Value a : out_args) in_jump += a == p;
        local &= uses[p.index] == in_jump;
      }
      if (!local) continue;
      for (Block pred : cfg.Preds(e)) {
        const Inst t = Terminator(pred);
        if (IsWide(t)) {
          changed |= ForwardWide(pred, t, e, target, params, out_args);
          continue;
        }
        // Skip predecessors that already reach the target, or reach E with different
        // arguments on different edges: forwarding would give them two edges to one block.
        bool reaches_target = false, consistent = true;
        const BlockCall* first = nullptr;
        dfg_.ForEachDest(t, [&](const BlockCall& bc) {
          if (bc.block == target) reaches_target = true;
          if (bc.block != e) return;
          if (first == nullptr) {
            first = &bc;
          } else if (!SameArgs(*first, bc)) {
            consistent = false;
          }
        });
        if (reaches_target || !consistent || first == nullptr) continue;
        const ir::ValueList list = ForwardedArgs(*first, params, out_args);
        dfg_.ForEachDestMut(t, [&](BlockCall& bc) {
          if (bc.block == e) Retarget(bc, target, list);
        });
        // pred had an edge to e and none to target, and now has every one of them to target.
        redirects_.push_back({pred, e, target});
        changed = true;
      }
    }
    return changed;
  }

  // Phase 4's arguments for a predecessor's edges once they bypass empty block e: e's jump
  // arguments (out_args) with each of e's parameters (params) replaced by what `first`, an
  // edge into e, passes for it. Left in new_args_ (Retarget reads them) and returned as a list.
  ir::ValueList ForwardedArgs(const BlockCall& first, const std::vector<Value>& params,
                              const std::vector<Value>& out_args) {
    std::vector<Value>& new_args = new_args_;
    new_args.clear();
    {
      const auto in_args = dfg_.pool().Get(first.args);
      for (Value a : out_args) {
        Value mapped = a;
        for (size_t k = 0; k < params.size(); ++k) {
          if (params[k] == a) mapped = in_args[k];
        }
        new_args.push_back(mapped);
      }
    }
    return dfg_.MakeList(new_args);
  }
  // Moves edge bc to `target` with `list` (ForwardedArgs' result, still in new_args_), queueing
  // the use-count changes the phase applies when it ends.
  void Retarget(BlockCall& bc, Block target, ir::ValueList list) {
    for (Value a : dfg_.pool().Get(bc.args)) pending_.push_back({a, -1});
    for (Value a : new_args_) pending_.push_back({a, +1});
    bc.block = target;
    bc.args = list;
  }

  // A br_table with more destinations than this is a "wide" predecessor for phase 4: its
  // destinations are indexed by the block they name (WideBase), so that asking it about one
  // empty block costs that block's edges, not all of its destinations. Without the index a
  // br_table of N entries into D empty blocks cost O(N x D).
  static constexpr size_t kWideDests = 16;
  static constexpr uint32_t kNoPos = UINT32_MAX;
  static uint64_t WideKey(Inst t, Block b) { return uint64_t{t.index} << 32 | b.index; }
  bool IsWide(Inst t) const {
    const ir::InstData& d = dfg_[t];
    return d.opcode == Opcode::kBrTable && dfg_.IsValidJumpTable(ir::JumpTable(d.ref)) &&
           dfg_.jump_table(ir::JumpTable(d.ref)).entries.size() + 1 > kWideDests;
  }
  // Position p of a br_table's destinations: 0 is the default, k + 1 entry k (ForEachDest's
  // order).
  static BlockCall& WideAt(ir::JumpTableData& jt, uint32_t p) {
    return p == 0 ? jt.default_dest : jt.entries[p - 1];
  }
  // Indexes t's destinations once per phase 4 (ForwardEmptyBlocksAt clears the index): for each
  // block it names, wide_head_ holds the first position naming it and wide_next_ (from t's
  // base) chains the others in increasing order. Invariant: the index describes t's
  // destinations as they are, since phase 4 changes a wide terminator only in ForwardWide,
  // which updates it.
  uint32_t WideBase(Inst t) {
    const auto [it, inserted] = wide_base_.try_emplace(t.index, 0);
    if (!inserted) return it->second;
    ir::JumpTableData& jt = dfg_.jump_table(ir::JumpTable(dfg_[t].ref));
    const uint32_t n = static_cast<uint32_t>(jt.entries.size() + 1);
    const uint32_t base = static_cast<uint32_t>(wide_next_.size());
    it->second = base;
    wide_next_.resize(base + n, kNoPos);
    for (uint32_t p = n; p-- > 0;) {
      const auto [h, fresh] = wide_head_.try_emplace(WideKey(t, WideAt(jt, p).block), p);
      if (!fresh) {
        wide_next_[base + p] = h->second;
        h->second = p;
      }
    }
    return base;
  }
  // The loop body of ForwardEmptyBlocksAt for a wide predecessor: the same decisions and the
  // same edits, in the same order, read from the index.
  bool ForwardWide(Block pred, Inst t, Block e, Block target, const std::vector<Value>& params,
                   const std::vector<Value>& out_args) {
    const uint32_t base = WideBase(t);
    ir::JumpTableData& jt = dfg_.jump_table(ir::JumpTable(dfg_[t].ref));
    if (wide_head_.count(WideKey(t, target))) return false;  // reaches the target already
    const auto it = wide_head_.find(WideKey(t, e));
    if (it == wide_head_.end()) return false;
    const uint32_t head = it->second;
    const BlockCall& first = WideAt(jt, head);
    for (uint32_t p = wide_next_[base + head]; p != kNoPos; p = wide_next_[base + p]) {
      if (!SameArgs(first, WideAt(jt, p))) return false;
    }
    const ir::ValueList list = ForwardedArgs(first, params, out_args);
    for (uint32_t p = head; p != kNoPos; p = wide_next_[base + p]) {
      Retarget(WideAt(jt, p), target, list);
    }
    // The positions that named e name the target now (which t named nowhere before).
    wide_head_.erase(it);
    wide_head_.emplace(WideKey(t, target), head);
    redirects_.push_back({pred, e, target});
    return true;
  }

  // Phase 4's redirections applied to the successor lists of `cfg` (the round's graph, which
  // phase 4 read; copied into cfg_ if it is the cache's), in the order they were made: each
  // predecessor's list named `from` and not `to` when its edges moved, as its terminator did,
  // so the lists end as Compute would make them from the terminators now.
  void ApplyRedirects(const ir::ControlFlowGraph& cfg) {
    if (&cfg != &cfg_) cfg_ = cfg;
    for (const Redirect& r : redirects_) cfg_.ReplaceSuccessor(r.pred, r.forwarder, r.target);
  }

  // --- 5. `cfg` is the round's graph: it describes the edges as they are when the phase
  // starts, except for phase 4's redirections when `forwarded`.
  // Whether MergeBlocks(cfg, false) would merge something (for the check of a skipped phase 5;
  // cfg describes the current edges).
  bool CanMerge(const ir::ControlFlowGraph& cfg) const {
    for (Block b : f_.layout.Blocks()) {
      const Inst t = Terminator(b);
      if (!t.valid() || dfg_[t].opcode != Opcode::kJump) continue;
      const Block c = dfg_[t].dest[0].block;
      if (c != b && c != f_.EntryBlock() && cfg.Preds(c).size() == 1) return true;
    }
    return false;
  }

  bool MergeBlocks(const ir::ControlFlowGraph& cfg, bool forwarded) {
    bool replaced = false;      // an alias was made (merging a block without parameters makes none)
    size_t alias_operands = 0;  // the operand slots that name an alias (as in SimplifyParams)
    Block first_replaced;
    // Whether b's `jump c` is c's only incoming edge (every branch destination counting,
    // duplicates too): exactly when c's predecessor list in a graph of the edges as they are is
    // [b] (b's jump is one edge, and any other predecessor adds at least one). Each of phase 4's
    // redirections moved one entry of a predecessor's successor list (ApplyRedirects), so
    // c's list has cfg's length plus the redirections to c minus those from c (in edges_, by
    // block, modulo 2^32). Neither changes during the phase: a merge removes c's one incoming
    // edge, and c's terminator moves to b, which keeps the number of edges into c's successors
    // (their lists keep naming c, counted once).
    std::vector<uint32_t>& delta = edges_;
    if (forwarded) {
      delta.assign(dfg_.NumBlocks(), 0);
      for (const Redirect& r : redirects_) {
        --delta[r.forwarder.index];
        ++delta[r.target.index];
      }
    }
    auto sole_edge = [&](Block c) {
      const uint32_t n = static_cast<uint32_t>(cfg.Preds(c).size());
      return (forwarded ? n + delta[c.index] : n) == 1;
    };
    bool changed = false;
    for (Block b : f_.layout.Blocks()) {
      for (;;) {
        const Inst t = Terminator(b);
        if (!t.valid() || dfg_[t].opcode != Opcode::kJump) break;
        const BlockCall dest = dfg_[t].dest[0];
        const Block c = dest.block;
        if (c == b || c == f_.EntryBlock() || !sole_edge(c)) break;
        std::vector<Value>& params = params_;
        params.assign(dfg_.BlockParams(c).begin(), dfg_.BlockParams(c).end());
        std::vector<Value>& args = out_args_;
        args.assign(dfg_.pool().Get(dest.args).begin(), dfg_.pool().Get(dest.args).end());
        Uncount(t);
        f_.layout.RemoveInst(t);
        for (size_t k = params.size(); k-- > 0;) dfg_.RemoveBlockParam(c, static_cast<uint32_t>(k));
        for (size_t k = 0; k < params.size(); ++k) ReplaceValue(f_, params[k], args[k]);
        // Each parameter's uses move to the value it now stands for (resolved after all the
        // replacements, which may chain).
        for (Value p : params) {
          const Value to = dfg_.ResolveAliases(p);
          if (to == p) continue;
          // The slots naming p (an exact count: p was no alias) name an alias now.
          alias_operands += uses_[p.index];
          if (!replaced) first_replaced = b;  // the layout's walk: the earliest such block
          uses_[to.index] += uses_[p.index];
          uses_[p.index] = 0;
          replaced_ = replaced = true;
        }
        while (f_.layout.FirstInst(c).valid()) {
          const Inst i = f_.layout.FirstInst(c);
          f_.layout.RemoveInst(i);
          f_.layout.AppendInst(i, b);
        }
        f_.layout.RemoveBlock(c);
        changed = true;
      }
    }
    // Operands name aliases only if this phase made some (phases 1, 2 and 4 make none). They
    // are uses of c's parameters, in blocks c dominated (b's merged tail and what follows).
    if (replaced) ResolveOperandAliases(f_, alias_operands, first_replaced);
    return changed;
  }

  ir::Function& f_;
  ir::DataFlowGraph& dfg_;
  AnalysisCache& analyses_;
  // Whether a trapz/trapnz may be left (phase 1 of the first round saw one), and whether phase
  // 3 or 5 replaced a value since phase 1 last scanned for them.
  bool condtraps_ = false;
  bool replaced_ = false;
  // The function held no trapz/trapnz when the pass started (kNoCondTrapsAnalysis).
  bool no_condtraps_ = false;
  // Advanced after every phase 3: changed_in_[b] == epoch_ when b was marked since (MarkBlock).
  uint32_t epoch_ = 1;
  // CfgScratch's members.
  ir::ControlFlowGraph& cfg_;
  std::vector<uint32_t>& uses_;
  std::vector<uint32_t>& edges_;
  std::vector<std::pair<Value, int32_t>>& pending_;
  std::vector<uint8_t>& reached_;
  std::vector<Block>& stack_;
  std::vector<Value>& params_;
  std::vector<ParamArgs>& param_args_;
  std::vector<Block>& param_blocks_;
  std::vector<Block>& lone_blocks_;
  std::vector<Redirect>& redirects_;
  std::vector<Block>& removed_;
  std::vector<Redirect>& bypassed_;
  std::vector<Block>& all_removed_;
  std::vector<uint32_t>& changed_in_;
  std::vector<Value>& out_args_;
  std::vector<Value>& new_args_;
  // Phase 4's index of wide br_tables (WideBase): by terminator, the base of its positions in
  // wide_next_; by (terminator, block), the first position naming the block. Used only for
  // br_tables of more than kWideDests destinations, so the hash maps stay off the common path.
  std::unordered_map<uint32_t, uint32_t> wide_base_;
  std::unordered_map<uint64_t, uint32_t> wide_head_;
  std::vector<uint32_t> wide_next_;
};

}  // namespace

Status RunCfgSimplify(ir::Function& f, AnalysisCache& analyses) {
  if (!f.EntryBlock().valid()) return Status::Ok();
  // A single block has no branches to fold, parameters to remove or blocks to merge: nothing
  // changes, so whatever the cache holds of the block graph stays. (Before the simplifier is
  // made: a third of the functions of a module may have one block.)
  if (!f.layout.NextBlock(f.EntryBlock()).valid()) {
    if (analyses.Valid() & kCfgAnalysis) analyses.PublishCfg();
    return Status::Ok();
  }
  thread_local CfgScratch scratch;
  CfgSimplifier(f, analyses, scratch).Run();
  return Status::Ok();
}

}  // namespace egret::opt
