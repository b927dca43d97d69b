;; Concept: call_indirect's null check is the fault of its type id load (no test and branch), and that fault is reported as "uninitialized element" with the backtrace of the call_indirect's function and its callers, for a never-initialised slot and one set to ref.null, at both opt levels, in memory and from an artifact; a non-null entry still calls.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke outer 1 2>&1 | FileCheck %s --check-prefix=NULL
;; RUN: not %egret run %t.wasm --invoke outer 2 2>&1 | FileCheck %s --check-prefix=NULL
;; RUN: not %egret run --opt-level=none %t.wasm --invoke outer 1 2>&1 | FileCheck %s --check-prefix=NULL
;; RUN: %egret compile %t.wasm -o %t.egret
;; RUN: not %egret run %t.egret --invoke outer 2 2>&1 | FileCheck %s --check-prefix=NULL
;; RUN: %egret run %t.egret --invoke outer 0 | FileCheck %s --check-prefix=OK
;; RUN: %egret run --opt-level=none %t.wasm --invoke outer 0 | FileCheck %s --check-prefix=OK
(module
  (type $t (func (param i32) (result i32)))
  (table 3 funcref)
  (elem (i32.const 0) $twice $twice)
  (func $twice (param i32) (result i32) local.get 0 local.get 0 i32.add)
  (func $middle (param i32) (result i32)
    ;; slot 2 was never set; slot 1 is set to null here
    i32.const 1 ref.null func table.set 0
    i32.const 21 local.get 0 call_indirect (type $t))
  (func $outer (export "outer") (param i32) (result i32)
    local.get 0 call $middle
    i32.const 1 i32.add))
;; NULL: wasm trap: uninitialized element
;; NULL-NEXT: wasm backtrace:
;; NULL-NEXT: 0: {{.*}}middle (func 1)
;; NULL-NEXT: 1: {{.*}}outer (func 2)
;; NULL-NOT: {{^ +[0-9]+: }}
;; OK: i32:43
