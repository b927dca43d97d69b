// wasm_features.h: which post-2.0 WebAssembly proposals a module may use.
//
// A WasmFeatures is a small bit set over the proposals egret implements (or is implementing). It
// travels with the module: DecodeModule stores it in ModuleEnv::features, so the decoder, the
// validator and the translator all consult the same set, and compiler::CompileOptions carries it
// from the command line (`--wasm-features=+threads,-tail-call`, see ParseInto).
//
// Two kinds of rejection, both ErrorKind::kUnsupported, both at the byte offset of the construct:
//   - a proposal in the set but switched off:
//       m.wasm:0x1f3: error: return_call uses the tail-call proposal, which is disabled
//       (--wasm-features=-tail-call) (func 4)
//     built by DisabledMessage();
//   - a proposal egret does not implement at all (exception handling, GC, relaxed SIMD, typed
//     function references...), recognised by its encoding (UnsupportedOpcode):
//       m.wasm:0x1f3: error: the exception-handling proposal is not supported (opcode 0x06 try)
//       (func 4)
//
// Hooking a proposal in: add its enumerator before kCount and its row to kFeatureTable in
// wasm_features.cc (name, default, one line of help); then, where the decoder or validator meets
// one of its constructs, `if (!env.features.has(WasmFeature::kX)) return <error with
// DisabledMessage(WasmFeature::kX, "what")>`. Operators of a whole prefix or opcode range are
// mapped in OpFeature(), which the validator checks for every operator on its generic path.
#ifndef EGRET_FRONTEND_WASM_FEATURES_H_
#define EGRET_FRONTEND_WASM_FEATURES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "support/error.h"

namespace egret::wasm {

enum class Op : uint16_t;  // frontend/opcodes.h (not included: module_env.h includes this header)

enum class WasmFeature : uint8_t {
  kSimd,           // fixed-width SIMD (v128, the 0xfd prefix); standardized in Wasm 2.0's draft
  kExtendedConst,  // i32/i64 add, sub, mul in constant expressions
  kTailCall,       // return_call, return_call_indirect
  kMultiMemory,    // more than one memory, memory indices in memory instructions
  kMemory64,       // 64-bit memory indices (limits flag 0x04)
  kThreads,        // shared memories and the 0xfe atomic operators
  kCount,
};
inline constexpr int kNumWasmFeatures = static_cast<int>(WasmFeature::kCount);

// The proposal's name as the command line and messages spell it: "tail-call".
std::string_view FeatureName(WasmFeature f);
// One line for --help.
std::string_view FeatureHelp(WasmFeature f);
std::optional<WasmFeature> FeatureFromName(std::string_view name);

class WasmFeatures {
 public:
  // The empty set (Wasm 2.0 core only). Use Default() for what the tools start from.
  constexpr WasmFeatures() = default;
  // Every standardized proposal egret implements: the set `egret` uses without --wasm-features.
  static WasmFeatures Default();
  static WasmFeatures All();
  static WasmFeatures None() { return WasmFeatures(); }

  bool has(WasmFeature f) const { return bits_ & Bit(f); }
  void set(WasmFeature f, bool on) { bits_ = on ? (bits_ | Bit(f)) : (bits_ & ~Bit(f)); }
  uint32_t bits() const { return bits_; }

  // Applies a comma-separated list to *this, left to right: `+name` or `name` enables, `-name`
  // disables, `all`, `none` and `default` replace the whole set. Unknown names (including
  // proposals egret does not implement) are errors naming the known ones.
  Status ParseInto(std::string_view spec);
  // "simd,extended-const,..." (the enabled ones, in table order); "none" when empty.
  std::string ToString() const;

  friend bool operator==(WasmFeatures, WasmFeatures) = default;

 private:
  static constexpr uint32_t Bit(WasmFeature f) { return 1u << static_cast<uint32_t>(f); }
  uint32_t bits_ = 0;
};

// "<what> uses the threads proposal, which is disabled (--wasm-features=-threads)".
std::string DisabledMessage(WasmFeature f, std::string_view what);

// The proposal an operator of the table belongs to; nullopt for Wasm 2.0 core operators.
std::optional<WasmFeature> OpFeature(Op op);

// For an encoding the opcode table does not know (prefix 0x00 for single-byte opcodes): if it
// belongs to a proposal egret does not implement, the message
//   "the exception-handling proposal is not supported (opcode 0x06 try)"
// and otherwise nullopt (a plain illegal opcode).
std::optional<std::string> UnsupportedOpcode(uint8_t prefix, uint32_t code);

}  // namespace egret::wasm

#endif  // EGRET_FRONTEND_WASM_FEATURES_H_
