// spectest.h: the "spectest" host module that the WebAssembly spec testsuite imports from.
//
// The testsuite's scripts assume an embedder-provided module named "spectest" with print
// functions, four globals holding 666 (666.6 for floats), a funcref table of 10..20 elements and
// a memory of 1..2 pages (see the testsuite's README / the reference interpreter's spectest.ml).
// `egret wast` defines it in its linker before running a script.
#ifndef EGRET_RUNTIME_SPECTEST_H_
#define EGRET_RUNTIME_SPECTEST_H_

#include <cstdio>

#include "runtime/linker.h"
#include "runtime/store.h"
#include "support/error.h"

namespace egret::runtime {

// Defines "spectest" "print", "print_i32", "print_i64", "print_f32", "print_f64",
// "print_i32_f32", "print_f64_f64", "global_i32", "global_i64", "global_f32", "global_f64",
// "table" and "memory". The print functions write their arguments to `out` (nullptr: discard).
Status DefineSpectest(Linker& linker, Store& store, std::FILE* out = stdout);

}  // namespace egret::runtime

#endif  // EGRET_RUNTIME_SPECTEST_H_
