;; Concept: i32.div_s by zero traps with "integer divide by zero"; egret run prints the trap and a backtrace naming the function, and exits 134.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke f 7 0 2>&1 | FileCheck %s
;; RUN: sh -c '%egret run %t.wasm --invoke f 7 0; echo "exit=$?"' 2>/dev/null | FileCheck %s --check-prefix=EXIT
(module
  (func $f (export "f") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.div_s))
;; CHECK: egret run: error: wasm trap: integer divide by zero
;; CHECK-NEXT: wasm backtrace:
;; CHECK-NEXT: 0: {{.*}}f (func 0)
;; The backtrace ends at the last Wasm frame: no trampoline after it.
;; CHECK-NOT: {{^ +[0-9]+: }}
;; EXIT: exit=134
