(module (func $get (export "get") (result i32) i32.const 1))
(register "first")
(module $second (func $get (export "get") (result i32) i32.const 2))
(assert_return (invoke "get") (i32.const 2))
(module binary
  "\00asm\01\00\00\00"
  "\01\05\01\60\00\01\7f"             ;; type 0: () -> i32
  "\03\02\01\00"                      ;; one function of type 0
  "\07\07\01\03get\00\00"             ;; export "get"
  "\0a\06\01\04\00\41\03\0b"          ;; body: i32.const 3
  "\00\0d\04name\01\06\01\00\03get"   ;; name section: function names only
)
(assert_return (invoke "get") (i32.const 3))
