;; Concept: under --debug-branch-range-shrink=N the x64 jmp/jcc/call rel32 range is divided by N
;; (here down to the 512-byte floor): a branch whose target is not bound in time goes through a
;; `jmp rel32` veneer in an island, and the code still computes the same. Without the flag the
;; same module has no island and no veneer. The emission loop checks for islands before each
;; instruction with x64's 1024-byte bound, so at this N every forward branch pending there gets
;; its veneer: below, the prologue's stack check `jb` to the trap stub after the last block lands
;; on the veneer `jmp` at 0x17 (behind `jmp 0x1c`, the jump around its island, which --emit=asm
;; marks with `;; island`), and the loop's
;; exit test `jne` on the veneer at 0x43, which goes on to the loop body at 0x53. At real ranges
;; the same `jne` is a 2-byte rel8 (branch relaxation at the end of the function).
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
;; SHRUNK:      c: jb 0x17
;; SHRUNK-NEXT: 12: ;; island
;; SHRUNK-NEXT: 12: jmp 0x1c
;; SHRUNK-NEXT: 17: jmp 0x7d
;; SHRUNK:      36: testl %eax, %eax
;; SHRUNK-NEXT: 38: jne 0x43
;; SHRUNK-NEXT: 3e: ;; island
;; SHRUNK-NEXT: 3e: jmp 0x48
;; SHRUNK-NEXT: 43: jmp 0x53
;; SHRUNK-NEXT: 48: movq 0x18(%rsp), %rax
;; SHRUNK:      53: movq 0x10(%rsp), %rax
;; SHRUNK:      7b: jmp 0x31
;; SHRUNK-NEXT: 7d: ud2

;; REAL-LABEL: function %sumsq:
;; REAL:      28: testl %eax, %eax
;; REAL-NEXT: 2a: jne 0x37
;; REAL-NEXT: 2c: movq 0x18(%rsp), %rax
;; REAL:      37: movq 0x10(%rsp), %rax
;; REAL:      5f: jmp 0x23
;; REAL-NEXT: 61: ud2

;; STATS: islands (ranges shrunk by 4194304): 2 in 1 functions (20 bytes: 2 veneers of 10 bytes, 0 constants); calls: 0 veneers of 0 bytes in 0 islands between functions
;; STATS-NEXT: function %sumsq: 2 islands (20 bytes), 2 veneers (10 bytes), 0 constants in islands

;; NONE: islands: 0 in 0 functions (0 bytes: 0 veneers of 0 bytes, 0 constants); calls: 0 veneers of 0 bytes in 0 islands between functions
;; NONE-NOT: function %

;; EXEC: i32:385
;; EXEC0: i32:0
