;; Concept: multi-value blocks: a block typed [i32 i32] -> [i32 i32] takes its operands from the
;; stack and its results arrive as two block parameters.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (func $swap (param i32 i32) (result i32 i32)
    local.get 1 local.get 0
    block (param i32 i32) (result i32 i32) end))
;; CHECK-LABEL: function %swap(i64, i32, i32) -> i32, i32 {
;; CHECK:       block0({{v[0-9]+}}: i64, [[A:v[0-9]+]]: i32, [[B:v[0-9]+]]: i32):
;; CHECK-NEXT:  jump [[NEXT:block[0-9]+]]([[B]], [[A]])
;; CHECK:       [[NEXT]]([[X:v[0-9]+]]: i32, [[Y:v[0-9]+]]: i32):
;; CHECK-NEXT:  return [[X]], [[Y]]
