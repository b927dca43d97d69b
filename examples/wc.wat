;; wc.wat: the bundled demo program, a WASI command like `wc`: reads stdin to the end and prints
;; "LINES WORDS BYTES" (or, with an argument, "LINES WORDS BYTES NAME" using argv[1] as a label).
;; It exercises the WASI calls real programs make (args_sizes_get, args_get, fd_read, fd_write,
;; proc_exit) plus loops, byte loads and integer formatting, and is small enough to read.
;;
;;   wat2wasm examples/wc.wat -o wc.wasm
;;   printf 'one two\nthree\n' | egret run wc.wasm stdin     # prints "2 3 14 stdin"
;;
;; Memory layout: 0 iovec {buf, len}, 8 nread/nwritten, 16 argc, 20 argv buffer size,
;; 64 argv pointers, 1024 output line, 2048 argv strings, 8192.. input buffer (56 KiB).
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)

  ;; Writes the decimal digits of $n at $pos; returns the position after them.
  (func $put_u64 (param $n i64) (param $pos i32) (result i32)
    (local $len i32) (local $i i32) (local $t i64)
    ;; count digits
    (local.set $t (local.get $n))
    (loop $count
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (local.set $t (i64.div_u (local.get $t) (i64.const 10)))
      (br_if $count (i64.ne (local.get $t) (i64.const 0))))
    ;; write them from the last one backwards
    (local.set $i (local.get $len))
    (loop $digits
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (local.get $pos) (local.get $i))
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
      (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
      (br_if $digits (local.get $i)))
    (i32.add (local.get $pos) (local.get $len)))

  (func $is_space (param $c i32) (result i32)
    (i32.or (i32.eq (local.get $c) (i32.const 32))
            (i32.and (i32.ge_u (local.get $c) (i32.const 9))
                     (i32.le_u (local.get $c) (i32.const 13)))))

  (func (export "_start")
    (local $lines i64) (local $words i64) (local $bytes i64)
    (local $n i32) (local $i i32) (local $c i32) (local $in_word i32) (local $pos i32)
    (local $err i32) (local $arg i32)
    (block $eof
      (loop $read
        (i32.store (i32.const 0) (i32.const 8192))
        (i32.store (i32.const 4) (i32.const 57344))
        (local.set $err (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
        (if (local.get $err) (then (call $proc_exit (local.get $err))))
        (local.set $n (i32.load (i32.const 8)))
        (br_if $eof (i32.eqz (local.get $n)))
        (local.set $bytes (i64.add (local.get $bytes) (i64.extend_i32_u (local.get $n))))
        (local.set $i (i32.const 0))
        (loop $scan
          (local.set $c (i32.load8_u offset=8192 (local.get $i)))
          (if (i32.eq (local.get $c) (i32.const 10))
            (then (local.set $lines (i64.add (local.get $lines) (i64.const 1)))))
          (if (call $is_space (local.get $c))
            (then (local.set $in_word (i32.const 0)))
            (else
              (if (i32.eqz (local.get $in_word))
                (then (local.set $words (i64.add (local.get $words) (i64.const 1)))))
              (local.set $in_word (i32.const 1))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $scan (i32.lt_u (local.get $i) (local.get $n))))
        (br $read)))
    ;; "LINES WORDS BYTES[ NAME]\n" at 1024
    (local.set $pos (call $put_u64 (local.get $lines) (i32.const 1024)))
    (i32.store8 (local.get $pos) (i32.const 32))
    (local.set $pos (call $put_u64 (local.get $words) (i32.add (local.get $pos) (i32.const 1))))
    (i32.store8 (local.get $pos) (i32.const 32))
    (local.set $pos (call $put_u64 (local.get $bytes) (i32.add (local.get $pos) (i32.const 1))))
    ;; argv[1], if given and it fits: copy it after a space
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (if (i32.and (i32.ge_u (i32.load (i32.const 16)) (i32.const 2))
                 (i32.le_u (i32.load (i32.const 20)) (i32.const 4096)))
      (then
        (drop (call $args_get (i32.const 64) (i32.const 2048)))
        (local.set $arg (i32.load (i32.const 68)))
        (i32.store8 (local.get $pos) (i32.const 32))
        (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
        (block $end
          (loop $copy
            (local.set $c (i32.load8_u (local.get $arg)))
            (br_if $end (i32.eqz (local.get $c)))
            (br_if $end (i32.ge_u (local.get $pos) (i32.const 2040)))
            (i32.store8 (local.get $pos) (local.get $c))
            (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
            (local.set $arg (i32.add (local.get $arg) (i32.const 1)))
            (br $copy)))))
    (i32.store8 (local.get $pos) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.sub (i32.add (local.get $pos) (i32.const 1)) (i32.const 1024)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
