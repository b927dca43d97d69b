// options.h: the typed compile options and the one place that decides their defaults.
//
// A command line names an opt level, a register allocator and a target as words; they become
// enums here, once, at the edge (`ParseOptLevel`, `ParseAllocator`, `ParseTarget`), and
// everything past the command line carries the enums. Each enum has one table of names below;
// adding an allocator is one enumerator and one row in `kAllocators` (its name must be one that
// regalloc::AllocatorNames() knows, which a unit test checks).
//
// The defaults policy (`DefaultOptLevel`, `DefaultAllocator`, `DefaultJobs`, `HostTarget`) is
// shared by `egret compile`, `egret run`, `egret wast`, their --help texts and
// compiler::CompileOptions' initial values, so they cannot disagree.
#ifndef EGRET_COMPILER_OPTIONS_H_
#define EGRET_COMPILER_OPTIONS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "opt/pass_manager.h"
#include "support/error.h"

namespace egret::compiler {

using opt::OptLevel;

// The register allocators (regalloc/allocator.h).
enum class Allocator : uint8_t { kFast, kLinear };

// The architectures code can be compiled for.
enum class Target : uint8_t { kX86_64, kAarch64 };

// A row of a name table: the enumerator, the word a command line uses, one line of help.
template <class E>
struct NamedValue {
  E value;
  std::string_view name;
  std::string_view help;
};

inline constexpr NamedValue<Allocator> kAllocators[] = {
    {Allocator::kFast, "fast", "single pass, quickest to run"},
    {Allocator::kLinear, "linear", "linear scan with live-range splitting, better code"},
};
inline constexpr NamedValue<Target> kTargets[] = {
    {Target::kX86_64, "x86_64", "x86-64 (System V)"},
    {Target::kAarch64, "aarch64", "AArch64 (AAPCS64)"},
};
// The opt levels' table is opt::kOptLevels (rows of the same shape), beside their pipelines.
using opt::kOptLevels;

std::string_view Name(Allocator a);
std::string_view Name(Target t);
using opt::Name;

// Word -> enumerator; an unknown word is an error naming the accepted ones:
//   unknown register allocator 'greedy' (known: fast, linear)
Expected<OptLevel> ParseOptLevel(std::string_view name);
Expected<Allocator> ParseAllocator(std::string_view name);
Expected<Target> ParseTarget(std::string_view name);

// "fast|linear": the accepted words of a table (rows with a `name`), for --help and messages.
template <class Row, size_t N>
std::string Choices(const Row (&table)[N]) {
  std::string s;
  for (const Row& v : table) s += (s.empty() ? "" : "|") + std::string(v.name);
  return s;
}

// ---- The defaults policy ----

// `speed`, as in Wasmtime: what `egret compile`, `run` and `wast` use without --opt-level.
constexpr OptLevel DefaultOptLevel() { return OptLevel::kSpeed; }
// The allocator an opt level picks when --regalloc is not given: none wants the quickest
// compile (fast), speed the better code (linear).
constexpr Allocator DefaultAllocator(OptLevel level) {
  return level == OptLevel::kNone ? Allocator::kFast : Allocator::kLinear;
}
// When the compiler runs the IR verifier (ir/verifier.h) on each function.
enum class IrVerification : uint8_t {
  kOnce,      // once, after the last pass (at none: after translation)
  kEachPass,  // after translation and after every pass, naming the pass that broke the IR
};
// Release builds verify once (the verifier after each of the 7 passes cost about half of
// speed's compile-time overhead); Debug builds, and `--verify-each`, after every pass.
constexpr IrVerification DefaultIrVerification() {
#ifdef EGRET_DEBUG
  return IrVerification::kEachPass;
#else
  return IrVerification::kOnce;
#endif
}
// Worker threads when --jobs is not given: every online CPU (at least 1). The artifact does not
// depend on it (compiler.h).
uint32_t DefaultJobs();
// The architecture egret itself runs on: the default target, so that `egret run x.wasm`
// compiles code this host can execute (other hosts default to x86_64, as a cross compiler).
constexpr Target HostTarget() {
#if defined(__aarch64__)
  return Target::kAarch64;
#else
  return Target::kX86_64;
#endif
}

}  // namespace egret::compiler

#endif  // EGRET_COMPILER_OPTIONS_H_
