;; Concept: a value computed from one register (here p + 16k, one `add w, w, #imm`) that must
;; leave its register across calls is recomputed from p's register where it is needed again (a
;; remat edit naming its source register, docs/regalloc.md "Rematerialization"), instead of
;; being stored after its definition and reloaded from a spill slot.
;; RUN: %egret compile --emit=asm --target=aarch64 --opt-level=speed %s | %FileCheck %s
(module
  (func $h (param i32 i32 i32 i32 i32 i32) (result i32)
    (i32.add (i32.add (i32.add (local.get 0) (local.get 1)) (i32.add (local.get 2) (local.get 3)))
             (i32.add (local.get 4) (local.get 5))))
  ;; a1..a12 = p + 16k, each passed to $h after calls: more values cross the calls than
  ;; there are callee-saved registers.
  (func $g (export "g") (param $p i32) (result i32)
    (local $s i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $a4 i32) (local $a5 i32) (local $a6 i32) (local $a7 i32) (local $a8 i32) (local $a9 i32) (local $a10 i32) (local $a11 i32) (local $a12 i32)
    (local.set $a1 (i32.add (local.get $p) (i32.const 16)))
    (local.set $a2 (i32.add (local.get $p) (i32.const 32)))
    (local.set $a3 (i32.add (local.get $p) (i32.const 48)))
    (local.set $a4 (i32.add (local.get $p) (i32.const 64)))
    (local.set $a5 (i32.add (local.get $p) (i32.const 80)))
    (local.set $a6 (i32.add (local.get $p) (i32.const 96)))
    (local.set $a7 (i32.add (local.get $p) (i32.const 112)))
    (local.set $a8 (i32.add (local.get $p) (i32.const 128)))
    (local.set $a9 (i32.add (local.get $p) (i32.const 144)))
    (local.set $a10 (i32.add (local.get $p) (i32.const 160)))
    (local.set $a11 (i32.add (local.get $p) (i32.const 176)))
    (local.set $a12 (i32.add (local.get $p) (i32.const 192)))
    (local.set $s (call $h (local.get $a1) (local.get $a2) (local.get $a3) (local.get $a4) (local.get $a5) (local.get $a6)))
    (local.set $s (i32.add (local.get $s) (call $h (local.get $a7) (local.get $a8) (local.get $a9) (local.get $a10) (local.get $a11) (local.get $a12))))
    (local.set $s (i32.add (local.get $s) (call $h (local.get $a1) (local.get $a2) (local.get $a3) (local.get $a4) (local.get $a5) (local.get $a6))))
    (local.set $s (i32.add (local.get $s) (call $h (local.get $a7) (local.get $a8) (local.get $a9) (local.get $a10) (local.get $a11) (local.get $a12))))
    (local.set $s (i32.add (local.get $s) (call $h (local.get $a1) (local.get $a2) (local.get $a3) (local.get $a4) (local.get $a5) (local.get $a6))))
    (i32.add (local.get $s) (local.get $p))))
;; p arrives in w1 and moves to a callee-saved register; after the first call, the arguments
;; derived from p are adds from that register, and nothing but the vmctx (x0) is reloaded from
;; the stack.
;; CHECK-LABEL: function %g:
;; CHECK:       mov x[[#P:]], x1
;; CHECK:       bl
;; CHECK-NOT:   ldr {{[wx][1-9]}}, [sp
;; CHECK:       add w1, w[[#P]], #0x70
;; CHECK-NOT:   ldr {{[wx][1-9]}}, [sp
;; CHECK:       bl
;; CHECK-NOT:   ldr {{[wx][1-9]}}, [sp
;; CHECK:       add w1, w[[#P]], #0x10
;; CHECK-NOT:   ldr {{[wx][1-9]}}, [sp
;; CHECK:       ret
