;; br_table on an index whose register is used as it is (already zero-extended) and on one
;; that is copied: every entry and the default, including indices with high bits set.
(module
  (memory 1)
  (data (i32.const 0) "\00\00\00\00\01\00\00\00\02\00\00\00\03\00\00\00\ff\ff\ff\ff\00\00\00\80")
  (func (export "loaded") (param i32) (result i32)
    block block block block local.get 0 i32.load br_table 0 1 2 3 end i32.const 10 return end i32.const 20 return end i32.const 30 return end i32.const 40)
  (func (export "wrapped") (param i64) (result i32)
    block block block block local.get 0 i32.wrap_i64 br_table 0 1 2 3 end i32.const 10 return end i32.const 20 return end i32.const 30 return end i32.const 40))
(assert_return (invoke "loaded" (i32.const 0)) (i32.const 10))
(assert_return (invoke "loaded" (i32.const 4)) (i32.const 20))
(assert_return (invoke "loaded" (i32.const 8)) (i32.const 30))
(assert_return (invoke "loaded" (i32.const 12)) (i32.const 40))
(assert_return (invoke "loaded" (i32.const 16)) (i32.const 40))
(assert_return (invoke "loaded" (i32.const 20)) (i32.const 40))
(assert_return (invoke "wrapped" (i64.const 0x100000000)) (i32.const 10))
(assert_return (invoke "wrapped" (i64.const 0xffffffff00000001)) (i32.const 20))
(assert_return (invoke "wrapped" (i64.const 0x7fffffff00000002)) (i32.const 30))
(assert_return (invoke "wrapped" (i64.const 0x1ffffffff)) (i32.const 40))
