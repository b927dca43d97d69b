;; Concept: under --debug-branch-range-shrink=N the x64 jmp/jcc/call rel32 range is divided by N
;; (here down to the 512-byte floor): a branch whose target is not bound in time goes through a
;; `jmp rel32` veneer in an island, and the code still computes the same. Without the flag the
;; same module has no island and no veneer. The emission loop checks for islands before each
;; instruction with x64's 1024-byte bound, so at this N every forward branch pending there gets
;; its veneer: below, the prologue's stack check `jb` to the trap stub after the last block lands
;; on the veneer `jmp` at 0x1a (behind `jmp 0x1f`, the jump around its island, which --emit=asm
;; marks with `;; island`), and the jump into the loop's exit test `jmp 0x39` on the veneer at
;; 0x39, which goes on to the test at 0x66 (the loop is rotated, docs/backend.md "Emission order":
;; body, then the test whose `jne` is the back edge; the veneer's island needs no jump around it,
;; the spot after the entry `jmp` being unreachable). The back edge is backward, bound in time,
;; and needs no veneer. At real ranges the entry `jmp` is a 2-byte rel8 (branch relaxation at
;; the end of the function).
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
;; SHRUNK:      f: jb 0x1a
;; SHRUNK-NEXT: 15: ;; island
;; SHRUNK-NEXT: 15: jmp 0x1f
;; SHRUNK-NEXT: 1a: jmp 0x7a
;; SHRUNK:      2f: movq %rsi, 0x10(%rsp)
;; SHRUNK-NEXT: 34: jmp 0x39
;; SHRUNK-NEXT: 39: ;; island
;; SHRUNK-NEXT: 39: jmp 0x66
;; SHRUNK-NEXT: 3e: movq 0x10(%rsp), %rax
;; SHRUNK:      66: movq 0x10(%rsp), %rax
;; SHRUNK-NEXT: 6b: testl %eax, %eax
;; SHRUNK-NEXT: 6d: jne 0x3e
;; SHRUNK-NEXT: 6f: movq 0x18(%rsp), %rax
;; SHRUNK:      7a: ud2

;; REAL-LABEL: function %sumsq:
;; REAL:      26: jmp 0x50
;; REAL-NEXT: 28: movq 0x10(%rsp), %rax
;; REAL:      50: movq 0x10(%rsp), %rax
;; REAL-NEXT: 55: testl %eax, %eax
;; REAL-NEXT: 57: jne 0x28
;; REAL-NEXT: 59: movq 0x18(%rsp), %rax
;; REAL:      64: ud2

;; STATS: islands (ranges shrunk by 4194304): 2 in 1 functions (15 bytes: 2 veneers of 10 bytes, 0 constants); calls: 0 veneers of 0 bytes in 0 islands between functions
;; STATS-NEXT: function %sumsq: 2 islands (15 bytes), 2 veneers (10 bytes), 0 constants in islands

;; NONE: islands: 0 in 0 functions (0 bytes: 0 veneers of 0 bytes, 0 constants); calls: 0 veneers of 0 bytes in 0 islands between functions
;; NONE-NOT: function %

;; EXEC: i32:385
;; EXEC0: i32:0
