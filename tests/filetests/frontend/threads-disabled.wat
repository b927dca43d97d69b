;; Concept: with --wasm-features=-threads an atomic operator and a shared memory are rejected as unsupported, at their byte offsets, naming the proposal; the module is valid under the default features.
;; RUN: %wat2wasm --enable-threads %s -o %t.wasm
;; RUN: %egret validate %t.wasm
;; RUN: not %egret validate --wasm-features=-threads %t.wasm 2>&1 | FileCheck %s --check-prefix=SHARED
;; RUN: %wat2wasm --enable-threads %S/Inputs/atomic-unshared.wat -o %t2.wasm
;; RUN: not %egret validate --wasm-features=-threads %t2.wasm 2>&1 | FileCheck %s --check-prefix=OP
(module
  (memory 1 1 shared)
  (func (result i32) (i32.atomic.load (i32.const 0))))
;; SHARED: error: a shared memory uses the threads proposal, which is disabled (--wasm-features=-threads)
;; OP: {{.*}}:0x{{[0-9a-f]+}}: error: i32.atomic.rmw.add uses the threads proposal, which is disabled (--wasm-features=-threads) (func 0)
