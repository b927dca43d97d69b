;; Concept: call_indirect through an empty table slot traps with "uninitialized element".
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke call 1 2>&1 | FileCheck %s
(module
  (type $t (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $one)
  (func $one (result i32) i32.const 1)
  (func $call (export "call") (param i32) (result i32)
    local.get 0 call_indirect (type $t)))
;; CHECK: egret run: error: wasm trap: uninitialized element
