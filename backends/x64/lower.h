// lower.h: IR -> x64 VCode.
//
// Lowering walks the reachable blocks in reverse post-order (backends/common/lower_order.h) and
// turns each IR instruction into MInsts over vregs, matching a few patterns on the way:
//   - constants are rematerialized at each use that needs a register, and folded into the
//     immediate of add/sub/and/or/xor/imul/cmp/shifts when they fit;
//   - an icmp (or fcmp, for brif) with a single use in the same block by brif, select, trapz or
//     trapnz is not materialized: the user compares and branches / cmovs on the flags;
//   - an i64 `iadd base, index` (or `iadd base, ishl_imm index, s` with s <= 3) with a single
//     use as a load/store address becomes a base + index*scale + disp addressing mode.
// Errors: opcodes the Wasm frontend never produces (stack slots, func_addr) and calls to unknown
// external functions are unsupported, with the function's name.
#ifndef EGRET_BACKENDS_X64_LOWER_H_
#define EGRET_BACKENDS_X64_LOWER_H_

#include "backends/common/target_isa.h"
#include "backends/x64/cpu_features.h"
#include "backends/x64/minst.h"
#include "ir/function.h"
#include "support/error.h"

namespace egret::x64 {

Expected<VCode> Lower(const ir::Function& f, const backend::ModuleContext& module,
                      const CpuFeatures& features);

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_LOWER_H_
