;; Concept: GVN replaces a recomputed pure expression with the dominating first computation.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --opt-level=speed --emit=opt-ir --no-srclocs %t.wasm | %FileCheck %s
(module
  (func $f (param i32 i32) (result i32)
    (i32.mul (i32.add (local.get 0) (local.get 1))
             (i32.add (local.get 0) (local.get 1)))))

;; CHECK-LABEL: function %f
;; CHECK: [[SUM:v[0-9]+]] = iadd
;; CHECK-NOT: iadd
;; CHECK: imul [[SUM]], [[SUM]]
