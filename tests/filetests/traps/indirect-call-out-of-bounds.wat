;; Concept: call_indirect with an index past the table traps with "undefined element".
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke call 5 2>&1 | FileCheck %s
(module
  (type $t (func (result i32)))
  (table 2 funcref)
  (func $call (export "call") (param i32) (result i32)
    local.get 0 call_indirect (type $t)))
;; CHECK: egret run: error: wasm trap: undefined element
