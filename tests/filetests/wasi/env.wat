;; Concept: --env KEY=VALUE (repeatable) is the guest's whole environment; the host's is not passed through.
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: env HOST_ONLY=x %egret run --env GREETING=hello %t.wasm --env EMPTY= | FileCheck %s
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $n i32) (local $i i32)
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (drop (call $get (i32.const 64) (i32.const 1024)))
    (local.set $n (i32.load (i32.const 4)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.eqz (i32.load8_u offset=1024 (local.get $i)))
        (then (i32.store8 offset=1024 (local.get $i) (i32.const 10))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.store (i32.const 8) (i32.const 1024))
    (i32.store (i32.const 12) (local.get $n))
    (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))
;; CHECK-NOT: HOST_ONLY
;; CHECK:     GREETING=hello
;; CHECK-NEXT: EMPTY=
;; CHECK-NOT: HOST_ONLY
