;; Concept: by default a heap access is heap_base + zext(addr) + offset with no bounds check;
;; the load is marked `heap` and may trap (heap_oob, via the guard pages).
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (memory 1)
  (func $ld (param i32) (result i64)
    local.get 0 i64.load offset=8))
;; CHECK-LABEL: function %ld(i64, i32) -> i64 {
;; CHECK:       block0([[VM:v[0-9]+]]: i64, [[P:v[0-9]+]]: i32):
;; CHECK-NEXT:  [[I:v[0-9]+]] = uextend.i64 [[P]]
;; CHECK-NEXT:  [[BASE:v[0-9]+]] = load.i64 vmctx notrap aligned readonly [[VM]]
;; CHECK-NEXT:  [[A:v[0-9]+]] = iadd [[BASE]], [[I]]
;; CHECK-NEXT:  {{v[0-9]+}} = load.i64 heap [[A]]+8
;; CHECK-NOT:   trapnz
