// divisibility_test.cc: `x % C == 0` without the remainder (UnsignedDivisibility,
// SignedDivisibility and simplify's FoldDivisibilityTests).
//
// The test constants are checked against real remainders where a wrong inverse or limit first
// shows (0, the multiples of C and their neighbours at both ends of the range, the extremes,
// odd and even C up to 2^64 - 1); the rewrite is checked against the interpreter running the
// original remainder, unsigned and signed (negative divisors and powers of two too), for a
// compare against 0 (eq and ne) and a brif on the remainder, in both widths, and it must not
// apply when the remainder has another use.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ir/interpreter.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "opt/const_fold.h"
#include "opt/ir_edit.h"
#include "opt/pass_manager.h"
#include "tests/unit/opt/interp_outcome.h"

namespace egret::opt {
namespace {

uint64_t Rotr(uint64_t v, uint32_t s, uint32_t bits) {
  const uint64_t mask = LowMask(bits);
  v &= mask;
  if (s == 0) return v;
  return ((v >> s) | (v << (bits - s))) & mask;
}

// x: the n-bit pattern (a signed x in two's complement).
bool Divisible(uint64_t x, const DivisibilityTest& t, uint32_t bits) {
  const uint64_t mask = LowMask(bits);
  return Rotr((x * t.inverse + t.addend) & mask, t.shift, bits) <= t.limit;
}

// x as a signed n-bit value, and whether it is a multiple of d.
bool SignedMultiple(uint64_t x, uint64_t d, uint32_t bits) {
  const int64_t sx =
      bits == 64 ? static_cast<int64_t>(x) : static_cast<int64_t>(x << (64 - bits)) >> (64 - bits);
  const uint64_t magnitude = sx < 0 ? 0 - static_cast<uint64_t>(sx) : static_cast<uint64_t>(sx);
  return magnitude % d == 0;
}

std::vector<uint64_t> Divisors(uint32_t bits, std::mt19937_64& rng) {
  const uint64_t mask = LowMask(bits);
  std::vector<uint64_t> ds;
  for (uint64_t d = 3; d < 1200; ++d) ds.push_back(d);
  for (int k = 0; k < 600; ++k) ds.push_back((3 + (rng() >> (rng() % 62))) & mask);
  for (uint64_t d : {mask, mask - 1, mask >> 1, (mask >> 1) + 2, uint64_t{641} << 20,
                     uint64_t{1000000007}, uint64_t{3} << (bits - 2)})
    ds.push_back(d & mask);
  std::vector<uint64_t> out;
  for (uint64_t d : ds) {
    if (d >= 3 && (d & (d - 1)) != 0) out.push_back(d);
  }
  return out;
}

std::vector<uint64_t> Dividends(uint64_t d, uint32_t bits, std::mt19937_64& rng) {
  const uint64_t mask = LowMask(bits);
  std::vector<uint64_t> xs = {0, 1, 2, mask, mask - 1, mask >> 1, (mask >> 1) + 1};
  const uint64_t top = mask / d * d;  // the largest multiple
  for (uint64_t k = 0; k < 6; ++k) {
    for (uint64_t base : {k * d, top - k * d}) {
      xs.insert(xs.end(), {base, base - 1, base + 1, base + (d >> 1)});
    }
  }
  for (int k = 0; k < 40; ++k) {
    xs.push_back(rng() & mask);
    xs.push_back((rng() >> (rng() % 64)) / d * d);  // a multiple (below the range's top)
  }
  for (uint64_t& x : xs) x &= mask;
  return xs;
}

TEST(Divisibility, MatchesTheRemainderInBothWidths) {
  std::mt19937_64 rng(7);
  int tried = 0;
  for (uint32_t bits : {32u, 64u}) {
    for (uint64_t d : Divisors(bits, rng)) {
      const DivisibilityTest t = UnsignedDivisibility(d, bits);
      const uint64_t mask = LowMask(bits);
      ASSERT_EQ(t.inverse & 1, 1u) << d;
      ASSERT_EQ(((d >> t.shift) * t.inverse) & mask, 1u) << d;  // the inverse of the odd part
      const DivisibilityTest st = SignedDivisibility(d, bits);
      ASSERT_EQ(st.inverse, t.inverse) << d;
      if (d > (mask >> 1)) continue;  // |divisor| of a signed remainder is below 2^(n-1)
      for (uint64_t x : Dividends(d, bits, rng)) {
        ASSERT_EQ(Divisible(x, t, bits), x % d == 0) << bits << "-bit " << x << " % " << d;
        for (uint64_t sx : {x, (0 - x) & mask, (x + (mask >> 1) + 1) & mask}) {
          ASSERT_EQ(Divisible(sx, st, bits), SignedMultiple(sx, d, bits))
              << bits << "-bit signed " << sx << " % " << d;
        }
        ++tried;
      }
    }
  }
  EXPECT_GT(tried, 100000);
}

TEST(Divisibility, ExhaustiveAtSixteenBits) {
  // The construction does not depend on the width: at 16 bits every dividend, signed and
  // unsigned, is checked for the divisors below 700 and a spread of large ones.
  std::vector<uint64_t> ds;
  for (uint64_t d = 3; d < 700; ++d) ds.push_back(d);
  for (uint64_t d : {1000u, 4095u, 10000u, 12289u, 16383u, 16385u, 24576u, 32767u, 32769u, 40000u,
                     65533u, 65535u})
    ds.push_back(d);
  for (uint64_t d : ds) {
    if ((d & (d - 1)) == 0) continue;
    const DivisibilityTest t = UnsignedDivisibility(d, 16);
    const DivisibilityTest st = SignedDivisibility(d, 16);
    for (uint64_t x = 0; x < (1u << 16); ++x) {
      ASSERT_EQ(Divisible(x, t, 16), x % d == 0) << x << " % " << d;
      if (d < (1u << 15)) {
        ASSERT_EQ(Divisible(x, st, 16), SignedMultiple(x, d, 16)) << "signed " << x << " % " << d;
      }
    }
  }
}

using testing::Describe;
using testing::OptimizeAtSpeed;
using testing::Parse;

// `op x, C` tested against zero in three shapes, and one where the remainder is also used.
std::string Function(const std::string& op, const std::string& shape, const std::string& ty,
                     uint64_t c) {
  const std::string head =
      "function %f(" + ty + ") -> " + ty + " {\nblock0(v0: " + ty + "):\n    v1 = iconst." + ty +
      " " + std::to_string(static_cast<int64_t>(c)) + "\n    v2 = " + op + " v0, v1\n";
  if (shape == "eq" || shape == "ne") {
    const std::string widen =
        ty == "i64" ? "    v4 = uextend.i64 v3\n    return v4\n}\n" : "    return v3\n}\n";
    return head + "    v3 = icmp_imm " + shape + " v2, 0\n" + widen;
  }
  if (shape == "brif") {
    return head + "    brif v2, block1, block2\nblock1:\n    v3 = iconst." + ty +
           " 11\n    return v3\nblock2:\n    v4 = iconst." + ty + " 22\n    return v4\n}\n";
  }
  // "both": the remainder is tested and also used; the expansion must stay.
  return head +
         "    v3 = icmp_imm eq v2, 0\n    brif v3, block1, block2\nblock1:\n    return v2\n"
         "block2:\n    v4 = iadd_imm v2, 1\n    return v4\n}\n";
}

TEST(Divisibility, SpeedPipelineMatchesTheInterpreter) {
  std::mt19937_64 rng(3);
  int folded_count = 0;
  for (const char* op : {"urem", "srem"}) {
    const bool is_signed = std::string(op) == "srem";
    for (const char* ty : {"i32", "i64"}) {
      const uint32_t bits = std::string(ty) == "i64" ? 64 : 32;
      const uint64_t mask = LowMask(bits);
      std::vector<uint64_t> divisors = {
          3,       5, 6, 7, 10, 12, 60, 61, 641, 1000, 1000000007, mask >> 1, (mask >> 1) + 1 + 2,
          mask - 1};
      if (is_signed) {  // negative divisors and powers of two (x & (2^k - 1) == 0)
        for (uint64_t c : {uint64_t{3}, uint64_t{7}, uint64_t{12}, uint64_t{641}, mask >> 1,
                           uint64_t{2}, uint64_t{8}}) {
          divisors.push_back((0 - c) & mask);
        }
        divisors.insert(divisors.end(), {2, 4, 1024, uint64_t{1} << (bits - 2)});
      }
      for (int k = 0; k < 8; ++k) divisors.push_back((3 + (rng() >> (rng() % 62))) & mask);
      for (const char* shape : {"eq", "ne", "brif", "both"}) {
        for (uint64_t c : divisors) {
          const uint64_t sign_bit = uint64_t{1} << (bits - 1);
          const uint64_t magnitude = is_signed && (c & sign_bit) ? (0 - c) & mask : c;
          // What DivByConstant leaves alone or folds to a constant or a mask by itself.
          if (magnitude < 2 || magnitude == sign_bit) continue;
          if (!is_signed && (c & (c - 1)) == 0) continue;
          const std::string text = Function(op, shape, ty, c);
          ir::Module before = Parse(text);
          ir::Module after = Parse(text);
          const std::string out = OptimizeAtSpeed(after);
          ASSERT_FALSE(::testing::Test::HasFailure());
          // The test is a multiply (or a mask) and a compare; only "both" keeps the remainder's
          // expansion (x minus the rounded quotient times C).
          const bool folded = out.find("isub") == std::string::npos;
          EXPECT_EQ(folded, std::string(shape) != "both") << op << " " << shape << " " << c << "\n"
                                                          << out;
          folded_count += folded;
          ir::Interpreter ib(before), ia(after);
          std::vector<uint64_t> xs = Dividends(magnitude, bits, rng);
          const size_t n = xs.size();
          for (size_t k = 0; k < n; ++k) xs.push_back((0 - xs[k]) & mask);  // negatives too
          for (uint64_t x : xs) {
            const ir::DataValue args[] = {{bits == 64 ? ir::Type::kI64 : ir::Type::kI32, x}};
            ASSERT_EQ(Describe(ib.Call("f", args)), Describe(ia.Call("f", args)))
                << op << " " << shape << " " << ty << " " << x << " % " << c << "\n"
                << out;
          }
        }
      }
    }
  }
  EXPECT_GT(folded_count, 200);
}

}  // namespace
}  // namespace egret::opt
