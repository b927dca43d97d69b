;; Call-convention micro kernels (bench/calls/kernel_ir.sh; docs/performance.md, "Calls and tail calls"):
;; `many` calls a function with 10 i64 parameters (stack arguments on both targets) in a loop,
;; `few` one with 2 (registers only); `tail` and `plain` sum 1..10000 by tail recursion and by
;; ordinary recursion, N rounds.
(module
  ;; 10 i64 parameters + vmctx: 5 stack arguments on x86-64 (6 slots), 3 on aarch64 (4 slots).
  (func $many (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (i64.add (i64.add (i64.add (local.get 0) (local.get 9)) (i64.add (local.get 5) (local.get 7)))
             (local.get 8)))
  ;; 2 parameters: registers only.
  (func $few (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "many") (param $n i64) (result i64) (local $acc i64)
    (loop $l
      (local.set $acc (call $many (local.get $acc) (local.get $n) (i64.const 2) (i64.const 3)
        (i64.const 4) (local.get $n) (i64.const 6) (i64.const 7) (local.get $acc) (i64.const 9)))
      (br_if $l (i64.ne (local.tee $n (i64.sub (local.get $n) (i64.const 1))) (i64.const 0))))
    (local.get $acc))
  (func (export "few") (param $n i64) (result i64) (local $acc i64)
    (loop $l
      (local.set $acc (call $few (local.get $acc) (local.get $n)))
      (br_if $l (i64.ne (local.tee $n (i64.sub (local.get $n) (i64.const 1))) (i64.const 0))))
    (local.get $acc))
  ;; Recursion: sum 1..n by tail calls (constant stack) and by ordinary calls (depth n).
  (func $tsum (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (return_call $tsum (i64.sub (local.get 0) (i64.const 1))
                               (i64.add (local.get 1) (local.get 0))))))
  (func $csum (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 0))
      (else (i64.add (local.get 0) (call $csum (i64.sub (local.get 0) (i64.const 1)))))))
  ;; rounds x depth 10000, so the call version stays within the stack
  (func (export "tail") (param $r i64) (result i64) (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (call $tsum (i64.const 10000) (i64.const 0))))
      (br_if $l (i64.ne (local.tee $r (i64.sub (local.get $r) (i64.const 1))) (i64.const 0))))
    (local.get $acc))
  (func (export "plain") (param $r i64) (result i64) (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (call $csum (i64.const 10000))))
      (br_if $l (i64.ne (local.tee $r (i64.sub (local.get $r) (i64.const 1))) (i64.const 0))))
    (local.get $acc)))
