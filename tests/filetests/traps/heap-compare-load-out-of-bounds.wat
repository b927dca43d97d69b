;; Concept: a load folded into a branch's compare (one `cmpl $10, mem` on x64) selects by the loaded value and traps as an out-of-bounds access past the end of memory.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %egret run %t.wasm --invoke small 100 | FileCheck %s --check-prefix=LOW
;; RUN: %egret run %t.wasm --invoke small 104 | FileCheck %s --check-prefix=HIGH
;; RUN: not %egret run %t.wasm --invoke small 65533 2>&1 | FileCheck %s --check-prefix=TRAP
(module
  (memory 1)
  (data (i32.const 100) "\09\00\00\00\0a\00\00\00")
  (func $small (export "small") (param i32) (result i32)
    (if (result i32) (i32.lt_s (i32.load (local.get 0)) (i32.const 10))
      (then (i32.const 1)) (else (i32.const 2)))))
;; LOW: i32:1
;; HIGH: i32:2
;; TRAP: egret run: error: wasm trap: out of bounds memory access
