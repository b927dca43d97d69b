;; Concept: a store whose static offset pushes it past 4 GiB traps (the guard region covers the 33-bit effective address).
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: not %egret run %t.wasm --invoke store -1 2>&1 | FileCheck %s
(module
  (memory 1)
  (func $store (export "store") (param i32)
    local.get 0 i64.const 1 i64.store offset=4294967295))
;; CHECK: egret run: error: wasm trap: out of bounds memory access
