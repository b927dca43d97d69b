// load_elim.cc: redundant load elimination, store-to-load forwarding and dead store
// elimination, using alias_analysis.h.
//
// Loads: the dominator tree is walked in pre-order carrying the set of available memory values
// (location -> value last loaded from or stored to it). A load whose location is available
// with a compatible access takes the available value (a narrow load of a narrow store takes
// the stored value masked or sign-extended) and is removed. A store makes its location
// available and removes every entry it may alias; a call removes every entry that is not
// readonly. A block starts from its immediate dominator's final set, minus whatever the blocks
// between them may write: for a block with one predecessor that is nothing; for a join (a loop
// header included) it is the union of the writes of every block on a path from the dominator
// to it, found by walking predecessors backwards until the dominator (more than kMaxRegion
// blocks: everything but readonly entries is dropped).
// Traps: an available value comes from an access that executed and did not trap, to the same
// bytes; a later access to them would not trap either (Wasm memory never shrinks), so removing
// it keeps every trap. No store is moved or added.
// Stores: within a block, a store to a vmctx, table or stack location is dead when a later
// store in the block writes the same bytes, nothing in between may read them, and nothing in
// between (the later store included) may trap or call: a trap would leave the first store's
// effect visible. Heap stores are never removed.
// Analyses: instructions are removed or rewritten in place; the CFG shape is preserved, and so
// are use counts the cache holds (kept exact through every edit).
#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "opt/alias_analysis.h"
#include "opt/ir_edit.h"
#include "opt/pass_manager.h"

namespace egret::opt {
namespace {

using ir::Block;
using ir::Inst;
using ir::InstData;
using ir::Opcode;
using ir::Type;
using ir::Value;

constexpr size_t kMaxEntries = 64;
constexpr size_t kMaxRegion = 64;

struct Entry {
  MemLocation loc;
  Value value;    // the loaded or stored value
  Opcode opcode;  // the access that made it available
  Type type;      // the loaded type, or the stored value's type
  bool is_store;
};

// The eliminator's storage, one per thread and kept between functions for its capacity
// (nothing in it carries meaning from one function to the next, except that `seen` entries are
// below `stamp`).
struct LoadElimScratch {
  // Per block, what its instructions may write (as the function entered the pass), valid for
  // this function where effects_stamp[b] == function_stamp.
  std::vector<ClobberSet> effects;
  std::vector<uint8_t> writes_everything;  // per block: its effects include everything
  std::vector<uint32_t> effects_stamp;
  uint32_t function_stamp = 0;
  std::vector<uint32_t> seen;
  uint32_t stamp = 0;
  std::vector<std::pair<MemLocation, Inst>> pending;  // Visit's, kept between blocks
  // The blocks where a load was replaced (in visit order, possibly repeated), and by block
  // whether a replacement's block dominates it (ResolveAliases).
  std::vector<Block> replaced_in;
  std::vector<uint8_t> resolve;
  // The dominator-tree walk: every frame's exit state is its range of `states`, the frames'
  // ranges stacked in walk order (a child's range follows its parent's). The block being
  // visited builds its state at the end of `states` (StateTail), where it stays as its frame's
  // range: no copy in or out per block.
  struct Frame {
    Block block;
    size_t child;
    size_t begin, end;
  };
  std::vector<Frame> frames;
  std::vector<Entry> states;
  std::vector<Block> work;  // EntryState's region walk
  ClobberSet region;
};

// Per opcode, whether Visit may do anything for its instructions: a memory access (its format
// says; whether it traps depends on its flags), or an opcode that reads or writes memory, calls,
// may trap or ends the block. Visit skips the others (arithmetic, constants, conversions that
// cannot trap) without copying them: they change neither the available set nor the pending
// stores.
constexpr std::array<bool, ir::kNumOpcodes> kAffectsState = [] {
  std::array<bool, ir::kNumOpcodes> t{};
  for (int k = 0; k < ir::kNumOpcodes; ++k) {
    const ir::OpcodeInfo& info = ir::kOpcodeInfos[k];
    const ir::InstFormat f = info.format;
    t[k] = f == ir::InstFormat::kLoad || f == ir::InstFormat::kStore ||
           f == ir::InstFormat::kAtomicLoad || f == ir::InstFormat::kAtomicStore ||
           f == ir::InstFormat::kAtomicRmw || f == ir::InstFormat::kAtomicCas ||
           (info.flags &
            (ir::kReadsMem | ir::kWritesMem | ir::kIsCall | ir::kCanTrap | ir::kTerminator)) != 0;
  }
  return t;
}();

// The available set of the block being visited: the entries of `states` from `begin` on (nothing
// follows the top frame's range while its block is visited), in the order they became
// available. The vector operations Visit needs, on that range only.
class StateTail {
 public:
  StateTail(std::vector<Entry>& states, size_t begin) : v_(states), begin_(begin) {}
  size_t size() const { return v_.size() - begin_; }
  const Entry& operator[](size_t k) const { return v_[begin_ + k]; }
  void push_back(const Entry& e) { v_.push_back(e); }
  void erase_front() { v_.erase(v_.begin() + static_cast<std::ptrdiff_t>(begin_)); }
  // Removes the entries `p` holds for, keeping the others' order.
  template <class P>
  void erase_if(P p) {
    v_.erase(std::remove_if(v_.begin() + static_cast<std::ptrdiff_t>(begin_), v_.end(), p),
             v_.end());
  }

