;; Concept: memory.grow and bulk memory call runtime builtins declared as external functions;
;; memory.size reads heap_bound from the VMContext inline.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (memory 1)
  (func $grow (param i32) (result i32) local.get 0 memory.grow drop memory.size)
  (func $fill (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill))
;; CHECK-LABEL: function %grow(i64, i32) -> i32 {
;; CHECK:       fn0 = %egret_builtin_memory_grow sig0
;; CHECK:       [[OLD:v[0-9]+]] = call %egret_builtin_memory_grow({{v[0-9]+}}, {{v[0-9]+}}, {{v[0-9]+}})
;; CHECK-NEXT:  ireduce.i32 [[OLD]]
;; CHECK:       [[B:v[0-9]+]] = load.i64 vmctx notrap aligned {{v[0-9]+}}+{{[0-9]+}}
;; CHECK-NEXT:  [[P:v[0-9]+]] = ushr_imm [[B]], 16
;; CHECK-NEXT:  ireduce.i32 [[P]]
;; CHECK-LABEL: function %fill(i64, i32, i32, i32) {
;; CHECK:       call %egret_builtin_memory_fill(
