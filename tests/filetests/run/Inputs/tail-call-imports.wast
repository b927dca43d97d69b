;; Tail calls across instances and to host functions.
(module $callee
  (func $count (export "count") (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (return_call $count (i64.sub (local.get 0) (i64.const 1))
                                (i64.add (local.get 1) (i64.const 1))))))
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "bump") (param i32) (global.set $g (i32.add (global.get $g) (local.get 0))))
  (func (export "get") (result i32) (global.get $g)))
(register "callee" $callee)

(module
  (import "callee" "count" (func $count (param i64 i64) (result i64)))
  (import "callee" "bump" (func $bump (param i32)))
  (import "callee" "get" (func $get (result i32)))
  (import "spectest" "print_i32" (func $print (param i32)))
  (type $ll (func (param i64 i64) (result i64)))
  (table funcref (elem $count $pingpong))
  ;; Enters the other instance's tail-recursive count by return_call (even n) or through the table
  ;; by return_call_indirect to itself first (odd n).
  (func $pingpong (export "pingpong") (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (if (result i64) (i64.eqz (i64.rem_u (local.get 0) (i64.const 2)))
        (then (return_call $count (i64.sub (local.get 0) (i64.const 1))
                                  (i64.add (local.get 1) (i64.const 1))))
        (else (return_call_indirect (type $ll) (i64.sub (local.get 0) (i64.const 1))
                                  (i64.add (local.get 1) (i64.const 1)) (i32.const 1)))))))
  (func (export "cross") (param i64) (result i64)
    (return_call $count (local.get 0) (i64.const 7)))
  (func (export "cross-indirect") (param i64) (result i64)
    (return_call_indirect (type $ll) (local.get 0) (i64.const 7) (i32.const 0)))
  ;; The callee's VMContext is the other instance's: the global changes there.
  (func (export "bump-other") (param i32) (return_call $bump (local.get 0)))
  (func (export "get-other") (result i32) (return_call $get))
  (func (export "print") (param i32) (return_call $print (local.get 0))))

(assert_return (invoke "cross" (i64.const 10000000)) (i64.const 10000007))
(assert_return (invoke "cross-indirect" (i64.const 1000)) (i64.const 1007))
(assert_return (invoke "pingpong" (i64.const 10000001) (i64.const 0)) (i64.const 10000001))
(assert_return (invoke "bump-other" (i32.const 5)))
(assert_return (invoke "bump-other" (i32.const 6)))
(assert_return (invoke "get-other") (i32.const 11))
(assert_return (invoke "print" (i32.const 42)))