 private:
  std::vector<Entry>& v_;
  size_t begin_;
};

class LoadEliminator {
 public:
  LoadEliminator(ir::Function& f, AnalysisCache& analyses, LoadElimScratch& scratch)
      : f_(f),
        dfg_(f.dfg),
        cfg_(analyses.Cfg()),
        domtree_(analyses.DomTree()),
        uses_(analyses.UseCounts()),
        scratch_(scratch),
        effects_(scratch.effects),
        seen_(scratch.seen),
        pending_(scratch.pending) {}

  void Run() {
    // Block effects are computed when first needed: by Visit, from the instructions it walks
    // anyway, or by a region walk that reaches a block not visited yet (EffectsOf).
    const size_t n = dfg_.NumBlocks();
    if (effects_.size() < n) effects_.resize(n);
    if (scratch_.effects_stamp.size() < n) scratch_.effects_stamp.resize(n, 0);
    if (scratch_.writes_everything.size() < n) scratch_.writes_everything.resize(n, 0);
    if (++scratch_.function_stamp == 0) {  // wrapped: no entry may look current
      std::fill(scratch_.effects_stamp.begin(), scratch_.effects_stamp.end(), 0);
      scratch_.function_stamp = 1;
    }
    std::vector<LoadElimScratch::Frame>& stack = scratch_.frames;
    std::vector<Entry>& states = scratch_.states;
    stack.clear();
    states.clear();
    scratch_.replaced_in.clear();
    Visit(f_.EntryBlock(), StateTail(states, 0));
    stack.push_back({f_.EntryBlock(), 0, 0, states.size()});
    while (!stack.empty()) {
      LoadElimScratch::Frame& top = stack.back();
      const auto children = domtree_.Children(top.block);
      if (top.child == children.size()) {
        states.resize(top.begin);
        stack.pop_back();
        continue;
      }
      const Block c = children[top.child++];
      // The parent's range ends the stack (every deeper frame has been popped).
      EGRET_DCHECK(states.size() == top.end);
      size_t begin;
      if (top.child == children.size()) {
        // The last child takes its parent's range over (no later child needs it): its entry
        // state is made in place and the parent's frame ends here (most blocks are the last or
        // only child of their immediate dominator, so most blocks copy no state).
        begin = top.begin;
        stack.pop_back();  // `top` is dead from here
        EntryState(c, begin, states.size(), /*in_place=*/true);
      } else {
        begin = top.end;
        EntryState(c, top.begin, top.end, /*in_place=*/false);
      }
      Visit(c, StateTail(states, begin));
      stack.push_back({c, 0, begin, states.size()});
    }
    // Without a replacement there is no new alias (none enters a pass), so no walk.
    if (replaced_any_) ResolveAliases();
    uses_.Finish(dfg_);
  }

