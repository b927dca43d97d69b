;; Concept: i32.extend8_s narrows to i8, then sign-extends back; division keeps its trapping op.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (func $ext (param i32) (result i32) local.get 0 i32.extend8_s)
  (func $div (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_u))
;; CHECK-LABEL: function %ext(i64, i32) -> i32 {
;; CHECK:       [[N:v[0-9]+]] = ireduce.i8 {{v[0-9]+}}
;; CHECK-NEXT:  sextend.i32 [[N]]
;; CHECK-LABEL: function %div(i64, i64, i64) -> i64 {
;; CHECK:       udiv
