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

Status RunDce(ir::Function& f, AnalysisCache&) {
  ir::DataFlowGraph& dfg = f.dfg;
  // Kept per thread for their capacity.
  struct Scratch {
    std::vector<uint32_t> uses;
    std::vector<ir::Inst> candidates, worklist;
  };
  thread_local Scratch scratch;
  // One walk: use counts of every value over the instructions placed in the layout, and the
  // removable instructions (in layout order), whose results are tested once the counts are done.
  std::vector<uint32_t>& uses = scratch.uses;
  uses.assign(dfg.NumValues(), 0);
  std::vector<ir::Inst>& candidates = scratch.candidates;
  candidates.clear();
  for (ir::Block b : f.layout.Blocks()) {
    for (ir::Inst i : f.layout.Insts(b)) {
      ForEachOperandInline(dfg, i, [&](ir::Value v) { ++uses[dfg.ResolveAliases(v).index]; });
      if (Removable(f, i)) candidates.push_back(i);
    }
  }
  auto all_dead = [&](ir::Inst i) {
    for (ir::Value r : dfg.InstResults(i)) {
      if (uses[r.index] != 0) return false;
    }
    return true;
  };
  std::vector<ir::Inst>& worklist = scratch.worklist;
  worklist.clear();
  for (ir::Inst i : candidates) {
    if (all_dead(i)) worklist.push_back(i);
  }
  while (!worklist.empty()) {
    const ir::Inst i = worklist.back();
    worklist.pop_back();
    if (!f.layout.IsInstInserted(i)) continue;  // already removed
    dfg.ForEachOperand(i, [&](ir::Value v) {
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
