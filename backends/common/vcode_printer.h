// vcode_printer.h: the text behind --emit=vcode and --emit=dot, for any target.
//
// The layout is the same for every target; only the instruction's own text and the register
// names come from the target (VCodeSyntax):
//
//   block2(v4, v5):
//     iconst32 $1 def v6                           before allocation
//     iconst32 $1 def v6=%rax                      after, with each operand's allocation
//     jmp -> block3(v6)                            branches list successors and arguments
//
// Invariant: the printers read VCode and allocations only; printing never changes them.
#ifndef EGRET_BACKENDS_COMMON_VCODE_PRINTER_H_
#define EGRET_BACKENDS_COMMON_VCODE_PRINTER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "regalloc/function.h"
#include "regalloc/liveness.h"
#include "regalloc/output.h"

namespace egret::backend {

class VCodeSyntax {
 public:
  virtual ~VCodeSyntax() = default;
  // Instruction i's mnemonic and immediates, without operands ("iconst32 $1").
  virtual std::string InstHead(uint32_t i) const = 0;
  // Whether instruction i is a branch, which prints its successors and their arguments.
  virtual bool IsBranch(uint32_t i) const = 0;
  // The assembler name of an allocated register ("%rax").
  virtual std::string RegName(regalloc::PReg reg) const = 0;
};

// One line per instruction, operands as vregs, or with their allocations when `allocs` is set.
std::string PrintVCodeText(const regalloc::Function& f, const VCodeSyntax& syntax,
                           const std::vector<regalloc::Allocation>* allocs);

// Graphviz text: one record node per block listing the lines of `text` (PrintVCodeText's output
// for `f`), one edge per successor. With `live`, each record ends with the block's live-in and
// live-out vregs (`live-in: v3 v7`), so the allocation can be read against the live ranges it had
// to respect.
std::string PrintVCodeDot(const std::string& text, const regalloc::Function& f,
                          const std::string& name, const regalloc::Liveness* live = nullptr);

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_VCODE_PRINTER_H_
