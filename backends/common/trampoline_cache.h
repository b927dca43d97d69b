// trampoline_cache.h: array-to-Wasm trampolines built once per signature, not once per function.
//
// TargetIsa::ArrayToWasmTrampoline(sig, callee) is asked once per defined function, and its code
// depends on the signature only: the callee appears in exactly one place, the trampoline's one
// call site (MachCode::call_sites), which the text-section builder patches. A module with N
// functions of T distinct signatures thus built N trampolines where T differ (lz20: 1,220
// functions, about 4,200 instructions each to build). The cache keeps, per thread, the code
// built for each signature it has seen; a hit is a copy with the call site's callee replaced, so
// the result is exactly what building it again would give.
//
// Invariants: an entry is only stored for code with exactly one call site; the cache holds at
// most kMaxEntries signatures (it is cleared when full), so a process compiling many modules
// keeps a bounded amount.
#ifndef EGRET_BACKENDS_COMMON_TRAMPOLINE_CACHE_H_
#define EGRET_BACKENDS_COMMON_TRAMPOLINE_CACHE_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>

#include "ir/dfg.h"
#include "machbuffer/mach_code.h"

namespace egret::backend {

class TrampolineCache {
 public:
  static constexpr size_t kMaxEntries = 4096;

  // The trampoline for `sig` calling `callee`: `build(sig, callee)` the first time a signature
  // is seen (by this cache), a copy with the callee replaced after that.
  template <class Build>
  MachCode Get(const ir::Signature& sig, uint32_t callee, Build&& build) {
    Key(sig, &key_);
    if (auto it = entries_.find(key_); it != entries_.end()) {
      MachCode code = it->second;
      code.call_sites[0].callee = callee;
      return code;
    }
    MachCode code = build(sig, callee);
    if (code.call_sites.size() == 1) {
      if (entries_.size() >= kMaxEntries) entries_.clear();
      entries_.emplace(key_, code);
    }
    return code;
  }

 private:
  // The signature as bytes: the parameter count (4 bytes), the parameter types, then the result
  // types.
  static void Key(const ir::Signature& sig, std::string* key) {
    key->clear();
    const auto n = static_cast<uint32_t>(sig.params.size());
    for (int k = 0; k < 4; ++k) key->push_back(static_cast<char>(n >> (8 * k)));
    for (ir::Type t : sig.params) key->push_back(static_cast<char>(t));
    for (ir::Type t : sig.results) key->push_back(static_cast<char>(t));
  }

  std::string key_;  // scratch, kept to reuse its storage
  std::unordered_map<std::string, MachCode> entries_;
};

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_TRAMPOLINE_CACHE_H_
