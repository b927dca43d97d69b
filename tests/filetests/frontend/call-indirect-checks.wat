;; Concept: call_indirect checks the index against the table length (icall_oob), reads the
;; entry's type id with a trapping load that is its null check (icall_null: a null funcref faults
;; there; no trapz), compares it with the signature id (bad_sig), then calls the funcref's code
;; with its vmctx.
;; RUN: %wat2wasm --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (type $t (func (param i32) (result i32)))
  (table 2 funcref)
  (func $ci (param i32) (result i32)
    i32.const 5 local.get 0 call_indirect (type $t)))
;; CHECK-LABEL: function %ci(i64, i32) -> i32 {
;; CHECK:       sig0 = (i64, i32) -> i32
;; CHECK:       icmp uge
;; CHECK-NEXT:  trapnz {{v[0-9]+}}, icall_oob
;; CHECK:       [[F:v[0-9]+]] = load.i64 table notrap aligned
;; CHECK-NEXT:  [[ID:v[0-9]+]] = load.i32 aligned readonly icall_null [[F]]+16
;; CHECK-NOT:   trapz
;; CHECK:       icmp ne [[ID]]
;; CHECK-NEXT:  trapnz {{v[0-9]+}}, bad_sig
;; CHECK:       [[CODE:v[0-9]+]] = load.i64 notrap aligned readonly [[F]]
;; CHECK-NEXT:  [[CVM:v[0-9]+]] = load.i64 notrap aligned readonly [[F]]+24
;; CHECK-NEXT:  call_indirect sig0, [[CODE]]([[CVM]], {{v[0-9]+}})
