;; Concept: `egret validate` prints nothing and succeeds for a valid module.
;; RUN: %wat2wasm %s -o %t.wasm && %egret validate %t.wasm 2>&1 | count 0
(module (func (result i32) i32.const 0))
