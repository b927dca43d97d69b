// random_function.h: seeded generators of valid allocator inputs, for the property test, the
// benchmark and fuzzing.
//
// RandomFunction() builds small functions with arbitrary control flow (loops, irreducible
// regions, self loops, multi-way branches), splits critical edges the way a backend must, and
// fills blocks with instructions whose operands mix every constraint kind, calls with clobbers
// and safepoints, reference vregs and rematerializable constants, under a register budget per
// instruction that keeps every instruction allocatable. Values are drawn from those defined in
// dominating blocks, so the result is strict SSA. The same seed always gives the same function on
// every platform.
//
// LargeFunction() builds a big function of about `num_insts` instructions in time linear in
// its size: a chain of straight-line blocks, diamonds and loops where values are used near
// their definitions, a few long-lived values, and calls, like compiled Wasm.
#ifndef EGRET_REGALLOC_RANDOM_FUNCTION_H_
#define EGRET_REGALLOC_RANDOM_FUNCTION_H_

#include <cstdint>

#include "regalloc/function.h"

namespace egret::regalloc {

// splitmix64: small, fast, and identical everywhere (unlike std distributions).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }
  // True with probability percent / 100.
  bool Chance(uint32_t percent) { return Below(100) < percent; }

 private:
  uint64_t state_;
};

struct RandomFunctionOptions {
  uint32_t max_blocks = 8;
  uint32_t max_insts_per_block = 8;
  // Percentage of instructions that are constants defining a rematerializable vreg
  // (VRegData::remat). LargeFunction() makes none, so the benchmark's inputs stay as they were.
  uint32_t remat_percent = 10;
  // Of those, the percentage whose definition reads one operand (VRegData::remat_reads_operand,
  // `lea imm(u), v`): recomputed only from a register holding u.
  uint32_t remat_operand_percent = 40;
  // Lay the blocks out in reverse post-order and fill the loop tables (loop_header, loop_parent,
  // loop_depth) with the natural loops, as a backend does. Irreducible regions stay: their
  // cycles are no natural loops, and some of their edges go back in the layout to a block that
  // is no header.
  bool natural_loops = false;
};

// A small machine environment with high register pressure for random tests: 4 int registers
// (r0-r3, r3 callee-saved) and 3 float registers (f0-f2, f2 callee-saved).
MachineEnv RandomTestEnv();

Function RandomFunction(uint64_t seed, const MachineEnv& env,
                        const RandomFunctionOptions& options = {});

Function LargeFunction(uint64_t seed, uint32_t num_insts, const MachineEnv& env);

// An x64-like environment: 14 int registers (9 caller-saved, 5 callee-saved), 15 float
// registers (all caller-saved), scratch r15 / f15.
MachineEnv X64LikeEnv();

}  // namespace egret::regalloc

#endif  // EGRET_REGALLOC_RANDOM_FUNCTION_H_
