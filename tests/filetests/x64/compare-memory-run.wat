;; Concept: loads folded into compares and tests (cmpl $10, mem; cmpb $0, mem in a strlen-like loop) branch on the loaded values, and trap as out-of-bounds accesses past the end of memory.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %egret run %t.wasm --invoke small 100 | FileCheck %s --check-prefix=LOW
;; RUN: %egret run %t.wasm --invoke small 104 | FileCheck %s --check-prefix=HIGH
;; RUN: not %egret run %t.wasm --invoke small 65533 2>&1 | FileCheck %s --check-prefix=TRAP
;; RUN: %egret run %t.wasm --invoke strlen 108 | FileCheck %s --check-prefix=LEN
;; RUN: not %egret run %t.wasm --invoke strlen 65535 2>&1 | FileCheck %s --check-prefix=TRAP
(module
  (memory 1)
  (data (i32.const 100) "\09\00\00\00\0a\00\00\00hello\00")
  (data (i32.const 65535) "x")
  (func $small (export "small") (param i32) (result i32)
    (if (result i32) (i32.lt_s (i32.load (local.get 0)) (i32.const 10))
      (then (i32.const 1)) (else (i32.const 2))))
  (func $strlen (export "strlen") (param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.eqz (i32.load8_u (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br 0)))
    (local.get 1)))
;; LOW: i32:1
;; HIGH: i32:2
;; LEN: i32:5
;; TRAP: egret run: error: wasm trap: out of bounds memory access
