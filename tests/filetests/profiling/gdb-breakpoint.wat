;; Concept: --profile=gdb registers each module with gdb's JIT interface, so gdb breaks on a Wasm
;; function by name and the backtrace names the Wasm frames, down to the array_call trampoline,
;; with the Wasm byte offsets of the calls (0x30 = 48 `call $inner`, 0x37 = 55 `call $middle`);
;; when the module is unloaded (before exit) gdb no longer knows the address. $inner is a frameless
;; leaf (docs/x64.md "Leaf prologues"): no prologue to skip, so gdb stops at its first instruction,
;; and its caller still follows (gdb unwinds a function's entry from the return address at rsp).
;; REQUIRES: gdb
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %gdb -batch -nx -ex 'set breakpoint pending on' -ex 'break inner' -ex run -ex bt \
;; RUN:   -ex 'set $wasm_pc = $pc' -ex 'info symbol $wasm_pc' -ex delete -ex 'break exit' \
;; RUN:   -ex continue -ex 'info symbol $wasm_pc' -ex continue \
;; RUN:   --args %egret run --profile=gdb %t.wasm --invoke outer 41 2>&1 | FileCheck %s
(module
  (func $inner (param i32) (result i32) local.get 0 i32.const 1 i32.add)
  (func $middle (param i32) (result i32) local.get 0 call $inner)
  (func $outer (export "outer") (param i32) (result i32) local.get 0 call $middle))
;; CHECK: Breakpoint 1, {{.*}}inner ()
;; (gdb prints the source line between the stop and the backtrace)
;; CHECK: #0 {{.*}}inner ()
;; CHECK-NEXT: #1 {{.*}} in middle () at wasm:48
;; CHECK-NEXT: #2 {{.*}} in outer () at wasm:55
;; CHECK-NEXT: #3 {{.*}} in array_call[outer] ()
;; The host frames follow (how many before the trap-handling entry depends on inlining: Release
;; vs the sanitizer build).
;; CHECK: in egret::runtime::CallWithTrapHandling
;; CHECK: inner {{(\+ [0-9]+ )?}}in section .text of <in-memory@0x{{[0-9a-f]+}}>
;; CHECK: i32:42
;; CHECK: Breakpoint 2, {{.*}}exit
;; CHECK: No symbol matches $wasm_pc.
;; CHECK: exited normally
