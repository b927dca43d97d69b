;; Concept: wait and notify call runtime builtins with the checked Wasm address (memory index first); fence is the IR fence.
;; RUN: %wat2wasm --enable-threads --debug-names %s -o %t.wasm && %egret compile --emit=ir --no-srclocs %t.wasm | FileCheck %s
(module
  (memory 1 1 shared)
  (func $w (param i32 i64 i64) (result i32)
    atomic.fence
    local.get 0 local.get 1 local.get 2 memory.atomic.wait64)
  (func $n (param i32) (result i32)
    local.get 0 i32.const 1 memory.atomic.notify))
;; CHECK-LABEL: function %w(
;; CHECK:       fence
;; CHECK:       band_imm {{v[0-9]+}}, 7
;; CHECK:       call %egret_builtin_memory_atomic_wait64({{v[0-9]+}}, {{v[0-9]+}}, {{v[0-9]+}}, {{v[0-9]+}}, {{v[0-9]+}})
;; CHECK-LABEL: function %n(
;; CHECK:       band_imm {{v[0-9]+}}, 3
;; CHECK:       call %egret_builtin_memory_atomic_notify(
