;; Concept: egret run loads a compiled .egret artifact (read and validated by the artifact reader) as well as a .wasm.
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: %egret compile %t.wasm -o %t.egret
;; RUN: %egret run %t.egret --invoke fac 10 | FileCheck %s
;; RUN: %egret run %t.wasm --invoke fac 10 | FileCheck %s
;; RUN: head -c 100 %t.egret > %t.truncated.egret
;; RUN: not %egret run %t.truncated.egret --invoke fac 10 2>&1 | FileCheck %s --check-prefix=BAD
(module
  (func $fac (export "fac") (param i64) (result i64)
    local.get 0 i64.eqz
    if (result i64) i64.const 1
    else local.get 0 local.get 0 i64.const 1 i64.sub call $fac i64.mul end))
;; CHECK: i64:3628800
;; BAD: egret run: {{.*}}error: artifact:
