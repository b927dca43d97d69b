;; Concept: a load past the end of linear memory traps with "out of bounds memory access".
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %egret run %t.wasm --invoke load 65532 | FileCheck %s --check-prefix=OK
;; RUN: not %egret run %t.wasm --invoke load 65533 2>&1 | FileCheck %s
(module
  (memory 1)
  (func $load (export "load") (param i32) (result i32)
    local.get 0 i32.load))
;; OK: i32:0
;; CHECK: egret run: error: wasm trap: out of bounds memory access
