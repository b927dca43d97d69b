;; Concept: SIMD validates, but translating it is not supported yet: a clear, located error.
;; RUN: %wat2wasm %s -o %t.wasm && %egret validate %t.wasm
;; RUN: not %egret compile --emit=ir %t.wasm 2>&1 | FileCheck %s
(module
  (func (result i32)
    v128.const i32x4 1 2 3 4 i32x4.extract_lane 0))
;; CHECK: {{.*}}.wasm:0x{{[0-9a-f]+}}: error: not yet supported: SIMD (func 0)
