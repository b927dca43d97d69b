;; Concept: proc_exit ends the program at once with its status as egret's exit status; no Wasm code runs after it and it is not reported as a trap.
;; RUN: %wat2wasm %s -o %t.wasm
;; RUN: sh -c '%egret run %t.wasm 2>&1; echo "exit=$?"' | FileCheck %s
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "after exit\n")
  (func (export "_start")
    (call $proc_exit (i32.const 42))
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 11))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
;; CHECK-NOT: after exit
;; CHECK-NOT: trap
;; CHECK: exit=42
