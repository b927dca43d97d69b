;; Concept: a Wasm function's IR signature is (vmctx: i64, params...) -> results; i32.add is iadd.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir %t.wasm | FileCheck %s
(module
  (func $add (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add))
;; CHECK-LABEL: function %add(i64, i32, i32) -> i32 {
;; CHECK:       block0([[VM:v[0-9]+]]: i64, [[A:v[0-9]+]]: i32, [[B:v[0-9]+]]: i32):
;; CHECK-NEXT:  [[S:v[0-9]+]] = iadd [[A]], [[B]]
;; CHECK-NEXT:  return [[S]]
