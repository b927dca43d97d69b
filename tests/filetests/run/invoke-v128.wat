;; Concept: --invoke reads v128 arguments as SHAPE:LANES (one shell argument, lanes separated by
;; spaces, each lane as its scalar type reads it) and prints v128 results as v128:i32x4:LANES.
;; RUN: %egret run %s --invoke add 'i32x4:1 2 3 -4' 'i32x4:10 20 30 0xffffffff' | FileCheck %s --check-prefix=ADD
;; RUN: %egret run %s --invoke mix 'f32x4:1.5 -0 inf nan' 7 | FileCheck %s --check-prefix=MIX
;; RUN: %egret run %s --invoke id 'v128:i8x16:0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1' | FileCheck %s --check-prefix=ROUND
;; RUN: not %egret run %s --invoke id 'i32x4:1 2 3' 2>&1 | FileCheck %s --check-prefix=BAD
(module
  (func (export "add") (param v128 v128) (result v128)
    local.get 0 local.get 1 i32x4.add)
  (func (export "mix") (param v128 i32) (result i32 v128 f32)
    local.get 1
    local.get 0 local.get 1 i32x4.replace_lane 1
    local.get 0 f32x4.extract_lane 0)
  (func (export "id") (param v128) (result v128) local.get 0))
;; ADD: v128:i32x4:11 22 33 -5
;; MIX:      i32:7
;; MIX-NEXT: v128:i32x4:1069547520 7 2139095040 2143289344
;; MIX-NEXT: f32:1.5
;; ROUND: v128:i32x4:50462976 117835012 185207048 -15856372
;; BAD: egret run: error: argument 'i32x4:1 2 3' is not a valid v128 (expected SHAPE:LANES, e.g. 'i32x4:1 2 3 4', with one lane per SHAPE lane; shapes i8x16 i16x8 i32x4 i64x2 f32x4 f64x2)
