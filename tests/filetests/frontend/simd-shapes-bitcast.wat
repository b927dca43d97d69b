;; Concept: v128 parameters and results are IR i8x16; each SIMD operation bitcasts its operands to
;; its own shape (vbitcast) and keeps its result in that shape until the next operation or a
;; boundary (here the return) needs another.
;; RUN: %egret compile --emit=ir --no-srclocs %s | FileCheck %s
(module
  (func $f (param v128 v128) (result v128)
    local.get 0 local.get 1 i32x4.add
    local.get 1 i32x4.mul
    local.get 0 i16x8.sub))
;; CHECK-LABEL: function %f(i64, i8x16, i8x16) -> i8x16 {
;; CHECK-NEXT:  block0(v0: i64, [[A:v[0-9]+]]: i8x16, [[B:v[0-9]+]]: i8x16):
;; CHECK-NEXT:    [[B4:v[0-9]+]] = vbitcast.i32x4 [[B]]
;; CHECK-NEXT:    [[A4:v[0-9]+]] = vbitcast.i32x4 [[A]]
;; CHECK-NEXT:    [[SUM:v[0-9]+]] = viadd [[A4]], [[B4]]
;; CHECK-NEXT:    [[B4B:v[0-9]+]] = vbitcast.i32x4 [[B]]
;; CHECK-NEXT:    [[PROD:v[0-9]+]] = vimul [[SUM]], [[B4B]]
;; CHECK-NEXT:    [[A8:v[0-9]+]] = vbitcast.i16x8 [[A]]
;; CHECK-NEXT:    [[P8:v[0-9]+]] = vbitcast.i16x8 [[PROD]]
;; CHECK-NEXT:    [[DIFF:v[0-9]+]] = visub [[P8]], [[A8]]
;; CHECK-NEXT:    [[RET:v[0-9]+]] = vbitcast.i8x16 [[DIFF]]
;; CHECK-NEXT:    return [[RET]]
