;; Concept: wasi-threads: _start spawns 4 threads through wasi.thread-spawn; each instance (on its own host thread, sharing the imported memory) adds its share of 1..100000 to a total with i32/i64 atomic adds, counts itself done and notifies; the main thread waits (memory.atomic.wait32) until all 4 are done and prints the sum, which is exact only if every atomic add landed.
;; RUN: %wat2wasm --enable-threads %s -o %t.wasm
;; RUN: %egret run %t.wasm | FileCheck %s
;; RUN: %egret run --opt-level=none %t.wasm | FileCheck %s
;; CHECK: threads 4
;; CHECK-NEXT: sum 5000050000
;; CHECK-NEXT: count 100000
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (export "memory" (memory 0))
  ;; [0] i64 sum, [8] i32 count, [12] i32 threads done, [16] i32 threads spawned;
  ;; text is built at 1024, iovec at 256.
  (func $work (param $first i32) (param $last i32)
    (local $i i32)
    (local.set $i (local.get $first))
    (block $done (loop $next
      (br_if $done (i32.gt_u (local.get $i) (local.get $last)))
      (drop (i64.atomic.rmw.add (i32.const 0) (i64.extend_i32_u (local.get $i))))
      (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
  ;; Thread k (start_arg k = 0..3) sums k*25000+1 .. (k+1)*25000.
  (func (export "wasi_thread_start") (param $tid i32) (param $k i32)
    (call $work (i32.add (i32.mul (local.get $k) (i32.const 25000)) (i32.const 1))
                (i32.mul (i32.add (local.get $k) (i32.const 1)) (i32.const 25000)))
    (drop (i32.atomic.rmw.add (i32.const 12) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 12) (i32.const 1))))
  ;; Writes `label` (at 512, `len` bytes), a space, the decimal `v` and a newline to stdout.
  (func $print (param $label i32) (param $len i32) (param $v i64)
    (local $p i32) (local $end i32)
    (memory.copy (i32.const 1024) (local.get $label) (local.get $len))
    (i32.store8 (i32.add (i32.const 1024) (local.get $len)) (i32.const 32))
    ;; digits backwards from 1100
    (local.set $end (i32.const 1100))
    (local.set $p (local.get $end))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digit (i64.ne (local.get $v) (i64.const 0))))
    (memory.copy (i32.add (i32.const 1025) (local.get $len)) (local.get $p)
                 (i32.sub (local.get $end) (local.get $p)))
    (local.set $len (i32.add (i32.add (local.get $len) (i32.const 1))
                             (i32.sub (local.get $end) (local.get $p))))
    (i32.store8 (i32.add (i32.const 1024) (local.get $len)) (i32.const 10))
    (i32.store (i32.const 256) (i32.const 1024))
    (i32.store (i32.const 260) (i32.add (local.get $len) (i32.const 1)))
    (drop (call $fd_write (i32.const 1) (i32.const 256) (i32.const 1) (i32.const 264))))
  (func (export "_start")
    (local $k i32) (local $seen i32)
    (block $spawned (loop $next
      (br_if $spawned (i32.eq (local.get $k) (i32.const 4)))
      (if (i32.gt_s (call $spawn (local.get $k)) (i32.const 0))
        (then (drop (i32.atomic.rmw.add (i32.const 16) (i32.const 1)))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $next)))
    ;; Wait until every spawned thread is done (wait returns at once when the count moved on).
    (block $all (loop $wait
      (local.set $seen (i32.atomic.load (i32.const 12)))
      (br_if $all (i32.ge_u (local.get $seen) (i32.atomic.load (i32.const 16))))
      (drop (memory.atomic.wait32 (i32.const 12) (local.get $seen) (i64.const -1)))
      (br $wait)))
    (i32.store (i32.const 512) (i32.const 0x65726874))  ;; "thre"
    (i32.store (i32.const 516) (i32.const 0x00736461))  ;; "ads"
    (call $print (i32.const 512) (i32.const 7) (i64.extend_i32_u (i32.atomic.load (i32.const 16))))
    (i32.store (i32.const 512) (i32.const 0x006d7573))  ;; "sum"
    (call $print (i32.const 512) (i32.const 3) (i64.atomic.load (i32.const 0)))
    (i32.store (i32.const 512) (i32.const 0x6e756f63))  ;; "coun"
    (i32.store8 (i32.const 516) (i32.const 0x74))       ;; "t"
    (call $print (i32.const 512) (i32.const 5) (i64.extend_i32_u (i32.atomic.load (i32.const 8))))))
