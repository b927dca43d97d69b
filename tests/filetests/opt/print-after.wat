;; Concept: --print-after=PASS writes the IR after that pass to stderr under a `; after PASS` header; `all` prints after every pass.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %egret compile --opt-level=speed --print-after=gvn --no-srclocs -o %t.egret %t.wasm 2>&1 | %FileCheck %s --check-prefix=GVN
;; RUN: %egret compile --opt-level=speed --print-after=all --no-srclocs -o %t.egret %t.wasm 2>&1 | %FileCheck %s --check-prefix=ALL
(module
  (func $f (param i32) (result i32)
    (i32.add (i32.add (local.get 0) (i32.const 1)) (i32.add (local.get 0) (i32.const 1)))))

;; GVN: ; after gvn
;; GVN-NEXT: function %f
;; GVN-NOT: ; after dce

;; ALL: ; after gvn
;; ALL: ; after dce
;; ALL-NEXT: function %f
