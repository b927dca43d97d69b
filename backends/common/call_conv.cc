// call_conv.cc: the layout rule (see call_conv.h).
#include "backends/common/call_conv.h"

#include <optional>

namespace egret::backend {

CallLayout ComputeCallLayout(const CallConv& conv, std::span<const ir::Type> params,
                             std::span<const ir::Type> results) {
  CallLayout l;
  // The next free 8-byte slot of the area, aligned for a value of `kind`.
  uint32_t next = 0;
  auto take_slot = [&next](ValueKind kind) {
    if (kind == ValueKind::kV128) next = (next + 1) & ~1u;
    const uint32_t slot = next;
    next += StackBytes(kind) / 8;
    return slot;
  };
  size_t ni = 0, nf = 0;
  for (ir::Type t : params) {
    AbiLoc loc;
    loc.kind = KindOf(t);
    loc.fp = IsFloatClass(t);
    if (loc.fp && nf < conv.float_args.size()) {
      loc.reg = conv.float_args[nf++];
    } else if (!loc.fp && ni < conv.int_args.size()) {
      loc.reg = conv.int_args[ni++];
    } else {
      loc.on_stack = true;
      loc.slot = take_slot(loc.kind);
    }
    l.params.push_back(loc);
  }
  l.stack_args = next;
  size_t ri = 0, rf = 0;
  for (ir::Type t : results) {
    AbiLoc loc;
    loc.kind = KindOf(t);
    loc.fp = IsFloatClass(t);
    if (loc.fp && rf < conv.float_results.size()) {
      loc.reg = conv.float_results[rf++];
    } else if (!loc.fp && ri < conv.int_results.size()) {
      loc.reg = conv.int_results[ri++];
    } else {
      loc.on_stack = true;
      loc.slot = take_slot(loc.kind);
    }
    l.results.push_back(loc);
  }
  l.stack_results = next - l.stack_args;
  return l;
}

bool TailCallFits(const CallLayout& caller, const CallLayout& callee) {
  if (callee.stack_results != 0) return callee.stack_args == caller.stack_args;
  return callee.stack_args <= caller.stack_args;
}

namespace {

bool IsTailCall(ir::Opcode op) {
  return op == ir::Opcode::kReturnCall || op == ir::Opcode::kReturnCallIndirect;
}

bool Fits(const ir::Function& f, ir::Inst i, const CallLayout& self, const CallConv& conv) {
  const ir::Signature& sig = f.dfg.signature(f.dfg.CallSignature(i));
  return TailCallFits(self, ComputeCallLayout(conv, sig.params, sig.results));
}

}  // namespace

bool HasUnfitTailCalls(const ir::Function& f, const CallConv& conv) {
  std::optional<CallLayout> self;
  for (ir::Block b : f.layout.Blocks()) {
    const ir::Inst last = f.layout.LastInst(b);
    if (!last.valid() || !IsTailCall(f.dfg[last].opcode)) continue;
    if (!self) self = ComputeCallLayout(conv, f.signature.params, f.signature.results);
    if (!Fits(f, last, *self, conv)) return true;
  }
  return false;
}

void LegalizeTailCalls(ir::Function& f, const CallConv& conv) {
  const CallLayout self = ComputeCallLayout(conv, f.signature.params, f.signature.results);
  for (ir::Block b : f.layout.Blocks()) {
    const ir::Inst last = f.layout.LastInst(b);
    if (!last.valid() || !IsTailCall(f.dfg[last].opcode) || Fits(f, last, self, conv)) continue;
    // return_call and call share their format (and return_call_indirect call_indirect's): only
    // the opcode changes, and the call gets its results.
    ir::InstData& d = f.dfg[last];
    d.opcode = d.opcode == ir::Opcode::kReturnCall ? ir::Opcode::kCall : ir::Opcode::kCallIndirect;
    f.dfg.MakeInstResults(last);
    ir::InstData ret;
    ret.opcode = ir::Opcode::kReturn;
    const auto results = f.dfg.InstResults(last);
    const std::vector<ir::Value> values(results.begin(),
                                        results.end());  // MakeList may grow the pool
    ret.vargs = f.dfg.MakeList(values);
    const ir::Inst r = f.dfg.MakeInst(ret);
    f.layout.AppendInst(r, b);
    f.SetSrcLoc(r, f.SrcLoc(last));
  }
}

}  // namespace egret::backend
