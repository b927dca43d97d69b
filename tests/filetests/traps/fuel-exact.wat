;; Concept: fuel charges one unit per executed Wasm operator, so a finite run needs an exact budget.
;; sum(n) executes block, loop (2), then 12 operators per iteration, then local.get, i32.eqz,
;; br_if, local.get and the function's end (5): 12n + 7 units, 127 for n = 10. With 127 it
;; completes with nothing left; with 126 it traps (the counter must stay <= 0).
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %egret run --fuel 127 --stats %t.wasm --invoke sum 10 2>&1 | FileCheck %s --check-prefix=ENOUGH
;; RUN: not %egret run --fuel 126 %t.wasm --invoke sum 10 2>&1 | FileCheck %s --check-prefix=SHORT
;; RUN: %egret run --fuel 1000 --stats %t.wasm --invoke sum 3 2>&1 | FileCheck %s --check-prefix=THREE
(module
  (func $sum (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $s)))
;; ENOUGH: i32:55
;; ENOUGH: fuel: 0 of 127 left
;; SHORT: egret run: error: wasm trap: all fuel consumed
;; SHORT-NEXT: wasm backtrace:
;; SHORT-NEXT: 0: {{.*}}sum (func 0)
;; THREE: i32:6
;; THREE: fuel: 957 of 1000 left
