;; Concept: i32.trunc_f32_s of NaN traps with "invalid conversion to integer".
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke f nan 2>&1 | FileCheck %s
(module
  (func $f (export "f") (param f32) (result i32)
    local.get 0 i32.trunc_f32_s))
;; CHECK: egret run: error: wasm trap: invalid conversion to integer
