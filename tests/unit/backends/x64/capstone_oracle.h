// capstone_oracle.h: capstone as the independent decoder for the differential encoder tests.
//
// Disassemble() decodes one instruction in AT&T syntax. Normalize() removes the differences
// between capstone's text and ours that carry no meaning (documented in docs/x64.md):
//   - trailing spaces (capstone prints "retq " for operand-less instructions);
//   - spaces after commas inside a memory operand, and the implied scale: capstone prints
//     `(%rax, %rdx)`, we print objdump's `(%rax,%rdx,1)`;
//   - immediates: capstone prints some in their unsigned form (`addb $0xff, %al`), we print the
//     signed value at the operand size (`addb $-1, %al`); both become `$0x<bits>` masked to the
//     immediate's width.
#ifndef EGRET_TESTS_UNIT_BACKENDS_X64_CAPSTONE_ORACLE_H_
#define EGRET_TESTS_UNIT_BACKENDS_X64_CAPSTONE_ORACLE_H_

#include <cstdint>
#include <span>
#include <string>

namespace egret::x64::testing {

struct Decoded {
  bool ok = false;
  size_t len = 0;
  std::string text;  // "mnemonic operands", as capstone prints them
};

// Decodes the first instruction of `bytes`, as if placed at `address`.
Decoded Disassemble(std::span<const uint8_t> bytes, uint64_t address = 0);

// Canonical text for comparison; `imm_bits` is the width immediates are masked to.
std::string Normalize(const std::string& text, int imm_bits);

}  // namespace egret::x64::testing

#endif  // EGRET_TESTS_UNIT_BACKENDS_X64_CAPSTONE_ORACLE_H_
