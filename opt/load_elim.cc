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
// Analyses: instructions are removed or rewritten in place; the CFG shape is preserved.
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

class LoadEliminator {
 public:
  LoadEliminator(ir::Function& f, AnalysisCache& analyses)
      : f_(f), dfg_(f.dfg), cfg_(analyses.Cfg()), domtree_(analyses.DomTree()) {}

  void Run() {
    ComputeBlockEffects();
    struct Frame {
      Block block;
      size_t child = 0;
      std::vector<Entry> exit_state;
    };
    std::vector<Frame> stack;
    std::vector<Entry> state;
    Visit(f_.EntryBlock(), state);
    stack.push_back({f_.EntryBlock(), 0, std::move(state)});
    while (!stack.empty()) {
      Frame& top = stack.back();
      const auto children = domtree_.Children(top.block);
      if (top.child == children.size()) {
        stack.pop_back();
        continue;
      }
      const Block c = children[top.child++];
      std::vector<Entry> s = EntryState(c, top.exit_state);
      Visit(c, s);
      stack.push_back({c, 0, std::move(s)});  // may reallocate: `top` is not used after this
    }
    // Without a replacement there is no new alias (none enters a pass), so no walk.
    if (replaced_any_) ResolveOperandAliases(f_);
  }

 private:
  void ComputeBlockEffects() {
    effects_.assign(dfg_.NumBlocks(), ClobberSet());
    for (Block b : f_.layout.Blocks()) {
      for (Inst i : f_.layout.Insts(b)) effects_[b.index].AddEffectsOf(f_, i);
    }
  }

  // The available set at the start of c, given its immediate dominator's final set.
  std::vector<Entry> EntryState(Block c, const std::vector<Entry>& idom_state) {
    const auto preds = cfg_.Preds(c);
    if (preds.size() == 1 || idom_state.empty()) return idom_state;
    // Only the classes the available entries belong to need the region walk's attention;
    // when every entry is readonly nothing can clobber them.
    bool all_readonly = true;
    for (const Entry& e : idom_state) all_readonly &= e.loc.readonly;
    if (all_readonly) return idom_state;
    const Block idom = domtree_.Idom(c);
    ClobberSet region;
    ++stamp_;
    if (seen_.size() < dfg_.NumBlocks()) seen_.resize(dfg_.NumBlocks(), 0);
    std::vector<Block> work(preds.begin(), preds.end());
    size_t visited = 0;
    while (!work.empty()) {
      const Block b = work.back();
      work.pop_back();
      if (b == idom || seen_[b.index] == stamp_ || !domtree_.IsReachable(b)) continue;
      seen_[b.index] = stamp_;
      if (++visited > kMaxRegion) {
        region.AddEverything();
        break;
      }
      region.Merge(effects_[b.index]);
      for (Block p : cfg_.Preds(b)) work.push_back(p);
    }
    std::vector<Entry> s;
    for (const Entry& e : idom_state) {
      if (!region.MayClobber(e.loc)) s.push_back(e);
    }
    return s;
  }

  void Kill(std::vector<Entry>& s, const MemLocation& written) {
    std::erase_if(s, [&](const Entry& e) { return MayAlias(e.loc, written); });
  }

  void Remember(std::vector<Entry>& s, const Entry& e) {
    if (s.size() >= kMaxEntries) s.erase(s.begin());
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
      return InsertValueBefore(f_, op, load);
    }
    op.opcode = Opcode::kIshlImm;
    op.imm = n - bits;
    const Value up = InsertValueBefore(f_, op, load);
    op.opcode = Opcode::kSshrImm;
    op.args[0] = up;
    return InsertValueBefore(f_, op, load);
  }

  void Visit(Block b, std::vector<Entry>& s) {
    // Stores in this block whose bytes nothing has read, trapped or called since.
    std::vector<std::pair<MemLocation, Inst>>& pending = pending_;
    pending.clear();
    for (Inst i = f_.layout.FirstInst(b); i.valid();) {
      const Inst next = f_.layout.NextInst(i);
      const InstData d = dfg_[i];
      const ir::OpcodeInfo& info = ir::Info(d.opcode);
      const std::optional<MemLocation> loc = LocationOf(f_, i);
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
            ReplaceValue(f_, result, *v);
            f_.layout.RemoveInst(i);
            replaced = true;
            replaced_any_ = true;
          }
          break;  // the latest entry for these bytes decides
        }
        if (!replaced) Remember(s, Entry{*loc, result, d.opcode, t, false});
      } else if (loc && info.Has(ir::kWritesMem)) {
        if (!ir::InstCanTrap(d) && loc->cls != MemClass::kHeap && loc->cls != MemClass::kOther) {
          for (auto it = pending.begin(); it != pending.end(); ++it) {
            if (it->first.SameAs(*loc)) {
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
        std::erase_if(s, [](const Entry& e) { return !e.loc.readonly; });
        pending.clear();
      } else if (ir::InstCanTrap(d) || info.Has(ir::kReadsMem) || info.Has(ir::kTerminator)) {
        pending.clear();
      }
      i = next;
    }
  }

  ir::Function& f_;
  ir::DataFlowGraph& dfg_;
  bool replaced_any_ = false;  // ReplaceValue was called (an alias may be in an operand)
  const ir::ControlFlowGraph& cfg_;
  const ir::DominatorTree& domtree_;
  std::vector<ClobberSet> effects_;
  std::vector<uint32_t> seen_;
  uint32_t stamp_ = 0;
  std::vector<std::pair<MemLocation, Inst>> pending_;  // Visit's, kept between blocks
};

}  // namespace

Status RunLoadElim(ir::Function& f, AnalysisCache& analyses) {
  if (!f.EntryBlock().valid()) return Status::Ok();
  LoadEliminator(f, analyses).Run();
  return Status::Ok();
}

}  // namespace egret::opt
