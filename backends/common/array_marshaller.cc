// array_marshaller.cc: which value goes where (see array_marshaller.h).
#include "backends/common/array_marshaller.h"

#include <algorithm>

#include "support/error.h"

namespace egret::backend {
namespace {

// Moves values [first, n) of `types`, value k to or from array slot k - first.
void Marshal(std::span<const ir::Type> types, std::span<const AbiLoc> locs, size_t first,
             bool to_array, ArrayMarshaller& m) {
  for (size_t k = first; k < types.size(); ++k) {
    const int32_t offset = static_cast<int32_t>(kValRawBytes * (k - first));
    const AbiLoc& loc = locs[k];
    EGRET_CHECK(loc.kind == KindOf(types[k]));
    if (loc.on_stack) {
      if (to_array) {
        m.ArrayFromStack(offset, loc);
      } else {
        m.StackFromArray(loc, offset);
      }
    } else if (to_array) {
      m.ArrayFromReg(offset, loc);
    } else {
      m.RegFromArray(loc, offset);
    }
  }
}

}  // namespace

void ParamsFromArray(const ir::Signature& sig, const CallLayout& layout, ArrayMarshaller& m) {
  Marshal(sig.params, layout.params, 1, /*to_array=*/false, m);
}

void ParamsToArray(const ir::Signature& sig, const CallLayout& layout, ArrayMarshaller& m) {
  Marshal(sig.params, layout.params, 1, /*to_array=*/true, m);
}

void ResultsFromArray(const ir::Signature& sig, const CallLayout& layout, ArrayMarshaller& m) {
  Marshal(sig.results, layout.results, 0, /*to_array=*/false, m);
}

void ResultsToArray(const ir::Signature& sig, const CallLayout& layout, ArrayMarshaller& m) {
  Marshal(sig.results, layout.results, 0, /*to_array=*/true, m);
}

uint32_t ArraySlots(const ir::Signature& sig) {
  const size_t nparams = sig.params.empty() ? 0 : sig.params.size() - 1;
  return static_cast<uint32_t>(std::max(nparams, sig.results.size()));
}

}  // namespace egret::backend
