// encoder.h: byte-exact x86-64 encoding of an Inst.
//
// Encode() writes one instruction (at most 15 bytes) into an EncodedInst, which the caller
// copies into whatever buffer owns the function's code (the MachBuffer, a test vector). The
// encoder needs no state and allocates nothing.
//
// Encoding rules it implements (Intel SDM vol. 2, ch. 2):
//   prefixes: 66 (16-bit operand / SSE), then F2/F3 (SSE, lzcnt/tzcnt/popcnt), then REX, then
//     the opcode map escape (0F, 0F 38, 0F 3A) and the opcode.
//   REX = 0100WRXB: W for 64-bit operands, R/X/B extend ModRM.reg, SIB.index, ModRM.rm/SIB.base
//     (or the register in the opcode byte). A REX (possibly 0x40) is also required whenever a
//     byte register operand is spl/bpl/sil/dil, because without REX those encodings mean
//     ah/ch/dh/bh.
//   ModRM/SIB special cases:
//     - base %rsp/%r12 (low bits 100) needs a SIB byte (rm=100 means "SIB follows");
//     - base %rbp/%r13 (low bits 101) with mod=00 means RIP-relative / no base, so a zero
//       displacement is encoded as disp8 = 0;
//     - index %rsp is impossible (SIB.index=100 means "no index"); Amode rejects it;
//     - displacements use disp8 when they fit in a signed byte, else disp32; none when zero.
//   Immediates: the imm8 form (83 /n, 6B, C1) when the sign-extended value fits, the short
//     accumulator forms (05, A9, ...) for %al/%ax/%eax/%rax, mov's shortest form (MovImmKind).
//
// Label fields: see label_use.h. EncodedInst::label describes the one PC-relative field, if any.
#ifndef EGRET_BACKENDS_X64_ENCODER_H_
#define EGRET_BACKENDS_X64_ENCODER_H_

#include <cstdint>
#include <span>
#include <vector>

#include "backends/x64/inst.h"
#include "backends/x64/label_use.h"

namespace egret::x64 {

inline constexpr int kMaxInstLength = 15;

// Where an instruction's PC-relative field is, for the caller's fixup list.
struct LabelField {
  Label label;  // invalid when the instruction has no label reference
  LabelUse use = LabelUse::kJmpRel32;
  uint8_t offset = 0;         // of the field from the start of the instruction
  uint8_t pc_base_delta = 0;  // from the field's start to the end of the instruction (>= size)
};

struct EncodedInst {
  uint8_t bytes[kMaxInstLength] = {};
  uint8_t len = 0;
  LabelField label;

  std::span<const uint8_t> view() const { return {bytes, len}; }
};

// Encodes `inst`. Operand invariants were checked by the Inst factories; violating them (e.g. an
// Inst built by hand with an impossible size) aborts through EGRET_CHECK.
void Encode(const Inst& inst, EncodedInst* out);
// The same bytes written straight to `bytes` (room for kMaxInstLength; a code buffer's tail, so
// nothing is copied afterwards), the PC-relative field in `*label` (invalid label: none).
// Returns the length.
uint32_t EncodeTo(const Inst& inst, uint8_t* bytes, LabelField* label);
// EncodeTo without its fast paths (encoder_fast.h): for a caller that tried EncodeFast first.
uint32_t EncodeGeneral(const Inst& inst, uint8_t* bytes, LabelField* label);

// A label reference recorded by Assembler: the field is at `offset` in the code.
struct LabelFixup {
  uint32_t offset;  // of the field in the code
  LabelUse use;
  uint32_t pc_base;  // offset of the end of the referring instruction
  Label label;
};

// A growable code buffer with a fixup list: the simplest sink for Encode, used by tests and
// standalone tools until the MachBuffer takes over.
class Assembler {
 public:
  void Emit(const Inst& inst);
  // Pads with the fewest recommended nops (at most 9 bytes each) to `n` bytes.
  void EmitNops(int n);
  // Patches every fixup whose label has an offset in `label_offsets` (indexed by label index).
  // Returns false if a field is out of range.
  bool Resolve(std::span<const uint32_t> label_offsets);

  const std::vector<uint8_t>& code() const { return code_; }
  const std::vector<LabelFixup>& fixups() const { return fixups_; }
  uint32_t offset() const { return static_cast<uint32_t>(code_.size()); }

 private:
  std::vector<uint8_t> code_;
  std::vector<LabelFixup> fixups_;
};

// Appends to `out` the recommended nop sequence of exactly `n` bytes (n >= 0), longest nops
// first (9 bytes each).
void AppendNops(int n, std::vector<uint8_t>* out);

}  // namespace egret::x64

#endif  // EGRET_BACKENDS_X64_ENCODER_H_
