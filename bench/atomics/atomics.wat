;; bench/atomics/atomics.wat: timing loops for docs/performance.md "Atomics" (run.sh runs them).
(module
  (memory (export "memory") 1 1 shared)
  ;; n seq-cst fetch-adds on one (uncontended) cell.
  (func (export "rmw") (param $n i32) (result i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (i32.atomic.load (i32.const 0)))
  ;; The same loop with a plain add (the loop's own cost).
  (func (export "plain") (param $n i32) (result i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (i32.load (i32.const 0)))
  ;; n uncontended wait/notify pairs: a wait whose value differs (returns 1 at once) and a
  ;; notify that finds no waiter.
  (func (export "waitnotify") (param $n i32) (result i32)
    (local $r i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $r (i32.add (local.get $r)
        (memory.atomic.wait32 (i32.const 64) (i32.const 1) (i64.const -1))))
      (local.set $r (i32.add (local.get $r) (memory.atomic.notify (i32.const 64) (i32.const 1))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $r)))
