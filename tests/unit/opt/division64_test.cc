// division64_test.cc: 64-bit division by constants through multiply-high (UnsignedDivMagic64,
// SignedDivMagic64 and simplify's rewrite to umulhi/smulhi).
//
// The magic numbers are checked against real division where a wrong multiplier first shows
// (multiples of the divisor and their neighbours at the top of the range, the extremes); the
// rewrite is checked against the interpreter running the original division, for every divisor
// class (powers of two, 1, -1, INT64_MIN, small and large odd and even values) and dividends
// around the same edges, results and traps alike.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ir/interpreter.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/const_fold.h"
#include "opt/pass_manager.h"
#include "tests/unit/opt/interp_outcome.h"

namespace egret::opt {
namespace {

using u128 = unsigned __int128;
using i128 = __int128;

// The sequences of const_fold.h, evaluated with 128-bit arithmetic.
uint64_t UnsignedMagicDiv64(uint64_t x, const UnsignedMagic& m) {
  const uint64_t t = static_cast<uint64_t>((u128{x} * m.multiplier) >> 64);
  if (!m.add_variant) return t >> (m.shift - 64);
  return (((x - t) >> 1) + t) >> (m.shift - 65);
}
int64_t SignedMagicDiv64(int64_t x, const SignedMagic& m) {
  const i128 hi = (i128{x} * static_cast<i128>(u128{m.multiplier})) >> 64;  // floor(x * m / 2^64)
  const int64_t q0 = static_cast<int64_t>(hi >> (m.shift - 64));
  return q0 + (x < 0 ? 1 : 0);
}

std::vector<uint64_t> Probes(uint64_t d, std::mt19937_64& rng) {
  std::vector<uint64_t> xs = {0,
                              1,
                              2,
                              d - 1,
                              d,
                              d + 1,
                              UINT64_MAX,
                              UINT64_MAX - 1,
                              uint64_t{1} << 63,
                              (uint64_t{1} << 63) - 1};
  const u128 top = UINT64_MAX / d;
  for (u128 q = top > 32 ? top - 32 : 0; q <= top; ++q) {
    for (int delta : {-1, 0, 1}) {
      const i128 x = static_cast<i128>(q * d) + delta;
      if (x >= 0 && x <= static_cast<i128>(UINT64_MAX)) xs.push_back(static_cast<uint64_t>(x));
    }
  }
  for (int k = 0; k < 32; ++k) xs.push_back(rng() >> (rng() % 64));
  return xs;
}

std::vector<uint64_t> Divisors() {
  std::vector<uint64_t> ds;
  for (uint64_t d = 3; d < 2000; ++d) ds.push_back(d);
  std::mt19937_64 rng(11);
  for (int k = 0; k < 1500; ++k) ds.push_back(3 + (rng() >> (rng() % 62)));
  for (uint64_t d : {uint64_t{641}, uint64_t{274177}, uint64_t{6700417}, uint64_t{67280421310721},
                     uint64_t{0x7fffffffffffffff}, uint64_t{0x8000000000000001}, UINT64_MAX,
                     UINT64_MAX - 1, uint64_t{1000000007}, uint64_t{10000000000000000000u}})
    ds.push_back(d);
  return ds;
}

TEST(DivisionMagic, Unsigned64MatchesDivision) {
  std::mt19937_64 rng(1);
  for (uint64_t d : Divisors()) {
    if ((d & (d - 1)) == 0) continue;
    const UnsignedMagic m = UnsignedDivMagic64(d);
    for (uint64_t x : Probes(d, rng)) {
      ASSERT_EQ(UnsignedMagicDiv64(x, m), x / d) << x << " / " << d;
    }
  }
}

TEST(DivisionMagic, Signed64MatchesDivision) {
  std::mt19937_64 rng(2);
  int found = 0, tried = 0;
  for (uint64_t d : Divisors()) {
    if (d > uint64_t{INT64_MAX} || (d & (d - 1)) == 0) continue;
    ++tried;
    const std::optional<SignedMagic> m = SignedDivMagic64(d);
    if (!m) continue;
    ++found;
    for (uint64_t u : Probes(d, rng)) {
      for (int64_t x : {static_cast<int64_t>(u), static_cast<int64_t>(0 - u)}) {
        const int64_t want = x == INT64_MIN ? static_cast<int64_t>(i128{INT64_MIN} / i128(d))
                                            : x / static_cast<int64_t>(d);
        ASSERT_EQ(SignedMagicDiv64(x, *m), want) << x << " / " << d;
      }
    }
  }
  EXPECT_EQ(found, tried);  // a multiplier below 2^64 exists for every divisor
}

using testing::Describe;
using testing::OptimizeAtSpeed;
using testing::Parse;

// `op x, C` for every division opcode and divisor class, before and after the speed pipeline,
// on dividends around every edge.
TEST(DivisionByConstant64, MatchesTheInterpreterForEveryDivisorClass) {
  std::vector<uint64_t> divisors = {0,
                                    1,
                                    UINT64_MAX /* -1 */,
                                    uint64_t{1} << 63 /* INT64_MIN */,
                                    2,
                                    4,
                                    uint64_t{1} << 62,
                                    0 - uint64_t{8} /* -8 */,
                                    3,
                                    5,
                                    6,
                                    7,
                                    10,
                                    12,
                                    25,
                                    60,
                                    641,
                                    1000,
                                    274177,
                                    1000000007,
                                    67280421310721,
                                    (uint64_t{1} << 63) - 1,
                                    (uint64_t{1} << 63) + 1,
                                    UINT64_MAX - 1,
                                    0 - uint64_t{3},
                                    0 - uint64_t{7},
                                    0 - uint64_t{1000},
                                    10000000000000000000u};
  std::mt19937_64 rng(5);
  for (int k = 0; k < 24; ++k) divisors.push_back(rng() >> (rng() % 64));
  int rewritten = 0;
  for (const char* op : {"udiv", "sdiv", "urem", "srem"}) {
    for (uint64_t c : divisors) {
      const std::string text = "function %f(i64) -> i64 {\nblock0(v0: i64):\n    v1 = iconst.i64 " +
                               std::to_string(static_cast<int64_t>(c)) + "\n    v2 = " + op +
                               " v0, v1\n    return v2\n}\n";
      ir::Module before = Parse(text);
      ir::Module after = Parse(text);
      const std::string out = OptimizeAtSpeed(after);
      ASSERT_FALSE(::testing::Test::HasFailure());
      if (out.find("mulhi") != std::string::npos) ++rewritten;
      ir::Interpreter ib(before), ia(after);
      std::vector<uint64_t> xs = {0,
                                  1,
                                  2,
                                  3,
                                  UINT64_MAX,
                                  UINT64_MAX - 1,
                                  uint64_t{1} << 63,
                                  (uint64_t{1} << 63) - 1,
                                  (uint64_t{1} << 63) + 1,
                                  c,
                                  c - 1,
                                  c + 1,
                                  0 - c,
                                  2 * c,
                                  2 * c - 1};
      for (int k = 0; k < 200; ++k) xs.push_back(rng() >> (rng() % 64));
      if (c > 1) {  // multiples near the top of the range
        for (int k = 1; k <= 4; ++k) {
          const uint64_t q = UINT64_MAX / c * c - uint64_t(k - 1) * c;
          xs.insert(xs.end(), {q, q - 1, q + 1, 0 - q});
        }
      }
      for (uint64_t x : xs) {
        const ir::DataValue args[] = {{ir::Type::kI64, x}};
        const ir::InterpResult rb = ib.Call("f", args);
        const ir::InterpResult ra = ia.Call("f", args);
        ASSERT_EQ(Describe(rb), Describe(ra))
            << op << " " << static_cast<int64_t>(x) << ", " << static_cast<int64_t>(c) << "\n"
            << out;
      }
    }
  }
  // Every udiv/urem by a non-power-of-two and every sdiv/srem by |c| >= 3 not a power of two.
  EXPECT_GT(rewritten, 60);
}

}  // namespace
}  // namespace egret::opt
