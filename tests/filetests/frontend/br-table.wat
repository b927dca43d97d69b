;; Concept: br_table becomes one IR br_table whose entries are the targets' blocks, default last.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (func $bt (param i32) (result i32)
    block $a block $b block $c
      local.get 0 br_table $a $b $c
    end i32.const 3 return end i32.const 2 return end i32.const 1))
;; CHECK-LABEL: function %bt(i64, i32) -> i32 {
;; CHECK:       br_table {{v[0-9]+}}, [[C:block[0-9]+]], {{\[}}[[A:block[0-9]+]], [[B:block[0-9]+]]]
;; CHECK:       [[C]]:
;; CHECK-NEXT:  iconst.i32 3
;; CHECK:       [[B]]:
;; CHECK-NEXT:  iconst.i32 2
;; CHECK:       [[A]]:
;; CHECK-NEXT:  iconst.i32 1
