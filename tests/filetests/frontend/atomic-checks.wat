;; Concept: an atomic access checks alignment (trap unaligned_atomic) and then bounds (heap_oob) explicitly on index + offset, so the atomic instruction itself is `notrap aligned`.
;; RUN: %wat2wasm --enable-threads --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (memory 1 1 shared)
  (func $rmw (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.atomic.rmw.add offset=8))
;; CHECK-LABEL: function %rmw(i64, i32, i32) -> i32 {
;; CHECK:       block0([[VM:v[0-9]+]]: i64, [[P:v[0-9]+]]: i32, [[X:v[0-9]+]]: i32):
;; CHECK-NEXT:  [[I:v[0-9]+]] = uextend.i64 [[P]]
;; CHECK-NEXT:  [[EA:v[0-9]+]] = iadd_imm [[I]], 8
;; CHECK-NEXT:  [[LOW:v[0-9]+]] = band_imm [[EA]], 3
;; CHECK-NEXT:  trapnz [[LOW]], unaligned_atomic
;; CHECK-NEXT:  [[LEN:v[0-9]+]] = load.i64 vmctx notrap aligned [[VM]]+{{[0-9]+}}
;; CHECK-NEXT:  [[END:v[0-9]+]] = iadd_imm [[EA]], 4
;; CHECK-NEXT:  [[OOB:v[0-9]+]] = icmp ugt [[END]], [[LEN]]
;; CHECK-NEXT:  trapnz [[OOB]], heap_oob
;; CHECK-NEXT:  [[BASE:v[0-9]+]] = load.i64 vmctx notrap aligned readonly [[VM]]+{{[0-9]+}}
;; CHECK-NEXT:  [[A:v[0-9]+]] = iadd [[BASE]], [[EA]]
;; CHECK-NEXT:  {{v[0-9]+}} = atomic_rmw.i32 add heap notrap aligned [[A]], [[X]]
