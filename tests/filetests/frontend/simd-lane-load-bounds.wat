;; Concept: a SIMD lane load is a scalar load of the lane's width plus vinsertlane, with the
;; scalar loads' bounds check (end = index + offset + lane bytes under --heap=bounds-check).
;; RUN: %egret compile --emit=ir --no-srclocs --heap=bounds-check %s | FileCheck %s
(module
  (memory 1)
  (func $f (param i32 v128) (result v128)
    local.get 0 local.get 1 v128.load16_lane offset=6 align=1 3))
;; CHECK-LABEL: function %f(i64, i32, i8x16) -> i8x16 {
;; CHECK:         [[V:v[0-9]+]] = vbitcast.i16x8
;; CHECK-NEXT:    [[I:v[0-9]+]] = uextend.i64
;; CHECK-NEXT:    [[BOUND:v[0-9]+]] = load.i64 vmctx notrap aligned {{v[0-9]+}}+{{[0-9]+}}
;; CHECK-NEXT:    [[END:v[0-9]+]] = iadd_imm [[I]], 8
;; CHECK-NEXT:    [[OOB:v[0-9]+]] = icmp ugt [[END]], [[BOUND]]
;; CHECK-NEXT:    trapnz [[OOB]], heap_oob
;; CHECK-NEXT:    [[BASE:v[0-9]+]] = load.i64
;; CHECK-NEXT:    [[ADDR:v[0-9]+]] = iadd [[BASE]], [[I]]
;; CHECK-NEXT:    [[X:v[0-9]+]] = uload16.i32 heap notrap [[ADDR]]+6
;; CHECK-NEXT:    [[R:v[0-9]+]] = vinsertlane [[V]], [[X]], 3
;; CHECK-NEXT:    [[C:v[0-9]+]] = vbitcast.i8x16 [[R]]
;; CHECK-NEXT:    return [[C]]
