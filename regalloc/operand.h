// operand.h: the vocabulary shared by every register allocator and its clients.
//
// A backend describes each machine instruction as a list of Operands over virtual registers
// (vregs); the allocator answers with an Allocation (a physical register or a spill slot) per
// operand. Everything here is a small value type so the backend can fill flat arrays cheaply.
//
// Operand semantics inside one instruction, in this order (the checker executes exactly this):
//   1. early uses read their location;
//   2. early defs write theirs (so an early def never shares a location with any use);
//   3. late uses read theirs (so a late use never shares a location with any def);
//   4. the clobber set is destroyed;
//   5. late defs write theirs (a late def may reuse the register of an early use that dies here,
//      and may sit in a clobbered register, as a call's return value does).
#ifndef EGRET_REGALLOC_OPERAND_H_
#define EGRET_REGALLOC_OPERAND_H_

#include <cstdint>
#include <string>

#include "support/entity.h"

namespace egret::regalloc {

enum class RegClass : uint8_t { kInt = 0, kFloat = 1 };
inline constexpr int kNumRegClasses = 2;
const char* RegClassName(RegClass c);

// A physical register: a class and a hardware number 0..63. index() is dense over both
// classes (0..127) and keys per-register tables.
class PReg {
 public:
  static constexpr int kMaxPerClass = 64;
  static constexpr int kNumIndices = kMaxPerClass * kNumRegClasses;

  constexpr PReg() = default;
  constexpr PReg(RegClass cls, uint8_t hw)
      : bits_(static_cast<uint8_t>(static_cast<uint8_t>(cls) * kMaxPerClass + hw)) {}
  static constexpr PReg FromIndex(uint32_t index) {
    PReg p;
    p.bits_ = static_cast<uint8_t>(index);
    return p;
  }

  constexpr bool valid() const { return bits_ != kInvalid; }
  constexpr RegClass cls() const { return static_cast<RegClass>(bits_ / kMaxPerClass); }
  constexpr uint8_t hw() const { return bits_ % kMaxPerClass; }
  constexpr uint32_t index() const { return bits_; }
  friend constexpr bool operator==(PReg, PReg) = default;

  // `r3` for integer registers, `f3` for float registers.
  std::string ToString() const;

 private:
  static constexpr uint8_t kInvalid = 0xff;
  uint8_t bits_ = kInvalid;
};

// A set of physical registers (both classes), as two 64-bit words.
class PRegSet {
 public:
  constexpr PRegSet() = default;
  void Add(PReg p) { words_[p.index() / 64] |= uint64_t{1} << (p.index() % 64); }
  void Remove(PReg p) { words_[p.index() / 64] &= ~(uint64_t{1} << (p.index() % 64)); }
  bool Contains(PReg p) const { return (words_[p.index() / 64] >> (p.index() % 64)) & 1; }
  bool Empty() const { return (words_[0] | words_[1]) == 0; }
  uint32_t Count() const {
    return static_cast<uint32_t>(__builtin_popcountll(words_[0]) + __builtin_popcountll(words_[1]));
  }
  PRegSet& operator|=(const PRegSet& o) {
    words_[0] |= o.words_[0];
    words_[1] |= o.words_[1];
    return *this;
  }
  friend PRegSet operator|(PRegSet a, const PRegSet& b) { return a |= b; }
  friend bool operator==(const PRegSet&, const PRegSet&) = default;
  template <class F>
  void ForEach(F&& f) const {
    for (int w = 0; w < 2; ++w) {
      uint64_t bits = words_[w];
      while (bits) {
        f(PReg::FromIndex(static_cast<uint32_t>(w * 64 + __builtin_ctzll(bits))));
        bits &= bits - 1;
      }
    }
  }

 private:
  uint64_t words_[2] = {0, 0};
};

using VReg = Id<struct VRegTag>;    // prints as v12
using Block = Id<struct BlockTag>;  // prints as block3

enum class OperandKind : uint8_t { kUse, kDef };
enum class OperandPos : uint8_t { kEarly, kLate };
enum class Constraint : uint8_t {
  kAny,       // a register or the vreg's spill slot
  kReg,       // any allocatable register of the class
  kFixedReg,  // exactly `fixed`
  kReuse,     // (defs only) the same register as use operand `reuse_index` (x64 two-address)
  kStack,     // the vreg's spill slot
};

struct Operand {
  VReg vreg;
  PReg fixed;               // kFixedReg only
  uint8_t reuse_index = 0;  // kReuse only: operand index within the instruction
  // kReuse only: the instruction is commutative in uses `reuse_index` and `commutes_with`
  // (x64 add, and, or, xor, imul), so either may be the one reused. ChooseCommutedReuse()
  // (allocator.h) may swap the two before allocation; the checker then checks the swapped
  // reuse_index, and the backend reads it to order the machine instruction's operands.
  static constexpr uint8_t kNoCommute = 0xff;
  uint8_t commutes_with = kNoCommute;
  OperandKind kind = OperandKind::kUse;
  OperandPos pos = OperandPos::kEarly;
  Constraint constraint = Constraint::kReg;

