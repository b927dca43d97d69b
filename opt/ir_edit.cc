// ir_edit.cc: see ir_edit.h.
#include "opt/ir_edit.h"

namespace egret::opt {

void ReplaceValue(ir::Function& f, ir::Value from, ir::Value to) {
  from = f.dfg.ResolveAliases(from);
  to = f.dfg.ResolveAliases(to);
  if (from == to) return;
  f.dfg.MakeAlias(from, to);
}

void ResolveOperandAliases(ir::Function& f) {
  for (ir::Block b : f.layout.Blocks()) {
    for (ir::Inst i : f.layout.Insts(b)) {
      MapOperandsInline(f.dfg, i, [&](ir::Value& v) { v = f.dfg.ResolveAliases(v); });
    }
  }
}

void ResolveOperandAliases(ir::Function& f, size_t bound, ir::Block start) {
  size_t rewritten = 0;
  // Whether the walk made the bound-th rewrite in block b.
  const auto walk = [&](ir::Block b) {
    for (ir::Inst i : f.layout.Insts(b)) {
      MapOperandsInline(f.dfg, i, [&](ir::Value& v) {
        const ir::Value r = f.dfg.ResolveAliases(v);
        rewritten += r != v;
        v = r;
      });
      if (rewritten >= bound) return true;
    }
    return false;
  };
  if (!start.valid()) start = f.layout.FirstBlock();
  for (ir::Block b = start; b.valid(); b = f.layout.NextBlock(b))
    if (walk(b)) return;
  for (ir::Block b = f.layout.FirstBlock(); b != start; b = f.layout.NextBlock(b))
    if (walk(b)) return;
}

ir::Inst InsertInstBefore(ir::Function& f, const ir::InstData& data, ir::Inst before) {
  const ir::Inst i = f.dfg.MakeInst(data);
  f.dfg[i].results = {};
  f.dfg.MakeInstResults(i);
  f.layout.InsertInstBefore(i, before);
  f.SetSrcLoc(i, f.SrcLoc(before));
  return i;
}

ir::Value InsertValueBefore(ir::Function& f, const ir::InstData& data, ir::Inst before) {
  return f.dfg.FirstResult(InsertInstBefore(f, data, before));
}

void RemoveBlockParamAndArgs(ir::Function& f, ir::Block b, uint32_t index,
                             std::span<const ir::Block> preds) {
  for (ir::Block p : preds) {
    const ir::Inst term = f.layout.LastInst(p);
    if (!term.valid() || !ir::IsBranch(f.dfg[term].opcode)) continue;
    f.dfg.ForEachDestMut(term, [&](ir::BlockCall& bc) {
      if (bc.block == b) f.dfg.pool().Remove(bc.args, index);
    });
  }
  f.dfg.RemoveBlockParam(b, index);
}

}  // namespace egret::opt
