;; Concept: tail calls run in constant stack: 10 million mutually tail-recursive calls (direct,
;; with stack arguments on both targets, and through return_call_indirect) complete where
;; ordinary recursion traps on the stack limit after a few hundred thousand frames; at both opt
;; levels and from an artifact. That includes tail calls whose callee needs more stack argument
;; slots than the caller received (`grow`: one slot tail-calls twelve and back, 20 million
;; levels): the caller's prologue grows its argument area and the callee pops what it received.
;; RUN: %egret run %s --invoke even 10000000 | FileCheck %s --check-prefix=EVEN
;; RUN: %egret run --opt-level=none %s --invoke even 10000001 | FileCheck %s --check-prefix=ODD
;; RUN: %egret compile %s -o %t.egret
;; RUN: %egret run %t.egret --invoke many 10000000 | FileCheck %s --check-prefix=MANY
;; RUN: %egret run %s --invoke indirect 10000000 | FileCheck %s --check-prefix=IND
;; RUN: %egret run %s --invoke grow 10000000 | FileCheck %s --check-prefix=GROW
;; RUN: not %egret run %s --invoke plain 10000000 2>&1 | FileCheck %s --check-prefix=PLAIN
(module
  (type $ii (func (param i64) (result i32)))
  (table funcref (elem $ieven $iodd))
  (func $even (export "even") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))
  ;; 12 i64 parameters (plus the VMContext): stack arguments on x86-64 and aarch64.
  ;; 12 i64 parameters (plus the VMContext): stack arguments on x86-64 and aarch64. Each call
  ;; swaps the pairs (1 2) (3 4) .. (9 10) and counts in the last; after an even number of calls
  ;; the weighted sum 1*p1 + .. + 10*p10 is 385 again.
  (func $m1 (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.add (local.get 11) (call $weigh (local.get 1) (local.get 2) (local.get 3)
        (local.get 4) (local.get 5) (local.get 6) (local.get 7) (local.get 8) (local.get 9)
        (local.get 10))))
      (else (return_call $m2 (i64.sub (local.get 0) (i64.const 1)) (local.get 2) (local.get 1)
        (local.get 4) (local.get 3) (local.get 6) (local.get 5) (local.get 8) (local.get 7)
        (local.get 10) (local.get 9) (i64.add (local.get 11) (i64.const 1))))))
  (func $m2 (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (return_call $m1 (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
      (local.get 5) (local.get 6) (local.get 7) (local.get 8) (local.get 9) (local.get 10)
      (local.get 11)))
  (func $weigh (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (i64.add (i64.add (i64.add (i64.mul (local.get 0) (i64.const 1)) (i64.mul (local.get 1) (i64.const 2)))
      (i64.add (i64.mul (local.get 2) (i64.const 3)) (i64.mul (local.get 3) (i64.const 4))))
      (i64.add (i64.add (i64.add (i64.mul (local.get 4) (i64.const 5)) (i64.mul (local.get 5) (i64.const 6)))
        (i64.add (i64.mul (local.get 6) (i64.const 7)) (i64.mul (local.get 7) (i64.const 8))))
        (i64.add (i64.mul (local.get 8) (i64.const 9)) (i64.mul (local.get 9) (i64.const 10))))))
  (func (export "many") (param i64) (result i64)
    (call $m1 (local.get 0) (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)
      (i64.const 5) (i64.const 6) (i64.const 7) (i64.const 8) (i64.const 9) (i64.const 10)
      (i64.const 0)))
  (func $ieven (type $ii)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call_indirect (type $ii) (i64.sub (local.get 0) (i64.const 1)) (i32.const 1)))))
  (func $iodd (type $ii)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call_indirect (type $ii) (i64.sub (local.get 0) (i64.const 1)) (i32.const 0)))))
  (func (export "indirect") (param i64) (result i32) (call $ieven (local.get 0)))
  ;; One stack argument slot tail-calls twelve and back (the area grows and shrinks).
  (func $small (param i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 7))
      (else (return_call $big (i64.sub (local.get 0) (i64.const 1)) (local.get 7) (i64.const 0)
        (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)
        (i64.const 0) (i64.const 0) (i64.const 1)))))
  (func $big (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (return_call $small (local.get 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)
      (i64.const 0) (i64.const 0) (i64.add (local.get 1) (local.get 11))))
  (func (export "grow") (param i64) (result i64)
    (call $small (local.get 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)
      (i64.const 0) (i64.const 0) (i64.const 0)))
  ;; The same recursion with ordinary calls overflows the stack.
  (func $plain (export "plain") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
      (else (call $plain (i64.sub (local.get 0) (i64.const 1)))))))
;; EVEN: i32:1
;; ODD: i32:0
;; MANY: i64:10000385
;; IND: i32:1
;; GROW: i64:10000000
;; PLAIN: call stack exhausted
