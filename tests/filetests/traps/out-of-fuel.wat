;; Concept: with --fuel N an infinite loop ends with "all fuel consumed" instead of running forever.
;; `egret run --fuel` compiles with fuel accounting (docs/frontend.md "Fuel"); `timeout` only
;; bounds a regression in which the loop would run forever.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not timeout 20 %egret run --fuel 100000 %t.wasm --invoke spin 2>&1 | FileCheck %s
(module
  (func $spin (export "spin") (loop $l br $l)))
;; CHECK: egret run: error: wasm trap: all fuel consumed
;; CHECK-NEXT: wasm backtrace:
;; CHECK-NEXT: 0: {{.*}}spin (func 0)
