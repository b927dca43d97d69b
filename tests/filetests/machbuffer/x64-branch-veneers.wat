;; Concept: under --debug-branch-range-shrink=N the x64 jmp/jcc/call rel32 range is divided by N
;; (here down to the 512-byte floor): a branch whose target is not bound in time goes through a
;; `jmp rel32` veneer in an island, and the code still computes the same. Without the flag the
;; same module has no island and no veneer. The emission loop checks for islands before each
;; instruction with x64's 1024-byte bound, so at this N every forward branch pending there gets
;; its veneer: below, the prologue's stack check `jb` to the trap stub after the last block lands
;; on the veneer `jmp` at 0x1a (behind `jmp 0x1f`, the jump around its island, which --emit=asm
;; marks with `;; island`), and the loop's
;; exit test `je` on the veneer at 0x46, which goes on to the loop exit at 0x75 (the loop is laid
;; out contiguously: header, body, back edge, exit). At real ranges the same `je` is a 2-byte rel8
;; (branch relaxation at the end of the function).
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
;; SHRUNK-NEXT: 1a: jmp 0x80
;; SHRUNK:      39: testl %eax, %eax
;; SHRUNK-NEXT: 3b: je 0x46
;; SHRUNK-NEXT: 41: ;; island
;; SHRUNK-NEXT: 41: jmp 0x4b
;; SHRUNK-NEXT: 46: jmp 0x75
;; SHRUNK-NEXT: 4b: movq 0x10(%rsp), %rax
;; SHRUNK:      73: jmp 0x34
;; SHRUNK-NEXT: 75: movq 0x18(%rsp), %rax
;; SHRUNK:      80: ud2

;; REAL-LABEL: function %sumsq:
;; REAL:      2b: testl %eax, %eax
;; REAL-NEXT: 2d: je 0x59
;; REAL-NEXT: 2f: movq 0x10(%rsp), %rax
;; REAL:      57: jmp 0x26
;; REAL-NEXT: 59: movq 0x18(%rsp), %rax
;; REAL:      64: ud2

;; STATS: islands (ranges shrunk by 4194304): 2 in 1 functions (20 bytes: 2 veneers of 10 bytes, 0 constants); calls: 0 veneers of 0 bytes in 0 islands between functions
;; STATS-NEXT: function %sumsq: 2 islands (20 bytes), 2 veneers (10 bytes), 0 constants in islands

;; NONE: islands: 0 in 0 functions (0 bytes: 0 veneers of 0 bytes, 0 constants); calls: 0 veneers of 0 bytes in 0 islands between functions
;; NONE-NOT: function %

;; EXEC: i32:385
;; EXEC0: i32:0
