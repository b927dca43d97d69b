;; Concept: under --debug-branch-range-shrink=N the x64 jmp/jcc/call rel32 range is divided by N
;; (here down to the 512-byte floor): a branch whose target is not bound in time goes through a
;; `jmp rel32` veneer in an island, and the code still computes the same. Without the flag the
;; same module has no island and no veneer. The emission loop checks for islands before each
;; instruction with x64's 1024-byte bound, so at this N every forward branch pending there gets
;; its veneer: below, the loop's exit test `jne` lands on the veneer `jmp` at 0x37 inside an
;; island (behind `jmp 0x3c`, the jump around it), which goes on to the loop body at 0x47.
;; RUN: %egret compile --opt-level=none --emit=asm --target-features=+all,-lzcnt --debug-branch-range-shrink=4194304 %s | FileCheck %s --check-prefix=SHRUNK
;; RUN: %egret compile --opt-level=none --emit=asm --target-features=+all,-lzcnt %s | FileCheck %s --check-prefix=REAL
;; RUN: %egret compile --opt-level=none --stats --debug-branch-range-shrink=4194304 %s -o %t.egret 2>&1 | FileCheck %s --check-prefix=STATS
;; RUN: %egret compile --opt-level=none --stats %s -o %t.egret 2>&1 | FileCheck %s --check-prefix=NONE
;; RUN: %egret run --opt-level=none --debug-branch-range-shrink=4194304 --invoke sumsq %s 10 | FileCheck %s --check-prefix=EXEC
;; RUN: %egret run --opt-level=none --debug-branch-range-shrink=4194304 --invoke sumsq %s 0 | FileCheck %s --check-prefix=EXEC0
(module
  (func $sumsq (export "sumsq") (param i32) (result i32)
    (local i32)
    (block $out
      (loop $l
        (br_if $out (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.mul (local.get 0) (local.get 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $l)))
    (local.get 1)))

;; SHRUNK-LABEL: function %sumsq:
;; SHRUNK:      2a: testl %eax, %eax
;; SHRUNK-NEXT: 2c: jne 0x37
;; SHRUNK-NEXT: 32: jmp 0x3c
;; SHRUNK-NEXT: 37: jmp 0x47
;; SHRUNK-NEXT: 3c: movq 0x18(%rsp), %rax
;; SHRUNK:      47: movq 0x10(%rsp), %rax
;; SHRUNK:      6f: jmp 0x25

;; REAL-LABEL: function %sumsq:
;; REAL:      2a: testl %eax, %eax
;; REAL-NEXT: 2c: jne 0x3d
;; REAL-NEXT: 32: movq 0x18(%rsp), %rax
;; REAL:      3d: movq 0x10(%rsp), %rax
;; REAL:      65: jmp 0x25

;; STATS: islands (ranges shrunk by 4194304): 1 in 1 functions (10 bytes: 1 veneers of 5 bytes, 0 constants); calls: 0 veneers of 0 bytes in 0 islands between functions
;; STATS-NEXT: function %sumsq: 1 islands (10 bytes), 1 veneers (5 bytes), 0 constants in islands

;; NONE: islands: 0 in 0 functions (0 bytes: 0 veneers of 0 bytes, 0 constants); calls: 0 veneers of 0 bytes in 0 islands between functions
;; NONE-NOT: function %

;; EXEC: i32:385
;; EXEC0: i32:0
