;; Concept: the artifact does not depend on --jobs (workers take functions in any order; results
;; are linked in index order), at the default opt level, at none, and with --verify-each.
;; RUN: %egret compile --jobs=1 %s -o %t.1.egret
;; RUN: %egret compile --jobs=3 %s -o %t.3.egret
;; RUN: %egret compile %s -o %t.default.egret
;; RUN: %egret compile --verify-each --jobs=2 %s -o %t.verify.egret
;; RUN: cmp %t.1.egret %t.3.egret
;; RUN: cmp %t.1.egret %t.default.egret
;; RUN: cmp %t.1.egret %t.verify.egret
;; RUN: %egret compile --opt-level=none --jobs=1 %s -o %t.none1.egret
;; RUN: %egret compile --opt-level=none --jobs=4 %s -o %t.none4.egret
;; RUN: cmp %t.none1.egret %t.none4.egret
(module
  (func $a (param i64) (result i64) (i64.div_u (local.get 0) (i64.const 7)))
  (func $b (param i32) (result i32) (i32.rem_s (local.get 0) (i32.const -10)))
  (func $c (param i64) (result i64) (i64.mul (call $a (local.get 0)) (i64.const 3)))
  (func $d (export "d") (param i32) (result i32)
    (i32.add (call $b (local.get 0)) (i32.wrap_i64 (call $c (i64.extend_i32_u (local.get 0)))))))
