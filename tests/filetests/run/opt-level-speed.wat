;; Concept: egret run --opt-level=speed compiles .wasm input with the IR passes and the linear allocator, and computes the same results as the default.
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: %egret run --opt-level=speed %t.wasm --invoke sum 100 | FileCheck %s
;; RUN: %egret run %t.wasm --opt-level speed --stats --invoke sum 100 2>&1 | FileCheck %s --check-prefix=STATS
;; RUN: %egret run %t.wasm --invoke sum 100 | FileCheck %s
;; RUN: not %egret run --opt-level=fastest %t.wasm --invoke sum 1 2>&1 | FileCheck %s --check-prefix=BAD
;; CHECK: i32:5050
;; STATS-DAG: regalloc:
;; STATS-DAG: i32:5050
;; BAD: --opt-level must be one of none|speed
(module
  (memory 1)
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    ;; Memory traffic through the heap base, which GVN merges at speed.
    (loop $l
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.le_s (local.get $i) (local.get $n))))
    (i32.load (i32.const 0))))
