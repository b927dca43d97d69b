;; Concept: unreachable traps with "unreachable", and the backtrace lists the callee above its caller.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke outer 2>&1 | FileCheck %s
(module
  (func $inner unreachable)
  (func $outer (export "outer") call $inner))
;; CHECK: egret run: error: wasm trap: unreachable
;; CHECK-NEXT: wasm backtrace:
;; CHECK-NEXT: 0: {{.*}}inner (func 0)
;; CHECK-NEXT: 1: {{.*}}outer (func 1)
;; The backtrace ends at the last Wasm frame: no trampoline after it.
;; CHECK-NOT: {{^ +[0-9]+: }}
