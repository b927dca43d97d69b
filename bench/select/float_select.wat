;; Float select kernels (docs/x64.md, "Compare fusion across blocks and float select"): `clamp` sums
;; x < 0.5 ? x : 0.5 (an independent select per element), `max` is a running max (a loop-carried
;; select), each over 10^6 f64s, random or sorted, 200 passes. Run with
;;   wat2wasm bench/select/float_select.wat -o /tmp/fs.wasm
;;   for f in clamp_random clamp_sorted max_random max_sorted; do
;;     /usr/bin/time -f "$f %e s" build/bin/egret run /tmp/fs.wasm --invoke $f; done
(module
  (memory 160)
  ;; fill n f64s: random in [0,1) (mode 0) or increasing (mode 1)
  (func $fill (param $n i32) (param $mode i32) (local $i i32) (local $s i64)
    (local.set $s (i64.const 88172645463325252))
    (block (loop
      (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i64.xor (local.get $s) (i64.shl (local.get $s) (i64.const 13))))
      (local.set $s (i64.xor (local.get $s) (i64.shr_u (local.get $s) (i64.const 7))))
      (local.set $s (i64.xor (local.get $s) (i64.shl (local.get $s) (i64.const 17))))
      (f64.store (i32.shl (local.get $i) (i32.const 3))
        (if (result f64) (local.get $mode)
          (then (f64.div (f64.convert_i32_u (local.get $i)) (f64.convert_i32_u (local.get $n))))
          (else (f64.div (f64.convert_i64_u (i64.shr_u (local.get $s) (i64.const 11))) (f64.const 9007199254740992)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br 0))))
  ;; independent selects: sum of clamp(x, 0.5)
  (func $clamp (param $n i32) (param $reps i32) (result f64) (local $i i32) (local $r i32) (local $s f64) (local $x f64)
    (block (loop
      (br_if 1 (i32.ge_u (local.get $r) (local.get $reps)))
      (local.set $i (i32.const 0))
      (block (loop
        (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (f64.load (i32.shl (local.get $i) (i32.const 3))))
        (local.set $s (f64.add (local.get $s) (select (local.get $x) (f64.const 0.5) (f64.lt (local.get $x) (f64.const 0.5)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br 0)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br 0)))
    (local.get $s))
  ;; loop-carried select: running max
  (func $max (param $n i32) (param $reps i32) (result f64) (local $i i32) (local $r i32) (local $m f64) (local $x f64)
    (block (loop
      (br_if 1 (i32.ge_u (local.get $r) (local.get $reps)))
      (local.set $i (i32.const 0))
      (local.set $m (f64.const 0))
      (block (loop
        (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (f64.load (i32.shl (local.get $i) (i32.const 3))))
        (local.set $m (select (local.get $x) (local.get $m) (f64.gt (local.get $x) (local.get $m))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br 0)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br 0)))
    (local.get $m))
  (func (export "clamp_random") (result f64) (call $fill (i32.const 1000000) (i32.const 0)) (call $clamp (i32.const 1000000) (i32.const 200)))
  (func (export "clamp_sorted") (result f64) (call $fill (i32.const 1000000) (i32.const 1)) (call $clamp (i32.const 1000000) (i32.const 200)))
  (func (export "max_random") (result f64) (call $fill (i32.const 1000000) (i32.const 0)) (call $max (i32.const 1000000) (i32.const 200)))
  (func (export "max_sorted") (result f64) (call $fill (i32.const 1000000) (i32.const 1)) (call $max (i32.const 1000000) (i32.const 200))))
