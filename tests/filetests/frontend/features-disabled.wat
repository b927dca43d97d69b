;; Concept: a construct of a proposal switched off with --wasm-features is rejected as
;; unsupported at its byte offset, naming the proposal and the flag that disabled it; the same
;; module is valid under the default features.
;; RUN: %egret validate %s
;; RUN: not %egret validate --kind --wasm-features=-tail-call %s 2>&1 | FileCheck %s
;; RUN: not %egret compile --wasm-features=none %s -o %t.egret 2>&1 | FileCheck %s
(module
  (func $f (param i32) (result i32) (return_call $g (local.get 0)))
  (func $g (param i32) (result i32) (local.get 0)))
;; CHECK: features-disabled.wat:0x{{[0-9a-f]+}}: error: return_call uses the tail-call proposal, which is disabled (--wasm-features=-tail-call) (func 0)
