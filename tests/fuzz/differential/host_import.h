// host_import.h: what the imported functions of a wasmgen module ("host" "f0", "host" "f1", ...)
// do, identically in the oracle (an interpreter host function) and in the compiled execution (a
// runtime host function), so calls through the wasm-to-host path compare like any other.
//
// Invariants:
//   - The results depend only on the import's index, the number of host calls the instance made
//     before this one, and the numeric arguments (normalised as in outcome.h; references are
//     ignored: their raw values are engine-specific). So a miscompile that drops, repeats or
//     reorders host calls, or passes a wrong argument, changes what the module computes.
//   - Float results are never NaN or infinite (the top exponent bit is clear), so engines cannot
//     legitimately disagree on them; reference results are null.
//   - A host call never traps and never calls back into Wasm.
#ifndef EGRET_TESTS_FUZZ_DIFFERENTIAL_HOST_IMPORT_H_
#define EGRET_TESTS_FUZZ_DIFFERENTIAL_HOST_IMPORT_H_

#include <cstdint>
#include <span>
#include <vector>

#include "frontend/module_env.h"

namespace egret::fuzz {

// The normalised results of call number `call` (0 for the instance's first host call) of import
// `import` with type `type` and normalised arguments `args`.
std::vector<uint64_t> HostImportResults(uint32_t import, const wasm::FuncType& type,
                                        std::span<const uint64_t> args, uint64_t call);

// HostImportResults calls so far in this process, every side counted (campaign figures).
uint64_t HostImportCalls();

}  // namespace egret::fuzz

#endif  // EGRET_TESTS_FUZZ_DIFFERENTIAL_HOST_IMPORT_H_
