;; Concept: with --fuel N an infinite loop ends with "all fuel consumed" instead of running forever.
;; XFAIL: *
;; Expected to fail until the frontend emits fuel accounting (docs/frontend.md lists it as not yet
;; emitted; the runtime side, Store::SetFuel, exists). `timeout` bounds the uninstrumented loop; when
;; this starts passing, lit reports it as unexpectedly passed: delete the XFAIL line then.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not timeout 2 %egret run --fuel 100000 %t.wasm --invoke spin 2>&1 | FileCheck %s
(module
  (func $spin (export "spin") (loop $l br $l)))
;; CHECK: egret run: error: wasm trap: all fuel consumed
;; CHECK-NEXT: wasm backtrace:
;; CHECK-NEXT: 0: {{.*}}spin (func 0)
