;; Concept: if/else with a result: brif to two arms that jump to a merge block whose parameter
;; is the result.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (func $pick (param i32) (result i32)
    local.get 0
    if (result i32) i32.const 10 else i32.const 20 end))
;; CHECK-LABEL: function %pick(i64, i32) -> i32 {
;; CHECK:       brif {{v[0-9]+}}, [[THEN:block[0-9]+]], [[ELSE:block[0-9]+]]
;; CHECK:       [[THEN]]:
;; CHECK-NEXT:  [[A:v[0-9]+]] = iconst.i32 10
;; CHECK-NEXT:  jump [[MERGE:block[0-9]+]]([[A]])
;; CHECK:       [[ELSE]]:
;; CHECK-NEXT:  [[B:v[0-9]+]] = iconst.i32 20
;; CHECK-NEXT:  jump [[MERGE]]([[B]])
;; CHECK:       [[MERGE]]([[R:v[0-9]+]]: i32):
;; CHECK-NEXT:  return [[R]]
