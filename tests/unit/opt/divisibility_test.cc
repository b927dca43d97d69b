// divisibility_test.cc: `x % C == 0` without the remainder (UnsignedDivisibility and simplify's
// FoldDivisibilityTests).
//
// The test constants are checked against real remainders where a wrong inverse or limit first
// shows (0, the multiples of C and their neighbours at both ends of the range, the extremes,
// odd and even C up to 2^64 - 1); the rewrite is checked against the interpreter running the
// original remainder, for a compare against 0 (eq and ne) and a brif on the remainder, in both
// widths, and it must not apply when the remainder has another use.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ir/interpreter.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "opt/const_fold.h"
#include "opt/pass_manager.h"

namespace egret::opt {
namespace {

uint64_t Rotr(uint64_t v, uint32_t s, uint32_t bits) {
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  v &= mask;
  if (s == 0) return v;
  return ((v >> s) | (v << (bits - s))) & mask;
}

bool Divisible(uint64_t x, const DivisibilityTest& t, uint32_t bits) {
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  return Rotr((x * t.inverse) & mask, t.shift, bits) <= t.limit;
}

std::vector<uint64_t> Divisors(uint32_t bits, std::mt19937_64& rng) {
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
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
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
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
      const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
      ASSERT_EQ(t.inverse & 1, 1u) << d;
      ASSERT_EQ(((d >> t.shift) * t.inverse) & mask, 1u) << d;  // the inverse of the odd part
      for (uint64_t x : Dividends(d, bits, rng)) {
        ASSERT_EQ(Divisible(x, t, bits), x % d == 0) << bits << "-bit " << x << " % " << d;
        ++tried;
      }
    }
  }
  EXPECT_GT(tried, 100000);
}

TEST(Divisibility, ExhaustiveOverSixteenBitDividends) {
  // The construction does not depend on the width, so a 32-bit test over every dividend below
  // 2^16 and every divisor below 300 checks each small divisor's whole cycle of residues.
  for (uint64_t d = 3; d < 300; ++d) {
    if ((d & (d - 1)) == 0) continue;
    const DivisibilityTest t = UnsignedDivisibility(d, 32);
    for (uint64_t x = 0; x < (1u << 16); ++x) {
      ASSERT_EQ(Divisible(x, t, 32), x % d == 0) << x << " % " << d;
    }
  }
}

ir::Module Parse(const std::string& text) {
  Expected<ir::Module> m = ir::ParseModule(text);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().ToString());
  return std::move(*m);
}

std::string Describe(const ir::InterpResult& r) {
  if (r.kind == ir::InterpResult::Kind::kTrapped) return "trap " + std::to_string(int(r.trap));
  if (r.kind == ir::InterpResult::Kind::kError) return "error " + r.error;
  return "returned " + ir::FormatDataValue(r.values[0]);
}

// The three shapes of a test against zero, and one where the remainder is also returned.
std::string Function(const std::string& shape, const std::string& ty, uint64_t c) {
  const std::string head = "function %f(" + ty + ") -> " + ty + " {\nblock0(v0: " + ty +
                           "):\n    v1 = iconst." + ty + " " +
                           std::to_string(static_cast<int64_t>(c)) + "\n    v2 = urem v0, v1\n";
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
  for (const char* ty : {"i32", "i64"}) {
    const uint32_t bits = std::string(ty) == "i64" ? 64 : 32;
    const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    std::vector<uint64_t> divisors = {3,          5,    6,        7,         10,
                                      12,         60,   61,       641,       1000,
                                      1000000007, mask, mask - 1, mask >> 1, (mask >> 1) + 1 + 2};
    for (int k = 0; k < 8; ++k) divisors.push_back((3 + (rng() >> (rng() % 62))) & mask);
    for (const char* shape : {"eq", "ne", "brif", "both"}) {
      for (uint64_t c : divisors) {
        if (c < 3 || (c & (c - 1)) == 0) continue;
        const std::string text = Function(shape, ty, c);
        ir::Module before = Parse(text);
        ir::Module after = Parse(text);
        PassManagerOptions o;
        o.verify = true;
        Expected<PassManager> pm = PassManager::ForOptLevel(OptLevel::kSpeed, o);
        ASSERT_TRUE(pm.ok());
        ASSERT_TRUE(pm->Run(after.functions[0]).ok());
        const std::string out = ir::PrintFunction(after.functions[0]);
        // The test is a multiply and a compare; only "both" keeps the remainder's expansion
        // (an isub of the quotient times C).
        const bool folded = out.find("isub") == std::string::npos;
        EXPECT_EQ(folded, std::string(shape) != "both") << shape << " " << c << "\n" << out;
        ir::Interpreter ib(before), ia(after);
        for (uint64_t x : Dividends(c, bits, rng)) {
          const ir::DataValue args[] = {{bits == 64 ? ir::Type::kI64 : ir::Type::kI32, x}};
          ASSERT_EQ(Describe(ib.Call("f", args)), Describe(ia.Call("f", args)))
              << shape << " " << ty << " " << x << " % " << c << "\n"
              << out;
        }
      }
    }
  }
}

}  // namespace
}  // namespace egret::opt
