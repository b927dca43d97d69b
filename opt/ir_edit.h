// ir_edit.h: small editing helpers the passes share: finding a value's definition, known
// integer constants, replacing a value everywhere, inserting instructions, and removing block
// parameters together with the arguments every branch passes to them.
//
// Replacing a value makes it an alias of its replacement (DataFlowGraph::MakeAlias); operands
// keep naming the alias until ResolveOperandAliases rewrites them. A pass that replaces values
// calls ResolveOperandAliases once before it returns, so no alias survives a pass (the verifier
// and the backends never see one).
#ifndef EGRET_OPT_IR_EDIT_H_
#define EGRET_OPT_IR_EDIT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "ir/function.h"
#include "ir/operand_walk.h"

namespace egret::opt {

// The low `bits` bits set (bits in 1..64).
constexpr uint64_t LowMask(uint32_t bits) {
  return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
}
// The low `bits` bits of v, sign-extended to 64 bits.
constexpr int64_t SignExtend(uint64_t v, uint32_t bits) {
  if (bits >= 64) return static_cast<int64_t>(v);
  const uint64_t sign = uint64_t{1} << (bits - 1);
  v &= LowMask(bits);
  return static_cast<int64_t>((v ^ sign) - sign);
}

// The inline operand walks (ir/operand_walk.h), used unqualified by the passes.
using ir::ForEachOperandInline;
using ir::MapOperandsInline;

// The instruction defining v (aliases resolved), or an invalid Inst for block parameters.
// Inline, as IntConstant: the passes ask them for most operands they look at.
inline ir::Inst DefiningInst(const ir::Function& f, ir::Value v) {
  const ir::ValueData& vd = f.dfg.ValueInfo(f.dfg.ResolveAliases(v));
  if (vd.kind != ir::ValueKind::kResult) return ir::Inst();
  return ir::Inst(vd.def);
}
// The bits of v (masked to its width) when it is defined by an `iconst`.
inline std::optional<uint64_t> IntConstant(const ir::Function& f, ir::Value v) {
  const ir::Inst def = DefiningInst(f, v);
  if (!def.valid()) return std::nullopt;
  const ir::InstData& d = f.dfg[def];
  if (d.opcode != ir::Opcode::kIconst) return std::nullopt;
  return static_cast<uint64_t>(d.imm) & LowMask(ir::TypeBits(d.type));
}

// Use counts that a pass keeps exact through its edits, so that a later pass takes them instead
// of counting (AnalysisCache::UseCounts, kUseCountAnalysis): per value, how many operand slots
// of placed instructions name it once aliases are resolved. Wraps the cache's table, or none:
// every call is then a no-op. A pass that calls these at each edit it makes (and Finish at its
// end) declares kUseCountAnalysis preserved. Values the pass makes enter the table at 0 when
// first counted; Finish sizes it for every value (a value made and never counted has no use).
class KeptUseCounts {
 public:
  explicit KeptUseCounts(std::vector<uint32_t>* counts) : counts_(counts) {}
  bool held() const { return counts_ != nullptr; }

  // Adds delta to v's count (v resolved, a value of dfg).
  void Add(const ir::DataFlowGraph& dfg, ir::Value v, int32_t delta) {
    if (counts_ == nullptr) return;
    At(dfg, dfg.ResolveAliases(v)) += delta;
  }
  // Adds delta to the count of every operand of i: +1 once i is placed, -1 before it goes.
  void AddOperands(const ir::DataFlowGraph& dfg, ir::Inst i, int32_t delta) {
    if (counts_ == nullptr) return;
    ForEachOperandInline(dfg, i, [&](ir::Value v) { At(dfg, dfg.ResolveAliases(v)) += delta; });
  }
  // Every use of `from` becomes a use of `to` (with ReplaceValue, or a pass's own replacement).
  void Move(const ir::DataFlowGraph& dfg, ir::Value from, ir::Value to) {
    if (counts_ == nullptr) return;
    from = dfg.ResolveAliases(from);
    to = dfg.ResolveAliases(to);
    if (from == to) return;
    const uint32_t n = std::exchange(At(dfg, from), 0);
    At(dfg, to) += n;
  }
  // Sizes the table for every value of dfg (the pass is done making values).
  void Finish(const ir::DataFlowGraph& dfg) {
    if (counts_ != nullptr) counts_->resize(dfg.NumValues(), 0);
  }

 private:
  uint32_t& At(const ir::DataFlowGraph& dfg, ir::Value v) {
    if (v.index >= counts_->size()) counts_->resize(dfg.NumValues(), 0);
    return (*counts_)[v.index];
  }
  std::vector<uint32_t>* counts_;
};

// Makes every use of `from` a use of `to` (through an alias; see the file comment).
void ReplaceValue(ir::Function& f, ir::Value from, ir::Value to);
// Rewrites every operand of every placed instruction to its alias-free value.
void ResolveOperandAliases(ir::Function& f);
// The same for a caller that knows (from exact use counts) at most how many operand slots name
// an alias: the walk stops after the instruction that makes the `bound`-th rewrite. A bound
// above the true number only walks the whole function; one below it would leave aliases
// behind. The walk goes from block `start` (placed, or invalid for the first block) to the
// end, then from the first block up to `start`: the same slots are rewritten whatever the
// start, but one where the aliases' uses begin (the block of a replaced parameter: its uses
// are in blocks it dominates, which the layout mostly places after it) stops sooner.
void ResolveOperandAliases(ir::Function& f, size_t bound, ir::Block start = ir::Block());

// Builds `data` (results made from its typing rule) and places it before `before`, with
// before's source location. Returns the new instruction.
ir::Inst InsertInstBefore(ir::Function& f, const ir::InstData& data, ir::Inst before);
// The same, returning the instruction's single result.
ir::Value InsertValueBefore(ir::Function& f, const ir::InstData& data, ir::Inst before);

// Removes parameter `index` of block b and the argument at that position from every branch to
// b (jump tables included). `preds` are b's predecessors (ControlFlowGraph::Preds). The
// parameter value is left as kNone unless the caller aliases it.
void RemoveBlockParamAndArgs(ir::Function& f, ir::Block b, uint32_t index,
                             std::span<const ir::Block> preds);

}  // namespace egret::opt

#endif  // EGRET_OPT_IR_EDIT_H_
