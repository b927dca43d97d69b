;; Concept: under gdb, the fault behind a Wasm trap stops in the faulting Wasm function, named,
;; at the Wasm byte offset of the faulting instruction (the image's DWARF line table), with its
;; Wasm callers in bt; continuing hands the signal to egret's trap handler as usual.
;; REQUIRES: gdb
;; RUN: %wat2wasm --debug-names %s -o %t.wasm
;; RUN: %gdb -batch -nx -ex run -ex bt -ex 'x/i $pc' -ex continue \
;; RUN:   --args %egret run --profile=gdb %t.wasm --invoke checksum 2 2>&1 | FileCheck %s
(module
  (memory 1)
  (func $load_past_end (param i32) (result i32)
    local.get 0 i32.load)
  (func $checksum (export "checksum") (param i32) (result i32)
    local.get 0 i32.const 65536 i32.mul call $load_past_end))
;; The fault is at Wasm byte offset 47 (0x2f, the i32.load), the caller at 60 (0x3c, the call).
;; gdb says "Thread 1 ... received" once the compile's worker threads (--jobs) have run.
;; CHECK: {{Program|Thread 1 "egret"}} received signal SIGSEGV
;; CHECK-NEXT: load_past_end () at wasm:47
;; CHECK: #0 {{.*}}load_past_end () at wasm:47
;; CHECK-NEXT: #1 {{.*}} in checksum () at wasm:60
;; CHECK-NEXT: #2 {{.*}} in array_call[checksum] ()
;; CHECK: <load_past_end+{{[0-9]+}}>: mov
;; CHECK: egret run: error: wasm trap: out of bounds memory access
;; CHECK: exited with code 0206
