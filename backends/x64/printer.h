// printer.h: AT&T-syntax text for an Inst, as objdump and capstone print it.
//
//   addl %ecx, %eax            movq 0x10(%rdi,%rsi,8), %rax       roundsd $9, %xmm1, %xmm0
//
// Conventions (chosen to match capstone's AT&T output, so that the differential test compares
// text directly; see docs/x64.md for the few documented differences):
//   - operands in AT&T order (sources first), size suffix on integer mnemonics (b/w/l/q);
//   - numbers with |n| <= 9 in decimal, others in hex with a sign (`-0x10`, `$0x100`);
//   - immediates print their value at the operand size, signed (`addb $-1, %al`);
//   - a zero displacement is omitted (`(%rbp)`, even though it is encoded as disp8 = 0);
//   - memory operands print as objdump does: `(%rdi,%rsi,8)`, with an explicit scale of 1;
//   - the shortest MovRI encoding prints as what it is (`movl $1, %eax` for a 64-bit move of 1).
// Labels print through a LabelNamer (default `label<N>`): a branch prints its target name, a
// RIP-relative operand prints `name(%rip)`.
#ifndef EGRET_BACKENDS_X64_PRINTER_H_
#define EGRET_BACKENDS_X64_PRINTER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "backends/x64/inst.h"

namespace egret::x64 {

using LabelNamer = std::function<std::string(Label)>;

// `5`, `-9`, `0xa`, `-0x80000000`: capstone's number format.
std::string FormatNumber(int64_t v);
std::string FormatAmode(const Amode& m, const LabelNamer& namer = nullptr);
std::string PrintAtt(const Inst& inst, const LabelNamer& namer = nullptr);

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_PRINTER_H_
