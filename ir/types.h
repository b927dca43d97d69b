// types.h: the value types of the IR and the small enums that instructions carry.
//
// Types are a closed enum, not a lattice: the scalars i8 i16 i32 i64 f32 f64 and the 128-bit
// vectors i8x16 i16x8 i32x4 i64x2 f32x4 f64x2 (SIMD; lanes in little-endian order, lane 0 in the
// lowest bits). A vector type names a lane shape; the bits are just 128 bits, and `vbitcast`
// reinterprets them as another shape for free. Integer types carry no sign; opcodes and condition
// codes say how bits are read (sdiv/udiv, slt/ult), as in Wasm. Booleans (icmp/fcmp results,
// brif/select/trapz conditions) are i32 values 0 or 1 when produced, and any integer type when
// consumed (non-zero is true): this is what Wasm's i32 comparisons produce, so the frontend needs
// no extensions.
//
// Also here: integer and float condition codes, and MemFlags (the facts a memory access carries
// so that alias analysis and trap handling need no guessing).
#ifndef EGRET_IR_TYPES_H_
#define EGRET_IR_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace egret::ir {

enum class Type : uint8_t {
  kInvalid = 0,
  kI8,
  kI16,
  kI32,
  kI64,
  kF32,
  kF64,
  // 128-bit vectors (only the SIMD opcodes, load/store/stack_load/stack_store, select, block
  // parameters, calls and returns accept them; IsInt and IsFloat are false for them).
  kI8x16,
  kI16x8,
  kI32x4,
  kI64x2,
  kF32x4,
  kF64x2,
  // A GC reference (Wasm externref): 64 bits that only moves (block parameters, select,
  // load/store, stack_load/stack_store, calls, returns), is compared against null with
  // `is_null`, and whose null is `iconst.r64 0`. No integer or float op accepts it, so every
  // copy of a reference stays typed as one; the backends give its values reference vregs, which
  // the register allocator keeps in stack slots across safepoints (calls) and lists in stack
  // maps. IsScalar is true for it (the "any scalar" operand class admits it); IsInt is not.
  kR64,
};
inline constexpr int kNumTypes = 14;
inline constexpr int kFirstVectorType = static_cast<int>(Type::kI8x16);
inline constexpr int kNumVectorTypes = 6;

constexpr bool IsInt(Type t) { return t >= Type::kI8 && t <= Type::kI64; }
constexpr bool IsFloat(Type t) { return t == Type::kF32 || t == Type::kF64; }
constexpr bool IsVector(Type t) { return t >= Type::kI8x16 && t <= Type::kF64x2; }
constexpr bool IsIntVector(Type t) { return t >= Type::kI8x16 && t <= Type::kI64x2; }
constexpr bool IsFloatVector(Type t) { return t == Type::kF32x4 || t == Type::kF64x2; }
constexpr bool IsRef(Type t) { return t == Type::kR64; }
// A scalar type (not kInvalid, not a vector): an integer, a float or a reference.
constexpr bool IsScalar(Type t) { return (t >= Type::kI8 && t <= Type::kF64) || t == Type::kR64; }
// The lane type of a vector type (i8 for i8x16, f32 for f32x4); kInvalid for scalars.
constexpr Type LaneType(Type t) {
  switch (t) {
    case Type::kI8x16:
      return Type::kI8;
    case Type::kI16x8:
      return Type::kI16;
    case Type::kI32x4:
      return Type::kI32;
    case Type::kI64x2:
      return Type::kI64;
    case Type::kF32x4:
      return Type::kF32;
    case Type::kF64x2:
      return Type::kF64;
    default:
      return Type::kInvalid;
  }
}
// The vector type with lanes of type `lane` (kI32 -> kI32x4); kInvalid if there is none.
constexpr Type VectorOf(Type lane) {
  switch (lane) {
    case Type::kI8:
      return Type::kI8x16;
    case Type::kI16:
      return Type::kI16x8;
    case Type::kI32:
      return Type::kI32x4;
    case Type::kI64:
      return Type::kI64x2;
    case Type::kF32:
      return Type::kF32x4;
    case Type::kF64:
      return Type::kF64x2;
    default:
      return Type::kInvalid;
  }
}
// The scalar type that carries one lane in and out of a vector (vsplat, vinsertlane,
// vextractlane): the lane type, except i32 for the i8 and i16 lanes of i8x16 and i16x8.
constexpr Type LaneScalarType(Type t) {
  const Type lane = LaneType(t);
  return lane == Type::kI8 || lane == Type::kI16 ? Type::kI32 : lane;
}
// The integer vector type with the lanes of a vector type's width (f32x4 -> i32x4).
constexpr Type IntVectorOf(Type t) {
  return t == Type::kF32x4 ? Type::kI32x4 : t == Type::kF64x2 ? Type::kI64x2 : t;
}
// Width in bits (0 for kInvalid).
constexpr uint32_t TypeBits(Type t) {
  switch (t) {
    case Type::kI8:
      return 8;
    case Type::kI16:
      return 16;
    case Type::kI32:
    case Type::kF32:
      return 32;
    case Type::kI64:
    case Type::kF64:
    case Type::kR64:
      return 64;
    case Type::kI8x16:
    case Type::kI16x8:
    case Type::kI32x4:
    case Type::kI64x2:
    case Type::kF32x4:
    case Type::kF64x2:
      return 128;
    case Type::kInvalid:
      return 0;
  }
  return 0;
}
constexpr uint32_t TypeBytes(Type t) { return TypeBits(t) / 8; }
// The number of lanes of a vector type (16 for i8x16); 0 for scalars.
constexpr uint32_t LaneCount(Type t) { return IsVector(t) ? 128 / TypeBits(LaneType(t)) : 0; }
// The integer type of the same width as a float type (and vice versa); kInvalid otherwise.
constexpr Type IntTypeOfWidth(uint32_t bits) {
  return bits == 8    ? Type::kI8
         : bits == 16 ? Type::kI16
         : bits == 32 ? Type::kI32
         : bits == 64 ? Type::kI64
                      : Type::kInvalid;
}

