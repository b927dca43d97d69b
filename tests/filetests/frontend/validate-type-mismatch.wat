;; Concept: `egret validate` prints the byte offset, the operator, the function and the types.
;; RUN: %wat2wasm --no-check %s -o %t.wasm
;; RUN: not %egret validate %t.wasm 2>&1 | FileCheck %s
;; RUN: not %egret validate --kind %t.wasm 2>&1 | FileCheck --check-prefix=KIND %s
(module
  (func (param i32 f64) (result i32) local.get 0 local.get 1 i32.add))
;; CHECK: {{.*}}.wasm:0x{{[0-9a-f]+}}: error: type mismatch in i32.add (func 0): expected [i32 i32], got [i32 f64]
;; KIND: invalid: {{.*}}error: type mismatch in i32.add
