;; Concept: a trap inside a frameless leaf function (no push of a frame record: docs/x64.md "Leaf prologues") still gets the full backtrace, leaf, its caller and its caller's caller, whether the trap is a fault (out-of-bounds load) or an explicit check (division by zero), compiled in memory at both opt levels or loaded from an artifact (whose frame ranges are read back).
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke outer 70000 1 2>&1 | FileCheck %s --check-prefix=LOAD
;; RUN: not %egret run --opt-level=none %t.wasm --invoke outer 70000 1 2>&1 | FileCheck %s --check-prefix=LOAD
;; RUN: not %egret run %t.wasm --invoke outer 8 0 2>&1 | FileCheck %s --check-prefix=DIV
;; RUN: %egret compile %t.wasm -o %t.egret
;; RUN: not %egret run %t.egret --invoke outer 70000 1 2>&1 | FileCheck %s --check-prefix=LOAD
;; RUN: not %egret run %t.egret --invoke outer 8 0 2>&1 | FileCheck %s --check-prefix=DIV
;; RUN: %egret run %t.wasm --invoke outer 8 2 | FileCheck %s --check-prefix=OK
;; Both leaves are frameless, the two callers are not.
;; RUN: %egret compile --stats %t.wasm -o %t.stats.egret 2>&1 | FileCheck %s --check-prefix=STATS
(module
  (memory 1)
  (func $load_leaf (param i32) (result i32)
    local.get 0 i32.load)
  (func $div_leaf (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.div_u)
  (func $middle (param i32 i32) (result i32)
    local.get 0 call $load_leaf
    local.get 0 local.get 1 call $div_leaf
    i32.add)
  (func $outer (export "outer") (param i32 i32) (result i32)
    local.get 0 local.get 1 call $middle
    i32.const 1 i32.add))
;; LOAD: wasm trap: out of bounds memory access
;; LOAD-NEXT: wasm backtrace:
;; LOAD-NEXT: 0: {{.*}}load_leaf (func 0)
;; LOAD-NEXT: 1: {{.*}}middle (func 2)
;; LOAD-NEXT: 2: {{.*}}outer (func 3)
;; LOAD-NOT: {{^ +[0-9]+: }}
;; DIV: wasm trap: integer divide by zero
;; DIV-NEXT: wasm backtrace:
;; DIV-NEXT: 0: {{.*}}div_leaf (func 1)
;; DIV-NEXT: 1: {{.*}}middle (func 2)
;; DIV-NEXT: 2: {{.*}}outer (func 3)
;; DIV-NOT: {{^ +[0-9]+: }}
;; OK: i32:5
;; STATS: frames: 2 of 4 functions frameless
