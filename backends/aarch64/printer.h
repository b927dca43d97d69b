// printer.h: AArch64 instructions as LLVM prints them (llvm-mc and capstone agree on this text).
//
// Preferred aliases are printed where LLVM prints them (cmp, cmn, tst, mov, mvn, neg, mul, mneg,
// cset, lsl/lsr/asr/ror, sxt*/uxt*), so the encoder test can compare our text with capstone's
// and feed it back to llvm-mc. Label forms print their target as an absolute address
// (`b #0x40`), given the instruction's own address.
#ifndef EGRET_BACKENDS_AARCH64_PRINTER_H_
#define EGRET_BACKENDS_AARCH64_PRINTER_H_

#include <cstdint>
#include <string>

#include "backends/aarch64/inst.h"

namespace egret::aarch64 {

std::string Print(const Inst& inst, uint64_t address = 0);

}  // namespace egret::aarch64

#endif  // EGRET_BACKENDS_AARCH64_PRINTER_H_
