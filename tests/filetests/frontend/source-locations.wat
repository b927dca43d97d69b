;; Concept: every instruction keeps the byte offset of the Wasm instruction it came from.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir %t.wasm | FileCheck %s
(module
  (func $f (param i32) (result i32) local.get 0 i32.const 3 i32.mul))
;; CHECK-LABEL: function %f(i64, i32) -> i32 {
;; CHECK:       @{{[0-9a-f]+}} {{v[0-9]+}} = iconst.i32 3
;; CHECK-NEXT:  @{{[0-9a-f]+}} {{v[0-9]+}} = imul
