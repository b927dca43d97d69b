// call_conv.cc: the layout rule (see call_conv.h).
#include "backends/common/call_conv.h"

#include <algorithm>

#include "support/error.h"

namespace egret::backend {

CallLayout ComputeCallLayout(const CallConv& conv, std::span<const ir::Type> params,
                             std::span<const ir::Type> results) {
  CallLayout l;
  ComputeCallLayoutInto(conv, params, results, &l);
  return l;
}

void ComputeCallLayoutInto(const CallConv& conv, std::span<const ir::Type> params,
                           std::span<const ir::Type> results, CallLayout* out) {
  CallLayout& l = *out;
  l.params.clear();
  l.results.clear();
  l.params.reserve(params.size());
  l.results.reserve(results.size());
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
  // The argument part ends 16-byte aligned, so results start at the same place after any
  // argument list (tail calls rely on it) and the callee pops a multiple of 16 bytes.
  next = (next + 1) & ~1u;
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
}

namespace {

bool IsTailCall(ir::Opcode op) {
  return op == ir::Opcode::kReturnCall || op == ir::Opcode::kReturnCallIndirect;
}

// Frame-pointer-relative displacement of slot `slot` of a layout with `stack_args` argument slots
// whose arguments end at the top of an owned area of `area_slots` slots.
int32_t AreaDisp(uint32_t stack_args, uint32_t area_slots, uint32_t slot) {
  EGRET_CHECK(stack_args <= area_slots);
  return kFrameRecordBytes + 8 * static_cast<int32_t>(area_slots - stack_args + slot);
}

}  // namespace

uint32_t ArgAreaSlots(const ir::Function& f, const CallConv& conv) {
  uint32_t slots = ComputeCallLayout(conv, f.signature.params, f.signature.results).stack_args;
  for (ir::Block b : f.layout.Blocks()) {
    const ir::Inst last = f.layout.LastInst(b);
    if (!last.valid() || !IsTailCall(f.dfg[last].opcode)) continue;
    const ir::Signature& sig = f.dfg.signature(f.dfg.CallSignature(last));
    slots = std::max(slots, ComputeCallLayout(conv, sig.params, sig.results).stack_args);
  }
  return slots;
}

int32_t IncomingArgDisp(const CallLayout& self, uint32_t area_slots, uint32_t slot) {
  return AreaDisp(self.stack_args, area_slots, slot);
}

int32_t StackResultDisp(const CallLayout& self, uint32_t area_slots, uint32_t slot) {
  // Result slots are numbered after the (even) argument slots: slot - stack_args above the top.
  return AreaDisp(self.stack_args, area_slots, slot);
}

TailCallPlan PlanTailCall(const CallLayout& callee, uint32_t area_slots) {
  TailCallPlan p;
  for (uint32_t k = 0; k < callee.params.size(); ++k) {
    const AbiLoc& loc = callee.params[k];
    if (!loc.on_stack) {
      p.reg_args.push_back(k);
      continue;
    }
    p.stores.push_back({k, AreaDisp(callee.stack_args, area_slots, loc.slot), loc.kind});
  }
  p.pop_bytes = 8 * (area_slots - callee.stack_args);
  return p;
}

}  // namespace egret::backend
