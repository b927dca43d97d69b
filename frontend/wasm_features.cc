// wasm_features.cc: the proposal table, --wasm-features parsing, and the encodings of proposals
// egret does not implement.
#include "frontend/wasm_features.h"

#include <cstdio>

#include "frontend/opcodes.h"

namespace egret::wasm {
namespace {

struct FeatureRow {
  WasmFeature feature;
  std::string_view name;
  bool on_by_default;
  std::string_view help;
};

// Indexed by WasmFeature. Default: the standardized proposals (Wasm 3.0) this issue implements.
constexpr FeatureRow kFeatureTable[] = {
    {WasmFeature::kSimd, "simd", true, "128-bit SIMD: v128 and the 0xfd operators"},
    {WasmFeature::kExtendedConst, "extended-const", true,
     "i32/i64 add, sub and mul in constant expressions"},
    {WasmFeature::kTailCall, "tail-call", true, "return_call and return_call_indirect"},
    // Off by default: both change what Wasm 2.0 modules mean (two memories become valid,
    // memory.grow's reserved byte becomes a LEB128 memory index, limits and offsets above
    // 2^32 - 1 turn from malformed into invalid), which the pinned 2.0 testsuite checks.
    {WasmFeature::kMultiMemory, "multi-memory", false,
     "several memories per module, memory indices in memory instructions"},
    {WasmFeature::kMemory64, "memory64", false,
     "memories indexed by i64 (explicit bounds checks: docs/frontend.md)"},
    {WasmFeature::kThreads, "threads", true, "shared memories and the 0xfe atomic operators"},
};
static_assert(sizeof(kFeatureTable) / sizeof(kFeatureTable[0]) == kNumWasmFeatures);

constexpr bool TableInOrder() {
  for (int i = 0; i < kNumWasmFeatures; ++i)
    if (static_cast<int>(kFeatureTable[i].feature) != i) return false;
  return true;
}
static_assert(TableInOrder());

// Encodings of proposals egret does not implement: one row per opcode (or prefix, code_end
// inclusive for ranges), with the proposal's name and the operator's text name.
struct UnsupportedRow {
  uint8_t prefix;
  uint32_t code, code_end;
  std::string_view proposal;
  std::string_view name;  // empty for ranges
};
constexpr UnsupportedRow kUnsupported[] = {
    {0x00, 0x06, 0x06, "exception-handling", "try"},
    {0x00, 0x07, 0x07, "exception-handling", "catch"},
    {0x00, 0x08, 0x08, "exception-handling", "throw"},
    {0x00, 0x09, 0x09, "exception-handling", "rethrow"},
    {0x00, 0x0a, 0x0a, "exception-handling", "throw_ref"},
    {0x00, 0x18, 0x18, "exception-handling", "delegate"},
    {0x00, 0x19, 0x19, "exception-handling", "catch_all"},
    {0x00, 0x1f, 0x1f, "exception-handling", "try_table"},
    {0x00, 0x14, 0x14, "function-references", "call_ref"},
    {0x00, 0x15, 0x15, "function-references", "return_call_ref"},
    {0x00, 0xd3, 0xd3, "function-references", "ref.as_non_null"},
    {0x00, 0xd4, 0xd4, "function-references", "br_on_null"},
    {0x00, 0xd5, 0xd5, "gc", "ref.eq"},
    {0x00, 0xd6, 0xd6, "function-references", "br_on_non_null"},
    {0xfb, 0x00, UINT32_MAX, "gc", ""},
    {0xfd, 0x100, 0x1ff, "relaxed-simd", ""},
};

}  // namespace

std::string_view FeatureName(WasmFeature f) { return kFeatureTable[static_cast<int>(f)].name; }

std::string_view FeatureHelp(WasmFeature f) { return kFeatureTable[static_cast<int>(f)].help; }

std::optional<WasmFeature> FeatureFromName(std::string_view name) {
  for (const FeatureRow& row : kFeatureTable)
    if (row.name == name) return row.feature;
  return std::nullopt;
}

WasmFeatures WasmFeatures::Default() {
  WasmFeatures f;
  for (const FeatureRow& row : kFeatureTable) f.set(row.feature, row.on_by_default);
  return f;
}

WasmFeatures WasmFeatures::All() {
  WasmFeatures f;
  for (const FeatureRow& row : kFeatureTable) f.set(row.feature, true);
  return f;
}

Status WasmFeatures::ParseInto(std::string_view spec) {
  if (spec.empty()) return Error("empty --wasm-features list");
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view item = spec.substr(start, comma - start);
    start = comma + 1;
    if (item == "all") {
      *this = All();
    } else if (item == "none") {
      *this = None();
    } else if (item == "default") {
      *this = Default();
    } else {
      bool on = true;
      if (!item.empty() && (item[0] == '+' || item[0] == '-')) {
        on = item[0] == '+';
        item.remove_prefix(1);
      }
      std::optional<WasmFeature> f = FeatureFromName(item);
      if (!f) {
        std::string known;
        for (const FeatureRow& row : kFeatureTable) known += ", " + std::string(row.name);
        return Error("unknown Wasm feature '" + std::string(item) + "' (known: all, none, default" +
                     known + ")");
      }
      set(*f, on);
    }
    if (comma == spec.size()) break;
  }
  return Status::Ok();
}

std::string WasmFeatures::ToString() const {
  std::string s;
  for (const FeatureRow& row : kFeatureTable)
    if (has(row.feature)) s += (s.empty() ? "" : ",") + std::string(row.name);
  return s.empty() ? "none" : s;
}

std::string DisabledMessage(WasmFeature f, std::string_view what) {
  const std::string name(FeatureName(f));
  return std::string(what) + " uses the " + name +
         " proposal, which is disabled (--wasm-features=-" + name + ")";
}

std::optional<WasmFeature> OpFeature(Op op) {
  switch (op) {
    case Op::kReturnCall:
    case Op::kReturnCallIndirect:
      return WasmFeature::kTailCall;
    default:
      break;
  }
  if (GetOpInfo(op).prefix == 0xfd) return WasmFeature::kSimd;
  if (GetOpInfo(op).prefix == 0xfe) return WasmFeature::kThreads;
  return std::nullopt;
}

std::optional<std::string> UnsupportedOpcode(uint8_t prefix, uint32_t code) {
  for (const UnsupportedRow& row : kUnsupported) {
    if (row.prefix != prefix || code < row.code || code > row.code_end) continue;
    char enc[32];
    if (prefix == 0)
      std::snprintf(enc, sizeof enc, "0x%02x", code);
    else
      std::snprintf(enc, sizeof enc, "0x%02x 0x%x", prefix, code);
    std::string s = "the " + std::string(row.proposal) + " proposal is not supported (opcode " +
                    enc + (row.name.empty() ? "" : " ") + std::string(row.name) + ")";
    return s;
  }
  return std::nullopt;
}

}  // namespace egret::wasm
