;; Concept: code after an unconditional branch is not translated; `unreachable` is a trap.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (func $dead (result i32)
    i32.const 1 br 0 i32.const 2 i32.add)
  (func $trap unreachable))
;; CHECK-LABEL: function %dead(i64) -> i32 {
;; CHECK-NOT:   iadd
;; CHECK-NOT:   iconst.i32 2
;; CHECK:       }
;; CHECK-LABEL: function %trap(i64) {
;; CHECK:       trap unreachable
