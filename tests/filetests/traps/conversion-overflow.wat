;; Concept: i64.trunc_f64_u of a value too large for u64 traps with "integer overflow".
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke f 1e20 2>&1 | FileCheck %s
(module
  (func $f (export "f") (param f64) (result i64)
    local.get 0 i64.trunc_f64_u))
;; CHECK: egret run: error: wasm trap: integer overflow
