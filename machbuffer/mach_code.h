// mach_code.h: a function's finished machine code and its side tables.
//
// MachBuffer<Traits>::Finish() produces a MachCode; TextSectionBuilder lays MachCodes out into one
// text section. The type is target-independent (label-use kinds are stored as their uint8_t
// value) so that the artifact writer and tools can take it without knowing the target.
//
// Invariants: every table is sorted by offset; every offset is inside `bytes`; no label use is
// left unresolved (the only unresolved references are call sites, which name a callee function
// and are resolved by TextSectionBuilder).
#ifndef EGRET_MACHBUFFER_MACH_CODE_H_
#define EGRET_MACHBUFFER_MACH_CODE_H_

#include <cstdint>
#include <vector>

#include "support/entity.h"
#include "support/trap_code.h"

namespace egret {

// A position in the code, handed out by MachBuffer::NewLabel().
using MachLabel = Id<struct MachLabelTag>;

// The instruction at `offset` may fault with `code` (the runtime maps a faulting PC to it).
struct MachTrap {
  uint32_t offset;
  TrapCode code;
  friend bool operator==(const MachTrap&, const MachTrap&) = default;
};

// A direct call to function `callee` of the same module. The call's displacement field is at
// `fixup_offset` and is patched with label-use kind `kind`; `return_offset` is the offset of the
// instruction after the call (what a backtrace or a stack map sees).
struct MachCallSite {
  uint32_t fixup_offset;
  uint32_t return_offset;
  uint32_t callee;
  uint8_t kind;
  friend bool operator==(const MachCallSite&, const MachCallSite&) = default;
};

// Bytes [start, end) come from source location `loc` (a Wasm byte offset).
struct MachSrcLoc {
  uint32_t start;
  uint32_t end;
  uint32_t loc;
  friend bool operator==(const MachSrcLoc&, const MachSrcLoc&) = default;
};

// At `offset` (a call's return address) the stack slots stack_map_slots[first_slot, first_slot +
// num_slots) hold GC references. A slot is an index of 8-byte words counted from the stack
// pointer at the call instruction; the function's frame pointer is `frame_size` bytes above that
// stack pointer (artifact::StackMap keeps the same meaning).
struct MachStackMap {
  uint32_t offset;
  uint32_t frame_size;
  uint32_t first_slot;
  uint32_t num_slots;
  friend bool operator==(const MachStackMap&, const MachStackMap&) = default;
};

// Bytes [start, end) of a function run without the function's own frame record on the frame-
// pointer chain: a frameless leaf's whole body, or a prologue before the record is set up or an
// epilogue after it is torn down. `kind` says where the caller's return address is meanwhile (the
// frame pointer still holds the caller's frame record): artifact::FrameKind has the same values.
enum class MachFrameKind : uint8_t {
  kReturnAtSp = 0,   // x64: at [sp]
  kReturnAtSp8 = 1,  // x64: at [sp + 8] (after `push %rbp`, before `mov %rsp, %rbp`)
  kReturnInLr = 2,   // aarch64: in the link register x30
};
struct MachFrameRange {
  uint32_t start;
  uint32_t end;
  MachFrameKind kind;
  friend bool operator==(const MachFrameRange&, const MachFrameRange&) = default;
};

// What the buffer did, for --stats and for tests that a rule fired.
// Islands: `islands` counts every island that placed bytes, the one Finish places after the
// code (the end-of-code constant pool and last veneers) included; `code_islands` only those
// placed before Finish, in the middle of the code (glossary: island), and `island_bytes` and
// `island_constants` describe those. Veneers are counted wherever they went.
struct MachBufferStats {
  uint32_t islands = 0;
  uint32_t code_islands = 0;      // islands in the middle of the code (before Finish)
  uint32_t island_bytes = 0;      // their bytes: jump, alignment, constants, veneers
  uint32_t island_constants = 0;  // constants (copies included) placed in them
  uint32_t veneers = 0;
  uint32_t veneer_bytes = 0;
  uint32_t branches_removed = 0;   // jumps to the next instruction
  uint32_t branches_inverted = 0;  // conditional branch over an unconditional one
  uint32_t labels_threaded = 0;    // labels redirected to the target of the jump they sat on
  uint32_t dead_branches = 0;      // unconditional branches after an unconditional branch
  uint32_t constants = 0;          // distinct constants placed (copies included)
  uint32_t constant_copies = 0;    // constants placed again because an old copy was out of range
  uint32_t branches_relaxed = 0;   // rel32 branches rewritten short at Finish
  uint32_t aligned_labels = 0;     // labels BindLabelAligned padded (loop tops)
  uint32_t align_bytes = 0;        // their nops (after relaxation cut them)
  friend bool operator==(const MachBufferStats&, const MachBufferStats&) = default;
};

// A stretch of a function's bytes that is data, not instructions, so that --emit=asm prints it
// as data. Function-relative, sorted by start, non-overlapping (an island marker is empty and
// precedes what the island holds).
enum class MachDataKind : uint8_t {
  kJumpTable,  // 32-bit entries (x64: target - entry address)
  kConstant,   // one constant-pool entry (4, 8 or 16 bytes)
  kPadding,    // alignment filler before a constant
  kIsland,     // empty marker: an island in the code starts here
};
struct MachData {
  uint32_t start;
  uint32_t end;
  MachDataKind kind;
  friend bool operator==(const MachData&, const MachData&) = default;
};

struct MachCode {
  std::vector<uint8_t> bytes;
  uint32_t alignment = 1;  // bytes[0] must be placed at a multiple of this
  std::vector<MachTrap> traps;
  std::vector<MachCallSite> call_sites;
  std::vector<MachSrcLoc> srclocs;
  std::vector<MachStackMap> stack_maps;
  std::vector<uint32_t> stack_map_slots;
  std::vector<MachFrameRange> frame_ranges;  // sorted by start, disjoint, non-empty
  std::vector<MachData> data;
  MachBufferStats stats;
};

}  // namespace egret

#endif  // EGRET_MACHBUFFER_MACH_CODE_H_
