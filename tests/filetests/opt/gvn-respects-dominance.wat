;; Concept: GVN does not merge equal expressions in sibling branches, where neither dominates the other.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --opt-level=speed --emit=opt-ir --no-srclocs %t.wasm | %FileCheck %s
(module
  (func $f (param i32 i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.xor (local.get 0) (local.get 1)))
      (else (i32.xor (local.get 0) (local.get 1))))))

;; CHECK-LABEL: function %f
;; CHECK: bxor
;; CHECK: bxor
