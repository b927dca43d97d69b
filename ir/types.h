// types.h: the value types of the IR and the small enums that instructions carry.
//
// Types are a closed enum, not a lattice: i8 i16 i32 i64 f32 f64 (v128 is reserved for SIMD).
// Integer types carry no sign; opcodes and condition codes say how bits are read (sdiv/udiv,
// slt/ult), as in Wasm. Booleans (icmp/fcmp results, brif/select/trapz conditions) are i32
// values 0 or 1 when produced, and any integer type when consumed (non-zero is true): this is
// what Wasm's i32 comparisons produce, so the frontend needs no extensions.
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
  kV128,  // reserved for SIMD; no opcode accepts it yet
};
inline constexpr int kNumTypes = 8;

constexpr bool IsInt(Type t) { return t >= Type::kI8 && t <= Type::kI64; }
constexpr bool IsFloat(Type t) { return t == Type::kF32 || t == Type::kF64; }
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
      return 64;
    case Type::kV128:
      return 128;
    case Type::kInvalid:
      return 0;
  }
  return 0;
}
constexpr uint32_t TypeBytes(Type t) { return TypeBits(t) / 8; }
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
