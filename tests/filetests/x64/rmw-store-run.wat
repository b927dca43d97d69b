;; Concept: read-modify-write stores (one `addl $5, mem` or `addb $1, mem` on x64) compute the sum in place, a byte one wrapping without touching the next byte, and trap as out-of-bounds accesses when the word crosses the end of memory.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %egret run %t.wasm --invoke bump 100 | FileCheck %s --check-prefix=OK
;; RUN: not %egret run %t.wasm --invoke bump 65534 2>&1 | FileCheck %s --check-prefix=TRAP
;; RUN: %egret run %t.wasm --invoke bump8 101 | FileCheck %s --check-prefix=BYTE
(module
  (memory 1)
  (data (i32.const 100) "\fe\ff\ff\ff")
  (func $bump (export "bump") (param i32) (result i32)
    local.get 0 local.get 0 i32.load i32.const 5 i32.add i32.store
    local.get 0 i32.load)
  (func $bump8 (export "bump8") (param i32) (result i32)
    local.get 0 local.get 0 i32.load8_u i32.const 1 i32.add i32.store8
    i32.const 100 i32.load))
;; OK: i32:3
;; BYTE: i32:-65282
;; TRAP: egret run: error: wasm trap: out of bounds memory access
