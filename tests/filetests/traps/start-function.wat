;; Concept: a trap in the start function makes instantiation fail with the trap's message.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke f 2>&1 | FileCheck %s
(module
  (func $start unreachable)
  (func $f (export "f"))
  (start $start))
;; CHECK: egret run: {{.*}}wasm trap: unreachable
