;; Concept: --dir HOST::GUEST preopens a host directory as fd 3; the guest opens a file inside it with path_open and copies it to stdout. Without --dir, fd 3 is not open (EBADF = 8, reported through proc_exit).
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: rm -rf %t.dir && mkdir -p %t.dir && echo "contents of the file" > %t.dir/in.txt
;; RUN: %egret run --dir %t.dir::/data %t.wasm | FileCheck %s
;; RUN: sh -c '%egret run %t.wasm; echo "exit=$?"' | FileCheck %s --check-prefix=NODIR
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "in.txt")
  (func (export "_start") (local $err i32)
    ;; path_open(fd 3, no lookup flags, "in.txt", no oflags, rights fd_read, 0, no fdflags, &fd at 0)
    (local.set $err (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 6)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (local.get $err) (then (call $proc_exit (local.get $err))))
    (i32.store (i32.const 8) (i32.const 1024))   ;; iovec {1024, 4096}
    (i32.store (i32.const 12) (i32.const 4096))
    (local.set $err (call $fd_read (i32.load (i32.const 0)) (i32.const 8) (i32.const 1) (i32.const 16)))
    (if (local.get $err) (then (call $proc_exit (local.get $err))))
    (i32.store (i32.const 12) (i32.load (i32.const 16)))  ;; write what was read
    (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))
;; CHECK: contents of the file
;; NODIR: exit=8
