;; Concept: a memory64 access gets an explicit bounds check in the IR (the guard region cannot
;; cover a 64-bit index): end = index + offset + size must not wrap past 2^64 (end < index) nor
;; exceed the current length; the access itself is then notrap. An offset that puts every access
;; past 2^64 traps unconditionally.
;; RUN: %egret compile --wasm-features=+memory64 --emit=ir --no-srclocs %s | FileCheck %s
(module
  (memory i64 1)
  (func $ld (param i64) (result i32)
    local.get 0 i32.load offset=8)
  (func $far (param i64) (result i64)
    local.get 0 i64.load offset=0xfffffffffffffff9)
  (func $size (result i64) memory.size))
;; CHECK-LABEL: function %ld(i64, i64) -> i32 {
;; CHECK-NEXT:  block0([[VM:v[0-9]+]]: i64, [[I:v[0-9]+]]: i64):
;; CHECK-NEXT:  [[BOUND:v[0-9]+]] = load.i64 vmctx notrap aligned [[VM]]+72
;; CHECK-NEXT:  [[END:v[0-9]+]] = iadd_imm [[I]], 12
;; CHECK-NEXT:  [[WRAP:v[0-9]+]] = icmp ult [[END]], [[I]]
;; CHECK-NEXT:  trapnz [[WRAP]], heap_oob
;; CHECK-NEXT:  [[OOB:v[0-9]+]] = icmp ugt [[END]], [[BOUND]]
;; CHECK-NEXT:  trapnz [[OOB]], heap_oob
;; CHECK-NEXT:  [[BASE:v[0-9]+]] = load.i64 vmctx notrap aligned readonly [[VM]]+64
;; CHECK-NEXT:  [[A:v[0-9]+]] = iadd [[BASE]], [[I]]
;; CHECK-NEXT:  {{v[0-9]+}} = load.i32 heap notrap [[A]]+8
;; CHECK-LABEL: function %far(i64, i64) -> i64 {
;; CHECK:       [[ONE:v[0-9]+]] = iconst.i32 1
;; CHECK-NEXT:  trapnz [[ONE]], heap_oob
;; CHECK-LABEL: function %size(i64) -> i64 {
;; CHECK:       [[LEN:v[0-9]+]] = load.i64 vmctx notrap aligned {{v[0-9]+}}+72
;; CHECK-NEXT:  [[PAGES:v[0-9]+]] = ushr_imm [[LEN]], 16
;; CHECK-NEXT:  return [[PAGES]]
