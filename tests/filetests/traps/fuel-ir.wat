;; Concept: `egret compile --fuel` charges each straight-line run's operator count before the branch that ends it.
;; The loop costs 2 (block, loop) at entry; each iteration 3 up to the br_if and 9 up to the br;
;; the exit path 2 (local.get, end). Each charge adds to the store's counter [[vmctx+8]+8] and traps when positive.
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: %egret compile --fuel --emit=ir --no-srclocs %t.wasm | FileCheck %s
;; RUN: %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s --check-prefix=OFF
(module
  (func $sum (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $s)))
;; CHECK: block0(v0: i64, v1: i32):
;; CHECK: [[L0:v[0-9]+]] = load.i64 vmctx notrap aligned readonly v0+8
;; CHECK-NEXT: [[F0:v[0-9]+]] = load.i64 vmctx notrap aligned [[L0]]+8
;; CHECK-NEXT: [[S0:v[0-9]+]] = iadd_imm [[F0]], 2
;; CHECK-NEXT: store vmctx notrap aligned [[S0]], [[L0]]+8
;; CHECK-NEXT: [[C0:v[0-9]+]] = icmp_imm sgt [[S0]], 0
;; CHECK-NEXT: trapnz [[C0]], out_of_fuel
;; CHECK-NEXT: jump
;; CHECK: iadd_imm {{v[0-9]+}}, 3
;; CHECK: trapnz {{v[0-9]+}}, out_of_fuel
;; CHECK-NEXT: brif
;; CHECK: iadd_imm {{v[0-9]+}}, 9
;; CHECK: trapnz {{v[0-9]+}}, out_of_fuel
;; CHECK-NEXT: jump
;; CHECK: iadd_imm {{v[0-9]+}}, 2
;; CHECK: trapnz {{v[0-9]+}}, out_of_fuel
;; CHECK-NEXT: return
;; OFF-NOT: out_of_fuel
;; OFF-NOT: v0+8{{$}}
