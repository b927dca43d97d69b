;; Concept: a read-modify-write store (one `addl $5, mem` on x64) computes mem[a] + 5 in place and traps as an out-of-bounds access when the word crosses the end of memory.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %egret run %t.wasm --invoke bump 100 | FileCheck %s --check-prefix=OK
;; RUN: not %egret run %t.wasm --invoke bump 65534 2>&1 | FileCheck %s --check-prefix=TRAP
(module
  (memory 1)
  (data (i32.const 100) "\fe\ff\ff\ff")
  (func $bump (export "bump") (param i32) (result i32)
    local.get 0 local.get 0 i32.load i32.const 5 i32.add i32.store
    local.get 0 i32.load))
;; OK: i32:3
;; TRAP: egret run: error: wasm trap: out of bounds memory access
