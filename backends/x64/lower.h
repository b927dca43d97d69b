// lower.h: IR -> x64 VCode.
//
// The shared lowering walk (backends/common/lower_ctx.h) visits the reachable blocks in reverse
// post-order; x64's rules, one per opcode family, turn each IR instruction into MInsts over vregs.
// Folding is decided by matchers asked at the use (and, through IsSunk, by the definition asking
// its only user's matcher):
//   - constants are rematerialized at each use that needs a register, and folded into the
//     immediate of add/sub/and/or/xor/imul/cmp/shifts when they fit;
//   - an icmp (or fcmp, for brif) with a single use in the same block by brif, select, trapz or
//     trapnz is not materialized: the user compares and branches / cmovs on the flags;
//   - an i64 `iadd base, index` (or `iadd base, ishl_imm index, s` with s <= 3) with a single
//     use as a load/store address becomes a base + index*scale + disp addressing mode;
//   - a plain integer load used once, later in its block, by add/sub/and/or/xor/imul with only
//     pure instructions in between becomes that instruction's memory operand.
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
