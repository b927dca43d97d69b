// dfg.cc: block parameters, instruction results and operand access for the data-flow graph.
#include "ir/dfg.h"

#include <algorithm>

namespace egret::ir {

Value DataFlowGraph::AppendBlockParam(Block b, Type t) {
  BlockData& bd = blocks_[b];
  Value v = values_.Push({t, ValueKind::kParam, bd.params.size, b.index});
  pool_.Push(bd.params, v);
  return v;
}

void DataFlowGraph::AttachBlockParam(Block b, Value v, Type t) {
  EGRET_CHECK(values_[v].kind == ValueKind::kNone);
  BlockData& bd = blocks_[b];
  values_[v] = {t, ValueKind::kParam, bd.params.size, b.index};
  pool_.Push(bd.params, v);
}

void DataFlowGraph::RemoveBlockParam(Block b, uint32_t index) {
  ValueList& params = blocks_[b].params;
  EGRET_CHECK(index < params.size);
  Value removed = pool_.Get(params)[index];
  pool_.Remove(params, index);
  auto rest = pool_.Get(params);
  for (uint32_t k = index; k < rest.size(); ++k) values_[rest[k]].num = k;
  values_[removed].kind = ValueKind::kNone;
  values_[removed].def = UINT32_MAX;
}

Value DataFlowGraph::AppendInstResult(Inst i, Type t) {
  InstData& d = insts_[i];
  Value v = values_.Push({t, ValueKind::kResult, d.results.size, i.index});
  pool_.Push(d.results, v);
  return v;
}

void DataFlowGraph::AttachInstResult(Inst i, Value v, Type t) {
  EGRET_CHECK(values_[v].kind == ValueKind::kNone);
  InstData& d = insts_[i];
  values_[v] = {t, ValueKind::kResult, d.results.size, i.index};
  pool_.Push(d.results, v);
}

void DataFlowGraph::MakeInstResults(Inst i) {
  // No temporary vector: this runs once per instruction the frontend builds.
  const ResultTyping typing = Info(insts_[i].opcode).typing;
  if (typing == ResultTyping::kNoResult) return;
  if (typing == ResultTyping::kCallResults) {
    SigRef s = CallSignature(i);
    EGRET_CHECK(signatures_.IsValid(s));
    const std::vector<Type>& results = signatures_[s].results;
    // Most calls return one value: made like any one-result instruction's.
    if (results.size() == 1 && insts_[i].results.size == 0) {
      MakeOnlyResult(i, results[0]);
      return;
    }
    for (Type t : results) AppendInstResult(i, t);
    return;
  }
  const Type t = SingleResultType(i);
  EGRET_CHECK(t != Type::kInvalid);
  if (insts_[i].results.size != 0) {
    AppendInstResult(i, t);
    return;
  }
  // The common case, a new instruction's one result.
  MakeOnlyResult(i, t);
}

void DataFlowGraph::MakeOnlyResult(Inst i, Type t) {
  // A fresh one-slot list, no move: the value AppendInstResult would make, at position 0.
  InstData& d = insts_[i];
  EGRET_DCHECK(d.results.size == 0);
  const Value v = values_.Push({t, ValueKind::kResult, 0, i.index});
  d.results = pool_.MakeOne(v);
}

void DataFlowGraph::MakeAlias(Value v, Value target) {
  EGRET_CHECK(ResolveAliases(target) != v);
  ValueData& vd = values_[v];
  vd.kind = ValueKind::kAlias;
  vd.def = target.index;
  vd.num = 0;
}

void DataFlowGraph::Clear() {
  insts_.Clear();
  values_.Clear();
  blocks_.Clear();
  jump_tables_.Clear();
  signatures_.Clear();
  ext_funcs_.Clear();
  pool_.Clear();
  constants_.clear();
  constant_slots_.clear();
}

uint32_t DataFlowGraph::AddConstant(const V128& c) {
  auto hash = [](const V128& v) {
    uint64_t h = (v.lo ^ (v.hi * 0x9e3779b97f4a7c15)) * 0xff51afd7ed558ccd;
    return static_cast<uint32_t>(h >> 32);
  };
  if (constant_slots_.size() < 2 * (constants_.size() + 1)) {
    // Grow to keep the table at most half full, re-inserting every constant.
    const size_t n = std::max<size_t>(16, constant_slots_.size() * 2);
    constant_slots_.assign(n, UINT32_MAX);
    for (uint32_t k = 0; k < constants_.size(); ++k) {
      size_t s = hash(constants_[k]) & (n - 1);
      while (constant_slots_[s] != UINT32_MAX) s = (s + 1) & (n - 1);
      constant_slots_[s] = k;
    }
  }
  const size_t mask = constant_slots_.size() - 1;
  for (size_t s = hash(c) & mask;; s = (s + 1) & mask) {
    const uint32_t k = constant_slots_[s];
    if (k == UINT32_MAX) {
      constant_slots_[s] = static_cast<uint32_t>(constants_.size());
      constants_.push_back(c);
      return constant_slots_[s];
    }
    if (constants_[k] == c) return k;
  }
}

SigRef DataFlowGraph::CallSignature(Inst i) const {
  const InstData& d = insts_[i];
  if (d.opcode == Opcode::kCall || d.opcode == Opcode::kReturnCall) {
    FuncRef f(d.ref);
    return ext_funcs_.IsValid(f) ? ext_funcs_[f].sig : SigRef();
  }
  if (d.opcode == Opcode::kCallIndirect || d.opcode == Opcode::kReturnCallIndirect)
    return SigRef(d.ref);
  return SigRef();
}

bool DataFlowGraph::ExpectedResultTypes(Inst i, std::vector<Type>& out) const {
  out.clear();
  const ResultTyping typing = Info(insts_[i].opcode).typing;
  if (typing == ResultTyping::kNoResult) return true;
  if (typing == ResultTyping::kCallResults) {
    SigRef s = CallSignature(i);
    if (!signatures_.IsValid(s)) return false;
    out = signatures_[s].results;
    return true;
  }
  const Type t = SingleResultType(i);
  out.push_back(t);
  return t != Type::kInvalid;
}

}  // namespace egret::ir
