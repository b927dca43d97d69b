// const_fold.h: compile-time evaluation of IR operations with the exact semantics of docs/ir.md
// (the interpreter's), and the magic numbers that turn 32-bit division by a constant into a
// multiplication.
//
// Invariant: an Eval* function returns a value only when executing the operation on those
// operands would produce exactly that value. It returns nullopt when the operation would trap
// (division by zero, INT_MIN / -1, out-of-range float-to-int) so that the trap stays in the
// program, and for float results that are NaN, whose bits the passes do not promise to
// reproduce. Integer values are bit patterns in the low TypeBits(t) bits of a uint64_t.
#ifndef EGRET_OPT_CONST_FOLD_H_
#define EGRET_OPT_CONST_FOLD_H_

#include <cstdint>
#include <optional>
#include <span>

#include "ir/opcode.h"
#include "ir/types.h"

namespace egret::opt {

// Integer binary operations (iadd..rotr, sdiv..urem, and the *_imm forms with the immediate as
// b) on type t.
std::optional<uint64_t> EvalIntBinary(ir::Opcode op, ir::Type t, uint64_t a, uint64_t b);
// clz, ctz, popcnt, ineg, bnot.
std::optional<uint64_t> EvalIntUnary(ir::Opcode op, ir::Type t, uint64_t a);
bool EvalIntCompare(ir::IntCC cc, ir::Type t, uint64_t a, uint64_t b);
// uextend/sextend/ireduce from type `from` to `to`.
uint64_t EvalWidthChange(ir::Opcode op, ir::Type from, ir::Type to, uint64_t a);

// A SIMD op at `shape` on constant operands (ir::EvalVector, the interpreter's semantics; scalar
// operands in the low bits of lo). nullopt when a float lane the op computes (arithmetic,
// min/max, sqrt, rounding, demote/promote) is NaN; lanes and bits that are only moved (vfneg,
// lane moves, bitcasts) fold whatever they hold.
std::optional<ir::V128> EvalVectorOp(ir::Opcode op, ir::Type shape, uint8_t cond, int64_t imm,
                                     const ir::V128& constant, std::span<const ir::V128> args);

// The condition that holds exactly when `cc` does not.
ir::IntCC InvertIntCC(ir::IntCC cc);
// The condition c' with (b c' a) == (a c b), for swapping operands.
ir::IntCC SwapIntCC(ir::IntCC cc);
// fcmp conditions that have an exact inverse (eq/ne, ord/uno); nullopt for the others, whose
// negation would have to be true on NaN.
std::optional<ir::FloatCC> InvertFloatCC(ir::FloatCC cc);

// Float operations on bit patterns (f32 in the low 32 bits). nullopt when the result is a NaN
// (except the sign-bit operations fneg, fabs, fcopysign, which are exact on NaNs too) or when
// the operation would trap.
std::optional<uint64_t> EvalFloatBinary(ir::Opcode op, ir::Type t, uint64_t a, uint64_t b);
std::optional<uint64_t> EvalFloatUnary(ir::Opcode op, ir::Type t, uint64_t a);
bool EvalFloatCompare(ir::FloatCC cc, ir::Type t, uint64_t a, uint64_t b);
// Conversions (fpromote, fdemote, fcvt_*, bitcast) from `from` to `to`.
std::optional<uint64_t> EvalConversion(ir::Opcode op, ir::Type from, ir::Type to, uint64_t a);

// Unsigned 32-bit division by d (d >= 2, not a power of two) as
//   q = (x * multiplier) >> shift                           (add_variant false, multiplier < 2^32)
//   q = (x + ((x * multiplier) >> 32)) >> (shift - 32)      (add_variant true: the true
//                                                            multiplier is 2^32 + multiplier)
// computed in 64-bit arithmetic on the zero-extended x; exact for every 32-bit x.
struct UnsignedMagic {
  uint64_t multiplier;
  uint32_t shift;
  bool add_variant;
};
UnsignedMagic UnsignedDivMagic32(uint32_t d);
// Signed 32-bit division by d (d >= 3, not a power of two) as
//   q = ((sext(x) * multiplier) >>s shift) + (x < 0 ? 1 : 0)
// computed in 64-bit arithmetic (multiplier < 2^32, so |x| * multiplier < 2^63); exact for
// every 32-bit x. nullopt if no such multiplier exists (then the division stays).
struct SignedMagic {
  uint64_t multiplier;
  uint32_t shift;
};
std::optional<SignedMagic> SignedDivMagic32(uint32_t d);

// The same for 64-bit division, with the IR's multiply-high (umulhi/smulhi) supplying the upper
// half of the 128-bit product. `shift` is p in q = floor(x * m / 2^p), p >= 64:
//   unsigned, add_variant false (multiplier < 2^64):  q = umulhi(x, m) >> (p - 64)
//   unsigned, add_variant true (true multiplier 2^64 + multiplier, p >= 65):
//     t = umulhi(x, multiplier);  q = ((((x - t) >> 1) + t) >> (p - 65))
//   (x + t can carry out of 64 bits; (x - t) / 2 + t is the same floor without the carry)
UnsignedMagic UnsignedDivMagic64(uint64_t d);  // d >= 3, not a power of two
//   signed: q = ((hi >>s (p - 64)) + (x < 0 ? 1 : 0)), hi = floor(x * m / 2^64) =
//     smulhi(x, m) when m < 2^63, else smulhi(x, m - 2^64) + x (multiplier holds m < 2^64)
std::optional<SignedMagic> SignedDivMagic64(uint64_t d);  // d >= 3, not a power of two

// Whether an unsigned n-bit x (n = 32 or 64) is a multiple of d (d >= 3, not a power of two),
// without the remainder (Granlund and Montgomery 1994; Hacker's Delight 10-17). With
// d = d0 * 2^shift, d0 odd, and inverse the multiplicative inverse of d0 modulo 2^n:
//   x % d == 0  <=>  rotr(x * inverse mod 2^n, shift) <= limit,  limit = (2^n - 1) / d
// Multiplying by the inverse maps the multiples of d0 onto 0 .. (2^n - 1) / d0 and every other
// x above it; the rotate moves nonzero low bits (x not a multiple of 2^shift) to the top, above
// every limit.
struct DivisibilityTest {
  uint64_t inverse;  // odd, below 2^n
  uint32_t shift;
  uint64_t limit;
  uint64_t addend;  // 0 for the unsigned test
};
DivisibilityTest UnsignedDivisibility(uint64_t d, uint32_t bits);
// The same for a signed n-bit x and |divisor| = d (d >= 3, not a power of two; the divisor's
// sign does not matter): with a = (2^(n-shift-1) - 1) / d0,
//   x % d == 0  <=>  rotr(x * inverse + (a << shift) mod 2^n, shift) <= 2a
// The multiples j * d0 of the signed range, j in [-a, a], map to j mod 2^n, and the addend moves
// them onto 0 .. 2a; the rotate works as above, on x / 2^shift's (n - shift)-bit range.
DivisibilityTest SignedDivisibility(uint64_t d, uint32_t bits);

}  // namespace egret::opt

#endif  // EGRET_OPT_CONST_FOLD_H_