  // ResolveOperandAliases over the blocks that can name an alias: a replaced load's result is
  // used only in blocks its block dominates (the instructions Reuse inserts are in that block
  // too), and every block the entry does not reach may name any value. Marked in reverse
  // post-order (an immediate dominator comes first); the same slots are rewritten as by the
  // walk over the whole function.
  void ResolveAliases() {
    std::vector<uint8_t>& resolve = scratch_.resolve;
    resolve.assign(dfg_.NumBlocks(), 0);
    for (const Block b : scratch_.replaced_in) resolve[b.index] = 1;
    const auto resolve_block = [&](Block b) {
      for (const Inst i : f_.layout.Insts(b))
        MapOperandsInline(dfg_, i, [&](Value& v) { v = dfg_.ResolveAliases(v); });
    };
    const std::span<const Block> rpo = domtree_.Rpo();
    for (const Block b : rpo) {
      const Block idom = domtree_.Idom(b);
      if (idom.valid() && resolve[idom.index]) resolve[b.index] = 1;
      if (resolve[b.index]) resolve_block(b);
    }
    if (rpo.size() == f_.layout.NumBlocks()) return;
    for (const Block b : f_.layout.Blocks())
      if (!domtree_.IsReachable(b)) resolve_block(b);
  }

 private:
  // The effects of block b, which no Visit has reached yet if they are not computed: its
  // instructions are as the function entered the pass.
  const ClobberSet& EffectsOf(Block b) {
    ClobberSet& set = effects_[b.index];
    if (scratch_.effects_stamp[b.index] == scratch_.function_stamp) return set;
    StartEffects(b);
    for (const Inst i : f_.layout.Insts(b)) {
      const InstData& d = dfg_[i];
      if (kAffectsState[static_cast<size_t>(d.opcode)]) AddWriterEffects(b, i, d, nullptr);
    }
    return set;
  }

  // Makes b's effects empty and current for this function.
  void StartEffects(Block b) {
    scratch_.effects_stamp[b.index] = scratch_.function_stamp;
    scratch_.writes_everything[b.index] = 0;
    effects_[b.index].Clear();
  }

  // Adds to b's effects what i, one of b's instructions, may write (ClobberSet::AddEffectsOf):
  // everything for a call, a write without a location or one of class `other` (writes_everything
  // notes it), else the location's bytes; `loc` is i's location when the caller has it.
  // The address is the operand as written: LocationOf resolves aliases, and this pass's
  // replacements make some, but the effects are those of the function as it entered the pass,
  // where no operand named one (none enters a pass), and operands are not rewritten before the
  // pass ends.
  void AddWriterEffects(Block b, Inst i, const InstData& d, const MemLocation* loc) {
    ClobberSet& set = effects_[b.index];
    const ir::OpcodeInfo& info = ir::Info(d.opcode);
    if (info.Has(ir::kIsCall)) {
      set.AddEverything();
      scratch_.writes_everything[b.index] = 1;
      return;
    }
    if (!info.Has(ir::kWritesMem)) return;
    std::optional<MemLocation> written =
        loc != nullptr ? std::optional<MemLocation>(*loc) : LocationOf(f_, i);
    if (!written || written->cls == MemClass::kOther) {
      set.AddEverything();  // what AddStore makes of a store of class `other`
      scratch_.writes_everything[b.index] = 1;
      return;
    }
    if (info.format == ir::InstFormat::kStore) written->base = d.args[1];
    set.AddStore(*written);
  }

  // The available set at the start of c, given its immediate dominator's final set, the
  // entries of `states` from `begin` to `end` (its end): appended to `states`, or, when
  // `in_place`, made from the dominator's entries where they are.
  void EntryState(Block c, size_t begin, size_t end, bool in_place) {
    std::vector<Entry>& states = scratch_.states;
    EGRET_DCHECK(states.size() == end);
    const auto preds = cfg_.Preds(c);
    // Reserved first: the entries pushed are read from the same vector.
    if (!in_place) states.reserve(end + (end - begin));
    auto copy_all = [&] {
      if (in_place) return;
      for (size_t k = begin; k < end; ++k) states.push_back(states[k]);
    };
    if (preds.size() == 1 || begin == end) {
      copy_all();
      return;
    }
    // Only the classes the available entries belong to need the region walk's attention;
    // when every entry is readonly nothing can clobber them.
    bool all_readonly = true;
    for (size_t k = begin; k < end; ++k) all_readonly &= states[k].loc.readonly;
    if (all_readonly) {
      copy_all();
      return;
    }
    const Block idom = domtree_.Idom(c);
    ClobberSet& region = scratch_.region;
    region.Clear();
    if (++scratch_.stamp == 0) {  // wrapped: no entry of seen_ may look current
      std::fill(seen_.begin(), seen_.end(), 0);
      scratch_.stamp = 1;
    }
    const uint32_t stamp = scratch_.stamp;
    if (seen_.size() < dfg_.NumBlocks()) seen_.resize(dfg_.NumBlocks(), 0);
    std::vector<Block>& work = scratch_.work;
    work.assign(preds.begin(), preds.end());
    size_t visited = 0;
    while (!work.empty()) {
      const Block b = work.back();
      work.pop_back();
      if (b == idom || seen_[b.index] == stamp || !domtree_.IsReachable(b)) continue;
      seen_[b.index] = stamp;
      if (++visited > kMaxRegion) {
        region.AddEverything();
        break;
      }
      const ClobberSet& effects = EffectsOf(b);
      if (scratch_.writes_everything[b.index]) {
        // The rest of the region cannot add to everything: the set is decided.
        region.AddEverything();
        break;
      }
      region.Merge(effects);
      for (Block p : cfg_.Preds(b)) work.push_back(p);
    }
    if (in_place) {
      size_t kept = begin;
      for (size_t k = begin; k < end; ++k) {
        if (!region.MayClobber(states[k].loc)) states[kept++] = states[k];
      }
      states.resize(kept);
      return;
    }
    for (size_t k = begin; k < end; ++k) {
      if (!region.MayClobber(states[k].loc)) states.push_back(states[k]);
    }
  }

