(module
  (table 2 externref)
  (func (export "put") (param i32 externref) (table.set 0 (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result externref) (table.get 0 (local.get 0))))
(assert_return (invoke "put" (i32.const 0) (ref.extern 1)))
(assert_return (invoke "get" (i32.const 0)) (ref.extern 1))
(assert_return (invoke "get" (i32.const 0)) (ref.extern 2))
(assert_return (invoke "get" (i32.const 0)) (ref.extern))
(assert_return (invoke "get" (i32.const 1)) (ref.extern))
