// lower.h: IR -> AArch64 VCode.
//
// The shared lowering walk (backends/common/lower_ctx.h) visits the reachable blocks in reverse
// post-order; the rules here, one per opcode family, turn each IR instruction into MInsts over
// vregs. Folding is decided by matchers asked at the use (and, through IsSunk, by a definition
// asking its only user's matcher), never by a pre-pass:
//   - constants are rematerialized at each use, and become the immediate of add/sub (imm12,
//     optionally << 12, negated into the other operation), and/orr/eor (bitmask immediates),
//     shifts and compares (cmp/cmn) when they fit;
//   - `ishl_imm x, k` used once by add/sub/and/orr/eor becomes the shifted-register operand;
//     an i64 add/sub of `uextend`/`sextend` of an i32 becomes the extended-register form (uxtw /
//     sxtw); `iadd c, imul a, b` (and `isub c, imul a, b`) becomes madd (msub);
//   - an icmp/icmp_imm/fcmp used once in its block by brif, select, trapz or trapnz sets the
//     flags for its user (b.cond, csel/fcsel, a conditional trap); brif on a non-compare is
//     cbnz, and brif on `band_imm x, 2^k` is tbnz;
//   - an i64 `iadd base, index` (index optionally `ishl_imm i, log2(access size)`, or
//     `uextend` of an i32: Wasm's heap address) used once as a load/store address with offset 0
//     becomes the register-offset addressing mode ([base, index, lsl #s] / [base, w, uxtw]).
// Errors: IR the Wasm frontend never produces (stack slots, func_addr), calls to unknown
// external functions: "aarch64: not supported: ... (function NAME)".
#ifndef EGRET_BACKENDS_AARCH64_LOWER_H_
#define EGRET_BACKENDS_AARCH64_LOWER_H_

#include "backends/aarch64/cpu_features.h"
#include "backends/aarch64/minst.h"
#include "backends/common/target_isa.h"
#include "ir/function.h"
#include "support/error.h"

namespace egret::aarch64 {

// `features.lse` picks the FEAT_LSE atomics (ldaddal, swpal, casal) over ldaxr/stlxr loops.
Expected<VCode> Lower(const ir::Function& f, const backend::ModuleContext& module,
                      const CpuFeatures& features = {});

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_LOWER_H_
