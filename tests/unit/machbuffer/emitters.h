// emitters.h: how the tests drive a MachBuffer the way a backend will: ask IslandNeeded before
// every instruction, register branches with their inverted forms, load constants by label.
#ifndef EGRET_TESTS_UNIT_MACHBUFFER_EMITTERS_H_
#define EGRET_TESTS_UNIT_MACHBUFFER_EMITTERS_H_

#include <cstdint>
#include <vector>

#include "machbuffer/machbuffer.h"
#include "tests/unit/machbuffer/code_sim.h"

namespace egret::testing {

class A64Emitter {
 public:
  explicit A64Emitter(uint32_t shrink = 1) : buf({shrink}) {}

  void Check(uint32_t distance = 4) {
    if (buf.IslandNeeded(distance)) buf.EmitIsland(distance);
  }
  void Insn(uint32_t w) {
    Check();
    buf.Put4(w);
  }
  void Marker(uint32_t id) { Insn(A64Marker(id)); }
  void Ret() { Insn(A64Ret()); }
  void B(MachLabel target) {
    Check();
    uint8_t bytes[4];
    Write32(bytes, A64B());
    buf.EmitUncondBranch(bytes, 0, target, A64LabelUse::kBranch26);
  }
  // b.cond / cbz / cbnz (Branch19) or tbz / tbnz (Branch14).
  void Cond(uint32_t insn, MachLabel target) {
    Check();
    uint8_t bytes[4], inverted[4];
    Write32(bytes, insn);
    Write32(inverted, A64Invert(insn));
    const bool tb = (insn & 0x7e000000u) == 0x36000000u;
    buf.EmitCondBranch(bytes, inverted, 0, target,
                       tb ? A64LabelUse::kBranch14 : A64LabelUse::kBranch19);
  }
  // ldr x3, =value
  void LoadConst(uint64_t value) {
    uint8_t bytes[8];
    Write32(bytes, static_cast<uint32_t>(value));
    Write32(bytes + 4, static_cast<uint32_t>(value >> 32));
    Check();
    const MachLabel l = buf.ConstantLabel(bytes, 8);
    buf.Put4(A64LdrLit(3));
    buf.UseLabelAtOffset(buf.CurOffset() - 4, l, A64LabelUse::kLdr19);
  }
  // ldr w3, =value (a 4-byte constant) or ldr x3 of the low half of a 16-byte constant
  // {value, ~value}: mixed sizes and alignments in the pool.
  void LoadConstSized(uint64_t value, uint32_t size) {
    uint8_t bytes[16];
    Write32(bytes, static_cast<uint32_t>(value));
    Write32(bytes + 4, static_cast<uint32_t>(value >> 32));
    Write32(bytes + 8, ~static_cast<uint32_t>(value));
    Write32(bytes + 12, ~static_cast<uint32_t>(value >> 32));
    Check();
    const MachLabel l = buf.ConstantLabel(std::span<const uint8_t>(bytes, size), size);
    buf.Put4(size == 4 ? A64LdrLit32(3) : A64LdrLit(3));
    buf.UseLabelAtOffset(buf.CurOffset() - 4, l, A64LabelUse::kLdr19);
  }
  // adr x4, =value (the simulator then reads the 8 bytes there)
  void AdrConst(uint64_t value) {
    uint8_t bytes[8];
    Write32(bytes, static_cast<uint32_t>(value));
    Write32(bytes + 4, static_cast<uint32_t>(value >> 32));
    Check();
    const MachLabel l = buf.ConstantLabel(bytes, 8);
    buf.Put4(A64Adr(4));
    buf.UseLabelAtOffset(buf.CurOffset() - 4, l, A64LabelUse::kAdr21);
  }
  // Unreachable padding in chunks, asking for islands in between (islands there need no jump,
  // but the tests use the general form).
  void Pad(uint64_t bytes, uint32_t chunk = 1 << 16) {
    while (bytes > 0) {
      const uint32_t n = static_cast<uint32_t>(bytes < chunk ? bytes : chunk);
      Check(n);
      buf.PutPadding(n);
      bytes -= n;
    }
  }

  A64MachBuffer buf;
};

class X64Emitter {
 public:
  explicit X64Emitter(uint32_t shrink = 1, bool relax = false,
                      uint32_t far_queue_offset = MachBufferOptions{}.far_queue_offset)
      : buf(MachBufferOptions{shrink, kMinShrunkRange, relax, far_queue_offset}) {}
  void Check(uint32_t distance = 16) {
    if (buf.IslandNeeded(distance)) buf.EmitIsland(distance);
  }
  void Marker(uint32_t id) {
    Check();
    buf.PutBytes(X64Marker(id));
  }
  void Ret() {
    Check();
    buf.Put1(X64Ret());
  }
  void Jmp(MachLabel target) {
    Check();
    buf.EmitUncondBranch(X64Jmp(), 1, target, X64LabelUse::kJmpRel32);
  }
  void Jcc(uint8_t cc, MachLabel target) {
    Check();
    buf.EmitCondBranch(X64Jcc(cc), X64Jcc(cc ^ 1), 2, target, X64LabelUse::kJmpRel32);
  }
  void LoadConst(uint64_t value) {
    uint8_t bytes[8];
    Write32(bytes, static_cast<uint32_t>(value));
    Write32(bytes + 4, static_cast<uint32_t>(value >> 32));
    Check();
    const MachLabel l = buf.ConstantLabel(bytes, 8);
    buf.PutBytes(X64LoadRip());
    buf.UseLabelAtOffset(buf.CurOffset() - 4, l, X64LabelUse::kRipRel32);
  }

  // mov eax, [rip + =value] for a 4-byte constant; mov rax of the low half of a 16-byte one.
  void LoadConstSized(uint64_t value, uint32_t size) {
    uint8_t bytes[16];
    Write32(bytes, static_cast<uint32_t>(value));
    Write32(bytes + 4, static_cast<uint32_t>(value >> 32));
    Write32(bytes + 8, ~static_cast<uint32_t>(value));
    Write32(bytes + 12, ~static_cast<uint32_t>(value >> 32));
    Check();
    const MachLabel l = buf.ConstantLabel(std::span<const uint8_t>(bytes, size), size);
    if (size == 4) {
      buf.PutBytes(X64LoadRip32());
    } else {
      buf.PutBytes(X64LoadRip());
    }
    buf.UseLabelAtOffset(buf.CurOffset() - 4, l, X64LabelUse::kRipRel32);
  }

  X64MachBuffer buf;
};

}  // namespace egret::testing

#endif  // EGRET_TESTS_UNIT_MACHBUFFER_EMITTERS_H_