  bool is_use() const { return kind == OperandKind::kUse; }
  bool is_def() const { return kind == OperandKind::kDef; }
  bool is_early() const { return pos == OperandPos::kEarly; }

  // The common shapes. Uses default to early, defs to late.
  static Operand Use(VReg v, Constraint c = Constraint::kReg) {
    return Make(v, OperandKind::kUse, OperandPos::kEarly, c);
  }
  static Operand LateUse(VReg v, Constraint c = Constraint::kReg) {
    return Make(v, OperandKind::kUse, OperandPos::kLate, c);
  }
  static Operand FixedUse(VReg v, PReg r) {
    Operand o = Make(v, OperandKind::kUse, OperandPos::kEarly, Constraint::kFixedReg);
    o.fixed = r;
    return o;
  }
  static Operand Def(VReg v, Constraint c = Constraint::kReg) {
    return Make(v, OperandKind::kDef, OperandPos::kLate, c);
  }
  static Operand EarlyDef(VReg v, Constraint c = Constraint::kReg) {
    return Make(v, OperandKind::kDef, OperandPos::kEarly, c);
  }
  static Operand FixedDef(VReg v, PReg r) {
    Operand o = Make(v, OperandKind::kDef, OperandPos::kLate, Constraint::kFixedReg);
    o.fixed = r;
    return o;
  }
  static Operand ReuseDef(VReg v, uint8_t use_index) {
    Operand o = Make(v, OperandKind::kDef, OperandPos::kLate, Constraint::kReuse);
    o.reuse_index = use_index;
    return o;
  }
  // A reuse def of a commutative instruction: reuses `use_index` or `other_use`.
  static Operand CommutativeReuseDef(VReg v, uint8_t use_index, uint8_t other_use) {
    Operand o = ReuseDef(v, use_index);
    o.commutes_with = other_use;
    return o;
  }

  // `v3:use:reg`, `v4:def:fixed(r0)`, `v5:early-def:reuse(1)`.
  std::string ToString() const;

 private:
  static Operand Make(VReg v, OperandKind k, OperandPos p, Constraint c) {
    Operand o;
    o.vreg = v;
    o.kind = k;
    o.pos = p;
    o.constraint = c;
    return o;
  }
};

// Where an operand or a move endpoint lives: nothing, a physical register, or a spill slot.
// One more kind appears only as the source of an Edit: Remat(v), "recompute rematerializable
// vreg v" (VRegData::remat), which the backend expands into v's defining instruction.
class Allocation {
 public:
  constexpr Allocation() = default;
  static constexpr Allocation Reg(PReg p) { return Allocation(kRegTag | p.index()); }
  static constexpr Allocation Stack(uint32_t slot) { return Allocation(kStackTag | slot); }
  static constexpr Allocation Remat(uint32_t vreg) { return Allocation(kTagMask | vreg); }

  constexpr bool is_none() const { return (bits_ & kTagMask) == 0; }
  constexpr bool is_reg() const { return (bits_ & kTagMask) == kRegTag; }
  constexpr bool is_stack() const { return (bits_ & kTagMask) == kStackTag; }
  constexpr bool is_remat() const { return (bits_ & kTagMask) == kTagMask; }
  constexpr PReg reg() const { return PReg::FromIndex(bits_ & ~kTagMask); }
  constexpr uint32_t slot() const { return bits_ & ~kTagMask; }
  constexpr uint32_t remat_vreg() const { return bits_ & ~kTagMask; }
  constexpr uint32_t bits() const { return bits_; }
  friend constexpr bool operator==(Allocation, Allocation) = default;

  // `r3`, `f1`, `stack4`, `remat(v7)`, `none`.
  std::string ToString() const;

 private:
  static constexpr uint32_t kTagMask = 0xc0000000u;
  static constexpr uint32_t kRegTag = 0x40000000u;
  static constexpr uint32_t kStackTag = 0x80000000u;
  constexpr explicit Allocation(uint32_t bits) : bits_(bits) {}
  uint32_t bits_ = 0;
};

// A program point between instructions: before or after instruction `inst`.
class ProgPoint {
 public:
  constexpr ProgPoint() = default;
  static constexpr ProgPoint Before(uint32_t inst) { return ProgPoint(inst * 2); }
  static constexpr ProgPoint After(uint32_t inst) { return ProgPoint(inst * 2 + 1); }
  constexpr uint32_t inst() const { return bits_ / 2; }
  constexpr bool is_after() const { return bits_ & 1; }
  constexpr uint32_t bits() const { return bits_; }
  friend constexpr auto operator<=>(ProgPoint, ProgPoint) = default;
  std::string ToString() const;

 private:
  constexpr explicit ProgPoint(uint32_t bits) : bits_(bits) {}
  uint32_t bits_ = 0;
};

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_OPERAND_H_
