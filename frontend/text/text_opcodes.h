// text_opcodes.h: the text format's view of every WebAssembly 2.0 instruction.
//
// egret_text depends on support/ only (frontend/text/README.md says why), so it cannot use
// frontend/opcodes.h. This table repeats, for each instruction, what the text parser needs: its
// text name, its binary encoding (prefix byte 0x00, 0xfc, 0xfd or 0xfe, then the opcode) and the
// kind of immediate that follows. Invariant: it lists exactly the instructions of
// frontend/opcodes.h, in the same order, with the same encodings, immediates and extra column; the
// unit test `TextOpcodes.MirrorFrontendTable` compares the two tables entry by entry, so they
// cannot drift.
#ifndef EGRET_FRONTEND_TEXT_TEXT_OPCODES_H_
#define EGRET_FRONTEND_TEXT_TEXT_OPCODES_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace egret::text {

// What follows an instruction's opcode; same meaning as wasm::ImmKind (frontend/opcodes.h).
enum class TextImm : uint8_t {
  kNone,
  kBlockType,
  kIndex,
  kBrTable,
  kTwoIndices,
  kSelectT,
  kMemArg,
  kMemIdx,
  kMemoryInit,
  kMemoryCopy,
  kI32,
  kI64,
  kF32,
  kF64,
  kRefType,
  kV128,
  kShuffle,
  kLane,
  kMemArgLane,
};

struct TextOpcode {
  std::string_view name;
  uint8_t
      prefix;  // 0x00 for single-byte opcodes, else 0xfc, 0xfd or 0xfe (LEB128 sub-opcode follows)
  uint32_t code;
  TextImm imm;
  // log2 of the natural alignment for memory accesses, the lane count for lane instructions,
  // alignment*256+lanes for load/store-lane (as frontend/opcodes.h's extra column).
  uint16_t extra;

  uint32_t NaturalAlignLog2() const { return imm == TextImm::kMemArgLane ? extra >> 8 : extra; }
  uint32_t LaneCount() const { return imm == TextImm::kMemArgLane ? extra & 0xff : extra; }
};

// Every instruction, in frontend/opcodes.h's order. `select` appears twice (0x1b untyped, 0x1c
// with a result type); FindTextOpcode returns the untyped one.
std::span<const TextOpcode> AllTextOpcodes();

// The instruction named `name` (a keyword such as "i32.add"), or nullptr.
const TextOpcode* FindTextOpcode(std::string_view name);

}  // namespace egret::text

#endif  // EGRET_FRONTEND_TEXT_TEXT_OPCODES_H_
