;; br-table-long.wast: a br_table whose jump table (300 entries, 1200 bytes) is longer than the
;; x64 emitter's per-instruction island bound; see ../wast-shrink.test.
(module
  (func (export "pick") (param i32) (result i32)
    (block $d
      (block $b1
        (block $b0
          (br_table $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $b0 $b1 $d (local.get 0)))
        (return (i32.const 10)))
      (return (i32.const 11)))
    (i32.const 12))
  (func $count (export "count") (param i32) (result i32)
    (local i32)
    (block $out
      (loop $l
        (br_if $out (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (call $pick2 (local.get 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
    (local.get 1))
  (func $pick2 (param i32) (result i32)
    (if (result i32) (i32.and (local.get 0) (i32.const 1))
      (then (f64.lt (f64.convert_i32_u (local.get 0)) (f64.const 2.5)))
      (else (i32.const 2)))))
(assert_return (invoke "pick" (i32.const 0)) (i32.const 10))
(assert_return (invoke "pick" (i32.const 1)) (i32.const 11))
(assert_return (invoke "pick" (i32.const 298)) (i32.const 10))
(assert_return (invoke "pick" (i32.const 299)) (i32.const 11))
(assert_return (invoke "pick" (i32.const 300)) (i32.const 12))
(assert_return (invoke "pick" (i32.const -1)) (i32.const 12))
(assert_return (invoke "count" (i32.const 5)) (i32.const 5))
(assert_return (invoke "count" (i32.const 100)) (i32.const 101))
