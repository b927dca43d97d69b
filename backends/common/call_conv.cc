// call_conv.cc: the layout rule (see call_conv.h).
#include "backends/common/call_conv.h"

namespace egret::backend {

CallLayout ComputeCallLayout(const CallConv& conv, std::span<const ir::Type> params,
                             std::span<const ir::Type> results) {
  CallLayout l;
  size_t ni = 0, nf = 0;
  for (ir::Type t : params) {
    AbiLoc loc;
    loc.fp = ir::IsFloat(t);
    if (loc.fp && nf < conv.float_args.size()) {
      loc.reg = conv.float_args[nf++];
    } else if (!loc.fp && ni < conv.int_args.size()) {
      loc.reg = conv.int_args[ni++];
    } else {
      loc.on_stack = true;
      loc.slot = l.stack_args++;
    }
    l.params.push_back(loc);
  }
  size_t ri = 0, rf = 0;
  for (ir::Type t : results) {
    AbiLoc loc;
    loc.fp = ir::IsFloat(t);
    if (loc.fp && rf < conv.float_results.size()) {
      loc.reg = conv.float_results[rf++];
    } else if (!loc.fp && ri < conv.int_results.size()) {
      loc.reg = conv.int_results[ri++];
    } else {
      loc.on_stack = true;
      loc.slot = l.stack_args + l.stack_results++;
    }
    l.results.push_back(loc);
  }
  return l;
}

}  // namespace egret::backend
