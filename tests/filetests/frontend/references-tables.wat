;; Concept: references are i64 pointers: ref.null is 0, ref.is_null compares with 0, ref.func is
;; the function's VMFuncRef inside the VMContext; table.get calls a builtin, table.size is inline.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (table $t 4 funcref)
  (elem declare func $f)
  (func $f (result i32)
    ref.func $f ref.is_null
    ref.null func ref.is_null i32.add)
  (func $g (param i32) (result funcref) local.get 0 table.get $t)
  (func $n (result i32) table.size $t))
;; CHECK-LABEL: function %f(i64) -> i32 {
;; CHECK:       [[R:v[0-9]+]] = iadd_imm [[VM:v[0-9]+]], {{[0-9]+}}
;; CHECK-NEXT:  icmp_imm eq [[R]], 0
;; CHECK:       [[NULL:v[0-9]+]] = iconst.i64 0
;; CHECK-NEXT:  icmp_imm eq [[NULL]], 0
;; CHECK-LABEL: function %g(i64, i32) -> i64 {
;; CHECK:       call %egret_builtin_table_get(
;; CHECK-LABEL: function %n(i64) -> i32 {
;; CHECK:       [[LEN:v[0-9]+]] = load.i64 vmctx notrap aligned {{v[0-9]+}}+{{[0-9]+}}
;; CHECK-NEXT:  ireduce.i32 [[LEN]]
;; CHECK-NOT:   call
