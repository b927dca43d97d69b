;; Concept: call_indirect through a table whose maximum equals its minimum (defined or imported)
;; compares the index with the constant length (no length load) and loads the element base as
;; readonly; a table with a larger maximum (or none) still loads both from its record.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (type $t (func (param i32) (result i32)))
  (import "m" "t" (table $imported 7 7 funcref))
  (table $fixed 2 2 funcref)
  (table $growable 2 4 funcref)
  (func $ci_imported (param i32) (result i32)
    i32.const 5 local.get 0 call_indirect $imported (type $t))
  (func $ci_fixed (param i32) (result i32)
    i32.const 5 local.get 0 call_indirect $fixed (type $t))
  (func $ci_growable (param i32) (result i32)
    i32.const 5 local.get 0 call_indirect $growable (type $t)))
;; CHECK-LABEL: function %ci_imported(
;; CHECK:       [[I:v[0-9]+]] = uextend.i64
;; CHECK-NEXT:  [[N:v[0-9]+]] = iconst.i64 7
;; CHECK-NEXT:  [[C:v[0-9]+]] = icmp uge [[I]], [[N]]
;; CHECK-NEXT:  trapnz [[C]], icall_oob
;; CHECK-NEXT:  [[R:v[0-9]+]] = load.i64 vmctx notrap aligned readonly v0+
;; CHECK-NEXT:  load.i64 notrap aligned readonly [[R]]{{$}}
;; CHECK-LABEL: function %ci_fixed(
;; CHECK:       [[I:v[0-9]+]] = uextend.i64
;; CHECK-NEXT:  [[N:v[0-9]+]] = iconst.i64 2
;; CHECK-NEXT:  [[C:v[0-9]+]] = icmp uge [[I]], [[N]]
;; CHECK-NEXT:  trapnz [[C]], icall_oob
;; CHECK-NEXT:  load.i64 vmctx notrap aligned readonly v0+
;; CHECK-LABEL: function %ci_growable(
;; CHECK:       [[I:v[0-9]+]] = uextend.i64
;; CHECK-NEXT:  [[N:v[0-9]+]] = load.i64 vmctx notrap aligned v0+
;; CHECK-NEXT:  [[C:v[0-9]+]] = icmp uge [[I]], [[N]]
;; CHECK-NEXT:  trapnz [[C]], icall_oob
;; CHECK-NEXT:  load.i64 vmctx notrap aligned v0+
