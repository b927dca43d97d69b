;; Concept: with multi-memory, memory.copy between two memories passes both memory indices to the
;; memory_copy builtin (destination first), and a load from memory 1 finds that memory's base in
;; its own VMContext record (memory 0's stays first, at 64, with readonly base loads).
;; RUN: %egret compile --wasm-features=+multi-memory --emit=ir --no-srclocs %s | FileCheck %s
(module
  (memory $a 1)
  (memory $b 2)
  (func $copy (param i32 i32 i32)
    local.get 0 local.get 1 local.get 2 memory.copy $a $b)
  (func $ld1 (param i32) (result i32)
    local.get 0 i32.load $b offset=4)
  (func $ld0 (param i32) (result i32)
    local.get 0 i32.load $a))
;; CHECK-LABEL: function %copy(i64, i32, i32, i32) {
;; CHECK-NEXT:  sig0 = (i64, i32, i64, i32, i64, i64)
;; CHECK-NEXT:  fn0 = %egret_builtin_memory_copy sig0
;; CHECK-NEXT:  block0([[VM:v[0-9]+]]: i64, [[D:v[0-9]+]]: i32, [[S:v[0-9]+]]: i32, [[N:v[0-9]+]]: i32):
;; CHECK-NEXT:  [[N64:v[0-9]+]] = uextend.i64 [[N]]
;; CHECK-NEXT:  [[S64:v[0-9]+]] = uextend.i64 [[S]]
;; CHECK-NEXT:  [[D64:v[0-9]+]] = uextend.i64 [[D]]
;; CHECK-NEXT:  [[DST:v[0-9]+]] = iconst.i32 0
;; CHECK-NEXT:  [[SRC:v[0-9]+]] = iconst.i32 1
;; CHECK-NEXT:  call %egret_builtin_memory_copy([[VM]], [[DST]], [[D64]], [[SRC]], [[S64]], [[N64]])
;; CHECK-NEXT:  return
;; CHECK-LABEL: function %ld1(i64, i32) -> i32 {
;; CHECK:       [[I:v[0-9]+]] = uextend.i64
;; CHECK-NEXT:  [[BASE:v[0-9]+]] = load.i64 vmctx notrap aligned readonly {{v[0-9]+}}+80
;; CHECK-NEXT:  [[A:v[0-9]+]] = iadd [[BASE]], [[I]]
;; CHECK-NEXT:  {{v[0-9]+}} = load.i32 heap [[A]]+4
;; CHECK-LABEL: function %ld0(i64, i32) -> i32 {
;; CHECK:       load.i64 vmctx notrap aligned readonly {{v[0-9]+}}+64
;; CHECK-NOT:   trapnz
