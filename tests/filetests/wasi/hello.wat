;; Concept: a module exporting _start runs as a WASI command: fd_write reaches stdout and returning from _start exits 0.
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: %egret run %t.wasm | FileCheck %s
;; RUN: sh -c '%egret run %t.wasm > /dev/null; echo "exit=$?"' | FileCheck %s --check-prefix=EXIT
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))   ;; iovec.buf
    (i32.store (i32.const 4) (i32.const 16))   ;; iovec.len
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
;; CHECK: hello from wasi
;; EXIT: exit=0
