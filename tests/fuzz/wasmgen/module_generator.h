// module_generator.h: arbitrary fuzzer bytes -> a valid Wasm 2.0 module binary.
//
// GenerateModule (module_generator.cc: a ModuleGenerator plans the module, a BodyGenerator per
// function writes its code) reads its decisions from a ByteSource (the fuzzer's input) and
// writes a module that validates by construction: every function body is generated with the
// validator's own model, an operand stack of value types and a control stack of frames {kind,
// params, results, height}, and an instruction is emitted only once its operands are on the
// stack with the right types (missing operands are produced first, from constants, locals,
// globals or references). When the bytes run out every decision reads 0, so generation always
// ends and the module stays valid.
//
// What a module may contain (all non-SIMD Wasm 2.0, SIMD with GenOptions::simd, atomics with
// GenOptions::atomics): several types
// (multi-value results, block types with parameters, sometimes long signatures that the ABI passes
// on the stack), up to `max_functions` functions calling each other (call, call_indirect through
// funcref tables with signature mismatches and null entries), i32/i64/f32/f64 globals (mutable or
// not, some exported), one memory with a small declared maximum (loads and stores of every width
// and sign with random alignments and offsets, memory.size/grow/fill/copy/init, data.drop, active
// and passive data), up to two tables of funcref or externref with a declared maximum (every
// table instruction, active/passive/declarative element segments in both encodings), every
// numeric instruction, blocks, loops (some counted, others bounded only by the caller's fuel),
// if/else, br/br_if/br_table, return, unreachable, select and typed select, and optionally a
// start function, and when asked for, imported functions. Traps are all reachable: operands come
// from "interesting" constants (0, -1, INT_MIN, NaN, 2^63, ...), addresses from near the memory's
// end and offsets up to 2^32 - 1. Values computed last are steered into results and stores, where a
// harness observes them.
//
// NaN canonicalisation (GenOptions::canonicalize_nans): Wasm lets engines choose NaN bits, so a
// differential harness turns every float result that may be an arithmetic NaN into the canonical
// positive NaN with a select, like wasm-smith's canonicalize_nans; results, memory and globals
// can then be compared bit for bit. Bit-moving operations (abs, neg, copysign, reinterpret,
// loads, constants) need no such guard.
//
// Determinism: the same bytes and options always give the same module.
#ifndef EGRET_TESTS_FUZZ_WASMGEN_MODULE_GENERATOR_H_
#define EGRET_TESTS_FUZZ_WASMGEN_MODULE_GENERATOR_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace egret::fuzz {

// Decisions from fuzzer bytes, consumed front to back; 0 once exhausted.
class ByteSource {
 public:
  explicit ByteSource(std::span<const uint8_t> data) : data_(data) {}

  uint8_t U8() { return pos_ < data_.size() ? data_[pos_++] : 0; }
  uint32_t U32();
  uint64_t U64();
  // Uniform-ish in [0, n); n must be positive.
  uint32_t Below(uint32_t n);
  // In [lo, hi].
  uint32_t Range(uint32_t lo, uint32_t hi) { return lo + Below(hi - lo + 1); }
  // True with probability about percent/100.
  bool Chance(uint32_t percent) { return Below(100) < percent; }
  bool exhausted() const { return pos_ >= data_.size(); }
  size_t remaining() const { return exhausted() ? 0 : data_.size() - pos_; }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

struct GenOptions {
  // Replace every possibly-NaN float result of arithmetic by the canonical NaN (see above).
  bool canonicalize_nans = false;
  uint32_t max_types = 6;
  uint32_t max_functions = 5;
  // Instructions generated per function body (operand set-up and closing code come on top).
  uint32_t max_ops_per_function = 40;
  // One body in this many percent may have up to `long_body_factor` times as many (as long as
  // the bytes last): register pressure (spills) and, under branch-range shrinking, islands and
  // veneers inside a function.
  uint32_t long_body_percent = 8;
  uint32_t long_body_factor = 8;
  uint32_t max_nesting = 4;       // open blocks/loops/ifs inside a body
  uint32_t max_memory_pages = 3;  // the memory's declared maximum is at most this
  uint32_t max_table_size = 12;   // every table's declared maximum is at most this
  uint32_t max_stack = 10;        // operands above the frame before the generator drops some
  bool allow_start = true;
  // Imported functions ("host" "f0", "host" "f1", ...: the first indices of the function space,
  // of drawn types, never exported or the start function): calls, ref.func, table entries and
  // call_indirect reach them like defined ones. 0 (the default) draws none and reads no byte.
  // The embedder defines them (the differential target: tests/fuzz/differential/host_import.h).
  uint32_t max_imported_functions = 0;
  // return_call and return_call_indirect (the tail-call proposal) in place of some returns, to
  // functions and types whose results are the function's own. Off (the default) reads no byte
  // for it, so existing corpora generate the same modules.
  bool tail_calls = false;
  // SIMD (off by default until the backends lower vector ops): every Wasm 2.0 SIMD instruction
  // may appear inside bodies: v128 constants and splats, lanewise arithmetic, lane accesses,
  // shuffles, reductions to scalars (extract_lane, bitmask, any_true, all_true), v128 loads and
  // stores of every form; v128 locals and block results. v128 never crosses a function's
  // boundary (no v128 params, results, globals or imports), so a harness comparing scalar
  // results, memory and globals needs no change; vector values reach those through reductions
  // and stores. With canonicalize_nans, float-lane arithmetic results are canonicalised lane by
  // lane (`v == v` as a mask, v128.bitselect with a canonical-NaN constant). Off, no byte is
  // read for it: the same bytes give the same module as before the option existed.
  bool simd = false;
  // Threads (atomics): the memory is shared in most modules, and bodies contain atomic loads,
  // stores and read-modify-writes (cmpxchg included) of every width, memory.atomic.notify,
  // memory.atomic.wait32/64 with a timeout of 0 or 1 us (never infinite: one thread could not be
  // woken; on an unshared memory it traps) and atomic.fence. Alignment immediates are natural;
  // effective addresses are mostly aligned and in bounds, sometimes misaligned or past the end
  // (the unaligned-atomic and bounds traps). With one thread every result is deterministic, so
  // the IR interpreter is the oracle. Off, no byte is read for it.
  bool atomics = false;
};

// Generates one module; never fails.
std::vector<uint8_t> GenerateModule(ByteSource& source, const GenOptions& options);

}  // namespace egret::fuzz

#endif  // EGRET_TESTS_FUZZ_WASMGEN_MODULE_GENERATOR_H_
