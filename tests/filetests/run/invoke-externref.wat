;; Concept: --invoke passes `externref:N` as a new host object holding N (or null) and prints an externref result that holds a number as externref:N; a table keeps it.
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: %egret run %t.wasm --invoke id 7 | FileCheck %s --check-prefix=ID
;; RUN: %egret run %t.wasm --invoke id null | FileCheck %s --check-prefix=NULL
;; RUN: %egret run %t.wasm --invoke through_table 12 | FileCheck %s --check-prefix=TABLE
;; RUN: not %egret run %t.wasm --invoke id -1 2>&1 | FileCheck %s --check-prefix=BAD
(module
  (table 1 externref)
  (global (mut externref) (ref.null extern))
  (func (export "id") (param externref) (result externref) local.get 0)
  (func (export "through_table") (param externref) (result externref i32)
    (table.set 0 (i32.const 0) (local.get 0))
    (global.set 0 (table.get 0 (i32.const 0)))
    (global.get 0)
    (ref.is_null (table.get 0 (i32.const 0)))))
;; ID: externref:7
;; NULL: externref:null
;; TABLE:      externref:12
;; TABLE-NEXT: i32:0
;; BAD: only null or an unsigned number can be passed as a externref
