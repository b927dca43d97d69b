;; Concept: fuel counts a tail call like any operator (one unit, charged before the frame goes):
;; each level of this tail recursion costs exactly 7 units (local.get, i64.eqz, if, local.get,
;; i64.const, i64.sub, return_call) and the base case 6, so 1000 levels need exactly 7006.
;; RUN: %egret run --fuel=7006 %s --invoke even 1000 | FileCheck %s
;; RUN: not %egret run --fuel=7005 %s --invoke even 1000 2>&1 | FileCheck %s --check-prefix=OUT
(module
  (func $even (export "even") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1)))))))
;; CHECK: i32:1
;; OUT: all fuel consumed
