;; Concept: an atomic access must state exactly its natural alignment (smaller is invalid too, unlike plain loads).
;; RUN: %wat2wasm --enable-threads --no-check %s -o %t.wasm && not %egret validate %t.wasm 2>&1 | FileCheck %s
;; CHECK: error: atomic alignment must be natural
(module
  (memory 1 1 shared)
  (func (param i32) (result i32) local.get 0 i32.atomic.load align=2))
