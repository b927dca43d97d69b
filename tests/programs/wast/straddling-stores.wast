;; straddling-stores.wast: a store that straddles the end of memory traps and writes nothing
;; (Wasm: the bounds check comes before any byte is stored). Each case has a fresh one-page memory;
;; the first in-bounds byte must still be 0 after the trap. On aarch64 with guard pages a 16-byte
;; store could write its in-bounds half before faulting (qemu splits it into two 8-byte stores),
;; which the backend prevents with a probe load (backends/aarch64/emit.cc, EmitMemory). Run by the
;; ctest programs.wast.straddling_stores, natively and, in the cross build, under qemu-aarch64.
;; v128.store at 65528
(module (memory 1)
  (func (export "store") (param i32) (v128.store (local.get 0) (v128.const i64x2 -1 -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65528)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65528)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; v128.store at 65521
(module (memory 1)
  (func (export "store") (param i32) (v128.store (local.get 0) (v128.const i64x2 -1 -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65521)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65521)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; v128.store at 65535
(module (memory 1)
  (func (export "store") (param i32) (v128.store (local.get 0) (v128.const i64x2 -1 -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65535)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; v128.store offset=8 at 65520
(module (memory 1)
  (func (export "store") (param i32) (v128.store offset=8 (local.get 0) (v128.const i64x2 -1 -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65520)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65528)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; v128.store64_lane at 65530
(module (memory 1)
  (func (export "store") (param i32) (v128.store64_lane 1 (local.get 0) (v128.const i64x2 -1 -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65530)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65530)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; v128.store64_lane at 65535
(module (memory 1)
  (func (export "store") (param i32) (v128.store64_lane 1 (local.get 0) (v128.const i64x2 -1 -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65535)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; v128.store32_lane at 65534
(module (memory 1)
  (func (export "store") (param i32) (v128.store32_lane 1 (local.get 0) (v128.const i64x2 -1 -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65534)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65534)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; i64.store at 65532
(module (memory 1)
  (func (export "store") (param i32) (i64.store (local.get 0) (i64.const -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65532)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65532)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; i64.store at 65529
(module (memory 1)
  (func (export "store") (param i32) (i64.store (local.get 0) (i64.const -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65529)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65529)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; i64.store at 65535
(module (memory 1)
  (func (export "store") (param i32) (i64.store (local.get 0) (i64.const -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65535)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; i32.store at 65534
(module (memory 1)
  (func (export "store") (param i32) (i32.store (local.get 0) (i32.const -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65534)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65534)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; i32.store at 65533
(module (memory 1)
  (func (export "store") (param i32) (i32.store (local.get 0) (i32.const -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65533)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65533)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; f64.store at 65532
(module (memory 1)
  (func (export "store") (param i32) (f64.store (local.get 0) (f64.const -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65532)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65532)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
;; i32.store16 at 65535
(module (memory 1)
  (func (export "store") (param i32) (i32.store16 (local.get 0) (i32.const -1)))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_trap (invoke "store" (i32.const 65535)) "out of bounds memory access")
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
(assert_return (invoke "byte" (i32.const 65535)) (i32.const 0))
