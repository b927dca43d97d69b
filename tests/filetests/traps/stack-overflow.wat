;; Concept: unbounded recursion traps with "call stack exhausted" instead of crashing the process.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke recurse 1 2>&1 | FileCheck %s
(module
  (func $recurse (export "recurse") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add call $recurse local.get 0 i32.add))
;; CHECK: egret run: error: wasm trap: call stack exhausted
;; CHECK-NEXT: wasm backtrace:
;; CHECK-NEXT: 0: {{.*}}recurse (func 0)
