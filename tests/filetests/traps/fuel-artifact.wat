;; Concept: an artifact compiled with `egret compile --fuel` runs out of fuel under `egret run --fuel`; one compiled without never does.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %egret compile --fuel %t.wasm -o %t.fuel.egret
;; RUN: not %egret run --fuel 1000 %t.fuel.egret --invoke count 100000 2>&1 | FileCheck %s
;; RUN: %egret compile %t.wasm -o %t.plain.egret
;; RUN: %egret run --fuel 1000 %t.plain.egret --invoke count 100000 | FileCheck %s --check-prefix=PLAIN
(module
  (func $count (export "count") (param $n i32) (result i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $n)))
;; CHECK: egret run: error: wasm trap: all fuel consumed
;; CHECK-NEXT: wasm backtrace:
;; CHECK-NEXT: 0: {{.*}}count (func 0)
;; PLAIN: i32:0
