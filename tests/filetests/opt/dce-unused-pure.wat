;; Concept: at --opt-level=speed, DCE removes pure arithmetic whose result is never used but keeps a division that can trap.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --opt-level=speed --emit=opt-ir --no-srclocs %t.wasm | %FileCheck %s
(module
  (func $f (param i32 i32) (result i32)
    (drop (i32.mul (local.get 0) (i32.add (local.get 1) (i32.const 7))))
    (drop (i32.div_s (local.get 0) (local.get 1)))
    (local.get 0)))

;; CHECK-LABEL: function %f
;; CHECK-NOT: imul
;; CHECK-NOT: iadd
;; CHECK: sdiv
;; CHECK-NOT: imul
;; CHECK: return
