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

namespace {

// The layout rule, one value at a time: integer and float-class values take the next free
// register of their class from `int_regs` / `float_regs`, the rest the next free 8-byte slots of
// the area (`*next`), aligned for their kind. Parameters and results each have one; both share
// the area's slot counter.
class LocAssigner {
 public:
  LocAssigner(std::span<const uint8_t> int_regs, std::span<const uint8_t> float_regs,
              uint32_t* next)
      : int_regs_(int_regs), float_regs_(float_regs), next_(next) {}

  AbiLoc Next(ir::Type t) {
    AbiLoc loc;
    loc.kind = KindOf(t);
    loc.fp = IsFloatClass(t);
    if (loc.fp && nf_ < float_regs_.size()) {
      loc.reg = float_regs_[nf_++];
    } else if (!loc.fp && ni_ < int_regs_.size()) {
      loc.reg = int_regs_[ni_++];
    } else {
      loc.on_stack = true;
      if (loc.kind == ValueKind::kV128) *next_ = (*next_ + 1) & ~1u;
      loc.slot = *next_;
      *next_ += StackBytes(loc.kind) / 8;
    }
    return loc;
  }

 private:
  std::span<const uint8_t> int_regs_, float_regs_;
  uint32_t* next_;
  size_t ni_ = 0, nf_ = 0;
};

// The argument part ends 16-byte aligned, so results start at the same place after any argument
// list (tail calls rely on it) and the callee pops a multiple of 16 bytes.
uint32_t EndOfArgs(uint32_t next) { return (next + 1) & ~1u; }

}  // namespace

void ComputeCallLayoutInto(const CallConv& conv, std::span<const ir::Type> params,
                           std::span<const ir::Type> results, CallLayout* out) {
  CallLayout& l = *out;
  l.params.clear();
  l.results.clear();
  l.params.reserve(params.size());
  l.results.reserve(results.size());
  uint32_t next = 0;  // the next free 8-byte slot of the area
  LocAssigner args(conv.int_args, conv.float_args, &next);
  for (ir::Type t : params) l.params.push_back(args.Next(t));
  next = EndOfArgs(next);
  l.stack_args = next;
  LocAssigner res(conv.int_results, conv.float_results, &next);
  for (ir::Type t : results) l.results.push_back(res.Next(t));
  l.stack_results = next - l.stack_args;
}

uint32_t StackArgSlots(const CallConv& conv, std::span<const ir::Type> params) {
  uint32_t next = 0;
  LocAssigner args(conv.int_args, conv.float_args, &next);
  for (ir::Type t : params) args.Next(t);
  return EndOfArgs(next);
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
  uint32_t slots = StackArgSlots(conv, f.signature.params);
  for (ir::Block b : f.layout.Blocks()) {
    const ir::Inst last = f.layout.LastInst(b);
    if (!last.valid() || !IsTailCall(f.dfg[last].opcode)) continue;
    const ir::Signature& sig = f.dfg.signature(f.dfg.CallSignature(last));
    slots = std::max(slots, StackArgSlots(conv, sig.params));
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