  void Kill(StateTail s, const MemLocation& written) {
    s.erase_if([&](const Entry& e) { return MayAlias(e.loc, written); });
  }

  void Remember(StateTail s, const Entry& e) {
    if (s.size() >= kMaxEntries) s.erase_front();
    s.push_back(e);
  }

  // The value a load of `d` (result type t) at an available entry's location reads, if it can
  // be had from the entry; may insert instructions before `load`.
  std::optional<Value> Reuse(const Entry& e, Inst load, const InstData& d, Type t) {
    if (!e.is_store) {
      if (e.opcode == d.opcode && e.type == t) return e.value;
      return std::nullopt;
    }
    if (d.opcode == Opcode::kLoad) {
      if (e.opcode == Opcode::kStore && e.type == t) return e.value;
      return std::nullopt;
    }
    // A narrow load of the same width as a narrow store, both of type t.
    if (e.type != t || e.opcode == Opcode::kStore) return std::nullopt;
    const uint32_t bits = 8 * e.loc.size, n = ir::TypeBits(t);
    if (bits >= n) return std::nullopt;
    const bool is_signed =
        d.opcode == Opcode::kSload8 || d.opcode == Opcode::kSload16 || d.opcode == Opcode::kSload32;
    InstData op;
    op.args[0] = e.value;
    if (!is_signed) {
      op.opcode = Opcode::kBandImm;
      op.imm = SignExtend(LowMask(bits), n);
      return Place(op, load);
    }
    op.opcode = Opcode::kIshlImm;
    op.imm = n - bits;
    const Value up = Place(op, load);
    op.opcode = Opcode::kSshrImm;
    op.args[0] = up;
    return Place(op, load);
  }

  // Inserts `op` before `before`, counting its operands' uses; returns its result.
  Value Place(const InstData& op, Inst before) {
    const Inst i = InsertInstBefore(f_, op, before);
    uses_.AddOperands(dfg_, i, +1);
    return dfg_.FirstResult(i);
  }

