;; Concept: floats print bit-exactly: shortest round-trip decimals, signed zeros and infinities, the canonical NaN as nan and any other NaN with its payload.
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: %egret run %t.wasm --invoke f32 0x7fa00001 | FileCheck %s --check-prefix=PAYLOAD32
;; RUN: %egret run %t.wasm --invoke f32 0xffc00000 | FileCheck %s --check-prefix=NEGNAN
;; RUN: %egret run %t.wasm --invoke f64 0x7ff0000000000001 | FileCheck %s --check-prefix=PAYLOAD64
;; RUN: %egret run %t.wasm --invoke f64 0x8000000000000000 | FileCheck %s --check-prefix=NEGZERO
;; RUN: %egret run %t.wasm --invoke f64 0x3fb999999999999a | FileCheck %s --check-prefix=TENTH
;; RUN: %egret run %t.wasm --invoke f32 0xff800000 | FileCheck %s --check-prefix=NEGINF
;; RUN: %egret run %t.wasm --invoke back32 nan:0x200001 | FileCheck %s --check-prefix=BACK32
;; RUN: %egret run %t.wasm --invoke back64 0.1 | FileCheck %s --check-prefix=BACK64
(module
  (func (export "f32") (param i32) (result f32) local.get 0 f32.reinterpret_i32)
  (func (export "f64") (param i64) (result f64) local.get 0 f64.reinterpret_i64)
  (func (export "back32") (param f32) (result i32) local.get 0 i32.reinterpret_f32)
  (func (export "back64") (param f64) (result i64) local.get 0 i64.reinterpret_f64))
;; PAYLOAD32: f32:nan:0x200001
;; NEGNAN: f32:-nan
;; PAYLOAD64: f64:nan:0x1
;; NEGZERO: f64:-0
;; TENTH: f64:0.1
;; NEGINF: f32:-inf
;; BACK32: i32:2141192193
;; BACK64: i64:4591870180066957722
