;; Concept: --invoke parses arguments by the export's parameter types and prints every result on its own line as TYPE:VALUE.
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: %egret run %t.wasm --invoke swap 7 -3000000000000 | FileCheck %s --check-prefix=SWAP
;; RUN: %egret run %t.wasm --invoke add 2147483647 1 | FileCheck %s --check-prefix=WRAP
;; RUN: %egret run %t.wasm --invoke add 0xff 4294967295 | FileCheck %s --check-prefix=HEX
;; RUN: %egret run %t.wasm --invoke none | count 0
(module
  (func (export "swap") (param i32 i64) (result i64 i32) local.get 1 local.get 0)
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "none")))
;; SWAP:      i64:-3000000000000
;; SWAP-NEXT: i32:7
;; WRAP: i32:-2147483648
;; HEX: i32:254