  void Visit(Block b, StateTail s) {
    // Stores in this block whose bytes nothing has read, trapped or called since.
    std::vector<std::pair<MemLocation, Inst>>& pending = pending_;
    pending.clear();
    // The block's effects, recorded on the way unless a region walk computed them already (from
    // the same instructions: a block is only changed by its own visit, and an instruction is
    // recorded before anything in the block is removed or inserted after it).
    const bool record = scratch_.effects_stamp[b.index] != scratch_.function_stamp;
    if (record) StartEffects(b);
    // The layout's own walk (no bounds check), stepped past i before i may be removed; the
    // instructions Reuse inserts go before i, so the walk does not visit them.
    const auto insts = f_.layout.Insts(b);
    for (auto walk = insts.begin(); walk != insts.end();) {
      const Inst i = *walk;
      ++walk;
      // Read in place: it is not read after Reuse inserts instructions (which may move the
      // instruction table), since the load is then removed.
      const InstData& d = dfg_[i];
      if (!kAffectsState[static_cast<size_t>(d.opcode)]) continue;
      const ir::OpcodeInfo& info = ir::Info(d.opcode);
      // Every use of the location below is for an instruction that reads or writes memory.
      const std::optional<MemLocation> loc =
          info.Has(ir::kReadsMem) || info.Has(ir::kWritesMem) ? LocationOf(f_, i) : std::nullopt;
      if (record) AddWriterEffects(b, i, d, loc ? &*loc : nullptr);
      if (loc && info.Has(ir::kReadsMem)) {
        if (ir::InstCanTrap(d)) {
          pending.clear();  // a load that may trap ends every pending store's deadness
        } else {
          std::erase_if(pending, [&](const auto& p) { return MayAlias(p.first, *loc); });
        }
        const Value result = dfg_.FirstResult(i);
        const Type t = dfg_.ValueType(result);
        bool replaced = false;
        for (size_t k = s.size(); k-- > 0;) {
          if (!s[k].loc.SameAs(*loc)) continue;
          if (std::optional<Value> v = Reuse(s[k], i, d, t)) {
            uses_.Move(dfg_, result, *v);
            ReplaceValue(f_, result, *v);
            uses_.AddOperands(dfg_, i, -1);
            f_.layout.RemoveInst(i);
            replaced = true;
            replaced_any_ = true;
            if (scratch_.replaced_in.empty() || scratch_.replaced_in.back() != b)
              scratch_.replaced_in.push_back(b);
          }
          break;  // the latest entry for these bytes decides
        }
        if (!replaced) Remember(s, Entry{*loc, result, d.opcode, t, false});
      } else if (loc && info.Has(ir::kWritesMem)) {
        if (!ir::InstCanTrap(d) && loc->cls != MemClass::kHeap && loc->cls != MemClass::kOther) {
          for (auto it = pending.begin(); it != pending.end(); ++it) {
            if (it->first.SameAs(*loc)) {
              uses_.AddOperands(dfg_, it->second, -1);
              f_.layout.RemoveInst(it->second);  // overwritten before anyone could see it
              pending.erase(it);
              break;
            }
          }
        }
        if (ir::InstCanTrap(d)) pending.clear();
        Kill(s, *loc);
        Remember(s, Entry{*loc, d.args[0], d.opcode, dfg_.ValueType(d.args[0]), true});
        if (loc->cls != MemClass::kHeap && loc->cls != MemClass::kOther)
          pending.push_back({*loc, i});
      } else if (info.Has(ir::kIsCall) || info.Has(ir::kWritesMem)) {
        s.erase_if([](const Entry& e) { return !e.loc.readonly; });
        pending.clear();
      } else if (ir::InstCanTrap(d) || info.Has(ir::kReadsMem) || info.Has(ir::kTerminator)) {
        pending.clear();
      }
    }
  }

  ir::Function& f_;
  ir::DataFlowGraph& dfg_;
  bool replaced_any_ = false;  // ReplaceValue was called (an alias may be in an operand)
  const ir::ControlFlowGraph& cfg_;
  const ir::DominatorTree& domtree_;
  KeptUseCounts uses_;  // the cache's, kept exact through every replacement and removal
  LoadElimScratch& scratch_;
  // LoadElimScratch's members.
  std::vector<ClobberSet>& effects_;
  std::vector<uint32_t>& seen_;
  std::vector<std::pair<MemLocation, Inst>>& pending_;
};

}  // namespace

Status RunLoadElim(ir::Function& f, AnalysisCache& analyses) {
  if (!f.EntryBlock().valid()) return Status::Ok();
  // No two accesses have the same location (gvn found none, and licm makes none): no entry
  // ever matches a load, nor a pending store a later store, so the walk would change nothing.
  if (analyses.Valid() & kNoRepeatedLocationsAnalysis) {
#ifdef EGRET_DEBUG
    const ir::DominatorTree& domtree = analyses.DomTree();
    std::vector<MemLocation> seen;
    for (const Block b : domtree.Rpo()) {
      for (const Inst i : f.layout.Insts(b)) {
        const std::optional<MemLocation> loc = LocationOf(f, i);
        if (!loc) continue;
        for (const MemLocation& o : seen) EGRET_CHECK(!o.SameAs(*loc));
        seen.push_back(*loc);
      }
    }
#endif
    return Status::Ok();
  }
  thread_local LoadElimScratch scratch;
  LoadEliminator(f, analyses, scratch).Run();
  return Status::Ok();
}

}  // namespace egret::opt
