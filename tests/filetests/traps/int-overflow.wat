;; Concept: i32.div_s of INT_MIN by -1 traps with "integer overflow" (not a divide-by-zero fault).
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke f -2147483648 -1 2>&1 | FileCheck %s
(module
  (func $f (export "f") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.div_s))
;; CHECK: egret run: error: wasm trap: integer overflow
