;; Concept: call_indirect to a function of another type traps with "indirect call type mismatch"; the right type succeeds.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %egret run %t.wasm --invoke call 0 | FileCheck %s --check-prefix=OK
;; RUN: not %egret run %t.wasm --invoke call 1 2>&1 | FileCheck %s
(module
  (type $t (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $one $two)
  (func $one (result i32) i32.const 1)
  (func $two (param i32) (result i32) local.get 0)
  (func $call (export "call") (param i32) (result i32)
    local.get 0 call_indirect (type $t)))
;; OK: i32:1
;; CHECK: egret run: error: wasm trap: indirect call type mismatch
