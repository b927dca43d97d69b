// call_conv.cc: the layout rule (see call_conv.h).
#include "backends/common/call_conv.h"

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

}  // namespace egret::backend
