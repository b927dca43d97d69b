// label_use.h: the x86-64 PC-relative field kinds and how to patch them.
//
// The encoder never resolves labels. For an instruction that refers to one it writes a zero
// field and reports {offset of the field within the instruction, kind}; the caller (later the
// MachBuffer) records a fixup and patches the field once the label is bound:
//
//   field = target - pc_base,   pc_base = the address of the END of the instruction.
//
// For jmp/jcc/call the field is the last thing in the instruction, so pc_base = field + size.
// A RIP-relative memory operand may be followed by an immediate (`cmpl $5, label(%rip)`,
// `roundsd $4, label(%rip), %xmm0`): then pc_base = field + 4 + immediate bytes. EncodedInst
// reports this as `pc_base_delta` (bytes from the field's start to the end of the instruction),
// so a fixup is {buffer offset of the field, kind, pc_base_delta}.
#ifndef EGRET_BACKENDS_X64_LABEL_USE_H_
#define EGRET_BACKENDS_X64_LABEL_USE_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace egret::x64 {

enum class LabelUse : uint8_t {
  kJmpRel8,   // jmp rel8 / jcc rel8: 1-byte field, range -128..127 from pc_base
  kJmpRel32,  // jmp/jcc/call rel32: 4-byte field, +-2 GiB
  kRipRel32,  // disp32 of a RIP-relative memory operand: 4-byte field, +-2 GiB
};

std::string_view LabelUseName(LabelUse use);
// Size of the patched field in bytes.
int FieldSize(LabelUse use);
// The largest forward / backward distance (target - pc_base) the field can encode.
int64_t MaxForward(LabelUse use);
int64_t MaxBackward(LabelUse use);  // a positive number: target >= pc_base - MaxBackward

// Writes target - pc_base into the field at `code[field_offset]` (little-endian). Returns false
// and leaves the code untouched if the distance does not fit the field; the caller must then
// use a longer form or a veneer. Offsets are positions in the same code buffer.
bool PatchLabelField(std::span<uint8_t> code, uint32_t field_offset, LabelUse use, uint32_t pc_base,
                     uint32_t target);

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_LABEL_USE_H_
