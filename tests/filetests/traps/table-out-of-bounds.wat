;; Concept: table.get past the table's size traps with "out of bounds table access".
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke get 2 2>&1 | FileCheck %s
(module
  (table 2 funcref)
  (func $get (export "get") (param i32) (result funcref)
    local.get 0 table.get 0))
;; CHECK: egret run: error: wasm trap: out of bounds table access
