;; Concept: extended constant expressions (i32/i64 add, sub, mul, global.get of an imported
;; global) initialise globals and place data and element segments, through the artifact as well
;; as in memory; with --wasm-features=-extended-const the module is rejected at the first
;; arithmetic instruction.
;; RUN: %egret compile %s -o %t.egret
;; RUN: %egret run %t.egret --invoke get 0 | FileCheck %s --check-prefix=G
;; RUN: %egret run %s --invoke get 0 | FileCheck %s --check-prefix=G
;; RUN: %egret run %s --invoke get64 | FileCheck %s --check-prefix=G64
;; RUN: %egret run %s --invoke load | FileCheck %s --check-prefix=DATA
;; RUN: %egret run %s --invoke via-table | FileCheck %s --check-prefix=ELEM
;; RUN: not %egret validate --kind --wasm-features=-extended-const %s 2>&1 | FileCheck %s --check-prefix=OFF
(module
  (global $a i32 (i32.sub (i32.mul (i32.const 6) (i32.const 7)) (i32.const 2)))
  (global $b i64 (i64.add (i64.mul (i64.const 0x100000000) (i64.const 3)) (i64.const -1)))
  (memory 1)
  (data (i32.add (i32.const 100) (i32.mul (i32.const 4) (i32.const 2))) "\2a\00\00\00")
  (table 8 funcref)
  (elem (i32.sub (i32.const 7) (i32.const 2)) $seven)
  (func $seven (result i32) (i32.const 7))
  (func (export "get") (param i32) (result i32) (global.get $a))
  (func (export "get64") (result i64) (global.get $b))
  (func (export "load") (result i32) (i32.load (i32.const 108)))
  (func (export "via-table") (result i32) (call_indirect (result i32) (i32.const 5))))
;; G: i32:40
;; G64: i64:12884901887
;; DATA: i32:42
;; ELEM: i32:7
;; OFF: unsupported: {{.*}}extended-const.wat:0x{{[0-9a-f]+}}: error: i32.mul in global uses the extended-const proposal, which is disabled (--wasm-features=-extended-const)
