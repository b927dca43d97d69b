// dce.cc: dead code elimination.
//
// Removes every instruction whose results are all unused and whose removal cannot change
// behaviour (ir::InstHasSideEffects is false: no trap, no memory write, no call, not a
// terminator). A load therefore goes only when it is `notrap`; nothing that can trap is ever
// removed. Removing one instruction may make its operands' definitions dead in turn, so this is
// a worklist over use counts: O(instructions + operands), one walk over the function (counting
// uses and listing the removable instructions), no iteration to a fixpoint.
//
// Block parameters are left alone (removing them means editing every branch to the block);
// uses in branch arguments count as uses.
#include <vector>

#include "opt/ir_edit.h"
#include "opt/pass_manager.h"
#include "support/entity.h"

namespace egret::opt {

namespace {

bool Removable(const ir::Function& f, ir::Inst i) {
  const ir::InstData& d = f.dfg[i];
  if (ir::InstHasSideEffects(d)) return false;
  return !f.dfg.InstResults(i).empty();
}

}  // namespace

Status RunDce(ir::Function& f, AnalysisCache& analyses) {
  ir::DataFlowGraph& dfg = f.dfg;
  // Kept per thread for their capacity.
  struct Scratch {
    std::vector<uint32_t> uses, check;
    std::vector<ir::Inst> worklist;
  };
  thread_local Scratch scratch;
  // Use counts of every value over the instructions placed in the layout: the ones the pass
  // before published (cfg_simplify, which runs just before dce in the speed pipeline), or one
  // walk over the function. Either way they are exact, so the result does not depend on which.
  std::vector<uint32_t>* published = analyses.UseCounts();
  if (published != nullptr && published->size() != dfg.NumValues()) published = nullptr;
  auto count = [&](std::vector<uint32_t>& out) {
    out.assign(dfg.NumValues(), 0);
    for (ir::Block b : f.layout.Blocks()) {
      for (ir::Inst i : f.layout.Insts(b)) {
        ForEachOperandInline(dfg, i, [&](ir::Value v) { ++out[dfg.ResolveAliases(v).index]; });
      }
    }
  };
  if (published == nullptr) count(scratch.uses);
  std::vector<uint32_t>& uses = published != nullptr ? *published : scratch.uses;
#ifdef EGRET_DEBUG
  if (published != nullptr) {
    count(scratch.check);
    for (size_t k = 0; k < uses.size(); ++k) {
      if (dfg.ValueInfo(ir::Value(static_cast<uint32_t>(k))).kind == ir::ValueKind::kAlias)
        continue;  // an alias is no one's operand; its published count may be stale
      EGRET_DCHECK(scratch.check[k] == uses[k]);
    }
  }
#endif
  auto all_dead = [&](ir::Inst i) {
    for (ir::Value r : dfg.InstResults(i)) {
      if (uses[r.index] != 0) return false;
    }
    return true;
  };
  // The removable placed instructions whose results are all unused, found through the unused
  // results (a dense walk over the values, not the layout). Which order the worklist takes does
  // not change what is removed: everything whose results end up unused, transitively.
  std::vector<ir::Inst>& worklist = scratch.worklist;
  worklist.clear();
  // (Through a raw pointer and a size read once: nothing in the loop changes the counts, and
  // the pushes onto the worklist would otherwise make the compiler reload both every value.)
  const uint32_t* const counts = uses.data();
  const uint32_t num_values = static_cast<uint32_t>(uses.size());
  for (uint32_t k = 0; k < num_values; ++k) {
    if (counts[k] != 0) continue;
    const ir::ValueData& vd = dfg.ValueInfo(ir::Value(k));
    if (vd.kind != ir::ValueKind::kResult) continue;
    const ir::Inst def(vd.def);
    // An instruction with several unused results is listed once per result; the loop below
    // skips it once removed.
    if (f.layout.IsInstInserted(def) && Removable(f, def) && all_dead(def)) {
      worklist.push_back(def);
    }
  }
  while (!worklist.empty()) {
    const ir::Inst i = worklist.back();
    worklist.pop_back();
    if (!f.layout.IsInstInserted(i)) continue;  // already removed
    ForEachOperandInline(dfg, i, [&](ir::Value v) {
      const ir::Value r = dfg.ResolveAliases(v);
      EGRET_CHECK(uses[r.index] > 0);
      if (--uses[r.index] != 0) return;
      const ir::Inst def = DefiningInst(f, r);
      if (def.valid() && f.layout.IsInstInserted(def) && Removable(f, def) && all_dead(def)) {
        worklist.push_back(def);
      }
    });
    f.layout.RemoveInst(i);
  }
  return Status::Ok();
}

}  // namespace egret::opt
