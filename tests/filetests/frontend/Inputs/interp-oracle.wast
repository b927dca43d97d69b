(module
  (memory 1)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "fac") (param i64) (result i64)
    local.get 0 i64.eqz
    if (result i64) i64.const 1
    else local.get 0 local.get 0 i64.const 1 i64.sub call 1 i64.mul end)
  (func (export "store-load") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.store local.get 0 i32.load)
  (func (export "oob") (result i32) i32.const 65534 i32.load))
(assert_return (invoke "div" (i32.const 7) (i32.const -2)) (i32.const -3))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 0x80000000) (i32.const -1)) "integer overflow")
(assert_return (invoke "fac" (i64.const 20)) (i64.const 2432902008176640000))
(assert_return (invoke "store-load" (i32.const 8) (i32.const 42)) (i32.const 42))
(assert_trap (invoke "oob") "out of bounds memory access")
