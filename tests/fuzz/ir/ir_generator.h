// ir_generator.h: random verified IR modules read from fuzzer bytes, for differential testing of
// the optimizer and the x64 backend against the interpreter.
//
// A module has two functions in the Wasm calling convention (first parameter: the vmctx, i64):
// %callee, without calls, and %main, which may call it. Each function is a CFG of up to eight
// blocks whose terminators are return, jump, brif, br_table, trap, and a bounded back edge
// (below). Instructions cover i32/i64 integer arithmetic including the trapping divisions,
// immediate forms, compares, select, f32/f64 arithmetic, rounding, min/max, every conversion
// (trapping and saturating float->int, bitcasts), conditional traps, stack-slot loads and stores
// (stack_load/stack_store, and load/store through stack_addr, with narrow widths), atomics on the
// stack slot (GeneratorOptions::atomics), and calls.
//
// Invariants, which make every generated module valid and its result deterministic:
//  - It verifies: values are used only where they dominate (dominators are computed naively on
//    the planned CFG before any instruction is placed, and blocks are filled dominators first);
//    types match by construction.
//  - It terminates: every block but the entry takes a `fuel` i32 as its first parameter; the
//    entry sets it to a small constant; forward edges pass it on, and the only back edges are
//    `brif cond, back(fuel - 1, ..), forward(fuel, ..)` with cond false whenever fuel is 0, so
//    at most fuel + 1 passes over the forward DAG happen.
//  - Its results do not depend on things Wasm leaves open. x64 and the interpreter may produce
//    different NaN bit patterns from arithmetic, so a float value is "clean" (its bits are the
//    same everywhere: parameters, constants, loads, bit-moving ops of clean values) or not, and
//    bit-observing uses (bitcast to int, fcopysign's sign, float stores, arguments of calls and
//    clean block parameters) take clean values only. Results may still be NaN: the comparator
//    treats any NaN as equal to any NaN of the same type. The stack slot is zeroed at entry, and
//    stack addresses never become ordinary values (they differ between engines).
//  - The vmctx parameter is only ever passed on to calls.
//  - With GeneratorOptions::simd, values, parameters, results, block parameters, select, stack
//    slot accesses and calls also use the six vector types, and every SIMD opcode appears at
//    every shape it accepts (ir/simd.h), with random conditions, lanes, constants and shuffle
//    masks. Cleanliness extends lane-wise: integer vectors are always clean; a float vector is
//    unclean once a lane may hold an engine-dependent NaN (vector float arithmetic, rounding,
//    min/max, demote/promote). Ops that only move or compare float lanes (vfabs, vfneg, vfpmin,
//    vfpmax, lane moves, vfcmp, vtrunc_sat*) accept unclean operands; every other vector op,
//    whose result bits would expose a NaN payload (bitwise ops, vbitcast, vany_true, ...), takes
//    clean ones. The comparator treats float-vector lanes like float scalars.
#ifndef EGRET_TESTS_FUZZ_IR_IR_GENERATOR_H_
#define EGRET_TESTS_FUZZ_IR_IR_GENERATOR_H_

#include <cstdint>
#include <vector>

#include "ir/function.h"
#include "ir/interpreter.h"
#include "tests/fuzz/ir/byte_source.h"

namespace egret::fuzz {

struct GeneratorOptions {
  // Stack-slot loads and stores. The x64 backend does not lower stack slots yet (the frontend
  // never emits them), so modules for native runs are generated without.
  bool stack_slots = true;
  // Steer around the patterns of open bugs (tests/fuzz/README.md lists them), so a campaign can
  // look for new ones; off by default and in the corpus replay. Currently: fcopysign whose two
  // operands are the same value.
  bool avoid_known_bugs = false;
  // Vector types and SIMD ops (see the file comment). Off by default: a backend that does not
  // lower SIMD yet rejects such modules, so ir_fuzz turns it on only for the modules it runs in
  // the interpreter alone until the backends lower every vector op (kNativeSimd in ir_fuzz.cc).
  bool simd = false;
  // With simd: vectors also in the functions' signatures (as i8x16, Wasm's v128 at a boundary).
  // Off keeps them inside the functions, for a harness that cannot pass v128 yet.
  bool simd_signatures = true;
  // Atomics on the stack slot (with stack_slots only: the backends lower neither stack_addr nor
  // stack loads, so these run in the interpreter configurations): atomic_load, atomic_store,
  // atomic_rmw (every operation), atomic_cas at widths 1-8 at aligned offsets, and fence. One
  // thread makes them deterministic; the opt passes must keep their effects and order. The Wasm
  // differential target executes atomics natively (tests/fuzz/README.md). Off reads no byte.
  bool atomics = false;
};

class IrGenerator {
 public:
  explicit IrGenerator(ByteSource& in, GeneratorOptions options = {})
      : in_(in), options_(options) {}

  // %callee then %main (see the file comment); both verify.
  ir::Module GenerateModule();
  // Arguments for `sig` after the vmctx: edge values (0, -1, INT_MIN, NaN, -0, 2^63, ...) or
  // raw bits.
  std::vector<ir::DataValue> GenerateArgs(const ir::Signature& sig);

 private:
  ir::Function GenerateFunction(const char* name, const ir::Function* callee);
  ir::Signature GenerateSignature();
  ir::Type ValueType();
  ir::DataValue ArgValue(ir::Type t);

  ByteSource& in_;
  GeneratorOptions options_;
};

}  // namespace egret::fuzz

#endif  // EGRET_TESTS_FUZZ_IR_IR_GENERATOR_H_