std::string_view TypeName(Type t);  // "i32"; "invalid" for kInvalid
std::optional<Type> ParseType(std::string_view name);

// The bits of a 128-bit vector value: lanes in little-endian order (byte k of the vector is
// bits 8k..8k+7 of lo:hi, lo holding bytes 0..7). Used by vconst's constant table, shuffle masks
// and the interpreter.
struct V128 {
  uint64_t lo = 0, hi = 0;

  uint8_t Byte(uint32_t k) const {
    return static_cast<uint8_t>((k < 8 ? lo >> (8 * k) : hi >> (8 * (k - 8))) & 0xff);
  }
  // Lane `k` of `lane_bits` (8, 16, 32 or 64) bits, zero-extended.
  uint64_t Lane(uint32_t lane_bits, uint32_t k) const {
    const uint32_t bit = lane_bits * k;
    const uint64_t word = bit < 64 ? lo : hi;
    const uint64_t x = word >> (bit % 64);
    return lane_bits == 64 ? x : x & ((uint64_t{1} << lane_bits) - 1);
  }
  void SetLane(uint32_t lane_bits, uint32_t k, uint64_t value) {
    const uint32_t bit = lane_bits * k;
    uint64_t& word = bit < 64 ? lo : hi;
    const uint64_t mask = lane_bits == 64 ? ~uint64_t{0} : (uint64_t{1} << lane_bits) - 1;
    word = (word & ~(mask << (bit % 64))) | ((value & mask) << (bit % 64));
  }
  friend constexpr bool operator==(const V128&, const V128&) = default;
};

// Integer comparisons. Signed and unsigned forms differ only in how bits are read.
enum class IntCC : uint8_t { kEq, kNe, kSlt, kSle, kSgt, kSge, kUlt, kUle, kUgt, kUge };
inline constexpr int kNumIntCC = 10;
std::string_view IntCCName(IntCC cc);
std::optional<IntCC> ParseIntCC(std::string_view name);

// Float comparisons with IEEE 754 semantics: every comparison involving a NaN is false except
// `ne` (unordered or not equal) and `uno` (unordered). These are exactly Wasm's f32.eq..f64.ge.
enum class FloatCC : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kOrd, kUno };
inline constexpr int kNumFloatCC = 8;
std::string_view FloatCCName(FloatCC cc);
std::optional<FloatCC> ParseFloatCC(std::string_view name);

// Facts about a memory access. `heap`, `vmctx` and `table` name the region (at most one);
// `notrap` promises the access cannot fault (otherwise it traps with the instruction's trap
// code); `aligned` promises natural alignment; `readonly` promises nothing writes the location
// while the function runs.
struct MemFlags {
  enum Bit : uint8_t {
    kHeap = 1 << 0,
    kVmctx = 1 << 1,
    kTable = 1 << 2,
    kNotrap = 1 << 3,
    kAligned = 1 << 4,
    kReadonly = 1 << 5,
  };
  static constexpr int kNumBits = 6;
  uint8_t bits = 0;

  constexpr bool Has(Bit b) const { return (bits & b) != 0; }
  constexpr MemFlags With(Bit b) const { return MemFlags{static_cast<uint8_t>(bits | b)}; }
  friend constexpr bool operator==(MemFlags, MemFlags) = default;

  // Name of flag bit i (0..kNumBits-1), in the order the printer writes them.
  static std::string_view BitName(int i);
  static std::optional<Bit> ParseBit(std::string_view name);
  // Flags as printed: "heap notrap" (empty if none).
  std::string ToString() const;
};

}  // namespace egret::ir

#endif  // EGRET_IR_TYPES_H_
