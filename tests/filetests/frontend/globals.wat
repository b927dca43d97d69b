;; Concept: defined globals live in the VMContext: mutable ones are plain vmctx loads/stores,
;; immutable ones are readonly; imported globals are reached through a pointer.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (import "env" "g" (global $imp i32))
  (global $m (mut i64) (i64.const 7))
  (global $c f32 (f32.const 1.5))
  (func $f (result i32)
    global.get $m i64.const 1 i64.add global.set $m
    global.get $c drop
    global.get $imp))
;; CHECK-LABEL: function %f(i64) -> i32 {
;; CHECK:       [[M:v[0-9]+]] = load.i64 vmctx notrap aligned [[VM:v[0-9]+]]+[[OFF:[0-9]+]]
;; CHECK:       store vmctx notrap aligned {{v[0-9]+}}, [[VM]]+[[OFF]]
;; CHECK:       load.f32 vmctx notrap aligned readonly [[VM]]+
;; CHECK:       [[PTR:v[0-9]+]] = load.i64 vmctx notrap aligned readonly [[VM]]+
;; CHECK-NEXT:  load.i32 notrap aligned readonly [[PTR]]
