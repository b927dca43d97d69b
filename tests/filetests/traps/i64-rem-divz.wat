;; Concept: i64.rem_u by zero traps with "integer divide by zero".
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke f 5 0 2>&1 | FileCheck %s
(module
  (func $f (export "f") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.rem_u))
;; CHECK: egret run: error: wasm trap: integer divide by zero
